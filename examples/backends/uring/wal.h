/* The write-ahead log: one file of checksummed frames, written and synced through io_uring. */
#ifndef URING_WAL_WAL_H
#define URING_WAL_WAL_H

#include <liburing.h>
#include <stdint.h>

#include "request.h"

typedef struct {
    struct io_uring ring;
    const char *dir;
    int fd;                /* wal.log, opened for writing */
    uint64_t write_off;    /* where the next frame goes */
    int bug_offset;        /* --bug offset: write_off never moves past the first write */
    int poisoned;          /* an fdatasync failed: nothing more can be made durable */
    record_t *records;     /* records[i] is LSN base + i (data freed below first) */
    uint64_t nrecords, cap;
    uint64_t base, first, durable;
    char corruption[160];  /* "" or the detail of the damage recovery found */
    uint64_t corrupt_lsn;
} wal_t;

/* Recovers the log in dir; returns 0, or -1 with a message in err. */
int wal_open(wal_t *w, const char *dir, int bug_offset, char *err, size_t errlen);
static inline uint64_t wal_next(const wal_t *w) { return w->base + w->nrecords; }

/* Each returns 0, or a protocol error name ("io", "no_space", "poisoned") with a message in err.
 * wal_append takes the records' data; on an error nothing of the batch is kept. */
const char *wal_append(wal_t *w, record_t *recs, size_t n, int sync, char *err, size_t errlen);
const char *wal_sync(wal_t *w, char *err, size_t errlen);
const char *wal_truncate(wal_t *w, uint64_t before, char *err, size_t errlen);

#endif
