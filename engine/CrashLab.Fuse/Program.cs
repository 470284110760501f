using CrashLab.Fuse.Mounting;

const string Usage = """
    crashlab-fuse — the CrashLab shim as a FUSE file system, for backends in any language.

    Usage:
      CRASHLAB_DATA_DIR=DIR crashlab-fuse run -- COMMAND [ARGS...]
          Mounts DIR through the shim and runs COMMAND with CRASHLAB_DATA_DIR set to the mount.
          With CRASHLAB_FAULT_PLAN and CRASHLAB_TRACE_DIR set, the shim injects that plan's
          faults and keeps the undo journal that power-loss crash states are built from.
          With CRASHLAB_FUSE_REQUEST_COUNTS=FILE it writes there how many requests of each kind
          the kernel sent (round trips), when the mount goes. Only the daemon's own user and group
          (which COMMAND inherits) can enter the mount.
          Exits with COMMAND's exit status. Needs root (mount(2)) and /dev/fuse.
      crashlab-fuse sweep
          Unmounts CrashLab mounts whose daemon is gone (left by a killed run).
      crashlab-fuse --help

    Example:
      CRASHLAB_DATA_DIR=/tmp/wal crashlab-fuse run -- python3 examples/backends/python/simple_wal.py
    """;

switch (args)
{
    case ["run", "--", _, ..]:
        return FuseRun.Execute(args[2..], Environment.GetEnvironmentVariable, new StandardErrorOnDemand());
    case ["sweep"]:
        Console.Error.WriteLine($"crashlab-fuse: unmounted {MountPoints.SweepStale()} stale mount(s)");
        return 0;
    case [] or ["-h" or "--help" or "help"]:
        Console.WriteLine(Usage);
        return args.Length == 0 ? 2 : 0;
    default:
        Console.Error.WriteLine($"crashlab-fuse: unknown arguments '{string.Join(' ', args)}'\n\n{Usage}");
        return 2;
}
