using System.Text;

namespace CrashLab.Harness.Backends;

/// <summary>Splits a command line the way a POSIX shell splits words: spaces separate, quotes group, backslash escapes.</summary>
public static class CommandLineSplitter
{
    public static List<string> Split(string commandLine)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        for (var i = 0; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            if (quote == null && char.IsWhiteSpace(c))
            {
                if (inWord)
                    words.Add(word.ToString());
                word.Clear();
                inWord = false;
                continue;
            }

            inWord = true;
            if (c == quote)
                quote = null;
            else if (quote == null && c is '"' or '\'')
                quote = c;
            else if (c == '\\' && quote != '\'' && i + 1 < commandLine.Length)
                word.Append(commandLine[++i]);
            else
                word.Append(c);
        }

        if (quote != null)
            throw new FormatException($"unterminated {quote} quote in: {commandLine}");
        if (inWord)
            words.Add(word.ToString());
        return words;
    }
}
