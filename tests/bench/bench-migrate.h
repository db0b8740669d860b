/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * bench-migrate.h: live migration throughput and downtime, encrypted
 * against plain and against plain over ssh, on loopback and across a veth
 * pair shaped to 10 Gbit/s, every migration an `encmig` process pair.
 */

#ifndef __ENCMIG_BENCH_MIGRATE_H__
#define __ENCMIG_BENCH_MIGRATE_H__

#include <stdbool.h>
#include <stdint.h>

#include "proc.h"

/* In the order they run within each repetition. */
enum bench_mig_scenario {
    BENCH_MIG_ENC_LO,               /* loopback, encrypted */
    BENCH_MIG_PLAIN_LO,             /* loopback, --plain */
    BENCH_MIG_SSH_LO,               /* loopback, --plain through ssh */
    BENCH_MIG_ENC_10G,              /* 10 Gbit/s veth, encrypted */
    BENCH_MIG_PLAIN_10G,            /* 10 Gbit/s veth, --plain */
    BENCH_MIG_NR
};

enum bench_mig_state {
    BENCH_MIG_OK,
    BENCH_MIG_FAILED,
    BENCH_MIG_SKIPPED,              /* could not be set up here: no root... */
};

#define BENCH_MIG_MAX_REPS 100

/* One migration, as it went. */
struct bench_mig_run {
    double mbps;                    /* stream throughput, 10^6 bytes/s */
    double downtime_ms;
    double seconds;                 /* the whole migration */
    double cpu_s;                   /* user + system, both ends (ssh too),
                                     * less the source's setup_cpu_s */
    double guest_gib;               /* the guest's memory, GiB */
};

struct bench_mig_scenario_result {
    enum bench_mig_state state;
    unsigned int runs;              /* runs that completed and verified */
    struct bench_mig_run run[BENCH_MIG_MAX_REPS];  /* run[i]: repetition i */
    char why[BENCH_WHY_LEN];        /* FAILED or SKIPPED: the reason */
};

struct bench_migrate_cfg {
    const char *encmig;             /* the binary to run: an absolute path */
    uint64_t guest_mem;             /* bytes */
    uint64_t dirty_rate;            /* pages per second */
    unsigned int reps;
    bool verbose;                   /* each run's result on stderr */
};

struct bench_migrate_result {
    struct bench_mig_scenario_result s[BENCH_MIG_NR];
    bool verified;                  /* every run's guest verified */
    int signal;                     /* the signal that stopped us, or 0 */
};

/* "loopback, encrypted" and so on, for people. */
const char *bench_mig_name(enum bench_mig_scenario i);

/*
 * Run every scenario cfg->reps times, interleaved, each migration
 * cfg->encmig run as `migrate-receive` and `migrate --json`.  0 when
 * every scenario ran or was skipped, -EIO when one failed (r says which
 * and why), -EINTR on SIGINT/SIGTERM/SIGHUP, other -errno when nothing
 * could run.  Cleans up after itself in all cases.
 */
int encmig_bench_migrate(const struct bench_migrate_cfg *cfg,
                         struct bench_migrate_result *r);

#endif /* __ENCMIG_BENCH_MIGRATE_H__ */
