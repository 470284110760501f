using CrashLab.Storage.Faults.Model;
using CrashLab.Storage.Faults.Profiles;
using CrashLab.Storage.Faults.Simulation;
using FsCheck.Xunit;

namespace CrashLab.Storage.Faults.Tests.Profiles;

/// <summary>
/// The fingerprint of a small file's state lists its 4 KiB blocks' hashes, and takes an untouched
/// block's hash once per window: two states must still get equal fingerprints exactly when they
/// leave the same bytes. Files of several blocks, some synced, then pending writes, size changes,
/// a copy with the same bytes under a new inode, a pending rename and an empty file (states that differ
/// by names alone). The hash is XxHash128: equal fingerprints for different bytes would be a chance
/// collision of 128-bit hashes, which these states must never meet. FsCheck prints the seed that failed.
/// </summary>
public sealed class StateFingerprintTests
{
    [Property(MaxTest = 40)]
    public void EqualFingerprints_ExactlyWhenTheStatesLeaveEqualBytes(ulong script, ulong seed)
    {
        var window = Window(script);
        var states = KnownProfiles.All
            .SelectMany(profile => CrashModes.PowerLoss.SelectMany(mode => Enumerable.Range(0, 4).Select(i => profile.Compose(window, mode, seed + (ulong)i))))
            .Append(window.KeepAll())
            .ToList();

        foreach (var a in states)
        {
            foreach (var b in states)
            {
                var sameBytes = window.Apply(a).Digest() == window.Apply(b).Digest();
                Assert.True(sameBytes == (window.Fingerprint(a) == window.Fingerprint(b)), $"script {script} seed {seed}: same bytes {sameBytes}, fingerprints say otherwise");
            }
        }
    }

    /// <summary>Two files of 3–6 blocks made durable, then pending changes inside and past their blocks.</summary>
    private static CrashWindow Window(ulong script)
    {
        var random = new SplitMix(script);
        var disk = new SimulatedDisk("/sim");
        disk.CreateDirectory("/sim");
        var files = new List<IStorageFile> { disk.Open("/sim/a", OpenMode.OpenOrCreate), disk.Open("/sim/b", OpenMode.OpenOrCreate) };
        foreach (var file in files)
        {
            file.Write(0, Enumerable.Range(0, 4096 * (3 + random.Below(4))).Select(i => (byte)(i * 7 + (int)script)).ToArray());
            file.Sync();
        }

        disk.SyncDirectory("/sim");
        for (var step = 0; step < 6; step++)
        {
            var file = files[random.Below(files.Count)];
            switch (random.Below(5))
            {
                case 0 or 1 or 2:
                    file.Write(random.Below(7 * 4096), Enumerable.Repeat((byte)(1 + random.Below(3)), 1 + random.Below(5000)).ToArray());
                    break;
                case 3:
                    file.SetLength(random.Below(7 * 4096));
                    break;
                default:
                    file.DataSync();
                    break;
            }
        }

        // The same bytes as a durable file's, under a new inode: equal bytes however they were reached.
        using (var copy = disk.Open("/sim/c", OpenMode.OpenOrCreate))
            copy.Write(0, Enumerable.Range(0, 4096 * 3).Select(i => (byte)(i * 7 + (int)script)).ToArray());
        // Entries that differ only by name, pending in the directory: "/sim/c" may become "/sim/cd" (an
        // empty name's length and its neighbour's bytes must not run together), and an empty "/sim/e" may appear.
        if (random.Below(2) == 0)
            disk.Rename("/sim/c", "/sim/cd");
        disk.Open("/sim/e", OpenMode.OpenOrCreate).Dispose();
        foreach (var file in files)
            file.Dispose();
        return disk.Window(4096);
    }
}
