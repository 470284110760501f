using CrashLab.Harness.Workload;
using CrashLab.Storage.Faults.Plans;

namespace CrashLab.Harness.WhiteBox;

/// <summary>Everything one white-box run needs, and everything a case file keeps to run it again.</summary>
public sealed record WhiteBoxInput
{
    /// <summary>The run's fault plan; in a case file its crash point is where the kill happened.</summary>
    public FaultPlan Plan { get; init; } = FaultPlan.None;

    /// <summary>Faults for the recovery of each crash state (read EIO during recovery).</summary>
    public FaultPlan? RecoveryPlan { get; init; }

    /// <summary>Requests to send; null: generate them from the seed.</summary>
    public List<RecordedRequest>? Requests { get; init; }

    /// <summary>Crash states to build after the kill, in order; a state equal to one already checked is skipped.</summary>
    public List<StateChoice> States { get; init; } = [];

    /// <summary>Check at most this many distinct seeded states per profile (null: every choice in <see cref="States"/>).</summary>
    public int? StatesWanted { get; init; }

    /// <summary>
    /// The persistence profiles whose states to check after a power-loss kill ("posix",
    /// "ext4-ordered"); null: every known profile. Only read with <see cref="Enumeration"/>.
    /// </summary>
    public IReadOnlyList<string>? Profiles { get; init; }

    /// <summary>
    /// Campaign runs: enumerate each profile's states of the kill up to this bound, check them all
    /// when there are no more (exhaustive), else sample <see cref="States"/> under the profile.
    /// Null (a case's replay): check exactly the states in <see cref="States"/>.
    /// </summary>
    public Storage.Faults.Profiles.EnumerationLimits? Enumeration { get; init; }

    /// <summary>Milliseconds of load before a timed kill; null: no timed kill (the crash point or the end of the requests ends the run).</summary>
    public int? KillAfterMs { get; init; }

    /// <summary>The kill comes right after this many requests are sent if that is sooner than <see cref="KillAfterMs"/>; null: time alone.</summary>
    public int? KillAfterRequests { get; init; }

    public ulong WorkloadSeed { get; init; }

    /// <summary>
    /// Replay: the model as the original run left it (what the backend had acknowledged before the
    /// kill). A crash point stops the backend right after its operation, before a reply already on
    /// its way could leave; the journal, and so the crash state, is the same, so crash states are
    /// judged against what was really acknowledged.
    /// </summary>
    public Oracle.ChainModelState? ModelAfterRun { get; init; }
}
