using System.CommandLine;
using CrashLab.Storage.Faults.CrashStates;
using CrashLab.Storage.Faults.Model;

namespace CrashLab.Cli.Commands;

/// <summary>
/// crashlab crash-state: from a killed backend's data directory and the shim's journal, builds the
/// states a power loss at that instant may have left, each in its own directory.
/// </summary>
internal static class CrashStateCommand
{
    public static Command Create()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "the data directory as the kill left it", Required = true };
        var trace = new Option<DirectoryInfo>("--trace") { Description = "the trace directory holding the shim's undo journal", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "where to write the states (must not exist yet)", Required = true };
        var mode = CommonOptions.Choice("--mode", "drop-all, random-subset or prefix", ["drop-all", "random-subset", "prefix"], "random-subset");
        var seed = new Option<ulong>("--seed") { Description = "seed of the first state; the same seed gives the same state", DefaultValueFactory = _ => 1 };
        var sector = CommonOptions.Choice("--sector-size", "atomic write unit: 512 or 4096", ["512", "4096"], "512");
        var count = new Option<int>("--count") { Description = "how many distinct states to build", DefaultValueFactory = _ => 1 };
        count.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 10_000)
                r.AddError("--count must be between 1 and 10000");
        });

        var command = new Command("crash-state", "Build the states a power loss may leave, from a killed backend's data directory and the shim's journal.")
        {
            data, trace, output, mode, seed, sector, count,
        };
        CommonOptions.Examples(command, "crashlab crash-state --data DIR --trace TRACE --out STATES --mode random-subset --seed 3");
        command.SetAction(parse => Run(
            parse.GetValue(data)!, parse.GetValue(trace)!, parse.GetValue(output)!,
            CrashModes.Parse(parse.GetValue(mode)!), parse.GetValue(seed), int.Parse(parse.GetValue(sector)!, System.Globalization.CultureInfo.InvariantCulture), parse.GetValue(count)));
        return command;
    }

    private static int Run(DirectoryInfo data, DirectoryInfo trace, DirectoryInfo output, CrashMode mode, ulong seed, int sector, int count)
    {
        if (!data.Exists || !trace.Exists)
            return Fail(ExitCodes.Usage, $"{(data.Exists ? trace : data).FullName} does not exist");
        if (output.Exists && output.EnumerateFileSystemInfos().Any())
            return Fail(ExitCodes.Usage, $"{output.FullName} exists and is not empty; crash states are only written to a new directory");

        CrashStateBuilder builder;
        try
        {
            builder = CrashStateBuilder.Load(data.FullName, trace.FullName);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException or KeyNotFoundException)
        {
            return Fail(ExitCodes.Infrastructure, $"cannot read the journal in {trace.FullName}: {e.Message}");
        }

        var point = builder.ReplayPoint;
        Console.WriteLine($"last operation in the trace: {point.AtOp} (replay it with a crash point at_op {point.AtOp}{(point.Perform ? "" : ", perform false: the directory shows it never ran")})");
        Console.WriteLine($"operations a power loss could undo: {builder.PendingOperations}");
        var states = builder.Distinct(count, mode, seed, sector);
        for (var i = 0; i < states.Count; i++)
        {
            var target = count == 1 ? output.FullName : Path.Combine(output.FullName, $"state-{i + 1:D4}");
            builder.WriteTo(states[i].State, target);
            Console.WriteLine($"{mode.Name()} seed {states[i].Seed}, sector {sector}: {states[i].State.Entries.Count} files -> {target}");
        }

        if (states.Count < count)
            Console.WriteLine($"only {states.Count} distinct states exist for this kill in {mode.Name()} mode");
        return ExitCodes.Pass;
    }

    private static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"crashlab crash-state: {message}");
        return code;
    }
}
