/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * summary.c: a strict reader of `encmig migrate --json` (summary.h).
 *
 * Only what encmig prints is accepted: strings of printable ASCII without
 * escapes, numbers in JSON's grammar, true and false.  A key we do not
 * know, a key twice or missing, a value of the wrong type or out of range,
 * a NUL byte, or anything after the closing brace but white space, and
 * the whole line is refused: a figure half read is worse than none.
 */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"

enum summary_type {
    SUMMARY_MODE,                   /* "plain" or "encrypted": bool plain */
    SUMMARY_U64,                    /* digits only */
    SUMMARY_I64,                    /* digits, perhaps a minus sign */
    SUMMARY_DOUBLE,                 /* any finite JSON number */
    SUMMARY_BOOL,
    SUMMARY_SHA256,                 /* 64 lowercase hex digits */
};

static const struct summary_key {
    const char *name;
    enum summary_type type;
    size_t off;
} summary_keys[] = {
#define KEY(name, type) { #name, type, offsetof(struct mig_summary, name) }
    { "mode", SUMMARY_MODE, offsetof(struct mig_summary, plain) },
    KEY(guest_bytes, SUMMARY_U64),
    KEY(pages_sent, SUMMARY_U64),
    KEY(rounds, SUMMARY_U64),
    KEY(wire_bytes, SUMMARY_U64),
    KEY(seconds, SUMMARY_DOUBLE),
    KEY(stream_seconds, SUMMARY_DOUBLE),
    KEY(throughput_mbps, SUMMARY_DOUBLE),
    KEY(downtime_ms, SUMMARY_DOUBLE),
    KEY(buffer_bytes, SUMMARY_U64),
    KEY(verified, SUMMARY_BOOL),
    KEY(plaintext_found, SUMMARY_BOOL),
    KEY(guest_sha256, SUMMARY_SHA256),
    KEY(peak_rss_kib, SUMMARY_I64),
    KEY(level, SUMMARY_U64),
    KEY(streams, SUMMARY_U64),
    KEY(setup_cpu_s, SUMMARY_DOUBLE),
#undef KEY
};
#define SUMMARY_NR_KEYS (sizeof(summary_keys) / sizeof(summary_keys[0]))

/* Longer than any key, number or string encmig prints. */
#define SUMMARY_TOKEN_LEN   80

struct summary_reader {
    const char *start, *p, *end;
    char *why;
    size_t whylen;
};

static int summary_bad(struct summary_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int summary_bad(struct summary_reader *r, const char *fmt, ...)
{
    char what[192];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    snprintf(r->why, r->whylen, "encmig migrate's JSON summary, byte %td: %s",
             r->p - r->start, what);
    return -EBADMSG;
}

static void summary_ws(struct summary_reader *r)
{
    while (r->p < r->end &&
           (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

/* White space, then c. */
static int summary_char(struct summary_reader *r, char c)
{
    summary_ws(r);
    if (r->p == r->end || *r->p != c)
        return summary_bad(r, "expected '%c'", c);
    r->p++;
    return 0;
}

/* A string, without its quotes, into out of SUMMARY_TOKEN_LEN. */
static int summary_string(struct summary_reader *r, char *out)
{
    size_t n = 0;

    if (summary_char(r, '"'))
        return -EBADMSG;
    for (; r->p < r->end && *r->p != '"'; r->p++) {
        /* encmig writes no escapes and nothing outside printable ASCII. */
        if (*r->p < 0x20 || *r->p > 0x7e || *r->p == '\\')
            return summary_bad(r, "a byte encmig does not write in a "
                               "string");
        if (n == SUMMARY_TOKEN_LEN - 1)
            return summary_bad(r, "string too long");
        out[n++] = *r->p;
    }
    if (r->p == r->end)
        return summary_bad(r, "string not ended");
    r->p++;
    out[n] = '\0';
    return 0;
}

static size_t summary_digits(struct summary_reader *r)
{
    const char *from = r->p;

    while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
        r->p++;
    return r->p - from;
}

/*
 * A number in JSON's grammar into out (SUMMARY_TOKEN_LEN), as text;
 * *integer when it has neither fraction nor exponent.
 */
static int summary_number(struct summary_reader *r, char *out, bool *integer)
{
    const char *from;
    size_t n;

    *integer = true;
    summary_ws(r);
    from = r->p;
    if (r->p < r->end && *r->p == '-')
        r->p++;
    n = summary_digits(r);
    if (n == 0 || (n > 1 && r->p[-n] == '0'))
        return summary_bad(r, "expected a number");
    if (r->p < r->end && *r->p == '.') {
        r->p++;
        if (!summary_digits(r))
            return summary_bad(r, "no digits after the decimal point");
        *integer = false;
    }
    if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
        r->p++;
        if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
            r->p++;
        if (!summary_digits(r))
            return summary_bad(r, "no digits in the exponent");
        *integer = false;
    }
    if ((size_t)(r->p - from) >= SUMMARY_TOKEN_LEN)
        return summary_bad(r, "number too long");
    memcpy(out, from, r->p - from);
    out[r->p - from] = '\0';
    return 0;
}

static int summary_bool(struct summary_reader *r, bool *v)
{
    summary_ws(r);
    if ((size_t)(r->end - r->p) >= 4 && !memcmp(r->p, "true", 4)) {
        r->p += 4;
        *v = true;
    } else if ((size_t)(r->end - r->p) >= 5 && !memcmp(r->p, "false", 5)) {
        r->p += 5;
        *v = false;
    } else {
        return summary_bad(r, "expected true or false");
    }
    return 0;
}

/* The value of key k into s. */
static int summary_value(struct summary_reader *r, const struct summary_key *k,
                         struct mig_summary *s)
{
    char tok[SUMMARY_TOKEN_LEN], *end;
    void *field = (char *)s + k->off;
    bool integer;

    switch (k->type) {
    case SUMMARY_BOOL:
        return summary_bool(r, field);
    case SUMMARY_MODE:
        if (summary_string(r, tok))
            return -EBADMSG;
        if (strcmp(tok, "plain") && strcmp(tok, "encrypted"))
            return summary_bad(r, "mode \"%s\"", tok);
        *(bool *)field = !strcmp(tok, "plain");
        return 0;
    case SUMMARY_SHA256:
        if (summary_string(r, tok))
            return -EBADMSG;
        if (strlen(tok) != 64 ||
            strspn(tok, "0123456789abcdef") != 64)
            return summary_bad(r, "%s is not a SHA-256 in hex", k->name);
        memcpy(field, tok, 65);
        return 0;
    default:
        break;
    }

    if (summary_number(r, tok, &integer))
        return -EBADMSG;
    errno = 0;
    switch (k->type) {
    case SUMMARY_U64:
        if (!integer || tok[0] == '-')
            return summary_bad(r, "%s is not a count", k->name);
        *(uint64_t *)field = strtoull(tok, &end, 10);
        break;
    case SUMMARY_I64:
        if (!integer)
            return summary_bad(r, "%s is not an integer", k->name);
        *(int64_t *)field = strtoll(tok, &end, 10);
        break;
    default:
        *(double *)field = strtod(tok, &end);
        break;
    }
    /* The grammar was checked: only a range error is left. */
    if (errno || *end)
        return summary_bad(r, "%s out of range", k->name);
    return 0;
}

int mig_summary_parse(const char *js, size_t len, struct mig_summary *s,
                      char *why, size_t whylen)
{
    struct summary_reader r = { js, js, js + len, why, whylen };
    bool seen[SUMMARY_NR_KEYS] = { false };
    char name[SUMMARY_TOKEN_LEN];
    unsigned int i;

    memset(s, 0, sizeof(*s));
    if (len > SUMMARY_MAX_LEN)
        return summary_bad(&r, "longer than %d bytes", SUMMARY_MAX_LEN);
    if (memchr(js, '\0', len))
        return summary_bad(&r, "a NUL byte");
    if (summary_char(&r, '{'))
        return -EBADMSG;
    for (;;) {
        if (summary_string(&r, name))
            return -EBADMSG;
        for (i = 0; i < SUMMARY_NR_KEYS; i++)
            if (!strcmp(name, summary_keys[i].name))
                break;
        if (i == SUMMARY_NR_KEYS)
            return summary_bad(&r, "unknown key \"%s\"", name);
        if (seen[i])
            return summary_bad(&r, "\"%s\" twice", name);
        seen[i] = true;
        if (summary_char(&r, ':') ||
            summary_value(&r, &summary_keys[i], s))
            return -EBADMSG;
        summary_ws(&r);
        if (r.p == r.end || *r.p != ',')
            break;
        r.p++;
    }
    if (summary_char(&r, '}'))
        return -EBADMSG;
    summary_ws(&r);
    if (r.p != r.end)
        return summary_bad(&r, "more after the object");
    for (i = 0; i < SUMMARY_NR_KEYS; i++)
        if (!seen[i])
            return summary_bad(&r, "no \"%s\"", summary_keys[i].name);
    if (s->plain ? s->level != 0 : s->level < 1 || s->level > 2)
        return summary_bad(&r, "level %llu for a%s migration",
                           (unsigned long long)s->level,
                           s->plain ? " plain" : "n encrypted");
    if (s->streams < 1 || s->streams > 16 || (s->plain && s->streams != 1))
        return summary_bad(&r, "%llu streams for a%s migration",
                           (unsigned long long)s->streams,
                           s->plain ? " plain" : "n encrypted");
    if (s->setup_cpu_s < 0)
        return summary_bad(&r, "setup_cpu_s below 0");
    return 0;
}
