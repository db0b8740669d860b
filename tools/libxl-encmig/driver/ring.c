/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * ring.c: the migration buffer ring.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ring.h"
#include "../../../hypercalls/encmig_hc.h"

int ring_init(struct encmig_ring *r, struct encmig_hc *hc, unsigned int nslots,
              uint32_t batch, size_t item_size)
{
    unsigned int i;

    memset(r, 0, sizeof(*r));
    if (nslots == 0 || batch == 0 || batch > XEN_ENCMIG_MAX_BATCH)
        return -EINVAL;
    r->hc = hc;
    r->nslots = nslots;
    r->batch = batch;
    r->buf_size = (size_t)batch * item_size;
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->cond, NULL);
    r->slot = calloc(nslots, sizeof(*r->slot));
    if (!r->slot)
        return -ENOMEM;
    for (i = 0; i < nslots; i++) {
        r->slot[i].ring = r;
        r->slot[i].buf = encmig_hc_buf_alloc(hc, r->buf_size);
        r->slot[i].gfns = encmig_hc_buf_alloc(hc, batch * sizeof(uint64_t));
        if (!r->slot[i].buf || !r->slot[i].gfns) {
            ring_fini(r);
            return -ENOMEM;
        }
    }
    return 0;
}

void ring_fini(struct encmig_ring *r)
{
    unsigned int i;

    if (r->slot) {
        for (i = 0; i < r->nslots; i++) {
            /* Plain-mode slots held guest pages: leave nothing behind. */
            if (r->slot[i].buf)
                explicit_bzero(r->slot[i].buf, r->buf_size);
            encmig_hc_buf_free(r->hc, r->slot[i].buf, r->buf_size);
            encmig_hc_buf_free(r->hc, r->slot[i].gfns,
                               r->batch * sizeof(uint64_t));
        }
        free(r->slot);
    }
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->cond);
    memset(r, 0, sizeof(*r));
}

size_t ring_bytes(const struct encmig_ring *r)
{
    return r->nslots * (r->buf_size + r->batch * sizeof(uint64_t));
}

struct ring_slot *ring_acquire(struct encmig_ring *r)
{
    struct ring_slot *s = NULL;

    pthread_mutex_lock(&r->lock);
    while (!r->error && r->produced - r->consumed == r->nslots)
        pthread_cond_wait(&r->cond, &r->lock);
    if (!r->error)
        s = &r->slot[r->produced % r->nslots];
    pthread_mutex_unlock(&r->lock);
    return s;
}

void ring_submit(struct encmig_ring *r)
{
    struct ring_slot *s;

    pthread_mutex_lock(&r->lock);
    s = &r->slot[r->produced % r->nslots];
    s->idx = r->produced++;
    s->state = RING_SLOT_SUBMITTED;
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->lock);
}

void ring_close(struct encmig_ring *r)
{
    pthread_mutex_lock(&r->lock);
    r->closed = true;
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->lock);
}

int ring_drain(struct encmig_ring *r)
{
    return ring_wait_done(r, UINT64_MAX);
}

struct ring_slot *ring_claim(struct encmig_ring *r, uint64_t idx)
{
    struct ring_slot *s = NULL;

    pthread_mutex_lock(&r->lock);
    while (!r->error && !r->closed && r->produced <= idx)
        pthread_cond_wait(&r->cond, &r->lock);
    /* Not yet released, so the slot still holds batch idx. */
    if (!r->error && r->produced > idx)
        s = &r->slot[idx % r->nslots];
    pthread_mutex_unlock(&r->lock);
    return s;
}

void ring_filled(struct encmig_ring *r, struct ring_slot *s)
{
    pthread_mutex_lock(&r->lock);
    s->state = RING_SLOT_FULL;
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->lock);
}

int ring_wait_done(struct encmig_ring *r, uint64_t idx)
{
    int rc;

    pthread_mutex_lock(&r->lock);
    while (!r->error && r->consumed < idx && r->consumed != r->produced)
        pthread_cond_wait(&r->cond, &r->lock);
    rc = r->error;
    pthread_mutex_unlock(&r->lock);
    return rc;
}

/* Under the lock: the slot the consumer takes next, if it is full. */
static struct ring_slot *next_full(struct encmig_ring *r)
{
    struct ring_slot *head;

    if (r->taken == r->produced)
        return NULL;
    head = &r->slot[r->taken % r->nslots];
    return head->state == RING_SLOT_FULL ? head : NULL;
}

struct ring_slot *ring_next(struct encmig_ring *r)
{
    struct ring_slot *s = NULL;

    pthread_mutex_lock(&r->lock);
    for (;;) {
        if (r->error)
            break;
        if ((s = next_full(r))) {
            s->state = RING_SLOT_SENDING;
            r->taken++;
            break;
        }
        if (r->taken == r->produced && r->closed)
            break;
        pthread_cond_wait(&r->cond, &r->lock);
    }
    pthread_mutex_unlock(&r->lock);
    return s;
}

bool ring_next_ready(struct encmig_ring *r)
{
    bool ready;

    pthread_mutex_lock(&r->lock);
    ready = r->error || next_full(r) ||
            (r->taken == r->produced && r->closed);
    pthread_mutex_unlock(&r->lock);
    return ready;
}

void ring_release(struct encmig_ring *r, struct ring_slot *s)
{
    pthread_mutex_lock(&r->lock);
    s->state = RING_SLOT_DONE;
    while (r->consumed != r->produced &&
           r->slot[r->consumed % r->nslots].state == RING_SLOT_DONE) {
        r->slot[r->consumed % r->nslots].state = RING_SLOT_FREE;
        r->consumed++;
    }
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->lock);
}

void ring_fail(struct encmig_ring *r, int rc)
{
    ring_failf(r, rc, "%s", "");
}

void ring_failf(struct encmig_ring *r, int rc, const char *fmt, ...)
{
    va_list ap;

    pthread_mutex_lock(&r->lock);
    if (!r->error) {
        r->error = rc ? rc : -EIO;
        va_start(ap, fmt);
        vsnprintf(r->why, sizeof(r->why), fmt, ap);
        va_end(ap);
    }
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->lock);
}

const char *ring_why(const struct encmig_ring *r)
{
    /* Written once, before error was set under the lock the reader took. */
    return r->why;
}

int ring_error(struct encmig_ring *r)
{
    int rc;

    pthread_mutex_lock(&r->lock);
    rc = r->error;
    pthread_mutex_unlock(&r->lock);
    return rc;
}
