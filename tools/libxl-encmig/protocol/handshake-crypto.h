/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * handshake-crypto.h: the key schedule of the handshake, suite 1:
 * X25519 + Ed25519 + HKDF-SHA256 + AES-256-GCM.  docs/handshake.md
 * states it; this file is its only implementation, shared by both ends.
 *
 * Every function returns 0 or -errno: -EBADMSG when something from the
 * peer does not verify, -EIO when OpenSSL fails.  Outputs are only
 * written on success, and every intermediate secret is wiped.
 */

#ifndef __ENCMIG_HANDSHAKE_CRYPTO_H__
#define __ENCMIG_HANDSHAKE_CRYPTO_H__

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "handshake-msg.h"

#define ENCMIG_HS_HASH_SIZE          32
#define ENCMIG_HS_SHARED_SIZE        32
#define ENCMIG_HS_KEK_SIZE           32

/* Domain-separation labels; none includes a NUL. */
#define ENCMIG_HS_LABEL_TH           "encmig-hs-v2"
#define ENCMIG_HS_LABEL_SIG          "encmig-hs-v2 sig"
#define ENCMIG_HS_LABEL_SOURCE_SIG   "encmig-hs-v2 source sig"
#define ENCMIG_HS_LABEL_KEK          "encmig v2 kek"

/* A fresh ephemeral X25519 key and its public half. */
int encmig_hs_eph_new(EVP_PKEY **key, uint8_t pub[ENCMIG_HS_PUB_SIZE]);

/* X25519(key, peer).  A low-order peer point (all-zero result) is
 * refused with -EBADMSG. */
int encmig_hs_eph_derive(EVP_PKEY *key, const uint8_t peer[ENCMIG_HS_PUB_SIZE],
                         uint8_t shared[ENCMIG_HS_SHARED_SIZE]);

/* TH = SHA-256(LABEL_TH || HELLO body || REPLY prefix). */
int encmig_hs_transcript(const uint8_t *hello, size_t hello_len,
                         const uint8_t *prefix, size_t prefix_len,
                         uint8_t th[ENCMIG_HS_HASH_SIZE]);

/* KEK = HKDF-SHA256(ikm = shared, salt = TH, info = LABEL_KEK). */
int encmig_hs_kek(const uint8_t shared[ENCMIG_HS_SHARED_SIZE],
                  const uint8_t th[ENCMIG_HS_HASH_SIZE],
                  uint8_t kek[ENCMIG_HS_KEK_SIZE]);

/*
 * AES-256-GCM under the KEK, IV of 12 zero bytes (each KEK is used
 * once), additional data TH.  wrapped = ciphertext(64) || tag(16).
 * Unwrap returns -EBADMSG when the tag does not verify or the material
 * is malformed (non-zero pad).
 */
int encmig_hs_wrap(const uint8_t kek[ENCMIG_HS_KEK_SIZE],
                   const uint8_t th[ENCMIG_HS_HASH_SIZE],
                   const struct xen_encmig_keymat *km,
                   uint8_t wrapped[ENCMIG_HS_WRAPPED_SIZE]);
int encmig_hs_unwrap(const uint8_t kek[ENCMIG_HS_KEK_SIZE],
                     const uint8_t th[ENCMIG_HS_HASH_SIZE],
                     const uint8_t wrapped[ENCMIG_HS_WRAPPED_SIZE],
                     struct xen_encmig_keymat *km);

/* The destination's: Ed25519 over LABEL_SIG || TH || wrapped.  Verify:
 * 0 or -EBADMSG. */
int encmig_hs_sign(EVP_PKEY *hostkey, const uint8_t th[ENCMIG_HS_HASH_SIZE],
                   const uint8_t wrapped[ENCMIG_HS_WRAPPED_SIZE],
                   uint8_t sig[ENCMIG_HS_SIG_SIZE]);
int encmig_hs_verify(const uint8_t host_pub[ENCMIG_HS_PUB_SIZE],
                     const uint8_t th[ENCMIG_HS_HASH_SIZE],
                     const uint8_t wrapped[ENCMIG_HS_WRAPPED_SIZE],
                     const uint8_t sig[ENCMIG_HS_SIG_SIZE]);

/*
 * The source's: Ed25519 over LABEL_SOURCE_SIG || TH || wrapped || dsig,
 * dsig being the destination's signature.  Its own label keeps it from
 * ever standing for the destination's, even when both ends hold one key.
 */
int encmig_hs_source_sign(EVP_PKEY *hostkey,
                          const uint8_t th[ENCMIG_HS_HASH_SIZE],
                          const uint8_t wrapped[ENCMIG_HS_WRAPPED_SIZE],
                          const uint8_t dsig[ENCMIG_HS_SIG_SIZE],
                          uint8_t sig[ENCMIG_HS_SIG_SIZE]);
int encmig_hs_source_verify(const uint8_t source_pub[ENCMIG_HS_PUB_SIZE],
                            const uint8_t th[ENCMIG_HS_HASH_SIZE],
                            const uint8_t wrapped[ENCMIG_HS_WRAPPED_SIZE],
                            const uint8_t dsig[ENCMIG_HS_SIG_SIZE],
                            const uint8_t sig[ENCMIG_HS_SIG_SIZE]);

/* FTH = SHA-256(TH || wrapped || dsig || ssig). */
int encmig_hs_final_hash(const uint8_t th[ENCMIG_HS_HASH_SIZE],
                         const uint8_t wrapped[ENCMIG_HS_WRAPPED_SIZE],
                         const uint8_t dsig[ENCMIG_HS_SIG_SIZE],
                         const uint8_t ssig[ENCMIG_HS_SIG_SIZE],
                         uint8_t fth[ENCMIG_HS_HASH_SIZE]);

#endif /* __ENCMIG_HANDSHAKE_CRYPTO_H__ */
