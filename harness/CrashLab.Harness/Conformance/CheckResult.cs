namespace CrashLab.Harness.Conformance;

/// <summary>What became of one check: it ran and passed, ran and failed, or could not run because what it needs first failed.</summary>
public enum CheckStatus
{
    Pass,
    Fail,
    NotRun,
}

/// <summary>
/// One check of `crashlab check`: passed; failed, with what was expected and the exact line
/// received; or skipped, with the earlier failure that left it nothing to check (never a pass).
/// </summary>
public sealed record CheckResult(string Name, CheckStatus Status, string Detail = "")
{
    public bool Passed => Status == CheckStatus.Pass;

    /// <summary>The line `crashlab check` prints.</summary>
    public string Line => Status switch
    {
        CheckStatus.Pass => $"PASS  {Name}",
        CheckStatus.NotRun => $"SKIP  {Name}: {Detail}",
        _ => $"FAIL  {Name}: {Detail}",
    };

    public override string ToString() => Line;
}
