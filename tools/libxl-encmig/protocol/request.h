/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * request.h: MSG_MIGRATE_REQ, what the source is about to send.
 */

#ifndef __ENCMIG_REQUEST_H__
#define __ENCMIG_REQUEST_H__

#include <stdint.h>

#include "wbuf.h"

#define MIGRATE_REQ_VERSION  3
#define MIGRATE_REQ_SIZE     32

/* Where the stream goes (docs/stream.md, "RDMA"). */
#define MIGRATE_TRANSPORT_CONTROL  0   /* on the control connection */
#define MIGRATE_TRANSPORT_RDMA     1   /* on an RDMA connection of its own */

struct migrate_req {
    uint32_t version;
    uint32_t mode;             /* MIGRATE_MODE_* */
    uint64_t nr_frames;        /* guest size */
    uint32_t nr_streams;
    uint32_t batch;            /* pages per record at most */
    uint32_t transport;        /* MIGRATE_TRANSPORT_* */
    /* then u32 reserved, 0 */
};

int migrate_req_put(struct wbuf *b, const struct migrate_req *req);
/*
 * Parse and check a request against this receiver's limits; err gets a
 * one-line reason.  0, -EPROTONOSUPPORT or -EINVAL/-E2BIG/-EBADMSG.
 */
int migrate_req_get(struct wbuf *b, uint64_t max_frames,
                    struct migrate_req *req, char *err, size_t errlen);

#endif /* __ENCMIG_REQUEST_H__ */
