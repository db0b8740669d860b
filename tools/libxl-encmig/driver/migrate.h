/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * migrate.h: live migration of a simulated guest, sender and receiver.
 *
 * Both ends speak over one connected socket: a migration request, the key
 * handshake (encrypted mode; the destination supplies the key), the
 * libxc-format stream, and the destination's confirmations.  Pre-copy:
 * round 0 sends every page, each later round the pages dirtied since,
 * until the dirty set stops shrinking or a round limit is hit; then the
 * guest is paused, the rest and its state sent, and the destination resumes
 * it.  Until the destination has confirmed, the source keeps its guest and
 * resumes it on any failure; the destination destroys what it received.
 */

#ifndef __ENCMIG_MIGRATE_H__
#define __ENCMIG_MIGRATE_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain.h"
#include "../protocol/stream.h"
#include "../../../hypercalls/include/public/encmig.h"


#define MIGRATE_DEFAULT_ROUNDS      30
#define MIGRATE_DEFAULT_STOP_PAGES  50
#define MIGRATE_DEFAULT_SLOTS       4
#define MIGRATE_DEFAULT_BATCH       256
/* Largest guest a receiver accepts unless told otherwise: 64 GiB. */
#define MIGRATE_MAX_FRAMES          (UINT64_C(1) << 24)

#define MIGRATE_MODE_ENCRYPTED      1
#define MIGRATE_MODE_PLAIN          2

/*
 * The state the hypervisor seals in an encrypted migration: a simulated
 * guest is translated, and its HVM context is its vCPU (sim/port-sim.c).
 */
#define MIGRATE_STATE_KIND          XEN_ENCMIG_STATE_hvm_context

/* Who we are and whom we trust (handshake). */
struct encmig_trust {
    const char *keydir;           /* our host key */
    const char *known_hosts;      /* pinned peers */
    bool accept_new;              /* pin an unknown peer on first use */
    const char *authorized_sources; /* receiver: NULL, KEYDIR's */
    /*
     * Receiver: let in any source key (still proven by its signature),
     * and plain migrations, which prove nothing.  Off unless the
     * operator asks.
     */
    bool any_source;
};

struct encmig_progress {
    unsigned int round;
    bool final;                   /* the guest is paused */
    uint64_t round_pages;         /* pages in this round */
    uint64_t round_sent;          /* of them sent */
    uint64_t pages_sent;          /* in all */
    uint64_t wire_bytes;
    double elapsed;               /* seconds since the stream started */
};

typedef void encmig_progress_fn(void *opaque, const struct encmig_progress *p);

/*
 * The stream on a transport of its own (RDMA) rather than the control
 * connection, which still carries the request, the handshake and the
 * control messages.  open() connects it: on the source once the
 * destination is READY, on the destination once READY has gone out;
 * max_msg is the largest message the destination must take (0 on the
 * source).  close() ends it whatever happened.
 */
struct encmig_stream_xport {
    int (*open)(void *opaque, size_t max_msg, struct encmig_xport **x,
                char *err, size_t errlen);
    void (*close)(void *opaque, struct encmig_xport *x);
    void *opaque;
};

struct encmig_send_cfg {
    struct encmig_platform platform;  /* where the guest lives */
    domid_t domid;
    int rfd, wfd;                 /* from and to the receiver (may be one) */
    bool plain;                   /* standard PAGE_DATA, no encryption */
    const char *peer_host;        /* name the receiver is pinned under */
    struct encmig_trust trust;
    unsigned int max_rounds;      /* 0: default */
    uint64_t stop_pages;          /* 0: default */
    unsigned int ring_slots;      /* 0: default */
    uint32_t batch;               /* 0: default */
    unsigned int streams;         /* 0: 1; encrypted: up to 16 */
    const struct encmig_stream_xport *stream_x; /* NULL: on wfd */
    encmig_progress_fn *progress;
    void *progress_opaque;
    stream_tap_fn *tap;           /* sees every byte sent */
    void *tap_opaque;
};

/* Where the guest is when encmig_migrate_send() returns. */
enum encmig_outcome {
    ENCMIG_OUTCOME_STAYED = 0,    /* here, running as before */
    ENCMIG_OUTCOME_MOVED,         /* there, destroyed here */
    /*
     * GO went out and no authenticated answer came back: the destination
     * may run the guest or may hold none.  Here it is kept paused, for
     * the operator to resume or destroy after checking the destination.
     */
    ENCMIG_OUTCOME_UNKNOWN,
};

struct encmig_send_stats {
    enum encmig_outcome outcome;
    uint64_t guest_bytes;
    uint64_t pages_sent;
    uint64_t wire_bytes;
    uint64_t buffer_bytes;        /* the ring: fixed, whatever the guest */
    unsigned int rounds;
    double seconds;               /* request to confirmation */
    double stream_seconds;        /* first stream byte to confirmation */
    double downtime_ms;           /* pause to the destination's RESUMED */
    bool verified;                /* both ends hashed the same memory */
    uint8_t hash[32];
    unsigned int level;           /* 0 plain; 1, 2: docs/abi.md, "Level 2" */
};

/*
 * Migrate the guest.  On success the destination runs it and it is gone
 * here.  On failure st->outcome says where it is (normally here, running
 * as before; ENCMIG_OUTCOME_UNKNOWN: here, paused) and err says why.
 * 0 or -errno.
 */
int encmig_migrate_send(const struct encmig_send_cfg *cfg,
                        struct encmig_send_stats *st, char *err,
                        size_t errlen);

struct encmig_recv_cfg {
    struct encmig_platform platform;  /* where the guest will live */
    int rfd, wfd;                 /* from and to the sender (may be one) */
    bool plain_only;              /* refuse encrypted migrations */
    struct encmig_trust trust;
    uint64_t max_frames;          /* 0: MIGRATE_MAX_FRAMES */
    unsigned int ring_slots;      /* 0: default */
    /* Set: a source may send the stream on it (else it is refused). */
    const struct encmig_stream_xport *stream_x;
};

struct encmig_recv_stats {
    domid_t domid;                /* the guest, running here */
    uint64_t guest_bytes;
    uint64_t pages;               /* page records written */
    uint64_t wire_bytes;
    uint64_t buffer_bytes;
    uint8_t hash[32];
};

/*
 * Receive one guest.  On success it runs here as st->domid.  On failure
 * nothing of it is left; err says why.  0 or -errno.
 */
int encmig_migrate_receive(const struct encmig_recv_cfg *cfg,
                           struct encmig_recv_stats *st, char *err,
                           size_t errlen);

#endif /* __ENCMIG_MIGRATE_H__ */
