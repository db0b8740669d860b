/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hkdf.h: HKDF-SHA256 (RFC 5869), to turn a key agreement's shared
 * secret into keys.
 */

#ifndef __ENCMIG_HKDF_H__
#define __ENCMIG_HKDF_H__

#include "sha256.h"

/* RFC 5869 section 2.3: at most 255 blocks of output. */
#define ENCMIG_HKDF_MAX_OKM  (255 * ENCMIG_SHA256_LEN)

/*
 * PRK = HMAC-SHA256(salt, IKM).  An empty salt (salt_len 0, salt may be
 * NULL) stands for 32 zero bytes, as the RFC says; both give the same
 * PRK since HMAC pads its key with zeros anyway.  ikm may be NULL when
 * ikm_len is 0; prk may overlap salt or ikm.
 */
void encmig_hkdf_extract(const uint8_t *salt, size_t salt_len,
                         const uint8_t *ikm, size_t ikm_len,
                         uint8_t prk[ENCMIG_SHA256_LEN]);

/*
 * The first okm_len bytes of T(1) || T(2) || ... with
 * T(i) = HMAC-SHA256(PRK, T(i - 1) || info || i).  -EINVAL when okm_len
 * exceeds ENCMIG_HKDF_MAX_OKM, with okm untouched.  info may be NULL
 * when info_len is 0.  prk is read before okm is written, so they may
 * overlap; info is read for every block and must not overlap okm.
 */
int encmig_hkdf_expand(const uint8_t prk[ENCMIG_SHA256_LEN],
                       const uint8_t *info, size_t info_len,
                       uint8_t *okm, size_t okm_len);

#endif /* __ENCMIG_HKDF_H__ */
