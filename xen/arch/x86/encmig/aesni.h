/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aesni.h: AES-256-XTS and AES-256-GCM on AES-NI and PCLMULQDQ.
 *
 * encmig_cipher_aesni is the third implementation of the cipher ops
 * (crypto.h), byte for byte the same as encmig_cipher_portable and
 * OpenSSL's.  The arithmetic is in aesni.S and ghash-pclmul.S, assembled
 * separately because the hypervisor is compiled with -mno-sse: the C of
 * cipher-aesni.c never touches an XMM register, it only calls the
 * functions below.
 *
 * What a caller inside Xen must do around every call into these ops
 * (the port layer's job, not the engine's):
 *
 *  - Check encmig_cpu_has_aesni() (AES-NI, PCLMULQDQ and SSSE3) before
 *    choosing these ops; xts_new and gcm_new refuse with -EOPNOTSUPP
 *    otherwise, so no other op can be reached without them.
 *
 *  - Own the FPU for the duration: save the current vCPU's FPU/SSE state
 *    and clear CR0.TS before the call, restore the state afterwards (in
 *    Xen, save_fpu_enable() then the pattern of hvmemul_put_fpu()).
 *    xmm0..xmm15 are overwritten freely, and left zeroed.  The bracket
 *    may cover one op or a whole batch, but it must be closed before any
 *    preemption point or continuation: nothing between may schedule.
 *    Only legacy-encoded SSE2/SSSE3/AES-NI/PCLMULQDQ instructions are
 *    used: no VEX, so the guest's XCR0 does not matter, and the upper
 *    halves of YMM/ZMM registers are left as they were.  MXCSR is
 *    neither read nor written; x87 state is not used.
 *
 *  - Nothing else.  No alignment is required of any buffer, key or
 *    context (they are only accessed with movdqu); in and out may be
 *    equal.  The assembly functions are leaf functions following the SysV
 *    x86-64 ABI (rbx, rbp, r12..r15 preserved), never write below %rsp, do not
 *    depend on the caller's stack alignment, and use at most 152 bytes
 *    of stack below the return address (the XTS functions, which zero it
 *    before returning; the others use none).  They call nothing, take no
 *    locks and may run with interrupts off; one call handles one XTS
 *    data unit (at most 16 MiB, 4 KiB in the engine's use) or one GCM
 *    record.  With the C of the ops around them, a call into an op
 *    needs under 400 bytes of stack in all (gcm_open, compute_tag,
 *    ghash_padded, the assembly: about 330 with gcc 12 -O2), and calls only
 *    memcpy and memset besides, plus encmig_zalloc and encmig_free in
 *    xts_new, gcm_new and the frees.
 *
 * Constant time: AES-NI and PCLMULQDQ take data-independent time and
 * there are no table lookups; branches and loop counts depend only on
 * lengths.
 */

#ifndef __ENCMIG_AESNI_H__
#define __ENCMIG_AESNI_H__

#include "crypto.h"

/* The AES-NI/PCLMULQDQ ops; only for a CPU where encmig_cpu_has_aesni(). */
extern const struct encmig_cipher_ops encmig_cipher_aesni;

/* ---- key schedules and contexts -------------------------------------- */

#define ENCMIG_AESNI_ROUND_KEYS  15     /* AES-256: 14 rounds */

/* An AES-256 key schedule: 15 round keys, in the byte order of AES-NI. */
struct encmig_aesni_key {
    uint8_t rk[ENCMIG_AESNI_ROUND_KEYS][16];
};

/*
 * The GHASH key: H^1..H^8 (times x^-1, in the bit-reflected form that
 * PCLMULQDQ multiplies; see ghash-pclmul.S), then for each the XOR of its
 * two 64-bit halves, for Karatsuba.  Layout known to ghash-pclmul.S.
 */
struct encmig_ghash_key {
    uint8_t h[8][16];
    uint8_t kara[8][16];
};

/* The contexts of the ops, shared with the VAES ops (vaes.h). */
struct encmig_aesni_xts {
    struct encmig_aesni_key k1e;        /* Key1, encryption */
    struct encmig_aesni_key k1d;        /* Key1, decryption */
    struct encmig_aesni_key k2e;        /* Key2 (tweak), encryption */
};

struct encmig_aesni_gcm {
    struct encmig_aesni_key ek;
    struct encmig_ghash_key hk;
};

/* ---- GCM glue of cipher-aesni.c, for the VAES ops (cipher-vaes.c) ---- */

/* gcm's key schedule and GHASH table for key. */
void encmig_aesni_gcm_init(struct encmig_aesni_gcm *gcm,
                           const uint8_t key[ENCMIG_GCM_KEY]);

/* y := GHASH continued over len bytes, a partial last block zero-padded. */
void encmig_aesni_ghash_padded(const struct encmig_aesni_gcm *gcm,
                               uint8_t y[16], const uint8_t *p, size_t len);

/* IV || 0^24 || ctr: J0 is counter 1, the data starts at counter 2. */
void encmig_aesni_counter_block(uint8_t blk[16],
                                const uint8_t iv[ENCMIG_GCM_IV], uint8_t ctr);

/*
 * tag := GHASH(y continued over the lengths block) ^ E_K(J0), for y the
 * GHASH of the padded AAD and ciphertext; y is wiped.
 */
void encmig_aesni_gcm_tag(const struct encmig_aesni_gcm *gcm,
                          const uint8_t iv[ENCMIG_GCM_IV], uint8_t y[16],
                          size_t aad_len, size_t len,
                          uint8_t tag[ENCMIG_GCM_TAG]);

/* ---- the assembly, for the ops and the tests ------------------------- */

/* The encryption schedule of a 256-bit key. */
void encmig_aesni_set_key256(struct encmig_aesni_key *ek,
                             const uint8_t key[32]);
/* The decryption (equivalent inverse cipher) schedule; dk != ek. */
void encmig_aesni_inv_key(struct encmig_aesni_key *dk,
                          const struct encmig_aesni_key *ek);

/* nblocks independent blocks (ECB); in and out may be equal. */
void encmig_aesni_ecb_encrypt(const struct encmig_aesni_key *ek,
                              const uint8_t *in, uint8_t *out,
                              size_t nblocks);
void encmig_aesni_ecb_decrypt(const struct encmig_aesni_key *dk,
                              const uint8_t *in, uint8_t *out,
                              size_t nblocks);

/*
 * XTS over one data unit of nblocks (>= 0) whole blocks: T_0 = E_K2(tweak)
 * with k2e, the data with k1e (encrypt) or k1d (decrypt, inverse schedule
 * of Key1).  Eight blocks in flight at a time.
 */
void encmig_aesni_xts_encrypt(const struct encmig_aesni_key *k1e,
                              const struct encmig_aesni_key *k2e,
                              const uint8_t tweak[16], const uint8_t *in,
                              uint8_t *out, size_t nblocks);
void encmig_aesni_xts_decrypt(const struct encmig_aesni_key *k1d,
                              const struct encmig_aesni_key *k2e,
                              const uint8_t tweak[16], const uint8_t *in,
                              uint8_t *out, size_t nblocks);

/*
 * out = in XOR the keystream E(ctr), E(inc32(ctr)), ... for any len
 * (GCM's counter mode: the last four bytes count big-endian, modulo
 * 2^32).  Eight blocks in flight at a time.
 */
void encmig_aesni_ctr32(const struct encmig_aesni_key *ek,
                        const uint8_t ctr[16], const uint8_t *in,
                        uint8_t *out, size_t len);

/* The GHASH key table for hash key h (E_K(0^128) in GCM). */
void encmig_pclmul_ghash_init(struct encmig_ghash_key *hk,
                              const uint8_t h[16]);

/*
 * y = GHASH continued over nblocks whole blocks (y all zero to start;
 * the caller pads a partial block with zeroes).
 */
void encmig_pclmul_ghash(const struct encmig_ghash_key *hk, uint8_t y[16],
                         const uint8_t *in, size_t nblocks);

#endif /* __ENCMIG_AESNI_H__ */
