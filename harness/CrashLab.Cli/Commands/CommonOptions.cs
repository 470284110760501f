using System.CommandLine;
using System.Globalization;
using CrashLab.Harness.Backends;

namespace CrashLab.Cli.Commands;

/// <summary>Options several commands share, and how to read them.</summary>
internal static class CommonOptions
{
    public static Option<string?> Backend() => new("--backend") { Description = "reference (default) or mutant:<name>" };

    public static Option<string?> BackendCommand() => new("--backend-cmd") { Description = "command line of any backend speaking protocol v1, e.g. \"python3 my_wal.py\"" };

    public static Option<ulong> Seed() => new("--seed") { Description = "campaign seed: the same seed gives the same workloads and choices", DefaultValueFactory = _ => 1 };

    public static Option<int> Workers()
    {
        var option = new Option<int>("--workers") { Description = "parallel chains, each on its own data directory", DefaultValueFactory = _ => 1 };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 64)
                r.AddError("--workers must be 1..64");
        });
        return option;
    }

    public static Option<DirectoryInfo> Out(string defaultDir)
    {
        var option = new Option<DirectoryInfo>("--out") { Description = "directory for reports and case files", DefaultValueFactory = _ => new DirectoryInfo(defaultDir) };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<DirectoryInfo>() is { } dir && FileInTheWay(dir.FullName) is { } file)
                r.AddError(file == dir.FullName ? $"--out {file} is a file; give a directory (it is created if missing)" : $"--out {dir.FullName}: {file} is a file, so no directory can be made under it");
        });
        return option;
    }

    /// <summary>The path itself or its nearest existing ancestor when that is a file rather than a directory (no run can write its reports there); null otherwise.</summary>
    private static string? FileInTheWay(string path)
    {
        for (var at = path; !string.IsNullOrEmpty(at); at = Path.GetDirectoryName(at))
        {
            if (Directory.Exists(at))
                return null;
            if (File.Exists(at))
                return at;
        }

        return null;
    }

    public static Option<string?> Shard() => new("--shard") { Description = "run only shard i of N (i/N, 0-based): chain k of each scenario belongs to shard k mod N; merge the shards' reports with crashlab merge" };

    public static Option<int?> Chains() => new("--chains") { Description = "chains per scenario for the whole campaign (a fixed amount of work, split across shards); each chain is a data directory through the scenario's chain_cycles crashes" };

    /// <summary>Appends an "Examples:" section to a command's help.</summary>
    public static void Examples(Command command, params string[] lines)
        => command.Description += "\n\nExamples:\n" + string.Join("\n", lines.Select(l => "  " + l));

    /// <summary>A hidden option kept only to say what it is called now.</summary>
    public static Option<string?> Renamed(string old, string now)
    {
        var option = new Option<string?>(old) { Hidden = true, Arity = ArgumentArity.ZeroOrOne };
        option.Validators.Add(r => r.AddError($"{old} is now {now} (crash states to check per scenario)"));
        return option;
    }

    public const string FsAuto = "auto", FsFuse = "fuse", FsDirect = "direct";

    public static Option<string> Fs()
        => Choice("--fs", "how the backend meets the shim: auto (a --backend-cmd backend runs on a FUSE mount when a scenario needs power loss or faults), fuse (always on a FUSE mount; needs root and /dev/fuse), direct (never)",
            [FsAuto, FsFuse, FsDirect], FsAuto);

    /// <summary>
    /// An option that takes one of a few names, whatever their case ("l1" is L1). A value that is
    /// none of them is an error naming the option and listing the valid ones.
    /// </summary>
    public static Option<string> Choice(string name, string description, string[] values, string? defaultValue = null)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            CustomParser = result =>
            {
                var given = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (values.FirstOrDefault(v => string.Equals(v, given, StringComparison.OrdinalIgnoreCase)) is { } value)
                    return value;
                result.AddError($"'{given}' is not a valid value for {name}: expected one of {string.Join(", ", values)}");
                return null;
            },
        };
        option.CompletionSources.Add(values);
        if (defaultValue != null)
            option.DefaultValueFactory = _ => defaultValue;
        return option;
    }

    public static Option<string> FuseCpuChoice()
        => Choice("--fuse-cpu", $"for a backend on a FUSE mount: one (the daemon and the backend, every thread of both, run on one CPU, a different one for each worker while there are enough; a FUSE request then wakes no other, perhaps halted, CPU) or any (the scheduler places them, and a multi-threaded backend's threads can run in parallel). Default: one, or what {FuseCpu.Variable} says",
            [FuseCpu.One, FuseCpu.Any], FuseCpu.FromEnvironment());

    /// <summary>
    /// The backend as --fs asks: through crashlab-fuse for --fs fuse, or for --fs auto when a
    /// black-box backend meets scenarios that need the shim. A usage error naming what is missing
    /// when this machine cannot mount FUSE.
    /// </summary>
    /// <param name="cpu">--fuse-cpu (null: as <see cref="FuseCpu.Variable"/> says).</param>
    public static BackendSpec WithFs(BackendSpec backend, string fs, bool needsShim, string? cpu = null)
    {
        if (fs != FsFuse && (fs != FsAuto || !needsShim || backend.WhiteBox))
            return backend;
        if (Fuse.Mounting.FuseAvailability.Missing() is { } missing)
        {
            throw new FormatException(fs == FsFuse
                ? $"--fs fuse cannot be used here: {missing}"
                : $"{backend} is a black-box backend: power loss and injected faults reach it only through a FUSE mount, and FUSE cannot be used here: {missing}. Run process-kill scenarios (level L1) or use --fs direct to see what runs without it.");
        }

        var (executable, prefix) = EngineLocator.FindFuse();
        return backend.ThroughFuse(executable, prefix, cpu);
    }

    public static Option<string?> Timeout() => new("--timeout")
    {
        Description = "how long a backend may take to become ready or to answer one request before it counts as stopped (default 30s; e.g. 5s, 2m); every stage is bounded by it",
    };

    /// <summary>--timeout as the harness's timeouts (ready and per request); a <see cref="FormatException"/> (a usage error) when it is not a duration.</summary>
    public static HarnessTimeouts ParseTimeout(string? text)
        => text == null ? HarnessTimeouts.Default : new HarnessTimeouts(ParseDuration(text), ParseDuration(text));

    public const string AllProfiles = "all";

    public static Option<string> Profile()
        => Choice("--profile", "persistence profile(s) to give verdicts for: posix (each unsynced operation lost, kept or torn on its own), ext4-ordered (Linux ext4 with data=ordered: its journal keeps name and size changes in order), or all (each verdict under each profile)",
            [.. Storage.Faults.Profiles.KnownProfiles.Names, AllProfiles], AllProfiles);

    /// <summary>--profile as the list of profile names it asks for, weakest first.</summary>
    public static IReadOnlyList<string> Profiles(string profile)
        => profile == AllProfiles ? [.. Storage.Faults.Profiles.KnownProfiles.Names] : [Storage.Faults.Profiles.KnownProfiles.Parse(profile).Name];

    public static Option<bool> KeepGoing() => new("--keep-going") { Description = "keep testing a scenario after its first violation" };

    /// <summary>--backend / --backend-cmd as a backend to run; a <see cref="FormatException"/> (a usage error) for an unknown mutant.</summary>
    public static BackendSpec ParseBackend(string? backend, string? command)
    {
        if (backend != null && backend.StartsWith(BackendSpec.MutantPrefix, StringComparison.Ordinal)
            && !Wal.Mutants.All.ContainsKey(backend[BackendSpec.MutantPrefix.Length..]))
        {
            throw new FormatException($"unknown mutant '{backend[BackendSpec.MutantPrefix.Length..]}' (crashlab mutants --list names them: {string.Join(", ", Wal.Mutants.All.Keys.Order(StringComparer.Ordinal))})");
        }

        return BackendSpec.Parse(backend, command, EngineLocator.Find);
    }

    /// <summary>The harness or the machine failed (exit 3): a backend that cannot be run says so in the OS's words.</summary>
    public static int HarnessFailure(string command, Exception e)
    {
        Console.Error.WriteLine(e is BackendSpawnException ? $"crashlab {command}: {e.Message}" : $"crashlab {command}: harness failure: {Harness.Reports.HarnessFault.Describe(e)}");
        return ExitCodes.Infrastructure;
    }

    /// <summary>Exit 3 with the operating system's words when the backend's program cannot be run at all; null when it can.</summary>
    public static int? CannotRun(string command, BackendSpec backend)
    {
        try
        {
            backend.EnsureRunnable();
            return null;
        }
        catch (BackendSpawnException e)
        {
            Console.Error.WriteLine($"crashlab {command}: {e.Message}");
            return ExitCodes.Infrastructure;
        }
    }

    /// <summary>The backend a case file names, unless the command line overrides it.</summary>
    public static BackendSpec BackendOf(Harness.Reports.CaseFile saved, string? backendOverride = null, string? commandOverride = null)
        => WithFs(
            backendOverride != null || commandOverride != null ? ParseBackend(backendOverride, commandOverride)
                : saved.BackendIsCommand ? AnchoredTo(ParseBackend(null, saved.Backend), saved.BackendDirectory) : ParseBackend(saved.Backend, null),
            saved.Fs ?? (saved.WhiteBox != null ? FsAuto : FsDirect), needsShim: saved.WhiteBox != null);

    /// <summary>
    /// A saved --backend-cmd whose relative paths ("node wal.js", "./my-wal") name files in the
    /// directory it was first run from, with those paths made absolute: the printed
    /// `crashlab replay CASE` then runs as printed from any directory.
    /// </summary>
    private static BackendSpec AnchoredTo(BackendSpec backend, string? directory)
    {
        if (directory == null)
            return backend;
        string Anchor(string word) => !Path.IsPathRooted(word) && !word.StartsWith('-') && !File.Exists(word) && File.Exists(Path.Combine(directory, word))
            ? Path.Combine(directory, word)
            : word;
        return backend with { Executable = Anchor(backend.Executable), Arguments = [.. backend.Arguments.Select(Anchor)] };
    }

    /// <summary>Loads a case file and the backend to run it with; a usage error (exit 2) as a sentence otherwise.</summary>
    public static bool TryLoadCase(string command, FileInfo file, string? backendOverride, string? commandOverride,
        out Harness.Reports.CaseFile saved, out BackendSpec backend, out int usageExit)
    {
        (saved, backend, usageExit) = (null!, null!, 0);
        try
        {
            if (!file.Exists)
                throw new FormatException($"{file.FullName} does not exist");
            saved = Harness.Reports.CaseFile.Load(file.FullName);
            backend = BackendOf(saved, backendOverride, commandOverride);
            return true;
        }
        catch (FormatException e)
        {
            usageExit = Usage(command, e.Message);
            return false;
        }
    }

    /// <summary>"90", "90s", "5m", "1h".</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var unit = text.Length > 0 && char.IsLetter(text[^1]) ? text[^1] : 's';
        var number = char.IsLetter(text[^1]) ? text[..^1] : text;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0)
            throw new FormatException($"'{text}' is not a duration (try 90s, 5m or 1h)");
        return unit switch
        {
            's' => TimeSpan.FromSeconds(value),
            'm' => TimeSpan.FromMinutes(value),
            'h' => TimeSpan.FromHours(value),
            _ => throw new FormatException($"'{text}' is not a duration (try 90s, 5m or 1h)"),
        };
    }

    public static int Usage(string command, string message)
    {
        Console.Error.WriteLine($"crashlab {command}: {message}");
        return ExitCodes.Usage;
    }
}
