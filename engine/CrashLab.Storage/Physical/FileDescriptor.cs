using Microsoft.Win32.SafeHandles;

namespace CrashLab.Storage.Physical;

/// <summary>Owns a raw fd so it is closed exactly once, even if the owner forgets to dispose.</summary>
internal sealed class FileDescriptor : SafeHandleZeroOrMinusOneIsInvalid
{
    public FileDescriptor(int fd)
        : base(ownsHandle: true) => SetHandle(fd);

    public int Fd => (int)handle;

    protected override bool ReleaseHandle() => LibC.Close((int)handle) == 0;
}
