/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sim.h: the simulated hypervisor.
 *
 * A model of a platform with memory encryption, in one process: hosts,
 * each with its own host-physical address space; domains whose frames are
 * kept AES-256-XTS encrypted under a per-domain key with the frame's host
 * physical address as tweak (the xts-sim backend); log-dirty tracking;
 * pause and unpause; a workload that keeps writing pages while the domain
 * runs.  It serves XEN_DOMCTL_encmig_op with the same engine source that
 * Xen builds.  Nothing here runs on real Xen: real Xen 4.17 has no guest
 * memory encryption.
 *
 * Functions return 0 or -errno.
 */

#ifndef __ENCMIG_SIM_H__
#define __ENCMIG_SIM_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../hypercalls/include/public/encmig.h"

struct sim_host;
struct encmig_cipher_ops;

#define SIM_PAGE_SIZE          XEN_ENCMIG_PAGE_SIZE
#define SIM_MAX_DOMAINS        64
#define SIM_VCPU_STATE_SIZE    512

/*
 * A host.  id picks its host-physical layout, so two hosts place the same
 * guest frame at different addresses.  cipher is what the engine uses for
 * the migration key (NULL: sim_default_cipher()).  The memory engine of
 * the model runs on OpenSSL, as hardware would run at its own speed,
 * except under ops that fuse the memory key's decryption into the seal
 * (xts_dec_gcm_seal), where it runs on those ops for the export to fuse.
 */
struct sim_host *sim_host_new(unsigned int id,
                              const struct encmig_cipher_ops *cipher);

/* The VAES ops where the CPU has them, else OpenSSL's. */
const struct encmig_cipher_ops *sim_default_cipher(void);
void sim_host_free(struct sim_host *h);

/* The cipher for sessions set up from now on. */
void sim_host_set_cipher(struct sim_host *h,
                         const struct encmig_cipher_ops *cipher);

/*
 * Test knob: from now on count the blocks the engine frees without having
 * wiped them first (sessions, scratch, key schedules).
 */
void sim_check_wipes(bool on);
unsigned long sim_unwiped_frees(void);

/*
 * Test knob: the host's hypervisor loses its identity, as one that booted
 * without a random number generator fit for keys: level 1 only.
 */
void sim_host_drop_identity(struct sim_host *h);
/*
 * Test knob: the identity as after a reboot: a new key pair, no pins, not
 * locked, no agreement waiting (the fuzzer's host lives across inputs).
 */
void sim_host_reboot_identity(struct sim_host *h);

/* Test knob: make the engine's preemption check fire every n pages. */
void sim_host_set_preempt(struct sim_host *h, unsigned int every);
/*
 * Test knob: every import on stream first waits us microseconds (0: none),
 * as a stream whose CPU is busy elsewhere falls behind the others.
 */
void sim_host_set_import_lag(struct sim_host *h, unsigned int stream,
                             unsigned int us);

/* Create a domain of nr_frames zero pages, paused.  Its domid in *domid. */
int sim_domain_create(struct sim_host *h, uint64_t nr_frames, domid_t *domid);
int sim_domain_destroy(struct sim_host *h, domid_t domid);
/*
 * The first half of a destroy, as after Xen's domain_kill() has begun:
 * the domain still exists, but is dying, and hypercalls on it fail with
 * -ESRCH.  sim_domain_destroy() finishes it.
 */
int sim_domain_kill(struct sim_host *h, domid_t domid);
int sim_domain_pause(struct sim_host *h, domid_t domid);
int sim_domain_unpause(struct sim_host *h, domid_t domid);
int sim_domain_info(struct sim_host *h, domid_t domid, uint64_t *nr_frames,
                    bool *paused);

/* The guest's own view of a page: plaintext through the memory engine. */
int sim_guest_read(struct sim_host *h, domid_t domid, uint64_t gfn,
                   uint8_t *page);
int sim_guest_write(struct sim_host *h, domid_t domid, uint64_t gfn,
                    const uint8_t *page);

/* What a DMA of the frame would see: ciphertext, and where it lives. */
int sim_frame_raw(struct sim_host *h, domid_t domid, uint64_t gfn,
                  uint8_t *page, uint64_t *hpa);

/* SHA-256 of the guest's plaintext memory, gfn order. */
int sim_domain_hash(struct sim_host *h, domid_t domid, uint8_t out[32]);

/* Log-dirty: enable (clearing the bitmap), disable, read-and-clear. */
int sim_logdirty_enable(struct sim_host *h, domid_t domid, bool enable);
/*
 * Copy the dirty bitmap into bitmap (bits of nr_frames, rounded up to
 * 64-bit words) and clear it; *count gets the number of dirty pages.
 */
int sim_logdirty_clean(struct sim_host *h, domid_t domid, uint64_t *bitmap,
                       size_t words, uint64_t *count);

/*
 * The workload: while the domain runs, write pages_per_s pages a second
 * (random gfns, a counter per page), as a busy guest would.  It stops
 * writing while the domain is paused.
 */
int sim_workload_start(struct sim_host *h, domid_t domid,
                       uint64_t pages_per_s, uint64_t seed);
int sim_workload_stop(struct sim_host *h, domid_t domid, uint64_t *writes);

/* The vCPU state blob, SIM_VCPU_STATE_SIZE bytes. */
int sim_vcpu_get(struct sim_host *h, domid_t domid, uint8_t *state);
int sim_vcpu_set(struct sim_host *h, domid_t domid, const uint8_t *state);

/*
 * The hypercall: XEN_DOMCTL_encmig_op on domid by a caller that is
 * privileged or not.  Returns 0, -ERESTART (continue with op as it was
 * left) or -errno.
 */
int sim_domctl_encmig(struct sim_host *h, bool privileged, domid_t domid,
                      struct xen_domctl_encmig_op *op);

/*
 * Hypercall buffers: the model only lets the hypervisor copy to and from
 * memory registered here, so a short or stray buffer gets -EFAULT as it
 * would from Xen.
 */
void *sim_buf_alloc(size_t size);
void sim_buf_free(void *p, size_t size);

#endif /* __ENCMIG_SIM_H__ */
