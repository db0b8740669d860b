/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * summary.h: the one line `encmig migrate --json` prints at the end of a
 * migration (print_summary() in tools/libxl-encmig/cmd-migrate.c), read
 * strictly: a flat JSON object of exactly these keys, each once, in any
 * order, each of its type, and nothing after it but white space.
 */

#ifndef __ENCMIG_BENCH_SUMMARY_H__
#define __ENCMIG_BENCH_SUMMARY_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest summary line we read; encmig's is about 400 bytes. */
#define SUMMARY_MAX_LEN     2048

struct mig_summary {
    bool plain;                     /* "mode": "plain" or "encrypted" */
    uint64_t guest_bytes;
    uint64_t pages_sent;
    uint64_t rounds;
    uint64_t wire_bytes;
    double seconds;                 /* the whole migration */
    double stream_seconds;          /* the stream, without its set-up */
    double throughput_mbps;         /* of the stream, 10^6 bytes/s */
    double downtime_ms;
    uint64_t buffer_bytes;
    bool verified;                  /* the guest arrived intact */
    bool plaintext_found;
    char guest_sha256[65];          /* 64 lowercase hex digits */
    int64_t peak_rss_kib;           /* -1: unknown */
    uint64_t level;                 /* 0 plain; 1 or 2 (README, levels) */
    uint64_t streams;               /* 1..16; plain: 1 */
    double setup_cpu_s;             /* the source's CPU before migrating */
};

/*
 * Read len bytes of js into *s.  0, or -EBADMSG with why (whylen bytes)
 * saying where and what was wrong; *s is then undefined.
 */
int mig_summary_parse(const char *js, size_t len, struct mig_summary *s,
                      char *why, size_t whylen);

#endif /* __ENCMIG_BENCH_SUMMARY_H__ */
