namespace CrashLab.Protocol;

/// <summary>The <c>ready</c> event: where the recovered log starts and ends, and any damage recovery reports.</summary>
public sealed record ReadyEvent(long FirstLsn, long NextLsn, long? CorruptionLsn, string? CorruptionDetail, string Backend);

/// <summary>The <c>fatal</c> event: the backend cannot start, and says why.</summary>
public sealed record FatalEvent(string Message);
