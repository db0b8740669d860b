/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * ring.h: the migration buffer ring.
 *
 * A fixed number of slots, each a hypercall buffer large enough for one
 * batch of records, allocated once.  The producer (export on the source,
 * the socket reader on the destination) fills a slot and commits it; the
 * consumer (the socket writer, the importer) takes slots in order and
 * releases each once it is done with it, and only then can the producer
 * fill it again.  The memory a migration costs is therefore the ring's,
 * whatever the size of the guest.
 */

#ifndef __ENCMIG_RING_H__
#define __ENCMIG_RING_H__

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct encmig_hc;

struct ring_slot {
    uint8_t *buf;          /* hypercall buffer: records or pages */
    uint64_t *gfns;        /* hypercall buffer: the batch's gfns */
    uint32_t count;        /* items in the batch */
    uint32_t kind;         /* what the batch is (the user's record type) */
    uint32_t stream;
};

struct encmig_ring {
    struct encmig_hc *hc;
    unsigned int nslots;
    uint32_t batch;        /* items per slot */
    size_t buf_size;       /* bytes of each slot's buf */
    struct ring_slot *slot;

    pthread_mutex_t lock;
    pthread_cond_t cond;
    uint64_t produced;     /* slots committed */
    uint64_t consumed;     /* slots released */
    int error;             /* first -errno of either side; stops both */
    bool closed;           /* the producer has no more */
};

/* nslots slots of batch items, item_size bytes each.  0 or -errno. */
int ring_init(struct encmig_ring *r, struct encmig_hc *hc, unsigned int nslots,
              uint32_t batch, size_t item_size);
void ring_fini(struct encmig_ring *r);

/* Bytes of migration buffers the ring holds. */
size_t ring_bytes(const struct encmig_ring *r);

/* Producer: wait for a free slot (NULL when the ring failed), commit it. */
struct ring_slot *ring_acquire(struct encmig_ring *r);
void ring_commit(struct encmig_ring *r);
/* Producer: no more slots will come. */
void ring_close(struct encmig_ring *r);
/* Producer: wait until every committed slot was released; 0 or -errno. */
int ring_drain(struct encmig_ring *r);

/* Consumer: the next full slot, or NULL when closed and empty or failed. */
struct ring_slot *ring_next(struct encmig_ring *r);
void ring_release(struct encmig_ring *r);

/* Either side: stop everything with rc (the first error wins). */
void ring_fail(struct encmig_ring *r, int rc);
int ring_error(struct encmig_ring *r);

#endif /* __ENCMIG_RING_H__ */
