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
try
{
    return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
}
catch (Exception e)
{
    // Nothing a backend writes may end here (that is a finding); whatever does is a CrashLab bug: one line, the trace in a file.
    return InternalError.Report(e);
}
