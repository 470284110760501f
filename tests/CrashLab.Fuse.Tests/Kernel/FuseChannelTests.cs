namespace CrashLab.Fuse.Tests.Kernel;

/// <summary>
/// The mount lets in only the daemon's own user and group (no <c>allow_other</c>) and leaves
/// permission checks to the daemon's answers (no <c>default_permissions</c>): the kernel then never
/// refreshes a directory's attributes before a check, which saved a GETATTR round trip on every
/// create followed by a directory fsync. What root may do on the mount stays what Linux lets root
/// do: everything but execute a regular file with no x bit.
/// </summary>
public sealed class FuseChannelTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Mount_AnotherUserOrGroup_CannotEnter_TheDaemonsOwnCan()
    {
        // Each attempt forks, takes the IDs (all three of each kind, as setresuid does), lists the mount.
        const string Script = """
            import os
            d = os.environ["CRASHLAB_DATA_DIR"]
            open(os.path.join(d, "f"), "w").close()
            def attempt(uid, gid):
                pid = os.fork()
                if pid == 0:
                    try:
                        os.setgroups([]); os.setresgid(gid, gid, gid); os.setresuid(uid, uid, uid)
                        os.listdir(d); os.stat(os.path.join(d, "f")); os._exit(0)
                    except PermissionError:
                        os._exit(13)
                    except BaseException:
                        os._exit(1)
                return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
            print("own", attempt(os.getuid(), os.getgid()))
            print("nobody", attempt(65534, 65534))
            print("own-user-other-group", attempt(os.getuid(), 65534))
            """;

        var (exit, stdout, stderr) = await FuseProgram.RunAsync(_dir.Sub("backing"), Script);

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["own 0", "nobody 13", "own-user-other-group 13"], lines);
    }

    [Fact]
    public async Task CreateFsyncAndDirectoryFsync_SendsNoGetattr()
    {
        const int Rounds = 10;
        var tally = Path.Combine(_dir.Path, "requests.txt");
        var script = $$"""
            import os
            d = os.environ["CRASHLAB_DATA_DIR"]
            for i in range({{Rounds}}):
                f = os.open(os.path.join(d, f"created-{i}"), os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o644); os.fsync(f); os.close(f)
                dfd = os.open(d, os.O_RDONLY); os.fsync(dfd); os.close(dfd)
            """;

        var (exit, _, stderr) = await FuseProgram.RunAsync(_dir.Sub("backing"), script, new Dictionary<string, string> { ["CRASHLAB_FUSE_REQUEST_COUNTS"] = tally });

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        var counts = File.ReadAllLines(tally).Select(l => l.Split(' ')).ToDictionary(w => w[0], w => int.Parse(w[1]));
        int Count(string opcode) => counts.GetValueOrDefault(opcode);
        Assert.True(Count("GetAttr") == 0, $"requests: {string.Join(", ", counts)}");
        Assert.All(["Create", "Fsync", "Release", "FsyncDir"], opcode => Assert.Equal(Rounds, Count(opcode)));
        Assert.InRange(Count("Lookup"), Rounds - 1, Rounds); // the kernel looks a new name up before it creates it
    }

    [Fact]
    public async Task ExecutePermission_IsCheckedAsForRoot_WriteAndReadAreNot()
    {
        const string Script = """
            import os, subprocess
            d = os.environ["CRASHLAB_DATA_DIR"]
            tool = os.path.join(d, "tool")
            with open(tool, "w") as f:
                f.write("#!/bin/sh\necho ran\n")
            os.chmod(tool, 0o444)
            print("read-only: access", os.access(tool, os.R_OK), os.access(tool, os.W_OK), os.access(tool, os.X_OK))
            try:
                subprocess.run([tool]); print("read-only: ran")
            except PermissionError:
                print("read-only: exec refused")
            with open(tool, "a") as f:
                f.write("# root writes whatever the mode\n")
            os.chmod(tool, 0o744)
            print("executable: access", os.access(tool, os.X_OK), subprocess.run([tool], capture_output=True, text=True).stdout.strip())
            """;

        var (exit, stdout, stderr) = await FuseProgram.RunAsync(_dir.Sub("backing"), Script);

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["read-only: access True True False", "read-only: exec refused", "executable: access True ran"], lines);
    }
}
