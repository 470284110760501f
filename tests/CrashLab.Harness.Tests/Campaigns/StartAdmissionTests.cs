using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Oracle;

namespace CrashLab.Harness.Tests.Campaigns;

/// <summary>
/// A violation found at a start or under load names the profiles that admit the directory its
/// cycle started from (the mmap WAL's second-recovery violation through FUSE named none, so the
/// report line said under which profiles it held only by omission).
/// </summary>
public sealed class StartAdmissionTests
{
    private static readonly string[] Both = ["posix", "ext4-ordered"];

    [Fact]
    public void Attribute_FreshDirectory_HoldsUnderEveryRequestedProfile()
        => Assert.Equal(Both, StartAdmission.Attribute(Violation.Liveness("x"), Both, startAdmittedBy: null).AdmittedBy);

    [Fact]
    public void Attribute_StartFromAStateOnlyPosixAdmits_HoldsUnderPosixOnly()
        => Assert.Equal(["posix"], StartAdmission.Attribute(Violation.Liveness("x"), Both, ["posix"]).AdmittedBy);

    [Fact]
    public void Attribute_OnlyTheRequestedProfiles_AreNamed()
        => Assert.Equal(["ext4-ordered"], StartAdmission.Attribute(Violation.Liveness("x"), ["ext4-ordered"], Both).AdmittedBy);

    [Fact]
    public void Attribute_AViolationInACrashState_KeepsThatStatesProfiles()
    {
        var inState = Violation.Liveness("x") with { AdmittedBy = ["posix"] };
        Assert.Equal(["posix"], StartAdmission.Attribute(inState, Both, startAdmittedBy: null).AdmittedBy);
    }
}
