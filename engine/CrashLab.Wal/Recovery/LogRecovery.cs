using CrashLab.Storage;
using CrashLab.Wal.Format;
using CrashLab.Wal.Reading;

namespace CrashLab.Wal.Recovery;

/// <summary>
/// Opens a log directory: finds the chain of segments, verifies every frame, decides whether the
/// end is a torn tail or damage, cuts the tail durably and reports what it lost.
/// </summary>
internal static class LogRecovery
{
    public static RecoveredLog Run(IFileSystem fs, string directory, WalOptions options)
    {
        fs.CreateDirectory(directory);
        var candidates = SegmentCandidates.Load(fs, directory, options);
        foreach (var stale in candidates.StaleFiles)
            fs.Delete(stale);

        if (candidates.Items.Count == 0)
            return new RecoveredLog(NewLogId(), [], 1, 1, SegmentHeader.DataStart, new LogIndex(), null, 0, 0);

        var segments = OpenChain(candidates, out var brokenHeader);
        try
        {
            var cursor = new FrameCursor(segments[0], options);
            var scan = new LogScanner(segments, options).Run(cursor);
            if (brokenHeader != null && scan.Stop.SegmentIndex == segments.Count - 1 && scan.ChainBroken)
                scan.StopReason = brokenHeader;
            var corruption = DamageClassifier.Classify(segments, scan, cursor);
            if (options.Is(Mutant.ReadErrorCutAndReported) && segments.Exists(s => s.ReadFailedAsEnd))
                corruption ??= new CorruptionReport(scan.NextLsn, "a read failed: the log ends here");
            var tailOffset = scan.Cut.Offset;
            if (options.Is(Mutant.TornTailNotCut))
                tailOffset = PastGarbage(segments[scan.Cut.SegmentIndex], scan.Cut.Offset, scan.LastNonZero);
            else
                TailCutter.Cut(segments, scan.Cut, scan.LastNonZero);

            var live = segments.GetRange(0, scan.Cut.SegmentIndex + 1);
            for (var i = live.Count; i < segments.Count; i++)
                segments[i].Dispose();
            RetireBeyondChain(fs, candidates, live[^1].Number, segments.Count > 0 ? segments[^1].Number : 0);
            foreach (var segment in live)
                segment.File.DataSync();

            var first = Math.Max(scan.LogicalStart, scan.FirstRecordLsn ?? scan.NextLsn);
            var next = scan.NextLsn;
            if (options.Is(Mutant.LsnRestartAfterTruncate) && scan.LogicalStart > 1)
                next = 1 + (scan.NextLsn - first);
            return new RecoveredLog(candidates.Items[0].Header!.Value.LogId, live, Math.Min(first, next), next,
                tailOffset, scan.Index, corruption, scan.Records, scan.Bytes);
        }
        catch
        {
            foreach (var segment in segments)
                segment.Dispose();
            throw;
        }
    }

    /// <summary>The torn-tail-not-cut mutant appends after whatever lies past the cut, aligned to a frame.</summary>
    private static long PastGarbage(Segment tail, long cut, long lastNonZero)
        => lastNonZero < cut ? cut : Math.Min((lastNonZero + 8) & ~7L, tail.Size - Writing.FrameLayout.SegmentEndReserve);

    /// <summary>
    /// Files numbered past the live tail that the chain did not reach (it stops at an invalid
    /// header) may still hold valid frames of an earlier life of the log, whose claims about what
    /// was durable no longer hold: zero their headers too, so no later recovery takes them as evidence.
    /// </summary>
    private static void RetireBeyondChain(IFileSystem fs, SegmentCandidates candidates, long tail, long lastInChain)
    {
        var page = new byte[SegmentHeader.DataStart];
        foreach (var candidate in candidates.Items)
        {
            if (candidate.Number <= Math.Max(tail, lastInChain) || candidate.Problem == SegmentHeader.RetiredProblem)
                continue;
            using var file = fs.Open(candidate.Path, OpenMode.OpenExisting);
            file.Write(0, page);
            file.DataSync();
        }
    }

    /// <summary>Segments from the oldest with a valid header, as far as headers stay valid and from this log.</summary>
    /// <remarks>A log keeps the segment size it was created with; the option applies to new logs.</remarks>
    private static List<Segment> OpenChain(SegmentCandidates candidates, out string? brokenHeader)
    {
        brokenHeader = null;
        var first = candidates.Items[0];
        if (first.Header is not { } head)
        {
            candidates.Dispose();
            throw new WalException(WalErrorKind.Io,
                $"the oldest segment {first.Path} has no valid header ({first.Problem}); refusing to guess where the log starts");
        }

        var segments = new List<Segment>();
        foreach (var candidate in candidates.Items)
        {
            if (brokenHeader == null && candidate.Header is { } h && h.LogId == head.LogId && h.SegmentSize == head.SegmentSize)
            {
                segments.Add(new Segment(candidate.Number, h.FirstLsn, h.SegmentSize, h.LogId, candidate.File));
                continue;
            }

            brokenHeader ??= $"{candidate.Path}: {candidate.Problem ?? "belongs to another log"}";
            candidate.File.Dispose();
        }

        return segments;
    }

    /// <summary>Random, so segments of two logs never validate in each other (Guid avoids loading the crypto stack at start-up).</summary>
    private static ulong NewLogId() => BitConverter.ToUInt64(Guid.NewGuid().ToByteArray());
}
