#!/usr/bin/env python3
"""A small write-ahead log in Python that speaks CrashLab protocol v1.

It shows what a backend needs to pass CrashLab's L1 (process-crash) certification. Appends
without sync are buffered (up to BUFFER_BYTES) and written with the next sync, as a group commit
would: a crash may lose them, but only with every later batch. With --bug NAME it is one of the
known-bad variants below (BUGS), each a classic failure that `crashlab prove` must catch.

Log file: frames of [u32 body length][u32 crc32(body)][body], body = [u64 first_lsn][u32 count]
then count x ([u32 length][data]). One frame per batch, so a batch is atomic: recovery keeps
whole frames with a valid checksum and the right first LSN, and cuts the file after the last. A
whole frame that fails its checksum is damage, reported as corruption; a short one is a torn tail,
and so is one with a sector that reads as zeros (counted from the frame's start in its first sector,
which it shares with the frame before it): a power cut lost that sector of an unsynced write.
The truncation marker ("start") carries its own checksum; a damaged marker is a fatal start.
Truncated frames stay in the file until a start finds them filling COMPACT_BYTES and half the
file; that start then replaces the file atomically by its frames from the first LSN on (compact).
The frame and marker formats, and the protocol loop, are in ../common (wal_files.py, protocol_v1.py).
A write or fsync that fails, or a write that comes back short (a full disk part-way through a
frame), fails the request that needed it (no_space or io) and poisons the log until a restart:
the failed frame may be partly on disk, so nothing may be written after it, and a failed fsync is
never retried. Recovery cuts the partial frame as a torn tail.
"""
import errno
import os
import sys
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from protocol_v1 import Refused, emit, fatal, serve  # noqa: E402
from protocol_v1 import handle as answer  # noqa: E402
from wal_files import (FRAME, BATCH, Damaged, batch_of, frame_of, marker, marker_text, read_from,  # noqa: E402
                       sync_directory, temporary_path, write_durably)

BUGS = {
    "ack-before-write": "acknowledges sync appends as durable before writing them",
    "refuse-appends": "answers no_space to every append though the disk is not full (keeps nothing, proves nothing)",
    "fatal-after-crash": "refuses to start after any unclean shutdown (fatal on a state only a crash produced)",
    "excuse-forever": "after one corruption report, repeats it at every start and drops the last batch each time",
    "sync-lies": "sync answers the durable LSN from before the sync",
    "stale-truncate": "keeps a truncation marker above LSNs a crash lost, so records written there later vanish",
    "hole-on-kill": "flushes buffered batches newest first and recovery closes the gaps: a kill leaves holes",
    "drop-empty-first": "drops the first record of a batch when it is empty",
    "max-bytes-strict": "read returns no record when the first one is larger than max_bytes",
    "rewrite-in-place": "compacts the log on every start by rewriting it in place, not atomically",
}
BUFFER_BYTES = 64 << 10
COMPACT_BYTES = 1 << 20  # truncated frames that make recovery's read and checksums worth a rewrite of the file


class Log:
    def __init__(self, directory, bug):
        self.dir = directory
        self.bug = bug
        self.path = os.path.join(directory, "log.bin")
        self.start_path = os.path.join(directory, "start")
        self.records = []       # records from self.base on
        self.base = 1           # LSN of self.records[0]
        self.first = 1          # logical first LSN (after truncation)
        self.durable = 0
        self.unwritten = []     # frames appended but not yet written
        # hole-on-kill: answers held back until their frames are written
        self.deferred = []
        self.corruption = None
        self.poisoned = None    # the message of the write or fsync failure that stopped all writes
        self.recover()
        created = not os.path.exists(self.path)
        self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        if created:
            sync_directory(self.dir)  # else a power cut can lose the new file's name, and every record in it

    def recover(self):
        data = b""
        if os.path.exists(self.path):
            with open(self.path, "rb") as f:
                data = f.read()
        # Frames are checked and parsed where they lie, through a memoryview: its slices copy nothing,
        # so the records kept are slices of the one read (a log of many MiB is not copied twice).
        view = memoryview(data)
        frames, at, damaged = [], 0, False  # (first LSN, records, end offset) of each valid frame, in file order
        while at + FRAME.size <= len(data):
            length, crc = FRAME.unpack_from(data, at)
            body = view[at + FRAME.size: at + FRAME.size + length]
            if len(body) != length or zlib.crc32(body) != crc or length < BATCH.size:
                # A whole frame that fails its checksum is damage, not a torn tail (which ends the file
                # short) -- unless a sector of it reads as zeros (from the frame's start, in its first
                # sector): a power cut kept a later write, or sector, and lost this one, or part of it,
                # which no bit flip does.
                damaged = len(body) == length and not never_written(data, at, at + FRAME.size + length)
                break
            first, records = batch_of(body)
            at += FRAME.size + length
            frames.append((first, records, at))
        if self.bug == "hole-on-kill":
            frames.sort(key=lambda f: f[0])  # and then numbered as if no frame were missing
        if self.bug == "excuse-forever" and frames and os.path.exists(os.path.join(self.dir, "corrupt")):
            frames.pop()  # "the tail may be suspect since the damage": dropped, and excused by the old report
        good, gap = 0, False
        for first, records, end in frames:
            if not self.records and good == 0:
                self.base = first
            elif first != self.next:
                if self.bug != "hole-on-kill":
                    break
                gap = True
            self.records.extend(records)
            good = max(good, end)
        if gap:  # hole-on-kill: close the gaps for good, renumbering every frame, atomically
            data, lsn = b"", self.base
            for _, records, _ in frames:
                data += frame_of(lsn, records)
                lsn += len(records)
            write_durably(self.dir, self.path, data)
            good = len(data)
        if good < len(data):
            if damaged:
                self.corruption = {"lsn": self.next, "detail": f"frame at offset {good} fails its checksum"}
                if self.bug == "excuse-forever":
                    write_durably(self.dir, os.path.join(self.dir, "corrupt"), marker_text(self.next))
            os.truncate(self.path, good)  # a torn tail (or damage, reported): cut it
        if self.bug == "excuse-forever" and os.path.exists(os.path.join(self.dir, "corrupt")):
            with open(os.path.join(self.dir, "corrupt"), "rb") as f:
                self.corruption = {"lsn": marker(f.read()), "detail": "bad frame (reported before)"}
        if self.bug == "rewrite-in-place" and good > 0:
            with open(self.path, "r+b") as f:  # "compaction": truncate, then write it all back
                f.truncate(0)
                f.flush()
                os.fsync(f.fileno())
                for at in range(0, good, 4096):
                    f.write(data[at:at + 4096])
                    f.flush()
                    os.fsync(f.fileno())
        if os.path.exists(self.start_path):
            with open(self.start_path, "rb") as f:
                self.first = max(self.base, marker(f.read()))
        else:
            self.first = self.base
        if self.first > self.next:
            # A crash lost records a truncation had covered; their LSNs will be handed out again,
            # to new records that no truncation covers: lower the marker before they exist.
            self.first = self.next
            if self.bug != "stale-truncate":
                write_durably(self.dir, self.start_path, marker_text(self.first))
        # The known-bad variants keep the whole history, as before compact: a smaller file may shorten
        # rewrite-in-place's window, and `crashlab prove` is to measure the harness (docs/benchmarks.md, session 8).
        if self.corruption is None and self.bug is None:
            self.compact(view, [f for f in frames if f[2] <= good])  # the frames kept, in file order
        self.durable = self.next - 1

    def compact(self, view, frames):
        """Reclaims what truncations covered: when the frames wholly below the first LSN fill at least
        COMPACT_BYTES and half the file, the file is replaced, atomically and durably, by its frames from
        the one holding the first LSN on (the last frame at least, which keeps the next LSN's numbering).
        A failure before the rename leaves the old file, whole: nothing is lost but the space. A failure
        after it (the directory's fsync) may leave the rename undone by a power cut, and the frames
        written next with it: the log refuses writes until a restart, as after any failed fsync."""
        if not frames:
            return
        keep = next((i for i, (first, records, _) in enumerate(frames) if first + len(records) > self.first), len(frames) - 1)
        start, end = frames[keep - 1][2] if keep > 0 else 0, frames[-1][2]
        if start < COMPACT_BYTES or start < end - start:
            return
        tmp = temporary_path(self.path)
        try:
            write_durably(self.dir, self.path, view[start:end])
        except OSError as e:
            if os.path.exists(tmp):
                os.unlink(tmp)  # not renamed: log.bin is the old file, whole
            else:
                self.poisoned = e.strerror or str(e)
            return
        first = frames[keep][0]
        del self.records[:first - self.base]
        self.base = first

    @property
    def next(self):
        return self.base + len(self.records)

    def append(self, records, sync):
        """Appends a batch: (first LSN, last LSN); durable afterwards if sync."""
        self.check_writable()
        first = self.next
        frame = frame_of(first, records[1:] if self.bug == "drop-empty-first" and not records[0] else records)
        if self.bug == "refuse-appends":
            raise Refused("no_space", "no space left")
        self.records.extend(records)
        last = self.next - 1
        self.unwritten.append(frame)
        if self.bug == "ack-before-write":
            if len(self.unwritten) >= 5:
                self.flush()
            if sync:
                self.durable = last
            return first, last
        if sync or sum(map(len, self.unwritten)) >= BUFFER_BYTES:
            try:
                self.flush()
            except Refused:
                del self.records[-len(records):]  # refused: this batch was never appended
                raise
        return first, last

    def sync(self):
        before = self.durable
        if self.bug == "ack-before-write":
            self.durable = self.next - 1
        else:
            self.flush()
        return before if self.bug == "sync-lies" else self.durable

    def read(self, start, limit, budget):
        return read_from(self.records, self.base, start, limit, budget, first_must_fit=self.bug == "max-bytes-strict")

    def check_writable(self):
        if self.poisoned:
            raise Refused("poisoned", f"an earlier write failed ({self.poisoned}); restart to recover")

    def flush(self):
        self.check_writable()
        try:
            self.write_unwritten()
        except OSError as e:
            self.poisoned = e.strerror or str(e)
            raise Refused("no_space" if e.errno == errno.ENOSPC else "io", f"writing the log failed: {self.poisoned}")

    def write_unwritten(self):
        frames = self.unwritten[::-1] if self.bug == "hole-on-kill" else self.unwritten
        for frame in frames:
            written = os.write(self.fd, frame)
            if written < len(frame):
                # A full disk can end a write part-way without an error: that frame failed.
                raise OSError(errno.ENOSPC, f"short write: {written} of {len(frame)} bytes (No space left on device)")
            if self.bug == "hole-on-kill":
                os.fsync(self.fd)
                time.sleep(0.002)  # a slow device: the window a kill must find
        self.unwritten = []
        os.fsync(self.fd)
        self.durable = self.next - 1
        for held in self.deferred:
            emit(held)
        self.deferred = []

    def truncate(self, before):
        if before > self.first:
            write_durably(self.dir, self.start_path, marker_text(before))
            self.first = before
        return self.first

    def close(self):
        """Shutdown: every buffered batch written and synced, then the clean-shutdown mark."""
        try:
            self.flush()
        except Refused as e:
            raise Refused("poisoned", str(e)) from e  # the failed flush poisoned the log
        write_durably(self.dir, os.path.join(self.dir, "clean"), "1")


def never_written(data, start, end):
    """True if a 512-byte sector overlapping data[start:end] reads as zeros from the frame's start on
    (or the header does): a sector is written whole or not at all, and the frame's first sector also
    holds the end of the frame before it, durable and never zero. A power cut that lost that first
    sector leaves the frame's first bytes zero and its header torn, its length no longer the frame's."""
    if not any(data[start:start + FRAME.size]):
        return True
    return any(not any(data[max(s, start):s + 512]) for s in range(start - start % 512, min(end, len(data)), 512))


def handle(log, req):
    """The protocol's answer, except under hole-on-kill: an append without sync whose frame is
    still in the buffer is answered only once that frame is written (by write_unwritten)."""
    reply = answer(log, req)
    if log.bug == "hole-on-kill" and req.get("op") == "append" and reply.get("ok") and log.unwritten:
        log.deferred.append(reply)
        return None
    return reply


def main():
    args = sys.argv[1:]
    if args and args[0] in ("-h", "--help"):
        print("usage: simple_wal.py [--bug NAME]   (CRASHLAB_DATA_DIR names the log directory)\nknown-bad variants:")
        for name, what in BUGS.items():
            print(f"  {name:18} {what}")
        return
    bug = args[1] if len(args) == 2 and args[0] == "--bug" else None
    if args and (bug not in BUGS):
        fatal(f"usage: simple_wal.py [--bug NAME]; unknown arguments {args} (bugs: {', '.join(BUGS)})", 2)
    directory = os.environ.get("CRASHLAB_DATA_DIR") or fatal("CRASHLAB_DATA_DIR is not set")
    clean = os.path.join(directory, "clean")
    if bug == "fatal-after-crash" and os.path.exists(os.path.join(directory, "log.bin")) and not os.path.exists(clean):
        fatal("the last run did not shut down cleanly")
    if os.path.exists(clean):
        os.unlink(clean)
    try:
        log = Log(directory, bug)
    except Damaged as e:
        fatal(str(e))
    serve(log, "simple_wal.py/1" + (f"+{bug}" if bug else ""), log.corruption, handle)


if __name__ == "__main__":
    main()
