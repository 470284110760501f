using System.Globalization;
using CrashLab.Harness.Tests.Fakes;

namespace CrashLab.Harness.Tests.Backends;

/// <summary>
/// Random mixtures of hostile output (garbage, invalid UTF-8, deep nesting, numbers out of range,
/// stray ids, start events twice or late, stderr floods) around a start and its first request:
/// every one ends in a clean finding. The seed is random each run; a failure names it, and
/// CRASHLAB_FUZZ_SEED replays it.
/// </summary>
public sealed class HostileOutputFuzzTests : IDisposable
{
    private const int Cases = 40;
    private readonly string _dir = Directory.CreateTempSubdirectory("crashlab-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Judge_RandomHostileOutput_AlwaysACleanFinding()
    {
        var seed = Environment.GetEnvironmentVariable("CRASHLAB_FUZZ_SEED") is { Length: > 0 } text
            ? int.Parse(text, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        var random = new Random(seed);
        for (var i = 0; i < Cases; i++)
        {
            var (script, readMode) = Compose(random);
            try
            {
                var start = readMode
                    ? await HostileOutputTests.JudgeRecoveryAsync(script, _dir)
                    : await HostileOutputTests.JudgeFreshStartAsync(script, _dir);
                await HostileOutputTests.AssertCleanFindingAsync(start);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"case {i} ({script}) failed; replay with CRASHLAB_FUZZ_SEED={seed}{Environment.NewLine}{e}");
            }
        }
    }

    /// <summary>A hostile start, or a good start and a hostile answer, with noise around them.</summary>
    private static (HostileScript Script, bool ReadMode) Compose(Random random)
    {
        var readMode = random.Next(2) == 0;
        var script = new HostileScript { Then = Pick(random, ["exit", "hang"]) };
        var parts = new List<string>();
        if (random.Next(4) == 0)
        {
            script.Stderr = new byte[random.Next(1, 200_000)];
            random.NextBytes(script.Stderr);
            parts.Add($"stderr {script.Stderr.Length} random bytes");
        }

        if (random.Next(3) == 0)
        {
            var (name, lines) = Pick(random, [.. HostileLines.Starts.Select(kv => (kv.Key, kv.Value))]);
            script.Start.AddRange(lines);
            parts.Add($"start {name}");
        }
        else
        {
            script.Start.Add(HostileLines.Ready(next: readMode ? 2 : 1));
            var answers = readMode ? HostileLines.ReadReplies.Concat(HostileLines.Replies) : HostileLines.Replies;
            var (name, lines) = Pick(random, [.. answers.Select(kv => (kv.Key, kv.Value))]);
            var reply = new List<byte[]>(lines);
            if (random.Next(2) == 0)
            {
                var noise = RandomBytes(random);
                reply.Insert(random.Next(reply.Count + 1), noise);
                parts.Add($"noise {Convert.ToHexString(noise.AsSpan(0, Math.Min(noise.Length, 16)))}");
            }

            script.Replies.Add(reply);
            parts.Add($"reply {name}");
        }

        script.Describe = $"{(readMode ? "read" : "fresh")}: {string.Join(", ", parts)}, then {script.Then}";
        return (script, readMode);
    }

    /// <summary>A random line: JSON-ish bytes, control characters, bytes that are not UTF-8.</summary>
    private static byte[] RandomBytes(Random random)
    {
        var alphabet = "{}[]\":,0123456789eE-+.truefalsnl \\u"u8.ToArray();
        var line = new byte[random.Next(1, 300)];
        for (var i = 0; i < line.Length; i++)
            line[i] = random.Next(5) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
        line[^1] = (byte)'\n';
        return line;
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];
}
