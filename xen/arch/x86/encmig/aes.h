/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aes.h: AES-256, bitsliced, constant time.
 *
 * Four blocks go through one bitsliced pass, so callers that have several
 * independent blocks (XTS, the CTR half of GCM) should hand them over
 * together: a lone block costs as much as four.
 */

#ifndef __ENCMIG_AES_H__
#define __ENCMIG_AES_H__

#include "port.h"

#define ENCMIG_AES256_ROUNDS  14
/* Blocks one bitsliced pass handles. */
#define ENCMIG_AES_LANES      4

/*
 * The expanded key, already bitsliced and replicated over the four lanes.
 * Decryption runs the same schedule backwards: no separate inverse one.
 */
struct encmig_aes256 {
    uint64_t rk[ENCMIG_AES256_ROUNDS + 1][8];
};

void encmig_aes256_init(struct encmig_aes256 *aes, const uint8_t key[32]);

/* nblocks 16-byte blocks; in and out may be equal (not partly overlapping). */
void encmig_aes256_encrypt(const struct encmig_aes256 *aes,
                           const uint8_t *in, uint8_t *out, size_t nblocks);
void encmig_aes256_decrypt(const struct encmig_aes256 *aes,
                           const uint8_t *in, uint8_t *out, size_t nblocks);

#endif /* __ENCMIG_AES_H__ */
