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

    /// <summary>A read's max_bytes (null: <see cref="DefaultReadMaxBytes"/>); sometimes smaller than the first record, which must come back anyway.</summary>
    public long? MaxBytes { get; init; }

    public const long DefaultReadMaxBytes = 1 << 20;

    /// <summary>Milliseconds from the run's first request to this one's sending (transcript; replay ignores it).</summary>
    public double? SentMs { get; init; }

    /// <summary>Milliseconds to the reply; null: never answered (the kill came first).</summary>
    public double? ReplyMs { get; init; }

    /// <summary>The shim's operation count when the reply arrived.</summary>
    public long? ReplyAtOp { get; init; }

    /// <summary>How it was answered: durable, appended, ok, or error:CODE; null: unanswered.</summary>
    public string? Outcome { get; init; }

    /// <summary>An answered append's LSNs.</summary>
    public long? FirstLsn { get; init; }

    public long? LastLsn { get; init; }

    /// <summary>Mutating file-system operations the shim had begun when this request was sent: a replay sends it at the same point.</summary>
    public long? AtOp { get; init; }
}
