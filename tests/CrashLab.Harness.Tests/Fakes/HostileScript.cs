using System.Text.Json;
using CrashLab.Harness.Backends;

namespace CrashLab.Harness.Tests.Fakes;

/// <summary>What the scripted fake backend (Fakes/scripted.py) writes: hostile bytes exactly as a test chose them.</summary>
internal sealed class HostileScript
{
    public List<byte[]> Start { get; } = [];

    /// <summary>One list of chunks per request read; "$ID" becomes that request's id.</summary>
    public List<List<byte[]>> Replies { get; } = [];

    public byte[] Stderr { get; set; } = [];

    /// <summary>MiB of 'A' (no newline) written after the start, each logged to stderr as "wrote N MiB".</summary>
    public int HugeMib { get; set; }

    /// <summary>After the replies: exit, hang (read on, answer nothing) or deaf (stop reading stdin).</summary>
    public string Then { get; set; } = "exit";

    public string Describe { get; set; } = "";

    public BackendSpec WriteTo(string dir)
    {
        var path = Path.Combine(dir, $"script-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["start"] = Start.Select(Convert.ToBase64String).ToList(),
            ["replies"] = Replies.Select(r => r.Select(Convert.ToBase64String).ToList()).ToList(),
            ["stderr"] = Convert.ToBase64String(Stderr),
            ["huge_mib"] = HugeMib,
            ["then"] = Then,
        }));
        return new BackendSpec("scripted", "python3", [Path.Combine(AppContext.BaseDirectory, "Fakes", "scripted.py"), path], WhiteBox: false);
    }

    public override string ToString() => Describe;
}
