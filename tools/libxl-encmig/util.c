/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * util.c: small helpers of the toolstack side.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/resource.h>

#include <openssl/rand.h>

#include "util.h"

double encmig_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

double encmig_cpu_seconds(int who)
{
    struct rusage ru;

    if (getrusage(who, &ru))
        return 0;
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
           ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

int encmig_random(void *buf, size_t len)
{
    return RAND_bytes(buf, len) == 1 ? 0 : -1;
}

static void vseterr(char *err, size_t errlen, const char *fmt, va_list ap)
{
    if (err && errlen)
        vsnprintf(err, errlen, fmt, ap);
}

void encmig_seterr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vseterr(err, errlen, fmt, ap);
    va_end(ap);
}

int encmig_fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vseterr(err, errlen, fmt, ap);
    va_end(ap);
    return rc;
}

int encmig_parse_size(const char *s, uint64_t *out)
{
    unsigned long long v;
    unsigned int shift = 0;
    char *end;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    switch (*end) {
    case '\0': break;
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    default: return -1;
    }
    if (*end || (shift && v > (UINT64_MAX >> shift)))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}
