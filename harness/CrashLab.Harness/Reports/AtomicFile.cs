namespace CrashLab.Harness.Reports;

/// <summary>Writes a file so that readers (and a harness killed mid-write) only ever see a whole one.</summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> whole or not at all; a failure is a <see cref="HarnessWriteException"/> naming the path and the errno.</summary>
    public static void Write(string path, string content)
    {
        var temporary = $"{path}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(temporary, content);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
            }

            throw HarnessFault.Writing(path, e);
        }
    }
}
