using System.Text;

namespace CrashLab.Harness.Backends;

/// <summary>Keeps the head and the tail of a stream of log lines within a fixed budget, counting what it drops.</summary>
public sealed class BoundedLog(int headBytes = 16 << 10, int tailBytes = 48 << 10)
{
    private readonly StringBuilder _head = new();
    private readonly Queue<string> _tail = new();
    private readonly object _gate = new();
    private int _tailSize;
    private long _dropped;

    public void Add(string line)
    {
        lock (_gate)
        {
            if (_head.Length + line.Length < headBytes)
            {
                _head.AppendLine(line);
                return;
            }

            _tail.Enqueue(line);
            _tailSize += line.Length + 1;
            while (_tailSize > tailBytes && _tail.Count > 0)
            {
                var gone = _tail.Dequeue();
                _tailSize -= gone.Length + 1;
                _dropped += gone.Length + 1;
            }
        }
    }

    /// <summary>Reads a stream (a backend's stderr) to its end into this log: lines are cut at <see cref="MaxLineBytes"/> bytes, however long the writer makes them.</summary>
    public async Task PumpAsync(Stream stream)
    {
        var chunk = new byte[16 << 10];
        var line = new byte[MaxLineBytes];
        var (length, cut) = (0, 0L);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk).ConfigureAwait(false)) > 0)
            {
                var rest = chunk.AsSpan(0, read);
                while (true)
                {
                    var newline = rest.IndexOf((byte)'\n');
                    var part = newline < 0 ? rest : rest[..newline];
                    var take = Math.Min(line.Length - length, part.Length);
                    part[..take].CopyTo(line.AsSpan(length));
                    (length, cut) = (length + take, cut + part.Length - take);
                    if (newline < 0)
                        break;
                    Add(LineOf(line.AsSpan(0, length), cut));
                    (length, cut) = (0, 0);
                    rest = rest[(newline + 1)..];
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }

        if (length > 0)
            Add(LineOf(line.AsSpan(0, length), cut));
    }

    public const int MaxLineBytes = 4096;

    private static string LineOf(ReadOnlySpan<byte> bytes, long cut)
        => Encoding.UTF8.GetString(bytes).TrimEnd('\r') + (cut > 0 ? $"... ({cut} more bytes of this line)" : "");

    /// <summary>Bytes of log dropped from the middle to stay within budget.</summary>
    public long Dropped
    {
        get
        {
            lock (_gate)
                return _dropped;
        }
    }

    /// <summary>The last line that is not blank, or null.</summary>
    public string? LastLine()
    {
        lock (_gate)
        {
            var last = _tail.LastOrDefault(l => !string.IsNullOrWhiteSpace(l));
            return last ?? _head.ToString().Split('\n').Select(l => l.TrimEnd('\r')).LastOrDefault(l => !string.IsNullOrWhiteSpace(l));
        }
    }

    /// <summary>The last <paramref name="count"/> lines, without trailing blank ones.</summary>
    public IReadOnlyList<string> LastLines(int count)
    {
        lock (_gate)
        {
            var lines = _head.ToString().Split('\n').Select(l => l.TrimEnd('\r')).SkipLast(1).Concat(_tail).ToList();
            while (lines.Count > 0 && string.IsNullOrWhiteSpace(lines[^1]))
                lines.RemoveAt(lines.Count - 1);
            return lines.TakeLast(count).ToList();
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            var text = new StringBuilder(_head.ToString());
            if (_dropped > 0)
                text.AppendLine($"... [{_dropped} bytes of log omitted] ...");
            foreach (var line in _tail)
                text.AppendLine(line);
            return text.ToString();
        }
    }
}
