/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * ring.h: the migration buffer ring.
 *
 * A fixed number of slots, each a hypercall buffer large enough for one
 * batch of records, allocated once, so the memory a migration costs is
 * the ring's, whatever the size of the guest.  Slots go through three
 * hands:
 *
 *  - one producer submits them in order (the source's planner, which
 *    picks the pages; the destination's socket reader);
 *  - N workers fill or use them, worker k taking slots k, k + N, ...
 *    (the streams: export on the source, import on the destination);
 *  - on the source, one consumer (the socket writer) takes full slots in
 *    submission order.
 *
 * A slot is free again once released, and slots are freed in submission
 * order whoever released them first, so "every slot before i is done"
 * is one counter.
 */

#ifndef __ENCMIG_RING_H__
#define __ENCMIG_RING_H__

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct encmig_hc;

enum ring_slot_state {
    RING_SLOT_FREE = 0,
    RING_SLOT_SUBMITTED,   /* the producer is done with it */
    RING_SLOT_FULL,        /* a worker filled it: the consumer may send it */
    RING_SLOT_SENDING,     /* the consumer took it; its send may be in flight */
    RING_SLOT_DONE,        /* released, waiting for the slots before it */
};

struct ring_slot {
    struct encmig_ring *ring;     /* the ring it belongs to */
    uint8_t *buf;          /* hypercall buffer: records or pages */
    uint64_t *gfns;        /* hypercall buffer: the batch's gfns */
    uint32_t count;        /* items in the batch */
    uint32_t kind;         /* what the batch is (the user's record type) */
    uint32_t stream;
    uint32_t round;        /* the pre-copy round it belongs to */
    uint64_t idx;          /* its place in submission order */
    uint64_t after;        /* destination: use once slots [0, after) are */
    enum ring_slot_state state;   /* under the ring's lock */
};

struct encmig_ring {
    struct encmig_hc *hc;
    unsigned int nslots;
    uint32_t batch;        /* items per slot */
    size_t buf_size;       /* bytes of each slot's buf */
    struct ring_slot *slot;

    pthread_mutex_t lock;
    pthread_cond_t cond;
    uint64_t produced;     /* slots submitted */
    uint64_t taken;        /* slots the consumer took */
    uint64_t consumed;     /* slots released, with all before them */
    int error;             /* first -errno of either side; stops both */
    char why[200];         /* its reason, if the side that failed gave one */
    bool closed;           /* the producer has no more */
};

/* nslots slots of batch items, item_size bytes each.  0 or -errno. */
int ring_init(struct encmig_ring *r, struct encmig_hc *hc, unsigned int nslots,
              uint32_t batch, size_t item_size);
void ring_fini(struct encmig_ring *r);

/* Bytes of migration buffers the ring holds. */
size_t ring_bytes(const struct encmig_ring *r);

/* Producer: wait for a free slot (NULL when the ring failed), submit it. */
struct ring_slot *ring_acquire(struct encmig_ring *r);
void ring_submit(struct encmig_ring *r);
/* Producer: no more slots will come. */
void ring_close(struct encmig_ring *r);
/* Producer: wait until every submitted slot was released; 0 or -errno. */
int ring_drain(struct encmig_ring *r);

/*
 * Worker: slot idx once submitted; NULL when the ring failed or closed
 * without it.  ring_filled() hands it on to the consumer.
 */
struct ring_slot *ring_claim(struct encmig_ring *r, uint64_t idx);
void ring_filled(struct encmig_ring *r, struct ring_slot *s);
/* Worker: wait until every slot before idx was released; 0 or -errno. */
int ring_wait_done(struct encmig_ring *r, uint64_t idx);

/*
 * Consumer: the next full slot, or NULL when closed and empty or failed.
 * The consumer may take further slots before it releases this one: a
 * slot whose send is still in flight (RDMA) is released on completion.
 */
struct ring_slot *ring_next(struct encmig_ring *r);
/* Consumer: would ring_next() return at once?  (Else flush what is in
 * flight first, or a producer draining the ring waits for it forever.) */
bool ring_next_ready(struct encmig_ring *r);
/* Consumer or worker: done with the slot. */
void ring_release(struct encmig_ring *r, struct ring_slot *s);

/* Either side: stop everything with rc (the first error wins). */
void ring_fail(struct encmig_ring *r, int rc);
/* The same, saying why. */
void ring_failf(struct encmig_ring *r, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int ring_error(struct encmig_ring *r);
/* The first error's reason, "" if it gave none; once ring_error() is set. */
const char *ring_why(const struct encmig_ring *r);

#endif /* __ENCMIG_RING_H__ */
