namespace CrashLab.Harness.Workload;

/// <summary>
/// One request exactly as sent, so that a white-box run can be sent again identically (the
/// generator's choices depend on which replies had arrived, which depends on timing).
/// </summary>
public sealed record RecordedRequest(string Op)
{
    public RecordId[]? Records { get; init; }

    public bool Sync { get; init; }

    public long? BeforeLsn { get; init; }

    public long? FromLsn { get; init; }
}
