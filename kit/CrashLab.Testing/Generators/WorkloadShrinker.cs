using CrashLab.Storage.Faults.Model;
using CrashLab.Testing.Workloads;

namespace CrashLab.Testing.Generators;

/// <summary>Smaller workloads first: fewer steps, then simpler steps (one record, smaller records, fewer writers, the simplest power loss).</summary>
internal static class WorkloadShrinker
{
    public static IEnumerable<Workload> Shrink(Workload workload)
    {
        var steps = workload.Steps.ToArray();
        for (var chunk = steps.Length / 2; chunk >= 1; chunk /= 2)
        {
            for (var at = 0; at + chunk <= steps.Length; at += chunk)
                yield return workload with { Steps = [.. steps[..at], .. steps[(at + chunk)..]] };
        }

        for (var i = 0; i < steps.Length; i++)
        {
            foreach (var simpler in Simpler(steps[i]))
            {
                var copy = (WorkloadStep[])steps.Clone();
                copy[i] = simpler;
                yield return workload with { Steps = copy };
            }
        }
    }

    private static IEnumerable<WorkloadStep> Simpler(WorkloadStep step)
    {
        switch (step)
        {
            case AppendStep append:
                if (append.Records > 1)
                    yield return append with { Records = 1 };
                if (append.Bytes > 1)
                    yield return append with { Bytes = append.Bytes / 4 };
                if (!append.Durable)
                    yield return append with { Durable = true };
                break;
            case GroupCommitStep group:
                if (group.Writers > 2)
                    yield return group with { Writers = 2 };
                if (group.Bytes > 1)
                    yield return group with { Bytes = group.Bytes / 4 };
                break;
            case PowerLossStep { Mode: not CrashMode.DropAll } loss:
                yield return loss with { Mode = CrashMode.DropAll };
                break;
        }
    }
}
