namespace CrashLab.Storage.Faults.Plans;

/// <summary>The faults a plan can inject (fault-model.md §3). Power loss itself is not a fault here: it is a crash state.</summary>
public enum FaultKind
{
    /// <summary>fsync/fdatasync returns EIO; the file's unsynced writes are doomed; the next fsync succeeds.</summary>
    FsyncEio,

    /// <summary>A write performs <c>after_bytes</c> bytes, then fails with EIO.</summary>
    WriteEio,

    /// <summary>A read fails with EIO. Numbered by reads, not by mutating operations.</summary>
    ReadEio,

    /// <summary>Bits of a write's buffer flip before it reaches the file; the write reports success.</summary>
    BitFlip,

    /// <summary>A write lands a whole number of sectors away from where it was aimed; it reports success.</summary>
    Misdirect,

    /// <summary>Growing files (writes past the end, set-length, preallocate) fails with ENOSPC past a byte quota.</summary>
    Enospc,
}
