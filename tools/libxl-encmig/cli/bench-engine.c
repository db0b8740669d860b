/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * bench-engine.c: how close the engine's re-key comes to the cost of its
 * two ciphers.
 *
 * In one run, over the same guest pages: the engine's export (decrypt
 * with the memory key, seal under the migration key, copy into the
 * caller's buffer) with OpenSSL, with the portable ciphers and, where the
 * CPU has them, with the hypervisor's AES-NI/PCLMULQDQ ciphers and its
 * VAES ones, which fuse the decryption into the seal; and,
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
#include "../../../xen/arch/x86/encmig/vaes.h"

#define BENCH_BATCH 256U

/* A simulated host whose guest holds the benchmark's pages. */
struct bench_host {
    struct sim_host *host;
    struct encmig_hc *hc;
    domid_t domid;
    uint64_t *gfns;                 /* hypercall buffer, BENCH_BATCH */
    uint8_t *recs;                  /* hypercall buffer, BENCH_BATCH records */
};

/*
 * One host per cipher ops: the model keeps a guest's memory key under the
 * host's ops where they fuse the export (vaes.h), so the VAES host's
 * guest must be created under them.
 */
enum { BH_OPENSSL, BH_PORTABLE, BH_AESNI, BH_VAES, BH_NR };

struct bench {
    struct bench_host h[BH_NR];
    uint64_t nr_pages;
    uint8_t *raw;                   /* the frames' ciphertext, for the limit */
};

static double gbps(uint64_t bytes, double seconds)
{
    return seconds > 0 ? bytes * 8 / seconds / 1e9 : 0;
}

static int rekey_pass(struct bench *b, struct bench_host *bh, double *out)
{
    struct xen_encmig_keymat km;
    uint64_t gfn;
    double t0;
    int rc;

    if (encmig_random(&km, sizeof(km)))
        return -EIO;
    km.pad = 0;
    rc = encmig_hc_setup(bh->hc, bh->domid, XEN_ENCMIG_DIR_EXPORT, 1, &km);
    explicit_bzero(&km, sizeof(km));
    if (rc)
        return -errno;

    t0 = encmig_now();
    for (gfn = 0; gfn < b->nr_pages; gfn += BENCH_BATCH) {
        uint32_t i, n = b->nr_pages - gfn < BENCH_BATCH ?
                        b->nr_pages - gfn : BENCH_BATCH;

        for (i = 0; i < n; i++)
            bh->gfns[i] = gfn + i;
        /* The ring slot is reused at once: its send is not modelled here. */
        rc = encmig_hc_export(bh->hc, bh->domid, 0, 0, bh->gfns, n, bh->recs,
                              (size_t)BENCH_BATCH * XEN_ENCMIG_REC_SIZE);
        if (rc) {
            rc = -errno;
            break;
        }
    }
    *out = gbps(b->nr_pages * XEN_ENCMIG_PAGE_SIZE, encmig_now() - t0);
    encmig_hc_teardown(bh->hc, bh->domid);
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

static int bench_host_init(struct bench_host *bh,
                           const struct encmig_cipher_ops *c,
                           uint64_t nr_pages, const uint8_t *plain)
{
    uint64_t gfn;
    int rc;

    bh->host = sim_host_new(0, c);
    if (!bh->host)
        return -ENOMEM;
    rc = sim_domain_create(bh->host, nr_pages, &bh->domid);
    if (rc)
        return rc;
    bh->hc = encmig_hc_open_sim(bh->host, true);
    if (!bh->hc)
        return -ENOMEM;
    bh->gfns = encmig_hc_buf_alloc(bh->hc, BENCH_BATCH * sizeof(*bh->gfns));
    bh->recs = encmig_hc_buf_alloc(bh->hc,
                                   (size_t)BENCH_BATCH * XEN_ENCMIG_REC_SIZE);
    if (!bh->gfns || !bh->recs)
        return -ENOMEM;
    for (gfn = 0; gfn < nr_pages; gfn++) {
        rc = sim_guest_write(bh->host, bh->domid, gfn,
                             plain + gfn * XEN_ENCMIG_PAGE_SIZE);
        if (rc)
            return rc;
    }
    return 0;
}

static void bench_host_fini(struct bench_host *bh)
{
    if (bh->hc) {
        encmig_hc_buf_free(bh->hc, bh->gfns,
                           BENCH_BATCH * sizeof(*bh->gfns));
        encmig_hc_buf_free(bh->hc, bh->recs,
                           (size_t)BENCH_BATCH * XEN_ENCMIG_REC_SIZE);
        encmig_hc_close(bh->hc);
    }
    sim_host_free(bh->host);
}

static int bench_init(struct bench *b, uint64_t bytes, bool aesni, bool vaes)
{
    static const struct encmig_cipher_ops *const ops[BH_NR] = {
        [BH_OPENSSL] = &encmig_cipher_openssl,
        [BH_PORTABLE] = &encmig_cipher_portable,
        [BH_AESNI] = &encmig_cipher_aesni,
        [BH_VAES] = &encmig_cipher_vaes,
    };
    uint8_t *plain;
    uint64_t gfn, hpa;
    unsigned int i;
    int rc = 0;

    b->nr_pages = bytes / XEN_ENCMIG_PAGE_SIZE;
    if (b->nr_pages == 0)
        return -EINVAL;
    plain = malloc(b->nr_pages * XEN_ENCMIG_PAGE_SIZE);
    b->raw = malloc(b->nr_pages * XEN_ENCMIG_PAGE_SIZE);
    if (!plain || !b->raw) {
        free(plain);
        return -ENOMEM;
    }
    if (encmig_random(plain, b->nr_pages * XEN_ENCMIG_PAGE_SIZE))
        rc = -EIO;
    for (i = 0; i < BH_NR && !rc; i++) {
        if ((i == BH_AESNI && !aesni) || (i == BH_VAES && !vaes))
            continue;
        rc = bench_host_init(&b->h[i], ops[i], b->nr_pages, plain);
    }
    for (gfn = 0; gfn < b->nr_pages && !rc; gfn++)
        rc = sim_frame_raw(b->h[BH_OPENSSL].host, b->h[BH_OPENSSL].domid, gfn,
                           b->raw + gfn * XEN_ENCMIG_PAGE_SIZE, &hpa);
    free(plain);
    return rc;
}

static void bench_fini(struct bench *b)
{
    unsigned int i;

    for (i = 0; i < BH_NR; i++)
        bench_host_fini(&b->h[i]);
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
    r->have_vaes = encmig_cpu_has_vaes();
    rc = bench_init(&b, bytes, r->have_aesni, r->have_vaes);
    for (i = 0; i < reps && !rc; i++) {
        double ossl, port, xts, gcm, aesni = 0, vaes = 0;

        if ((rc = rekey_pass(&b, &b.h[BH_OPENSSL], &ossl)) ||
            (rc = limit_pass(&b, &xts, &gcm)) ||
            (r->have_vaes && (rc = rekey_pass(&b, &b.h[BH_VAES], &vaes))) ||
            (r->have_aesni &&
             (rc = rekey_pass(&b, &b.h[BH_AESNI], &aesni))) ||
            (rc = rekey_pass(&b, &b.h[BH_PORTABLE], &port)))
            break;
        KEEP_MAX(r->rekey_openssl_gbps, ossl);
        KEEP_MAX(r->rekey_portable_gbps, port);
        KEEP_MAX(r->rekey_hv_aesni_gbps, aesni);
        KEEP_MAX(r->rekey_hv_vaes_gbps, vaes);
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
    /* The hypervisor's best ops on this CPU: what Xen would choose. */
    r->rekey_hv_gbps = r->have_vaes ? r->rekey_hv_vaes_gbps :
                       r->have_aesni ? r->rekey_hv_aesni_gbps :
                       r->rekey_portable_gbps;
    r->rekey_hv_vs_limit = r->rekey_hv_gbps / r->limit_gbps;
    return 0;
}
