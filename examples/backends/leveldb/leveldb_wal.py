#!/usr/bin/python3
"""CrashLab protocol v1 on LevelDB (Debian's python3-plyvel), so that CrashLab tests LevelDB.

Run with /usr/bin/python3 (Debian's Python, where python3-plyvel is installed). The database is
the data directory itself. The log mapping is examples/backends/common/kv_log.py; LevelDB runs
with its defaults (paranoid_checks off) and these choices, each LevelDB's own durability knob:
- a `sync:true` append is one WriteBatch written with sync=True (LevelDB fsyncs its log before
  the write returns); a `sync:false` append is the same batch with sync=False (not durable);
- `sync` writes an empty batch with sync=True: LevelDB documents a sync write as making the
  writes before it durable too;
- reads verify block checksums (ReadOptions::verify_checksums), so damage LevelDB can detect is
  reported, as `corruption` at start or an `io` error on a read; after reporting it, the adapter
  deletes the records from the damage on and compacts that key range, so the damaged block is
  rewritten away (or the compaction fails, and LevelDB refuses further writes).
With --paranoid it opens the database with paranoid_checks=True: LevelDB then fails the open on
damage or a read error in its log or tables instead of skipping the damaged part.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import plyvel  # noqa: E402

from kv_log import RECORD, Damaged, KvLog  # noqa: E402
from protocol_v1 import Refused, fatal, serve  # noqa: E402


def refused(e):
    return Refused("no_space" if "No space" in str(e) else "io", f"LevelDB: {e}")


class LevelDbStore:
    commits_durable = False

    def __init__(self, directory, paranoid):
        self.db = plyvel.DB(directory, create_if_missing=True, paranoid_checks=paranoid)

    def get(self, key):
        try:
            return self.db.get(key, verify_checksums=True)
        except plyvel.CorruptionError as e:
            raise Damaged(f"LevelDB: {e}")

    def items(self, from_key, verify=True):
        try:
            yield from self.db.iterator(start=from_key, stop=RECORD + b"\xff", verify_checksums=verify)
        except plyvel.CorruptionError as e:
            raise Damaged(f"LevelDB: {e}")
        except plyvel.IOError as e:
            raise Damaged(f"LevelDB read failed: {e}")

    def write(self, puts, deletes, sync):
        try:
            with self.db.write_batch(sync=sync) as batch:
                for key in deletes:
                    batch.delete(key)
                for key, value in puts:
                    batch.put(key, value)
        except plyvel.Error as e:
            raise refused(e)

    def discard_deleted(self, from_key):
        try:
            self.db.compact_range(start=from_key, stop=RECORD + b"\xff")
        except plyvel.Error as e:
            raise refused(e)

    def sync(self):
        self.write([], [], sync=True)

    def close(self):
        self.db.close()


def main():
    if sys.argv[1:] in (["-h"], ["--help"]):
        print("usage: /usr/bin/python3 leveldb_wal.py [--paranoid]   (CRASHLAB_DATA_DIR is the LevelDB directory)\n"
              "  --paranoid   open with paranoid_checks=True (fail on damage instead of skipping it)")
        return
    if sys.argv[1:] not in ([], ["--paranoid"]):
        fatal(f"usage: leveldb_wal.py [--paranoid]; unknown arguments {sys.argv[1:]}", 2)
    paranoid = sys.argv[1:] == ["--paranoid"]
    directory = os.environ.get("CRASHLAB_DATA_DIR") or fatal("CRASHLAB_DATA_DIR is not set", 2)
    try:
        log = KvLog(LevelDbStore(directory, paranoid))
    except (plyvel.Error, Refused, Damaged) as e:
        fatal(f"LevelDB cannot open {directory}: {e}")
    variant = ", paranoid_checks" if paranoid else ""
    serve(log, f"leveldb_wal.py/1 (LevelDB {plyvel.__leveldb_version__}, plyvel {plyvel.__version__}{variant})", log.corruption)


if __name__ == "__main__":
    main()
