/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xport-verbs.h: the stream's RDMA connection, with libibverbs and
 * librdmacm (rdma-core): a reliable-connected queue pair set up by
 * rdma_cm, one completion queue for both directions.
 */

#ifndef __ENCMIG_XPORT_VERBS_H__
#define __ENCMIG_XPORT_VERBS_H__

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "xport.h"

struct xport_verbs;

extern const struct xport_dev_ops xport_verbs_ops;

/* Listen for one connection on addr:port.  0 or -errno; err says why. */
int xport_verbs_listen(const char *addr, uint16_t port,
                       struct xport_verbs **l, char *err, size_t errlen);
/*
 * The first connection request from peer (NULL: from anyone; others are
 * rejected) within timeout_ms, accepted.  The listener stays open.
 */
int xport_verbs_accept(struct xport_verbs *l, const struct sockaddr *peer,
                       int timeout_ms, struct xport_verbs **conn, char *err,
                       size_t errlen);
/* Connect to host:port within timeout_ms.  0 or -errno; err says why. */
int xport_verbs_connect(const char *host, uint16_t port, int timeout_ms,
                        struct xport_verbs **conn, char *err, size_t errlen);
/*
 * Disconnect and destroy the queue pair: from then on the device reads
 * and writes no buffer of ours, which may then be freed.
 */
void xport_verbs_stop(struct xport_verbs *v);
/* Stop, and free the rest (after xport_fini() on its transport). */
void xport_verbs_close(struct xport_verbs *v);

#endif /* __ENCMIG_XPORT_VERBS_H__ */
