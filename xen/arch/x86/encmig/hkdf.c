/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hkdf.c: HKDF-SHA256 extract and expand (RFC 5869).
 */

#include "hkdf.h"
#include "crypto.h"

void encmig_hkdf_extract(const uint8_t *salt, size_t salt_len,
                         const uint8_t *ikm, size_t ikm_len,
                         uint8_t prk[ENCMIG_SHA256_LEN])
{
    encmig_hmac_sha256(salt, salt_len, ikm, ikm_len, prk);
}

int encmig_hkdf_expand(const uint8_t prk[ENCMIG_SHA256_LEN],
                       const uint8_t *info, size_t info_len,
                       uint8_t *okm, size_t okm_len)
{
    struct encmig_hmac_sha256 keyed, h;
    uint8_t t[ENCMIG_SHA256_LEN];
    uint8_t ctr;
    size_t n;

    if ( okm_len > ENCMIG_HKDF_MAX_OKM )
        return -EINVAL;

    /* Key the HMAC once; each block starts from a copy of it. */
    encmig_hmac_sha256_init(&keyed, prk, ENCMIG_SHA256_LEN);

    for ( ctr = 1; okm_len; ctr++ )
    {
        h = keyed;
        /* T(0) is empty. */
        if ( ctr > 1 )
            encmig_hmac_sha256_update(&h, t, sizeof(t));
        if ( info_len )
            encmig_hmac_sha256_update(&h, info, info_len);
        encmig_hmac_sha256_update(&h, &ctr, 1);
        encmig_hmac_sha256_final(&h, t);

        n = okm_len < sizeof(t) ? okm_len : sizeof(t);
        memcpy(okm, t, n);
        okm += n;
        okm_len -= n;
    }

    encmig_wipe(&keyed, sizeof(keyed));
    encmig_wipe(t, sizeof(t));

    return 0;
}
