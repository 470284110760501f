using System.Text.Json.Nodes;
using CrashLab.Harness.Backends;

namespace CrashLab.Harness.Conformance;

/// <summary>
/// `crashlab check`: a smoke test of protocol v1 itself, before any crash — the ready event, every
/// op with good and bad arguments, pipelining, read paging and the at-least-one-record rule, a
/// 16 MiB record, shutdown and end of input, and a restart that reads everything back. Each
/// check reports pass, or what was expected and the exact line received.
/// </summary>
public sealed class ProtocolCheck(BackendSpec backend, TimeSpan timeout)
{
    /// <summary>How long a backend may take to exit after shutdown or end of input: the request timeout, as for any answer.</summary>
    private TimeSpan ExitWait => timeout;
    private readonly List<CheckResult> _results = [];
    private Action<CheckResult> _report = _ => { };

    public async Task<IReadOnlyList<CheckResult>> RunAsync(string dataDir, Action<CheckResult> report)
    {
        _report = report;
        Directory.CreateDirectory(dataDir);
        var written = await FirstLifeAsync(dataDir).ConfigureAwait(false);
        if (written != null)
            await SecondLifeAsync(dataDir, written).ConfigureAwait(false);
        return _results;
    }

    private static readonly byte[][] Batch = ["one"u8.ToArray(), [], "three, after an empty record"u8.ToArray()];

    /// <summary>A fresh directory: every op, good and bad. Returns the records acknowledged (null if it could not go on).</summary>
    private async Task<List<byte[]>?> FirstLifeAsync(string dataDir)
    {
        await using var s = new CheckSession(RawSession.Start(backend, new BackendEnvironment(dataDir), timeout), timeout);
        var (start, raw, error) = await s.StartAsync().ConfigureAwait(false);
        if (!Record("ready: the first line is a ready event of protocol 1", start is BackendLine.Ready, "a ready event", Received(raw, error ?? "a fatal event") + "\n" + s.StderrBox()))
            return null;
        var ready = ((BackendLine.Ready)start!).Event;
        Record("ready: a new log starts at LSN 1 and is empty (first_lsn = next_lsn = 1, corruption null)",
            ready is { FirstLsn: 1, NextLsn: 1, CorruptionLsn: null }, "first_lsn 1, next_lsn 1, corruption null", raw);

        var log = new List<byte[]>();
        var one = await s.AskAsync(new AppendRequest([Batch[0]], Sync: false)).ConfigureAwait(false);
        var appended = Expect("append: one record, sync false, gets LSN 1", one, r => r is AppendReply { FirstLsn: 1, LastLsn: 1 }, "ok with first_lsn 1, last_lsn 1");
        var three = await s.AskAsync(new AppendRequest([.. Batch.Select(b => (ReadOnlyMemory<byte>)b)], Sync: true)).ConfigureAwait(false);
        appended &= Expect("append: a batch of 3 (one empty), sync true, gets LSNs 2..4 and durable_lsn >= 4", three,
            r => r is AppendReply { FirstLsn: 2, LastLsn: 4, DurableLsn: >= 4 }, "ok with first_lsn 2, last_lsn 4, durable_lsn >= 4");
        log.AddRange([Batch[0], .. Batch]);
        // What follows reads back or counts LSNs 1..4: without them it would check nothing.
        var noLog = appended ? null : "the appends of LSNs 1..4 above failed, so there is nothing to check this against";
        await ExpectAsync(noLog, "sync: durable_lsn covers every batch before it", () => s.AskAsync(new SyncRequest()),
            r => r is SyncReply { DurableLsn: >= 4 }, "ok with durable_lsn >= 4").ConfigureAwait(false);
        await ExpectAsync(noLog, "stat: first_lsn 1, next_lsn 5, durable_lsn 4", () => s.AskAsync(new StatRequest()),
            r => r is StatReply { FirstLsn: 1, NextLsn: 5, DurableLsn: 4 }, "ok with first_lsn 1, next_lsn 5, durable_lsn 4").ConfigureAwait(false);
        await ExpectAsync(noLog, "read: from 1 returns LSNs 1..4 with their bytes, next_lsn 5", () => s.AskAsync(new ReadRequest(1)),
            r => Holds(r, 1, log, 4), "records 1..4 as appended, next_lsn 5").ConfigureAwait(false);
        await ExpectAsync(noLog, "read: max_records 2 pages (LSNs 1..2, next_lsn 3)", () => s.AskAsync(new ReadRequest(1, 2)),
            r => Holds(r, 1, log, 2), "records 1..2, next_lsn 3").ConfigureAwait(false);
        await ExpectAsync(noLog, "read: max_bytes 1 still returns the first record whole (at least one record)", () => s.AskAsync(new ReadRequest(1, 1000, 1)),
            r => Holds(r, 1, log, 1), "exactly record 1 (3 bytes, more than max_bytes), next_lsn 2").ConfigureAwait(false);
        await ExpectAsync(noLog, "read: from next_lsn returns no records", () => s.AskAsync(new ReadRequest(5)),
            r => r is ReadReply { Records.Count: 0, NextLsn: 5 }, "ok, no records, next_lsn 5").ConfigureAwait(false);

        await BadArgumentsAsync(s, noLog).ConfigureAwait(false);
        if (noLog != null)
        {
            Skip("pipelining: 16 appends, a sync and a stat sent at once are each answered, LSNs in stdin order", noLog);
            Skip("append: a 16 MiB record", noLog);
            Skip("read: the 16 MiB record comes back whole with max_bytes 1", noLog);
            Skip("truncate: before_lsn 3 answers first_lsn <= 3", noLog);
        }
        else
        {
            await PipelineAsync(s, log).ConfigureAwait(false);
            var big = new byte[ProtocolLimits.MaxRecordBytes];
            new Random(7).NextBytes(big);
            var bigAnswer = await s.AskAsync(new AppendRequest([big], Sync: true)).ConfigureAwait(false);
            var bigAppended = Expect("append: a 16 MiB record", bigAnswer, r => r is AppendReply a && a.FirstLsn == log.Count + 1, $"ok at LSN {log.Count + 1}");
            if (bigAppended)
                log.Add(big);
            await ExpectAsync(bigAppended ? null : "the 16 MiB append above failed, so there is no such record to read", "read: the 16 MiB record comes back whole with max_bytes 1",
                () => s.AskAsync(new ReadRequest(log.Count, 1000, 1)), r => Holds(r, log.Count, log, 1), $"exactly record {log.Count}, all 16 MiB").ConfigureAwait(false);
            Expect("truncate: before_lsn 3 answers first_lsn <= 3", await s.AskAsync(new TruncateRequest(3)).ConfigureAwait(false),
                r => r is TruncateReply { FirstLsn: >= 1 and <= 3 }, "ok with first_lsn between 1 and 3");
        }

        var shutdown = await s.AskAsync(new ShutdownRequest()).ConfigureAwait(false);
        Expect("shutdown: replies ok", shutdown, r => r is ShutdownReply, "ok");
        var exit = s.Silence != null ? null : await s.Raw.ExitAsync(ExitWait).ConfigureAwait(false);
        Record("shutdown: then exits with status 0", exit == 0, "exit status 0", Exit(exit, s));

        // A backend that stopped answering has nothing to read back: a restart would only wait for it again.
        noLog ??= s.Silence != null ? $"the backend stopped answering ({s.Silence})" : null;
        if (noLog != null)
        {
            Skip("restart: ready with next_lsn after every acknowledged record and first_lsn <= 3", noLog);
            Skip("restart: every record reads back with its bytes", noLog);
            return null;
        }

        return log;
    }

    private async Task BadArgumentsAsync(CheckSession s, string? noLog)
    {
        Expect("read: from_lsn past next_lsn is bad_request", await s.AskAsync(new ReadRequest(99)).ConfigureAwait(false), IsError(ErrorCode.BadRequest), "error bad_request");
        Expect("read: from_lsn 0 (below first_lsn) is bad_request", await s.AskAsync(new ReadRequest(0)).ConfigureAwait(false), IsError(ErrorCode.BadRequest), "error bad_request");
        Expect("truncate: before_lsn past next_lsn is bad_request", await s.AskAsync(new TruncateRequest(99)).ConfigureAwait(false), IsError(ErrorCode.BadRequest), "error bad_request");
        Expect("append: an empty batch is bad_request", await s.AskAsync(new AppendRequest([], Sync: false)).ConfigureAwait(false), IsError(ErrorCode.BadRequest), "error bad_request");

        var unknown = s.NextId();
        await s.Raw.SendAsync(new JsonObject { [Field.Id] = unknown, [Field.Op] = "frobnicate" }.ToJsonString()).ConfigureAwait(false);
        Expect("an unknown op is unsupported (or bad_request), with its id", await s.AnswerAsync(new StatRequest { Id = unknown }).ConfigureAwait(false),
            r => r is ErrorReply { Code: ErrorCode.Unsupported or ErrorCode.BadRequest }, "error unsupported");

        await s.Raw.SendAsync("{\"this is\": not json").ConfigureAwait(false);
        await RawErrorAsync(s, "malformed JSON is bad_request with id 0").ConfigureAwait(false);
        await s.Raw.SendAsync(new JsonObject { [Field.Op] = Op.Stat }.ToJsonString()).ConfigureAwait(false);
        await RawErrorAsync(s, "a request without an id is bad_request with id 0").ConfigureAwait(false);
        await ExpectAsync(noLog, "the backend still answers after bad requests", () => s.AskAsync(new StatRequest()),
            r => r is StatReply { NextLsn: 5 }, "stat with next_lsn 5 (nothing changed)").ConfigureAwait(false);
    }

    private async Task RawErrorAsync(CheckSession s, string name)
    {
        var answer = await s.AnswerAsync(new StatRequest { Id = 0 }).ConfigureAwait(false);
        Expect(name, answer, IsError(ErrorCode.BadRequest), "{\"id\":0,\"ok\":false,\"error\":\"bad_request\",...}");
    }

    /// <summary>Twenty requests before reading a reply: every one answered once, LSNs in the order sent.</summary>
    private async Task PipelineAsync(CheckSession s, List<byte[]> log)
    {
        var records = Enumerable.Range(0, 16).Select(i => new byte[] { (byte)i, (byte)(i * 7) }).ToList();
        var sent = await s.SendAllAsync([.. records.Select(r => (Request)new AppendRequest([r], Sync: false)), new SyncRequest(), new StatRequest()]).ConfigureAwait(false);
        var answers = new List<CheckSession.Answer>();
        foreach (var request in sent)
            answers.Add(await s.AnswerAsync(request).ConfigureAwait(false));
        var first = log.Count + 1;
        var appends = answers.Take(records.Count).ToList();
        var inOrder = appends.Select((a, i) => a.Reply is AppendReply r && r.FirstLsn == first + i && r.LastLsn == first + i).ToList();
        var bad = inOrder.IndexOf(false);
        Record("pipelining: 16 appends, a sync and a stat sent at once are each answered, LSNs in stdin order",
            bad < 0 && answers[^2].Reply is SyncReply { DurableLsn: var d } && d >= first + 15,
            $"appends at LSNs {first}..{first + 15} in the order sent, then a sync with durable_lsn >= {first + 15}",
            bad >= 0 ? appends[bad].Error ?? appends[bad].Raw : answers[^2].Error ?? answers[^2].Raw);
        log.AddRange(records);
    }

    /// <summary>A restart on the same directory reads back everything acknowledged; then end of input shuts it down cleanly.</summary>
    private async Task SecondLifeAsync(string dataDir, List<byte[]> log)
    {
        await using var s = new CheckSession(RawSession.Start(backend, new BackendEnvironment(dataDir), timeout), timeout);
        var (start, raw, error) = await s.StartAsync().ConfigureAwait(false);
        var ready = (start as BackendLine.Ready)?.Event;
        if (!Record("restart: ready with next_lsn after every acknowledged record and first_lsn <= 3", ready is { FirstLsn: <= 3 } && ready.NextLsn == log.Count + 1,
                $"first_lsn <= 3, next_lsn {log.Count + 1}, corruption null", Received(raw, error) + (start is BackendLine.Ready ? "" : "\n" + s.StderrBox())))
            return;
        var from = ready!.FirstLsn;
        var all = true;
        var detail = "";
        while (from <= log.Count && all)
        {
            var page = await s.AskAsync(new ReadRequest(from)).ConfigureAwait(false);
            all = page.Reply is ReadReply { Records.Count: > 0 } read && Holds(read, from, log, read.Records.Count);
            detail = page.Error ?? page.Raw;
            from += (page.Reply as ReadReply)?.Records.Count ?? 0;
        }

        Record("restart: every record reads back with its bytes", all, $"records {ready.FirstLsn}..{log.Count} as appended", detail);
        s.Raw.CloseInput();
        var exit = s.Silence != null ? null : await s.Raw.ExitAsync(ExitWait).ConfigureAwait(false);
        Record("end of stdin: shuts down cleanly (exit status 0)", exit == 0, "exit status 0", Exit(exit, s));
    }

    private string Exit(int? code, CheckSession s)
        => s.Silence != null ? $"no exit of its own: {s.Silence}" : code == null ? $"still running after {ExitWait.TotalSeconds:0.#} s" : LastWords.Status(code.Value);

    private static bool Holds(Reply reply, long from, List<byte[]> log, int count)
        => reply is ReadReply read && read.Records.Count == count && read.NextLsn == from + count
            && read.Records.Select((r, i) => r.Lsn == from + i && r.Data.Span.SequenceEqual(log[(int)(from + i - 1)])).All(ok => ok);

    private static Func<Reply, bool> IsError(string code) => r => r is ErrorReply e && e.Code == code;

    private bool Expect(string name, CheckSession.Answer answer, Func<Reply, bool> ok, string expected)
        => Record(name, answer.Reply is { } reply && ok(reply), expected, Received(answer.Raw, answer.Error));

    /// <summary>Asks and judges, or, when what the check needs failed earlier (<paramref name="skipBecause"/>), skips it without asking.</summary>
    private async Task<bool> ExpectAsync(string? skipBecause, string name, Func<Task<CheckSession.Answer>> ask, Func<Reply, bool> ok, string expected)
    {
        if (skipBecause != null)
            return Skip(name, skipBecause);
        return Expect(name, await ask().ConfigureAwait(false), ok, expected);
    }

    private bool Skip(string name, string because)
    {
        var result = new CheckResult(name, CheckStatus.NotRun, because);
        _results.Add(result);
        _report(result);
        return false;
    }

    private static string Received(string raw, string? error) => error == null ? WireText.Clip(raw, 400) : $"{WireText.Clip(raw, 400)} ({error})";

    private bool Record(string name, bool passed, string expected, string received)
    {
        var result = new CheckResult(name, passed ? CheckStatus.Pass : CheckStatus.Fail, passed ? "" : $"expected {expected}; received: {received}");
        _results.Add(result);
        _report(result);
        return passed;
    }
}
