/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * bench-engine.c: how close the engine's re-key comes to the cost of its
 * two ciphers.
 *
 * In one run, over the same guest pages: the engine's export (decrypt
 * with the memory key, seal under the migration key, copy into the
 * caller's buffer) with OpenSSL, with the portable ciphers and, where the
 * CPU has them, with the AES-NI/PCLMULQDQ ciphers of the hypervisor; and,
 * as the limit, OpenSSL's XTS decrypt alone and GCM seal alone over the
 * same ciphertext, combined back to back.  The runs are interleaved and the
 * best of each kept, so a noisy neighbour hurts all of them alike.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench-engine.h"
#include "../util.h"
#include "../../../hypercalls/encmig_hc.h"
#include "../../../sim/cipher-openssl.h"
#include "../../../sim/sim.h"
#include "../../../xen/arch/x86/encmig/aesni.h"

#define BENCH_BATCH 256U

struct bench {
    struct sim_host *host;
    struct encmig_hc *hc;
    domid_t domid;
    uint64_t nr_pages;
    uint64_t *gfns;                 /* hypercall buffer, BENCH_BATCH */
    uint8_t *recs;                  /* hypercall buffer, BENCH_BATCH records */
    uint8_t *raw;                   /* the frames' ciphertext, for the limit */
};

static double gbps(uint64_t bytes, double seconds)
{
    return seconds > 0 ? bytes * 8 / seconds / 1e9 : 0;
}

static int rekey_pass(struct bench *b, const struct encmig_cipher_ops *c,
                      double *out)
{
    struct xen_encmig_keymat km;
    uint64_t gfn;
    double t0;
    int rc;

    sim_host_set_cipher(b->host, c);
    if (encmig_random(&km, sizeof(km)))
        return -EIO;
    km.pad = 0;
    rc = encmig_hc_setup(b->hc, b->domid, XEN_ENCMIG_DIR_EXPORT, 1, &km);
    explicit_bzero(&km, sizeof(km));
    if (rc)
        return -errno;

    t0 = encmig_now();
    for (gfn = 0; gfn < b->nr_pages; gfn += BENCH_BATCH) {
        uint32_t i, n = b->nr_pages - gfn < BENCH_BATCH ?
                        b->nr_pages - gfn : BENCH_BATCH;

        for (i = 0; i < n; i++)
            b->gfns[i] = gfn + i;
        /* The ring slot is reused at once: its send is not modelled here. */
        rc = encmig_hc_export(b->hc, b->domid, 0, 0, b->gfns, n, b->recs,
                              (size_t)BENCH_BATCH * XEN_ENCMIG_REC_SIZE);
        if (rc) {
            rc = -errno;
            break;
        }
    }
    *out = gbps(b->nr_pages * XEN_ENCMIG_PAGE_SIZE, encmig_now() - t0);
    encmig_hc_teardown(b->hc, b->domid);
    return rc;
}

static int limit_pass(struct bench *b, double *xts, double *gcm)
{
    const struct encmig_cipher_ops *c = &encmig_cipher_openssl;
    uint8_t key[ENCMIG_XTS_KEY], iv[ENCMIG_GCM_IV] = { 0 };
    uint8_t aad[XEN_ENCMIG_AAD_SIZE] = { 0 }, tag[ENCMIG_GCM_TAG];
    uint8_t tweak[ENCMIG_XTS_TWEAK] = { 0 };
    uint8_t *out = NULL;
    void *xctx = NULL, *gctx = NULL;
    uint64_t i, bytes = b->nr_pages * XEN_ENCMIG_PAGE_SIZE;
    double t0;
    int rc = -ENOMEM;

    *xts = *gcm = 0;
    out = malloc(XEN_ENCMIG_PAGE_SIZE);
    if (!out)
        goto out;
    rc = -EIO;
    do {
        if (encmig_random(key, sizeof(key)))
            goto out;
    } while (!memcmp(key, key + 32, 32));
    if ((rc = c->xts_new(&xctx, key)) || (rc = c->gcm_new(&gctx, key)))
        goto out;

    t0 = encmig_now();
    for (i = 0; i < b->nr_pages && !rc; i++) {
        memcpy(tweak, &i, sizeof(i));
        rc = c->xts_crypt(xctx, false, tweak,
                          b->raw + i * XEN_ENCMIG_PAGE_SIZE, out,
                          XEN_ENCMIG_PAGE_SIZE);
    }
    *xts = gbps(bytes, encmig_now() - t0);

    t0 = encmig_now();
    for (i = 0; i < b->nr_pages && !rc; i++) {
        memcpy(iv, &i, sizeof(i));
        rc = c->gcm_seal(gctx, iv, aad, sizeof(aad),
                         b->raw + i * XEN_ENCMIG_PAGE_SIZE,
                         XEN_ENCMIG_PAGE_SIZE, out, tag);
    }
    *gcm = gbps(bytes, encmig_now() - t0);

 out:
    if (xctx)
        c->xts_free(xctx);
    if (gctx)
        c->gcm_free(gctx);
    explicit_bzero(key, sizeof(key));
    free(out);
    return rc;
}

static int bench_init(struct bench *b, uint64_t bytes)
{
    uint8_t page[XEN_ENCMIG_PAGE_SIZE];
    uint64_t gfn, hpa;
    int rc;

    b->nr_pages = bytes / XEN_ENCMIG_PAGE_SIZE;
    if (b->nr_pages == 0)
        return -EINVAL;
    b->host = sim_host_new(0, &encmig_cipher_openssl);
    if (!b->host)
        return -ENOMEM;
    rc = sim_domain_create(b->host, b->nr_pages, &b->domid);
    if (rc)
        return rc;
    b->hc = encmig_hc_open_sim(b->host, true);
    b->raw = malloc(b->nr_pages * XEN_ENCMIG_PAGE_SIZE);
    if (!b->hc || !b->raw)
        return -ENOMEM;
    b->gfns = encmig_hc_buf_alloc(b->hc, BENCH_BATCH * sizeof(*b->gfns));
    b->recs = encmig_hc_buf_alloc(b->hc,
                                  (size_t)BENCH_BATCH * XEN_ENCMIG_REC_SIZE);
    if (!b->gfns || !b->recs)
        return -ENOMEM;

    for (gfn = 0; gfn < b->nr_pages; gfn++) {
        if (encmig_random(page, sizeof(page)))
            return -EIO;
        rc = sim_guest_write(b->host, b->domid, gfn, page);
        if (!rc)
            rc = sim_frame_raw(b->host, b->domid, gfn,
                               b->raw + gfn * XEN_ENCMIG_PAGE_SIZE, &hpa);
        if (rc)
            return rc;
    }
    return 0;
}

static void bench_fini(struct bench *b)
{
    if (b->hc) {
        encmig_hc_buf_free(b->hc, b->gfns, BENCH_BATCH * sizeof(*b->gfns));
        encmig_hc_buf_free(b->hc, b->recs,
                           (size_t)BENCH_BATCH * XEN_ENCMIG_REC_SIZE);
        encmig_hc_close(b->hc);
    }
    sim_host_free(b->host);
    free(b->raw);
}

#define KEEP_MAX(best, v) do { if ((v) > (best)) (best) = (v); } while (0)

int encmig_bench_engine(uint64_t bytes, unsigned int reps,
                        struct bench_engine_result *r)
{
    struct bench b = { 0 };
    unsigned int i;
    int rc;

    memset(r, 0, sizeof(*r));
    r->have_aesni = encmig_cpu_has_aesni();
    rc = bench_init(&b, bytes);
    for (i = 0; i < reps && !rc; i++) {
        double ossl, port, xts, gcm, aesni = 0;

        if ((rc = rekey_pass(&b, &encmig_cipher_openssl, &ossl)) ||
             (rc = limit_pass(&b, &xts, &gcm)) ||
             (r->have_aesni &&
              (rc = rekey_pass(&b, &encmig_cipher_aesni, &aesni))) ||
             (rc = rekey_pass(&b, &encmig_cipher_portable, &port)))
            break;
        KEEP_MAX(r->rekey_openssl_gbps, ossl);
        KEEP_MAX(r->rekey_portable_gbps, port);
        KEEP_MAX(r->rekey_hv_aesni_gbps, aesni);
        KEEP_MAX(r->xts_decrypt_gbps, xts);
        KEEP_MAX(r->gcm_encrypt_gbps, gcm);
    }
    bench_fini(&b);
    if (rc)
        return rc;

    r->bytes = b.nr_pages * XEN_ENCMIG_PAGE_SIZE;
    r->reps = reps;
    r->limit_gbps = 1 / (1 / r->xts_decrypt_gbps + 1 / r->gcm_encrypt_gbps);
    r->ratio = r->rekey_openssl_gbps / r->limit_gbps;
    return 0;
}
