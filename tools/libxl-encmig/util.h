/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * util.h: small helpers of the toolstack side.
 */

#ifndef __ENCMIG_UTIL_H__
#define __ENCMIG_UTIL_H__

#include <stddef.h>
#include <stdint.h>

/* Monotonic time in seconds. */
double encmig_now(void);
/* User and system seconds of getrusage()'s who (RUSAGE_SELF...); 0 on error. */
double encmig_cpu_seconds(int who);

/* Fill buf with random bytes from OpenSSL's DRBG; 0 or -1. */
int encmig_random(void *buf, size_t len);

/*
 * The one way to record an error's text: a one-line reason into err
 * (which may be NULL or empty).  encmig_fail returns rc, for
 * "return encmig_fail(err, len, -EBADMSG, ...)".
 */
void encmig_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int encmig_fail(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Parse a size such as 64M, 2G, 4096; 0 or -1 on a malformed value. */
int encmig_parse_size(const char *s, uint64_t *out);

#endif /* __ENCMIG_UTIL_H__ */
