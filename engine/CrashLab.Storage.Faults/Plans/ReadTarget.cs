namespace CrashLab.Storage.Faults.Plans;

/// <summary>
/// One read a read_eio rule strikes, named by what it read rather than by when: the
/// <see cref="Occurrence"/>-th read of the file named <see cref="File"/> whose byte range covers
/// <see cref="Offset"/>. Through FUSE the kernel decides which reads reach the shim and in what
/// order (page cache, readahead), so a read's number does not survive a replay; the file, the
/// offset and how many reads of it came before do.
/// </summary>
public sealed record ReadTarget
{
    /// <summary>
    /// The file's path inside the data directory, '/' between its parts ("000005.log",
    /// "wal/000005.log"), compared exactly. A bare name also names a file of that name in a
    /// directory below: cases written when targets carried names only replay as they did.
    /// </summary>
    public string File { get; set; } = "";

    /// <summary>A byte the read covers: the struck read's first byte when recorded.</summary>
    public long Offset { get; set; }

    /// <summary>How many bytes the struck read asked for, for a person; matching looks only at <see cref="Offset"/>.</summary>
    public int Length { get; set; }

    /// <summary>Which read of that byte of that file to strike, from 1: the kernel asks again for a page whose read failed.</summary>
    public int Occurrence { get; set; } = 1;

    /// <summary>Whether a read of <paramref name="file"/> (as <see cref="FileOf"/> names it) over [<paramref name="offset"/>, +<paramref name="length"/>) covers the target's byte.</summary>
    public bool Covers(string file, long offset, int length)
        => Offset >= offset && Offset < offset + length && Names(file);

    /// <summary>How a target names the file at <paramref name="path"/>: its path relative to the data directory <paramref name="root"/>, '/' between parts.</summary>
    public static string FileOf(string root, string path)
    {
        var relative = System.IO.Path.GetRelativePath(root, path);
        // Outside the data directory (never a backend's own file): the whole path, which no target written by a run names by accident.
        return relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) ? path : relative.Replace(System.IO.Path.DirectorySeparatorChar, '/');
    }

    private bool Names(string file)
        => string.Equals(File, file, StringComparison.Ordinal)
           || (!File.Contains('/', StringComparison.Ordinal) && file.EndsWith("/" + File, StringComparison.Ordinal));

    /// <summary>One line of the shim's struck-reads log: "offset length occurrence file" (the name last: it may hold spaces).</summary>
    public string ToLogLine() => FormattableString.Invariant($"{Offset} {Length} {Occurrence} {File}");

    /// <summary>Parses one line of the struck-reads log; <see cref="FormatException"/> on a damaged one.</summary>
    public static ReadTarget ParseLogLine(string line)
    {
        var parts = line.Split(' ', 4);
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        if (parts.Length != 4 || !long.TryParse(parts[0], invariant, out var offset) || !int.TryParse(parts[1], invariant, out var length)
            || !int.TryParse(parts[2], invariant, out var occurrence) || parts[3].Length == 0)
            throw new FormatException($"a struck read is not \"offset length occurrence file\": {line}");
        return new ReadTarget { File = parts[3], Offset = offset, Length = length, Occurrence = occurrence };
    }
}
