using System.Globalization;

namespace CrashLab.Wal.Format;

/// <summary>Segment file names: 16 hex digits and ".wal", so names sort in log order.</summary>
internal static class SegmentNames
{
    public const string Extension = ".wal";
    public const string PreparingExtension = ".tmp";

    public static string For(long number) => number.ToString("x16", CultureInfo.InvariantCulture) + Extension;

    public static string Preparing(long number) => "prepare-" + number.ToString("x16", CultureInfo.InvariantCulture) + PreparingExtension;

    public static bool TryParse(string name, out long number)
    {
        number = 0;
        return name.Length == 16 + Extension.Length
            && name.EndsWith(Extension, StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out number)
            && number > 0;
    }
}
