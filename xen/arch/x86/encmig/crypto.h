/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crypto.h: the cipher operations under the re-key engine.
 *
 * The engine never calls a cipher directly: it goes through an ops table,
 * so the same engine runs on the portable constant-time C of this folder
 * (what the hypervisor uses), on OpenSSL's EVP in userspace, and later on
 * the AES-NI path.  Every implementation must produce the same bytes.
 *
 * A context is shared: several threads (vCPUs) may call with the same
 * context at once, so an implementation keeps per-call state off it.
 */

#ifndef __ENCMIG_CRYPTO_H__
#define __ENCMIG_CRYPTO_H__

#include "port.h"

#define ENCMIG_AES_BLOCK     16
#define ENCMIG_AES256_KEY    32
#define ENCMIG_XTS_KEY       64   /* data key || tweak key */
#define ENCMIG_XTS_TWEAK     16
#define ENCMIG_GCM_KEY       32
#define ENCMIG_GCM_IV        12
#define ENCMIG_GCM_TAG       16

struct encmig_cipher_ops {
    const char *name;
    uint32_t probe_caps;          /* XEN_ENCMIG_CAP_* it brings to probe */

    /*
     * AES-256-XTS (IEEE 1619) over one data unit.  *ctx is allocated by
     * xts_new and freed, key schedule wiped, by xts_free.  len must be a
     * non-zero multiple of 16 (no ciphertext stealing): -EINVAL otherwise.
     * in and out may be equal.
     */
    int (*xts_new)(void **ctx, const uint8_t key[ENCMIG_XTS_KEY]);
    int (*xts_crypt)(void *ctx, bool encrypt,
                     const uint8_t tweak[ENCMIG_XTS_TWEAK],
                     const uint8_t *in, uint8_t *out, size_t len);
    void (*xts_free)(void *ctx);

    /*
     * AES-256-GCM with a 96-bit IV and a 16-byte tag.  aad and in may be
     * empty (length 0, pointer may then be NULL).  gcm_open returns
     * -EBADMSG when the tag does not verify, after wiping out; the tag is
     * compared in constant time.  in and out may be equal.
     */
    int (*gcm_new)(void **ctx, const uint8_t key[ENCMIG_GCM_KEY]);
    int (*gcm_seal)(void *ctx, const uint8_t iv[ENCMIG_GCM_IV],
                    const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len,
                    uint8_t *out, uint8_t tag[ENCMIG_GCM_TAG]);
    int (*gcm_open)(void *ctx, const uint8_t iv[ENCMIG_GCM_IV],
                    const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len,
                    const uint8_t tag[ENCMIG_GCM_TAG], uint8_t *out);
    void (*gcm_free)(void *ctx);

    /*
     * Optional, NULL where not offered: the export's re-key in one pass.
     * in is XTS-decrypted under xts (from these ops' xts_new) and tweak,
     * and the plaintext GCM-sealed under gcm (these ops' gcm_new) into
     * out and tag: the same bytes as xts_crypt then gcm_seal, without the
     * plaintext being stored anywhere.  -EOPNOTSUPP for a length it does
     * not take (the caller then makes the two calls); in and out may be
     * equal.
     */
    int (*xts_dec_gcm_seal)(void *xts, const uint8_t tweak[ENCMIG_XTS_TWEAK],
                            void *gcm, const uint8_t iv[ENCMIG_GCM_IV],
                            const uint8_t *aad, size_t aad_len,
                            const uint8_t *in, size_t len,
                            uint8_t *out, uint8_t tag[ENCMIG_GCM_TAG]);
};

/* Portable constant-time C: no secret-indexed loads, no secret branches. */
extern const struct encmig_cipher_ops encmig_cipher_portable;

/* True when the len bytes at a and b are equal; time independent of data. */
bool encmig_ct_memeq(const void *a, const void *b, size_t len);

/* Zero len bytes at p in a way the compiler cannot drop. */
void encmig_wipe(void *p, size_t len);

#endif /* __ENCMIG_CRYPTO_H__ */
