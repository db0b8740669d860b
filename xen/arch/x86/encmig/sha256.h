/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sha256.h: SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), for the key
 * agreement that ends in the hypervisor.
 */

#ifndef __ENCMIG_SHA256_H__
#define __ENCMIG_SHA256_H__

#include "port.h"

#define ENCMIG_SHA256_LEN    32
#define ENCMIG_SHA256_BLOCK  64

struct encmig_sha256 {
    uint32_t h[8];
    uint64_t len;                       /* bytes absorbed so far */
    uint8_t buf[ENCMIG_SHA256_BLOCK];   /* the partial block, len % 64 */
};

/*
 * A hash in pieces: init, any number of updates (p may be NULL when len
 * is 0), final.  final wipes the context, which in HMAC holds keyed
 * state: start again with init to reuse it.
 */
void encmig_sha256_init(struct encmig_sha256 *s);
void encmig_sha256_update(struct encmig_sha256 *s, const uint8_t *p,
                          size_t len);
void encmig_sha256_final(struct encmig_sha256 *s,
                         uint8_t out[ENCMIG_SHA256_LEN]);

void encmig_sha256(const uint8_t *p, size_t len,
                   uint8_t out[ENCMIG_SHA256_LEN]);

/*
 * HMAC-SHA256 under a key of any length (RFC 2104: a key longer than a
 * block is hashed first).  The context holds the key only as the two
 * hash states after the padded keys, so a copy of a fresh context MACs
 * several messages under one key.  final wipes the context.
 */
struct encmig_hmac_sha256 {
    struct encmig_sha256 inner, outer;
};

void encmig_hmac_sha256_init(struct encmig_hmac_sha256 *h,
                             const uint8_t *key, size_t key_len);
void encmig_hmac_sha256_update(struct encmig_hmac_sha256 *h,
                               const uint8_t *p, size_t len);
void encmig_hmac_sha256_final(struct encmig_hmac_sha256 *h,
                              uint8_t out[ENCMIG_SHA256_LEN]);

/* out may overlap key or msg. */
void encmig_hmac_sha256(const uint8_t *key, size_t key_len,
                        const uint8_t *msg, size_t len,
                        uint8_t out[ENCMIG_SHA256_LEN]);

#endif /* __ENCMIG_SHA256_H__ */
