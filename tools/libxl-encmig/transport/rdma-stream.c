/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * rdma-stream.c: `--transport rdma` for the migration drivers.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rdma-stream.h"
#include "../util.h"

#ifdef HAVE_RDMA

#include "xport-verbs.h"

bool encmig_rdma_built(void)
{
    return true;
}

static int rdma_open(void *opaque, size_t max_msg, struct encmig_xport **x,
                     char *err, size_t errlen)
{
    struct encmig_rdma_stream *rs = opaque;
    int rc;

    if (rs->listener)
        rc = xport_verbs_accept(rs->listener,
                                rs->have_peer ? (void *)&rs->peer : NULL,
                                rs->timeout_ms, &rs->conn, err, errlen);
    else
        rc = xport_verbs_connect(rs->host, rs->port, rs->timeout_ms,
                                 &rs->conn, err, errlen);
    if (rc)
        return rc;
    rc = xport_init(&rs->x, &xport_verbs_ops, rs->conn, max_msg,
                    rs->timeout_ms);
    if (rc) {
        xport_verbs_stop(rs->conn);
        xport_fini(&rs->x);
        xport_verbs_close(rs->conn);
        rs->conn = NULL;
        return encmig_fail(err, errlen, rc, "setting up the RDMA buffers: "
                           "%s", strerror(-rc));
    }
    *x = &rs->x;
    return 0;
}

static void rdma_close(void *opaque, struct encmig_xport *x)
{
    struct encmig_rdma_stream *rs = opaque;

    /*
     * What was sent completes first, then the queue pair goes, so that
     * no buffer is freed while the device may still read or write it.
     */
    if (!x->error)
        xport_flush(x);
    xport_verbs_stop(rs->conn);
    xport_fini(x);
    xport_verbs_close(rs->conn);
    rs->conn = NULL;
}

static void init(struct encmig_rdma_stream *rs, int timeout_ms)
{
    memset(rs, 0, sizeof(*rs));
    rs->timeout_ms = timeout_ms;
    rs->sx.open = rdma_open;
    rs->sx.close = rdma_close;
    rs->sx.opaque = rs;
}

int encmig_rdma_source(struct encmig_rdma_stream *rs, const char *host,
                       uint16_t port, int timeout_ms, char *err,
                       size_t errlen)
{
    init(rs, timeout_ms);
    if (snprintf(rs->host, sizeof(rs->host), "%s", host) >=
        (int)sizeof(rs->host))
        return encmig_fail(err, errlen, -ENAMETOOLONG, "host name too long");
    rs->port = port;
    return 0;
}

int encmig_rdma_dest(struct encmig_rdma_stream *rs, const char *addr,
                     uint16_t port, int timeout_ms, char *err,
                     size_t errlen)
{
    init(rs, timeout_ms);
    return xport_verbs_listen(addr, port, &rs->listener, err, errlen);
}

void encmig_rdma_expect_peer(struct encmig_rdma_stream *rs, int fd)
{
    socklen_t len = sizeof(rs->peer);

    rs->have_peer = getpeername(fd, (struct sockaddr *)&rs->peer, &len) == 0
                    && (rs->peer.ss_family == AF_INET ||
                        rs->peer.ss_family == AF_INET6);
}

void encmig_rdma_fini(struct encmig_rdma_stream *rs)
{
    xport_verbs_close(rs->listener);
    rs->listener = NULL;
}

#else /* !HAVE_RDMA */

static const char no_rdma[] = "this build of encmig has no RDMA: rdma-core's "
    "libibverbs and librdmacm were not found when it was configured";

bool encmig_rdma_built(void)
{
    return false;
}

int encmig_rdma_source(struct encmig_rdma_stream *rs, const char *host,
                       uint16_t port, int timeout_ms, char *err,
                       size_t errlen)
{
    memset(rs, 0, sizeof(*rs));
    return encmig_fail(err, errlen, -EOPNOTSUPP, "%s", no_rdma);
}

int encmig_rdma_dest(struct encmig_rdma_stream *rs, const char *addr,
                     uint16_t port, int timeout_ms, char *err,
                     size_t errlen)
{
    memset(rs, 0, sizeof(*rs));
    return encmig_fail(err, errlen, -EOPNOTSUPP, "%s", no_rdma);
}

void encmig_rdma_expect_peer(struct encmig_rdma_stream *rs, int fd)
{
}

void encmig_rdma_fini(struct encmig_rdma_stream *rs)
{
}

#endif /* HAVE_RDMA */
