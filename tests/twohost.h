/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * twohost.h: a source and a destination host in one process, a guest on
 * the source, and a migration between them over a socket pair, directly
 * or through the relay.
 */

#ifndef __ENCMIG_TEST_TWOHOST_H__
#define __ENCMIG_TEST_TWOHOST_H__

#include <stdbool.h>
#include <stdint.h>

#include "relay.h"
#include "../tools/libxl-encmig/driver/migrate.h"

struct twohost {
    struct sim_host *src, *dst;
    domid_t domid;
    uint64_t bytes;
    uint8_t before[32];           /* the guest's memory before (no workload) */
    char dir[64];                 /* destination's keys */
    char sdir[64];                /* source's keys */
    char known[128];              /* source's known_hosts */
    char authorized[128];         /* destination's authorized_sources */
    unsigned int timeout_s;       /* on both ends' sockets */

    struct encmig_send_cfg scfg;
    struct encmig_recv_cfg rcfg;
    struct encmig_send_stats sst;
    struct encmig_recv_stats rst;
    char serr[512], rerr[512];
    int src_rc, dst_rc;
    struct relay relay;           /* valid after a run through it */
    /* Called first in the destination's thread (e.g. to seed its RAND). */
    void (*dst_init)(void);
    /* A timed fault for relayed runs (relay_set_fault()). */
    int fault;
    unsigned int fault_ms, stall_ms, delay_us;
};

/* Hosts and a running guest of bytes; 0 or -errno. */
int twohost_new(struct twohost *t, uint64_t bytes, uint64_t dirty_rate);
void twohost_free(struct twohost *t);

/* Pin the destination's key under host in the source's known_hosts. */
int twohost_pin(struct twohost *t, const char *host);

/* Make the destination's authorized_sources list the source's key under
 * name, and nothing else (NULL: an empty list). */
int twohost_authorize(struct twohost *t, const char *name);

/*
 * Migrate: directly, or through a relay with these plans (NULL: pass).
 * After a relayed run t->relay holds what went each way until the next.
 */
void twohost_run(struct twohost *t, bool relayed,
                 const struct relay_plan *to_dst,
                 const struct relay_plan *to_src);

/*
 * After a case that went wrong: no guest on the destination, and the
 * source's guest as it was at the start (made again if need be).
 */
int twohost_reset(struct twohost *t);

/* Where the guest is after a run: every copy, running or paused. */
struct twohost_where {
    bool src_exists, src_running, src_intact;   /* intact: memory as before */
    unsigned int dst_copies;                    /* guests on the destination */
    bool dst_running, dst_intact;               /* of its one copy */
};
void twohost_where(struct twohost *t, struct twohost_where *w);
/* No host holds the guest, running or paused. */
bool twohost_lost(const struct twohost_where *w);
/* It runs on both hosts. */
bool twohost_both_running(const struct twohost_where *w);
/*
 * What the operator does after an unknown outcome: look at the
 * destination; if the guest runs there, destroy the paused copy here,
 * else resume it.  Returns whether exactly one intact copy runs then.
 */
bool twohost_resolve(struct twohost *t);

/* The destination has no guest at all. */
bool twohost_dest_clean(struct twohost *t);
/* The source's guest exists, runs, and (if asked) its memory is as before. */
bool twohost_source_intact(struct twohost *t, bool check_memory);

#endif /* __ENCMIG_TEST_TWOHOST_H__ */
