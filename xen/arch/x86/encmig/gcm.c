/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gcm.c: AES-256-GCM on top of the bitsliced AES and the constant-time
 * GHASH.
 */

#include "gcm.h"
#include "ghash.h"
#include "crypto.h"

/* Counter blocks built and encrypted together: several AES passes. */
#define CTR_BLOCKS  16

/* SP 800-38D: the plaintext of one invocation is at most 2^39 - 256 bits. */
#define GCM_MAX_LEN ((((uint64_t)1 << 32) - 2) * 16)

void encmig_gcm_init(struct encmig_gcm *gcm, const uint8_t key[32])
{
    encmig_aes256_init(&gcm->aes, key);
    memset(gcm->h, 0, sizeof(gcm->h));
    encmig_aes256_encrypt(&gcm->aes, gcm->h, gcm->h, 1);
}

/*
 * out = in XOR keystream, the keystream starting at counter block ctr0
 * (the IV followed by a 32-bit big-endian counter).
 */
static void ctr_crypt(const struct encmig_aes256 *aes, const uint8_t iv[12],
                      uint32_t ctr0, const uint8_t *in, uint8_t *out,
                      size_t len)
{
    uint8_t ks[CTR_BLOCKS * 16];
    uint32_t ctr = ctr0;
    unsigned int i, nb;
    size_t n;

    while ( len )
    {
        n = len < sizeof(ks) ? len : sizeof(ks);
        nb = (n + 15) / 16;
        for ( i = 0; i < nb; i++, ctr++ )
        {
            memcpy(ks + 16 * i, iv, 12);
            ks[16 * i + 12] = ctr >> 24;
            ks[16 * i + 13] = ctr >> 16;
            ks[16 * i + 14] = ctr >> 8;
            ks[16 * i + 15] = ctr;
        }
        encmig_aes256_encrypt(aes, ks, ks, nb);
        for ( i = 0; i < n; i++ )
            out[i] = in[i] ^ ks[i];
        in += n;
        out += n;
        len -= n;
    }

    encmig_wipe(ks, sizeof(ks));
}

/* The tag before its final masking with E_K(J0) is GHASH(A, C, lengths). */
static void compute_tag(const struct encmig_gcm *gcm, const uint8_t iv[12],
                        const uint8_t *aad, size_t aad_len,
                        const uint8_t *ct, size_t len, uint8_t tag[16])
{
    struct encmig_ghash gh;
    uint8_t blk[16], ej0[16];
    uint64_t abits = (uint64_t)aad_len * 8, cbits = (uint64_t)len * 8;
    unsigned int i;

    encmig_ghash_init(&gh, gcm->h);
    if ( aad_len )
        encmig_ghash_update(&gh, aad, aad_len);
    if ( len )
        encmig_ghash_update(&gh, ct, len);
    for ( i = 0; i < 8; i++ )
    {
        blk[i] = abits >> (56 - 8 * i);
        blk[8 + i] = cbits >> (56 - 8 * i);
    }
    encmig_ghash_update(&gh, blk, sizeof(blk));
    encmig_ghash_final(&gh, tag);

    /* J0 = IV || 0^31 || 1 for a 96-bit IV. */
    memcpy(ej0, iv, 12);
    ej0[12] = ej0[13] = ej0[14] = 0;
    ej0[15] = 1;
    encmig_aes256_encrypt(&gcm->aes, ej0, ej0, 1);
    for ( i = 0; i < 16; i++ )
        tag[i] ^= ej0[i];

    encmig_wipe(&gh, sizeof(gh));
    encmig_wipe(ej0, sizeof(ej0));
}

int encmig_gcm_seal(const struct encmig_gcm *gcm, const uint8_t iv[12],
                    const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len,
                    uint8_t *out, uint8_t tag[16])
{
    if ( (uint64_t)len > GCM_MAX_LEN )
        return -EINVAL;

    if ( len )
        ctr_crypt(&gcm->aes, iv, 2, in, out, len);
    compute_tag(gcm, iv, aad, aad_len, out, len, tag);

    return 0;
}

int encmig_gcm_open(const struct encmig_gcm *gcm, const uint8_t iv[12],
                    const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len,
                    const uint8_t tag[16], uint8_t *out)
{
    uint8_t want[16];
    bool ok;

    if ( (uint64_t)len > GCM_MAX_LEN )
        return -EINVAL;

    /* Verify first, so that no unauthenticated plaintext is released. */
    compute_tag(gcm, iv, aad, aad_len, in, len, want);
    ok = encmig_ct_memeq(want, tag, sizeof(want));
    encmig_wipe(want, sizeof(want));
    if ( !ok )
    {
        if ( len )
            encmig_wipe(out, len);
        return -EBADMSG;
    }

    if ( len )
        ctr_crypt(&gcm->aes, iv, 2, in, out, len);

    return 0;
}
