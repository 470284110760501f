namespace CrashLab.Harness.Backends;

/// <summary>
/// A process's living descendants, from Linux's per-thread children lists
/// (/proc/PID/task/TID/children): a walk of the subtree alone. .NET's
/// <c>Process.Kill(entireProcessTree: true)</c> reads every process on the machine to find them,
/// 50–95 ms per call on a loaded machine, and a backend is killed at least twice per crash
/// state; this costs a few small reads.
/// </summary>
internal static class ProcessTree
{
    /// <summary>Whether the kernel keeps children lists (CONFIG_PROC_CHILDREN): asked once, not at every kill.</summary>
    private static readonly bool ChildrenListed = File.Exists($"/proc/{Environment.ProcessId}/task/{Environment.ProcessId}/children");

    /// <summary>Every descendant of <paramref name="root"/>, parents before their children; null where the kernel keeps no children lists.</summary>
    public static List<int>? Descendants(int root)
    {
        if (!ChildrenListed)
            return null;
        var found = new List<int>();
        var next = new Queue<int>([root]);
        while (next.TryDequeue(out var pid))
        {
            foreach (var child in Children(pid))
            {
                // A pid seen twice (a race with an exit and a reuse) is not walked twice.
                if (child != root && !found.Contains(child))
                {
                    found.Add(child);
                    next.Enqueue(child);
                }
            }
        }

        return found;
    }

    /// <summary>The children of every thread of <paramref name="pid"/> (a multithreaded backend forks from any thread); none once it is gone.</summary>
    private static List<int> Children(int pid)
    {
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        var children = new List<int>();
        foreach (var task in tasks)
        {
            try
            {
                foreach (var word in File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (int.TryParse(word, out var child))
                        children.Add(child);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The thread ended while we looked.
            }
        }

        return children;
    }
}
