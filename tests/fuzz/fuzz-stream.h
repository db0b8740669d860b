/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz-stream.h: what fuzz-stream and the corpus generator agree on.
 *
 * The receiver draws the migration key itself, so an input could never
 * get past the first encrypted record.  To fuzz the encrypted stream
 * beyond that, the receiver's randomness is made deterministic: OpenSSL's
 * RAND goes through a method that, on a thread that asked for it, returns
 * a fixed sequence (splitmix64, restarted per input), and elsewhere the
 * kernel's randomness.  The host key is made from it too.  A session
 * recorded from a real source against a receiver on that sequence
 * (gen-corpus) then replays byte for byte in the fuzz target: its key
 * material, REPLY and transcript come out the same, and the recorded
 * records authenticate.  This is a test device only: nothing outside
 * tests/fuzz does it.
 *
 * The recorded guest has known pages and vCPU state, so a successful
 * encrypted receive can be checked against them.
 */

#ifndef __ENCMIG_FUZZ_STREAM_H__
#define __ENCMIG_FUZZ_STREAM_H__

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "../../sim/sim.h"

/* The receiver's configuration: small guests, small rings. */
#define FUZZ_STREAM_MAX_FRAMES  64
#define FUZZ_STREAM_RING_SLOTS  2

/* Where each deterministic sequence starts. */
#define FUZZ_RAND_HOSTKEY       "encmig fuzz-stream host key"
#define FUZZ_RAND_RECEIVER      "encmig fuzz-stream receiver"

static __thread bool fuzz_rand_on;
static __thread uint64_t fuzz_rand_state;

static uint64_t fuzz_splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int fuzz_rand_bytes(unsigned char *buf, int num)
{
    size_t done = 0, len = num > 0 ? (size_t)num : 0;

    if (!fuzz_rand_on) {
        while (done < len) {
            ssize_t n = getrandom(buf + done, len - done, 0);

            if (n <= 0)
                return 0;
            done += n;
        }
        return 1;
    }
    while (done < len) {
        uint64_t v = fuzz_splitmix64(&fuzz_rand_state);
        size_t n = len - done < 8 ? len - done : 8;

        memcpy(buf + done, &v, n);
        done += n;
    }
    return 1;
}

static int fuzz_rand_status(void)
{
    return 1;
}

static const RAND_METHOD fuzz_rand_method = {
    .bytes = fuzz_rand_bytes,
    .pseudorand = fuzz_rand_bytes,
    .status = fuzz_rand_status,
};

/*
 * Route OpenSSL's RAND through fuzz_rand_bytes, once, before any use.
 * RAND_METHOD is deprecated in OpenSSL 3, and still honoured by every
 * RAND_bytes() and RAND_priv_bytes() (key generation included).
 */
static inline int fuzz_rand_install(void)
{
    int rc;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    rc = RAND_set_rand_method(&fuzz_rand_method);
#pragma GCC diagnostic pop
    return rc == 1 ? 0 : -1;
}

/* This thread gets the sequence named label from its start, or not. */
static inline void fuzz_rand_start(const char *label)
{
    uint64_t h = 0xcbf29ce484222325ULL;           /* FNV-1a */

    for (; *label; label++)
        h = (h ^ (uint8_t)*label) * 0x100000001b3ULL;
    fuzz_rand_state = h;
    fuzz_rand_on = true;
}

static inline void fuzz_rand_stop(void)
{
    fuzz_rand_on = false;
}

/* The recorded guest's page gfn and vCPU state. */
static inline void fuzz_guest_page(uint64_t gfn, uint8_t *page)
{
    unsigned int i;

    for (i = 0; i < SIM_PAGE_SIZE; i++)
        page[i] = (uint8_t)(gfn * 29 + i / 16);
    snprintf((char *)page, 64, "encmig fuzz guest page %llu",
             (unsigned long long)gfn);
}

static inline void fuzz_guest_vcpu(uint8_t *state)
{
    unsigned int i;

    for (i = 0; i < SIM_VCPU_STATE_SIZE; i++)
        state[i] = (uint8_t)(0xc0 ^ i);
}

/* SHA-256 of a guest of frames pages of fuzz_guest_page; 0 or -1. */
static inline int fuzz_guest_hash(uint64_t frames, uint8_t out[32])
{
    uint8_t page[SIM_PAGE_SIZE];
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    uint64_t gfn;
    int rc = -1;

    if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
        goto out;
    for (gfn = 0; gfn < frames; gfn++) {
        fuzz_guest_page(gfn, page);
        if (EVP_DigestUpdate(md, page, sizeof(page)) != 1)
            goto out;
    }
    if (EVP_DigestFinal_ex(md, out, NULL) == 1)
        rc = 0;
 out:
    EVP_MD_CTX_free(md);
    return rc;
}

#endif /* __ENCMIG_FUZZ_STREAM_H__ */
