using System.Text;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace CrashLab.Protocol;

/// <summary>
/// Bounds what the other side wrote before it reaches a message, a report or a case file: never
/// trust it to keep its strings short, printable or on one line.
/// </summary>
public static class WireText
{
    /// <summary>Longest backend string quoted in a message.</summary>
    public const int QuoteChars = 300;

    /// <summary>One line, control characters escaped, at most <paramref name="max"/> characters plus a note of the rest.</summary>
    public static string Clip(string? text, int max = QuoteChars)
    {
        if (string.IsNullOrEmpty(text))
            return "";
        var shown = text.Length > max ? text.AsSpan(0, max) : text.AsSpan();
        var clipped = new StringBuilder(shown.Length + 32);
        for (var i = 0; i < shown.Length; i++)
        {
            var c = shown[i];
            if (char.IsHighSurrogate(c) && i + 1 < shown.Length && char.IsLowSurrogate(shown[i + 1]))
            {
                clipped.Append(c).Append(shown[++i]);
                continue;
            }

            // Control characters and lone surrogates would break a terminal line, an XML report or a JSON writer.
            _ = c switch
            {
                '\n' => clipped.Append("\\n"),
                '\r' => clipped.Append("\\r"),
                '\t' => clipped.Append(' '),
                _ when char.IsControl(c) || char.IsSurrogate(c) => clipped.Append($"\\u{(int)c:x4}"),
                _ => clipped.Append(c),
            };
        }

        if (text.Length > max)
            clipped.Append($"... ({text.Length} chars)");
        return clipped.ToString();
    }

    /// <summary>A JSON value the backend sent, as text, clipped.</summary>
    public static string Clip(JsonElement value, int max = QuoteChars)
        => value.ValueKind == JsonValueKind.Undefined ? "(nothing)" : Clip(JsonMarshal.GetRawUtf8Value(value), max);

    /// <summary>Raw bytes the backend sent (maybe not UTF-8), clipped.</summary>
    public static string Clip(ReadOnlySpan<byte> bytes, int max = QuoteChars)
    {
        var text = Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, max)]);
        return bytes.Length > max ? Clip(text, max) + $"... ({bytes.Length} bytes)" : Clip(text, max);
    }
}
