/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x25519.c: X25519 (RFC 7748): the Montgomery ladder over GF(2^255 - 19).
 *
 * A field element is five limbs of 51 bits, value = sum of v[i] 2^(51 i).
 * Products of two limbs are 128-bit integers; 2^255 = 19 mod p folds the
 * high half of a product back onto the low limbs.  Limbs may grow past
 * 51 bits between multiplications: every operation below states what it
 * takes and gives, and the ladder keeps within those bounds.
 *
 * Timing: every scalar bit costs the same field operations, the points
 * are swapped with masks instead of branches, no table is indexed by
 * secret data, and the 64 x 64 -> 128-bit MUL of x86-64 takes a
 * data-independent time.
 */

#include "x25519.h"
#include "byteorder.h"
#include "crypto.h"

__extension__ typedef unsigned __int128 u128;

#define MASK51  (((uint64_t)1 << 51) - 1)

/* RFC 7748 section 5: (486662 - 2) / 4, for curve25519's A = 486662. */
#define A24     121665

struct fe {
    uint64_t v[5];
};

/*
 * Bounds: a "reduced" element (the output of fe_mul, fe_mul_a24 and
 * fe_frombytes) has limbs below 2^51, but for v[1] below 2^51 + 2^13;
 * fe_add and fe_sub take reduced elements and give limbs below 2^53,
 * which fe_mul and fe_mul_a24 take.
 */

/* The top bit is dropped, as section 5 asks of a u coordinate. */
static void fe_frombytes(struct fe *h, const uint8_t s[32])
{
    h->v[0] = load_le64(s) & MASK51;
    h->v[1] = (load_le64(s + 6) >> 3) & MASK51;
    h->v[2] = (load_le64(s + 12) >> 6) & MASK51;
    h->v[3] = (load_le64(s + 19) >> 1) & MASK51;
    h->v[4] = (load_le64(s + 24) >> 12) & MASK51;
}

/* The canonical encoding: h fully reduced into [0, p). */
static void fe_tobytes(uint8_t s[32], const struct fe *f)
{
    uint64_t h0 = f->v[0], h1 = f->v[1], h2 = f->v[2], h3 = f->v[3];
    uint64_t h4 = f->v[4], q;

    /*
     * f is reduced, so below 2p: f - p is the answer when f >= p, that is
     * when f + 19 reaches 2^255.  q, the carry out of bit 255 of f + 19,
     * is that condition as 0 or 1, computed without a branch.
     */
    q = (h0 + 19) >> 51;
    q = (h1 + q) >> 51;
    q = (h2 + q) >> 51;
    q = (h3 + q) >> 51;
    q = (h4 + q) >> 51;

    /* f + 19 q - 2^255 q: add, carry, and drop the carry out of h4. */
    h0 += 19 * q;
    h1 += h0 >> 51;
    h0 &= MASK51;
    h2 += h1 >> 51;
    h1 &= MASK51;
    h3 += h2 >> 51;
    h2 &= MASK51;
    h4 += h3 >> 51;
    h3 &= MASK51;
    h4 &= MASK51;

    store_le64(s, h0 | (h1 << 51));
    store_le64(s + 8, (h1 >> 13) | (h2 << 38));
    store_le64(s + 16, (h2 >> 26) | (h3 << 25));
    store_le64(s + 24, (h3 >> 39) | (h4 << 12));
}

static void fe_add(struct fe *h, const struct fe *f, const struct fe *g)
{
    unsigned int i;

    for ( i = 0; i < 5; i++ )
        h->v[i] = f->v[i] + g->v[i];
}

/*
 * h = f - g + 2p: the 2p, spread so that each of its limbs is above any
 * reduced limb of g, keeps every limb from going below zero.
 */
static void fe_sub(struct fe *h, const struct fe *f, const struct fe *g)
{
    h->v[0] = f->v[0] + 0xfffffffffffdaULL - g->v[0];
    h->v[1] = f->v[1] + 0xffffffffffffeULL - g->v[1];
    h->v[2] = f->v[2] + 0xffffffffffffeULL - g->v[2];
    h->v[3] = f->v[3] + 0xffffffffffffeULL - g->v[3];
    h->v[4] = f->v[4] + 0xffffffffffffeULL - g->v[4];
}

/*
 * Carry the 128-bit column sums t0..t4 into a reduced h.  The carry out
 * of the top limb is worth 2^255, that is 19, at the bottom.  The sums
 * come by value, as registers: no array of secrets left on the stack.
 */
static void fe_carry(struct fe *h, u128 t0, u128 t1, u128 t2, u128 t3,
                     u128 t4)
{
    uint64_t c;

    t1 += t0 >> 51;
    t2 += t1 >> 51;
    t3 += t2 >> 51;
    t4 += t3 >> 51;
    c = (uint64_t)(t4 >> 51);

    h->v[0] = ((uint64_t)t0 & MASK51) + 19 * c;
    h->v[1] = ((uint64_t)t1 & MASK51) + (h->v[0] >> 51);
    h->v[0] &= MASK51;
    h->v[2] = (uint64_t)t2 & MASK51;
    h->v[3] = (uint64_t)t3 & MASK51;
    h->v[4] = (uint64_t)t4 & MASK51;
}

/*
 * h = f g.  With limbs below 2^53 a column is below 2^114 and the carry
 * out of the top one below 2^58, so 19 times it still fits in 64 bits.
 * h may be f or g.
 */
static void fe_mul(struct fe *h, const struct fe *f, const struct fe *g)
{
    const uint64_t *a = f->v, *b = g->v;
    uint64_t b1_19 = 19 * b[1], b2_19 = 19 * b[2], b3_19 = 19 * b[3];
    uint64_t b4_19 = 19 * b[4];
    u128 t0, t1, t2, t3, t4;

    /* a[i] b[j] with i + j >= 5 lands at 2^(51 (i + j - 5)) times 19. */
    t0 = (u128)a[0] * b[0] + (u128)a[1] * b4_19 + (u128)a[2] * b3_19 +
         (u128)a[3] * b2_19 + (u128)a[4] * b1_19;
    t1 = (u128)a[0] * b[1] + (u128)a[1] * b[0] + (u128)a[2] * b4_19 +
         (u128)a[3] * b3_19 + (u128)a[4] * b2_19;
    t2 = (u128)a[0] * b[2] + (u128)a[1] * b[1] + (u128)a[2] * b[0] +
         (u128)a[3] * b4_19 + (u128)a[4] * b3_19;
    t3 = (u128)a[0] * b[3] + (u128)a[1] * b[2] + (u128)a[2] * b[1] +
         (u128)a[3] * b[0] + (u128)a[4] * b4_19;
    t4 = (u128)a[0] * b[4] + (u128)a[1] * b[3] + (u128)a[2] * b[2] +
         (u128)a[3] * b[1] + (u128)a[4] * b[0];

    fe_carry(h, t0, t1, t2, t3, t4);
}

static void fe_sq(struct fe *h, const struct fe *f)
{
    fe_mul(h, f, f);
}

/* h = f^(2^n) g, n >= 1; h may be f or g. */
static void fe_sqmul(struct fe *h, const struct fe *f, unsigned int n,
                     const struct fe *g)
{
    struct fe t;

    fe_sq(&t, f);
    while ( --n )
        fe_sq(&t, &t);
    fe_mul(h, &t, g);

    encmig_wipe(&t, sizeof(t));
}

/*
 * h = A24 f: fe_mul would do, but a 17-bit constant needs one product a
 * limb, not five.
 */
static void fe_mul_a24(struct fe *h, const struct fe *f)
{
    fe_carry(h, (u128)f->v[0] * A24, (u128)f->v[1] * A24,
             (u128)f->v[2] * A24, (u128)f->v[3] * A24, (u128)f->v[4] * A24);
}

/* Exchange f and g when swap is 1, keep them when 0, the same way. */
static void fe_cswap(struct fe *f, struct fe *g, uint64_t swap)
{
    uint64_t mask = 0 - swap, x;
    unsigned int i;

    /* Keep the optimiser from turning the mask back into a branch. */
    asm volatile ( "" : "+r" (mask) );

    for ( i = 0; i < 5; i++ )
    {
        x = mask & (f->v[i] ^ g->v[i]);
        f->v[i] ^= x;
        g->v[i] ^= x;
    }
}

/*
 * h = z^(p - 2), which is 1/z for z != 0 (Fermat) and 0 for z = 0, the
 * RFC's value of the point at infinity.  p - 2 = 2^255 - 21 is 250 ones
 * followed by 01011: build z^(2^k - 1) for growing k by squaring and
 * multiplying, a fixed chain of 254 squarings and 11 multiplications.
 */
static void fe_invert(struct fe *h, const struct fe *z)
{
    struct {
        struct fe z2, z9, z11, e5, e10, e50, e100, u;
    } s;

    fe_sq(&s.z2, z);
    fe_sqmul(&s.z9, &s.z2, 2, z);
    fe_mul(&s.z11, &s.z9, &s.z2);
    /* eK = z^(2^K - 1); z^31 = z^22 z^9. */
    fe_sqmul(&s.e5, &s.z11, 1, &s.z9);
    fe_sqmul(&s.e10, &s.e5, 5, &s.e5);
    fe_sqmul(&s.u, &s.e10, 10, &s.e10);         /* e20 */
    fe_sqmul(&s.u, &s.u, 20, &s.u);             /* e40 */
    fe_sqmul(&s.e50, &s.u, 10, &s.e10);
    fe_sqmul(&s.e100, &s.e50, 50, &s.e50);
    fe_sqmul(&s.u, &s.e100, 100, &s.e100);      /* e200 */
    fe_sqmul(&s.u, &s.u, 50, &s.e50);           /* e250 */
    fe_sqmul(h, &s.u, 5, &s.z11);

    encmig_wipe(&s, sizeof(s));
}

/* Everything the ladder derives from the scalar, to wipe in one go. */
struct ladder {
    uint8_t k[32];
    struct fe x1, x2, z2, x3, z3;
    struct fe a, aa, b, bb, e, c, d, da, cb;
};

/* One step of section 5's ladder: (x2:z2) doubled, (x3:z3) the sum. */
static void ladder_step(struct ladder *l)
{
    fe_add(&l->a, &l->x2, &l->z2);
    fe_sq(&l->aa, &l->a);
    fe_sub(&l->b, &l->x2, &l->z2);
    fe_sq(&l->bb, &l->b);
    fe_sub(&l->e, &l->aa, &l->bb);
    fe_add(&l->c, &l->x3, &l->z3);
    fe_sub(&l->d, &l->x3, &l->z3);
    fe_mul(&l->da, &l->d, &l->a);
    fe_mul(&l->cb, &l->c, &l->b);

    fe_add(&l->x3, &l->da, &l->cb);
    fe_sq(&l->x3, &l->x3);
    fe_sub(&l->z3, &l->da, &l->cb);
    fe_sq(&l->z3, &l->z3);
    fe_mul(&l->z3, &l->z3, &l->x1);

    fe_mul(&l->x2, &l->aa, &l->bb);
    fe_mul_a24(&l->z2, &l->e);
    fe_add(&l->z2, &l->z2, &l->aa);
    fe_mul(&l->z2, &l->z2, &l->e);
}

/* X25519 without the check of the result; out may overlap the inputs. */
static void scalarmult(uint8_t out[32], const uint8_t scalar[32],
                       const uint8_t u[32])
{
    struct ladder l;
    uint64_t swap = 0, bit;
    int t;

    memcpy(l.k, scalar, sizeof(l.k));
    l.k[0] &= 248;
    l.k[31] &= 127;
    l.k[31] |= 64;

    fe_frombytes(&l.x1, u);
    memset(&l.x2, 0, sizeof(l.x2));
    l.x2.v[0] = 1;
    memset(&l.z2, 0, sizeof(l.z2));
    l.x3 = l.x1;
    memset(&l.z3, 0, sizeof(l.z3));
    l.z3.v[0] = 1;

    /*
     * Swap lazily: only when this bit differs from the previous one, so
     * that the swap before each step and the one undoing it afterwards
     * merge into a single masked exchange.
     */
    for ( t = 254; t >= 0; t-- )
    {
        bit = (l.k[t >> 3] >> (t & 7)) & 1;
        swap ^= bit;
        fe_cswap(&l.x2, &l.x3, swap);
        fe_cswap(&l.z2, &l.z3, swap);
        swap = bit;
        ladder_step(&l);
    }
    /* A no-op, as clamping clears bit 0; kept so as not to rely on it. */
    fe_cswap(&l.x2, &l.x3, swap);
    fe_cswap(&l.z2, &l.z3, swap);

    fe_invert(&l.a, &l.z2);
    fe_mul(&l.x2, &l.x2, &l.a);
    fe_tobytes(out, &l.x2);

    encmig_wipe(&l, sizeof(l));
}

int encmig_x25519(uint8_t out[ENCMIG_X25519_LEN],
                  const uint8_t scalar[ENCMIG_X25519_LEN],
                  const uint8_t u[ENCMIG_X25519_LEN])
{
    static const uint8_t zero[ENCMIG_X25519_LEN];

    scalarmult(out, scalar, u);

    /*
     * Only whether the result is zero may show, not where it differs:
     * the branch is on that one public outcome.
     */
    if ( encmig_ct_memeq(out, zero, ENCMIG_X25519_LEN) )
        return -EINVAL;

    return 0;
}

void encmig_x25519_public(uint8_t pub[ENCMIG_X25519_LEN],
                          const uint8_t priv[ENCMIG_X25519_LEN])
{
    static const uint8_t base[ENCMIG_X25519_LEN] = { 9 };

    scalarmult(pub, priv, base);
}
