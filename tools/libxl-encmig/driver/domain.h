/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * domain.h: the platform below the migration driver.
 *
 * send.c and receive.c know nothing of where a guest lives: they call
 * these ops, in the manner of libxenguest's struct xc_sr_save_ops, and
 * the hypercall interface (encmig_hc.h) that the platform hands them.
 * Every op returns 0 or -errno; -ESRCH means there is no such domain.
 * The instances: the simulator (domain-sim.c).  On real Xen a guest is
 * migrated by libxenguest, whose own ops table plays this part, through
 * the hooks of xg-hooks.c over the same core (core.h).
 */

#ifndef __ENCMIG_DOMAIN_H__
#define __ENCMIG_DOMAIN_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../../hypercalls/include/public/encmig.h"

struct encmig_hc;

struct encmig_domain_ops {
    /* The guest's size in frames and whether it is paused; either
     * pointer may be NULL. */
    int (*info)(void *plat, domid_t d, uint64_t *nr_frames, bool *paused);
    /* A new guest of nr_frames zero frames, paused; its id in *d.  The
     * destination builds into it and starts it only on GO. */
    int (*create)(void *plat, uint64_t nr_frames, domid_t *d);
    /* Destroy the guest.  Its encrypted-migration session dies with it,
     * keys wiped, in the hypervisor. */
    int (*destroy)(void *plat, domid_t d);
    int (*pause)(void *plat, domid_t d);
    int (*unpause)(void *plat, domid_t d);
    /* Log-dirty tracking on (the bitmap starts clear) or off. */
    int (*logdirty)(void *plat, domid_t d, bool on);
    /*
     * The frames written since tracking began or since the last call:
     * their bits set in bitmap (words 64-bit words, caller's memory, all
     * of it overwritten), then cleared in the hypervisor; their number in
     * *count.
     */
    int (*dirty_clean)(void *plat, domid_t d, uint64_t *bitmap,
                       size_t words, uint64_t *count);
    /*
     * vCPU 0's state, SIM_VCPU_STATE_SIZE bytes: a secret of the guest,
     * which the caller wipes.  Only the plain mode uses these; encrypted,
     * the hypervisor seals and opens the state itself (save_state,
     * load_state) and dom0 never sees it.
     */
    int (*vcpu_get)(void *plat, domid_t d, uint8_t *state);
    int (*vcpu_set)(void *plat, domid_t d, const uint8_t *state);
    /*
     * A frame's plaintext as dom0 would map it: only the plain mode,
     * which is `xl migrate` as it is, uses these.
     */
    int (*page_read)(void *plat, domid_t d, uint64_t gfn, uint8_t *page);
    int (*page_write)(void *plat, domid_t d, uint64_t gfn,
                      const uint8_t *page);
    /* SHA-256 of the guest's memory in gfn order: a check that the
     * model moved the guest whole, no part of the security. */
    int (*hash)(void *plat, domid_t d, uint8_t out[32]);
    /* The hypervisor's encmig sub-ops for this platform, privileged; the
     * caller closes it.  NULL with errno set. */
    struct encmig_hc *(*hc_open)(void *plat);
};

struct encmig_platform {
    const struct encmig_domain_ops *ops;
    void *plat;
};

struct sim_host;

/* The simulator: the guests of host h. */
struct encmig_platform encmig_platform_sim(struct sim_host *h);

#endif /* __ENCMIG_DOMAIN_H__ */
