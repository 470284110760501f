"""What the file-based example WALs (python/simple_wal.py, mmap/mmap_wal.py) share: their formats
on disk, and the protocol's read over records held in memory.

A batch frame: [u32 body length][u32 crc32(body)][body], body = [u64 first LSN][u32 count] then
count x ([u32 length][data]). One frame per batch, so a batch is atomic: a reader keeps a frame
only whole and with its checksum right.
A marker file (the truncation marker "start"): the LSN and its checksum as text, written
atomically and durably, so a damaged marker is detected, never trusted.
"""
import os
import struct
import zlib

FRAME = struct.Struct("<II")
BATCH = struct.Struct("<QI")
LENGTH = struct.Struct("<I")


class Damaged(Exception):
    """A marker file that does not parse: something outside the backend broke the directory."""


def frame_of(first, records):
    body = BATCH.pack(first, len(records)) + b"".join(LENGTH.pack(len(r)) + r for r in records)
    return FRAME.pack(len(body), zlib.crc32(body)) + body


def batch_of(body):
    """(first LSN, records) of a frame's body; a record that runs past the body's end ends the list.
    The records are slices of body: given a memoryview, they copy nothing."""
    first, count = BATCH.unpack_from(body, 0)
    pos, records = BATCH.size, []
    for _ in range(count):
        if pos + LENGTH.size > len(body):
            break
        (n,) = LENGTH.unpack_from(body, pos)
        records.append(body[pos + LENGTH.size:pos + LENGTH.size + n])
        pos += LENGTH.size + n
    return first, records


def read_from(records, base, start, limit, budget, first_must_fit=False):
    """The protocol's read over records held in memory (records[0] is LSN base): up to limit
    records from start within budget bytes, the first one always (unless first_must_fit, a bug)."""
    out, lsn, size = [], start, 0
    while lsn < base + len(records) and len(out) < limit:
        data = records[lsn - base]
        if (out or first_must_fit) and size + len(data) > budget:
            break
        out.append((lsn, data))
        size += len(data)
        lsn += 1
    return out, lsn


def marker_text(lsn):
    return f"{lsn} {zlib.crc32(str(lsn).encode())}"


def marker(content):
    parts = content.split()
    if len(parts) != 2 or not parts[0].isdigit() or str(zlib.crc32(parts[0])).encode() != parts[1]:
        raise Damaged(f"damaged marker file: {content!r}")
    return int(parts[0])


def sync_directory(directory):
    dfd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def temporary_path(path):
    """The temporary file write_durably renames over path: while it exists, path is still the old file."""
    return path + ".tmp"


def write_durably(directory, path, content):
    """Replaces path with content (text, or bytes or a view of them) atomically: a synced temporary file renamed over it."""
    tmp = temporary_path(path)
    with open(tmp, "w" if isinstance(content, str) else "wb") as f:
        f.write(content)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)
    sync_directory(directory)
