namespace CrashLab.Wal.Tests;

/// <summary>A saved copy of every file in a log directory, to damage and restore between trials.</summary>
internal sealed class LogImage
{
    private readonly Dictionary<string, byte[]> _files;

    private LogImage(Dictionary<string, byte[]> files) => _files = files;

    public static LogImage Capture(string directory)
        => new(Directory.GetFiles(directory).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes));

    public byte[] this[string name] => _files[name];

    public void RestoreTo(string directory, Action<string, byte[]>? damage = null)
    {
        foreach (var file in Directory.GetFiles(directory))
            File.Delete(file);
        foreach (var (name, bytes) in _files)
        {
            var copy = (byte[])bytes.Clone();
            damage?.Invoke(name, copy);
            File.WriteAllBytes(Path.Combine(directory, name), copy);
        }
    }

    /// <summary>Offset just past the last non-zero byte of a file.</summary>
    public int WrittenEnd(string name) => Array.FindLastIndex(_files[name], b => b != 0) + 1;
}
