#!/usr/bin/env python3
"""CrashLab protocol v1 on top of SQLite: a log kept as a table, so that CrashLab tests SQLite.

SQLite does the storage work: Python's standard sqlite3 module, WAL journal mode and
synchronous=FULL, so every commit is fsynced before it returns. With --synchronous NORMAL it runs
the setting SQLite's documentation calls not durable in WAL mode: a commit is written to the WAL
but not fsynced (only checkpoints are), so a power loss may roll back the last commits. The
adapter still acknowledges each commit as durable, as an application trusting its commits would,
and CrashLab must refuse it at L2. Each append is one transaction
(a batch is atomic because a transaction is); each commit is durable, so every acknowledged
append is durable at once. Truncation deletes the rows below before_lsn and records the new first
LSN in the same transaction. The adapter adds no checksums and no recovery logic of its own:
whatever CrashLab finds under power loss or faults is SQLite's behaviour (as configured here).

Tables: records(lsn INTEGER PRIMARY KEY, data BLOB) and meta(key TEXT PRIMARY KEY, value INTEGER)
holding 'first' and 'next'.
"""
import base64
import json
import os
import sqlite3
import sys

DB_NAME = "log.db"


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


SYNCHRONOUS = ("FULL", "NORMAL")


class Log:
    def __init__(self, directory, synchronous):
        self.db = sqlite3.connect(os.path.join(directory, DB_NAME), isolation_level=None)
        # The pragma answers the journal mode in force: when SQLite cannot switch (an I/O error
        # writing the header), it stays in rollback-journal mode and says so, without an error.
        mode = self.db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise sqlite3.OperationalError(f"SQLite stayed in journal_mode={mode}: it could not switch to WAL")
        self.db.execute(f"PRAGMA synchronous={synchronous}")
        self.db.execute("CREATE TABLE IF NOT EXISTS records(lsn INTEGER PRIMARY KEY, data BLOB NOT NULL)")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)")
        self.db.execute("INSERT OR IGNORE INTO meta VALUES ('first', 1), ('next', 1)")
        self.first = self.meta("first")
        self.next = self.meta("next")
        self.durable = self.next - 1

    def meta(self, key):
        return self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()[0]

    def append(self, records):
        first = self.next
        with Transaction(self.db):
            self.db.executemany("INSERT INTO records VALUES (?, ?)", [(first + i, r) for i, r in enumerate(records)])
            self.db.execute("UPDATE meta SET value = ? WHERE key = 'next'", (first + len(records),))
        self.next = first + len(records)
        self.durable = self.next - 1  # a committed transaction is what SQLite calls durable (under FULL, fsynced)
        return first, self.next - 1

    def truncate(self, before):
        if before > self.first:
            with Transaction(self.db):
                self.db.execute("DELETE FROM records WHERE lsn < ?", (before,))
                self.db.execute("UPDATE meta SET value = ? WHERE key = 'first'", (before,))
            self.first = before
        return self.first

    def read(self, start, limit, budget):
        out, size = [], 0
        rows = self.db.execute("SELECT lsn, data FROM records WHERE lsn >= ? ORDER BY lsn LIMIT ?", (start, limit))
        expected = start
        for lsn, data in rows:
            if lsn != expected:
                raise sqlite3.DatabaseError(f"record {expected} is missing from the table")
            if out and size + len(data) > budget:
                break
            out.append({"lsn": lsn, "data": base64.b64encode(data).decode()})
            size += len(data)
            expected += 1
        return out, expected


class Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""

    def __init__(self, db):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind, value, trace):
        if kind is None:
            self.db.execute("COMMIT")
        elif self.db.in_transaction:
            self.db.execute("ROLLBACK")
        return False


def error_of(e):
    text = str(e)
    if "full" in text:
        return "no_space"
    return "io"


def handle(log, req):
    rid, op = req.get("id"), req.get("op")
    if not isinstance(rid, int) or isinstance(rid, bool) or rid <= 0:
        return {"id": 0, "ok": False, "error": "bad_request", "message": "id must be a positive integer"}
    if not isinstance(op, str):
        return {"id": rid, "ok": False, "error": "bad_request", "message": "op must be a string"}
    try:
        if op == "append":
            raw, sync = req["records"], req.get("sync")
            if not isinstance(raw, list) or not raw or (sync is not None and not isinstance(sync, bool)):
                raise ValueError("records must be a non-empty list, sync a bool")
            first, last = log.append([base64.b64decode(r, validate=True) for r in raw])
            answer = {"id": rid, "ok": True, "first_lsn": first, "last_lsn": last}
            if sync:
                answer["durable_lsn"] = log.durable
            return answer
        if op == "sync":
            return {"id": rid, "ok": True, "durable_lsn": log.durable}
        if op == "truncate":
            before = req["before_lsn"]
            if not isinstance(before, int) or before < 1 or before > log.next:
                raise ValueError("before_lsn out of range")
            return {"id": rid, "ok": True, "first_lsn": log.truncate(before)}
        if op == "read":
            start, limit, budget = req["from_lsn"], req.get("max_records", 1000), req.get("max_bytes", 8 << 20)
            if not all(isinstance(v, int) for v in (start, limit, budget)) or limit < 1 or budget < 0:
                raise ValueError("from_lsn, max_records and max_bytes must be integers")
            if start < log.first or start > log.next:
                raise ValueError("from_lsn out of range")
            out, next_lsn = log.read(start, limit, budget)
            return {"id": rid, "ok": True, "records": out, "next_lsn": next_lsn}
        if op == "stat":
            return {"id": rid, "ok": True, "first_lsn": log.first, "next_lsn": log.next, "durable_lsn": log.durable}
        return {"id": rid, "ok": False, "error": "unsupported", "message": f"unknown op {op}"}
    except (KeyError, ValueError, TypeError) as e:
        return {"id": rid, "ok": False, "error": "bad_request", "message": str(e)}
    except sqlite3.DatabaseError as e:  # OperationalError included: disk I/O error, database or disk is full
        return {"id": rid, "ok": False, "error": error_of(e), "message": str(e)}


def main():
    args = sys.argv[1:]
    if args in (["-h"], ["--help"]):
        print("usage: sqlite_wal.py [--synchronous FULL|NORMAL]   (CRASHLAB_DATA_DIR names the directory of log.db)\n"
              "  FULL (default): every commit is fsynced. NORMAL: SQLite's documented non-durable WAL setting.")
        return
    synchronous = args[1].upper() if len(args) == 2 and args[0] == "--synchronous" else "FULL"
    if args and (len(args) != 2 or args[0] != "--synchronous" or synchronous not in SYNCHRONOUS):
        emit({"event": "fatal", "message": f"usage: sqlite_wal.py [--synchronous FULL|NORMAL]; unknown arguments {args}"})
        sys.exit(2)
    directory = os.environ.get("CRASHLAB_DATA_DIR")
    if not directory:
        emit({"event": "fatal", "message": "CRASHLAB_DATA_DIR is not set"})
        sys.exit(1)
    try:
        log = Log(directory, synchronous)
    except sqlite3.DatabaseError as e:
        emit({"event": "fatal", "message": f"cannot open {DB_NAME}: {e}"})
        sys.exit(1)
    emit({"event": "ready", "protocol": 1, "backend": f"sqlite_wal.py/1 (SQLite {sqlite3.sqlite_version}, WAL, synchronous={synchronous})",
          "first_lsn": log.first, "next_lsn": log.next, "corruption": None})
    for line in sys.stdin:
        try:
            req = json.loads(line)
            if not isinstance(req, dict):
                raise ValueError("not an object")
        except ValueError:
            emit({"id": 0, "ok": False, "error": "bad_request", "message": "malformed line"})
            continue
        if req.get("op") == "shutdown":
            log.db.close()
            emit({"id": req.get("id", 0), "ok": True})
            return
        emit(handle(log, req))
    log.db.close()


if __name__ == "__main__":
    main()
