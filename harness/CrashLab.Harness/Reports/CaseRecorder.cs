using System.Text.Json;
using CrashLab.Harness.Campaigns;
using CrashLab.Harness.Oracle;
using CrashLab.Harness.WhiteBox;

namespace CrashLab.Harness.Reports;

/// <summary>Writes a chain's failure as a self-contained case file and records it in the tally.</summary>
public static class CaseRecorder
{
    public static void Record(
        ChainSettings settings,
        CampaignTally.ScenarioTally tally,
        int cycle,
        string stage,
        Violation violation,
        ChainModelState model,
        Dictionary<string, string> snapshot,
        string? stderr,
        WhiteBoxInput? whiteBox = null,
        Timeline? timeline = null,
        List<Workload.RecordedRequest>? transcript = null,
        ReadyEvent? ready = null,
        int finding = 0,
        int? statesChecked = null)
    {
        // A backend whose directory was deleted under it fails for the harness's reason, not its own.
        if (!settings.WorkDirIntact)
            throw new HarnessWriteException($"cannot record a case in {settings.CasesDir}: the run's work directory {settings.WorkDir} was deleted during the run (ENOENT)", new DirectoryNotFoundException(settings.WorkDir));
        // A kill can fail one profile in one state and another in a later one: a case each.
        var path = Path.Combine(settings.CasesDir, $"case-{settings.Scenario.Name}-{settings.ChainSeed:x16}-{cycle}{(finding > 0 ? $"-{finding + 1}" : "")}.json");
        var caseFile = new CaseFile
        {
            Backend = settings.BackendLabel,
            BackendIsCommand = settings.BackendIsCommand,
            BackendDirectory = settings.BackendIsCommand ? Environment.CurrentDirectory : null,
            Fs = settings.Backend.Fuse ? "fuse" : null,
            Scenario = settings.Scenario,
            CampaignSeed = settings.CampaignSeed,
            ChainSeed = settings.ChainSeed,
            Cycle = cycle,
            Stage = stage,
            Violation = violation,
            Model = model,
            DataDirectory = snapshot,
            Stderr = stderr,
            WhiteBox = whiteBox,
            Timeline = timeline,
            Transcript = whiteBox == null ? transcript : null,
            Ready = ready,
        };
        caseFile = caseFile with { Summary = Html.Story.Tell(caseFile) };
        AtomicFile.Write(path, JsonSerializer.Serialize(caseFile, CaseFile.Json));
        tally.Violation(new ViolationRecord(settings.Scenario.Name, settings.ChainSeed, cycle, stage, violation, path) { Summary = Headline.Of(caseFile), StatesChecked = statesChecked ?? tally.States });
    }
}
