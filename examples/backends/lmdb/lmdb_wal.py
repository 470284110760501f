#!/usr/bin/python3
"""CrashLab protocol v1 on LMDB (Debian's python3-lmdb), so that CrashLab tests LMDB.

Run with /usr/bin/python3 (Debian's Python, where python3-lmdb is installed). The environment is
the data directory itself (data.mdb and lock.mdb). The log mapping is
examples/backends/common/kv_log.py; LMDB runs with its defaults: sync and metasync on, so every
committed write transaction is flushed to disk before mdb_txn_commit returns. Each append and
each truncation is one write transaction, so every acknowledged append is durable, whether the
request asked for sync or not, and `sync` has nothing left to do but ask LMDB to flush anyway.
LMDB keeps no checksums: damage it can detect is the damage that breaks its B-tree structure.

LMDB never fsyncs the directory after creating data.mdb and lock.mdb, so under POSIX's rules a
power loss can take the new file's name, and every commit in it, away. With --fsync-dir the
adapter does what an application can do about that: it fsyncs the directory once the
environment is open, before the first append is answered.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import lmdb  # noqa: E402

from kv_log import RECORD, Damaged, KvLog  # noqa: E402
from protocol_v1 import Refused, fatal, serve  # noqa: E402

MAP_SIZE = 4 << 30  # the most the log may hold; data.mdb grows as it fills (no MDB_WRITEMAP)


def refused(e):
    if isinstance(e, lmdb.PanicError):
        return Refused("poisoned", f"LMDB: {e}")
    no_space = isinstance(e, lmdb.MapFullError) or "No space" in str(e)
    return Refused("no_space" if no_space else "io", f"LMDB: {e}")


class LmdbStore:
    commits_durable = True

    def __init__(self, directory, fsync_dir):
        self.env = lmdb.open(directory, map_size=MAP_SIZE)
        if fsync_dir:
            fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def get(self, key):
        try:
            with self.env.begin() as txn:
                return txn.get(key)
        except lmdb.Error as e:
            raise Damaged(f"LMDB: {e}")

    def items(self, from_key, verify=True):  # LMDB keeps no checksums: nothing to verify
        try:
            with self.env.begin() as txn:
                cursor = txn.cursor()
                if not cursor.set_range(from_key):
                    return
                for key, value in cursor:
                    if not key.startswith(RECORD):
                        return
                    yield bytes(key), bytes(value)
        except lmdb.Error as e:
            raise Damaged(f"LMDB: {e}")

    def write(self, puts, deletes, sync):
        try:
            with self.env.begin(write=True) as txn:
                for key in deletes:
                    txn.delete(key)
                for key, value in puts:
                    txn.put(key, value)
        except lmdb.Error as e:
            raise refused(e)

    def discard_deleted(self, from_key):
        pass  # a deleted key's pages are freed at the commit that deletes it

    def sync(self):
        try:
            self.env.sync(True)
        except lmdb.Error as e:
            raise refused(e)

    def close(self):
        self.sync()
        self.env.close()


def main():
    if sys.argv[1:] in (["-h"], ["--help"]):
        print("usage: /usr/bin/python3 lmdb_wal.py [--fsync-dir]   (CRASHLAB_DATA_DIR is the LMDB environment directory)\n"
              "  --fsync-dir   fsync the directory after opening the environment (LMDB itself never does)")
        return
    if sys.argv[1:] not in ([], ["--fsync-dir"]):
        fatal(f"usage: lmdb_wal.py [--fsync-dir]; unknown arguments {sys.argv[1:]}", 2)
    fsync_dir = sys.argv[1:] == ["--fsync-dir"]
    directory = os.environ.get("CRASHLAB_DATA_DIR") or fatal("CRASHLAB_DATA_DIR is not set", 2)
    try:
        log = KvLog(LmdbStore(directory, fsync_dir))
    except (lmdb.Error, Refused, Damaged, OSError) as e:
        fatal(f"LMDB cannot open {directory}: {e}")
    version = ".".join(map(str, lmdb.version()))
    variant = ", directory fsynced after open" if fsync_dir else ""
    serve(log, f"lmdb_wal.py/1 (LMDB {version}, py-lmdb {lmdb.__version__}{variant})", log.corruption)


if __name__ == "__main__":
    main()
