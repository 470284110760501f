/* One protocol v1 request line, parsed; and the few JSON pieces a reply needs. */
#ifndef URING_WAL_REQUEST_H
#define URING_WAL_REQUEST_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t *data;
    uint32_t len;
} record_t;

typedef struct {
    long long id;         /* 0 when absent or not a positive integer */
    char op[16];          /* "" when absent; "?" when not a string or too long */
    record_t *records;    /* decoded from base64 */
    size_t nrecords;
    int has_records;      /* "records" was an array */
    int records_ok;       /* ... of valid base64 strings */
    int sync;             /* 1 true, 0 false or null or absent, -1 any other value */
    long long before_lsn, from_lsn, max_records, max_bytes; /* -1 when absent or not an integer */
} request_t;

/* Parses one line; returns 0, or -1 when the line is not a JSON object. */
int request_parse(const char *line, request_t *req);
void request_free(request_t *req);

/* A growing output buffer for one reply line. */
typedef struct {
    char *buf;
    size_t len, cap;
} out_t;

void out_printf(out_t *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void out_base64(out_t *o, const uint8_t *data, size_t len);
void out_string(out_t *o, const char *text); /* a JSON string, quoted and escaped */
void out_line(out_t *o);                     /* writes the line to stdout, flushes, resets */

#endif
