/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cipher-aesni.c: the cipher ops on AES-NI and PCLMULQDQ.
 *
 * Only glue: length checks, key schedules, GCM's padding, length block
 * and tag.  Every XMM instruction is in aesni.S and ghash-pclmul.S; this
 * file is ordinary integer C and builds with the hypervisor's -mno-sse.
 * The caller's duties (FPU state, CPU check) are listed in aesni.h.
 */

#include "aesni.h"

/* IEEE 1619: a data unit is at most 2^20 blocks (as xts.h and OpenSSL). */
#define AESNI_XTS_MAX_LEN  ((size_t)16 << 20)

/* SP 800-38D: at most 2^32 - 2 blocks of plaintext per message. */
#define AESNI_GCM_MAX_LEN  ((((uint64_t)1 << 32) - 2) * 16)

static int aesni_xts_new(void **ctx, const uint8_t key[ENCMIG_XTS_KEY])
{
    struct encmig_aesni_xts *xts;

    /* Key1 == Key2 degenerates XTS: refused as by the other backends. */
    if ( encmig_ct_memeq(key, key + ENCMIG_XTS_KEY / 2, ENCMIG_XTS_KEY / 2) )
        return -EINVAL;
    if ( !encmig_cpu_has_aesni() )
        return -EOPNOTSUPP;

    xts = encmig_zalloc(sizeof(*xts));
    if ( !xts )
        return -ENOMEM;

    encmig_aesni_set_key256(&xts->k1e, key);
    encmig_aesni_inv_key(&xts->k1d, &xts->k1e);
    encmig_aesni_set_key256(&xts->k2e, key + ENCMIG_XTS_KEY / 2);
    *ctx = xts;

    return 0;
}

static int aesni_xts_crypt(void *ctx, bool encrypt,
                           const uint8_t tweak[ENCMIG_XTS_TWEAK],
                           const uint8_t *in, uint8_t *out, size_t len)
{
    const struct encmig_aesni_xts *xts = ctx;

    if ( !len || (len % ENCMIG_AES_BLOCK) || len > AESNI_XTS_MAX_LEN )
        return -EINVAL;

    if ( encrypt )
        encmig_aesni_xts_encrypt(&xts->k1e, &xts->k2e, tweak, in, out,
                                 len / ENCMIG_AES_BLOCK);
    else
        encmig_aesni_xts_decrypt(&xts->k1d, &xts->k2e, tweak, in, out,
                                 len / ENCMIG_AES_BLOCK);

    return 0;
}

static void aesni_xts_free(void *ctx)
{
    if ( !ctx )
        return;

    encmig_wipe(ctx, sizeof(struct encmig_aesni_xts));
    encmig_free(ctx);
}

void encmig_aesni_gcm_init(struct encmig_aesni_gcm *gcm,
                           const uint8_t key[ENCMIG_GCM_KEY])
{
    uint8_t h[ENCMIG_AES_BLOCK];

    encmig_aesni_set_key256(&gcm->ek, key);
    memset(h, 0, sizeof(h));
    encmig_aesni_ecb_encrypt(&gcm->ek, h, h, 1);
    encmig_pclmul_ghash_init(&gcm->hk, h);
    encmig_wipe(h, sizeof(h));
}

static int aesni_gcm_new(void **ctx, const uint8_t key[ENCMIG_GCM_KEY])
{
    struct encmig_aesni_gcm *gcm;

    if ( !encmig_cpu_has_aesni() )
        return -EOPNOTSUPP;

    gcm = encmig_zalloc(sizeof(*gcm));
    if ( !gcm )
        return -ENOMEM;

    encmig_aesni_gcm_init(gcm, key);
    *ctx = gcm;

    return 0;
}

void encmig_aesni_ghash_padded(const struct encmig_aesni_gcm *gcm,
                               uint8_t y[16], const uint8_t *p, size_t len)
{
    size_t full = len / ENCMIG_AES_BLOCK, rest = len % ENCMIG_AES_BLOCK;
    uint8_t last[ENCMIG_AES_BLOCK];

    if ( full )
        encmig_pclmul_ghash(&gcm->hk, y, p, full);
    if ( rest )
    {
        memset(last, 0, sizeof(last));
        memcpy(last, p + full * ENCMIG_AES_BLOCK, rest);
        encmig_pclmul_ghash(&gcm->hk, y, last, 1);
        encmig_wipe(last, sizeof(last));
    }
}

void encmig_aesni_counter_block(uint8_t blk[16],
                                const uint8_t iv[ENCMIG_GCM_IV], uint8_t ctr)
{
    memcpy(blk, iv, ENCMIG_GCM_IV);
    blk[12] = blk[13] = blk[14] = 0;
    blk[15] = ctr;
}

void encmig_aesni_gcm_tag(const struct encmig_aesni_gcm *gcm,
                          const uint8_t iv[ENCMIG_GCM_IV], uint8_t y[16],
                          size_t aad_len, size_t len,
                          uint8_t tag[ENCMIG_GCM_TAG])
{
    uint8_t blk[16], ej0[16];
    uint64_t abits = (uint64_t)aad_len * 8, cbits = (uint64_t)len * 8;
    unsigned int i;

    for ( i = 0; i < 8; i++ )
    {
        blk[i] = abits >> (56 - 8 * i);
        blk[8 + i] = cbits >> (56 - 8 * i);
    }
    encmig_pclmul_ghash(&gcm->hk, y, blk, 1);

    encmig_aesni_counter_block(ej0, iv, 1);
    encmig_aesni_ecb_encrypt(&gcm->ek, ej0, ej0, 1);
    for ( i = 0; i < ENCMIG_GCM_TAG; i++ )
        tag[i] = y[i] ^ ej0[i];

    encmig_wipe(y, 16);
    encmig_wipe(ej0, sizeof(ej0));
}

/* tag = GHASH(A, C, lengths) ^ E_K(J0). */
static void compute_tag(const struct encmig_aesni_gcm *gcm,
                        const uint8_t iv[ENCMIG_GCM_IV],
                        const uint8_t *aad, size_t aad_len,
                        const uint8_t *ct, size_t len,
                        uint8_t tag[ENCMIG_GCM_TAG])
{
    uint8_t y[16];

    memset(y, 0, sizeof(y));
    if ( aad_len )
        encmig_aesni_ghash_padded(gcm, y, aad, aad_len);
    if ( len )
        encmig_aesni_ghash_padded(gcm, y, ct, len);
    encmig_aesni_gcm_tag(gcm, iv, y, aad_len, len, tag);
}

static int aesni_gcm_seal(void *ctx, const uint8_t iv[ENCMIG_GCM_IV],
                          const uint8_t *aad, size_t aad_len,
                          const uint8_t *in, size_t len,
                          uint8_t *out, uint8_t tag[ENCMIG_GCM_TAG])
{
    const struct encmig_aesni_gcm *gcm = ctx;
    uint8_t ctr[16];

    if ( (uint64_t)len > AESNI_GCM_MAX_LEN )
        return -EINVAL;

    if ( len )
    {
        encmig_aesni_counter_block(ctr, iv, 2);
        encmig_aesni_ctr32(&gcm->ek, ctr, in, out, len);
    }
    compute_tag(gcm, iv, aad, aad_len, out, len, tag);

    return 0;
}

static int aesni_gcm_open(void *ctx, const uint8_t iv[ENCMIG_GCM_IV],
                          const uint8_t *aad, size_t aad_len,
                          const uint8_t *in, size_t len,
                          const uint8_t tag[ENCMIG_GCM_TAG], uint8_t *out)
{
    const struct encmig_aesni_gcm *gcm = ctx;
    uint8_t want[ENCMIG_GCM_TAG], ctr[16];
    bool ok;

    if ( (uint64_t)len > AESNI_GCM_MAX_LEN )
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
    {
        encmig_aesni_counter_block(ctr, iv, 2);
        encmig_aesni_ctr32(&gcm->ek, ctr, in, out, len);
    }

    return 0;
}

static void aesni_gcm_free(void *ctx)
{
    if ( !ctx )
        return;

    encmig_wipe(ctx, sizeof(struct encmig_aesni_gcm));
    encmig_free(ctx);
}

const struct encmig_cipher_ops encmig_cipher_aesni = {
    .name      = "aesni",
    .probe_caps = XEN_ENCMIG_CAP_AESNI,
    .xts_new   = aesni_xts_new,
    .xts_crypt = aesni_xts_crypt,
    .xts_free  = aesni_xts_free,
    .gcm_new   = aesni_gcm_new,
    .gcm_seal  = aesni_gcm_seal,
    .gcm_open  = aesni_gcm_open,
    .gcm_free  = aesni_gcm_free,
};
