using CrashLab.Harness.Oracle;
using CrashLab.Storage;

namespace CrashLab.Testing.Running;

/// <summary>
/// Opens the log under test on a crash state and has the harness's own judge decide: the whole
/// recovered log is read and checked against the model (a prefix of what was written, every
/// durable acknowledgement kept, the truncation bound), then a durable probe append must succeed.
/// </summary>
internal static class RecoveryTrial
{
    /// <returns>The verdict, and the recovered log when it opened (the caller owns it).</returns>
    public static async Task<(RecoveryVerdict Verdict, ILogUnderTest? Log)> OpenAsync(Func<IFileSystem, string, ILogUnderTest> open, IFileSystem fs, string directory, ChainModel model, bool faultsExplainRefusal)
    {
        var judge = new RecoveryJudge(model, faultsExplainRefusal);
        ILogUnderTest log;
        try
        {
            log = open(fs, directory);
        }
        catch (CrashPointReachedException)
        {
            throw;
        }
#pragma warning disable CA1031 // whatever the log throws while it recovers is its refusal to start
        catch (Exception e)
#pragma warning restore CA1031
        {
            return (judge.Refusal($"failed to recover ({e.GetType().Name}: {e.Message})"), null);
        }

        try
        {
            return (await judge.JudgeAsync(new RecoveredLog(log)).ConfigureAwait(false), log);
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }

    /// <summary>Judges one captured crash state on its own copy of the model; null when it recovers correctly.</summary>
    /// <param name="open">Opens the log under test.</param>
    /// <param name="state">The crash state, with the model as it stood when the state was taken.</param>
    /// <param name="run">The run's own model: the state's copy shares its payload digests (judged one at a time, never two at once).</param>
    /// <param name="directory">The log's directory on the state's disk.</param>
    /// <param name="faultsExplainRefusal">Faults were injected: a refusal to start is honest.</param>
    public static async Task<Violation?> JudgeAsync(Func<IFileSystem, string, ILogUnderTest> open, CapturedState state, ChainModel run, string directory, bool faultsExplainRefusal)
    {
        var (verdict, log) = await OpenAsync(open, state.Disk, directory, ChainModel.FromState(state.Model, sharing: run), faultsExplainRefusal).ConfigureAwait(false);
        using (log)
            return verdict.Violation;
    }
}
