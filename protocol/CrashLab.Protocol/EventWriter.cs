using System.Globalization;
using System.Text;

namespace CrashLab.Protocol;

/// <summary>
/// The <c>ready</c> and <c>fatal</c> events, formatted by hand: System.Text.Json's first use costs
/// about 15 ms of start-up (its encoder tables), and these lines are on a backend's crash-cycle path.
/// </summary>
public static class EventWriter
{
    public static byte[] Line(ReadyEvent ready)
    {
        var line = new StringBuilder(160).Append('{')
            .Append(Key(Field.Event)).Append(Quote(EventName.Ready))
            .Append(',').Append(Key(Field.Protocol)).Append(ProtocolLimits.Version.ToString(CultureInfo.InvariantCulture))
            .Append(',').Append(Key(Field.Backend)).Append(Quote(ready.Backend))
            .Append(',').Append(Key(Field.FirstLsn)).Append(ready.FirstLsn.ToString(CultureInfo.InvariantCulture))
            .Append(',').Append(Key(Field.NextLsn)).Append(ready.NextLsn.ToString(CultureInfo.InvariantCulture))
            .Append(',').Append(Key(Field.Corruption));
        if (ready.CorruptionLsn is { } lsn)
        {
            line.Append('{').Append(Key(Field.Lsn)).Append(lsn.ToString(CultureInfo.InvariantCulture))
                .Append(',').Append(Key(Field.Detail)).Append(Quote(ready.CorruptionDetail ?? "")).Append('}');
        }
        else
        {
            line.Append("null");
        }

        return Encoding.UTF8.GetBytes(line.Append("}\n").ToString());
    }

    public static byte[] Line(FatalEvent fatal)
        => Encoding.UTF8.GetBytes("{" + Key(Field.Event) + Quote(EventName.Fatal) + "," + Key(Field.Message) + Quote(fatal.Message) + "}\n");

    private static string Key(string name) => Quote(name) + ":";

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
