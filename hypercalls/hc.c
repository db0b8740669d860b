/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * hc.c: the sub-op wrappers, common to both backends.
 */

#include <errno.h>
#include <string.h>

#include "encmig_hc.h"

void encmig_hc_close(struct encmig_hc *hc)
{
    if ( hc )
        hc->ops->close(hc);
}

void *encmig_hc_buf_alloc(struct encmig_hc *hc, size_t size)
{
    return hc->ops->buf_alloc(hc, size);
}

void encmig_hc_buf_free(struct encmig_hc *hc, void *p, size_t size)
{
    if ( p )
        hc->ops->buf_free(hc, p, size);
}

int encmig_hc_op(struct encmig_hc *hc, domid_t domid,
                 struct xen_domctl_encmig_op *op)
{
    int rc;

    op->version = XEN_ENCMIG_INTERFACE_VERSION;
    rc = hc->ops->domctl(hc, domid, op);
    if ( rc )
    {
        errno = -rc;
        return -1;
    }
    return 0;
}

int encmig_hc_probe(struct encmig_hc *hc, domid_t domid,
                    struct xen_encmig_probe *out)
{
    struct xen_domctl_encmig_op op = { .cmd = XEN_ENCMIG_OP_probe };

    if ( encmig_hc_op(hc, domid, &op) )
        return -1;
    *out = op.u.probe;
    return 0;
}

/* km is IN, or IN/OUT (copied back on success) for the level-2 formats. */
static int setup(struct encmig_hc *hc, domid_t domid, uint32_t direction,
                 uint32_t nr_streams, uint32_t format, const void *km,
                 void *km_out, size_t size)
{
    struct xen_domctl_encmig_op op = { .cmd = XEN_ENCMIG_OP_setup };
    void *bounce;
    int rc, saved;

    bounce = encmig_hc_buf_alloc(hc, size);
    if ( !bounce )
        return -1;
    memcpy(bounce, km, size);

    op.u.setup.direction = direction;
    op.u.setup.nr_streams = nr_streams;
    op.u.setup.keymat_format = format;
    op.u.setup.keymat_size = size;
    set_xen_guest_handle(op.u.setup.keymat, (uint8_t *)bounce);

    rc = encmig_hc_op(hc, domid, &op);
    saved = errno;
    if ( !rc && km_out )
        memcpy(km_out, bounce, size);
    explicit_bzero(bounce, size);
    encmig_hc_buf_free(hc, bounce, size);
    errno = saved;
    return rc;
}

int encmig_hc_setup(struct encmig_hc *hc, domid_t domid, uint32_t direction,
                    uint32_t nr_streams, const struct xen_encmig_keymat *km)
{
    return setup(hc, domid, direction, nr_streams, XEN_ENCMIG_KEYMAT_raw,
                 km, NULL, sizeof(*km));
}

int encmig_hc_setup_state(struct encmig_hc *hc, domid_t domid,
                          uint32_t direction, uint32_t nr_streams,
                          const struct xen_encmig_keymat_state *km)
{
    return setup(hc, domid, direction, nr_streams,
                 XEN_ENCMIG_KEYMAT_raw_state, km, NULL, sizeof(*km));
}

int encmig_hc_identity(struct encmig_hc *hc, domid_t domid, uint32_t cmd,
                       struct xen_encmig_identity *id)
{
    struct xen_domctl_encmig_op op = { .cmd = XEN_ENCMIG_OP_identity };
    int rc;

    op.u.identity = *id;
    op.u.identity.cmd = cmd;
    rc = encmig_hc_op(hc, domid, &op);
    *id = op.u.identity;
    return rc;
}

int encmig_hc_offer(struct encmig_hc *hc, domid_t domid,
                    struct xen_encmig_offer *out)
{
    struct xen_domctl_encmig_op op = { .cmd = XEN_ENCMIG_OP_offer };

    if ( encmig_hc_op(hc, domid, &op) )
        return -1;
    *out = op.u.offer;
    return 0;
}

int encmig_hc_accept(struct encmig_hc *hc, struct xen_encmig_l2_accept *io)
{
    struct xen_domctl_encmig_op op = { .cmd = XEN_ENCMIG_OP_accept };
    void *bounce;
    int rc, saved;

    bounce = encmig_hc_buf_alloc(hc, sizeof(*io));
    if ( !bounce )
        return -1;
    memcpy(bounce, io, sizeof(*io));
    op.u.accept.size = sizeof(*io);
    set_xen_guest_handle(op.u.accept.buf, (uint8_t *)bounce);
    rc = encmig_hc_op(hc, 0, &op);
    saved = errno;
    if ( !rc )
        memcpy(io, bounce, sizeof(*io));
    encmig_hc_buf_free(hc, bounce, sizeof(*io));
    errno = saved;
    return rc;
}

int encmig_hc_setup_l2_claim(struct encmig_hc *hc, domid_t domid,
                             uint32_t nr_streams,
                             const uint8_t session_id[XEN_ENCMIG_SESSION_ID_SIZE])
{
    struct xen_encmig_l2_claim c;

    memcpy(c.session_id, session_id, sizeof(c.session_id));
    return setup(hc, domid, XEN_ENCMIG_DIR_IMPORT, nr_streams,
                 XEN_ENCMIG_KEYMAT_l2_claim, &c, NULL, sizeof(c));
}

int encmig_hc_setup_l2_export(struct encmig_hc *hc, domid_t domid,
                              uint32_t nr_streams,
                              struct xen_encmig_l2_export *km)
{
    return setup(hc, domid, XEN_ENCMIG_DIR_EXPORT, nr_streams,
                 XEN_ENCMIG_KEYMAT_l2_export, km, km, sizeof(*km));
}

int encmig_hc_end(struct encmig_hc *hc, domid_t domid,
                  const uint8_t transcript[32], uint8_t mac[32],
                  uint64_t *records)
{
    struct xen_domctl_encmig_op op = { .cmd = XEN_ENCMIG_OP_end };
    int rc;

    memcpy(op.u.end.transcript, transcript, sizeof(op.u.end.transcript));
    memcpy(op.u.end.mac, mac, sizeof(op.u.end.mac));
    rc = encmig_hc_op(hc, domid, &op);
    if ( !rc )
        memcpy(mac, op.u.end.mac, sizeof(op.u.end.mac));
    if ( records )
        *records = op.u.end.records;
    return rc;
}

int encmig_hc_export(struct encmig_hc *hc, domid_t domid, uint32_t stream,
                     uint32_t round, uint64_t *gfns, uint32_t nr,
                     void *buf, size_t buf_size)
{
    struct xen_domctl_encmig_op op = { .cmd = XEN_ENCMIG_OP_export };

    op.u.export.stream = stream;
    op.u.export.round = round;
    op.u.export.nr_gfns = nr;
    op.u.export.buf_size = buf_size;
    set_xen_guest_handle(op.u.export.gfns, gfns);
    set_xen_guest_handle(op.u.export.buf, (uint8_t *)buf);
    return encmig_hc_op(hc, domid, &op);
}

int encmig_hc_import(struct encmig_hc *hc, domid_t domid, uint32_t stream,
                     void *buf, uint32_t nr, size_t buf_size,
                     uint32_t *done)
{
    return encmig_hc_import_frames(hc, domid, stream, buf, nr, buf_size,
                                   NULL, done);
}

int encmig_hc_import_frames(struct encmig_hc *hc, domid_t domid,
                            uint32_t stream, void *buf, uint32_t nr,
                            size_t buf_size, uint64_t *frames,
                            uint32_t *done)
{
    struct xen_domctl_encmig_op op = { .cmd = XEN_ENCMIG_OP_import };
    int rc;

    op.u.import.stream = stream;
    op.u.import.nr_recs = nr;
    op.u.import.buf_size = buf_size;
    set_xen_guest_handle(op.u.import.buf, (uint8_t *)buf);
    set_xen_guest_handle(op.u.import.frames, frames);
    rc = encmig_hc_op(hc, domid, &op);
    if ( done )
        *done = op.u.import.done;
    return rc;
}

int encmig_hc_status(struct encmig_hc *hc, domid_t domid,
                     struct xen_encmig_status *out)
{
    struct xen_domctl_encmig_op op = { .cmd = XEN_ENCMIG_OP_status };

    if ( encmig_hc_op(hc, domid, &op) )
        return -1;
    *out = op.u.status;
    return 0;
}

int encmig_hc_teardown(struct encmig_hc *hc, domid_t domid)
{
    struct xen_domctl_encmig_op op = { .cmd = XEN_ENCMIG_OP_teardown };

    return encmig_hc_op(hc, domid, &op);
}

int encmig_hc_save_state(struct encmig_hc *hc, domid_t domid, uint32_t kind,
                         uint32_t instance, void *buf, size_t *size)
{
    struct xen_domctl_encmig_op op = { .cmd = XEN_ENCMIG_OP_save_state };
    int rc;

    op.u.state.kind = kind;
    op.u.state.instance = instance;
    op.u.state.buf_size = buf ? *size : 0;
    set_xen_guest_handle(op.u.state.buf, (uint8_t *)buf);
    rc = encmig_hc_op(hc, domid, &op);
    if ( !rc || errno == ENOSPC )
        *size = op.u.state.buf_size;
    return rc;
}

int encmig_hc_load_state(struct encmig_hc *hc, domid_t domid, uint32_t kind,
                         uint32_t instance, void *buf, size_t size)
{
    struct xen_domctl_encmig_op op = { .cmd = XEN_ENCMIG_OP_load_state };

    op.u.state.kind = kind;
    op.u.state.instance = instance;
    op.u.state.buf_size = size;
    set_xen_guest_handle(op.u.state.buf, (uint8_t *)buf);
    return encmig_hc_op(hc, domid, &op);
}
