using CrashLab.Storage;
using CrashLab.Wal.Format;

namespace CrashLab.Wal.Recovery;

/// <summary>
/// The segment files recovery starts from: the run of consecutive numbers after the last gap.
/// Truncation deletes the oldest segments first, so a gap can only be an interrupted truncation;
/// files before it hold nothing the log still needs. Segments after the live tail are never
/// deleted (recovery retires them by zeroing their header), so they cannot open a gap.
/// </summary>
internal sealed class SegmentCandidates : IDisposable
{
    private SegmentCandidates(List<Candidate> items, List<string> stale)
    {
        Items = items;
        StaleFiles = stale;
    }

    public sealed record Candidate(long Number, string Path, IStorageFile File, SegmentHeader? Header, string? Problem);

    public List<Candidate> Items { get; }

    /// <summary>Segments before the last gap and interrupted preparations: safe to delete.</summary>
    public List<string> StaleFiles { get; }

    public static SegmentCandidates Load(IFileSystem fs, string directory, WalOptions options)
    {
        var numbers = new List<long>();
        var stale = new List<string>();
        foreach (var name in fs.List(directory))
        {
            if (SegmentNames.TryParse(name, out var number))
                numbers.Add(number);
            else if (name.EndsWith(SegmentNames.PreparingExtension, StringComparison.Ordinal))
                stale.Add(Path.Combine(directory, name));
        }

        numbers.Sort(); // Recovery is on the start-up path: plain loops, no LINQ to JIT.
        var start = 0;
        for (var i = 1; i < numbers.Count; i++)
        {
            if (numbers[i] != numbers[i - 1] + 1)
                start = i;
        }

        for (var i = 0; i < start; i++)
            stale.Add(Path.Combine(directory, SegmentNames.For(numbers[i])));
        var items = new List<Candidate>();
        Span<byte> header = stackalloc byte[SegmentHeader.Size];
        for (var i = start; i < numbers.Count; i++)
        {
            var number = numbers[i];
            var path = Path.Combine(directory, SegmentNames.For(number));
            var file = fs.Open(path, OpenMode.OpenExisting);
            header.Clear();
            int read;
            try
            {
                read = file.Read(0, header);
            }
            catch (StorageException) when (options.Is(Mutant.ReadErrorAsEnd))
            {
                read = 0;
            }

            var parsed = SegmentHeader.TryRead(header[..read], out var problem);
            if (parsed is { } h && h.SegmentNumber != number)
            {
                parsed = null;
                problem = $"header names segment {h.SegmentNumber}";
            }

            items.Add(new Candidate(number, path, file, parsed, problem));
        }

        return new SegmentCandidates(items, stale);
    }

    public void Dispose()
    {
        foreach (var item in Items)
            item.File.Dispose();
    }
}
