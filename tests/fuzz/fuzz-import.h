/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz-import.h: the input layout of fuzz-import, shared with the corpus
 * generator.  Integers are little-endian; an input that runs out reads as
 * zeros.
 *
 *   u8   cfg       bits 0-1 the session the harness sets up first, under a
 *                  random key (FI_SESSION_*); bit 2 copy-only buffers;
 *                  bit 3 the portable cipher (else OpenSSL); bit 4 the
 *                  domain runs (else paused); bits 5-7 preempt every n pages
 *   u8   streams   the session's streams: (streams & 15) + 1; bit 4: the
 *                  AES-NI cipher, where the CPU has it (it wins over bit 3
 *                  of cfg)
 *   2 x  buffer    u8 nrec, s8 delta, u8 mode: a hypercall buffer of
 *                  max(1, (nrec % 5) * XEN_ENCMIG_REC_SIZE + delta) bytes;
 *                  mode bit 0: record i of it gets seq = i
 *   u8   nops      nops % FI_MAX_OPS + 1 operations follow
 *   op   ...       each: u8 target (FI_TARGET_*, % 16), u8 cmd, u8 vsel
 *                  (bit 0: a u32 version follows, else the right one),
 *                  [u32 version], u8 h0, u8 h1 (FI_HANDLE_*, % 4), s16 off0,
 *                  s16 off1, then the 96 bytes of the op's union
 *   rest           copied to the start of every record slot of both
 *                  buffers (the rest of each slot is zero)
 *
 * Handle 0 is setup.keymat, export.gfns or import.buf; handle 1 is
 * export.buf.  A handle points at buffer 0 or 1 plus its offset, or is
 * NULL, or keeps the raw pointer the union holds.
 */

#ifndef __ENCMIG_FUZZ_IMPORT_H__
#define __ENCMIG_FUZZ_IMPORT_H__

#define FI_SESSION_NONE     0
#define FI_SESSION_EXPORT   1
#define FI_SESSION_IMPORT   2

#define FI_CFG_UNUSED       (1U << 2)   /* was: records by copy only */
#define FI_CFG_PORTABLE     (1U << 3)
#define FI_CFG_RUNNING      (1U << 4)
#define FI_CFG_PREEMPT(n)   ((unsigned int)(n) << 5)
#define FI_STREAMS_AESNI    (1U << 4)

#define FI_MAX_OPS          6
#define FI_MAX_RECS         4       /* records per buffer, at most */
#define FI_BUF_SEQ          (1U << 0)

#define FI_TARGET_DOM0      0       /* domid 0: -EINVAL */
#define FI_TARGET_UNPRIV    1       /* an unprivileged caller: -EPERM */
#define FI_TARGET_ABSENT    2       /* no such domain: -ESRCH */
#define FI_TARGET_DOMAIN    3       /* (and above) the domain */

#define FI_HANDLE_BUF0      0
#define FI_HANDLE_BUF1      1
#define FI_HANDLE_NULL      2
#define FI_HANDLE_RAW       3

/* The domain: a few pages. */
#define FI_DOMAIN_PAGES     5

#endif /* __ENCMIG_FUZZ_IMPORT_H__ */
