"""A protocol v1 log kept in an ordered key-value store, so that CrashLab tests the store.

Record LSN n is the key b"r" + n as 8 big-endian bytes; b"m/first" holds the first LSN once a
truncation moved it. An append is one atomic write of its records (the store's write batch or
transaction), so a batch survives whole or not at all exactly when the store keeps that promise.
A truncation is one atomic write that deletes the records below and stores the new first LSN.

The store does the storage work; this module adds no checksum. Recovery reads the records from
the first LSN on and keeps them while their LSNs run on without a gap. A gap means the store
kept a later write and lost an earlier one; the records after it are deleted (durably) before
new ones reuse their LSNs, and CrashLab judges whether anything acknowledged went with them.
When the store itself reports damage while reading, recovery says so in `corruption`.

A store provides: get(key), items(from_key, verify=True) (key order, records only; verify=False
reads past damage where the store can), write(puts, deletes, sync), discard_deleted(from_key)
(rewrites the range so deleted records, damaged ones included, are gone), sync(), close(), and
`commits_durable` (True when every write is durable on return).
Its failures are protocol_v1.Refused; its detected damage is Damaged.
"""
import struct

from protocol_v1 import Refused

RECORD = b"r"
FIRST = b"m/first"
LSN = struct.Struct(">Q")


class Damaged(Exception):
    """The store detected damage (a checksum or structure check failed) while reading."""


def record_key(lsn):
    return RECORD + LSN.pack(lsn)


def lsn_of(key):
    return LSN.unpack(key[len(RECORD):])[0]


class KvLog:
    def __init__(self, store):
        self.store = store
        self.corruption = None
        first = store.get(FIRST)
        self.first = int(first) if first is not None else 1
        self.next = self._recover_records()
        if self.first > self.next:
            # A crash lost records that a truncation covered; their LSNs will be issued again, to
            # records no truncation covers: lower the marker durably before they exist.
            self.first = self.next
            store.write([(FIRST, str(self.first).encode())], [], sync=True)
        self.durable = self.next - 1

    def _recover_records(self):
        expected, stale = self.first, []
        try:
            for key, _ in self.store.items(record_key(self.first)):
                if stale or lsn_of(key) != expected:
                    stale.append(key)
                else:
                    expected += 1
        except Damaged as e:
            # Records past the damage stay in the store unless deleted; once the damaged part
            # becomes readable again (a compaction rewrites it) they would come back, under LSNs
            # that new records have been given since. List them without checksums and delete them.
            self.corruption = {"lsn": expected, "detail": str(e)}
            stale = [key for key, _ in self.store.items(record_key(expected), verify=False)]
            self.store.write([], stale, sync=True)
            # The damaged part is still in the store, and reading the new records given these
            # LSNs would run into it again: have the store rewrite that range without it.
            self.store.discard_deleted(record_key(expected))
            return expected
        if stale:
            self.store.write([], stale, sync=True)
        return expected

    def append(self, records, sync):
        first = self.next
        self.store.write([(record_key(first + i), r) for i, r in enumerate(records)], [], sync)
        self.next = first + len(records)
        if sync or self.store.commits_durable:
            self.durable = self.next - 1
        return first, self.next - 1

    def sync(self):
        self.store.sync()
        self.durable = self.next - 1
        return self.durable

    def truncate(self, before):
        if before > self.first:
            doomed = []
            for key, _ in self.store.items(record_key(self.first)):
                if lsn_of(key) >= before:
                    break
                doomed.append(key)
            self.store.write([(FIRST, str(before).encode())], doomed, sync=False)
            self.first = before
        return self.first

    def read(self, start, limit, budget):
        out, size, lsn = [], 0, start
        items = self.store.items(record_key(start))
        try:
            # Each item is fetched only when it is wanted: a store may fail on the one after the
            # last record (damage recovery reported), and that must not fail this read.
            while lsn < self.next and len(out) < limit:
                key, data = next(items, (None, None))
                if key is None or lsn_of(key) != lsn:
                    raise Damaged(f"record {lsn} is missing from the store")
                if out and size + len(data) > budget:
                    break
                out.append((lsn, data))
                size += len(data)
                lsn += 1
        except Damaged as e:
            raise Refused("io", str(e))
        return out, lsn

    def close(self):
        self.store.sync()
        self.store.close()
