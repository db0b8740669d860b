/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vaes.h: the AES-NI ops with the export's re-key fused into one pass
 * on VAES and VPCLMULQDQ (rekey-vaes.S).
 *
 * encmig_cipher_vaes is encmig_cipher_aesni (same contexts, same bytes)
 * with XTS and GCM on 256-bit registers, plus xts_dec_gcm_seal: a page is
 * read once, XTS-decrypted, encrypted in GCM's counter mode and hashed,
 * sixteen blocks in flight, and its plaintext never leaves the registers.
 *
 * A caller's duties are those of aesni.h, and two more:
 *
 *  - Check encmig_cpu_has_vaes() (the AES-NI set, and AVX2, VAES and
 *    VPCLMULQDQ with the YMM state enabled in XCR0) before choosing these
 *    ops; xts_new and gcm_new refuse with -EOPNOTSUPP otherwise.
 *
 *  - Around every op, own the AVX state as well: the assembly
 *    overwrites ymm0..ymm15 (and the upper bits of zmm0..zmm15 where
 *    AVX-512 is on) and leaves them zero (vzeroall).  Inside Xen that
 *    means saving the vCPU's extended state and running with XCR0's YMM
 *    bit set for the duration.
 */

#ifndef __ENCMIG_VAES_H__
#define __ENCMIG_VAES_H__

#include "aesni.h"

extern const struct encmig_cipher_ops encmig_cipher_vaes;

/*
 * What rekey-vaes.S reads and updates; the offsets are fixed there
 * (VA_*) and checked in cipher-vaes.c.  tweak is T_0 = E_K2(tweak) and
 * ctr the first counter block; y is the GHASH so far, updated.  Holds
 * secrets: its owner wipes it.
 */
struct encmig_vaes_args {
    const struct encmig_aesni_key *xts;     /* Key1's schedule */
    const struct encmig_aesni_key *gcm;     /* GCM key, encryption */
    const uint8_t *htab;                    /* H^8 .. H^1, times x^-1 */
    uint8_t tweak[16];
    uint8_t ctr[16];
    uint8_t y[16];
};

/*
 * The GCM context of these ops: the AES-NI one, then its GHASH powers in
 * the order the 256-bit GHASH takes them.
 */
struct encmig_vaes_gcm {
    struct encmig_aesni_gcm base;
    uint8_t htab[8][16];
};

/*
 * out := GCM's counter mode over the XTS decryption of in, a->y :=
 * GHASH continued over out, for the first nblocks - nblocks % 8 blocks.
 */
void encmig_vaes_xts_dec_gcm_enc(struct encmig_vaes_args *a,
                                 const uint8_t *in, uint8_t *out,
                                 size_t nblocks);

/*
 * XTS over nblocks whole blocks (any number), a->xts Key1's encryption
 * (decryption) schedule, a->tweak T_0; sixteen blocks at a time.
 */
void encmig_vaes_xts_encrypt(struct encmig_vaes_args *a, const uint8_t *in,
                             uint8_t *out, size_t nblocks);
void encmig_vaes_xts_decrypt(struct encmig_vaes_args *a, const uint8_t *in,
                             uint8_t *out, size_t nblocks);

/*
 * GCM's two halves on 256-bit registers, for the ops' gcm_seal and
 * gcm_open: a->y := GHASH continued over the first nblocks - nblocks % 8
 * blocks of in; out := in XOR the keystream of a->gcm from counter block
 * a->ctr over the first nblocks - nblocks % 16 blocks.
 */
void encmig_vaes_ghash(struct encmig_vaes_args *a, const uint8_t *in,
                       size_t nblocks);
void encmig_vaes_ctr32(struct encmig_vaes_args *a, const uint8_t *in,
                       uint8_t *out, size_t nblocks);

#endif /* __ENCMIG_VAES_H__ */
