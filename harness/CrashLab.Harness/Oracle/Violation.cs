using CrashLab.Harness.Backends;
using CrashLab.Harness.Workload;

namespace CrashLab.Harness.Oracle;

/// <summary>
/// A broken rule of fault-model.md §4 (or of the protocol), with what is needed to understand it.
/// Every violation the harness finds is made by one of the factory methods below, so each rule's
/// wording lives in one place; the constructor is for case files read back from JSON.
/// </summary>
public sealed record Violation(string Rule, string Message)
{
    /// <summary>Messages quote the backend: bounded, whatever it wrote, so every report and case file can hold them.</summary>
    public const int MaxMessageChars = 4000;

    private readonly string _message = WireText.Clip(Message, MaxMessageChars);

    public string Message
    {
        get => _message;
        init => _message = WireText.Clip(value, MaxMessageChars);
    }

    public long? Lsn { get; init; }

    /// <summary>The bytes the harness expected there, abbreviated (hex).</summary>
    public string? Expected { get; init; }

    /// <summary>The bytes the backend returned, abbreviated (hex).</summary>
    public string? Actual { get; init; }

    /// <summary>
    /// For a violation found in a power-loss crash state: the persistence profiles that admit that
    /// state ("posix", "ext4-ordered"), so the finding holds under each of them and no other.
    /// Null when the violation holds under every profile (a process crash, a run, a restart).
    /// </summary>
    public IReadOnlyList<string>? AdmittedBy { get; init; }

    /// <summary>When only posix admits the state: the operations that make it so, in a sentence (from ext4-ordered's objection).</summary>
    public string? PosixOnlyBecause { get; init; }

    public override string ToString() => $"rule {Rule}: {Message}";

    /// <summary>
    /// Both versions of a record that differs, in hex: whole when short, else the 24 bytes from
    /// just before the first differing byte, as "@OFFSET: HEX (n bytes)", so the damage is in view.
    /// </summary>
    public static (string Expected, string Actual) AroundFirstDifference(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        const int Window = 24;
        if (expected.Length <= Window && actual.Length <= Window)
            return (Convert.ToHexString(expected), Convert.ToHexString(actual));
        var first = expected.CommonPrefixLength(actual);
        var start = Math.Max(0, first - 8);
        string Show(ReadOnlySpan<byte> bytes) => start >= bytes.Length
            ? $"@{start}: ({bytes.Length} bytes)"
            : $"@{start}: {Convert.ToHexString(bytes.Slice(start, Math.Min(Window, bytes.Length - start)))} ({bytes.Length} bytes)";
        return (Show(expected), Show(actual));
    }

    public static string Abbreviate(ReadOnlySpan<byte> bytes)
        => bytes.Length <= 24
            ? Convert.ToHexString(bytes)
            : $"{Convert.ToHexString(bytes[..16])}..{Convert.ToHexString(bytes[^8..])} ({bytes.Length} bytes)";

    // Rule 1: contiguity.
    public static Violation LsnOutOfOrder(long expected, long got)
        => new(Rules.Contiguity, $"expected LSN {expected} next, the log returned LSN {got}") { Lsn = expected };

    public static Violation EmptyRead(long from, long nextLsn)
        => new(Rules.Contiguity, $"read from LSN {from} returned no records though next_lsn is {nextLsn}") { Lsn = from };

    public static Violation ReadNextMismatch(long from, int count, long replyNext)
        => new(Rules.Contiguity, $"read from LSN {from} returned {count} records but next_lsn {replyNext}") { Lsn = from + count };

    public static Violation LogShorterThanReady(long lastReturned, long readyNext)
        => new(Rules.Contiguity, $"the log returned records up to LSN {lastReturned}, but ready said next_lsn {readyNext}") { Lsn = lastReturned + 1 };

    public static Violation ProbeMisplaced(long first, long last, long readyNext)
        => new(Rules.Contiguity, $"the first append after recovery (one record) was acknowledged at LSNs {first}..{last}, but ready said next_lsn {readyNext}") { Lsn = readyNext };

    // Rule 2: truncation bound.
    public static Violation FirstBelowChain(long first, long chainFirst)
        => new(Rules.TruncationBound, $"first_lsn {first} is below the chain's first LSN {chainFirst}");

    public static Violation FirstAboveBound(long first, long bound)
        => new(Rules.TruncationBound, $"first_lsn {first} is above the highest before_lsn that still applies ({bound}; a truncate covers no LSN a crash lost and recovery handed out again)");

    public static Violation TruncateAnsweredAbove(long before, long first)
        => new(Rules.TruncationBound, $"truncate(before_lsn {before}) answered first_lsn {first}");

    // Rule 3: prefix.
    public static Violation CutInTwo(int batch, int recovered, int total, long lsn)
        => new(Rules.Prefix, $"batch {batch} was cut in two: {recovered} of its {total} records recovered") { Lsn = lsn };

    public static Violation Hole(int missing, string state, int later, long lsn, bool faults)
        => new(Rules.Prefix, $"batch {missing} ({state}) is missing, but the later batch {later} was recovered at LSN {lsn}: a hole"
            + (faults ? "" : " (no fault was injected, so no request could fail: only a tail may be missing)")) { Lsn = lsn };

    public static Violation RecoveredElsewhere(int batch, long acknowledged, long recovered)
        => new(Rules.Prefix, $"batch {batch} was acknowledged at LSN {acknowledged} but recovered at LSN {recovered}") { Lsn = recovered };

    public static Violation LsnsReused(int batch, long first, long logNext)
        => new(Rules.Prefix, $"batch {batch} got LSN {first}, below next_lsn {logNext} of this run's start: LSNs reused") { Lsn = first };

    public static Violation AcknowledgedTwice(int earlier, int later, long from, long to)
        => new(Rules.Prefix, $"batches {earlier} and {later} were both acknowledged at LSNs {from}..{to}") { Lsn = from };

    public static Violation Reordered(int earlier, long earlierFirst, int later, long laterFirst)
        => new(Rules.Prefix, $"batch {later} (sent after batch {earlier}) was acknowledged at LSN {laterFirst}, before batch {earlier}'s LSN {earlierFirst}: batches reordered") { Lsn = laterFirst };

    public static Violation RecordDiffers(long lsn, RecordId id, bool insideBatch, string expected, string actual)
        => new(insideBatch ? Rules.Prefix : Rules.SilentCorruption, $"LSN {lsn} differs from the record issued there (batch {id.Batch}, record {id.Index})")
        { Lsn = lsn, Expected = expected, Actual = actual };

    // Rule 4: durability.
    public static Violation DurableLost(long firstMissing, long durable, string why)
        => new(Rules.Durability, $"LSNs {firstMissing}..{durable} were acknowledged durable but are gone {why}") { Lsn = firstMissing };

    public static Violation SyncBelowBatch(string what, long durable, int batch, long last)
        => new(Rules.Durability, $"{what} answered durable_lsn {durable}, but batch {batch} (sent before it) was acknowledged up to LSN {last}") { Lsn = durable + 1 };

    public static Violation StatDurableBehind(long durable, long floor)
        => new(Rules.Durability, $"stat answered durable_lsn {durable}, below {floor} that was already acknowledged durable (or reported by an earlier stat)") { Lsn = durable + 1 };

    // Rule 5: no silent corruption.
    public static Violation NeverIssued(long lsn, string actual, string? expected = null, string? why = null)
        => new(Rules.SilentCorruption, $"LSN {lsn} holds bytes the harness never issued there{why}") { Lsn = lsn, Actual = actual, Expected = expected };

    public static Violation WrongBytesRead(long lsn, string expected, string actual)
        => new(Rules.SilentCorruption, $"read returned wrong bytes at LSN {lsn}") { Lsn = lsn, Expected = expected, Actual = actual };

    // Rule 6: liveness.
    public static Violation Liveness(string message) => new(Rules.Liveness, message);

    public static Violation CannotStart(string how)
        => new(Rules.Liveness, $"the backend {how} on a state that only crashes and power losses produced (no media fault, read error or full disk was injected)");

    public static Violation ProbeRefused(string how)
        => new(Rules.Liveness, $"after recovery the backend {how} (no media fault, read error or full disk was injected)");

    public static Violation RefusedWithoutFault(string op, string? error)
        => new(Rules.Liveness, $"{op} answered {error} though no fault was injected (without faults no request can fail)");

    public static Violation ExitedWhileRead(string detail)
        => new(Rules.Liveness, $"the backend exited while its recovered log was being read: {detail}");

    public static Violation ReadFailed(long from, string? error, string? message)
        => new(Rules.Liveness, $"reading the recovered log at LSN {from} failed: {error}: {message}") { Lsn = from };

    public static Violation DamagedWhileReadsFailed(Violation found)
        => found with { Message = $"after a recovery under injected read errors, a clean restart of the same state found: {found.Message}" };

    public static Violation OnRestart(Violation found)
        => found with { Message = $"a second start on the directory this state's recovery left found: {found.Message}" };

    // Rule 7: no false alarm.
    public static Violation FalseAlarm(long lsn, string? detail)
        => new(Rules.FalseAlarm, $"corruption reported at LSN {lsn} ({detail}) though no media fault was injected") { Lsn = lsn };

    // Protocol.
    public static Violation Protocol(string message) => new(Rules.Protocol, message);

    public static Violation ExitedBeforeReady(string detail)
        => new(Rules.Protocol, $"the backend exited without a ready or fatal event ({detail})");

    public static Violation From(BackendFindingException finding) => new(finding.Rule, finding.Message);
}

public static class Rules
{
    public const string Contiguity = "1-contiguity";
    public const string TruncationBound = "2-truncation-bound";
    public const string Prefix = "3-prefix";
    public const string Durability = "4-durability";
    public const string SilentCorruption = "5-no-silent-corruption";
    public const string Liveness = "6-liveness";
    public const string FalseAlarm = "7-no-false-alarm";
    public const string Protocol = "protocol";
}
