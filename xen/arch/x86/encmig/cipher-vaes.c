/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cipher-vaes.c: the AES-NI ops, with the export's re-key in one pass
 * on VAES and VPCLMULQDQ.
 *
 * Only glue, as cipher-aesni.c: the XTS context is the AES-NI one, the
 * GCM context the AES-NI one with its GHASH powers reordered for
 * rekey-vaes.S.  Whole batches run on rekey-vaes.S, what is left of a
 * message (a partial block included) on the AES-NI assembly.  Integer C
 * only.
 */

#include "vaes.h"

/* As cipher-aesni.c: an XTS data unit is at most 2^20 blocks. */
#define VAES_XTS_MAX_LEN  ((size_t)16 << 20)
/* What one pass of rekey-vaes.S takes. */
#define VAES_BATCH        (8 * ENCMIG_AES_BLOCK)

/* The offsets rekey-vaes.S reads struct encmig_vaes_args at. */
#define VAES_OFFSET_CHECK(field, off)                                      \
    _Static_assert(__builtin_offsetof(struct encmig_vaes_args, field) ==  \
                   (off), "rekey-vaes.S: VA_" #field)
VAES_OFFSET_CHECK(xts, 0);
VAES_OFFSET_CHECK(gcm, 8);
VAES_OFFSET_CHECK(htab, 16);
VAES_OFFSET_CHECK(tweak, 24);
VAES_OFFSET_CHECK(ctr, 40);
VAES_OFFSET_CHECK(y, 56);

static int vaes_xts_new(void **ctx, const uint8_t key[ENCMIG_XTS_KEY])
{
    if ( !encmig_cpu_has_vaes() )
        return -EOPNOTSUPP;
    return encmig_cipher_aesni.xts_new(ctx, key);
}

static int vaes_xts_crypt(void *ctx, bool encrypt,
                          const uint8_t tweak[ENCMIG_XTS_TWEAK],
                          const uint8_t *in, uint8_t *out, size_t len)
{
    const struct encmig_aesni_xts *xts = ctx;
    struct encmig_vaes_args a = {
        .xts = encrypt ? &xts->k1e : &xts->k1d,
    };

    if ( !len || (len % ENCMIG_AES_BLOCK) || len > VAES_XTS_MAX_LEN )
        return -EINVAL;

    encmig_aesni_ecb_encrypt(&xts->k2e, tweak, a.tweak, 1);
    if ( encrypt )
        encmig_vaes_xts_encrypt(&a, in, out, len / ENCMIG_AES_BLOCK);
    else
        encmig_vaes_xts_decrypt(&a, in, out, len / ENCMIG_AES_BLOCK);
    encmig_wipe(&a, sizeof(a));

    return 0;
}

static void vaes_xts_free(void *ctx)
{
    encmig_cipher_aesni.xts_free(ctx);
}

static int vaes_gcm_new(void **ctx, const uint8_t key[ENCMIG_GCM_KEY])
{
    struct encmig_vaes_gcm *gcm;
    unsigned int i;

    if ( !encmig_cpu_has_vaes() )
        return -EOPNOTSUPP;

    gcm = encmig_zalloc(sizeof(*gcm));
    if ( !gcm )
        return -ENOMEM;

    encmig_aesni_gcm_init(&gcm->base, key);
    /* The first block of a batch takes H^8, the last H. */
    for ( i = 0; i < 8; i++ )
        memcpy(gcm->htab[i], gcm->base.hk.h[7 - i], sizeof(gcm->htab[i]));
    *ctx = gcm;

    return 0;
}

/* SP 800-38D: at most 2^32 - 2 blocks of plaintext per message. */
#define VAES_GCM_MAX_LEN  ((((uint64_t)1 << 32) - 2) * 16)

/* blk := the counter block k blocks after ctr (inc32 applied k times). */
static void ctr_add(uint8_t blk[16], const uint8_t ctr[16], uint32_t k)
{
    uint32_t c = ((uint32_t)ctr[12] << 24) | ((uint32_t)ctr[13] << 16) |
                 ((uint32_t)ctr[14] << 8) | ctr[15];

    c += k;
    memcpy(blk, ctr, 12);
    blk[12] = c >> 24;
    blk[13] = c >> 16;
    blk[14] = c >> 8;
    blk[15] = c;
}

/* out := in XOR the keystream from a->ctr, len bytes, any len. */
static void vaes_ctr(struct encmig_vaes_args *a, const uint8_t *in,
                     uint8_t *out, size_t len)
{
    size_t done = len / (16 * ENCMIG_AES_BLOCK) * 16;
    uint8_t ctr[16];

    if ( done )
        encmig_vaes_ctr32(a, in, out, done);
    done *= ENCMIG_AES_BLOCK;
    if ( done < len )
    {
        ctr_add(ctr, a->ctr, done / ENCMIG_AES_BLOCK);
        encmig_aesni_ctr32(a->gcm, ctr, in + done, out + done, len - done);
        encmig_wipe(ctr, sizeof(ctr));
    }
}

/* tag over aad and the ciphertext ct, as cipher-aesni.c's compute_tag. */
static void vaes_tag(const struct encmig_vaes_gcm *gcm,
                     struct encmig_vaes_args *a,
                     const uint8_t iv[ENCMIG_GCM_IV],
                     const uint8_t *aad, size_t aad_len,
                     const uint8_t *ct, size_t len,
                     uint8_t tag[ENCMIG_GCM_TAG])
{
    size_t done = len / (8 * ENCMIG_AES_BLOCK) * 8 * ENCMIG_AES_BLOCK;

    memset(a->y, 0, sizeof(a->y));
    if ( aad_len )
        encmig_aesni_ghash_padded(&gcm->base, a->y, aad, aad_len);
    if ( done )
        encmig_vaes_ghash(a, ct, done / ENCMIG_AES_BLOCK);
    if ( done < len )
        encmig_aesni_ghash_padded(&gcm->base, a->y, ct + done, len - done);
    encmig_aesni_gcm_tag(&gcm->base, iv, a->y, aad_len, len, tag);
}

static int vaes_gcm_seal(void *ctx, const uint8_t iv[ENCMIG_GCM_IV],
                         const uint8_t *aad, size_t aad_len,
                         const uint8_t *in, size_t len,
                         uint8_t *out, uint8_t tag[ENCMIG_GCM_TAG])
{
    const struct encmig_vaes_gcm *gcm = ctx;
    struct encmig_vaes_args a = {
        .gcm = &gcm->base.ek,
        .htab = gcm->htab[0],
    };

    if ( (uint64_t)len > VAES_GCM_MAX_LEN )
        return -EINVAL;

    encmig_aesni_counter_block(a.ctr, iv, 2);
    if ( len )
        vaes_ctr(&a, in, out, len);
    vaes_tag(gcm, &a, iv, aad, aad_len, out, len, tag);
    encmig_wipe(&a, sizeof(a));

    return 0;
}

static int vaes_gcm_open(void *ctx, const uint8_t iv[ENCMIG_GCM_IV],
                         const uint8_t *aad, size_t aad_len,
                         const uint8_t *in, size_t len,
                         const uint8_t tag[ENCMIG_GCM_TAG], uint8_t *out)
{
    const struct encmig_vaes_gcm *gcm = ctx;
    struct encmig_vaes_args a = {
        .gcm = &gcm->base.ek,
        .htab = gcm->htab[0],
    };
    uint8_t want[ENCMIG_GCM_TAG];
    bool ok;

    if ( (uint64_t)len > VAES_GCM_MAX_LEN )
        return -EINVAL;

    /* Verify first, so that no unauthenticated plaintext is released. */
    vaes_tag(gcm, &a, iv, aad, aad_len, in, len, want);
    ok = encmig_ct_memeq(want, tag, sizeof(want));
    encmig_wipe(want, sizeof(want));
    if ( !ok )
    {
        encmig_wipe(&a, sizeof(a));
        if ( len )
            encmig_wipe(out, len);
        return -EBADMSG;
    }

    encmig_aesni_counter_block(a.ctr, iv, 2);
    if ( len )
        vaes_ctr(&a, in, out, len);
    encmig_wipe(&a, sizeof(a));

    return 0;
}

static void vaes_gcm_free(void *ctx)
{
    if ( !ctx )
        return;

    encmig_wipe(ctx, sizeof(struct encmig_vaes_gcm));
    encmig_free(ctx);
}

static int vaes_xts_dec_gcm_seal(void *xts_ctx,
                                 const uint8_t tweak[ENCMIG_XTS_TWEAK],
                                 void *gcm_ctx,
                                 const uint8_t iv[ENCMIG_GCM_IV],
                                 const uint8_t *aad, size_t aad_len,
                                 const uint8_t *in, size_t len,
                                 uint8_t *out, uint8_t tag[ENCMIG_GCM_TAG])
{
    const struct encmig_aesni_xts *xts = xts_ctx;
    const struct encmig_vaes_gcm *gcm = gcm_ctx;
    struct encmig_vaes_args a = {
        .xts = &xts->k1d,
        .gcm = &gcm->base.ek,
        .htab = gcm->htab[0],
    };

    /* Whole batches only; a page is 32 of them. */
    if ( !len || len % VAES_BATCH || len > VAES_XTS_MAX_LEN )
        return -EOPNOTSUPP;

    encmig_aesni_ecb_encrypt(&xts->k2e, tweak, a.tweak, 1);
    encmig_aesni_counter_block(a.ctr, iv, 2);
    if ( aad_len )
        encmig_aesni_ghash_padded(&gcm->base, a.y, aad, aad_len);
    encmig_vaes_xts_dec_gcm_enc(&a, in, out, len / ENCMIG_AES_BLOCK);
    encmig_aesni_gcm_tag(&gcm->base, iv, a.y, aad_len, len, tag);
    encmig_wipe(&a, sizeof(a));

    return 0;
}

const struct encmig_cipher_ops encmig_cipher_vaes = {
    .name      = "vaes",
    .probe_caps = XEN_ENCMIG_CAP_AESNI | XEN_ENCMIG_CAP_VAES,
    .xts_new   = vaes_xts_new,
    .xts_crypt = vaes_xts_crypt,
    .xts_free  = vaes_xts_free,
    .gcm_new   = vaes_gcm_new,
    .gcm_seal  = vaes_gcm_seal,
    .gcm_open  = vaes_gcm_open,
    .gcm_free  = vaes_gcm_free,
    .xts_dec_gcm_seal = vaes_xts_dec_gcm_seal,
};
