using System.Text.RegularExpressions;

namespace CrashLab.Cli.Tests;

/// <summary>Output is for a person: never a record as C# prints it ("StateChoice { Mode = … }") nor a .NET type name.</summary>
public static partial class HumanText
{
    public static void AssertNoInternalNames(string text) => Assert.DoesNotMatch(RecordOrType(), text);

    [GeneratedRegex(@"\b[A-Z][A-Za-z0-9]* \{ [A-Z][A-Za-z0-9]* = |\bSystem\.[A-Z]")]
    private static partial Regex RecordOrType();
}
