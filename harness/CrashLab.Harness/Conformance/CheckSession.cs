using System.Text.Json;
using CrashLab.Harness.Backends;

namespace CrashLab.Harness.Conformance;

/// <summary>
/// One backend process under `crashlab check`: sends requests (well-formed or not), collects the
/// replies by id in whatever order they come, and keeps the raw line of each for the report.
/// </summary>
internal sealed class CheckSession(RawSession session, TimeSpan timeout) : IAsyncDisposable
{
    private readonly Dictionary<long, string> _early = [];
    private string? _silence;
    private long _nextId;

    public RawSession Raw => session;

    /// <summary>Why the backend no longer answers (it stopped, closed its stdout, stopped reading); null while it answers.</summary>
    public string? Silence => _silence;

    public long NextId() => ++_nextId;

    /// <summary>The first line after start: must be a ready (or fatal) event.</summary>
    public async Task<(BackendLine? Event, string Raw, string? Error)> StartAsync()
    {
        string? raw;
        try
        {
            raw = await ReadAsync().ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            _silence = e.Message;
            return (null, "(nothing)", $"no ready event: {e.Message}");
        }

        if (raw == null)
        {
            var status = Backends.LastWords.Status(await session.ExitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false));
            return (null, "(nothing: stdout closed)", $"the backend ended before ready: {status}");
        }

        try
        {
            return (BackendLineParser.Parse(System.Text.Encoding.UTF8.GetBytes(raw)), raw, null);
        }
        catch (ProtocolException e)
        {
            return (null, raw, e.Message);
        }
    }

    public async Task<Answer> AskAsync(Request request)
    {
        var sent = request with { Id = NextId() };
        await session.SendAsync(ProtocolWriter.Line(sent)).ConfigureAwait(false);
        return await AnswerAsync(sent).ConfigureAwait(false);
    }

    /// <summary>Sends many requests before reading any reply (pipelining); returns them with their ids.</summary>
    public async Task<List<Request>> SendAllAsync(IEnumerable<Request> requests)
    {
        var sent = requests.Select(r => r with { Id = NextId() }).ToList();
        await session.SendAsync([.. sent.SelectMany(ProtocolWriter.Line)]).ConfigureAwait(false);
        return sent;
    }

    /// <summary>The reply to <paramref name="sent"/> (by its id), typed; or why it could not be read.</summary>
    public async Task<Answer> AnswerAsync(Request sent)
    {
        var raw = await RawReplyAsync(sent.Id).ConfigureAwait(false);
        if (raw == null)
            return new Answer(null, "(no reply)", $"nothing answered id {sent.Id}: {_silence}; {LastWords()}");
        try
        {
            var line = (BackendLine.Answer)BackendLineParser.Parse(System.Text.Encoding.UTF8.GetBytes(raw));
            return new Answer(BackendLineParser.ParseReply(line.Id, line.Body, sent), raw, null);
        }
        catch (ProtocolException e)
        {
            return new Answer(null, raw, e.Message);
        }
    }

    /// <summary>The raw line answering <paramref name="id"/>; lines for other ids are kept for later.</summary>
    public async Task<string?> RawReplyAsync(long id)
    {
        while (!_early.ContainsKey(id))
        {
            if (_silence != null)
                return null;
            string? raw;
            try
            {
                raw = await ReadAsync().ConfigureAwait(false);
            }
            catch (TimeoutException e)
            {
                var strays = _early.Keys.Where(k => k > _nextId || k < 0).Order().Take(5).ToList();
                _silence = strays.Count == 0 ? e.Message : $"{e.Message}; it answered with ids never sent ({string.Join(", ", strays)})";
                return null;
            }

            // A backend that stopped answering is not waited for again, check after check.
            if (raw == null)
            {
                _silence = await session.ExitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false) is { } code
                    ? $"the backend exited ({Backends.LastWords.Status(code)})"
                    : "the backend closed its stdout but kept running";
                return null;
            }

            // A line that names no id is the offending answer to whatever is awaited.
            if (IdOf(raw) is not { } answered)
                return raw;
            _early[answered] = raw;
        }

        var line = _early[id];
        _early.Remove(id);
        return line;
    }

    /// <summary>The end of the backend's stderr in a box, under a failure that needs more than one line of it.</summary>
    public string StderrBox() => Backends.LastWords.Box(session.Stderr);

    /// <summary>The backend's last stderr line, for a failure report.</summary>
    public string LastWords() => session.Stderr.LastLine() is { } last ? $"its stderr ends: \"{WireText.Clip(last)}\"" : "nothing on stderr";

    private Task<string?> ReadAsync() => session.ReadLineAsync(timeout);

    private static long? IdOf(string raw)
    {
        try
        {
            using var json = JsonDocument.Parse(raw);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(Field.Id, out var id) && id.TryGetInt64(out var n) ? n : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public ValueTask DisposeAsync() => session.DisposeAsync();

    /// <summary>A reply as typed, its raw line, and why it could not be read (null when it could).</summary>
    public sealed record Answer(Reply? Reply, string Raw, string? Error);
}
