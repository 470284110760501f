/* uring_wal: a write-ahead log in C whose appends and syncs go through io_uring, serving CrashLab
 * protocol v1 on stdin/stdout. With --bug offset it is the classic io_uring WAL bug: the write
 * offset is never advanced, so every frame overwrites the first ("checksum mismatches after the
 * first entry"). Requests are answered in order, one at a time. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "wal.h"

static out_t out;

static void error_reply(long long id, const char *kind, const char *message) {
    out_printf(&out, "{\"id\":%lld,\"ok\":false,\"error\":\"%s\",\"message\":", id, kind);
    out_string(&out, message);
    out_printf(&out, "}");
    out_line(&out);
}

static void fatal(const char *message, int status) {
    out_printf(&out, "{\"event\":\"fatal\",\"message\":");
    out_string(&out, message);
    out_printf(&out, "}");
    out_line(&out);
    exit(status);
}

static void do_read(wal_t *w, request_t *q) {
    uint64_t start = (uint64_t)q->from_lsn, next = wal_next(w), lsn = start, size = 0;
    long long limit = q->max_records < 0 ? 1000 : q->max_records, budget = q->max_bytes < 0 ? 8 << 20 : q->max_bytes;
    out_printf(&out, "{\"id\":%lld,\"ok\":true,\"records\":[", q->id);
    for (; lsn < next && (long long)(lsn - start) < limit; lsn++) {
        record_t *r = &w->records[lsn - w->base];
        if (lsn > start && size + r->len > (uint64_t)budget) break;
        out_printf(&out, "%s{\"lsn\":%llu,\"data\":\"", lsn > start ? "," : "", (unsigned long long)lsn);
        out_base64(&out, r->data, r->len);
        out_printf(&out, "\"}");
        size += r->len;
    }
    out_printf(&out, "],\"next_lsn\":%llu}", (unsigned long long)lsn);
    out_line(&out);
}

/* Answers one request; returns 1 for shutdown. */
static int handle(wal_t *w, request_t *q) {
    char err[256];
    const char *kind;
    unsigned long long first = w->first, next = wal_next(w);
    if (!q->id) return error_reply(0, "bad_request", "id must be a positive integer"), 0;
    if (!q->op[0] || !strcmp(q->op, "?")) return error_reply(q->id, "bad_request", "op must be a string"), 0;
    if (!strcmp(q->op, "shutdown")) return 1;
    if (!strcmp(q->op, "append")) {
        if (!q->has_records || !q->nrecords || !q->records_ok || q->sync < 0)
            return error_reply(q->id, "bad_request", "records must be a non-empty list of base64 strings, sync a bool"), 0;
        if ((kind = wal_append(w, q->records, q->nrecords, q->sync, err, sizeof err)))
            return error_reply(q->id, kind, err), 0;
        out_printf(&out, "{\"id\":%lld,\"ok\":true,\"first_lsn\":%llu,\"last_lsn\":%llu", q->id, next, next + q->nrecords - 1);
        if (q->sync) out_printf(&out, ",\"durable_lsn\":%llu", (unsigned long long)w->durable);
        out_printf(&out, "}");
    } else if (!strcmp(q->op, "sync")) {
        if ((kind = wal_sync(w, err, sizeof err))) return error_reply(q->id, kind, err), 0;
        out_printf(&out, "{\"id\":%lld,\"ok\":true,\"durable_lsn\":%llu}", q->id, (unsigned long long)w->durable);
    } else if (!strcmp(q->op, "truncate")) {
        if (q->before_lsn < 1 || (unsigned long long)q->before_lsn > next)
            return error_reply(q->id, "bad_request", "before_lsn out of range"), 0;
        if ((kind = wal_truncate(w, (uint64_t)q->before_lsn, err, sizeof err))) return error_reply(q->id, kind, err), 0;
        out_printf(&out, "{\"id\":%lld,\"ok\":true,\"first_lsn\":%llu}", q->id, (unsigned long long)w->first);
    } else if (!strcmp(q->op, "read")) {
        if (q->from_lsn < 0 || (unsigned long long)q->from_lsn < first || (unsigned long long)q->from_lsn > next || q->max_records == 0)
            return error_reply(q->id, "bad_request", "from_lsn out of range, or max_records 0"), 0;
        return do_read(w, q), 0;
    } else if (!strcmp(q->op, "stat")) {
        out_printf(&out, "{\"id\":%lld,\"ok\":true,\"first_lsn\":%llu,\"next_lsn\":%llu,\"durable_lsn\":%llu}", q->id, first, next,
                   (unsigned long long)w->durable);
    } else {
        return error_reply(q->id, "unsupported", "unknown op"), 0;
    }
    out_line(&out);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        puts("usage: uring_wal [--bug offset]   (CRASHLAB_DATA_DIR names the log directory)\n"
             "  --bug offset   never advance the write offset: every frame overwrites the first");
        return 0;
    }
    int bug = argc == 3 && !strcmp(argv[1], "--bug") && !strcmp(argv[2], "offset");
    if (argc > 1 && !bug) fatal("usage: uring_wal [--bug offset]", 2);
    const char *dir = getenv("CRASHLAB_DATA_DIR");
    if (!dir || !*dir) fatal("CRASHLAB_DATA_DIR is not set", 2);
    static wal_t w;
    char err[512];
    if (wal_open(&w, dir, bug, err, sizeof err) < 0) fatal(err, 1);
    out_printf(&out, "{\"event\":\"ready\",\"protocol\":1,\"backend\":\"uring_wal/1 (io_uring)%s\",\"first_lsn\":%llu,\"next_lsn\":%llu,"
               "\"corruption\":", bug ? "+offset" : "",
               (unsigned long long)w.first, (unsigned long long)wal_next(&w));
    if (w.corruption[0]) {
        out_printf(&out, "{\"lsn\":%llu,\"detail\":", (unsigned long long)w.corrupt_lsn);
        out_string(&out, w.corruption);
        out_printf(&out, "}}");
    } else {
        out_printf(&out, "null}");
    }
    out_line(&out);
    char *line = NULL;
    size_t cap = 0;
    long long shutdown_id = -1;
    while (getline(&line, &cap, stdin) > 0) {
        request_t q;
        if (request_parse(line, &q) < 0) {
            request_free(&q);
            error_reply(0, "bad_request", "malformed line");
            continue;
        }
        int stop = handle(&w, &q);
        if (stop) shutdown_id = q.id;
        request_free(&q);
        if (stop) break;
    }
    const char *kind = wal_sync(&w, err, sizeof err);
    if (kind) {
        if (shutdown_id > 0) error_reply(shutdown_id, kind, err);
        return 1;
    }
    if (shutdown_id > 0) {
        out_printf(&out, "{\"id\":%lld,\"ok\":true}", shutdown_id);
        out_line(&out);
    }
    return 0;
}
