namespace CrashLab.Harness.Reports;

/// <summary>
/// One level's verdict from its counts, the same rule for the level as a whole and for each
/// persistence profile: failed with a violation; passed only with every scenario run, at least the
/// budget of crash states checked and at least half of them with durable data at risk; otherwise
/// inconclusive (a backend that keeps nothing proves nothing), partial, not run or not applicable.
/// </summary>
public static class LevelVerdict
{
    public static (string Status, string Note) Of(int violations, int skipped, int ran, int states, int atRisk, int budget)
        => (violations, skipped, ran) switch
        {
            ( > 0, _, _) => ("failed", $"{violations} violation(s)"),
            (_, _, 0) when skipped > 0 => ("not applicable", "needs a white-box backend (running on the CrashLab shim)"),
            (_, _, 0) => ("not run", "no scenario at this level"),
            _ when states < budget => ("inconclusive", $"only {states} of the budget's {budget} crash states were checked"),
            _ when atRisk * 2 < states => ("inconclusive", $"only {atRisk} of {states} crash states put acknowledged durable data at risk (at least half must)"),
            (_, > 0, _) => ("partial", $"passed the black-box part; {skipped} scenario(s) need the shim"),
            _ => ("passed", ""),
        };
}
