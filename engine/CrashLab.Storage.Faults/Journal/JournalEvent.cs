namespace CrashLab.Storage.Faults.Journal;

/// <summary>One operation as the journal recorded it: its number, kind (write, fdatasync, rename…), file, offset and length.</summary>
public sealed record JournalEvent(long Op, string Kind, string File, long Offset, long Length);
