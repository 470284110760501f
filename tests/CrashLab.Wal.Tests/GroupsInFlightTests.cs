using CrashLab.Storage;
using CrashLab.Storage.Physical;
using static CrashLab.Wal.Tests.LogHarness;

namespace CrashLab.Wal.Tests;

/// <summary>
/// Two groups in flight (WriteAheadLog.GroupsInFlight.cs): writer A leads a group and blocks in its
/// fdatasync; writer B then leads the next group and blocks in its own. The test finishes the two
/// fdatasyncs in either order, each with success or EIO, and checks what is acknowledged when:
/// never a group before its own fdatasync and every earlier one returned, never a group whose
/// fdatasync overlapped a later one that has not returned (Linux may report the first group's
/// writeback error to the second caller only), and a failure of either fails both and poisons.
/// Each writer's call returns once its leader's own work is done (with its result pending if it
/// must wait for the other group), so every check below follows a step that has finished.
/// </summary>
public sealed class GroupsInFlightTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<bool, bool, bool> Orders()
    {
        var data = new TheoryData<bool, bool, bool>();
        foreach (var laterReturnsFirst in new[] { false, true })
        {
            foreach (var earlierFails in new[] { false, true })
            {
                foreach (var laterFails in new[] { false, true })
                    data.Add(laterReturnsFirst, earlierFails, laterFails);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task TwoGroups_AcknowledgedInOrderOnlyAfterBothFdatasyncs_AndAFailureFailsBoth(bool laterReturnsFirst, bool earlierFails, bool laterFails)
    {
        var (fs, log) = OpenGated(groupsInFlight: 2);
        using var _ = log;
        var durableBefore = log.Status.DurableLsn;

        var a = Writer.Start(log, 1);
        var syncA = fs.NextSync();
        var b = Writer.Start(log, 2);
        var syncB = fs.NextSync(); // B leads its own group while A's fdatasync is still running
        Assert.False(a.Returned || b.Returned);

        var (first, firstSync, firstFails) = laterReturnsFirst ? (b, syncB, laterFails) : (a, syncA, earlierFails);
        var (second, secondSync, secondFails) = laterReturnsFirst ? (a, syncA, earlierFails) : (b, syncB, laterFails);
        Finish(firstSync, firstFails);
        var firstTask = first.Join();
        if (firstFails)
            Assert.Equal(WalErrorKind.Io, (await Assert.ThrowsAsync<WalException>(() => firstTask)).Kind);
        else
            Assert.False(firstTask.IsCompleted, "a group was acknowledged while the other group's fdatasync was still running");
        Assert.Equal(durableBefore, log.Status.DurableLsn);

        Finish(secondSync, secondFails);
        var secondTask = second.Join();
        if (earlierFails || laterFails)
        {
            Assert.Equal(WalErrorKind.Io, (await Assert.ThrowsAsync<WalException>(() => a.Task)).Kind);
            Assert.Equal(WalErrorKind.Io, (await Assert.ThrowsAsync<WalException>(() => b.Task)).Kind);
            Assert.Equal(WalErrorKind.Poisoned, (await Assert.ThrowsAsync<WalException>(() => log.AppendAsync(Batch(Payload(9, 64)), sync: true).AsTask())).Kind);
            Assert.Equal(durableBefore, log.Status.DurableLsn);
            return;
        }

        var (resultA, resultB) = (await a.Task, await b.Task);
        Assert.True(secondTask.IsCompleted, "the last fdatasync to return must settle both groups on its own thread");
        Assert.True(resultA.LastLsn < resultB.FirstLsn, "A's group holds the earlier LSNs");
        Assert.True(resultA.DurableLsn >= resultA.LastLsn);
        Assert.True(resultB.DurableLsn >= resultB.LastLsn);
        Assert.Equal(resultB.LastLsn, log.Status.DurableLsn);
    }

    [Fact]
    public async Task EarlierGroupReturnsBeforeTheNextSyncs_IsAcknowledgedAtOnce()
    {
        // A group whose fdatasync returned before the next group's began cannot have lost its error
        // to it: it needs no one else's result.
        var (fs, log) = OpenGated(groupsInFlight: 2);
        using var _ = log;
        var a = Writer.Start(log, 1);
        fs.NextSync().Succeed();
        var resultA = await a.Join();
        Assert.True(resultA.DurableLsn >= resultA.LastLsn);
        Assert.Equal(resultA.LastLsn, log.Status.DurableLsn);
    }

    [Fact]
    public async Task OneGroupInFlight_NextWriterWaitsWithoutSyncing()
    {
        var (fs, log) = OpenGated(groupsInFlight: 1);
        using var _ = log;
        var a = Writer.Start(log, 1);
        var syncA = fs.NextSync();
        var b = Writer.Start(log, 2);
        var taskB = b.Join(); // B queued behind A's group: its call returns with the result pending
        Assert.False(taskB.IsCompleted);
        Assert.Equal(0, fs.Unclaimed);

        syncA.Succeed();
        fs.NextSync().Succeed(); // B leads only once A's group is settled
        var (resultA, resultB) = (await a.Join(), await taskB);
        Assert.True(resultA.DurableLsn >= resultA.LastLsn);
        Assert.True(resultB.DurableLsn >= resultB.LastLsn);
    }

    private (GatedFileSystem Fs, WriteAheadLog Log) OpenGated(int groupsInFlight)
    {
        var fs = new GatedFileSystem(PhysicalFileSystem.Instance);
        var log = WriteAheadLog.Open(fs, _dir.Path, Small with { SegmentBytes = 4 << 20, GroupsInFlight = groupsInFlight });
        log.AppendAsync(Batch(Payload(0, 64)), sync: true).AsTask().GetAwaiter().GetResult();
        fs.Gated = true;
        return (fs, log);
    }

    private static void Finish(GatedFileSystem.PendingSync sync, bool fails)
    {
        if (fails)
            sync.Fail(Errno.EIO);
        else
            sync.Succeed();
    }

    /// <summary>A durable append called on a thread of its own, which may block in the fdatasync it leads.</summary>
    private sealed class Writer
    {
        private readonly Thread _thread;
        private Task<AppendResult>? _task;

        private Writer(WriteAheadLog log, int payload)
        {
            _thread = new Thread(() => _task = log.AppendAsync(Batch(Payload(payload, 4096)), sync: true).AsTask());
            _thread.Start();
        }

        public bool Returned => !_thread.IsAlive;

        public Task<AppendResult> Task => _task ?? throw new InvalidOperationException("the call has not returned");

        public static Writer Start(WriteAheadLog log, int payload) => new(log, payload);

        /// <summary>Waits for the call to return and gives its (possibly pending) result.</summary>
        public Task<AppendResult> Join()
        {
            _thread.Join();
            return Task;
        }
    }
}
