/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * flight-util.h: what the flight's dom0 programs share.
 *
 * They run in dom0 of a real Xen with the encmig component, built against
 * Debian's pinned 4.17.5 libraries and the repo's hypercalls/ code.
 */

#ifndef FLIGHT_UTIL_H
#define FLIGHT_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>
#include <xenguest.h>

#include "encmig_hc.h"

/* Linux's p2m entries: invalid, or marked foreign / identity. */
#define FLIGHT_P2M_INVALID   (~0ULL)
#define FLIGHT_P2M_FLAGS     (3ULL << 62)

/*
 * The frames of PV guest domid, in pfn order: for a PV guest Xen's gfn is
 * the machine frame, so these are what the export sub-op and a foreign
 * mapping take.  With pfns, also the pfn of each (the name a record
 * carries).  Returns how many, 0 on failure (message printed).
 */
static inline size_t flight_guest_frames(xc_interface *xch, uint32_t domid,
                                         uint64_t **frames, uint64_t **pfns,
                                         size_t *p2m_size)
{
    uint64_t *p = NULL;
    struct xc_domain_meminfo minfo;
    uint64_t *f;
    size_t pfn, n = 0;

    memset(&minfo, 0, sizeof(minfo));
    if ( xc_map_domain_meminfo(xch, domid, &minfo) )
    {
        fprintf(stderr, "xc_map_domain_meminfo(%u): %s\n", domid,
                strerror(errno));
        return 0;
    }
    if ( minfo.guest_width != 8 )
    {
        fprintf(stderr, "guest %u: width %u, expected a 64-bit PV guest\n",
                domid, minfo.guest_width);
        xc_unmap_domain_meminfo(xch, &minfo);
        return 0;
    }

    f = calloc(minfo.p2m_size, sizeof(*f));
    if ( pfns )
        p = calloc(minfo.p2m_size, sizeof(*p));
    if ( !f || (pfns && !p) )
    {
        free(f);
        free(p);
        xc_unmap_domain_meminfo(xch, &minfo);
        return 0;
    }
    for ( pfn = 0; pfn < minfo.p2m_size; pfn++ )
    {
        uint64_t mfn = ((const uint64_t *)minfo.p2m_table)[pfn];

        if ( mfn == FLIGHT_P2M_INVALID || (mfn & FLIGHT_P2M_FLAGS) )
            continue;
        if ( p )
            p[n] = pfn;
        f[n++] = mfn;
    }
    *p2m_size = minfo.p2m_size;
    xc_unmap_domain_meminfo(xch, &minfo);

    *frames = f;
    if ( pfns )
        *pfns = p;
    return n;
}

static inline const char *flight_errno_name(int e)
{
    switch ( e )
    {
    case 0:               return "0";
    case EPERM:           return "EPERM";
    case ENOENT:          return "ENOENT";
    case ESRCH:           return "ESRCH";
    case E2BIG:           return "E2BIG";
    case ENOMEM:          return "ENOMEM";
    case EACCES:          return "EACCES";
    case EFAULT:          return "EFAULT";
    case EBUSY:           return "EBUSY";
    case EEXIST:          return "EEXIST";
    case EINVAL:          return "EINVAL";
    case ENOSPC:          return "ENOSPC";
    case ERANGE:          return "ERANGE";
    case ENOSYS:          return "ENOSYS";
    case ENODEV:          return "ENODEV";
    case EBADMSG:         return "EBADMSG";
    case EILSEQ:          return "EILSEQ";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case EOPNOTSUPP:      return "EOPNOTSUPP";
    }
    return "E?";
}

/* The bad-args programs: each call's errno against the one expected. */
static unsigned int expect_passed, expect_failed;

/* What one call returned: 0, or the errno of its -1. */
static inline int err_of(int rc)
{
    return rc ? errno : 0;
}

static inline void expect(const char *what, int got, int want)
{
    if ( got == want )
    {
        expect_passed++;
        printf("ok   %-44s %s\n", what, flight_errno_name(got));
    }
    else
    {
        expect_failed++;
        printf("FAIL %-44s got %s (%d), expected %s (%d)\n", what,
               flight_errno_name(got), got, flight_errno_name(want), want);
    }
}

static inline int raw(struct encmig_hc *hc, domid_t domid,
                      struct xen_domctl_encmig_op *op)
{
    return err_of(encmig_hc_op(hc, domid, op));
}

#endif /* FLIGHT_UTIL_H */
