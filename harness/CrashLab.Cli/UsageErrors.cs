using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace CrashLab.Cli;

/// <summary>
/// Parse errors in the user's language: no .NET type names, one message per mistake, a "did you
/// mean" for a near miss, and a pointer to the help of the command that was being used.
/// </summary>
internal static partial class UsageErrors
{
    public static int Report(ParseResult parse, RootCommand root)
    {
        var command = parse.CommandResult.Command;
        var name = command == root ? "crashlab" : $"crashlab {command.Name}";
        var unknownCommand = parse.UnmatchedTokens.Count > 0 && command == root && !parse.UnmatchedTokens[0].StartsWith('-');
        if (unknownCommand)
        {
            var token0 = parse.UnmatchedTokens[0];
            var near = root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).OrderBy(c => Distance(c, token0)).First();
            Console.Error.WriteLine($"crashlab: unknown command '{token0}'{(Distance(near, token0) <= 3 ? $"; did you mean '{near}'?" : "")}");
        }
        else if (command == root && parse.UnmatchedTokens.Count == 0)
        {
            Console.Error.WriteLine($"crashlab: a command is needed: {string.Join(", ", root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}");
        }
        else
        {
            var messages = parse.Errors.Select(e => Plain(e.Message, command)).Distinct().ToList();
            // The value after a misspelt option is not a second mistake, nor is the option it misspelt "missing".
            if (messages.Any(m => m.StartsWith("unknown option", StringComparison.Ordinal)))
                messages.RemoveAll(m => m.StartsWith("unknown argument", StringComparison.Ordinal));
            var meant = messages.Select(m => DidYouMean().Match(m)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
            messages.RemoveAll(m => Required().Match(m) is { Success: true } r && meant.Contains(r.Groups[1].Value));
            foreach (var message in messages)
                Console.Error.WriteLine($"{name}: {message}");
        }

        Console.Error.WriteLine($"Run '{name} --help' for usage.");
        return ExitCodes.Usage;
    }

    /// <summary>System.CommandLine's wording, without type names, with a suggestion for a misspelt option.</summary>
    private static string Plain(string message, Command command)
    {
        if (CannotParse().Match(message) is { Success: true } m)
            return $"'{m.Groups[1].Value}' is not a valid value for {m.Groups[2].Value}: {Expected(m.Groups[3].Value)}";
        if (Unrecognized().Match(message) is { Success: true } u)
        {
            var token = u.Groups[1].Value;
            var options = command.Options.Where(o => !o.Hidden).Select(o => o.Name).ToList();
            var near = options.OrderBy(o => Distance(o, token)).FirstOrDefault();
            return near != null && Distance(near, token) <= 3 ? $"unknown option '{token}'; did you mean '{near}'?" : $"unknown argument '{token}'";
        }

        return message;
    }

    private static string Expected(string type) => type switch
    {
        "System.UInt64" => "expected a whole number, 0 or more",
        "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" => "expected a whole number",
        "System.IO.FileInfo" or "System.IO.DirectoryInfo" => "expected a path",
        _ => "not understood",
    };

    /// <summary>Edit distance, for "did you mean".</summary>
    internal static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var (previous, row0) = (row[0], i);
            row[0] = row0;
            for (var j = 1; j <= b.Length; j++)
            {
                var next = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                (previous, row[j]) = (row[j], next);
            }
        }

        return row[b.Length];
    }

    [GeneratedRegex("^Cannot parse argument '(.*)' for option '(.*)' as expected type '(.*)'\\.$")]
    private static partial Regex CannotParse();

    [GeneratedRegex("^Unrecognized command or argument '(.*)'\\.$")]
    private static partial Regex Unrecognized();

    [GeneratedRegex("did you mean '(.*)'\\?$")]
    private static partial Regex DidYouMean();

    [GeneratedRegex("^Option '(.*)' is required\\.$")]
    private static partial Regex Required();
}
