/* SPDX-License-Identifier: MIT */
/*
 * encmig-compat.h
 *
 * The few definitions of Xen's public xen.h that encmig.h needs, for
 * userspace builds without the Xen headers.  When xen.h (or xenctrl.h) was
 * included first its own definitions stand and nothing here is used.
 */

#ifndef __XEN_PUBLIC_ENCMIG_COMPAT_H__
#define __XEN_PUBLIC_ENCMIG_COMPAT_H__

#ifndef __XEN_PUBLIC_XEN_H__

#if defined(ENCMIG_FREESTANDING)
typedef __UINT8_TYPE__ uint8_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINT64_TYPE__ uint64_t;
#else
#include <stdint.h>
#endif

#if !defined(__x86_64__) && !defined(__aarch64__)
#error "encmig: only 64-bit hosts are supported"
#endif

#ifndef uint64_aligned_t
#define uint64_aligned_t uint64_t __attribute__((__aligned__(8)))
#endif

/* The x86-64 guest handle: a struct around a pointer, as in Xen. */
#define ___DEFINE_XEN_GUEST_HANDLE(name, type) \
    typedef struct { type *p; } __guest_handle_ ## name
#define __DEFINE_XEN_GUEST_HANDLE(name, type) \
    ___DEFINE_XEN_GUEST_HANDLE(name, type); \
    ___DEFINE_XEN_GUEST_HANDLE(const_##name, const type)
#define __XEN_GUEST_HANDLE(name)        __guest_handle_ ## name
#define XEN_GUEST_HANDLE(name)          __XEN_GUEST_HANDLE(name)
#define XEN_GUEST_HANDLE_64(name)       XEN_GUEST_HANDLE(name)
#define set_xen_guest_handle_raw(hnd, val) do { (hnd).p = (val); } while ( 0 )
#define set_xen_guest_handle(hnd, val)  set_xen_guest_handle_raw(hnd, val)

__DEFINE_XEN_GUEST_HANDLE(uint8, uint8_t);
__DEFINE_XEN_GUEST_HANDLE(uint64, uint64_t);

typedef uint16_t domid_t;

#endif /* __XEN_PUBLIC_XEN_H__ */

#endif /* __XEN_PUBLIC_ENCMIG_COMPAT_H__ */
