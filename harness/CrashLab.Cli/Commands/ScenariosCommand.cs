using System.CommandLine;
using CrashLab.Harness.Campaigns;

namespace CrashLab.Cli.Commands;

/// <summary>crashlab scenarios: the conformance scenarios, one per line, name first.</summary>
internal static class ScenariosCommand
{
    public static Command Create()
    {
        var verbose = new Option<bool>("--describe") { Description = "also print each scenario's description" };
        var result = new Command("scenarios", "List the named scenarios of the conformance suite (name, level, crash model, default budget) for --scenario.") { verbose };
        CommonOptions.Examples(result, "crashlab scenarios --describe");
        result.SetAction(parse =>
        {
            ScenarioCatalog catalog;
            try
            {
                catalog = ScenarioCatalog.Load(EngineLocator.Scenarios());
            }
            catch (FormatException e)
            {
                return CommonOptions.Usage("scenarios", e.Message);
            }

            foreach (var s in catalog.All)
            {
                var model = s.CrashModel == CrashModel.Process ? "process" : "power-loss";
                Console.WriteLine($"{s.Name,-30} {s.Level}  {model,-12} budget {s.Budget,4}{(s.NeedsShim ? "  white-box" : "")}");
                if (parse.GetValue(verbose))
                    Console.WriteLine($"    {s.Description}");
            }

            return ExitCodes.Pass;
        });
        return result;
    }
}
