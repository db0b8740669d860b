/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ghash.h: GHASH (NIST SP 800-38D), constant time.
 */

#ifndef __ENCMIG_GHASH_H__
#define __ENCMIG_GHASH_H__

#include "port.h"

struct encmig_ghash {
    /*
     * The hash key H, as the three 64-bit Karatsuba operands (high half,
     * low half, their sum) each split into the five interleaved parts
     * the multiplier uses.
     */
    uint64_t hp[3][5];
    /* Running value, big-endian halves: y[0] holds bytes 0..7. */
    uint64_t y[2];
};

/* Start a hash under key h (E_K(0^128) in GCM). */
void encmig_ghash_init(struct encmig_ghash *gh, const uint8_t h[16]);

/*
 * Absorb len bytes, zero-padding a trailing partial block: GCM pads the
 * AAD and the ciphertext each to a block boundary, so only the last call
 * for each may have len not a multiple of 16.
 */
void encmig_ghash_update(struct encmig_ghash *gh, const uint8_t *p,
                         size_t len);

/* The hash value so far. */
void encmig_ghash_final(const struct encmig_ghash *gh, uint8_t out[16]);

#endif /* __ENCMIG_GHASH_H__ */
