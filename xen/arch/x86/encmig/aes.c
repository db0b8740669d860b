/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aes.c: AES-256 (FIPS-197), bitsliced over 64-bit words.
 *
 * A cache-timing-safe AES cannot use the usual S-box tables, so the state
 * of four blocks is transposed into eight 64-bit "slices": slice i holds
 * bit i of all 64 state bytes.  SubBytes then becomes a boolean circuit
 * (Boyar and Peralta, "A depth-16 circuit for the AES S-box", 2011) applied
 * to all 64 bytes at once, and the linear layers become shifts and masks.
 * Nothing here indexes memory or branches on key or data.
 *
 * Inside a slice, byte (lane b, row r, column c) of the batch sits at bit
 * 16 * r + 4 * c + b: a row is a 16-bit field, a column a nibble of it, so
 * ShiftRows rotates nibbles inside each row and MixColumns rotates whole
 * rows (16-bit fields) of the word.
 */

#include "aes.h"
#include "byteorder.h"
#include "crypto.h"

static inline uint64_t rotr64(uint64_t x, unsigned int n)
{
    return (x >> n) | (x << (64 - n));
}

/*
 * Exchange the bits of a selected by mask << n with the bits of b selected
 * by mask.
 */
#define SWAPMOVE(a, b, mask, n) do {                    \
    uint64_t t_ = (((a) >> (n)) ^ (b)) & (mask);        \
    (b) ^= t_;                                          \
    (a) ^= t_ << (n);                                   \
} while ( 0 )

/*
 * Transpose, in each of the eight byte lanes, the 8x8 bit matrix whose row
 * j is that byte of w[j].  Its own inverse.
 */
static void transpose8(uint64_t w[8])
{
    SWAPMOVE(w[0], w[1], 0x5555555555555555ULL, 1);
    SWAPMOVE(w[2], w[3], 0x5555555555555555ULL, 1);
    SWAPMOVE(w[4], w[5], 0x5555555555555555ULL, 1);
    SWAPMOVE(w[6], w[7], 0x5555555555555555ULL, 1);

    SWAPMOVE(w[0], w[2], 0x3333333333333333ULL, 2);
    SWAPMOVE(w[1], w[3], 0x3333333333333333ULL, 2);
    SWAPMOVE(w[4], w[6], 0x3333333333333333ULL, 2);
    SWAPMOVE(w[5], w[7], 0x3333333333333333ULL, 2);

    SWAPMOVE(w[0], w[4], 0x0f0f0f0f0f0f0f0fULL, 4);
    SWAPMOVE(w[1], w[5], 0x0f0f0f0f0f0f0f0fULL, 4);
    SWAPMOVE(w[2], w[6], 0x0f0f0f0f0f0f0f0fULL, 4);
    SWAPMOVE(w[3], w[7], 0x0f0f0f0f0f0f0f0fULL, 4);
}

/* The four bytes of x to the even bytes of the result. */
static inline uint64_t spread_bytes(uint32_t x)
{
    uint64_t v = x;

    v = (v | (v << 16)) & 0x0000ffff0000ffffULL;

    return (v | (v << 8)) & 0x00ff00ff00ff00ffULL;
}

/* The even bytes of v, packed. */
static inline uint32_t gather_bytes(uint64_t v)
{
    v &= 0x00ff00ff00ff00ffULL;
    v = (v | (v >> 8)) & 0x0000ffff0000ffffULL;

    return v | (v >> 16);
}

/*
 * Bit n = 8 * m + j of a slice comes, after transpose8(), from byte m of
 * w[j].  For n = 16 * r + 4 * c + b that makes w[b] the bytes of columns
 * 0 and 2 of block b interleaved (even bytes column 0), and w[b + 4] those
 * of columns 1 and 3.  Column c of a block is its bytes 4c..4c+3.
 */
static void bs_load(uint64_t q[8], const uint8_t in[64])
{
    unsigned int b;

    for ( b = 0; b < 4; b++ )
    {
        uint64_t lo = load_le64(in + 16 * b), hi = load_le64(in + 16 * b + 8);

        q[b] = spread_bytes(lo) | (spread_bytes(hi) << 8);
        q[b + 4] = spread_bytes(lo >> 32) | (spread_bytes(hi >> 32) << 8);
    }
    transpose8(q);
}

/* Slices back to four 16-byte blocks; q is clobbered. */
static void bs_store(uint8_t out[64], uint64_t q[8])
{
    unsigned int b;

    transpose8(q);
    for ( b = 0; b < 4; b++ )
    {
        uint64_t lo = gather_bytes(q[b]) |
                      ((uint64_t)gather_bytes(q[b + 4]) << 32);
        uint64_t hi = gather_bytes(q[b] >> 8) |
                      ((uint64_t)gather_bytes(q[b + 4] >> 8) << 32);

        store_le64(out + 16 * b, lo);
        store_le64(out + 16 * b + 8, hi);
    }
}

/*
 * SubBytes on all 64 bytes: the Boyar-Peralta circuit, 32 AND and 83
 * XOR/XNOR.  Its U0..U7 and S0..S7 number bits from the most significant,
 * so U0 is slice 7.
 */
static inline void sub_bytes(uint64_t q[8])
{
    uint64_t u0 = q[7], u1 = q[6], u2 = q[5], u3 = q[4];
    uint64_t u4 = q[3], u5 = q[2], u6 = q[1], u7 = q[0];
    uint64_t t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14;
    uint64_t t15, t16, t17, t18, t19, t20, t21, t22, t23, t24, t25, t26, t27;
    uint64_t m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14;
    uint64_t m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27;
    uint64_t m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40;
    uint64_t m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53;
    uint64_t m54, m55, m56, m57, m58, m59, m60, m61, m62, m63;
    uint64_t l0, l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11, l12, l13, l14;
    uint64_t l15, l16, l17, l18, l19, l20, l21, l22, l23, l24, l25, l26, l27;
    uint64_t l28, l29;

    /* Top linear layer. */
    t1 = u0 ^ u3;
    t2 = u0 ^ u5;
    t3 = u0 ^ u6;
    t4 = u3 ^ u5;
    t5 = u4 ^ u6;
    t6 = t1 ^ t5;
    t7 = u1 ^ u2;
    t8 = u7 ^ t6;
    t9 = u7 ^ t7;
    t10 = t6 ^ t7;
    t11 = u1 ^ u5;
    t12 = u2 ^ u5;
    t13 = t3 ^ t4;
    t14 = t6 ^ t11;
    t15 = t5 ^ t11;
    t16 = t5 ^ t12;
    t17 = t9 ^ t16;
    t18 = u3 ^ u7;
    t19 = t7 ^ t18;
    t20 = t1 ^ t19;
    t21 = u6 ^ u7;
    t22 = t7 ^ t21;
    t23 = t2 ^ t22;
    t24 = t2 ^ t10;
    t25 = t20 ^ t17;
    t26 = t3 ^ t16;
    t27 = t1 ^ t12;

    /* Shared non-linear middle: inversion in GF(2^8) via GF(2^4). */
    m1 = t13 & t6;
    m2 = t23 & t8;
    m3 = t14 ^ m1;
    m4 = t19 & u7;
    m5 = m4 ^ m1;
    m6 = t3 & t16;
    m7 = t22 & t9;
    m8 = t26 ^ m6;
    m9 = t20 & t17;
    m10 = m9 ^ m6;
    m11 = t1 & t15;
    m12 = t4 & t27;
    m13 = m12 ^ m11;
    m14 = t2 & t10;
    m15 = m14 ^ m11;
    m16 = m3 ^ m2;
    m17 = m5 ^ t24;
    m18 = m8 ^ m7;
    m19 = m10 ^ m15;
    m20 = m16 ^ m13;
    m21 = m17 ^ m15;
    m22 = m18 ^ m13;
    m23 = m19 ^ t25;
    m24 = m22 ^ m23;
    m25 = m22 & m20;
    m26 = m21 ^ m25;
    m27 = m20 ^ m21;
    m28 = m23 ^ m25;
    m29 = m28 & m27;
    m30 = m26 & m24;
    m31 = m20 & m23;
    m32 = m27 & m31;
    m33 = m27 ^ m25;
    m34 = m21 & m22;
    m35 = m24 & m34;
    m36 = m24 ^ m25;
    m37 = m21 ^ m29;
    m38 = m32 ^ m33;
    m39 = m23 ^ m30;
    m40 = m35 ^ m36;
    m41 = m38 ^ m40;
    m42 = m37 ^ m39;
    m43 = m37 ^ m38;
    m44 = m39 ^ m40;
    m45 = m42 ^ m41;
    m46 = m44 & t6;
    m47 = m40 & t8;
    m48 = m39 & u7;
    m49 = m43 & t16;
    m50 = m38 & t9;
    m51 = m37 & t17;
    m52 = m42 & t15;
    m53 = m45 & t27;
    m54 = m41 & t10;
    m55 = m44 & t13;
    m56 = m40 & t23;
    m57 = m39 & t19;
    m58 = m43 & t3;
    m59 = m38 & t22;
    m60 = m37 & t20;
    m61 = m42 & t1;
    m62 = m45 & t4;
    m63 = m41 & t2;

    /* Bottom linear layer, with the affine map folded in. */
    l0 = m61 ^ m62;
    l1 = m50 ^ m56;
    l2 = m46 ^ m48;
    l3 = m47 ^ m55;
    l4 = m54 ^ m58;
    l5 = m49 ^ m61;
    l6 = m62 ^ l5;
    l7 = m46 ^ l3;
    l8 = m51 ^ m59;
    l9 = m52 ^ m53;
    l10 = m53 ^ l4;
    l11 = m60 ^ l2;
    l12 = m48 ^ m51;
    l13 = m50 ^ l0;
    l14 = m52 ^ m61;
    l15 = m55 ^ l1;
    l16 = m56 ^ l0;
    l17 = m57 ^ l1;
    l18 = m58 ^ l8;
    l19 = m63 ^ l4;
    l20 = l0 ^ l1;
    l21 = l1 ^ l7;
    l22 = l3 ^ l12;
    l23 = l18 ^ l2;
    l24 = l15 ^ l9;
    l25 = l6 ^ l10;
    l26 = l7 ^ l9;
    l27 = l8 ^ l10;
    l28 = l11 ^ l14;
    l29 = l11 ^ l17;

    q[7] = l6 ^ l24;
    q[6] = ~(l16 ^ l26);
    q[5] = ~(l19 ^ l28);
    q[4] = l6 ^ l21;
    q[3] = l20 ^ l22;
    q[2] = l25 ^ l29;
    q[1] = ~(l13 ^ l27);
    q[0] = ~(l6 ^ l23);
}

/*
 * The inverse of SubBytes' affine map (x -> A.x + 0x63).  Since
 * S = aff o inv, inv = aff^-1 o S and S^-1 = aff^-1 o S o aff^-1: the
 * decrypt path reuses the forward circuit rather than a second one.
 */
static inline void inv_affine(uint64_t q[8])
{
    uint64_t x0 = q[0], x1 = q[1], x2 = q[2], x3 = q[3];
    uint64_t x4 = q[4], x5 = q[5], x6 = q[6], x7 = q[7];

    /* y_i = x_i+2 + x_i+5 + x_i+7, plus the constant A^-1.0x63 = 0x05. */
    q[0] = ~(x2 ^ x5 ^ x7);
    q[1] = x3 ^ x6 ^ x0;
    q[2] = ~(x4 ^ x7 ^ x1);
    q[3] = x5 ^ x0 ^ x2;
    q[4] = x6 ^ x1 ^ x3;
    q[5] = x7 ^ x2 ^ x4;
    q[6] = x0 ^ x3 ^ x5;
    q[7] = x1 ^ x4 ^ x6;
}

static inline void inv_sub_bytes(uint64_t q[8])
{
    inv_affine(q);
    sub_bytes(q);
    inv_affine(q);
}

/*
 * Row r moves left by r columns (new column c is old column c + r), done
 * as two uniform rotations: by one column in rows 1 and 3, then by two
 * columns in rows 2 and 3.
 */
static inline uint64_t shift_rows1(uint64_t x)
{
    x = (x & 0x0000ffff0000ffffULL) |
        ((x >> 4) & 0x0fff00000fff0000ULL) |
        ((x << 12) & 0xf0000000f0000000ULL);

    return (x & 0x00000000ffffffffULL) |
           ((x >> 8) & 0x00ff00ff00000000ULL) |
           ((x << 8) & 0xff00ff0000000000ULL);
}

static inline uint64_t inv_shift_rows1(uint64_t x)
{
    x = (x & 0x0000ffff0000ffffULL) |
        ((x << 4) & 0xfff00000fff00000ULL) |
        ((x >> 12) & 0x000f0000000f0000ULL);

    return (x & 0x00000000ffffffffULL) |
           ((x >> 8) & 0x00ff00ff00000000ULL) |
           ((x << 8) & 0xff00ff0000000000ULL);
}

static inline void shift_rows(uint64_t q[8])
{
    q[0] = shift_rows1(q[0]);
    q[1] = shift_rows1(q[1]);
    q[2] = shift_rows1(q[2]);
    q[3] = shift_rows1(q[3]);
    q[4] = shift_rows1(q[4]);
    q[5] = shift_rows1(q[5]);
    q[6] = shift_rows1(q[6]);
    q[7] = shift_rows1(q[7]);
}

static inline void inv_shift_rows(uint64_t q[8])
{
    q[0] = inv_shift_rows1(q[0]);
    q[1] = inv_shift_rows1(q[1]);
    q[2] = inv_shift_rows1(q[2]);
    q[3] = inv_shift_rows1(q[3]);
    q[4] = inv_shift_rows1(q[4]);
    q[5] = inv_shift_rows1(q[5]);
    q[6] = inv_shift_rows1(q[6]);
    q[7] = inv_shift_rows1(q[7]);
}

/*
 * b_r = 2.a_r + 3.a_r+1 + a_r+2 + a_r+3
 *     = 2.(a_r + a_r+1) + a_r+1 + (a_r+2 + a_r+3).
 * Rotating a slice right by 16 brings row r+1 to row r.  Doubling (times x
 * modulo x^8 + x^4 + x^3 + x + 1) moves slice i to slice i+1 and folds
 * slice 7 back into slices 0, 1, 3 and 4.
 */
static inline void mix_columns(uint64_t q[8])
{
    uint64_t s0 = rotr64(q[0], 16), s1 = rotr64(q[1], 16);
    uint64_t s2 = rotr64(q[2], 16), s3 = rotr64(q[3], 16);
    uint64_t s4 = rotr64(q[4], 16), s5 = rotr64(q[5], 16);
    uint64_t s6 = rotr64(q[6], 16), s7 = rotr64(q[7], 16);
    uint64_t t0 = q[0] ^ s0, t1 = q[1] ^ s1, t2 = q[2] ^ s2, t3 = q[3] ^ s3;
    uint64_t t4 = q[4] ^ s4, t5 = q[5] ^ s5, t6 = q[6] ^ s6, t7 = q[7] ^ s7;

    q[0] = t7 ^ s0 ^ rotr64(t0, 32);
    q[1] = t0 ^ t7 ^ s1 ^ rotr64(t1, 32);
    q[2] = t1 ^ s2 ^ rotr64(t2, 32);
    q[3] = t2 ^ t7 ^ s3 ^ rotr64(t3, 32);
    q[4] = t3 ^ t7 ^ s4 ^ rotr64(t4, 32);
    q[5] = t4 ^ s5 ^ rotr64(t5, 32);
    q[6] = t5 ^ s6 ^ rotr64(t6, 32);
    q[7] = t6 ^ s7 ^ rotr64(t7, 32);
}

/*
 * InvMixColumns = MixColumns o (a_r -> a_r + 4.(a_r + a_r+2)): the inverse
 * matrix factors through the forward one, which saves a second network.
 */
static inline void inv_mix_columns(uint64_t q[8])
{
    uint64_t u0 = q[0] ^ rotr64(q[0], 32), u1 = q[1] ^ rotr64(q[1], 32);
    uint64_t u2 = q[2] ^ rotr64(q[2], 32), u3 = q[3] ^ rotr64(q[3], 32);
    uint64_t u4 = q[4] ^ rotr64(q[4], 32), u5 = q[5] ^ rotr64(q[5], 32);
    uint64_t u6 = q[6] ^ rotr64(q[6], 32), u7 = q[7] ^ rotr64(q[7], 32);

    /* Times x^2: slice i goes to i+2, slices 6 and 7 fold back. */
    q[0] ^= u6;
    q[1] ^= u6 ^ u7;
    q[2] ^= u0 ^ u7;
    q[3] ^= u1 ^ u6;
    q[4] ^= u2 ^ u6 ^ u7;
    q[5] ^= u3 ^ u7;
    q[6] ^= u4;
    q[7] ^= u5;
    mix_columns(q);
}

static inline void add_round_key(uint64_t q[8], const uint64_t rk[8])
{
    q[0] ^= rk[0];
    q[1] ^= rk[1];
    q[2] ^= rk[2];
    q[3] ^= rk[3];
    q[4] ^= rk[4];
    q[5] ^= rk[5];
    q[6] ^= rk[6];
    q[7] ^= rk[7];
}

static void encrypt_slices(const struct encmig_aes256 *aes, uint64_t q[8])
{
    unsigned int r;

    add_round_key(q, aes->rk[0]);
    for ( r = 1; r < ENCMIG_AES256_ROUNDS; r++ )
    {
        sub_bytes(q);
        shift_rows(q);
        mix_columns(q);
        add_round_key(q, aes->rk[r]);
    }
    sub_bytes(q);
    shift_rows(q);
    add_round_key(q, aes->rk[ENCMIG_AES256_ROUNDS]);
}

static void decrypt_slices(const struct encmig_aes256 *aes, uint64_t q[8])
{
    unsigned int r;

    add_round_key(q, aes->rk[ENCMIG_AES256_ROUNDS]);
    for ( r = ENCMIG_AES256_ROUNDS - 1; r > 0; r-- )
    {
        inv_shift_rows(q);
        inv_sub_bytes(q);
        add_round_key(q, aes->rk[r]);
        inv_mix_columns(q);
    }
    inv_shift_rows(q);
    inv_sub_bytes(q);
    add_round_key(q, aes->rk[0]);
}

/* SubWord() of the key schedule, through the same circuit. */
static uint32_t sub_word(uint32_t w)
{
    uint8_t buf[64];
    uint64_t q[8];
    uint32_t r;

    memset(buf, 0, sizeof(buf));
    buf[0] = w >> 24;
    buf[1] = w >> 16;
    buf[2] = w >> 8;
    buf[3] = w;
    bs_load(q, buf);
    sub_bytes(q);
    bs_store(buf, q);
    r = ((uint32_t)buf[0] << 24) | ((uint32_t)buf[1] << 16) |
        ((uint32_t)buf[2] << 8) | buf[3];
    encmig_wipe(buf, sizeof(buf));
    encmig_wipe(q, sizeof(q));

    return r;
}

void encmig_aes256_init(struct encmig_aes256 *aes, const uint8_t key[32])
{
    /* Nb * (Nr + 1) = 60 words; Nk = 8. */
    uint32_t w[4 * (ENCMIG_AES256_ROUNDS + 1)];
    uint8_t buf[16 * ENCMIG_AES_LANES];
    uint32_t rcon = 1, t;
    unsigned int i, r, l;

    for ( i = 0; i < 8; i++ )
        w[i] = ((uint32_t)key[4 * i] << 24) |
               ((uint32_t)key[4 * i + 1] << 16) |
               ((uint32_t)key[4 * i + 2] << 8) | key[4 * i + 3];
    for ( i = 8; i < 4 * (ENCMIG_AES256_ROUNDS + 1); i++ )
    {
        t = w[i - 1];
        /* i is public: these branches follow the schedule, not the key. */
        if ( i % 8 == 0 )
        {
            t = sub_word((t << 8) | (t >> 24)) ^ (rcon << 24);
            rcon <<= 1;
        }
        else if ( i % 8 == 4 )
            t = sub_word(t);
        w[i] = w[i - 8] ^ t;
    }

    /* Each round key, copied into all lanes, then sliced like the state. */
    for ( r = 0; r <= ENCMIG_AES256_ROUNDS; r++ )
    {
        for ( l = 0; l < ENCMIG_AES_LANES; l++ )
            for ( i = 0; i < 4; i++ )
            {
                t = w[4 * r + i];
                buf[16 * l + 4 * i] = t >> 24;
                buf[16 * l + 4 * i + 1] = t >> 16;
                buf[16 * l + 4 * i + 2] = t >> 8;
                buf[16 * l + 4 * i + 3] = t;
            }
        bs_load(aes->rk[r], buf);
    }

    encmig_wipe(w, sizeof(w));
    encmig_wipe(buf, sizeof(buf));
}

static void crypt_blocks(const struct encmig_aes256 *aes, bool encrypt,
                         const uint8_t *in, uint8_t *out, size_t nblocks)
{
    uint64_t q[8];
    uint8_t buf[16 * ENCMIG_AES_LANES];

    for ( ; nblocks >= ENCMIG_AES_LANES; nblocks -= ENCMIG_AES_LANES )
    {
        bs_load(q, in);
        if ( encrypt )
            encrypt_slices(aes, q);
        else
            decrypt_slices(aes, q);
        bs_store(out, q);
        in += 16 * ENCMIG_AES_LANES;
        out += 16 * ENCMIG_AES_LANES;
    }

    /* A short tail still costs a full pass; the unused lanes are zero. */
    if ( nblocks )
    {
        memset(buf, 0, sizeof(buf));
        memcpy(buf, in, 16 * nblocks);
        bs_load(q, buf);
        if ( encrypt )
            encrypt_slices(aes, q);
        else
            decrypt_slices(aes, q);
        bs_store(buf, q);
        memcpy(out, buf, 16 * nblocks);
        encmig_wipe(buf, sizeof(buf));
    }

    encmig_wipe(q, sizeof(q));
}

void encmig_aes256_encrypt(const struct encmig_aes256 *aes,
                           const uint8_t *in, uint8_t *out, size_t nblocks)
{
    crypt_blocks(aes, true, in, out, nblocks);
}

void encmig_aes256_decrypt(const struct encmig_aes256 *aes,
                           const uint8_t *in, uint8_t *out, size_t nblocks)
{
    crypt_blocks(aes, false, in, out, nblocks);
}
