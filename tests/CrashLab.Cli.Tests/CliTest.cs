namespace CrashLab.Cli.Tests;

/// <summary>A test of the CLI with a scratch directory of its own: backends written there, reports under Out.</summary>
public abstract class CliTest : IDisposable
{
    protected string Dir { get; } = Directory.CreateTempSubdirectory("crashlab-cli-").FullName;

    protected string Out => Path.Combine(Dir, "out");

    /// <summary>Writes a Python backend and returns the --backend-cmd that runs it.</summary>
    protected string PythonBackend(string name, string source)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllText(path, source);
        return $"python3 {path}";
    }

    /// <summary>A campaign of three crash states against a Python backend written from <paramref name="source"/>.</summary>
    protected Task<Crashlab.Result> CampaignAsync(string name, string source)
        => Crashlab.RunAsync("campaign", "--backend-cmd", PythonBackend(name, source), "--budget", "3", "--out", Out);

    public void Dispose()
    {
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
    }
}
