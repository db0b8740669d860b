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

static int setup(struct encmig_hc *hc, domid_t domid, uint32_t direction,
                 uint32_t nr_streams, uint32_t format, const void *km,
                 size_t size)
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
    explicit_bzero(bounce, size);
    encmig_hc_buf_free(hc, bounce, size);
    errno = saved;
    return rc;
}

int encmig_hc_setup(struct encmig_hc *hc, domid_t domid, uint32_t direction,
                    uint32_t nr_streams, const struct xen_encmig_keymat *km)
{
    return setup(hc, domid, direction, nr_streams, XEN_ENCMIG_KEYMAT_raw,
                 km, sizeof(*km));
}

int encmig_hc_setup_state(struct encmig_hc *hc, domid_t domid,
                          uint32_t direction, uint32_t nr_streams,
                          const struct xen_encmig_keymat_state *km)
{
    return setup(hc, domid, direction, nr_streams,
                 XEN_ENCMIG_KEYMAT_raw_state, km, sizeof(*km));
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
