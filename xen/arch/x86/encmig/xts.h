/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xts.h: XTS-AES-256 (IEEE 1619-2007), whole blocks only.
 */

#ifndef __ENCMIG_XTS_H__
#define __ENCMIG_XTS_H__

#include "aes.h"

/* IEEE 1619: a data unit is at most 2^20 blocks. */
#define ENCMIG_XTS_MAX_LEN  ((size_t)16 << 20)

struct encmig_xts {
    struct encmig_aes256 data;      /* Key1 */
    struct encmig_aes256 tweak;     /* Key2 */
};

/*
 * key is Key1 || Key2.  -EINVAL when the halves are equal: that key
 * degenerates XTS (SP 800-38E implementations must refuse it, and
 * OpenSSL does), so every backend refuses it alike.
 */
int encmig_xts_init(struct encmig_xts *xts, const uint8_t key[64]);

/*
 * One data unit of len bytes, a non-zero multiple of 16 up to
 * ENCMIG_XTS_MAX_LEN, else -EINVAL.  tweak is the 128-bit tweak value as
 * bytes (IEEE 1619: the data unit number, little-endian).  in and out may
 * be equal.
 */
int encmig_xts_crypt(const struct encmig_xts *xts, bool encrypt,
                     const uint8_t tweak[16], const uint8_t *in,
                     uint8_t *out, size_t len);

#endif /* __ENCMIG_XTS_H__ */
