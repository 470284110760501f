namespace CrashLab.Testing;

/// <summary>What a passing crash test checked.</summary>
/// <param name="StatesChecked">Crash states recovered and judged, besides the workload's own power losses.</param>
/// <param name="Operations">Storage operations the log issued while the steps ran.</param>
/// <param name="Lives">Times the log was opened: the first open and one per power loss.</param>
public sealed record CrashReport(int StatesChecked, long Operations, int Lives);
