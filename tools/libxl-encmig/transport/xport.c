/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xport.c: the stream's messages over a device (xport.h).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "xport.h"

#define REC_ALIGN 8

int xport_init(struct encmig_xport *x, const struct xport_dev_ops *ops,
               void *dev, size_t max_msg, int timeout_ms)
{
    uint64_t i;
    int rc;

    memset(x, 0, sizeof(*x));
    x->ops = ops;
    x->dev = dev;
    x->timeout_ms = timeout_ms;
    pthread_mutex_init(&x->lock, NULL);

    if (!max_msg) {
        x->bounce = calloc(XPORT_SEND_DEPTH, XPORT_BOUNCE_CHUNK);
        if (!x->bounce)
            return -ENOMEM;
        return ops->reg(dev, x->bounce,
                        (size_t)XPORT_SEND_DEPTH * XPORT_BOUNCE_CHUNK,
                        &x->bounce_mr);
    }

    if (max_msg % REC_ALIGN || max_msg > UINT32_MAX)
        return -EINVAL;
    x->max_msg = max_msg;
    x->rbuf = calloc(XPORT_RECV_DEPTH, max_msg);
    if (!x->rbuf)
        return -ENOMEM;
    rc = ops->reg(dev, x->rbuf, XPORT_RECV_DEPTH * max_msg, &x->rbuf_mr);
    if (rc)
        return rc;
    for (i = 0; i < XPORT_RECV_DEPTH; i++) {
        struct xport_sge sge = {
            .addr = x->rbuf + i * max_msg, .len = max_msg, .mr = x->rbuf_mr,
        };

        if ((rc = ops->post_recv(dev, &sge, i)))
            return rc;
    }
    return 0;
}

void xport_fini(struct encmig_xport *x)
{
    unsigned int i;

    /* The device may still read the bounce area, or write rbuf. */
    if (x->bounce_mr && !x->error)
        xport_flush(x);
    for (i = 0; i < x->nr_regions; i++)
        x->ops->dereg(x->dev, x->region[i].mr);
    if (x->bounce_mr)
        x->ops->dereg(x->dev, x->bounce_mr);
    if (x->rbuf_mr)
        x->ops->dereg(x->dev, x->rbuf_mr);
    if (x->rbuf) {
        /* It held guest ciphertext and state: not ours to leave about. */
        OPENSSL_cleanse(x->rbuf, XPORT_RECV_DEPTH * x->max_msg);
        free(x->rbuf);
    }
    if (x->bounce) {
        OPENSSL_cleanse(x->bounce,
                        (size_t)XPORT_SEND_DEPTH * XPORT_BOUNCE_CHUNK);
        free(x->bounce);
    }
    pthread_mutex_destroy(&x->lock);
    memset(x, 0, sizeof(*x));
}

int xport_register(struct encmig_xport *x, void *p, size_t len)
{
    int rc;

    if (x->nr_regions == XPORT_MAX_REGIONS)
        return -ENOSPC;
    rc = x->ops->reg(x->dev, p, len, &x->region[x->nr_regions].mr);
    if (rc)
        return rc;
    x->region[x->nr_regions].p = p;
    x->region[x->nr_regions].len = len;
    x->nr_regions++;
    return 0;
}

/* The registered buffer that holds all of [p, p + len), if one does. */
static void *find_mr(const struct encmig_xport *x, const void *p, size_t len)
{
    const uint8_t *b = p;
    unsigned int i;

    for (i = 0; i < x->nr_regions; i++)
        if (b >= x->region[i].p && len <= x->region[i].len &&
            (size_t)(b - x->region[i].p) <= x->region[i].len - len)
            return x->region[i].mr;
    return NULL;
}

/* A failure of the connection: every later call fails the same way. */
static int broken(struct encmig_xport *x, int rc)
{
    if (!x->error)
        x->error = rc;
    return x->error;
}

/* The oldest send's completion; hands its buffers back. */
static int complete_one(struct encmig_xport *x)
{
    struct xport_wc wc;
    unsigned int i;
    int rc;

    rc = x->ops->wait(x->dev, &wc, x->timeout_ms);
    if (rc)
        return broken(x, rc);
    /* A reliable connection completes sends in the order they went. */
    if (wc.recv || wc.id != x->completed)
        return broken(x, -EPROTO);
    i = x->completed % XPORT_SEND_DEPTH;
    x->completed++;
    if (x->inflight[i].done)
        x->inflight[i].done(x->inflight[i].cookie);
    x->inflight[i].done = NULL;
    return 0;
}

static int send_locked(struct encmig_xport *x, const struct iovec *iov,
                       unsigned int n, xport_done_fn *done, void *cookie)
{
    struct xport_sge sge[XPORT_MAX_SGE];
    unsigned int nsge = 0, i, slot;
    uint8_t *chunk;
    size_t copied = 0, total = 0;
    int rc;

    if (x->error)
        return x->error;
    if (!x->bounce)
        return -EINVAL;
    for (i = 0; i < n; i++)
        total += iov[i].iov_len;
    if (!total || total % REC_ALIGN || total > UINT32_MAX)
        return -EINVAL;

    /* Its bounce chunk is free once the send that last used it is done. */
    while (x->posted - x->completed >= XPORT_SEND_DEPTH)
        if ((rc = complete_one(x)))
            return rc;
    slot = x->posted % XPORT_SEND_DEPTH;
    chunk = x->bounce + (size_t)slot * XPORT_BOUNCE_CHUNK;

    for (i = 0; i < n; i++) {
        void *mr;

        if (!iov[i].iov_len)
            continue;
        mr = find_mr(x, iov[i].iov_base, iov[i].iov_len);
        if (!mr) {
            /* Copied, and merged with the piece before if it was too. */
            if (iov[i].iov_len > XPORT_BOUNCE_CHUNK - copied)
                return -EMSGSIZE;
            memcpy(chunk + copied, iov[i].iov_base, iov[i].iov_len);
            if (nsge && sge[nsge - 1].mr == x->bounce_mr &&
                (const uint8_t *)sge[nsge - 1].addr + sge[nsge - 1].len ==
                chunk + copied) {
                sge[nsge - 1].len += iov[i].iov_len;
                copied += iov[i].iov_len;
                continue;
            }
            if (nsge == XPORT_MAX_SGE)
                return -E2BIG;
            sge[nsge].addr = chunk + copied;
            sge[nsge].len = iov[i].iov_len;
            sge[nsge].mr = x->bounce_mr;
            copied += iov[i].iov_len;
        } else {
            if (nsge == XPORT_MAX_SGE)
                return -E2BIG;
            sge[nsge].addr = iov[i].iov_base;
            sge[nsge].len = iov[i].iov_len;
            sge[nsge].mr = mr;
        }
        nsge++;
    }

    rc = x->ops->post_send(x->dev, sge, nsge, x->posted);
    if (rc)
        return broken(x, rc);
    x->inflight[slot].done = done;
    x->inflight[slot].cookie = cookie;
    x->posted++;
    return 0;
}

int xport_send(struct encmig_xport *x, const struct iovec *iov,
               unsigned int n, xport_done_fn *done, void *cookie)
{
    int rc;

    pthread_mutex_lock(&x->lock);
    rc = send_locked(x, iov, n, done, cookie);
    pthread_mutex_unlock(&x->lock);
    return rc;
}

int xport_flush(struct encmig_xport *x)
{
    int rc = 0;

    pthread_mutex_lock(&x->lock);
    while (!rc && x->completed != x->posted)
        rc = complete_one(x);
    if (!rc)
        rc = x->error;
    pthread_mutex_unlock(&x->lock);
    return rc;
}

size_t xport_msg_left(const struct encmig_xport *x)
{
    return x->have_msg ? x->msg_len - x->msg_off : 0;
}

/* Give the buffer just read back to the device; wait for the next one. */
static int next_msg(struct encmig_xport *x)
{
    struct xport_wc wc;
    int rc;

    if (x->have_msg) {
        uint64_t i = (x->received - 1) % XPORT_RECV_DEPTH;
        struct xport_sge sge = {
            .addr = x->rbuf + i * x->max_msg, .len = x->max_msg,
            .mr = x->rbuf_mr,
        };

        x->have_msg = false;
        /* Its id says which buffer it is, as the first posts did. */
        rc = x->ops->post_recv(x->dev, &sge, x->received - 1 +
                               XPORT_RECV_DEPTH);
        if (rc)
            return broken(x, rc);
    }
    rc = x->ops->wait(x->dev, &wc, x->timeout_ms);
    if (rc)
        return broken(x, rc);
    if (!wc.recv || wc.id != x->received)
        return broken(x, -EPROTO);
    if (!wc.len || wc.len % REC_ALIGN || wc.len > x->max_msg)
        return broken(x, -EBADMSG);
    x->received++;
    x->have_msg = true;
    x->msg_len = wc.len;
    x->msg_off = 0;
    return 0;
}

int xport_read(struct encmig_xport *x, void *p, size_t len)
{
    uint8_t *out = p;
    int rc;

    if (x->error)
        return x->error;
    if (!x->rbuf)
        return -EINVAL;
    while (len) {
        const uint8_t *msg;
        size_t n;

        if (!xport_msg_left(x) && (rc = next_msg(x)))
            return rc;
        msg = x->rbuf + ((x->received - 1) % XPORT_RECV_DEPTH) * x->max_msg;
        n = x->msg_len - x->msg_off;
        if (n > len)
            n = len;
        memcpy(out, msg + x->msg_off, n);
        x->msg_off += n;
        out += n;
        len -= n;
    }
    return 0;
}
