/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sha256.c: SHA-256 and HMAC-SHA256.
 *
 * SHA-256 is made of additions, rotations and bitwise operations on
 * 32-bit words, with the round constants indexed by the round number
 * alone: it takes the same time whatever the data.  HMAC adds only XORs
 * with the key, and branches on the key's length, never on its bytes.
 */

#include "sha256.h"
#include "byteorder.h"
#include "crypto.h"

/*
 * FIPS 180-4 4.2.2: the first 32 bits of the fractional parts of the
 * cube roots of the first 64 primes.
 */
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
    0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
    0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
    0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
    0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* FIPS 180-4 5.3.3: the same for the square roots of the first 8 primes. */
static const uint32_t H0[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static inline uint32_t sha256_ror(uint32_t x, unsigned int n)
{
    return (x >> n) | (x << (32 - n));
}

#define CH(x, y, z)  (((x) & (y)) ^ (~(x) & (z)))
#define MAJ(x, y, z) (((x) & (y)) ^ ((x) & (z)) ^ ((y) & (z)))
#define BSIG0(x)     (sha256_ror(x, 2) ^ sha256_ror(x, 13) ^ sha256_ror(x, 22))
#define BSIG1(x)     (sha256_ror(x, 6) ^ sha256_ror(x, 11) ^ sha256_ror(x, 25))
#define SSIG0(x)     (sha256_ror(x, 7) ^ sha256_ror(x, 18) ^ ((x) >> 3))
#define SSIG1(x)     (sha256_ror(x, 17) ^ sha256_ror(x, 19) ^ ((x) >> 10))

/* Absorb nblocks whole blocks (FIPS 180-4 6.2.2). */
static void sha256_blocks(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
    uint32_t w[64], v[8], t1, t2;
    unsigned int i;

    for ( ; nblocks; nblocks--, p += ENCMIG_SHA256_BLOCK )
    {
        for ( i = 0; i < 16; i++ )
            w[i] = load_be32(p + 4 * i);
        for ( ; i < 64; i++ )
            w[i] = SSIG1(w[i - 2]) + w[i - 7] + SSIG0(w[i - 15]) + w[i - 16];

        memcpy(v, h, sizeof(v));
        for ( i = 0; i < 64; i++ )
        {
            /* v[0..7] are FIPS's a..h. */
            t1 = v[7] + BSIG1(v[4]) + CH(v[4], v[5], v[6]) + K[i] + w[i];
            t2 = BSIG0(v[0]) + MAJ(v[0], v[1], v[2]);
            v[7] = v[6];
            v[6] = v[5];
            v[5] = v[4];
            v[4] = v[3] + t1;
            v[3] = v[2];
            v[2] = v[1];
            v[1] = v[0];
            v[0] = t1 + t2;
        }
        for ( i = 0; i < 8; i++ )
            h[i] += v[i];
    }

    /* The schedule and the working state are functions of the data. */
    encmig_wipe(w, sizeof(w));
    encmig_wipe(v, sizeof(v));
}

void encmig_sha256_init(struct encmig_sha256 *s)
{
    memcpy(s->h, H0, sizeof(s->h));
    s->len = 0;
}

void encmig_sha256_update(struct encmig_sha256 *s, const uint8_t *p,
                          size_t len)
{
    size_t used = s->len % ENCMIG_SHA256_BLOCK, n;

    s->len += len;

    if ( used )
    {
        n = ENCMIG_SHA256_BLOCK - used;
        if ( len < n )
        {
            if ( len )
                memcpy(s->buf + used, p, len);
            return;
        }
        memcpy(s->buf + used, p, n);
        sha256_blocks(s->h, s->buf, 1);
        p += n;
        len -= n;
    }

    /* Whole blocks straight from the caller: no copy through buf. */
    if ( len >= ENCMIG_SHA256_BLOCK )
    {
        n = len / ENCMIG_SHA256_BLOCK;
        sha256_blocks(s->h, p, n);
        p += n * ENCMIG_SHA256_BLOCK;
        len -= n * ENCMIG_SHA256_BLOCK;
    }

    if ( len )
        memcpy(s->buf, p, len);
}

void encmig_sha256_final(struct encmig_sha256 *s,
                         uint8_t out[ENCMIG_SHA256_LEN])
{
    size_t used = s->len % ENCMIG_SHA256_BLOCK;
    unsigned int i;

    /* 0x80, zeros up to 8 bytes short of a block, the length in bits. */
    s->buf[used++] = 0x80;
    if ( used > ENCMIG_SHA256_BLOCK - 8 )
    {
        memset(s->buf + used, 0, ENCMIG_SHA256_BLOCK - used);
        sha256_blocks(s->h, s->buf, 1);
        used = 0;
    }
    memset(s->buf + used, 0, ENCMIG_SHA256_BLOCK - 8 - used);
    store_be64(s->buf + ENCMIG_SHA256_BLOCK - 8, s->len * 8);
    sha256_blocks(s->h, s->buf, 1);

    for ( i = 0; i < 8; i++ )
        store_be32(out + 4 * i, s->h[i]);

    encmig_wipe(s, sizeof(*s));
}

void encmig_sha256(const uint8_t *p, size_t len,
                   uint8_t out[ENCMIG_SHA256_LEN])
{
    struct encmig_sha256 s;

    encmig_sha256_init(&s);
    encmig_sha256_update(&s, p, len);
    encmig_sha256_final(&s, out);
}

void encmig_hmac_sha256_init(struct encmig_hmac_sha256 *h,
                             const uint8_t *key, size_t key_len)
{
    uint8_t k0[ENCMIG_SHA256_BLOCK], pad[ENCMIG_SHA256_BLOCK];
    unsigned int i;

    /* RFC 2104 section 2: a key longer than a block is hashed first. */
    memset(k0, 0, sizeof(k0));
    if ( key_len > ENCMIG_SHA256_BLOCK )
        encmig_sha256(key, key_len, k0);
    else if ( key_len )
        memcpy(k0, key, key_len);

    for ( i = 0; i < ENCMIG_SHA256_BLOCK; i++ )
        pad[i] = k0[i] ^ 0x36;
    encmig_sha256_init(&h->inner);
    encmig_sha256_update(&h->inner, pad, sizeof(pad));

    for ( i = 0; i < ENCMIG_SHA256_BLOCK; i++ )
        pad[i] = k0[i] ^ 0x5c;
    encmig_sha256_init(&h->outer);
    encmig_sha256_update(&h->outer, pad, sizeof(pad));

    encmig_wipe(k0, sizeof(k0));
    encmig_wipe(pad, sizeof(pad));
}

void encmig_hmac_sha256_update(struct encmig_hmac_sha256 *h,
                               const uint8_t *p, size_t len)
{
    encmig_sha256_update(&h->inner, p, len);
}

void encmig_hmac_sha256_final(struct encmig_hmac_sha256 *h,
                              uint8_t out[ENCMIG_SHA256_LEN])
{
    uint8_t ih[ENCMIG_SHA256_LEN];

    encmig_sha256_final(&h->inner, ih);
    encmig_sha256_update(&h->outer, ih, sizeof(ih));
    encmig_sha256_final(&h->outer, out);

    encmig_wipe(ih, sizeof(ih));
}

void encmig_hmac_sha256(const uint8_t *key, size_t key_len,
                        const uint8_t *msg, size_t len,
                        uint8_t out[ENCMIG_SHA256_LEN])
{
    struct encmig_hmac_sha256 h;

    encmig_hmac_sha256_init(&h, key, key_len);
    encmig_hmac_sha256_update(&h, msg, len);
    encmig_hmac_sha256_final(&h, out);
}
