/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * rdma-stream.h: `--transport rdma` for the migration drivers: the
 * stream on an RDMA connection of its own (docs/stream.md, section 9).
 *
 * In a build without rdma-core every call fails with -EOPNOTSUPP and
 * says so.
 */

#ifndef __ENCMIG_RDMA_STREAM_H__
#define __ENCMIG_RDMA_STREAM_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "xport.h"
#include "../driver/migrate.h"

struct xport_verbs;

struct encmig_rdma_stream {
    struct encmig_stream_xport sx;    /* for the driver's cfg->stream_x */
    char host[256];                   /* source: the destination */
    uint16_t port;
    int timeout_ms;
    struct xport_verbs *listener;     /* destination */
    struct sockaddr_storage peer;     /* destination: whom to accept */
    bool have_peer;
    struct xport_verbs *conn;
    struct encmig_xport x;
};

/* Was this build configured with rdma-core? */
bool encmig_rdma_built(void);

/* The source's end, to connect to host:port once the destination is
 * ready.  0 or -EOPNOTSUPP (err says why). */
int encmig_rdma_source(struct encmig_rdma_stream *rs, const char *host,
                       uint16_t port, int timeout_ms, char *err,
                       size_t errlen);
/* The destination's end: listen on addr:port now.  0 or -errno. */
int encmig_rdma_dest(struct encmig_rdma_stream *rs, const char *addr,
                     uint16_t port, int timeout_ms, char *err,
                     size_t errlen);
/* Destination: accept only the host at the other end of control fd. */
void encmig_rdma_expect_peer(struct encmig_rdma_stream *rs, int fd);
/* Stop listening; whatever was opened is closed by the driver. */
void encmig_rdma_fini(struct encmig_rdma_stream *rs);

#endif /* __ENCMIG_RDMA_STREAM_H__ */
