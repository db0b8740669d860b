/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xl-level.h: which level an `xl migrate --encrypted` runs at, agreed on
 * xl's migration pipe right after the key handshake.
 *
 * Level 1: the helper hands the page, state and end keys, derived from
 * the handshake, to its hypervisor.  Level 2: the two hypervisors agree
 * them (docs/abi.md, "Level 2") and xl only relays: the source's offer
 * (S_S || E_S), the destination's answer (S_D || blob).  The source
 * proposes; ENCMIG_LEVEL in its environment says what: 1, 2, or auto
 * (unset: 2 when this host's hypervisor has an identity, else 1).  The
 * destination takes the proposal if it can, and ENCMIG_LEVEL=2 there
 * refuses level 1.  The source also names the number of streams
 * (xl migrate --streams N, 1 to 16), which the destination takes and
 * repeats.  docs/stream.md, section 6, has the messages:
 *
 *   source: u32be level || u32be streams || (level 2) offer[64]   || MAC
 *   dest:   u32be level || u32be streams || (level 2) answer[144] || MAC
 *
 * At level 2 the source's export session is set up here, on the guest;
 * the destination's agreement waits in its hypervisor until the helper
 * has the new guest claim it (xg-session.c).  0, or -errno having said
 * why on stderr after who.
 */

#ifndef __ENCMIG_XL_LEVEL_H__
#define __ENCMIG_XL_LEVEL_H__

#include <stdint.h>

struct encmig_core;
struct encmig_hc;

/*
 * hc: this host's hypervisor, which the caller keeps; *level: agreed;
 * streams: the source's choice, *streams the destination's copy of it.
 */
int encmig_xl_level_source(struct encmig_core *c, struct encmig_hc *hc,
                           int rfd, int wfd, uint32_t domid, uint32_t streams,
                           uint32_t *level, const char *who);
int encmig_xl_level_dest(struct encmig_core *c, struct encmig_hc *hc,
                         int rfd, int wfd, uint32_t *level, uint32_t *streams,
                         const char *who);

#endif /* __ENCMIG_XL_LEVEL_H__ */
