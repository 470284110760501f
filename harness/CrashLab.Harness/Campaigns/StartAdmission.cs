using CrashLab.Harness.Oracle;

namespace CrashLab.Harness.Campaigns;

/// <summary>
/// The profiles a violation holds under when it was found outside any crash state of its cycle:
/// at the backend's own start or under load. The directory that cycle started from is a crash
/// state the chain went on from (or a fresh directory, which every profile admits), so the
/// violation holds under exactly the requested profiles that admit that state.
/// </summary>
public static class StartAdmission
{
    /// <param name="startAdmittedBy">The profiles admitting the cycle's starting directory; null for a fresh one.</param>
    public static Violation Attribute(Violation violation, IEnumerable<string> requested, IReadOnlyList<string>? startAdmittedBy)
        => violation.AdmittedBy != null ? violation
            : violation with { AdmittedBy = [.. requested.Where(p => startAdmittedBy?.Contains(p) != false)] };
}
