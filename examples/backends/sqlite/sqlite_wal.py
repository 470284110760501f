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
import os
import sqlite3
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from protocol_v1 import Refused, fatal, serve  # noqa: E402

DB_NAME = "log.db"


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

    def append(self, records, sync):
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

    def sync(self):
        return self.durable  # every commit already is

    def read(self, start, limit, budget):
        out, size, expected = [], 0, start
        try:
            rows = self.db.execute("SELECT lsn, data FROM records WHERE lsn >= ? AND lsn < ? ORDER BY lsn LIMIT ?",
                                   (start, self.next, limit))
            for lsn, data in rows:
                if lsn != expected:
                    raise Refused("io", f"record {expected} is missing from the table")
                if out and size + len(data) > budget:
                    break
                out.append((lsn, data))
                size += len(data)
                expected += 1
        except sqlite3.DatabaseError as e:
            raise refused(e)
        return out, expected

    def close(self):
        self.db.close()


class Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""

    def __init__(self, db):
        self.db = db

    def __enter__(self):
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as e:
            raise refused(e)

    def __exit__(self, kind, value, trace):
        try:
            if kind is None:
                self.db.execute("COMMIT")
            elif self.db.in_transaction:
                self.db.execute("ROLLBACK")
        except sqlite3.DatabaseError as e:
            raise refused(e)
        if isinstance(value, sqlite3.DatabaseError):
            raise refused(value)
        return False


def refused(e):
    """SQLite's error as the protocol's: a full disk is no_space, anything else io."""
    return Refused("no_space" if "full" in str(e) else "io", str(e))


def main():
    args = sys.argv[1:]
    if args in (["-h"], ["--help"]):
        print("usage: sqlite_wal.py [--synchronous FULL|NORMAL]   (CRASHLAB_DATA_DIR names the directory of log.db)\n"
              "  FULL (default): every commit is fsynced. NORMAL: SQLite's documented non-durable WAL setting.")
        return
    synchronous = args[1].upper() if len(args) == 2 and args[0] == "--synchronous" else "FULL"
    if args and (len(args) != 2 or args[0] != "--synchronous" or synchronous not in SYNCHRONOUS):
        fatal(f"usage: sqlite_wal.py [--synchronous FULL|NORMAL]; unknown arguments {args}", 2)
    directory = os.environ.get("CRASHLAB_DATA_DIR") or fatal("CRASHLAB_DATA_DIR is not set")
    try:
        log = Log(directory, synchronous)
    except sqlite3.DatabaseError as e:
        fatal(f"cannot open {DB_NAME}: {e}")
    serve(log, f"sqlite_wal.py/1 (SQLite {sqlite3.sqlite_version}, WAL, synchronous={synchronous})")


if __name__ == "__main__":
    main()
