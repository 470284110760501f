namespace CrashLab.Storage.Faults.Tests;

/// <summary>A data directory and a trace directory under a fresh temp folder, removed when disposed.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("crashlab-faults-").FullName;
        Data = System.IO.Path.Combine(Path, "data");
        Trace = System.IO.Path.Combine(Path, "trace");
        Directory.CreateDirectory(Data);
        Directory.CreateDirectory(Trace);
    }

    public string Path { get; }

    public string Data { get; }

    public string Trace { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
