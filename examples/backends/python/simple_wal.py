#!/usr/bin/env python3
"""A small write-ahead log in Python that speaks CrashLab protocol v1.

It shows what a backend needs to pass CrashLab's L1 (process-crash) certification, and with
--bug it shows a classic failure: acknowledging a sync append before the data is written.

Log file: frames of [u32 body length][u32 crc32(body)][body], body = [u64 first_lsn][u32 count]
then count x ([u32 length][data]). One frame per batch, so a batch is atomic: recovery keeps
whole frames with a valid checksum and the right first LSN, and cuts the file after the last.
"""
import base64
import json
import os
import struct
import sys
import zlib

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
        self.unwritten = []     # --bug: frames acknowledged but not yet written
        self.recover()
        self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def recover(self):
        data = b""
        if os.path.exists(self.path):
            with open(self.path, "rb") as f:
                data = f.read()
        at, good, expected = 0, 0, None
        while at + HEADER.size <= len(data):
            length, crc = HEADER.unpack_from(data, at)
            body = data[at + HEADER.size: at + HEADER.size + length]
            if len(body) != length or zlib.crc32(body) != crc or length < BATCH.size:
                break
            first, count = BATCH.unpack_from(body, 0)
            if expected is None:
                self.base = expected = first
            if first != expected:
                break
            pos = BATCH.size
            for _ in range(count):
                (n,) = LENGTH.unpack_from(body, pos)
                self.records.append(body[pos + LENGTH.size: pos + LENGTH.size + n])
                pos += LENGTH.size + n
            expected += count
            at += HEADER.size + length
            good = at
        if good < len(data):
            os.truncate(self.path, good)  # a torn tail: cut it
        if os.path.exists(self.start_path):
            with open(self.start_path) as f:
                self.first = max(self.base, int(f.read().strip() or "1"))
        else:
            self.first = self.base
        self.first = min(self.first, self.next_lsn)
        self.durable = self.next_lsn - 1

    @property
    def next_lsn(self):
        return self.base + len(self.records)

    def append(self, records, sync):
        first = self.next_lsn
        body = BATCH.pack(first, len(records)) + b"".join(LENGTH.pack(len(r)) + r for r in records)
        frame = HEADER.pack(len(body), zlib.crc32(body)) + body
        self.records.extend(records)
        if self.bug == "ack-before-write":
            self.unwritten.append(frame)
            if len(self.unwritten) >= 5:
                self.flush()
        else:
            os.write(self.fd, frame)
            if sync:
                os.fsync(self.fd)
                self.durable = self.next_lsn - 1
        if sync and self.bug == "ack-before-write":
            self.durable = self.next_lsn - 1
        return first, self.next_lsn - 1

    def flush(self):
        for frame in self.unwritten:
            os.write(self.fd, frame)
        self.unwritten = []
        os.fsync(self.fd)
        self.durable = self.next_lsn - 1

    def truncate(self, before):
        if before > self.first:
            tmp = self.start_path + ".tmp"
            with open(tmp, "w") as f:
                f.write(str(before))
                f.flush()
                os.fsync(f.fileno())
            os.rename(tmp, self.start_path)
            dfd = os.open(self.dir, os.O_RDONLY)
            os.fsync(dfd)
            os.close(dfd)
            self.first = before
        return self.first


def handle(log, req):
    rid, op = req.get("id"), req.get("op")
    if not isinstance(rid, int) or rid <= 0:
        return {"id": 0, "ok": False, "error": "bad_request", "message": "id must be a positive integer"}
    try:
        if op == "append":
            records = [base64.b64decode(r, validate=True) for r in req["records"]]
            if not records:
                raise ValueError("empty batch")
            first, last = log.append(records, bool(req.get("sync")))
            reply = {"id": rid, "ok": True, "first_lsn": first, "last_lsn": last}
            if req.get("sync"):
                reply["durable_lsn"] = log.durable
            return reply
        if op == "sync":
            if log.bug != "ack-before-write":
                os.fsync(log.fd)
            log.durable = log.next_lsn - 1
            return {"id": rid, "ok": True, "durable_lsn": log.durable}
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
                if out and size + len(data) > budget:
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
    bug = sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "--bug" else None
    directory = os.environ.get("CRASHLAB_DATA_DIR")
    if not directory:
        emit({"event": "fatal", "message": "CRASHLAB_DATA_DIR is not set"})
        sys.exit(1)
    log = Log(directory, bug)
    emit({"event": "ready", "protocol": 1, "backend": "simple_wal.py/1" + (f"+{bug}" if bug else ""),
          "first_lsn": log.first, "next_lsn": log.next_lsn, "corruption": None})
    for line in sys.stdin:
        try:
            req = json.loads(line)
            if not isinstance(req, dict):
                raise ValueError("not an object")
        except ValueError:
            emit({"id": 0, "ok": False, "error": "bad_request", "message": "malformed line"})
            continue
        if req.get("op") == "shutdown":
            log.flush()
            emit({"id": req.get("id", 0), "ok": True})
            return
        emit(handle(log, req))
    log.flush()


if __name__ == "__main__":
    main()
