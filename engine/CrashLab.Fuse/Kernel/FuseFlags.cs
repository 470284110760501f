namespace CrashLab.Fuse.Kernel;

/// <summary>Bits and sizes of the FUSE protocol that the server uses.</summary>
internal static class FuseFlags
{
    public const uint KernelMajor = 7;

    /// <summary>The minor version we speak: 7.31 has everything used here; the kernel offers more.</summary>
    public const uint KernelMinor = 31;

    public const int InHeaderSize = 40;
    public const int OutHeaderSize = 16;
    public const int AttrSize = 88;
    public const int EntryOutSize = 40 + AttrSize;
    public const int AttrOutSize = 16 + AttrSize;
    public const int OpenOutSize = 16;

    // FUSE_INIT flags. Never FUSE_WRITEBACK_CACHE: writes must reach the shim as the program makes them.
    public const uint InitBigWrites = 1 << 5;
    public const uint InitParallelDirOps = 1 << 18;
    public const uint InitMaxPages = 1 << 22;

    /// <summary>Pages per request: 1 MiB writes.</summary>
    public const ushort MaxPages = 256;
    public const int MaxWrite = MaxPages * 4096;

    // fuse_setattr_in.valid
    public const uint SetMode = 1 << 0;
    public const uint SetUid = 1 << 1;
    public const uint SetGid = 1 << 2;
    public const uint SetSize = 1 << 3;
    public const uint SetAtime = 1 << 4;
    public const uint SetMtime = 1 << 5;
    public const uint SetFh = 1 << 6;
    public const uint SetAtimeNow = 1 << 7;
    public const uint SetMtimeNow = 1 << 8;

    public const uint FsyncDataOnly = 1;

    // fallocate modes
    public const uint FallocKeepSize = 0x01;
    public const uint FallocPunchHole = 0x02;
    public const uint FallocZeroRange = 0x10;

    // renameat2 flags
    public const uint RenameNoReplace = 1;
    public const uint RenameExchange = 2;

    /// <summary>fuse_open_out.open_flags: keep the page cache across opens (only we change the files).</summary>
    public const uint OpenKeepCache = 1 << 1;
}
