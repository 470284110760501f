namespace CrashLab.Harness.Oracle;

/// <summary>What the backend said about a batch.</summary>
public enum BatchState
{
    /// <summary>Sent, no reply (the kill came first): it may or may not be there.</summary>
    Unanswered,

    /// <summary>Acknowledged appended: it may be lost, but only with every later batch.</summary>
    Appended,

    /// <summary>Acknowledged durable: it must survive any crash.</summary>
    Durable,

    /// <summary>Answered with an error: not acknowledged; it may still be there, whole, in its place.</summary>
    Failed,
}
