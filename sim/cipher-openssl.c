/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cipher-openssl.c: the cipher ops on OpenSSL 3's EVP.
 *
 * Setting a key up in EVP is the expensive part, so each context keeps
 * EVP_CIPHER_CTXs keyed once at creation, one per direction, and each
 * call only sets a new IV or tweak.
 */

#include <stdlib.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "cipher-openssl.h"

/* IEEE 1619's (and OpenSSL's) limit on an XTS data unit: 2^20 blocks. */
#define XTS_MAX_LEN  ((size_t)16 << 20)

/* EVP takes int lengths: feed GCM in pieces below INT_MAX. */
#define GCM_CHUNK    ((size_t)1 << 30)

/* GCM's limit on one message: 2^32 - 2 blocks. */
#define GCM_MAX_LEN  ((((uint64_t)1 << 32) - 2) * 16)

/*
 * An EVP_CIPHER_CTX carries per-call state (the IV, GCM's running hash),
 * but one of our contexts is used by several threads at once: a domain's
 * memory key by its workload and by export, a session's key by its
 * streams.  So each context keeps a few keyed lanes, each behind its own
 * lock, and a call takes whichever lane is free.
 */
#define OSSL_LANES   4

struct ossl_lane {
    pthread_mutex_t lock;
    EVP_CIPHER_CTX *enc;
    EVP_CIPHER_CTX *dec;
};

struct ossl_ctx {
    struct ossl_lane lane[OSSL_LANES];
};

static void ossl_ctx_free(struct ossl_ctx *c)
{
    unsigned int i;

    if ( !c )
        return;

    for ( i = 0; i < OSSL_LANES; i++ )
    {
        /* EVP_CIPHER_CTX_free() cleanses the key schedule itself. */
        EVP_CIPHER_CTX_free(c->lane[i].enc);
        EVP_CIPHER_CTX_free(c->lane[i].dec);
        pthread_mutex_destroy(&c->lane[i].lock);
    }
    OPENSSL_cleanse(c, sizeof(*c));
    free(c);
}

/* Every lane keyed in both directions; the IV comes with each call. */
static struct ossl_ctx *ossl_ctx_new(const EVP_CIPHER *cipher,
                                     const uint8_t *key)
{
    struct ossl_ctx *c = calloc(1, sizeof(*c));
    unsigned int i;

    if ( !c )
        return NULL;

    for ( i = 0; i < OSSL_LANES; i++ )
    {
        struct ossl_lane *l = &c->lane[i];

        pthread_mutex_init(&l->lock, NULL);
        l->enc = EVP_CIPHER_CTX_new();
        l->dec = EVP_CIPHER_CTX_new();
        if ( !l->enc || !l->dec ||
             EVP_EncryptInit_ex(l->enc, cipher, NULL, key, NULL) != 1 ||
             EVP_DecryptInit_ex(l->dec, cipher, NULL, key, NULL) != 1 )
        {
            ossl_ctx_free(c);
            return NULL;
        }
    }

    return c;
}

/* A free lane, locked; the caller's own first so threads spread out. */
static struct ossl_lane *lane_get(struct ossl_ctx *c)
{
    static __thread unsigned int hint;
    static unsigned int next;
    unsigned int i;

    if ( !hint )
        hint = __atomic_add_fetch(&next, 1, __ATOMIC_RELAXED);
    for ( i = 0; i < OSSL_LANES; i++ )
    {
        struct ossl_lane *l = &c->lane[(hint + i) % OSSL_LANES];

        if ( pthread_mutex_trylock(&l->lock) == 0 )
            return l;
    }
    pthread_mutex_lock(&c->lane[hint % OSSL_LANES].lock);
    return &c->lane[hint % OSSL_LANES];
}

static void lane_put(struct ossl_lane *l)
{
    pthread_mutex_unlock(&l->lock);
}

static int ossl_xts_new(void **ctx, const uint8_t key[ENCMIG_XTS_KEY])
{
    struct ossl_ctx *c;

    /*
     * OpenSSL 3 refuses Key1 == Key2 (SP 800-38E); check it here so that
     * the error is a clean -EINVAL, not a failed allocation.
     */
    if ( !CRYPTO_memcmp(key, key + ENCMIG_XTS_KEY / 2, ENCMIG_XTS_KEY / 2) )
        return -EINVAL;

    c = ossl_ctx_new(EVP_aes_256_xts(), key);
    if ( !c )
        return -ENOMEM;

    *ctx = c;

    return 0;
}

static int ossl_xts_crypt(void *ctx, bool encrypt,
                          const uint8_t tweak[ENCMIG_XTS_TWEAK],
                          const uint8_t *in, uint8_t *out, size_t len)
{
    struct ossl_lane *l;
    EVP_CIPHER_CTX *e;
    int outl, rc = 0;

    if ( !len || (len % ENCMIG_AES_BLOCK) || len > XTS_MAX_LEN )
        return -EINVAL;

    l = lane_get(ctx);
    e = encrypt ? l->enc : l->dec;
    /* One EVP update is one whole data unit in OpenSSL's XTS. */
    if ( EVP_CipherInit_ex(e, NULL, NULL, NULL, tweak, -1) != 1 ||
         EVP_CipherUpdate(e, out, &outl, in, (int)len) != 1 ||
         (size_t)outl != len )
        rc = -EIO;
    lane_put(l);

    return rc;
}

static void ossl_xts_free(void *ctx)
{
    ossl_ctx_free(ctx);
}

static int ossl_gcm_new(void **ctx, const uint8_t key[ENCMIG_GCM_KEY])
{
    /* The default IV length of EVP's GCM is the 96 bits used here. */
    struct ossl_ctx *c = ossl_ctx_new(EVP_aes_256_gcm(), key);

    if ( !c )
        return -ENOMEM;

    *ctx = c;

    return 0;
}

/* AAD then data, in int-sized pieces. */
static int gcm_feed(EVP_CIPHER_CTX *e, const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len, uint8_t *out)
{
    size_t n;
    int outl;

    for ( ; aad_len; aad += n, aad_len -= n )
    {
        n = aad_len < GCM_CHUNK ? aad_len : GCM_CHUNK;
        if ( EVP_CipherUpdate(e, NULL, &outl, aad, (int)n) != 1 )
            return -EIO;
    }

    for ( ; len; in += n, out += n, len -= n )
    {
        n = len < GCM_CHUNK ? len : GCM_CHUNK;
        if ( EVP_CipherUpdate(e, out, &outl, in, (int)n) != 1 ||
             (size_t)outl != n )
            return -EIO;
    }

    return 0;
}

static int ossl_gcm_seal(void *ctx, const uint8_t iv[ENCMIG_GCM_IV],
                         const uint8_t *aad, size_t aad_len,
                         const uint8_t *in, size_t len,
                         uint8_t *out, uint8_t tag[ENCMIG_GCM_TAG])
{
    struct ossl_lane *l;
    uint8_t dummy;
    int outl, rc;

    if ( (uint64_t)len > GCM_MAX_LEN )
        return -EINVAL;

    l = lane_get(ctx);
    rc = EVP_EncryptInit_ex(l->enc, NULL, NULL, NULL, iv) == 1 ? 0 : -EIO;
    if ( !rc )
        rc = gcm_feed(l->enc, aad, aad_len, in, len, out);
    if ( !rc &&
         (EVP_EncryptFinal_ex(l->enc, &dummy, &outl) != 1 ||
          EVP_CIPHER_CTX_ctrl(l->enc, EVP_CTRL_GCM_GET_TAG, ENCMIG_GCM_TAG,
                              tag) != 1) )
        rc = -EIO;
    lane_put(l);

    return rc;
}

/*
 * EVP does not hand out the tag it computes when decrypting: it takes the
 * expected one and compares in EVP_DecryptFinal_ex(), with CRYPTO_memcmp().
 * Its plaintext is written before the verdict, hence the wipe on failure.
 */
static int ossl_gcm_open(void *ctx, const uint8_t iv[ENCMIG_GCM_IV],
                         const uint8_t *aad, size_t aad_len,
                         const uint8_t *in, size_t len,
                         const uint8_t tag[ENCMIG_GCM_TAG], uint8_t *out)
{
    struct ossl_lane *l;
    uint8_t dummy;
    int outl, rc;

    if ( (uint64_t)len > GCM_MAX_LEN )
        return -EINVAL;

    l = lane_get(ctx);
    rc = EVP_DecryptInit_ex(l->dec, NULL, NULL, NULL, iv) == 1 ? 0 : -EIO;
    if ( !rc )
        rc = gcm_feed(l->dec, aad, aad_len, in, len, out);
    if ( !rc &&
         EVP_CIPHER_CTX_ctrl(l->dec, EVP_CTRL_GCM_SET_TAG, ENCMIG_GCM_TAG,
                             (void *)tag) != 1 )
        rc = -EIO;
    if ( !rc && EVP_DecryptFinal_ex(l->dec, &dummy, &outl) != 1 )
        rc = -EBADMSG;
    lane_put(l);

    if ( rc && len )
        OPENSSL_cleanse(out, len);

    return rc;
}

static void ossl_gcm_free(void *ctx)
{
    ossl_ctx_free(ctx);
}

const struct encmig_cipher_ops encmig_cipher_openssl = {
    .name      = "openssl",
    .xts_new   = ossl_xts_new,
    .xts_crypt = ossl_xts_crypt,
    .xts_free  = ossl_xts_free,
    .gcm_new   = ossl_gcm_new,
    .gcm_seal  = ossl_gcm_seal,
    .gcm_open  = ossl_gcm_open,
    .gcm_free  = ossl_gcm_free,
};
