using CrashLab.Storage.Faults.Plans;
using CrashLab.Storage.Faults.Simulation;

namespace CrashLab.Storage.Faults.Shim;

public sealed partial class FaultyFileSystem
{
    /// <summary>An open file whose every operation goes through the shim's decisions.</summary>
    private sealed class FaultyFile(FaultyFileSystem fs, IStorageFile inner, string path, long inode) : IStorageFile
    {
        public string Path => path;

        public long Length => inner.Length;

        public int Read(long offset, Span<byte> buffer)
        {
            var number = Interlocked.Increment(ref fs._reads);
            if (fs.StrikesRead(number, path, offset, buffer.Length))
                throw Injected(StorageErrorKind.Io, Errno.EIO, "pread", path);

            return inner.Read(offset, buffer);
        }

        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            lock (fs._gate)
            {
                if (fs._crashed && fs._writesAfterCrash)
                {
                    AfterTheKill(offset, data);
                    return;
                }

                fs.ThrowIfCrashed();
                if (fs.TryBegin() is not { } op)
                {
                    if (!fs._writesAfterCrash)
                        throw fs.AfterTheCrash();
                    AfterTheKill(offset, data); // killed just before it: the page cache still writes it back
                    return;
                }

                if (fs._plan.Crash is { } crash && crash.AtOp == op)
                {
                    var performed = crash.PerformBytes is { } part ? fs.SectorPrefix(offset, data.Length, part) : data.Length;
                    Perform(op, offset, data[..performed]);
                    fs.Crash(op, performed: true);
                    // A power cut tears the write there; a process crash does not stop the page cache's
                    // write-back, so the rest arrives after the kill (only keep-all states keep it).
                    if (fs._writesAfterCrash && performed < data.Length)
                        AfterTheKill(offset + performed, data[performed..]);
                    return;
                }

                var bytes = Flip(op, data);
                offset = Misdirect(op, offset);
                if (fs._decide.QuotaAt(op, path) is { } quota)
                {
                    var room = quota - fs.Usage() + Math.Max(0, inner.Length - offset);
                    if (room < bytes.Length)
                    {
                        fs.Struck(op, FaultKind.Enospc, path);
                        Perform(op, offset, bytes[..fs.SectorPrefix(offset, bytes.Length, (int)Math.Max(0, room))]);
                        throw Injected(StorageErrorKind.NoSpace, Errno.ENOSPC, "pwrite", path);
                    }
                }

                if (fs._decide.Strikes(FaultKind.WriteEio, op, path) is { } eio)
                {
                    fs.Struck(op, FaultKind.WriteEio, path);
                    Perform(op, offset, bytes[..fs.SectorPrefix(offset, bytes.Length, eio.AfterBytes)]);
                    throw Injected(StorageErrorKind.Io, Errno.EIO, "pwrite", path);
                }

                Perform(op, offset, bytes);
            }
        }

        public void SetLength(long length) => Resize(length, "ftruncate", inner.SetLength);

        public void Preallocate(long length) => Resize(length, "fallocate", inner.Preallocate);

        public void DataSync() => Flush(dataOnly: true);

        public void Sync() => Flush(dataOnly: false);

        public void Dispose() => inner.Dispose();

        /// <summary>A write after the kill (FUSE): no faults, no crash point, no pacing; only keep-all states keep it.</summary>
        private void AfterTheKill(long offset, ReadOnlySpan<byte> bytes) => Perform(++fs._operations, offset, bytes);

        private void Perform(long op, long offset, ReadOnlySpan<byte> bytes)
        {
            var growth = Math.Max(0, offset + bytes.Length - inner.Length);
            fs._recorder?.BeforeWrite(op, inode, inner, offset, bytes.Length);
            inner.Write(offset, bytes);
            if (fs._usage != null)
                fs._usage += growth;
        }

        private ReadOnlySpan<byte> Flip(long op, ReadOnlySpan<byte> data)
        {
            if (data.IsEmpty || fs._decide.Strikes(FaultKind.BitFlip, op, path) is not { } rule)
                return data;
            fs.Struck(op, FaultKind.BitFlip, path);
            var copy = data.ToArray();
            for (var i = 0; i < rule.Bits; i++)
            {
                var bit = fs._decide.Draw(op, (ulong)i) % (ulong)(copy.Length * 8L);
                copy[bit / 8] ^= (byte)(1 << (int)(bit % 8));
            }

            return copy;
        }

        private long Misdirect(long op, long offset)
        {
            if (fs._decide.Strikes(FaultKind.Misdirect, op, path) is not { } rule)
                return offset;
            fs.Struck(op, FaultKind.Misdirect, path);
            var shift = (long)(1 + fs._decide.Draw(op, 100) % (ulong)rule.MaxSectors) * fs._plan.SectorSize;
            return fs._decide.Draw(op, 101) % 2 == 0 && offset >= shift ? offset - shift : offset + shift;
        }

        private void Resize(long length, string operation, Action<long> resize)
        {
            lock (fs._gate)
            {
                fs.ThrowIfCrashed();
                var op = fs.Begin();
                var before = inner.Length;
                var growth = Math.Max(0, length - before);
                if (growth > 0 && fs._decide.QuotaAt(op, path) is { } quota && fs.Usage() + growth > quota)
                {
                    fs.Struck(op, FaultKind.Enospc, path);
                    throw Injected(StorageErrorKind.NoSpace, Errno.ENOSPC, operation, path);
                }

                if (growth > 0 || operation == "ftruncate")
                    fs._recorder?.BeforeSetLength(op, inode, inner, length);
                resize(length);
                if (fs._usage != null)
                    fs._usage += operation == "ftruncate" ? length - before : growth;
                fs.CrashAfter(op);
            }
        }

        private void Flush(bool dataOnly)
        {
            lock (fs._gate)
            {
                fs.ThrowIfCrashed();
                var op = fs.BeginFlush();
                if (fs._decide.Strikes(FaultKind.FsyncEio, op, path) != null)
                {
                    fs.Struck(op, FaultKind.FsyncEio, path);
                    // Linux: the dirty pages are marked clean and the error is reported once.
                    fs._recorder?.SyncFailed(op, inode);
                    (inner as ISyncFailureSink)?.SyncFailed();
                    throw Injected(StorageErrorKind.Io, Errno.EIO, dataOnly ? "fdatasync" : "fsync", path);
                }

                if (dataOnly)
                    inner.DataSync();
                else
                    inner.Sync();
                fs._recorder?.Synced(op, inode, dataOnly);
                fs.Flushed();
                fs.CrashAfter(op);
            }
        }
    }
}
