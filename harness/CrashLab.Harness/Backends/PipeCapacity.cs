using System.IO.Pipes;
using System.Runtime.InteropServices;

namespace CrashLab.Harness.Backends;

/// <summary>
/// How many bytes a pipe holds before its writer must wait for the reader. Linux gives a pipe
/// 64 KiB: a backend answering a read of a recovered log with a line of a megabyte then stops
/// sixteen times in that line until the harness has drained the pipe, and on a loaded machine each
/// stop waits for both processes to be scheduled again. Widened to a megabyte (the kernel's
/// default ceiling for an unprivileged process), the backend writes a page without waiting and the
/// harness takes it in a few reads.
/// </summary>
internal static partial class PipeCapacity
{
    /// <summary>The capacity asked for: /proc/sys/fs/pipe-max-size's default.</summary>
    public const int Wanted = 1 << 20;

    private const int SetPipeSize = 1031; // F_SETPIPE_SZ
    private const int GetPipeSize = 1032; // F_GETPIPE_SZ

    /// <summary>Asks for <see cref="Wanted"/> bytes; a kernel that refuses (a per-user limit reached, say) leaves the pipe as it was.</summary>
    public static void Widen(Stream stream)
    {
        if (Handle(stream) is { } fd)
            _ = Fcntl(fd, SetPipeSize, Wanted);
    }

    /// <summary>The pipe's capacity in bytes; -1 where the stream is no pipe.</summary>
    public static int Of(Stream stream) => Handle(stream) is { } fd ? Fcntl(fd, GetPipeSize, 0) : -1;

    private static int? Handle(Stream stream)
        => OperatingSystem.IsLinux() && stream is PipeStream { SafePipeHandle: { IsInvalid: false } handle } ? (int)handle.DangerousGetHandle() : null;

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);
}
