/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xport-fake.c: an RDMA link in one process (xport-fake.h).
 */

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xport-fake.h"

#define FAKE_QUEUE   64
#define FAKE_REGIONS 128
#define FAKE_MSGS    4096

struct fake_mr {
    const uint8_t *p;
    size_t len;
    bool live;
};

struct fake_wr {
    struct xport_sge sge[XPORT_MAX_SGE];
    unsigned int n;
    uint64_t id;
};

struct fake_wc {
    struct xport_wc wc;
    int status;                   /* 0 or -errno */
};

struct fake_dev {
    struct fake_link *l;
    int end;
    struct fake_mr mr[FAKE_REGIONS];
    unsigned int nr_mr, regs;
    struct fake_wr sq[FAKE_QUEUE], rq[FAKE_QUEUE];
    unsigned int sq_head, sq_len, rq_head, rq_len;
    struct fake_wc cq[2 * FAKE_QUEUE];
    unsigned int cq_head, cq_len;
};

struct fake_link {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct fake_dev dev[2];
    bool hold, cut, record;
    unsigned int released;
    uint64_t cut_after;
    struct fake_link_stats st;
    struct {
        uint8_t *p;
        size_t len;
    } msg[FAKE_MSGS];
};

struct fake_link *fake_link_new(bool hold)
{
    struct fake_link *l = calloc(1, sizeof(*l));
    int i;

    if (!l)
        return NULL;
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->cond, NULL);
    for (i = 0; i < 2; i++) {
        l->dev[i].l = l;
        l->dev[i].end = i;
    }
    l->hold = hold;
    return l;
}

void fake_link_free(struct fake_link *l)
{
    unsigned int i;

    if (!l)
        return;
    for (i = 0; i < FAKE_MSGS; i++)
        free(l->msg[i].p);
    pthread_mutex_destroy(&l->lock);
    pthread_cond_destroy(&l->cond);
    free(l);
}

void *fake_link_dev(struct fake_link *l, int end)
{
    return &l->dev[end];
}

void fake_link_release(struct fake_link *l, unsigned int n)
{
    pthread_mutex_lock(&l->lock);
    l->released += n;
    pthread_cond_broadcast(&l->cond);
    pthread_mutex_unlock(&l->lock);
}

void fake_link_cut(struct fake_link *l)
{
    pthread_mutex_lock(&l->lock);
    l->cut = true;
    pthread_cond_broadcast(&l->cond);
    pthread_mutex_unlock(&l->lock);
}

void fake_link_cut_after(struct fake_link *l, uint64_t n)
{
    pthread_mutex_lock(&l->lock);
    l->cut_after = n;
    pthread_mutex_unlock(&l->lock);
}

void fake_link_record(struct fake_link *l, bool on)
{
    pthread_mutex_lock(&l->lock);
    l->record = on;
    pthread_mutex_unlock(&l->lock);
}

void fake_link_stats(struct fake_link *l, struct fake_link_stats *st)
{
    pthread_mutex_lock(&l->lock);
    *st = l->st;
    st->regs[0] = l->dev[0].regs;
    st->regs[1] = l->dev[1].regs;
    pthread_mutex_unlock(&l->lock);
}

uint8_t *fake_link_message(struct fake_link *l, uint64_t i, size_t *len)
{
    uint8_t *p = NULL;

    pthread_mutex_lock(&l->lock);
    if (i < FAKE_MSGS && l->msg[i].p && (p = malloc(l->msg[i].len))) {
        memcpy(p, l->msg[i].p, l->msg[i].len);
        *len = l->msg[i].len;
    }
    pthread_mutex_unlock(&l->lock);
    return p;
}

static int fake_reg(void *dev, void *p, size_t len, void **mr)
{
    struct fake_dev *d = dev;
    int rc = 0;

    pthread_mutex_lock(&d->l->lock);
    if (d->nr_mr == FAKE_REGIONS || !p || !len) {
        rc = -ENOMEM;
    } else {
        d->mr[d->nr_mr].p = p;
        d->mr[d->nr_mr].len = len;
        d->mr[d->nr_mr].live = true;
        *mr = &d->mr[d->nr_mr++];
        d->regs++;
    }
    pthread_mutex_unlock(&d->l->lock);
    return rc;
}

static void fake_dereg(void *dev, void *mr)
{
    struct fake_dev *d = dev;

    pthread_mutex_lock(&d->l->lock);
    ((struct fake_mr *)mr)->live = false;
    pthread_mutex_unlock(&d->l->lock);
}

static int post(struct fake_dev *d, struct fake_wr *q, unsigned int head,
                unsigned int *len, const struct xport_sge *sge,
                unsigned int n, uint64_t id)
{
    struct fake_wr *wr;

    if (d->l->cut)
        return -EPIPE;
    if (*len == FAKE_QUEUE || n > XPORT_MAX_SGE)
        return -ENOMEM;
    wr = &q[(head + *len) % FAKE_QUEUE];
    memcpy(wr->sge, sge, n * sizeof(*sge));
    wr->n = n;
    wr->id = id;
    (*len)++;
    return 0;
}

static int fake_post_send(void *dev, const struct xport_sge *sge,
                          unsigned int n, uint64_t id)
{
    struct fake_dev *d = dev;
    int rc;

    pthread_mutex_lock(&d->l->lock);
    rc = post(d, d->sq, d->sq_head, &d->sq_len, sge, n, id);
    if (d->sq_len > d->l->st.max_posted)
        d->l->st.max_posted = d->sq_len;
    pthread_cond_broadcast(&d->l->cond);
    pthread_mutex_unlock(&d->l->lock);
    return rc;
}

static int fake_post_recv(void *dev, const struct xport_sge *sge, uint64_t id)
{
    struct fake_dev *d = dev;
    int rc;

    pthread_mutex_lock(&d->l->lock);
    rc = post(d, d->rq, d->rq_head, &d->rq_len, sge, 1, id);
    pthread_cond_broadcast(&d->l->cond);
    pthread_mutex_unlock(&d->l->lock);
    return rc;
}

static void complete(struct fake_dev *d, bool recv, uint64_t id,
                     uint32_t len, int status)
{
    struct fake_wc *c = &d->cq[(d->cq_head + d->cq_len) % (2 * FAKE_QUEUE)];

    c->wc.recv = recv;
    c->wc.id = id;
    c->wc.len = len;
    c->status = status;
    d->cq_len++;
}

/* Does a live region of d hold [p, p + len) under mr? */
static bool covered(const struct fake_dev *d, const struct xport_sge *s)
{
    const struct fake_mr *mr = s->mr;
    const uint8_t *p = s->addr;

    if (mr < d->mr || mr >= d->mr + d->nr_mr || !mr->live)
        return false;
    return p >= mr->p && s->len <= mr->len &&
           (size_t)(p - mr->p) <= mr->len - s->len;
}

/* Under the lock: one send from `from` into the other end, if it may go. */
static bool deliver_one(struct fake_link *l, struct fake_dev *from)
{
    struct fake_dev *to = &l->dev[!from->end];
    struct fake_wr *s, *r;
    uint8_t *dst;
    size_t total = 0;
    unsigned int i;

    if (l->cut || !from->sq_len || !to->rq_len ||
        (l->hold && !l->released))
        return false;
    s = &from->sq[from->sq_head];
    r = &to->rq[to->rq_head];
    from->sq_head = (from->sq_head + 1) % FAKE_QUEUE;
    from->sq_len--;
    if (l->hold)
        l->released--;

    for (i = 0; i < s->n; i++) {
        if (!covered(from, &s->sge[i])) {
            /* A local protection error: the send fails, nothing goes. */
            complete(from, false, s->id, 0, -EIO);
            return true;
        }
        total += s->sge[i].len;
    }
    if (!covered(to, &r->sge[0]) || total > r->sge[0].len) {
        /* The receiver's buffer is too short: both ends fail. */
        complete(from, false, s->id, 0, -EIO);
        complete(to, true, r->id, 0, -EIO);
        return true;
    }
    to->rq_head = (to->rq_head + 1) % FAKE_QUEUE;
    to->rq_len--;

    /* The NIC reads the sender's memory now, not when it was posted. */
    dst = (uint8_t *)r->sge[0].addr;
    for (i = 0; i < s->n; i++) {
        memcpy(dst, s->sge[i].addr, s->sge[i].len);
        dst += s->sge[i].len;
    }
    if (l->record && l->st.delivered < FAKE_MSGS &&
        (l->msg[l->st.delivered].p = malloc(total ? total : 1))) {
        memcpy(l->msg[l->st.delivered].p, r->sge[0].addr, total);
        l->msg[l->st.delivered].len = total;
    }
    if (total % 8)
        l->st.bad_len++;
    l->st.delivered++;
    l->st.bytes += total;
    complete(from, false, s->id, total, 0);
    complete(to, true, r->id, total, 0);
    if (l->cut_after && l->st.delivered >= l->cut_after)
        l->cut = true;
    return true;
}

static int fake_wait(void *dev, struct xport_wc *wc, int timeout_ms)
{
    struct fake_dev *d = dev;
    struct fake_link *l = d->l;
    struct timespec until;
    int rc = 0;

    clock_gettime(CLOCK_REALTIME, &until);
    if (timeout_ms >= 0) {
        until.tv_sec += timeout_ms / 1000;
        until.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
    }
    pthread_mutex_lock(&l->lock);
    for (;;) {
        while (deliver_one(l, &l->dev[0]) || deliver_one(l, &l->dev[1]))
            pthread_cond_broadcast(&l->cond);
        if (d->cq_len) {
            struct fake_wc *c = &d->cq[d->cq_head];

            d->cq_head = (d->cq_head + 1) % (2 * FAKE_QUEUE);
            d->cq_len--;
            *wc = c->wc;
            rc = c->status;
            break;
        }
        if (l->cut) {
            rc = -EPIPE;
            break;
        }
        if (timeout_ms < 0)
            pthread_cond_wait(&l->cond, &l->lock);
        else if (pthread_cond_timedwait(&l->cond, &l->lock, &until)) {
            rc = -ETIMEDOUT;
            break;
        }
    }
    pthread_mutex_unlock(&l->lock);
    return rc;
}

const struct xport_dev_ops fake_xport_ops = {
    .reg = fake_reg,
    .dereg = fake_dereg,
    .post_send = fake_post_send,
    .post_recv = fake_post_recv,
    .wait = fake_wait,
};
