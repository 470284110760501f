using System.IO.Enumeration;

namespace CrashLab.Storage.Faults.Shim;

/// <summary>Matches a fault rule's file-name glob (<c>*</c>, <c>?</c>) against the last part of a path.</summary>
internal static class PathPattern
{
    public static bool Matches(string pattern, string path)
        => pattern == "*" || FileSystemName.MatchesSimpleExpression(pattern, Path.GetFileName(path), ignoreCase: false);
}
