/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * port.h: everything the encmig engine needs from the platform it runs on.
 *
 * The files of this folder compile in three homes:
 *  - inside Xen (__XEN__): Xen's own headers and services;
 *  - in userspace: the simulated hypervisor under sim/ provides
 *    the services declared below;
 *  - freestanding (ENCMIG_FREESTANDING): `make check-freestanding` builds
 *    every file with the hypervisor's flags against this header alone, to
 *    prove the engine needs nothing from libc or OpenSSL.
 */

#ifndef __ENCMIG_PORT_H__
#define __ENCMIG_PORT_H__

#if defined(__XEN__)

#include <xen/types.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/string.h>
#include <xen/guest_access.h>
#include <xen/nospec.h>
#include <public/encmig.h>

/*
 * Xen 4.17's errno list (public/errno.h) lacks EPROTONOSUPPORT, which the
 * interface returns for another major version: use Linux's value, as every
 * other Xen errno does.
 */
#ifndef EPROTONOSUPPORT
#define EPROTONOSUPPORT 93
#endif

#elif defined(ENCMIG_FREESTANDING)

typedef __UINT8_TYPE__ uint8_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINT64_TYPE__ uint64_t;
typedef __UINTPTR_TYPE__ uintptr_t;
typedef __SIZE_TYPE__ size_t;
typedef _Bool bool;
#define true  1
#define false 0
#define NULL  ((void *)0)

/* Provided by Xen's lib as well as by libc. */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

/* Xen's errno values (xen/include/public/errno.h). */
#define EPERM            1
#define ENOENT           2
#define ESRCH            3
#define EIO              5
#define E2BIG            7
#define ENOMEM          12
#define ENODEV          19
#define EACCES          13
#define EFAULT          14
#define EBUSY           16
#define EEXIST          17
#define EINVAL          22
#define ENOSPC          28
#define ERANGE          34
#define EBADMSG         74
#define EILSEQ          84
#define ERESTART        85
#define EOPNOTSUPP      95
#define EPROTONOSUPPORT 93

#include "../../../../hypercalls/include/public/encmig.h"

#else /* userspace */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../../../hypercalls/include/public/encmig.h"

#endif

#ifndef __XEN__
/*
 * Xen's array_index_nospec(): index when index < size, else 0, computed
 * without a branch the CPU could speculate past (its generic form).
 */
static inline unsigned long encmig_index_mask_nospec(unsigned long index,
                                                     unsigned long size)
{
    return ~(long)(index | (size - 1UL - index)) >> (sizeof(long) * 8 - 1);
}
#define array_index_nospec(index, size) \
    ((index) & encmig_index_mask_nospec(index, size))

/* Guest-handle accessors, as Xen's guest_access.h spells them. */
#define guest_handle_is_null(hnd)        ((hnd).p == NULL)
/* Atomically set a flag; true when it was already set (Xen's name). */
#define test_and_set_bool(b)             __atomic_exchange_n(&(b), true, \
                                                             __ATOMIC_ACQUIRE)
#define encmig_clear_bool(b)             __atomic_store_n(&(b), false, \
                                                          __ATOMIC_RELEASE)
#else
#define encmig_clear_bool(b)             do { smp_mb(); (b) = false; } while ( 0 )
#endif

struct domain;
struct encmig_session;
struct encmig_mem;
struct encmig_cipher_ops;

/*
 * Zeroed memory, aligned to ENCMIG_CACHELINE (Xen's xzalloc_bytes() aligns
 * to SMP_CACHE_BYTES); NULL on failure.
 */
#define ENCMIG_CACHELINE 64
void *encmig_zalloc(size_t size);
/* Free memory from encmig_zalloc(); NULL is fine. */
void encmig_free(void *p);

/* True when a long batch should stop and continue later. */
bool encmig_preempt_check(void);

/*
 * A guest frame mapped for the engine.  va is valid until
 * encmig_frame_put(); hpa is the host physical address of the frame, the
 * tweak of address-dependent memory encryption.
 */
struct encmig_frame {
    void *va;
    uint64_t hpa;
    void *priv;
};

/*
 * Map frame gfn of d.  -EINVAL for a gfn outside the domain, -ESRCH for a
 * hole.  Every successful get is paired with a put.
 */
int encmig_frame_get(struct domain *d, uint64_t gfn, bool writable,
                     struct encmig_frame *f);
void encmig_frame_put(struct domain *d, struct encmig_frame *f);

/* Mark gfn dirty for log-dirty after a write by the engine. */
void encmig_mark_dirty(struct domain *d, uint64_t gfn);

/* Highest valid gfn of d. */
uint64_t encmig_domain_max_gfn(const struct domain *d);

/* Whether d is translated: its gfns are its own guest-physical frames. */
bool encmig_domain_translated(const struct domain *d);

/*
 * The address-independent name of frame gfn of d, which a record carries:
 * the gfn itself for a translated domain; for one that is not (x86 PV,
 * whose gfns are machine frames), the pseudo-physical frame of its M2P
 * entry.  -ESRCH when the frame has none.  Call with the frame held.
 */
int encmig_frame_name(struct domain *d, uint64_t gfn, uint64_t *name);

/*
 * The guest's state (XEN_ENCMIG_STATE_*), which the engine seals and
 * opens but never interprets.  state_size: an upper bound of its bytes,
 * -EINVAL when d has no state of that kind and instance.  state_get:
 * read it into buf (size bytes, from state_size), *len bytes used; the
 * platform pauses d meanwhile.  state_set: load len verified bytes with
 * every check the platform applies to a toolstack's load of that state.
 */
int encmig_state_size(struct domain *d, uint32_t kind, uint32_t instance,
                      size_t *size);
int encmig_state_get(struct domain *d, uint32_t kind, uint32_t instance,
                     void *buf, size_t size, size_t *len);
int encmig_state_set(struct domain *d, uint32_t kind, uint32_t instance,
                     const void *buf, size_t len);

/* The number of vCPUs d was created with, which a state record binds. */
uint32_t encmig_domain_nr_vcpus(const struct domain *d);

/* True when no vCPU of d can run (the toolstack paused it). */
bool encmig_domain_paused(const struct domain *d);

/*
 * len bytes fit for keys from the platform's random number generator
 * (in Xen, RDRAND); -ENODEV when it has none, which leaves the
 * hypervisor without an identity (level 1 only).
 */
int encmig_rng(void *buf, size_t len);

/*
 * The identity of the hypervisor d runs on (identity.h), held for the
 * caller until encmig_identity_put(): one per hypervisor, shared by all
 * its domains.  Never NULL; it may not be ready.
 */
struct encmig_identity;
struct encmig_identity *encmig_identity_get(struct domain *d);
void encmig_identity_put(struct domain *d);

/* Where d keeps its session pointer. */
struct encmig_session **encmig_domain_session(struct domain *d);

/* How d's memory is kept encrypted (its memory key and backend). */
const struct encmig_mem *encmig_domain_mem(const struct domain *d);

/* The cipher implementation the engine uses for d's sessions. */
const struct encmig_cipher_ops *encmig_domain_cipher(const struct domain *d);

/*
 * True when this CPU has AES-NI, PCLMULQDQ and SSSE3, which the
 * encmig_cipher_aesni ops need (aesni.h); in Xen, cpu_has_aesni &&
 * cpu_has_pclmulqdq && cpu_has_ssse3.
 */
bool encmig_cpu_has_aesni(void);

/*
 * True when, besides the above, this CPU has AVX2, VAES and VPCLMULQDQ
 * and the YMM state is usable (OSXSAVE, XCR0's SSE and YMM bits), which
 * the encmig_cipher_vaes ops need (vaes.h).
 */
bool encmig_cpu_has_vaes(void);

/* Copy to / from the caller's buffers; 0 or -EFAULT. */
int encmig_copy_to_buf(XEN_GUEST_HANDLE_64(uint8) buf, uint64_t off,
                       const void *src, size_t len);
int encmig_copy_from_buf(void *dst, XEN_GUEST_HANDLE_64(uint8) buf,
                         uint64_t off, size_t len);
int encmig_copy_gfn_from_buf(uint64_t *gfn, XEN_GUEST_HANDLE_64(uint64) list,
                             uint64_t idx);

#endif /* __ENCMIG_PORT_H__ */
