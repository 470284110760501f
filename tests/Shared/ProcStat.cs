namespace CrashLab.Testing;

/// <summary>What the tests read of a live process in /proc/PID/stat.</summary>
internal static class ProcStat
{
    /// <summary>Fields 5 and 6 of /proc/PID/stat (process group and session), counted after the command name (which may hold spaces).</summary>
    public static (int Group, int Session) GroupAndSession(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture));
    }
}
