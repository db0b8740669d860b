/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xts.c: XTS-AES-256.  C_j = E_K1(P_j ^ T_j) ^ T_j with T_0 = E_K2(tweak)
 * and T_j+1 = T_j * alpha in GF(2^128).
 */

#include "xts.h"
#include "byteorder.h"
#include "crypto.h"

/* Blocks masked and sent to the AES together: several bitsliced passes. */
#define XTS_BATCH  16

/*
 * T * alpha, T little-endian (t[0] holds bytes 0..7): a 128-bit left shift,
 * the bit shifted out folding back as x^7 + x^2 + x + 1 (0x87).  The fold
 * is masked in rather than branched on, since T is secret.
 */
static inline void mul_alpha(uint64_t t[2])
{
    uint64_t carry = t[1] >> 63;

    t[1] = (t[1] << 1) | (t[0] >> 63);
    t[0] = (t[0] << 1) ^ (0x87 & (0 - carry));
}

int encmig_xts_init(struct encmig_xts *xts, const uint8_t key[64])
{
    if ( encmig_ct_memeq(key, key + 32, 32) )
        return -EINVAL;

    encmig_aes256_init(&xts->data, key);
    encmig_aes256_init(&xts->tweak, key + 32);

    return 0;
}

int encmig_xts_crypt(const struct encmig_xts *xts, bool encrypt,
                     const uint8_t tweak[16], const uint8_t *in,
                     uint8_t *out, size_t len)
{
    uint8_t buf[XTS_BATCH * 16];
    uint64_t t[2], tw[XTS_BATCH * 2];
    unsigned int i, nb;

    if ( !len || (len % 16) || len > ENCMIG_XTS_MAX_LEN )
        return -EINVAL;

    encmig_aes256_encrypt(&xts->tweak, tweak, buf, 1);
    t[0] = load_le64(buf);
    t[1] = load_le64(buf + 8);

    while ( len )
    {
        nb = len / 16 < XTS_BATCH ? len / 16 : XTS_BATCH;

        for ( i = 0; i < nb; i++ )
        {
            tw[2 * i] = t[0];
            tw[2 * i + 1] = t[1];
            store_le64(buf + 16 * i, load_le64(in + 16 * i) ^ t[0]);
            store_le64(buf + 16 * i + 8, load_le64(in + 16 * i + 8) ^ t[1]);
            mul_alpha(t);
        }

        if ( encrypt )
            encmig_aes256_encrypt(&xts->data, buf, buf, nb);
        else
            encmig_aes256_decrypt(&xts->data, buf, buf, nb);

        for ( i = 0; i < nb; i++ )
        {
            store_le64(out + 16 * i, load_le64(buf + 16 * i) ^ tw[2 * i]);
            store_le64(out + 16 * i + 8,
                       load_le64(buf + 16 * i + 8) ^ tw[2 * i + 1]);
        }

        in += 16 * nb;
        out += 16 * nb;
        len -= 16 * nb;
    }

    encmig_wipe(buf, sizeof(buf));
    encmig_wipe(tw, sizeof(tw));
    encmig_wipe(t, sizeof(t));

    return 0;
}
