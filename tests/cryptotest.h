/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cryptotest.h: helpers shared by the cipher tests: hex vectors, a
 * reproducible random stream and its seed, buffers with a guard page.
 */

#ifndef __ENCMIG_TEST_CRYPTOTEST_H__
#define __ENCMIG_TEST_CRYPTOTEST_H__

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static inline size_t unhex(const char *hex, uint8_t *out, size_t max)
{
    size_t n = strlen(hex) / 2, i;

    ck_assert_uint_eq(strlen(hex) % 2, 0);
    ck_assert_uint_le(n, max);
    for ( i = 0; i < n; i++ )
    {
        unsigned int v;

        ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = v;
    }

    return n;
}

static inline bool all_zero(const uint8_t *p, size_t len)
{
    size_t i;

    for ( i = 0; i < len; i++ )
        if ( p[i] )
            return false;

    return true;
}

/* splitmix64: small, and the same sequence everywhere for a given seed. */
static uint64_t rng_state __attribute__((unused));

static inline uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;

    return z ^ (z >> 31);
}

static inline void rng_fill(uint8_t *p, size_t len)
{
    size_t i;

    for ( i = 0; i < len; i++ )
        p[i] = rng_next();
}

/* The seed: ENCMIG_TEST_SEED if set, so a failing run can be replayed. */
static inline uint64_t test_seed(uint64_t dflt)
{
    const char *s = getenv("ENCMIG_TEST_SEED");

    return s ? strtoull(s, NULL, 0) : dflt;
}

/*
 * A buffer whose end touches an inaccessible page, so that the assembly
 * (which no sanitizer sees into) faults on reading or writing one byte
 * past what it was given.  gbuf_at(g, len, mis) is len bytes ending mis
 * bytes before the guard: mis 0 puts the end right on it, and mis also
 * sets the alignment of the start.
 */
struct gbuf {
    uint8_t *map;
    size_t size;            /* usable bytes before the guard page */
};

static inline void gbuf_new(struct gbuf *g, size_t size)
{
    long page = sysconf(_SC_PAGESIZE);

    g->size = (size + page - 1) / page * page;
    g->map = mmap(NULL, g->size + page, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(g->map, MAP_FAILED);
    ck_assert_int_eq(mprotect(g->map + g->size, page, PROT_NONE), 0);
}

static inline void gbuf_free(struct gbuf *g)
{
    munmap(g->map, g->size + sysconf(_SC_PAGESIZE));
}

static inline uint8_t *gbuf_at(const struct gbuf *g, size_t len, size_t mis)
{
    ck_assert_uint_le(len + mis, g->size);
    return g->map + g->size - len - mis;
}

#endif /* __ENCMIG_TEST_CRYPTOTEST_H__ */
