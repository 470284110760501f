using CrashLab.Harness.Reports;

namespace CrashLab.Harness.WhiteBox;

/// <summary>How big a white-box case is, for shrinking: smaller in every part is simpler to read.</summary>
public sealed record CaseSize(int Requests, long RecordBytes, int Faults, long CrashOp, string Mode)
{
    public static CaseSize Of(CaseFile file)
    {
        var input = file.WhiteBox!;
        var requests = input.Requests ?? [];
        return new CaseSize(
            requests.Count,
            requests.Sum(r => r.Records?.Sum(id => (long)id.Length) ?? 0),
            input.Plan.Faults.Length,
            input.Plan.Crash?.AtOp ?? 0,
            input.States.FirstOrDefault()?.Mode ?? "-");
    }

    public override string ToString() => $"{Requests} requests, {RecordBytes} record bytes, {Faults} fault rule(s), crash at operation {CrashOp}, {Mode} crash state";
}
