/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * encmig-xg.h: libxenguest's encrypted-migration hooks, for libxl's
 * save/restore helper.
 *
 * Built against the patched libxenguest (xen/patches/tools/), which
 * defines struct xc_encmig_hooks in xenguest.h; the helper built with
 * LIBXL_SAVE_HELPER_ENCMIG calls this before xc_domain_save/restore.
 */

#ifndef __ENCMIG_XG_H__
#define __ENCMIG_XG_H__

#include <xentoollog.h>
#include <xenctrl.h>
#include <xenguest.h>

/*
 * The hooks for the session named in ENCMIG_SESSION_FD: *out is NULL when
 * that is not set (a plain migration, exactly as before), else hooks that
 * live until the process exits.  -1 with errno, having logged why, when
 * the session cannot be taken.
 */
int encmig_xg_hooks_from_env(xentoollog_logger *lg,
                             struct xc_encmig_hooks **out);

#endif /* __ENCMIG_XG_H__ */
