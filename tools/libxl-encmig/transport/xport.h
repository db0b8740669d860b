/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xport.h: the migration stream over a message transport (RDMA).
 *
 * On a socket the stream is a byte stream.  Here it is a sequence of
 * messages, each one whole record of the stream (or the stream's
 * headers), a multiple of 8 bytes long (docs/stream.md, "RDMA").  The
 * sender gathers a message straight from the memory it was written in:
 * the migration buffers the hypervisor sealed into are registered with
 * the device once, and each is handed back to its owner (the ring) only
 * when the device says its send completed, never before: until then the
 * device may still be reading it.  Bytes that live anywhere else (record
 * headers, padding, a small record built on the stack) are copied into a
 * registered bounce area that is also reused only on completion.
 *
 * The device itself is behind struct xport_dev_ops: libibverbs and
 * librdmacm in xport-verbs.c, an in-process model in the tests.  Sends
 * may come from two threads (the source's sender thread, and its main
 * thread for the state and end records once the ring is drained): a lock
 * orders them.  One thread reads.
 */

#ifndef __ENCMIG_XPORT_H__
#define __ENCMIG_XPORT_H__

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* One piece of a message, in memory registered as mr. */
struct xport_sge {
    const void *addr;
    uint32_t len;
    void *mr;
};

/* A completion: of a send, or of a receive (len bytes arrived). */
struct xport_wc {
    bool recv;
    uint64_t id;
    uint32_t len;
};

struct xport_dev_ops {
    /* Register [p, p + len) with the device; *mr is its handle. */
    int (*reg)(void *dev, void *p, size_t len, void **mr);
    void (*dereg)(void *dev, void *mr);
    /* Send one message gathered from sge[0..n); id comes back. */
    int (*post_send)(void *dev, const struct xport_sge *sge, unsigned int n,
                     uint64_t id);
    /* Give the device a buffer for the next message that arrives. */
    int (*post_recv)(void *dev, const struct xport_sge *sge, uint64_t id);
    /*
     * The next completion, waiting up to timeout_ms (-1: no limit).
     * -ETIMEDOUT, -EPIPE once the peer has gone, -EIO when the device
     * reports a failed work request.
     */
    int (*wait)(void *dev, struct xport_wc *wc, int timeout_ms);
};

/* Most pieces in one message: header, three body parts, padding. */
#define XPORT_MAX_SGE       8
/* Sends in flight at once; as many bounce chunks. */
#define XPORT_SEND_DEPTH    8
/* Bytes of one message that may come from unregistered memory. */
#define XPORT_BOUNCE_CHUNK  (64 * 1024)
/* Receive buffers posted at once. */
#define XPORT_RECV_DEPTH    4
/* Registered regions (the ring's buffers) at most. */
#define XPORT_MAX_REGIONS   80

/* Called once a send's bytes are no longer needed. */
typedef void xport_done_fn(void *cookie);

struct encmig_xport {
    const struct xport_dev_ops *ops;
    void *dev;
    int timeout_ms;

    struct {
        const uint8_t *p;
        size_t len;
        void *mr;
    } region[XPORT_MAX_REGIONS];
    unsigned int nr_regions;

    /* Sender. */
    pthread_mutex_t lock;        /* sends, completions, error */
    uint8_t *bounce;             /* XPORT_SEND_DEPTH chunks */
    void *bounce_mr;
    struct {
        xport_done_fn *done;
        void *cookie;
    } inflight[XPORT_SEND_DEPTH];
    uint64_t posted, completed;  /* sends; inflight[i % depth] */

    /* Receiver. */
    uint8_t *rbuf;               /* XPORT_RECV_DEPTH buffers of max_msg */
    void *rbuf_mr;
    size_t max_msg;
    uint64_t received;           /* messages arrived; rbuf[i % depth] */
    bool have_msg;               /* rbuf[(received - 1) % depth] is read */
    uint32_t msg_len, msg_off;

    int error;                   /* sticky: the connection is unusable */
};

/*
 * A transport on a connected device.  max_msg: the largest message the
 * receiver takes (0 on a sender).  0 or -errno.
 */
int xport_init(struct encmig_xport *x, const struct xport_dev_ops *ops,
               void *dev, size_t max_msg, int timeout_ms);
/*
 * Wait for what is in flight (bounded), deregister, free.  After an
 * error sends may still be posted: the device's owner stops it first,
 * so that it touches no freed buffer, and closes it after.
 */
void xport_fini(struct encmig_xport *x);

/* Register a buffer that messages will be sent from, once.  0 or -errno. */
int xport_register(struct encmig_xport *x, void *p, size_t len);

/*
 * Send the concatenation of iov[0..n) as one message.  Parts inside a
 * registered buffer go as they are; done(cookie) is called (by this or
 * a later call on x) once the device no longer needs them.  The message
 * must be a multiple of 8 bytes.  0 or -errno; on an error done is not
 * called, and the caller still owns its buffers.
 */
int xport_send(struct encmig_xport *x, const struct iovec *iov,
               unsigned int n, xport_done_fn *done, void *cookie);
/* Wait until every send has completed.  0 or -errno. */
int xport_flush(struct encmig_xport *x);

/* Read exactly len bytes of what arrived, across messages.  0 or -errno
 * (-EBADMSG for a message of a length no sender of ours sends). */
int xport_read(struct encmig_xport *x, void *p, size_t len);
/* Bytes of the current message not yet read. */
size_t xport_msg_left(const struct encmig_xport *x);

#endif /* __ENCMIG_XPORT_H__ */
