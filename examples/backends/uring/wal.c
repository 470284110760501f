/* wal.log holds frames [u32 body length][u32 crc32(body)][body], body = [u64 first LSN][u32 count]
 * then count x ([u32 length][data]), little-endian: one frame per batch, so a batch is atomic.
 * Frames are written with IORING_OP_WRITE at the log's end and made durable with IORING_OP_FSYNC
 * and IORING_FSYNC_DATASYNC. Recovery keeps the frames whose checksum holds and whose first LSN
 * follows on, and cuts the file after the last one (durably, before anything is written there):
 * a frame that runs past the end of the file is a torn tail. A whole frame that fails its checksum
 * is damage, reported as corruption, unless a 512-byte sector of it is all zeros (its first
 * sector from the frame's start on): that is a write a power loss lost while keeping a later one
 * (no bit flip zeroes a sector).
 * The first frame must hold LSN 1 (the file is never rewritten from the front); any other is damage.
 * The file `start` holds the first LSN after a truncation, with its checksum, replaced atomically. */
#include "wal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define HEADER 8
#define BATCH 12

static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }
static void put32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> 8 * i); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

static const char *fail(char *err, size_t errlen, int e, const char *what) {
    snprintf(err, errlen, "%s failed: %s", what, strerror(e));
    return e == ENOSPC ? "no_space" : "io";
}

/* One io_uring operation, submitted and waited for; returns its result (bytes, 0 or -errno). */
static int uring_do(wal_t *w, struct io_uring_sqe *sqe) {
    (void)sqe;
    int r = io_uring_submit_and_wait(&w->ring, 1);
    if (r < 0) return r;
    struct io_uring_cqe *cqe;
    if ((r = io_uring_wait_cqe(&w->ring, &cqe)) < 0) return r;
    r = cqe->res;
    io_uring_cqe_seen(&w->ring, cqe);
    return r;
}

/* Writes all of buf at off through io_uring (a short write continues where it stopped). */
static int uring_write_all(wal_t *w, int fd, const uint8_t *buf, size_t len, uint64_t off) {
    while (len > 0) {
        struct io_uring_sqe *sqe = io_uring_get_sqe(&w->ring);
        io_uring_prep_write(sqe, fd, buf, (unsigned)(len > (1u << 30) ? 1u << 30 : len), off);
        int r = uring_do(w, sqe);
        if (r < 0) return r;
        if (r == 0) return -EIO;
        buf += r, len -= (size_t)r, off += (uint64_t)r;
    }
    return 0;
}

static int uring_fsync(wal_t *w, int fd, unsigned flags) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&w->ring);
    io_uring_prep_fsync(sqe, fd, flags);
    return uring_do(w, sqe);
}

static int sync_dir(wal_t *w) {
    int dfd = open(w->dir, O_RDONLY | O_DIRECTORY);
    if (dfd < 0) return -errno;
    int r = uring_fsync(w, dfd, 0);
    close(dfd);
    return r;
}

static int path_of(char *out, size_t n, const char *dir, const char *name) {
    return snprintf(out, n, "%s/%s", dir, name) < (int)n ? 0 : -ENAMETOOLONG;
}

static uint32_t marker_crc(uint64_t lsn) {
    char text[32];
    int n = snprintf(text, sizeof text, "%llu", (unsigned long long)lsn);
    return (uint32_t)crc32(0, (const uint8_t *)text, (unsigned)n);
}

/* Replaces `start` with the first LSN: temporary file, fdatasync, rename, directory fsync. */
static int write_marker(wal_t *w, uint64_t lsn) {
    char tmp[4096], path[4096], text[64];
    if (path_of(tmp, sizeof tmp, w->dir, "start.tmp") || path_of(path, sizeof path, w->dir, "start")) return -ENAMETOOLONG;
    int n = snprintf(text, sizeof text, "%llu %u", (unsigned long long)lsn, marker_crc(lsn));
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return -errno;
    int r = uring_write_all(w, fd, (const uint8_t *)text, (size_t)n, 0);
    if (!r) r = uring_fsync(w, fd, IORING_FSYNC_DATASYNC);
    close(fd);
    if (!r && rename(tmp, path) < 0) r = -errno;
    return r ? r : sync_dir(w);
}

/* Returns the marker's LSN, 0 when there is none, or -1 when it is damaged. */
static long long read_marker(wal_t *w) {
    char path[4096], text[64] = {0};
    unsigned long long lsn;
    unsigned crc;
    if (path_of(path, sizeof path, w->dir, "start")) return -1;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return errno == ENOENT ? 0 : -1;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0 || sscanf(text, "%llu %u", &lsn, &crc) != 2 || crc != marker_crc(lsn)) return -1;
    return (long long)lsn;
}

static void keep(wal_t *w, const uint8_t *data, uint32_t len) {
    if (w->nrecords == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 64;
        w->records = realloc(w->records, w->cap * sizeof(record_t));
    }
    record_t *r = &w->records[w->nrecords++];
    r->data = malloc(len ? len : 1);
    memcpy(r->data, data, len);
    r->len = len;
}

/* True if the frame's header, or a 512-byte sector overlapping [start, end), is all zeros. The
 * file's last sector counts up to the end of the file: a power loss can keep an append's size
 * growth and lose the bytes of its last, partial sector. The frame's first sector counts from the
 * frame's start: the end of the frame before it, durable, shares that sector, and a power loss
 * that lost it leaves the frame's first bytes zero and its header torn. */
static int never_written(const uint8_t *data, uint64_t size, uint64_t start, uint64_t end) {
    static const uint8_t zeros[512];
    if (!memcmp(data + start, zeros, HEADER)) return 1;
    for (uint64_t s = start - start % 512; s < end && s < size; s += 512) {
        uint64_t from = s < start ? start : s, to = s + 512 < size ? s + 512 : size;
        if (!memcmp(data + from, zeros, to - from)) return 1;
    }
    return 0;
}

/* Reads frames from data; returns the end of the last good one, and fills corruption if damaged. */
static uint64_t recover_frames(wal_t *w, const uint8_t *data, uint64_t size) {
    uint64_t at = 0;
    while (at + HEADER <= size) {
        uint32_t len = get32(data + at);
        if (at + HEADER + len > size) break; /* a torn tail */
        const uint8_t *body = data + at + HEADER;
        int ok = len >= BATCH && get32(data + at + 4) == (uint32_t)crc32(0, body, len);
        uint64_t first = ok ? get64(body) : 0, count = ok ? get32(body + 8) : 0, pos = BATCH;
        for (uint64_t i = 0; ok && i < count; i++) {
            ok = pos + 4 <= len && pos + 4 + get32(body + pos) <= len;
            if (ok) pos += 4 + get32(body + pos);
        }
        if (!ok) {
            if (!never_written(data, size, at, at + HEADER + len)) {
                snprintf(w->corruption, sizeof w->corruption, "checksum mismatch in the frame at offset %llu, after %llu good entries",
                         (unsigned long long)at, (unsigned long long)w->nrecords);
                w->corrupt_lsn = wal_next(w);
            }
            break;
        }
        if (at == 0 && first != 1) {
            /* The log is never rewritten from the front, so its first frame holds LSN 1: another
             * frame's being there means a write landed on top of it. */
            snprintf(w->corruption, sizeof w->corruption,
                     "the frame at offset 0 holds LSNs %llu..%llu, not LSN 1: a later write overwrote the first entry",
                     (unsigned long long)first, (unsigned long long)(first + count - 1));
            w->corrupt_lsn = 1;
            break;
        }
        if (first != wal_next(w)) break; /* a stale frame from before a cut */
        for (pos = BATCH; count--; pos += 4 + get32(body + pos)) keep(w, body + pos + 4, get32(body + pos));
        at += HEADER + len;
    }
    return at;
}

int wal_open(wal_t *w, const char *dir, int bug_offset, char *err, size_t errlen) {
    memset(w, 0, sizeof *w);
    w->dir = dir;
    w->bug_offset = bug_offset;
    w->base = 1;
    char path[4096];
    int r = io_uring_queue_init(4, &w->ring, 0);
    if (r < 0) return snprintf(err, errlen, "io_uring_queue_init: %s", strerror(-r)), -1;
    if (path_of(path, sizeof path, dir, "wal.log")) return snprintf(err, errlen, "path too long"), -1;
    int created = access(path, F_OK) != 0;
    if ((w->fd = open(path, O_RDWR | O_CREAT, 0644)) < 0) return snprintf(err, errlen, "open %s: %s", path, strerror(errno)), -1;
    /* A new file's name is durable only once its directory is synced: else a power loss takes every record. */
    if (created && (r = sync_dir(w)) < 0) return snprintf(err, errlen, "directory fsync: %s", strerror(-r)), -1;
    struct stat st;
    if (fstat(w->fd, &st) < 0) return snprintf(err, errlen, "fstat: %s", strerror(errno)), -1;
    uint8_t *data = malloc((size_t)st.st_size + 1);
    for (off_t got = 0; got < st.st_size;) {
        ssize_t n = pread(w->fd, data + got, (size_t)(st.st_size - got), got);
        if (n <= 0) return snprintf(err, errlen, "reading wal.log: %s", n ? strerror(errno) : "short file"), -1;
        got += n;
    }
    w->write_off = recover_frames(w, data, (uint64_t)st.st_size);
    free(data);
    if (w->write_off < (uint64_t)st.st_size) {
        /* The cut must be durable before a new frame lands there, or a crash brings the old bytes back after it. */
        r = ftruncate(w->fd, (off_t)w->write_off) < 0 ? -errno : uring_fsync(w, w->fd, 0);
        if (r < 0) return snprintf(err, errlen, "cutting the torn tail: %s", strerror(-r)), -1;
    }
    long long marker = read_marker(w);
    if (marker < 0) return snprintf(err, errlen, "damaged truncation marker `start`"), -1;
    w->first = (uint64_t)marker > w->base ? (uint64_t)marker : w->base;
    if (w->first > wal_next(w)) {
        /* A crash lost records a truncation covered: lower the marker before their LSNs are issued again. */
        w->first = wal_next(w);
        if ((r = write_marker(w, w->first)) < 0) return snprintf(err, errlen, "lowering the marker: %s", strerror(-r)), -1;
    }
    w->durable = wal_next(w) - 1;
    return 0;
}

const char *wal_append(wal_t *w, record_t *recs, size_t n, int sync, char *err, size_t errlen) {
    if (w->poisoned) return snprintf(err, errlen, "an earlier fdatasync failed"), "poisoned";
    uint64_t len = BATCH;
    for (size_t i = 0; i < n; i++) len += 4 + (uint64_t)recs[i].len;
    if (len > UINT32_MAX) return snprintf(err, errlen, "batch too large"), "io";
    uint8_t *frame = malloc(HEADER + len);
    put64(frame + HEADER, wal_next(w));
    put32(frame + HEADER + 8, (uint32_t)n);
    uint8_t *p = frame + HEADER + BATCH;
    for (size_t i = 0; i < n; i++, p += 4 + recs[i - 1].len) {
        put32(p, recs[i].len);
        memcpy(p + 4, recs[i].data, recs[i].len);
    }
    put32(frame, (uint32_t)len);
    put32(frame + 4, (uint32_t)crc32(0, frame + HEADER, (unsigned)len));
    int r = uring_write_all(w, w->fd, frame, HEADER + len, w->write_off);
    free(frame);
    if (r < 0) {
        /* A failed or short write is a failed append: drop whatever part of it landed, durably, or stop. */
        if (ftruncate(w->fd, (off_t)w->write_off) < 0 || uring_fsync(w, w->fd, 0) < 0) w->poisoned = 1;
        return fail(err, errlen, -r, "write");
    }
    if (!w->bug_offset) w->write_off += HEADER + len; /* --bug offset: every frame lands where the first did */
    for (size_t i = 0; i < n; i++) keep(w, recs[i].data, recs[i].len);
    return sync ? wal_sync(w, err, errlen) : NULL;
}

const char *wal_sync(wal_t *w, char *err, size_t errlen) {
    if (w->poisoned) return snprintf(err, errlen, "an earlier fdatasync failed"), "poisoned";
    int r = uring_fsync(w, w->fd, IORING_FSYNC_DATASYNC);
    if (r < 0) {
        w->poisoned = 1; /* never retry a failed fdatasync: the kernel may have dropped the dirty pages */
        return fail(err, errlen, -r, "fdatasync");
    }
    w->durable = wal_next(w) - 1;
    return NULL;
}

const char *wal_truncate(wal_t *w, uint64_t before, char *err, size_t errlen) {
    if (before <= w->first) return NULL;
    int r = write_marker(w, before);
    if (r < 0) return fail(err, errlen, -r, "writing the truncation marker");
    for (uint64_t lsn = w->first; lsn < before; lsn++) {
        free(w->records[lsn - w->base].data);
        w->records[lsn - w->base].data = NULL;
    }
    w->first = before;
    return NULL;
}
