/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * key-trial.c: does a candidate key open a page record (key-trial.h)?
 *
 * Millions of candidates go through here, so HKDF is spelt out as its two
 * HMACs over SHA-256 with the salt's pads hashed once, not set up anew
 * through EVP_KDF for each; check_level2 checks it against OpenSSL's.
 */

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "key-trial.h"
#include "../hypercalls/include/public/encmig.h"

#define SHA256_BLOCK 64
#define PAGES_LABEL  "encmig v2 pages"

struct key_trial {
    EVP_MD *sha256;
    EVP_MD_CTX *h, *prk_in, *prk_out;
    EVP_CIPHER_CTX *aes;
    /* Per salt: SHA-256 having absorbed (salt ^ ipad) and (salt ^ opad). */
    EVP_MD_CTX *salt_in[KEY_TRIAL_MAX_SALTS], *salt_out[KEY_TRIAL_MAX_SALTS];
    uint8_t salt[KEY_TRIAL_MAX_SALTS][16];
    unsigned int nr_salts;
    /* Per record: its first two blocks of ciphertext ^ the known plain. */
    uint8_t in[KEY_TRIAL_MAX_RECORDS][32];
    unsigned int nr_records;
    uint8_t plain[32];
};

struct key_trial *key_trial_new(const uint8_t plain[32])
{
    struct key_trial *t = calloc(1, sizeof(*t));

    if ( !t )
        return NULL;
    memcpy(t->plain, plain, sizeof(t->plain));
    t->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    t->h = EVP_MD_CTX_new();
    t->prk_in = EVP_MD_CTX_new();
    t->prk_out = EVP_MD_CTX_new();
    t->aes = EVP_CIPHER_CTX_new();
    if ( !t->sha256 || !t->h || !t->prk_in || !t->prk_out || !t->aes ||
         EVP_DecryptInit_ex(t->aes, EVP_aes_256_ecb(), NULL, NULL,
                            NULL) != 1 ||
         EVP_CIPHER_CTX_set_padding(t->aes, 0) != 1 )
    {
        key_trial_free(t);
        return NULL;
    }
    return t;
}

void key_trial_free(struct key_trial *t)
{
    unsigned int i;

    if ( !t )
        return;
    for ( i = 0; i < t->nr_salts; i++ )
    {
        EVP_MD_CTX_free(t->salt_in[i]);
        EVP_MD_CTX_free(t->salt_out[i]);
    }
    EVP_CIPHER_CTX_free(t->aes);
    EVP_MD_CTX_free(t->h);
    EVP_MD_CTX_free(t->prk_in);
    EVP_MD_CTX_free(t->prk_out);
    EVP_MD_free(t->sha256);
    OPENSSL_cleanse(t, sizeof(*t));
    free(t);
}

/* c: SHA-256 having absorbed one block, key ^ pad (key zero-padded). */
static int absorb_pad(const struct key_trial *t, EVP_MD_CTX *c,
                      const uint8_t *key, size_t len, uint8_t pad)
{
    uint8_t block[SHA256_BLOCK];
    size_t i;
    int ok;

    memset(block, pad, sizeof(block));
    for ( i = 0; i < len; i++ )
        block[i] ^= key[i];
    ok = EVP_DigestInit_ex(c, t->sha256, NULL) == 1 &&
         EVP_DigestUpdate(c, block, sizeof(block)) == 1;
    OPENSSL_cleanse(block, sizeof(block));
    return ok ? 0 : -1;
}

int key_trial_add_salt(struct key_trial *t, const uint8_t salt[16])
{
    unsigned int i;

    for ( i = 0; i < t->nr_salts; i++ )
        if ( !memcmp(t->salt[i], salt, 16) )
            return 0;
    if ( i == KEY_TRIAL_MAX_SALTS )
        return -1;
    t->salt_in[i] = EVP_MD_CTX_new();
    t->salt_out[i] = EVP_MD_CTX_new();
    if ( !t->salt_in[i] || !t->salt_out[i] ||
         absorb_pad(t, t->salt_in[i], salt, 16, 0x36) ||
         absorb_pad(t, t->salt_out[i], salt, 16, 0x5c) )
    {
        EVP_MD_CTX_free(t->salt_in[i]);
        EVP_MD_CTX_free(t->salt_out[i]);
        return -1;
    }
    memcpy(t->salt[i], salt, 16);
    t->nr_salts++;
    return 0;
}

unsigned int key_trial_salts(const struct key_trial *t)
{
    return t->nr_salts;
}

int key_trial_add_record(struct key_trial *t, const uint8_t *rec)
{
    const uint8_t *ct = rec + XEN_ENCMIG_REC_HDR_SIZE;
    unsigned int i;

    if ( t->nr_records == KEY_TRIAL_MAX_RECORDS )
        return -1;
    for ( i = 0; i < 32; i++ )
        t->in[t->nr_records][i] = ct[i] ^ t->plain[i];
    t->nr_records++;
    return 0;
}

/* HMAC-SHA256 from a context that has absorbed the key's inner pad. */
static int hmac_finish(struct key_trial *t, const EVP_MD_CTX *in,
                       const EVP_MD_CTX *out, const void *msg, size_t len,
                       uint8_t mac[32])
{
    uint8_t inner[32];
    int ok;

    ok = EVP_MD_CTX_copy_ex(t->h, in) == 1 &&
         EVP_DigestUpdate(t->h, msg, len) == 1 &&
         EVP_DigestFinal_ex(t->h, inner, NULL) == 1 &&
         EVP_MD_CTX_copy_ex(t->h, out) == 1 &&
         EVP_DigestUpdate(t->h, inner, sizeof(inner)) == 1 &&
         EVP_DigestFinal_ex(t->h, mac, NULL) == 1;
    OPENSSL_cleanse(inner, sizeof(inner));
    return ok ? 0 : -1;
}

/* HKDF-SHA256(ikm, salt i, PAGES_LABEL), 32 bytes. */
static int derive(struct key_trial *t, unsigned int i, const uint8_t ikm[32],
                  uint8_t okm[32])
{
    static const uint8_t info[] = PAGES_LABEL "\x01";
    uint8_t prk[32];
    int rc;

    rc = hmac_finish(t, t->salt_in[i], t->salt_out[i], ikm, 32, prk) ||
         absorb_pad(t, t->prk_in, prk, sizeof(prk), 0x36) ||
         absorb_pad(t, t->prk_out, prk, sizeof(prk), 0x5c) ||
         hmac_finish(t, t->prk_in, t->prk_out, info, sizeof(info) - 1, okm)
         ? -1 : 0;
    OPENSSL_cleanse(prk, sizeof(prk));
    return rc;
}

/* 1 when key opens any record, 0 if not, -1 on failure. */
static int seals(struct key_trial *t, const uint8_t key[32])
{
    uint8_t ctr[32];
    unsigned int i;
    int len, hit = 0;

    if ( EVP_DecryptInit_ex(t->aes, NULL, NULL, key, NULL) != 1 )
        return -1;
    for ( i = 0; i < t->nr_records && !hit; i++ )
    {
        if ( EVP_DecryptUpdate(t->aes, ctr, &len, t->in[i], 32) != 1 ||
             len != 32 )
            return -1;
        hit = !memcmp(ctr, ctr + 16, 12) &&
              !memcmp(ctr + 12, "\0\0\0\2", 4) &&
              !memcmp(ctr + 28, "\0\0\0\3", 4);
    }
    OPENSSL_cleanse(ctr, sizeof(ctr));
    return hit;
}

int key_trial_run(struct key_trial *t, const uint8_t cand[32])
{
    uint8_t k[32];
    unsigned int i;
    int hit;

    hit = seals(t, cand);
    if ( hit )
        return hit < 0 ? -1 : KEY_TRIAL_PAGE_KEY;
    for ( i = 0; i < t->nr_salts; i++ )
    {
        hit = derive(t, i, cand, k) ? -1 : seals(t, k);
        if ( hit )
            break;
    }
    OPENSSL_cleanse(k, sizeof(k));
    if ( hit < 0 )
        return -1;
    return hit ? (int)(KEY_TRIAL_HKDF_INPUT + i) : KEY_TRIAL_NONE;
}
