using System.Globalization;
using CrashLab.Wal;
using Microsoft.Extensions.Logging;

namespace CrashLab.Engine.Host.Hosting;

/// <summary>Parses the engine's few options. Errors are sentences for a person, never stack traces.</summary>
internal static class EngineCommandLine
{
    public const string Usage = """
        crashlab-engine — the CrashLab reference WAL engine, a backend speaking protocol v1.

        Usage: CRASHLAB_DATA_DIR=/path/to/dir crashlab-engine [options]

        Reads one JSON request per line on stdin and writes replies and events on stdout;
        logs go to stderr. See docs/protocol.md.

        Environment:
          CRASHLAB_DATA_DIR      directory holding the log (required; created if missing)
          CRASHLAB_PROTOCOL      protocol version the harness speaks (must be 1 if set)
          CRASHLAB_FAULT_PLAN    a fault-plan file: run on the faulty file-system shim
          CRASHLAB_TRACE_DIR     where the shim keeps its trace and undo journal (power loss)
          CRASHLAB_PARENT_PID    the harness's pid: die with it (SIGKILL), and do not start
                                 if it is already gone

        Options:
          --data-dir DIR         use DIR instead of CRASHLAB_DATA_DIR
          --segment-bytes SIZE   segment size for a new log, e.g. 64MiB (default), 1MiB, 65536
          --inline-prepare       zero-fill new segments on the request path, not in the
                                 background (repeatable I/O order, for crash points)
          --log-level LEVEL      trace, debug, information (default), warning, error, none
          --mutant NAME          run a known-bad variant (conformance testing; see crashlab mutants)
          -h, --help             show this help
        """;

    public static EngineSettings Parse(string[] args, Func<string, string?> environment)
    {
        string? dataDir = environment("CRASHLAB_DATA_DIR");
        var wal = new WalOptions();
        var level = LogLevel.Information;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--data-dir":
                    dataDir = Value(args, ref i);
                    break;
                case "--segment-bytes":
                    wal = wal with { SegmentBytes = ParseSize(Value(args, ref i)) };
                    break;
                case "--mutant":
                    var name = Value(args, ref i);
                    wal = wal with { Mutant = Mutants.TryParse(name, out var mutant) ? mutant : throw new UsageException($"unknown mutant '{name}' (known: {string.Join(", ", Mutants.All.Keys)})") };
                    break;
                case "--inline-prepare":
                    wal = wal with { PrepareSegmentsInBackground = false };
                    break;
                case "--log-level":
                    var text = Value(args, ref i);
                    level = Enum.TryParse<LogLevel>(text, ignoreCase: true, out var parsed)
                        ? parsed
                        : throw new UsageException($"unknown log level '{text}'");
                    break;
                default:
                    throw new UsageException($"unknown option '{args[i]}' (see --help)");
            }
        }

        var protocol = environment("CRASHLAB_PROTOCOL");
        if (!string.IsNullOrEmpty(protocol) && protocol != "1")
            throw new UsageException($"CRASHLAB_PROTOCOL={protocol} is not supported; this engine speaks protocol 1");
        if (string.IsNullOrWhiteSpace(dataDir))
            throw new UsageException("CRASHLAB_DATA_DIR is not set (or pass --data-dir DIR)");
        try
        {
            wal.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        return new EngineSettings(Path.GetFullPath(dataDir), wal, level);
    }

    private static string Value(string[] args, ref int i)
        => ++i < args.Length ? args[i] : throw new UsageException($"{args[i - 1]} needs a value");

    /// <summary>Bytes, optionally with a binary suffix: 65536, 64KiB, 64K, 1MiB, 1M, 1GiB.</summary>
    public static long ParseSize(string text)
    {
        var units = new (string Suffix, long Factor)[] { ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30), ("", 1) };
        foreach (var (suffix, factor) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && long.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                return checked(n * factor);
        }

        throw new UsageException($"'{text}' is not a size (try 65536, 64KiB or 1MiB)");
    }
}

internal sealed class UsageException(string message) : Exception(message);
