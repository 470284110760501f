/* A small JSON reader for protocol v1 requests: one flat object whose known fields are integers,
 * a string, a bool or an array of base64 strings. Unknown fields are skipped whatever they hold. */
#include "request.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *ws(const char *p) {
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
    return p;
}

/* Reads a JSON string into out (may be NULL: skipped); returns the end, or NULL if malformed.
 * Escapes are kept only as far as base64 and op names need: they never contain any. */
static const char *string(const char *p, char **out, size_t *outlen) {
    if (*p != '"') return NULL;
    const char *start = ++p;
    while (*p && *p != '"') {
        if (*p == '\\') {
            if (!p[1]) return NULL;
            p++;
        }
        p++;
    }
    if (*p != '"') return NULL;
    if (out) {
        *outlen = (size_t)(p - start);
        *out = malloc(*outlen + 1);
        memcpy(*out, start, *outlen);
        (*out)[*outlen] = 0;
    }
    return p + 1;
}

static const char *skip_value(const char *p, int depth);

static const char *skip_container(const char *p, char close, int depth) {
    p = ws(p + 1);
    if (*p == close) return p + 1;
    for (;;) {
        if (close == '}') {
            p = string(ws(p), NULL, NULL);
            if (!p || *(p = ws(p)) != ':') return NULL;
            p++;
        }
        p = skip_value(ws(p), depth + 1);
        if (!p) return NULL;
        p = ws(p);
        if (*p == close) return p + 1;
        if (*p != ',') return NULL;
        p++;
    }
}

static const char *skip_value(const char *p, int depth) {
    if (depth > 64) return NULL;
    if (*p == '"') return string(p, NULL, NULL);
    if (*p == '{') return skip_container(p, '}', depth);
    if (*p == '[') return skip_container(p, ']', depth);
    if (!strncmp(p, "true", 4) || !strncmp(p, "null", 4)) return p + 4;
    if (!strncmp(p, "false", 5)) return p + 5;
    if (*p == '-' || isdigit((unsigned char)*p)) {
        char *end;
        strtod(p, &end);
        return end == p ? NULL : end;
    }
    return NULL;
}

/* An integer value, or -1 (and the value skipped) when it is anything else. */
static const char *integer(const char *p, long long *out) {
    char *end;
    long long v = strtoll(p, &end, 10);
    if (end != p && *end != '.' && *end != 'e' && *end != 'E') {
        *out = v;
        return end;
    }
    *out = -1;
    return skip_value(p, 0);
}

static int b64digit(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Decodes padded base64 (RFC 4648); returns 0, or -1 if it is not valid. */
static int base64_decode(const char *s, size_t n, record_t *rec) {
    if (n % 4) return -1;
    rec->data = malloc(n / 4 * 3 + 1);
    rec->len = 0;
    for (size_t i = 0; i < n; i += 4) {
        int pad = (s[i + 3] == '=') + (s[i + 2] == '=');
        if (pad && i + 4 != n) return -1;
        int a = b64digit(s[i]), b = b64digit(s[i + 1]);
        int c = pad == 2 ? 0 : b64digit(s[i + 2]), d = pad ? 0 : b64digit(s[i + 3]);
        if (a < 0 || b < 0 || c < 0 || d < 0) return -1;
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
        rec->data[rec->len++] = (uint8_t)(v >> 16);
        if (pad < 2) rec->data[rec->len++] = (uint8_t)(v >> 8);
        if (pad < 1) rec->data[rec->len++] = (uint8_t)v;
    }
    return 0;
}

static const char *records(const char *p, request_t *req) {
    if (*p != '[') {
        req->records_ok = 0;
        return skip_value(p, 0);
    }
    req->has_records = 1;
    size_t cap = 0;
    p = ws(p + 1);
    if (*p == ']') return p + 1;
    for (;;) {
        p = ws(p);
        if (*p != '"') {
            req->records_ok = 0;
            if (!(p = skip_value(p, 0))) return NULL;
        } else {
            char *text;
            size_t n;
            if (!(p = string(p, &text, &n))) return NULL;
            if (req->nrecords == cap) {
                cap = cap ? cap * 2 : 4;
                req->records = realloc(req->records, cap * sizeof(record_t));
            }
            record_t *rec = &req->records[req->nrecords++];
            if (base64_decode(text, n, rec) < 0) req->records_ok = 0;
            free(text);
        }
        p = ws(p);
        if (*p == ']') return p + 1;
        if (*p != ',') return NULL;
        p++;
    }
}

int request_parse(const char *line, request_t *req) {
    memset(req, 0, sizeof *req);
    req->records_ok = 1;
    req->before_lsn = req->from_lsn = req->max_records = req->max_bytes = -1;
    const char *p = ws(line);
    if (*p != '{') return -1;
    p = ws(p + 1);
    if (*p == '}') return *ws(p + 1) ? -1 : 0;
    for (;;) {
        char *key;
        size_t keylen;
        if (!(p = string(ws(p), &key, &keylen))) return -1;
        if (*(p = ws(p)) != ':') {
            free(key);
            return -1;
        }
        p = ws(p + 1);
        long long v;
        if (!strcmp(key, "id")) {
            p = integer(p, &v);
            req->id = v > 0 ? v : 0;
        } else if (!strcmp(key, "op")) {
            char *op = NULL;
            size_t n = 0;
            if (*p == '"') p = string(p, &op, &n);
            else p = skip_value(p, 0);
            snprintf(req->op, sizeof req->op, "%s", op && n < sizeof req->op ? op : "?");
            free(op);
        } else if (!strcmp(key, "records")) {
            p = records(p, req);
        } else if (!strcmp(key, "sync")) {
            req->sync = !strncmp(p, "true", 4) ? 1 : (!strncmp(p, "false", 5) || !strncmp(p, "null", 4)) ? 0 : -1;
            p = skip_value(p, 0);
        } else if (!strcmp(key, "before_lsn")) {
            p = integer(p, &req->before_lsn);
        } else if (!strcmp(key, "from_lsn")) {
            p = integer(p, &req->from_lsn);
        } else if (!strcmp(key, "max_records")) {
            p = integer(p, &req->max_records);
        } else if (!strcmp(key, "max_bytes")) {
            p = integer(p, &req->max_bytes);
        } else {
            p = skip_value(p, 0);
        }
        free(key);
        if (!p) return -1;
        p = ws(p);
        if (*p == '}') return *ws(p + 1) ? -1 : 0;
        if (*p != ',') return -1;
        p++;
    }
}

void request_free(request_t *req) {
    for (size_t i = 0; i < req->nrecords; i++) free(req->records[i].data);
    free(req->records);
}

static void reserve(out_t *o, size_t more) {
    if (o->len + more + 1 <= o->cap) return;
    while (o->len + more + 1 > o->cap) o->cap = o->cap ? o->cap * 2 : 4096;
    o->buf = realloc(o->buf, o->cap);
}

void out_printf(out_t *o, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    reserve(o, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(o->buf + o->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    o->len += (size_t)n;
}

void out_base64(out_t *o, const uint8_t *d, size_t n) {
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    reserve(o, (n + 2) / 3 * 4);
    char *w = o->buf + o->len;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)d[i] << 16 | (i + 1 < n ? (uint32_t)d[i + 1] << 8 : 0) | (i + 2 < n ? d[i + 2] : 0);
        *w++ = digits[v >> 18 & 63];
        *w++ = digits[v >> 12 & 63];
        *w++ = i + 1 < n ? digits[v >> 6 & 63] : '=';
        *w++ = i + 2 < n ? digits[v & 63] : '=';
    }
    o->len = (size_t)(w - o->buf);
}

void out_string(out_t *o, const char *text) {
    out_printf(o, "\"");
    for (const char *c = text; *c; c++) {
        if (*c == '"' || *c == '\\') out_printf(o, "\\%c", *c);
        else if ((unsigned char)*c < 0x20) out_printf(o, "\\u%04x", *c);
        else out_printf(o, "%c", *c);
    }
    out_printf(o, "\"");
}

void out_line(out_t *o) {
    out_printf(o, "\n");
    fwrite(o->buf, 1, o->len, stdout);
    fflush(stdout);
    o->len = 0;
}
