namespace CrashLab.Harness.Conformance;

/// <summary>One check of `crashlab check`: passed, or what was expected and the exact line received.</summary>
public sealed record CheckResult(string Name, bool Passed, string Detail = "")
{
    public override string ToString() => Passed ? $"PASS  {Name}" : $"FAIL  {Name}: {Detail}";
}
