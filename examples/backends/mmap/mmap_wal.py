#!/usr/bin/python3
"""An mmap write-ahead log in Python that speaks CrashLab protocol v1.

The shape of an mmap engine: the log is a row of fixed-size segment files, each mapped
MAP_SHARED. Appends are copied into the mapping and advance a write pointer kept in the segment's
header; durability is earned by msync (MS_SYNC), which writes the dirty pages back and syncs the
file, before the append or sync is acknowledged. A frame that does not fit starts a new segment,
after the old one is msynced whole (sealed), so a segment never holds acknowledged records that
depend on a later one. With --bug NAME it is one of the known-bad variants in BUGS.

Segment file seg-NNNNNNNN.wal (SEGMENT_BYTES, or larger for a batch that needs it):
  page 0: header [8s magic][u64 segment number][u64 base LSN][u64 write pointer][u32 crc32 of the rest]
  page 1 on: frames [u32 body length][u32 crc32(body)][body], body = [u64 first LSN][u32 count]
             then count x ([u32 length][data]). One frame per batch, so a batch is atomic.
The header has a page of its own, so writing back a data page never rewrites the header.

Recovery does not trust the header's write pointer: it reads frames from the start of each
segment, keeps those whose checksum holds and whose first LSN follows on, and cuts at the first
that does not (zeroing the rest of the segment, so no stale frame can come back after the cut).
Segments after a cut are stale and go. The truncation marker ("start") is written atomically,
before truncation unlinks whole old segments; a power cut may keep some of those unlinks and
lose others, so segments before a gap whose next segment starts at or below the marker are
leftovers of a truncation, not a break in the log.
The frame and marker formats, and the protocol loop, are in ../common (wal_files.py, protocol_v1.py).
Run it with Debian's /usr/bin/python3 (its mmap module).
"""
import errno
import functools
import mmap
import os
import re
import struct
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from protocol_v1 import Refused, fatal, serve  # noqa: E402
from wal_files import (FRAME, BATCH, Damaged, batch_of, frame_of, marker, marker_text, read_from,  # noqa: E402
                       sync_directory, write_durably)

BUGS = {
    "no-msync": "acknowledges syncs as durable without msync: the pages reach the disk only when the kernel writes them back",
    "trust-header": "recovery trusts the header's write pointer: it reads the frames before it without checking checksums or LSNs",
}
SEGMENT_BYTES = 256 << 10
PAGE = mmap.PAGESIZE
DATA_START = PAGE
MAGIC = b"MMAPWAL1"
HEADER_FIELDS = struct.Struct("<8sQQQ")
CRC = struct.Struct("<I")
SEGMENT_NAME = re.compile(r"^seg-(\d{8})\.wal$")


def segment_path(directory, number):
    return os.path.join(directory, f"seg-{number:08d}.wal")


class Segment:
    """One segment file, mapped shared for its whole length."""

    def __init__(self, path, number, fd):
        self.path, self.number, self.fd = path, number, fd
        self.size = os.fstat(fd).st_size
        self.map = mmap.mmap(fd, self.size, mmap.MAP_SHARED)
        self.base, self.wp = 0, DATA_START

    @classmethod
    def create(cls, directory, number, base, size):
        """A new, durable, empty segment: its size, its header and its name all synced before use."""
        path = segment_path(directory, number)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.ftruncate(fd, size)
            segment = cls(path, number, fd)
        except OSError:
            os.close(fd)
            os.unlink(path)
            raise
        segment.base = base
        segment.set_write_pointer(DATA_START)
        segment.map.flush()
        os.fsync(fd)  # msync is an fdatasync: the new size wants a full fsync
        sync_directory(directory)
        return segment

    @classmethod
    def open(cls, directory, number):
        path = segment_path(directory, number)
        fd = os.open(path, os.O_RDWR)
        if os.fstat(fd).st_size < DATA_START:
            os.close(fd)
            return None  # its creation never finished (a crash lost its size): it never held a record
        return cls(path, number, fd)

    def header(self):
        """(base LSN, write pointer) from the header, or None if it is not a valid header."""
        fields = self.map[:HEADER_FIELDS.size]
        magic, number, base, wp = HEADER_FIELDS.unpack(fields)
        (crc,) = CRC.unpack_from(self.map, HEADER_FIELDS.size)
        if magic != MAGIC or number != self.number or crc != zlib.crc32(fields) or not DATA_START <= wp <= self.size:
            return None
        return base, wp

    def set_write_pointer(self, wp):
        self.wp = wp
        fields = HEADER_FIELDS.pack(MAGIC, self.number, self.base, wp)
        self.map[:HEADER_FIELDS.size + CRC.size] = fields + CRC.pack(zlib.crc32(fields))

    def put(self, frame):
        self.map[self.wp:self.wp + len(frame)] = frame
        self.set_write_pointer(self.wp + len(frame))

    def frames(self, trust_header):
        """(first LSN, records, end offset) of each frame, in order, up to the first invalid one."""
        at, end = DATA_START, self.size
        if trust_header:
            header = self.header()
            end = header[1] if header else DATA_START
        while at + FRAME.size <= end:
            length, crc = FRAME.unpack_from(self.map, at)
            body = self.map[at + FRAME.size:at + FRAME.size + length]
            if not trust_header and (length < BATCH.size or len(body) != length or zlib.crc32(body) != crc):
                return
            if len(body) < BATCH.size:
                return
            first, records = batch_of(body)
            at += FRAME.size + length
            yield first, records, at

    def cut(self, offset):
        """Recovery: the write pointer goes back to offset and everything after it is zeroed, durably."""
        if self.map[offset:].strip(b"\0"):
            self.map[offset:] = bytes(self.size - offset)
        self.set_write_pointer(offset)
        self.map.flush()

    def close(self):
        self.map.close()
        os.close(self.fd)


def poisoned():
    """An msync failed: Linux may have dropped the dirty pages, so nothing can be made durable any more."""
    return Refused("poisoned", "an msync failed; restart to recover")


def refusing(method):
    """A request whose system call failed is refused (io): nothing in it is acknowledged."""
    @functools.wraps(method)
    def call(self, *args):
        try:
            return method(self, *args)
        except OSError as e:
            raise Refused("io", str(e)) from e
    return call


class Log:
    def __init__(self, directory, bug):
        self.dir = directory
        self.bug = bug
        self.start_path = os.path.join(directory, "start")
        self.records = []       # records from self.base on
        self.base = 1           # LSN of self.records[0]
        self.first = 1          # logical first LSN (after truncation)
        self.durable = 0
        self.sealed = []        # (number, last LSN) of the segments before the current one
        self.current = None
        self.poisoned = False
        self.recover()

    @property
    def next(self):
        return self.base + len(self.records)

    def recover(self):
        trust = self.bug == "trust-header"
        numbers = sorted(int(m.group(1)) for m in map(SEGMENT_NAME.match, os.listdir(self.dir)) if m)
        start = None
        if os.path.exists(self.start_path):
            with open(self.start_path, "rb") as f:
                start = marker(f.read())
        kept, stale, cut = [], [], False
        for number in numbers:
            segment = None if cut else Segment.open(self.dir, number)
            if segment is None:
                stale.append(number)  # after a cut, or a creation a crash left unfinished
                cut = True
                continue
            end, count = DATA_START, 0
            for first, records, end_of_frame in segment.frames(trust):
                if not self.records:
                    self.base = first
                elif first > self.next and count == 0 and start is not None and first <= start:
                    # A gap before this segment, all below the truncation marker: the older
                    # segments are what a truncation deleted and a crash brought back (their
                    # unlinks were not yet durable). They go; the log starts here.
                    stale.extend(older.number for older, _ in kept)
                    for older, _ in kept:
                        older.close()
                    kept, self.records, self.base = [], [], first
                elif first != self.next and not trust:
                    cut = True
                    break
                self.records.extend(records)
                end, count = end_of_frame, count + len(records)
            if cut and count == 0:
                segment.close()  # its first frame does not follow on: it is stale
                stale.append(number)
                continue
            header = segment.header()
            if not self.records and header:
                self.base = header[0]  # an empty segment: its header says which LSN comes next
            segment.base = self.next - count
            kept.append((segment, end))
        for number in stale:
            os.unlink(segment_path(self.dir, number))
        if stale:
            sync_directory(self.dir)
        for segment, _ in kept[:-1]:
            self.sealed.append((segment.number, segment.base))
            segment.close()
        if kept:
            self.current, end = kept[-1]
            header = self.current.header()
            if trust and header:
                self.current.wp = header[1]
            else:
                self.current.cut(end)
            os.fsync(self.current.fd)  # every recovered record is durable from here on
        else:
            self.current = Segment.create(self.dir, 1, self.base, SEGMENT_BYTES)
        self.first = self.base if start is None else max(self.base, start)
        if self.first > self.next:
            # A crash lost records a truncation had covered; their LSNs will be handed out again,
            # to new records that no truncation covers: lower the marker before they exist.
            self.first = self.next
            write_durably(self.dir, self.start_path, marker_text(self.first))
        self.durable = self.next - 1

    @refusing
    def append(self, records, sync):
        if self.poisoned:
            raise poisoned()
        first = self.next
        frame = frame_of(first, records)
        if len(frame) > self.current.size - self.current.wp:
            self.rotate(len(frame))
        self.current.put(frame)
        self.records.extend(records)
        if sync:
            self.sync()
        return first, self.next - 1

    @refusing
    def sync(self):
        if self.poisoned:
            raise poisoned()
        if self.bug != "no-msync":
            self.msync()
        self.durable = self.next - 1
        return self.durable

    def msync(self):
        try:
            self.current.map.flush()
        except OSError:
            self.poisoned = True
            raise poisoned()

    def rotate(self, need):
        """Seals the current segment (msync: all its frames durable) and starts the next one."""
        self.msync()
        size = max(SEGMENT_BYTES, -(-(DATA_START + need) // PAGE) * PAGE)
        try:
            segment = Segment.create(self.dir, self.current.number + 1, self.next, size)
        except OSError as e:
            if e.errno == errno.ENOSPC:
                raise Refused("no_space", "no space for a new segment") from e
            raise
        self.sealed.append((self.current.number, self.current.base))
        self.current.close()
        self.current = segment

    @refusing
    def truncate(self, before):
        if before > self.first:
            write_durably(self.dir, self.start_path, marker_text(before))
            self.first = before
            # A sealed segment whose records all lie below first goes (the next one's base says so).
            bases = [base for _, base in self.sealed[1:]] + [self.current.base]
            while self.sealed and bases[0] <= self.first:
                number, _ = self.sealed.pop(0)
                bases.pop(0)
                os.unlink(segment_path(self.dir, number))
        return self.first

    def read(self, start, limit, budget):
        return read_from(self.records, self.base, start, limit, budget)

    def close(self):
        """Shutdown: everything msynced."""
        if self.poisoned:
            raise Refused("poisoned", "an msync failed")
        self.msync()


def main():
    args = sys.argv[1:]
    if args and args[0] in ("-h", "--help"):
        print("usage: mmap_wal.py [--bug NAME]   (CRASHLAB_DATA_DIR names the log directory)\nknown-bad variants:")
        for name, what in BUGS.items():
            print(f"  {name:13} {what}")
        return
    bug = args[1] if len(args) == 2 and args[0] == "--bug" else None
    if args and bug not in BUGS:
        fatal(f"usage: mmap_wal.py [--bug NAME]; unknown arguments {args} (bugs: {', '.join(BUGS)})", 2)
    directory = os.environ.get("CRASHLAB_DATA_DIR") or fatal("CRASHLAB_DATA_DIR is not set", 2)
    try:
        log = Log(directory, bug)
    except (Damaged, OSError) as e:
        fatal(str(e))
    serve(log, "mmap_wal.py/1" + (f"+{bug}" if bug else ""))


if __name__ == "__main__":
    main()
