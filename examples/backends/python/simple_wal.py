#!/usr/bin/env python3
"""A small write-ahead log in Python that speaks CrashLab protocol v1.

It shows what a backend needs to pass CrashLab's L1 (process-crash) certification. Appends
without sync are buffered (up to BUFFER_BYTES) and written with the next sync, as a group commit
would: a crash may lose them, but only with every later batch. With --bug NAME it is one of the
known-bad variants below (BUGS), each a classic failure that `crashlab prove` must catch.

Log file: frames of [u32 body length][u32 crc32(body)][body], body = [u64 first_lsn][u32 count]
then count x ([u32 length][data]). One frame per batch, so a batch is atomic: recovery keeps
whole frames with a valid checksum and the right first LSN, and cuts the file after the last. A
whole frame that fails its checksum is damage, reported as corruption; a short one is a torn tail.
The truncation marker ("start") carries its own checksum; a damaged marker is a fatal start.
A write or fsync that fails, or a write that comes back short (a full disk part-way through a
frame), fails the request that needed it (no_space or io) and poisons the log until a restart:
the failed frame may be partly on disk, so nothing may be written after it, and a failed fsync is
never retried. Recovery cuts the partial frame as a torn tail.
"""
import base64
import errno
import json
import os
import struct
import sys
import time
import zlib

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

HEADER = struct.Struct("<II")
BATCH = struct.Struct("<QI")
LENGTH = struct.Struct("<I")


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


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
        # hole-on-kill: replies held back until their frames are written
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
        frames, at, damaged = [], 0, False  # (first LSN, records, end offset) of each valid frame, in file order
        while at + HEADER.size <= len(data):
            length, crc = HEADER.unpack_from(data, at)
            body = data[at + HEADER.size: at + HEADER.size + length]
            if len(body) != length or zlib.crc32(body) != crc or length < BATCH.size:
                # A whole frame that fails its checksum is damage, not a torn tail (which ends the file
                # short) -- unless a whole sector of it reads as zeros: a power cut kept a later write
                # and lost this one, or part of it, which no bit flip does.
                damaged = len(body) == length and not never_written(data, at, at + HEADER.size + length)
                break
            first, count = BATCH.unpack_from(body, 0)
            pos, records = BATCH.size, []
            for _ in range(count):
                (n,) = LENGTH.unpack_from(body, pos)
                records.append(body[pos + LENGTH.size: pos + LENGTH.size + n])
                pos += LENGTH.size + n
            at += HEADER.size + length
            frames.append((first, records, at))
        if self.bug == "hole-on-kill":
            frames.sort(key=lambda f: f[0])  # and then numbered as if no frame were missing
        if self.bug == "excuse-forever" and frames and os.path.exists(os.path.join(self.dir, "corrupt")):
            frames.pop()  # "the tail may be suspect since the damage": dropped, and excused by the old report
        good, gap = 0, False
        for first, records, end in frames:
            if not self.records and good == 0:
                self.base = first
            elif first != self.next_lsn:
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
                self.corruption = {"lsn": self.next_lsn, "detail": f"frame at offset {good} fails its checksum"}
                if self.bug == "excuse-forever":
                    write_durably(self.dir, os.path.join(self.dir, "corrupt"), marker_text(self.next_lsn))
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
        if self.first > self.next_lsn:
            # A crash lost records a truncation had covered; their LSNs will be handed out again,
            # to new records that no truncation covers: lower the marker before they exist.
            self.first = self.next_lsn
            if self.bug != "stale-truncate":
                write_durably(self.dir, self.start_path, marker_text(self.first))
        self.durable = self.next_lsn - 1

    @property
    def next_lsn(self):
        return self.base + len(self.records)

    def append(self, records, sync, reply):
        """Appends a batch; reply(first, last, durable) is called once it may be answered."""
        self.check_writable()
        first = self.next_lsn
        frame = frame_of(first, records[1:] if self.bug == "drop-empty-first" and not records[0] else records)
        self.records.extend(records)
        last = self.next_lsn - 1
        if self.bug == "refuse-appends":
            del self.records[-len(records):]
            raise NoSpace()
        if self.bug == "ack-before-write":
            self.unwritten.append(frame)
            if len(self.unwritten) >= 5:
                self.flush()
            if sync:
                self.durable = last
            return reply(first, last, self.durable)
        self.unwritten.append(frame)
        if self.bug == "hole-on-kill" and not sync:
            self.deferred.append(lambda: reply(first, last, None))
        if sync or sum(map(len, self.unwritten)) >= BUFFER_BYTES:
            try:
                self.flush()
            except Refused:
                del self.records[-len(records):]  # refused: this batch was never appended
                raise
        if self.bug != "hole-on-kill" or sync:
            reply(first, last, self.durable)

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
        self.durable = self.next_lsn - 1
        for answer in self.deferred:
            answer()
        self.deferred = []

    def truncate(self, before):
        if before > self.first:
            write_durably(self.dir, self.start_path, marker_text(before))
            self.first = before
        return self.first


class NoSpace(Exception):
    pass


class Refused(Exception):
    """A request that failed: answered with the error `kind`, nothing in it acknowledged."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


class Damaged(Exception):
    """A marker file that does not parse: something outside the backend broke the directory."""


def marker_text(lsn):
    """A marker file's contents: the LSN and its checksum, so damage is detected, never trusted."""
    return f"{lsn} {zlib.crc32(str(lsn).encode())}"


def marker(content):
    parts = content.split()
    if len(parts) != 2 or not parts[0].isdigit() or str(zlib.crc32(parts[0])).encode() != parts[1]:
        raise Damaged(f"damaged marker file: {content!r}")
    return int(parts[0])


def frame_of(first, records):
    body = BATCH.pack(first, len(records)) + b"".join(LENGTH.pack(len(r)) + r for r in records)
    return HEADER.pack(len(body), zlib.crc32(body)) + body


def never_written(data, start, end):
    """True if a 512-byte sector overlapping data[start:end] is all zeros (or the header is)."""
    if not any(data[start:start + HEADER.size]):
        return True
    return any(not any(data[s:s + 512]) for s in range(start - start % 512, min(end, len(data)), 512))


def sync_directory(directory):
    dfd = os.open(directory, os.O_RDONLY)
    os.fsync(dfd)
    os.close(dfd)


def write_durably(directory, path, content):
    tmp = path + ".tmp"
    with open(tmp, "wb" if isinstance(content, bytes) else "w") as f:
        f.write(content)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)
    sync_directory(directory)


def handle(log, req):
    rid, op = req.get("id"), req.get("op")
    if not isinstance(rid, int) or rid <= 0:
        return {"id": 0, "ok": False, "error": "bad_request", "message": "id must be a positive integer"}
    try:
        if op == "append":
            records = [base64.b64decode(r, validate=True) for r in req["records"]]
            if not records:
                raise ValueError("empty batch")
            sync = bool(req.get("sync"))

            def reply(first, last, durable):
                answer = {"id": rid, "ok": True, "first_lsn": first, "last_lsn": last}
                if sync:
                    answer["durable_lsn"] = durable
                emit(answer)
            try:
                log.append(records, sync, reply)
            except NoSpace:
                return {"id": rid, "ok": False, "error": "no_space", "message": "no space left"}
            except Refused as e:
                return {"id": rid, "ok": False, "error": e.kind, "message": str(e)}
            return None
        if op == "sync":
            before = log.durable
            if log.bug == "ack-before-write":
                log.durable = log.next_lsn - 1
            else:
                try:
                    log.flush()
                except Refused as e:
                    return {"id": rid, "ok": False, "error": e.kind, "message": str(e)}
            return {"id": rid, "ok": True, "durable_lsn": before if log.bug == "sync-lies" else log.durable}
        if op == "truncate":
            before = int(req["before_lsn"])
            if before > log.next_lsn or before < 1:
                raise ValueError("before_lsn out of range")
            return {"id": rid, "ok": True, "first_lsn": log.truncate(before)}
        if op == "read":
            start = int(req["from_lsn"])
            if start < log.first or start > log.next_lsn:
                raise ValueError("from_lsn out of range")
            limit, budget, out, lsn, size = int(req.get("max_records", 1000)), int(req.get("max_bytes", 8 << 20)), [], start, 0
            while lsn < log.next_lsn and len(out) < limit:
                data = log.records[lsn - log.base]
                if (out or log.bug == "max-bytes-strict") and size + len(data) > budget:
                    break
                out.append({"lsn": lsn, "data": base64.b64encode(data).decode()})
                size += len(data)
                lsn += 1
            return {"id": rid, "ok": True, "records": out, "next_lsn": lsn}
        if op == "stat":
            return {"id": rid, "ok": True, "first_lsn": log.first, "next_lsn": log.next_lsn, "durable_lsn": log.durable}
        return {"id": rid, "ok": False, "error": "unsupported", "message": f"unknown op {op}"}
    except (KeyError, ValueError, TypeError) as e:
        return {"id": rid, "ok": False, "error": "bad_request", "message": str(e)}


def main():
    args = sys.argv[1:]
    if args and args[0] in ("-h", "--help"):
        print("usage: simple_wal.py [--bug NAME]   (CRASHLAB_DATA_DIR names the log directory)\nknown-bad variants:")
        for name, what in BUGS.items():
            print(f"  {name:18} {what}")
        return
    bug = args[1] if len(args) == 2 and args[0] == "--bug" else None
    if args and (bug not in BUGS):
        emit({"event": "fatal", "message": f"usage: simple_wal.py [--bug NAME]; unknown arguments {args} (bugs: {', '.join(BUGS)})"})
        sys.exit(2)
    directory = os.environ.get("CRASHLAB_DATA_DIR")
    if not directory:
        emit({"event": "fatal", "message": "CRASHLAB_DATA_DIR is not set"})
        sys.exit(1)
    clean = os.path.join(directory, "clean")
    if bug == "fatal-after-crash" and os.path.exists(os.path.join(directory, "log.bin")) and not os.path.exists(clean):
        emit({"event": "fatal", "message": "the last run did not shut down cleanly"})
        sys.exit(1)
    if os.path.exists(clean):
        os.unlink(clean)
    try:
        log = Log(directory, bug)
    except Damaged as e:
        emit({"event": "fatal", "message": str(e)})
        sys.exit(1)
    req = {}
    emit({"event": "ready", "protocol": 1, "backend": "simple_wal.py/1" + (f"+{bug}" if bug else ""),
          "first_lsn": log.first, "next_lsn": log.next_lsn, "corruption": log.corruption})
    for line in sys.stdin:
        try:
            req = json.loads(line)
            if not isinstance(req, dict):
                raise ValueError("not an object")
        except ValueError:
            emit({"id": 0, "ok": False, "error": "bad_request", "message": "malformed line"})
            continue
        if req.get("op") == "shutdown":
            break
        answer = handle(log, req)
        if answer is not None:
            emit(answer)
    try:
        log.flush()
    except Refused as e:
        if req.get("op") == "shutdown":
            emit({"id": req.get("id", 0), "ok": False, "error": "poisoned" if log.poisoned else e.kind, "message": str(e)})
        sys.exit(1)
    write_durably(directory, clean, "1")
    if req.get("op") == "shutdown":
        emit({"id": req.get("id", 0), "ok": True})


if __name__ == "__main__":
    main()
