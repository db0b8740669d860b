/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xg-hooks.c: struct xc_encmig_hooks over an encmig_xg session.
 *
 * libxenguest's hooks return 0 or -1 with errno and log their reason;
 * the session's functions return -errno with the reason in the session.
 */

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "encmig-xg.h"
#include "session-fd.h"
#include "xg-session.h"

_Static_assert(sizeof(xen_pfn_t) == sizeof(uint64_t),
               "frame numbers are 64-bit on x86-64");
_Static_assert(XC_ENCMIG_STATE_HVM_CONTEXT == XEN_ENCMIG_STATE_hvm_context &&
               XC_ENCMIG_STATE_PV_VCPU == XEN_ENCMIG_STATE_pv_vcpu,
               "libxenguest names the hypervisor's kinds of state");

struct hooks {
    struct xc_encmig_hooks ops;
    struct encmig_xg *x;
    xentoollog_logger *lg;
};

static int result(struct hooks *h, int rc)
{
    if (!rc)
        return 0;
    /* The reason says what failed, with the errno's text where it helps. */
    xtl_log(h->lg, XTL_ERROR, -1, "encmig", "%s", encmig_xg_error(h->x));
    errno = -rc;
    return -1;
}

static int begin(void *data, uint32_t domid)
{
    struct hooks *h = data;

    return result(h, encmig_xg_begin(h->x, domid));
}

static void finish(void *data, uint32_t domid)
{
    struct hooks *h = data;

    xtl_log(h->lg, XTL_INFO, -1, "encmig", "domain %u: %llu page records, "
            "%u state records", domid,
            (unsigned long long)encmig_xg_records(h->x),
            encmig_xg_states(h->x));
    encmig_xg_finish(h->x);
}

static void stream_bytes(void *data, const void *p, size_t len)
{
    struct hooks *h = data;

    encmig_xg_stream_bytes(h->x, p, len);
}

static void stream_record(void *data, uint32_t type, uint32_t length,
                          const struct iovec *body, unsigned int n)
{
    struct hooks *h = data;

    encmig_xg_stream_record(h->x, type, length, body, n);
}

static int save_pages(void *data, int fd, uint32_t round,
                      const xen_pfn_t *pfns, const xen_pfn_t *gfns,
                      unsigned int nr)
{
    struct hooks *h = data;

    return result(h, encmig_xg_save_pages(h->x, fd, round,
                                          (const uint64_t *)pfns,
                                          (const uint64_t *)gfns, nr));
}

static int save_end(void *data, int fd)
{
    struct hooks *h = data;

    return result(h, encmig_xg_save_end(h->x, fd));
}

static int restore_names(void *data, const void *body, uint32_t length,
                         xen_pfn_t *pfns, unsigned int max, unsigned int *nr)
{
    struct hooks *h = data;

    return result(h, encmig_xg_restore_names(h->x, body, length,
                                             (uint64_t *)pfns, max, nr));
}

static int restore_pages(void *data, const void *body, uint32_t length,
                         const xen_pfn_t *gfns, unsigned int nr)
{
    struct hooks *h = data;

    return result(h, encmig_xg_restore_pages(h->x, body, length,
                                             (const uint64_t *)gfns, nr));
}

static int restore_end(void *data, const void *body, uint32_t length)
{
    struct hooks *h = data;

    return result(h, encmig_xg_restore_end(h->x, body, length));
}

static int save_state(void *data, int fd, uint32_t kind, uint32_t instance)
{
    struct hooks *h = data;

    return result(h, encmig_xg_save_state(h->x, fd, kind, instance));
}

static int restore_state(void *data, uint32_t kind, uint32_t instance,
                         const void *body, uint32_t length)
{
    struct hooks *h = data;

    return result(h, encmig_xg_restore_state(h->x, kind, instance, body,
                                             length));
}

int encmig_xg_hooks_from_env(xentoollog_logger *lg,
                             struct xc_encmig_hooks **out)
{
    struct encmig_hc *hc;
    struct hooks *h;
    char err[256];
    int fd, rc;

    *out = NULL;
    rc = encmig_session_open_published(&fd, err, sizeof(err));
    if (rc <= 0) {
        if (rc)
            xtl_log(lg, XTL_ERROR, -rc, "encmig", "%s", err);
        errno = -rc;
        return rc ? -1 : 0;
    }

    hc = encmig_hc_open_xen();
    h = calloc(1, sizeof(*h));
    if (!hc || !h) {
        rc = -(errno ? errno : ENOMEM);
        xtl_log(lg, XTL_ERROR, -rc, "encmig", "opening the hypervisor "
                "interface");
        close(fd);
        free(h);
        if (hc)
            encmig_hc_close(hc);
        errno = -rc;
        return -1;
    }
    rc = encmig_xg_take(fd, hc, &h->x, err, sizeof(err));
    if (rc) {
        xtl_log(lg, XTL_ERROR, -rc, "encmig", "taking the session: %s", err);
        encmig_hc_close(hc);
        free(h);
        errno = -rc;
        return -1;
    }

    h->lg = lg;
    h->ops.data = h;
    h->ops.begin = begin;
    h->ops.finish = finish;
    h->ops.stream_bytes = stream_bytes;
    h->ops.stream_record = stream_record;
    h->ops.save_pages = save_pages;
    h->ops.save_end = save_end;
    h->ops.restore_names = restore_names;
    h->ops.restore_pages = restore_pages;
    h->ops.restore_end = restore_end;
    h->ops.save_state = save_state;
    h->ops.restore_state = restore_state;
    *out = &h->ops;

    /*
     * libxl starts helpers with SIGPIPE at its default.  A peer that goes
     * away must fail the write instead, so that libxenguest unwinds and
     * finish() ends the hypervisor's session: killed here, the helper
     * would leave it on the domain, and the next migration would find it.
     */
    signal(SIGPIPE, SIG_IGN);
    return 0;
}
