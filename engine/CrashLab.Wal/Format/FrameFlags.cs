namespace CrashLab.Wal.Format;

[Flags]
internal enum FrameFlags : byte
{
    None = 0,

    /// <summary>The last frame of an atomic unit (a batch or a truncate marker).</summary>
    BatchEnd = 1,

    /// <summary>
    /// Every byte of the log before this frame was durable when it was written: set on the first
    /// frame of a group whose leader found nothing written-but-unsynced. The durable-LSN stamp
    /// cannot say this when what came before carries no LSN of its own (a truncation marker), so
    /// a misdirected marker followed by an acknowledged group would otherwise pass for a torn tail.
    /// </summary>
    AfterDurable = 2,
}
