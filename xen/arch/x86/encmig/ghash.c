/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ghash.c: GHASH multiplication in GF(2^128), constant time.
 *
 * Table-driven GHASH (4-bit or 8-bit tables of multiples of H) leaks H
 * and the data through the cache, so the carry-less product is built
 * from ordinary integer multiplications "with holes": each operand is
 * split into five interleaved parts keeping one bit in five, so that the
 * carries of an integer product land in the bits between useful ones and
 * are masked away.  This relies on the CPU's integer multiply taking a
 * data-independent time, as MUL does on x86-64.
 *
 * Field elements are kept as 128-bit big-endian integers of the block
 * bytes; GCM's bit order makes the most significant bit the coefficient
 * of x^0, so the polynomials are "reflected" and the reduction below is
 * written for that order.
 */

#include "ghash.h"
#include "byteorder.h"
#include "crypto.h"

__extension__ typedef unsigned __int128 u128;

/* Bit classes modulo 5: Mk has the bits at positions k, k + 5, k + 10... */
#define M0 0x1084210842108421ULL
#define M1 0x2108421084210842ULL
#define M2 0x4210842108421084ULL
#define M3 0x8421084210842108ULL
#define M4 0x0842108421084210ULL

static void split5(uint64_t x, uint64_t p[5])
{
    p[0] = x & M0;
    p[1] = x & M1;
    p[2] = x & M2;
    p[3] = x & M3;
    p[4] = x & M4;
}

#define MUL(a, b) ((u128)(a) * (b))

/*
 * 64 x 64 -> 128-bit carry-less product (hi:lo), y given as split5()
 * parts.  A part keeps at most 13 bits, so a bit position of one partial
 * product sums at most 13 one-bit terms: the count stays below 2^5 and
 * never reaches the next bit of its class, and its low bit is the XOR
 * wanted.
 */
static inline void clmul64(uint64_t x, const uint64_t y[5],
                           uint64_t *hi, uint64_t *lo)
{
    uint64_t x0 = x & M0, x1 = x & M1, x2 = x & M2, x3 = x & M3, x4 = x & M4;
    u128 z0, z1, z2, z3, z4;

    /* Part a times part b lands in class (a + b) mod 5. */
    z0 = MUL(x0, y[0]) ^ MUL(x1, y[4]) ^ MUL(x2, y[3]) ^ MUL(x3, y[2]) ^
         MUL(x4, y[1]);
    z1 = MUL(x0, y[1]) ^ MUL(x1, y[0]) ^ MUL(x2, y[4]) ^ MUL(x3, y[3]) ^
         MUL(x4, y[2]);
    z2 = MUL(x0, y[2]) ^ MUL(x1, y[1]) ^ MUL(x2, y[0]) ^ MUL(x3, y[4]) ^
         MUL(x4, y[3]);
    z3 = MUL(x0, y[3]) ^ MUL(x1, y[2]) ^ MUL(x2, y[1]) ^ MUL(x3, y[0]) ^
         MUL(x4, y[4]);
    z4 = MUL(x0, y[4]) ^ MUL(x1, y[3]) ^ MUL(x2, y[2]) ^ MUL(x3, y[1]) ^
         MUL(x4, y[0]);

    *lo = ((uint64_t)z0 & M0) | ((uint64_t)z1 & M1) | ((uint64_t)z2 & M2) |
          ((uint64_t)z3 & M3) | ((uint64_t)z4 & M4);
    /* Bit 64 + j is in class (j + 4) mod 5: the high masks move by one. */
    *hi = ((uint64_t)(z0 >> 64) & M1) | ((uint64_t)(z1 >> 64) & M2) |
          ((uint64_t)(z2 >> 64) & M3) | ((uint64_t)(z3 >> 64) & M4) |
          ((uint64_t)(z4 >> 64) & M0);
}

/* y = y * H in GCM's field. */
static void gf_mul(uint64_t y[2], const uint64_t hp[3][5])
{
    uint64_t a1, a0, b1, b0, c1, c0;
    uint64_t z3, z2, z1, z0, e1, e0;

    /* 128 x 128 -> 256 (z3:z2:z1:z0), Karatsuba over 64-bit halves. */
    clmul64(y[0], hp[0], &a1, &a0);
    clmul64(y[1], hp[1], &b1, &b0);
    clmul64(y[0] ^ y[1], hp[2], &c1, &c0);
    c1 ^= a1 ^ b1;
    c0 ^= a0 ^ b0;
    z3 = a1;
    z2 = a0 ^ c1;
    z1 = b1 ^ c0;
    z0 = b0;

    /*
     * The product of two reflected 128-bit values is the reflected
     * product over 255 bits: one left shift realigns it to 256.  Then
     * z3:z2 holds the coefficients of x^0..x^127 and z1:z0 those of
     * x^128..x^255, to fold back with x^128 = x^7 + x^2 + x + 1.
     */
    z3 = (z3 << 1) | (z2 >> 63);
    z2 = (z2 << 1) | (z1 >> 63);
    z1 = (z1 << 1) | (z0 >> 63);
    z0 <<= 1;

    /*
     * In reflected order multiplying by x^k is a right shift by k.  The
     * bits the shifts by 1, 2 and 7 push out of z1:z0 are terms of degree
     * 128 and more: bring them back in at the top (they are x^128 times
     * a polynomial of degree below 7, which folds without overflow).
     */
    e1 = z1 ^ (z0 << 63) ^ (z0 << 62) ^ (z0 << 57);
    e0 = z0;

    y[0] = z3 ^ e1 ^ (e1 >> 1) ^ (e1 >> 2) ^ (e1 >> 7);
    y[1] = z2 ^ e0 ^ (e0 >> 1) ^ (e0 >> 2) ^ (e0 >> 7) ^
           (e1 << 63) ^ (e1 << 62) ^ (e1 << 57);
}

void encmig_ghash_init(struct encmig_ghash *gh, const uint8_t h[16])
{
    uint64_t h0 = load_be64(h), h1 = load_be64(h + 8);

    split5(h0, gh->hp[0]);
    split5(h1, gh->hp[1]);
    split5(h0 ^ h1, gh->hp[2]);
    gh->y[0] = 0;
    gh->y[1] = 0;
}

void encmig_ghash_update(struct encmig_ghash *gh, const uint8_t *p,
                         size_t len)
{
    uint8_t last[16];

    for ( ; len >= 16; len -= 16, p += 16 )
    {
        gh->y[0] ^= load_be64(p);
        gh->y[1] ^= load_be64(p + 8);
        gf_mul(gh->y, gh->hp);
    }

    if ( len )
    {
        memset(last, 0, sizeof(last));
        memcpy(last, p, len);
        gh->y[0] ^= load_be64(last);
        gh->y[1] ^= load_be64(last + 8);
        gf_mul(gh->y, gh->hp);
        encmig_wipe(last, sizeof(last));
    }
}

void encmig_ghash_final(const struct encmig_ghash *gh, uint8_t out[16])
{
    store_be64(out, gh->y[0]);
    store_be64(out + 8, gh->y[1]);
}
