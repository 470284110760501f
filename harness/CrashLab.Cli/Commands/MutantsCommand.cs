using System.CommandLine;
using CrashLab.Wal;

namespace CrashLab.Cli.Commands;

/// <summary>crashlab mutants --list: the known-bad backends, one per line, name first.</summary>
internal static class MutantsCommand
{
    public static Command Create()
    {
        var list = new Option<bool>("--list") { Description = "list the mutants, one per line: name, then the real-world failure it models" };
        var result = new Command("mutants", "The known-bad variants of the reference engine (--backend mutant:NAME), each with one deliberate bug.") { list };
        CommonOptions.Examples(result, "crashlab mutants --list", "crashlab campaign --backend mutant:write-offset-wrong");
        result.SetAction(_ =>
        {
            foreach (var (name, note) in Mutants.All.OrderBy(m => m.Key, StringComparer.Ordinal))
                Console.WriteLine($"{name}\t{note}");
            return ExitCodes.Pass;
        });
        return result;
    }
}
