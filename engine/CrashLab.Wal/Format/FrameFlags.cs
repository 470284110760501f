namespace CrashLab.Wal.Format;

[Flags]
internal enum FrameFlags : byte
{
    None = 0,

    /// <summary>The last frame of an atomic unit (a batch or a truncate marker).</summary>
    BatchEnd = 1,
}
