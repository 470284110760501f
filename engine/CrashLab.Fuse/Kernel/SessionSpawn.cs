using System.Runtime.InteropServices;

namespace CrashLab.Fuse.Kernel;

/// <summary>
/// Starts a program as the leader of a new session and process group (posix_spawnp with
/// POSIX_SPAWN_SETSID), and waits for it. It replaces starting /usr/bin/setsid through
/// System.Diagnostics.Process: that cost an extra exec and the Process machinery (four more
/// assemblies, a SIGCHLD reaper) in every start of the daemon, and a daemon start is part of
/// every crash state's restart. The program inherits our stdin, stdout and stderr (every other
/// descriptor the runtime opens is close-on-exec) and starts with every signal at its default
/// disposition and none blocked, as a program started from a shell does.
/// </summary>
internal static unsafe partial class SessionSpawn
{
    private const string Lib = "libc";
    private const short SetSigDefault = 0x04;
    private const short SetSigMask = 0x08;
    private const short SetSid = 0x80;
    private const int EINTR = 4;

    /// <summary>Room for glibc's posix_spawnattr_t (336 bytes on x86-64 and arm64) with a margin.</summary>
    private const int AttrBytes = 1024;

    /// <summary>Room for sigset_t (128 bytes).</summary>
    private const int SigSetBytes = 256;

    /// <summary>Starts <paramref name="command"/> (looked up in PATH) with <paramref name="environment"/>; the new process's pid.</summary>
    /// <exception cref="IOException">The program could not be started (the message names the OS error).</exception>
    public static int Start(IReadOnlyList<string> command, IEnumerable<KeyValuePair<string, string>> environment)
    {
        var argv = Strings(command);
        var variables = new List<string>();
        foreach (var (name, value) in environment)
            variables.Add(name + "=" + value); // a loop, not LINQ: every daemon start would compile LINQ's generic code first
        var envp = Strings(variables);
        var attr = stackalloc byte[AttrBytes];
        var all = stackalloc byte[SigSetBytes];
        var none = stackalloc byte[SigSetBytes];
        try
        {
            Check(PosixSpawnattrInit(attr));
            try
            {
                _ = SigFillSet(all);
                _ = SigEmptySet(none);
                Check(PosixSpawnattrSetflags(attr, SetSid | SetSigDefault | SetSigMask));
                Check(PosixSpawnattrSetsigdefault(attr, all));
                Check(PosixSpawnattrSetsigmask(attr, none));
                int pid;
                var error = PosixSpawnp(&pid, argv[0], null, attr, argv, envp);
                if (error != 0)
                    throw new IOException(Marshal.GetPInvokeErrorMessage(error));
                return pid;
            }
            finally
            {
                _ = PosixSpawnattrDestroy(attr);
            }
        }
        finally
        {
            Free(argv);
            Free(envp);
        }
    }

    /// <summary>Waits for child <paramref name="pid"/> to end and reaps it: its exit status, or 128 + the signal that killed it.</summary>
    public static int Wait(int pid)
    {
        int status;
        while (WaitPid(pid, &status, 0) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR)
                throw new IOException($"waitpid({pid}): {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        var signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }

    private static void Check(int error)
    {
        if (error != 0)
            throw new IOException(Marshal.GetPInvokeErrorMessage(error));
    }

    /// <summary>A NULL-terminated array of NUL-terminated UTF-8 strings, for argv and envp.</summary>
    private static byte** Strings(IReadOnlyList<string> values)
    {
        var array = (byte**)NativeMemory.AllocZeroed((nuint)(values.Count + 1), (nuint)sizeof(byte*));
        for (var i = 0; i < values.Count; i++)
            array[i] = (byte*)Marshal.StringToCoTaskMemUTF8(values[i]);
        return array;
    }

    private static void Free(byte** array)
    {
        for (var i = 0; array[i] != null; i++)
            Marshal.FreeCoTaskMem((nint)array[i]);
        NativeMemory.Free(array);
    }

    [LibraryImport(Lib, EntryPoint = "posix_spawnp")]
    private static partial int PosixSpawnp(int* pid, byte* file, void* fileActions, void* attr, byte** argv, byte** envp);

    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_init")]
    private static partial int PosixSpawnattrInit(void* attr);

    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_destroy")]
    private static partial int PosixSpawnattrDestroy(void* attr);

    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_setflags")]
    private static partial int PosixSpawnattrSetflags(void* attr, short flags);

    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_setsigdefault")]
    private static partial int PosixSpawnattrSetsigdefault(void* attr, void* signals);

    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_setsigmask")]
    private static partial int PosixSpawnattrSetsigmask(void* attr, void* signals);

    [LibraryImport(Lib, EntryPoint = "sigfillset")]
    private static partial int SigFillSet(void* set);

    [LibraryImport(Lib, EntryPoint = "sigemptyset")]
    private static partial int SigEmptySet(void* set);

    [LibraryImport(Lib, EntryPoint = "waitpid", SetLastError = true)]
    private static partial int WaitPid(int pid, int* status, int options);
}
