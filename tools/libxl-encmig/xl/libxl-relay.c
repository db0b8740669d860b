/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * libxl-relay.c: the relay between libxl and the migration pipe: libxl's
 * records sealed or opened one by one, libxc's stream passed through.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "libxl-relay.h"
#include "../protocol/keys.h"
#include "../protocol/libxl-records.h"
#include "../protocol/records.h"
#include "../util.h"

/* libxc's page batches are 4 MiB: a larger pipe takes fewer rounds. */
#define PIPE_SIZE   (1U << 20)
/* Where the kernel cannot splice (a file, a tty), bytes go through this. */
#define COPY_CHUNK  (64U << 10)

struct encmig_relay {
    pthread_t thread;
    unsigned int side;          /* ENCMIG_SIDE_SOURCE seals, _DEST opens */
    struct encmig_lxr lxr;
    int wire, wire_flags;       /* the migration fd, and its flags before */
    int mine, theirs;           /* the pipe: the relay's end, libxl's end */
    int in, out;                /* what the relay reads and writes */
    int stop[2];                /* a byte here: stop now */
    bool no_splice;
    uint8_t *copy;              /* COPY_CHUNK, once splice has failed */
    int rc;
    char err[256];
};

/* Until each fd asked for is ready, or a byte on the stop pipe. */
static int wait_ready(struct encmig_relay *r, bool in, bool out)
{
    while (in || out) {
        struct pollfd p[3];
        unsigned int n = 0, i;

        if (in)
            p[n++] = (struct pollfd){ .fd = r->in, .events = POLLIN };
        if (out)
            p[n++] = (struct pollfd){ .fd = r->out, .events = POLLOUT };
        p[n++] = (struct pollfd){ .fd = r->stop[0], .events = POLLIN };
        if (poll(p, n, -1) < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (p[n - 1].revents)
            return -ECANCELED;
        /* An error or a hang-up counts as ready: the next call says it. */
        for (i = 0; i + 1 < n; i++)
            if (p[i].revents) {
                if (p[i].fd == r->in)
                    in = false;
                else
                    out = false;
            }
    }
    return 0;
}

/*
 * Exactly len bytes: read from the input into p, or written from p to
 * the output.  0, -EPIPE at the input's end, or -errno.
 */
static int xfer(struct encmig_relay *r, bool input, uint8_t *p, size_t len)
{
    int rc;

    while (len) {
        ssize_t n = input ? read(r->in, p, len) : write(r->out, p, len);

        if (n > 0) {
            p += n;
            len -= n;
            continue;
        }
        if (!n)
            return input ? -EPIPE : -EIO;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN)
            return -errno;
        if ((rc = wait_ready(r, input, !input)))
            return rc;
    }
    return 0;
}

static int rd(struct encmig_relay *r, void *p, size_t len)
{
    return xfer(r, true, p, len);
}

static int wr(struct encmig_relay *r, const void *p, size_t len)
{
    return xfer(r, false, (uint8_t *)p, len);
}

/* What failed on which fd, in words, as the relay's verdict. */
static int io_fail(struct encmig_relay *r, int rc, bool input)
{
    const char *what = (r->side == ENCMIG_SIDE_SOURCE) == input ?
                       "libxl's stream" : "the migration stream";

    if (rc == -ECANCELED)
        return encmig_fail(r->err, sizeof(r->err), rc,
                           "stopped before libxl's END");
    if (rc == -EPIPE && input)
        return encmig_fail(r->err, sizeof(r->err), rc,
                           "%s ended before libxl's END", what);
    return encmig_fail(r->err, sizeof(r->err), rc, "%s %s: %s",
                       input ? "reading" : "writing", what, strerror(-rc));
}

/*
 * len bytes from the input to the output, untouched: spliced, so that
 * libxc's pages are not copied through the relay, or copied where the
 * kernel cannot splice these fds.  The relay's verdict on failure.
 */
static int pass(struct encmig_relay *r, uint64_t len)
{
    int rc;

    while (len) {
        size_t chunk = len < PIPE_SIZE ? len : PIPE_SIZE;
        ssize_t n;

        if (!r->no_splice) {
            n = splice(r->in, NULL, r->out, NULL, chunk,
                       SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
            if (n > 0) {
                len -= n;
                continue;
            }
            if (!n)
                return io_fail(r, -EPIPE, true);
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                if ((rc = wait_ready(r, true, true)))
                    return io_fail(r, rc, true);
                continue;
            }
            /* Only the output can be a broken pipe. */
            if (errno == EPIPE)
                return io_fail(r, -EPIPE, false);
            if (errno != EINVAL)
                return encmig_fail(r->err, sizeof(r->err), -errno,
                                   "passing libxc's stream through: %s",
                                   strerror(errno));
            r->no_splice = true;
        }
        if (!r->copy && !(r->copy = malloc(COPY_CHUNK)))
            return encmig_fail(r->err, sizeof(r->err), -ENOMEM,
                               "out of memory");
        chunk = len < COPY_CHUNK ? len : COPY_CHUNK;
        if ((rc = rd(r, r->copy, chunk)))
            return io_fail(r, rc, true);
        if ((rc = wr(r, r->copy, chunk)))
            return io_fail(r, rc, false);
        len -= chunk;
    }
    return 0;
}

/* libxc's stream from its headers to its END, as it came. */
static int pass_libxc(struct encmig_relay *r)
{
    uint8_t h[IHDR_SIZE + DHDR_SIZE], rh[REC_HDR_SIZE];
    uint32_t type;
    uint64_t rest;
    int rc;

    if ((rc = rd(r, h, sizeof(h))))
        return io_fail(r, rc, true);
    if ((rc = encmig_lxc_headers_check(h, r->err, sizeof(r->err))))
        return rc;
    if ((rc = wr(r, h, sizeof(h))))
        return io_fail(r, rc, false);
    do {
        if ((rc = rd(r, rh, sizeof(rh))))
            return io_fail(r, rc, true);
        if ((rc = encmig_lxc_rec_check(rh, &type, &rest, r->err,
                                       sizeof(r->err))))
            return rc;
        if ((rc = wr(r, rh, sizeof(rh))))
            return io_fail(r, rc, false);
        if ((rc = pass(r, rest)))
            return rc;
    } while (type != REC_TYPE_END);
    return 0;
}

static size_t padded(uint32_t len)
{
    return ((size_t)len + REC_ALIGN - 1) & ~(size_t)(REC_ALIGN - 1);
}

/*
 * Source: one piece of libxl's stream, whose header the order has taken,
 * read whole (with its padding, which must be zero), sealed and written
 * as one frame: u32le type, u32le length, ciphertext, tag.
 */
static int seal_one(struct encmig_relay *r, uint32_t type, uint32_t len)
{
    size_t pad = padded(len) - len, size = 8 + len + ENCMIG_LXR_TAG_SIZE;
    uint8_t zero[REC_ALIGN] = { 0 }, tail[REC_ALIGN];
    uint8_t *f = malloc(size);
    int rc;

    if (!f)
        return encmig_fail(r->err, sizeof(r->err), -ENOMEM,
                           "out of memory for libxl record %s",
                           encmig_lxr_type_str(type));
    if ((rc = rd(r, f + 8, len)) || (rc = rd(r, tail, pad))) {
        rc = io_fail(r, rc, true);
        goto out;
    }
    if (memcmp(tail, zero, pad)) {
        rc = encmig_fail(r->err, sizeof(r->err), -EBADMSG,
                         "libxl record %s with non-zero padding",
                         encmig_lxr_type_str(type));
        goto out;
    }
    if (type == ENCMIG_LXR_STREAM_HDR &&
        (rc = encmig_lxr_stream_hdr_check(f + 8, r->err, sizeof(r->err))))
        goto out;
    rc = encmig_lxr_seal(&r->lxr, type, len, f + 8, f, f + 8, f + 8 + len);
    if (rc) {
        encmig_fail(r->err, sizeof(r->err), rc, "sealing libxl record %s",
                    encmig_lxr_type_str(type));
        goto out;
    }
    if ((rc = wr(r, f, size)))
        rc = io_fail(r, rc, false);

 out:
    /* The emulator's records hold guest state. */
    OPENSSL_cleanse(f, size);
    free(f);
    return rc;
}

/*
 * Destination: the body and tag of the frame whose header the order has
 * taken; only once the tag verifies does libxl get the piece, in its own
 * format again (header, body, zero padding).
 */
static int open_one(struct encmig_relay *r, uint32_t type, uint32_t len)
{
    size_t in_size = len + ENCMIG_LXR_TAG_SIZE, out_size = 8 + padded(len);
    uint8_t *in = malloc(in_size), *out = calloc(1, out_size);
    bool hdr = type == ENCMIG_LXR_STREAM_HDR;
    int rc;

    if (!in || !out) {
        rc = encmig_fail(r->err, sizeof(r->err), -ENOMEM,
                         "out of memory for libxl record %s",
                         encmig_lxr_type_str(type));
        goto out;
    }
    if ((rc = rd(r, in, in_size))) {
        rc = io_fail(r, rc, true);
        goto out;
    }
    if ((rc = encmig_lxr_open(&r->lxr, type, len, in, in + len, out + 8,
                              r->err, sizeof(r->err))))
        goto out;
    /* libxl's header has no record header of its own. */
    if (hdr && (rc = encmig_lxr_stream_hdr_check(out + 8, r->err,
                                                 sizeof(r->err))))
        goto out;
    encmig_hdr8_put(out, type, len);
    if ((rc = hdr ? wr(r, out + 8, len) : wr(r, out, out_size)))
        rc = io_fail(r, rc, false);

 out:
    if (out)
        OPENSSL_cleanse(out, out_size);
    free(in);
    free(out);
    return rc;
}

static int run(struct encmig_relay *r)
{
    bool source = r->side == ENCMIG_SIDE_SOURCE, first = true;
    uint8_t h[REC_HDR_SIZE];
    uint32_t type, len;
    int rc;

    while (!encmig_lxr_done(&r->lxr)) {
        if (source && first) {
            /* libxl writes its header bare; it becomes the first frame. */
            type = ENCMIG_LXR_STREAM_HDR;
            len = LXR_HDR_SIZE;
        } else {
            if ((rc = rd(r, h, sizeof(h))))
                return io_fail(r, rc, true);
            encmig_hdr8_get(h, &type, &len);
        }
        first = false;
        if ((rc = encmig_lxr_next(&r->lxr, type, len, r->err,
                                  sizeof(r->err))) ||
            (rc = source ? seal_one(r, type, len) : open_one(r, type, len)))
            return rc;
        if (type == LXR_TYPE_LIBXC_CONTEXT && (rc = pass_libxc(r)))
            return rc;
    }
    return 0;
}

static void *relay_main(void *arg)
{
    struct encmig_relay *r = arg;

    r->rc = run(r);
    encmig_lxr_wipe(&r->lxr);
    /*
     * libxl, or its helper, sees the pipe's end at once: after END, or
     * instead of the rest of a stream the relay refused.
     */
    close(r->mine);
    r->mine = -1;
    return NULL;
}

static void relay_free(struct encmig_relay *r)
{
    int *fds[] = { &r->mine, &r->theirs, &r->stop[0], &r->stop[1] };
    unsigned int i;

    for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
        if (*fds[i] >= 0)
            close(*fds[i]);
    if (r->wire_flags >= 0)
        fcntl(r->wire, F_SETFL, r->wire_flags);
    encmig_lxr_wipe(&r->lxr);
    if (r->copy)
        OPENSSL_cleanse(r->copy, COPY_CHUNK);
    free(r->copy);
    free(r);
}

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) ? -errno : 0;
}

int encmig_relay_start(unsigned int side, const uint8_t key[32], int wire,
                       int *libxl_fd, struct encmig_relay **out, char *err,
                       size_t errlen)
{
    struct encmig_relay *r;
    sigset_t all, old;
    int p[2], rc;

    *out = NULL;
    *libxl_fd = -1;
    if (side != ENCMIG_SIDE_SOURCE && side != ENCMIG_SIDE_DEST)
        return encmig_fail(err, errlen, -EINVAL, "bad side %u", side);
    r = calloc(1, sizeof(*r));
    if (!r)
        return encmig_fail(err, errlen, -ENOMEM, "out of memory");
    r->side = side;
    r->wire = wire;
    r->mine = r->theirs = r->stop[0] = r->stop[1] = -1;
    encmig_lxr_init(&r->lxr, key);
    r->wire_flags = fcntl(wire, F_GETFL);
    if (r->wire_flags < 0) {
        rc = encmig_fail(err, errlen, -errno, "the migration fd: %s",
                         strerror(errno));
        goto fail;
    }
    /* Close-on-exec: the helper libxl forks must hold no end of these. */
    if (pipe2(p, O_CLOEXEC) || pipe2(r->stop, O_CLOEXEC)) {
        rc = encmig_fail(err, errlen, -errno, "pipe: %s", strerror(errno));
        goto fail;
    }
    r->mine = side == ENCMIG_SIDE_SOURCE ? p[0] : p[1];
    r->theirs = side == ENCMIG_SIDE_SOURCE ? p[1] : p[0];
    r->in = side == ENCMIG_SIDE_SOURCE ? r->mine : wire;
    r->out = side == ENCMIG_SIDE_SOURCE ? wire : r->mine;
    /* A smaller pipe than asked for only costs more rounds. */
    (void)fcntl(r->mine, F_SETPIPE_SZ, PIPE_SIZE);
    if ((rc = set_nonblock(r->mine)) || (rc = set_nonblock(wire))) {
        rc = encmig_fail(err, errlen, rc, "O_NONBLOCK: %s", strerror(-rc));
        goto fail;
    }

    /* Signals stay with xl's thread: the relay's mask blocks them all. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = -pthread_create(&r->thread, NULL, relay_main, r);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc) {
        encmig_fail(err, errlen, rc, "pthread_create: %s", strerror(-rc));
        goto fail;
    }
    *libxl_fd = r->theirs;
    *out = r;
    return 0;

 fail:
    relay_free(r);
    return rc;
}

void encmig_relay_forget(struct encmig_relay *r)
{
    encmig_lxr_wipe(&r->lxr);
}

int encmig_relay_finish(struct encmig_relay *r, bool abort, char *err,
                        size_t errlen)
{
    static const uint8_t stop = 1;
    int rc;

    if (!r)
        return encmig_fail(err, errlen, -EINVAL, "no relay running");
    if (abort && write(r->stop[1], &stop, 1) != 1)
        encmig_seterr(err, errlen, "stopping the relay: %s", strerror(errno));
    /*
     * libxl is done with its end: closing it ends a relay still waiting
     * for the rest of libxl's stream, or still writing to a libxl that
     * has stopped reading, so the wait below always ends.
     */
    close(r->theirs);
    r->theirs = -1;
    pthread_join(r->thread, NULL);
    rc = r->rc;
    if (rc)
        encmig_seterr(err, errlen, "%s", r->err);
    relay_free(r);
    return rc;
}
