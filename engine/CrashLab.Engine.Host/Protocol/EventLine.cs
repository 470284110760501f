using System.Globalization;
using System.Text;

namespace CrashLab.Engine.Host.Protocol;

/// <summary>
/// The <c>ready</c> and <c>fatal</c> events, formatted by hand: System.Text.Json's first use costs
/// about 15 ms of start-up (its encoder tables), and these lines are on the crash-cycle path.
/// </summary>
internal static class EventLine
{
    public static byte[] Ready(string backend, long firstLsn, long nextLsn, long? corruptionLsn, string? corruptionDetail)
    {
        var line = new StringBuilder(160)
            .Append("{\"event\":\"ready\",\"protocol\":1,\"backend\":").Append(Quote(backend))
            .Append(",\"first_lsn\":").Append(firstLsn.ToString(CultureInfo.InvariantCulture))
            .Append(",\"next_lsn\":").Append(nextLsn.ToString(CultureInfo.InvariantCulture))
            .Append(",\"corruption\":");
        if (corruptionLsn is { } lsn)
            line.Append("{\"lsn\":").Append(lsn.ToString(CultureInfo.InvariantCulture)).Append(",\"detail\":").Append(Quote(corruptionDetail ?? "")).Append('}');
        else
            line.Append("null");
        return Encoding.UTF8.GetBytes(line.Append("}\n").ToString());
    }

    public static byte[] Fatal(string message) => Encoding.UTF8.GetBytes("{\"event\":\"fatal\",\"message\":" + Quote(message) + "}\n");

    /// <summary>A JSON string literal (RFC 8259 escaping).</summary>
    public static string Quote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    quoted.Append("\\\"");
                    break;
                case '\\':
                    quoted.Append("\\\\");
                    break;
                case < ' ':
                    quoted.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    quoted.Append(c);
                    break;
            }
        }

        return quoted.Append('"').ToString();
    }
}
