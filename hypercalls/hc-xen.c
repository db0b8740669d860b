/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * hc-xen.c: the "xen" backend: XEN_DOMCTL_encmig_op through libxencall.
 *
 * Debian's libxenctrl knows nothing of the new sub-op, so the domctl is
 * built here and issued with xencall1(), in a buffer from
 * xencall_alloc_buffer() as the hypervisor requires.  The domctl interface
 * version is the one of the headers built against (4.17: 0x15); the
 * component does not change it, so an unmodified libxenctrl keeps working.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_XEN

/* Xen's own definitions first: encmig.h then uses them, not its compat. */
#define __XEN_TOOLS__ 1
#include <xencall.h>
#include <xen/xen.h>
#include <xen/domctl.h>

#include "encmig_hc.h"

_Static_assert(sizeof(struct xen_domctl_encmig_op) <=
               sizeof(((struct xen_domctl *)0)->u),
               "encmig op must fit the domctl union");

struct hc_xen {
    struct encmig_hc hc;
    xencall_handle *xcall;
};

static int xen_domctl(struct encmig_hc *hc, domid_t domid,
                      struct xen_domctl_encmig_op *op)
{
    struct hc_xen *x = hc->priv;
    struct xen_domctl *dc;
    int rc;

    dc = xencall_alloc_buffer(x->xcall, sizeof(*dc));
    if ( !dc )
        return -errno;
    memset(dc, 0, sizeof(*dc));
    dc->cmd = XEN_DOMCTL_encmig_op;
    dc->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc->domain = domid;
    memcpy(&dc->u, op, sizeof(*op));

    /* Preempted batches continue inside Xen: one call is the whole op. */
    rc = xencall1(x->xcall, __HYPERVISOR_domctl, (uint64_t)(uintptr_t)dc);
    if ( rc < 0 )
        rc = -errno;
    else
        rc = 0;

    memcpy(op, &dc->u, sizeof(*op));
    xencall_free_buffer(x->xcall, dc);
    return rc;
}

static void *xen_alloc(struct encmig_hc *hc, size_t size)
{
    struct hc_xen *x = hc->priv;
    size_t pages = (size + XEN_ENCMIG_PAGE_SIZE - 1) / XEN_ENCMIG_PAGE_SIZE;

    return xencall_alloc_buffer_pages(x->xcall, pages);
}

static void xen_free(struct encmig_hc *hc, void *p, size_t size)
{
    struct hc_xen *x = hc->priv;
    size_t pages = (size + XEN_ENCMIG_PAGE_SIZE - 1) / XEN_ENCMIG_PAGE_SIZE;

    xencall_free_buffer_pages(x->xcall, p, pages);
}

static void xen_close(struct encmig_hc *hc)
{
    struct hc_xen *x = hc->priv;

    xencall_close(x->xcall);
    free(x);
}

static const struct encmig_hc_ops hc_xen_ops = {
    .name      = "xen",
    .domctl    = xen_domctl,
    .buf_alloc = xen_alloc,
    .buf_free  = xen_free,
    .close     = xen_close,
};

struct encmig_hc *encmig_hc_open_xen(void)
{
    struct hc_xen *x = calloc(1, sizeof(*x));

    if ( !x )
        return NULL;
    x->xcall = xencall_open(NULL, 0);
    if ( !x->xcall )
    {
        int saved = errno;

        free(x);
        errno = saved;
        return NULL;
    }
    x->hc.ops = &hc_xen_ops;
    x->hc.priv = x;
    return &x->hc;
}

#else /* !HAVE_XEN */

#include "encmig_hc.h"

struct encmig_hc *encmig_hc_open_xen(void)
{
    errno = ENOSYS;
    return NULL;
}

#endif
