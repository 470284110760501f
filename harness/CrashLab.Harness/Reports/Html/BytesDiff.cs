using System.Text;
using static CrashLab.Harness.Reports.Html.Html;

namespace CrashLab.Harness.Reports.Html;

/// <summary>The record the model expects beside the one recovered, hex and ASCII, the differing bytes marked.</summary>
internal static class BytesDiff
{
    public static string Render(long? lsn, string? expected, string? actual)
    {
        if (expected == null && actual == null)
            return "";
        var (want, got) = (Bytes(expected), Bytes(actual));
        var at = expected?.StartsWith('@') == true ? $" from byte {expected[1..expected.IndexOf(':', StringComparison.Ordinal)]}" : "";
        var html = new StringBuilder($"<h3>LSN {lsn}: expected and recovered bytes{at}</h3><table class=\"bytes mono\"><tr><th>expected</th><td>");
        Row(html, want, got);
        html.Append("</td></tr><tr><th>recovered</th><td>");
        Row(html, got, want);
        html.Append("</td></tr></table>");
        html.Append($"<p class=\"note\">as the case file abbreviates them: expected <span class=\"mono\">{E(expected)}</span>, recovered <span class=\"mono\">{E(actual)}</span></p>");
        return html.ToString();
    }

    private static void Row(StringBuilder html, byte[] bytes, byte[] other)
    {
        var ascii = new StringBuilder();
        for (var i = 0; i < bytes.Length; i++)
        {
            var differs = i >= other.Length || other[i] != bytes[i];
            var hex = bytes[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture);
            var ch = bytes[i] is >= 32 and < 127 ? E(((char)bytes[i]).ToString()) : ".";
            html.Append(differs ? $"<span class=\"diff\">{hex}</span> " : hex + " ");
            ascii.Append(differs ? $"<span class=\"diff\">{ch}</span>" : ch);
        }

        html.Append("&nbsp;&nbsp;|").Append(ascii).Append('|');
    }

    /// <summary>The shown bytes of an abbreviated hex string ("HEX", "HEX..HEX (n bytes)" or "@OFFSET: HEX (n bytes)").</summary>
    private static byte[] Bytes(string? hex)
    {
        if (string.IsNullOrEmpty(hex))
            return [];
        if (hex.StartsWith('@'))
            hex = hex[(hex.IndexOf(':', StringComparison.Ordinal) + 1)..].TrimStart();
        var head = hex.Split(' ')[0].Replace("..", "", StringComparison.Ordinal);
        try
        {
            return Convert.FromHexString(head.Length % 2 == 0 ? head : head[..^1]);
        }
        catch (FormatException)
        {
            return [];
        }
    }
}
