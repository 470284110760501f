using CrashLab.Storage.Faults.CrashStates;
using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Profiles;

namespace CrashLab.Harness.WhiteBox;

/// <summary>
/// One crash state to check after a kill: how it was chosen, the outcome of each pending operation
/// (its bytes are built only when it is written out: one state's copy at a time), the fingerprint
/// of those bytes, and which profiles admit it.
/// </summary>
/// <param name="KnownFingerprint">The fingerprint when it is known already (an enumerated state carries its own); else it is computed when first asked for.</param>
public sealed record PlannedState(StateChoice Choice, CrashWindow Window, CrashAssignment Assignment, ProfileAdmission? Admission, string? KnownFingerprint = null)
{
    private string? _fingerprint = KnownFingerprint;

    /// <summary>Tells states apart by the bytes they leave (<see cref="CrashWindow.Fingerprint"/>).</summary>
    public string Fingerprint => _fingerprint ??= Window.Fingerprint(Assignment);

    /// <summary>What the state did with each pending operation, for the timeline.</summary>
    public IReadOnlyList<OpFate> Fates => Window.Fates(Assignment);

    /// <summary>The state's files (a full copy of what the kill left, changed as the state says).</summary>
    public FsImage Build() => Window.Apply(Assignment);

    /// <summary>The profiles that admit the state; null: every profile (a process crash keeps everything, whatever the file system).</summary>
    public IReadOnlyList<string>? AdmittedBy => Admission?.AdmittedBy;

    /// <summary>
    /// Equal by what the state is. The fingerprint, known at planning or cached when first asked
    /// for, follows from <see cref="Window"/> and <see cref="Assignment"/>: whether it was computed
    /// yet must not make a state unequal to itself (the compiler's equality compared the cache too).
    /// </summary>
    public bool Equals(PlannedState? other)
        => other is not null && (ReferenceEquals(this, other)
            || (Choice == other.Choice && Equals(Window, other.Window) && Equals(Assignment, other.Assignment) && Admission == other.Admission));

    public override int GetHashCode() => HashCode.Combine(Choice, Window, Assignment, Admission);
}

/// <summary>How a kill's states were covered under one profile: all of them (exhaustive), or a sample of about how many.</summary>
public sealed record ProfileCoverage(string Profile, bool Exhaustive, double Total);

/// <summary>The states to check after a kill, how each profile is covered, and how many composed states were skipped as the bytes of one already planned.</summary>
public sealed record KillPlan(List<PlannedState> States, List<ProfileCoverage> Coverage, int Duplicates);

/// <summary>
/// Chooses the crash states to check after one kill, for the requested persistence profiles. For
/// each profile it enumerates the kill's distinct states up to the bound: a profile with no more
/// than that is covered exhaustively (every one of its states is checked); a profile with more is
/// sampled as before, from the scenario's seeded modes composed under that profile. The seeded
/// states come first (detection as fast as before), then the rest of the exhaustive sets. A state
/// that several profiles admit is checked once and counts for each of them.
/// </summary>
public static class KillStates
{
    public static KillPlan Plan(CrashStateBuilder builder, WhiteBoxInput input)
    {
        var duplicates = 0;
        if (input.Enumeration is not { } limits || input.States.All(s => s.Mode == CrashMode.KeepAll.Name()))
            return new KillPlan(Distinct(input, input.States.Select(choice => Build(builder, choice)), int.MaxValue, [], ref duplicates), [], duplicates);

        var profiles = (input.Profiles ?? KnownProfiles.Names.ToList()).Select(KnownProfiles.Parse).ToList();
        var window = builder.Window(input.Plan.SectorSize);
        // A profile's states are listed only when it has no more than the bound: above it the seeded
        // states below are its sample, and a sample the enumerator drew too would be thrown away.
        var enumerations = profiles.Select(p => builder.EnumerateIfSmall(p, limits, window.SectorSize)).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var planned = new List<PlannedState>();
        // Duplicates are counted as before profiles, among the first profile's seeded states: the
        // next profile composing the same seeds again is no extra state the scenario was promised.
        var ignored = 0;
        foreach (var profile in profiles)
            planned.AddRange(Distinct(input, input.States.Select(choice => Build(builder, choice with { Profile = profile.Name })), input.StatesWanted ?? int.MaxValue, seen, ref profile == profiles[0] ? ref duplicates : ref ignored));
        foreach (var enumeration in enumerations.Where(e => e.Exhaustive))
        {
            for (var index = 0; index < enumeration.States.Count; index++)
            {
                var found = enumeration.States[index];
                if (seen.Add(found.Fingerprint))
                {
                    var choice = Recorded(new StateChoice(StateChoice.Enumerated, (ulong)index, window.SectorSize) { Profile = enumeration.Profile }, window, found.Assignment);
                    planned.Add(new PlannedState(choice, found.Window, found.Assignment, ProfileAdmission.Of(window, found.Assignment, fingerprint: found.Fingerprint), found.Fingerprint));
                }
            }
        }

        return new KillPlan(planned, [.. enumerations.Select(e => new ProfileCoverage(e.Profile, e.Exhaustive, e.Exhaustive ? e.States.Count : e.Total))], duplicates);
    }

    /// <summary>
    /// Up to <paramref name="wanted"/> states whose bytes are new. A kill that left nothing pending
    /// gives one state however it is composed: checking it six times is not six crash states.
    /// Under read faults each recovery differs, so then every state is kept.
    /// </summary>
    private static List<PlannedState> Distinct(WhiteBoxInput input, IEnumerable<PlannedState> states, int wanted, HashSet<string> seen, ref int duplicates)
    {
        var kept = new List<PlannedState>();
        foreach (var state in states)
        {
            if (kept.Count >= wanted)
                break;
            if (input.RecoveryPlan != null || seen.Add(state.Fingerprint))
                kept.Add(state);
            else
                duplicates++;
        }

        return kept;
    }

    /// <summary>The state a choice names: its recorded outcomes when they fit this kill, else its mode and seed under its profile.</summary>
    public static PlannedState Build(CrashStateBuilder builder, StateChoice choice)
    {
        if (choice.Mode == CrashMode.KeepAll.Name())
            return ProcessCrash(builder, choice);
        var profile = KnownProfiles.Parse(choice.Profile ?? KnownProfiles.Posix.Name);
        var window = builder.Window(choice.SectorSize);
        var assignment = FromRecord(window, choice.Outcomes) ?? (choice.Mode == StateChoice.Enumerated
            ? Nth(builder.Enumerate(profile, EnumerationLimits.Default, choice.SectorSize), choice.Seed)
            : profile.Compose(window, CrashModes.Parse(choice.Mode), choice.Seed));
        return new PlannedState(Recorded(choice, window, assignment), window, assignment, ProfileAdmission.Of(window, assignment));
    }

    private static PlannedState ProcessCrash(CrashStateBuilder builder, StateChoice choice)
    {
        // A process crash keeps the writes the kernel sent after the kill (issue 27), a power loss never does.
        var (window, state) = builder.ProcessCrash(choice.SectorSize);
        return new PlannedState(choice, window, state, null);
    }

    private static CrashAssignment Nth(Enumeration enumeration, ulong index)
        => enumeration.States.Count == 0 ? throw new InvalidOperationException("an enumeration always holds a state") : enumeration.States[(int)(index % (ulong)enumeration.States.Count)].Assignment;

    /// <summary>The choice with its state written out, operation by operation.</summary>
    private static StateChoice Recorded(StateChoice choice, CrashWindow window, CrashAssignment assignment)
        => choice with
        {
            Outcomes = [.. window.Pending.Select((op, i) => new RecordedOutcome(op.Sequence, assignment[i].Survives)
            {
                Sectors = op is WriteOp ? [.. assignment[i].Sectors] : null,
                SizeEnd = assignment[i].SizeEnd,
            })],
        };

    /// <summary>The recorded state, when the window holds exactly the operations it records (a replay of the same kill).</summary>
    private static CrashAssignment? FromRecord(CrashWindow window, List<RecordedOutcome>? outcomes)
    {
        if (outcomes == null || outcomes.Count != window.Pending.Count)
            return null;
        var result = new OpOutcome[outcomes.Count];
        for (var i = 0; i < outcomes.Count; i++)
        {
            var (op, recorded) = (window.Pending[i], outcomes[i]);
            if (recorded.Op != op.Sequence || (op is WriteOp) != (recorded.Sectors != null))
                return null;
            result[i] = op is WriteOp write
                ? OpOutcome.Write(write, recorded.Sectors!, recorded.SizeEnd, window.SectorSize)
                : recorded.Survives ? OpOutcome.Kept : OpOutcome.Lost;
        }

        return new CrashAssignment(result);
    }
}
