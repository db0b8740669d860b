/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * guest-check.h: whether encmig can seal all of a guest's state.
 */

#ifndef __ENCMIG_GUEST_CHECK_H__
#define __ENCMIG_GUEST_CHECK_H__

#include <stddef.h>

#include <libxl.h>

/*
 * 0 when every part of the guest described by c can cross sealed; -1
 * with the first reason it cannot in why (len bytes) otherwise.
 */
int encmig_guest_check(const libxl_domain_config *c, char *why, size_t len);

#endif /* __ENCMIG_GUEST_CHECK_H__ */
