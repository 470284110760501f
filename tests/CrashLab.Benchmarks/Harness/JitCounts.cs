using System.Globalization;
using System.Runtime;

namespace CrashLab.Benchmarks.Harness;

/// <summary>
/// Methods the runtime compiled (any tier, any thread) and the time it spent compiling them: read
/// before and after a measured campaign, per state, it says whether the harness keeps compiling in
/// the steady state (code made per state: a regex, an expression, a generic over a new type) or
/// only finishes tiering up what the warm-up left (a count that falls from run to run and is paid
/// once per process: the published CLI's ReadyToRun code tiers up the same way).
/// </summary>
internal readonly record struct JitCounts(long Methods, TimeSpan Time)
{
    public static JitCounts Now() => new(JitInfo.GetCompiledMethodCount(currentThread: false), JitInfo.GetCompilationTime(currentThread: false));

    public static JitCounts operator -(JitCounts after, JitCounts before) => new(after.Methods - before.Methods, after.Time - before.Time);

    public string PerState(int states) => string.Create(CultureInfo.InvariantCulture,
        $"methods compiled {Methods} ({(double)Methods / Math.Max(1, states):F2} per state, {Time.TotalMilliseconds / Math.Max(1, states):F1} ms compiling per state)");
}
