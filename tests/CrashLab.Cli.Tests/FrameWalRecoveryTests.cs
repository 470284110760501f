using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;
using System.Text.Json;

namespace CrashLab.Cli.Tests;

/// <summary>
/// The recovery of our two frame WALs, which share one frame format (the Python example,
/// examples/backends/python/simple_wal.py, and uring_wal in C), on logs laid down byte by byte: a
/// power cut's torn frame is cut silently (rule 7), real damage is still reported (rule 4). The
/// layout is the one the FUSE benchmark met (seed 1): a synced frame ends 6 bytes before a 512-byte
/// sector boundary, and the next, unsynced frame of 518 bytes fills the rest of that sector and all
/// of the next one. uring_wal needs gcc and liburing-dev, as in ExampleBackendTests.
/// </summary>
public sealed class FrameWalRecoveryTests : CliTest
{
    private const int Sector = 512;

    private static readonly string Backends = Path.Combine(AppContext.BaseDirectory, "backends");

    /// <summary>Each WAL: the program and its arguments, and the name of its log file.</summary>
    public static TheoryData<string, string> Wals => new()
    {
        { $"/usr/bin/python3 {Backends}/python/simple_wal.py", "log.bin" },
        { $"bash {Backends}/uring/run.sh", "wal.log" },
    };

    public static TheoryData<string, string, int> WalsAndFlips()
    {
        var cases = new TheoryData<string, string, int>();
        foreach (var wal in Wals)
        {
            foreach (var at in new[] { 0, 6, 300 }) // in the length (the header reads a shorter frame), the last header byte in the first sector, the record's data
                cases.Add((string)wal[0], (string)wal[1], at);
        }

        return cases;
    }

    // 24 bytes of header and body around one record: 482 bytes of data make a 506-byte frame.
    private static readonly byte[] Synced = Frame(first: 1, new byte[482]);

    private static readonly byte[] Unsynced = Frame(first: 2, Enumerable.Range(0, 494).Select(i => (byte)(i % 251 + 1)).ToArray());

    [Theory]
    [MemberData(nameof(Wals))]
    public async Task Recover_UnsyncedFrameWhoseFirstSectorWasLost_CutsItAsATornTailWithoutReport(string wal, string logName)
    {
        // The power cut kept the frame's second sector and lost its first, where only the frame's
        // first 6 bytes lie (zeros past the old end): its header reads length 0 and half a checksum.
        var log = Synced.Concat(new byte[Sector - Synced.Length]).Concat(Unsynced.AsSpan(Sector - Synced.Length).ToArray()).ToArray();
        Assert.Equal(Synced.Length + Unsynced.Length, log.Length);

        var ready = await RecoverAsync(wal, logName, log);

        Assert.True(ready.GetProperty("corruption").ValueKind == JsonValueKind.Null, ready.ToString());
        Assert.Equal(2, ready.GetProperty("next_lsn").GetInt64());
        Assert.Equal(Synced.Length, new FileInfo(Path.Combine(Dir, "data", logName)).Length);
    }

    [Theory]
    [MemberData(nameof(WalsAndFlips))]
    public async Task Recover_WholeFrameWithAFlippedBit_ReportsCorruptionAtItsFirstLsn(string wal, string logName, int at)
    {
        var damaged = (byte[])Unsynced.Clone();
        damaged[at] ^= 0x10;

        var ready = await RecoverAsync(wal, logName, [.. Synced, .. damaged]);

        Assert.True(ready.GetProperty("corruption").ValueKind == JsonValueKind.Object, ready.ToString());
        Assert.Equal(2, ready.GetProperty("corruption").GetProperty("lsn").GetInt64());
    }

    /// <summary>A frame as the example lays it down: [u32 body length][u32 crc32(body)][u64 first LSN][u32 count][u32 length][data].</summary>
    private static byte[] Frame(long first, byte[] record)
    {
        var body = new byte[16 + record.Length];
        BinaryPrimitives.WriteInt64LittleEndian(body, first);
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(8), 1);
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(12), record.Length);
        record.CopyTo(body, 16);
        var frame = new byte[8 + body.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Crc32.HashToUInt32(body));
        body.CopyTo(frame, 8);
        return frame;
    }

    /// <summary>Starts <paramref name="wal"/> on a data directory holding <paramref name="log"/> and returns its ready event.</summary>
    private async Task<JsonElement> RecoverAsync(string wal, string logName, byte[] log)
    {
        var data = Directory.CreateDirectory(Path.Combine(Dir, "data")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(data, logName), log);
        var command = wal.Split(' ');
        var start = new ProcessStartInfo(command[0], command[1..]) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.Environment["CRASHLAB_DATA_DIR"] = data;
        using var backend = Process.Start(start)!;
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var line = await backend.StandardOutput.ReadLineAsync(bound.Token);
        backend.StandardInput.Close(); // end of input: the example shuts down
        await backend.WaitForExitAsync(bound.Token);
        Assert.False(line is null, "the example exited before ready");
        using var ready = JsonDocument.Parse(line);
        return ready.RootElement.Clone();
    }
}
