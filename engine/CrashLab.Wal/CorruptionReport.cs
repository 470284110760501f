namespace CrashLab.Wal;

/// <summary>Recovery found damage that may have destroyed acknowledged records, starting at <see cref="Lsn"/>.</summary>
public sealed record CorruptionReport(long Lsn, string Detail);
