using System.CommandLine;
using CrashLab.Cli;
using CrashLab.Cli.Commands;

var root = new RootCommand("crashlab — crash-test write-ahead logs: kill them mid-write, build the states power loss allows, check what they recover.")
{
    CampaignCommand.Create(),
    CertifyCommand.Create(),
    CheckCommand.Create(),
    CrashStateCommand.Create(),
    ReplayCommand.Create(),
    ShrinkCommand.Create(),
    MutantsCommand.Create(),
    ScenariosCommand.Create(),
    ProveCommand.Create(),
    MergeCommand.Create(),
    ReportCommand.Create(),
};

// "crashlab help [command]" is "crashlab [command] --help".
if (args is ["help", .. var rest])
    args = [.. rest, "--help"];

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
    return UsageErrors.Report(parse, root);

// Signals are ours (StopSignals): a campaign must write its reports before it exits.
_ = StopSignals.Current;

// A FUSE mount whose daemon died with an earlier harness (SIGKILLed, say) is released now, by whatever command starts next.
try
{
    CrashLab.Fuse.Mounting.MountPoints.SweepStale();
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"crashlab: could not sweep stale FUSE mounts: {e.Message}");
}

try
{
    return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
}
catch (OperationCanceledException) when (StopSignals.Current.Stop.IsCancellationRequested)
{
    // A command with no handling of its own for a stop: it ran no further, and says so by its exit code.
    return StopSignals.Current.ExitCode;
}
catch (Exception e)
{
    // Nothing a backend writes may end here (that is a finding); whatever does is a CrashLab bug: one line, the trace in a file.
    return InternalError.Report(e);
}
