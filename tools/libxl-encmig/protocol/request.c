/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * request.c: MSG_MIGRATE_REQ.
 */

#include <errno.h>
#include <stdio.h>

#include "request.h"
#include "../util.h"
#include "../driver/migrate.h"

int migrate_req_put(struct wbuf *b, const struct migrate_req *req)
{
    int rc;

    if ((rc = wbuf_put_u32be(b, req->version)) ||
         (rc = wbuf_put_u32be(b, req->mode)) ||
         (rc = wbuf_put_u64be(b, req->nr_frames)) ||
         (rc = wbuf_put_u32be(b, req->nr_streams)) ||
         (rc = wbuf_put_u32be(b, req->batch)) ||
         (rc = wbuf_put_u32be(b, req->transport)) ||
         (rc = wbuf_put_u32be(b, 0)))
        return rc;
    return 0;
}

int migrate_req_get(struct wbuf *b, uint64_t max_frames,
                    struct migrate_req *req, char *err, size_t errlen)
{
    uint32_t rsvd;
    int rc;

    /* The version first: an older source is told what we speak. */
    if (wbuf_avail(b) >= 4 && wbuf_ptr(b)[0] == 0 && wbuf_ptr(b)[1] == 0 &&
        wbuf_ptr(b)[2] == 0 && wbuf_ptr(b)[3] != MIGRATE_REQ_VERSION) {
        encmig_seterr(err, errlen, "migration request version %u, this "
                      "receiver speaks %u", wbuf_ptr(b)[3],
                      MIGRATE_REQ_VERSION);
        return -EPROTONOSUPPORT;
    }
    if (wbuf_avail(b) != MIGRATE_REQ_SIZE) {
        encmig_seterr(err, errlen, "migration request of %zu bytes, want %u",
                 wbuf_avail(b), MIGRATE_REQ_SIZE);
        return -EBADMSG;
    }
    if ((rc = wbuf_get_u32be(b, &req->version)) ||
         (rc = wbuf_get_u32be(b, &req->mode)) ||
         (rc = wbuf_get_u64be(b, &req->nr_frames)) ||
         (rc = wbuf_get_u32be(b, &req->nr_streams)) ||
         (rc = wbuf_get_u32be(b, &req->batch)) ||
         (rc = wbuf_get_u32be(b, &req->transport)) ||
         (rc = wbuf_get_u32be(b, &rsvd)))
        return rc;

    if (req->version != MIGRATE_REQ_VERSION) {
        encmig_seterr(err, errlen, "migration request version %u, this receiver "
                 "speaks %u", req->version, MIGRATE_REQ_VERSION);
        return -EPROTONOSUPPORT;
    }
    if (req->mode != MIGRATE_MODE_ENCRYPTED &&
         req->mode != MIGRATE_MODE_PLAIN) {
        encmig_seterr(err, errlen, "unknown migration mode %u", req->mode);
        return -EINVAL;
    }
    if (req->nr_frames == 0 || req->nr_frames > max_frames) {
        encmig_seterr(err, errlen, "guest of %llu pages: this receiver takes 1 to "
                 "%llu", (unsigned long long)req->nr_frames,
                 (unsigned long long)max_frames);
        return -E2BIG;
    }
    if (req->nr_streams == 0 || req->nr_streams > XEN_ENCMIG_MAX_STREAMS ||
        (req->mode == MIGRATE_MODE_PLAIN && req->nr_streams != 1)) {
        encmig_seterr(err, errlen, "%u streams asked for: this receiver takes 1 "
                 "to %u (plain: 1)", req->nr_streams, XEN_ENCMIG_MAX_STREAMS);
        return -EINVAL;
    }
    if (req->transport != MIGRATE_TRANSPORT_CONTROL &&
        req->transport != MIGRATE_TRANSPORT_RDMA) {
        encmig_seterr(err, errlen, "unknown stream transport %u",
                      req->transport);
        return -EINVAL;
    }
    if (rsvd) {
        encmig_seterr(err, errlen, "migration request: reserved field %#x",
                      rsvd);
        return -EINVAL;
    }
    if (req->batch == 0 || req->batch > XEN_ENCMIG_MAX_BATCH) {
        encmig_seterr(err, errlen, "batch of %u pages: want 1 to %u", req->batch,
                 XEN_ENCMIG_MAX_BATCH);
        return -EINVAL;
    }
    return 0;
}
