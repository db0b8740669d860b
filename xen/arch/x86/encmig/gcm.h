/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gcm.h: AES-256-GCM (NIST SP 800-38D), 96-bit IV, 128-bit tag.
 */

#ifndef __ENCMIG_GCM_H__
#define __ENCMIG_GCM_H__

#include "aes.h"

struct encmig_gcm {
    struct encmig_aes256 aes;
    uint8_t h[16];              /* E_K(0^128), the GHASH key */
};

void encmig_gcm_init(struct encmig_gcm *gcm, const uint8_t key[32]);

/*
 * aad and in may be NULL when their length is 0; in and out may be equal.
 * -EINVAL when len exceeds GCM's limit of 2^32 - 2 blocks.
 */
int encmig_gcm_seal(const struct encmig_gcm *gcm, const uint8_t iv[12],
                    const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len,
                    uint8_t *out, uint8_t tag[16]);

/*
 * The tag is checked before anything is decrypted; on mismatch out is
 * wiped and -EBADMSG returned.
 */
int encmig_gcm_open(const struct encmig_gcm *gcm, const uint8_t iv[12],
                    const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len,
                    const uint8_t tag[16], uint8_t *out);

#endif /* __ENCMIG_GCM_H__ */
