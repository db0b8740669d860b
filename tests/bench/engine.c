/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * engine.c: how close the engine's re-key comes to the cost of its two
 * ciphers, and how it scales over streams.
 *
 * In one run, over the same guest pages: the engine's export (decrypt
 * with the memory key, seal under the migration key, copy into the
 * caller's buffer) with OpenSSL, with the portable ciphers and, where the
 * CPU has them, with the hypervisor's AES-NI/PCLMULQDQ ciphers and its
 * VAES ones, which fuse the decryption into the seal; and,
 * as the limit, OpenSSL's XTS decrypt alone and GCM seal alone over the
 * same ciphertext, combined back to back; and the export on the best
 * ops with the guest split over two streams of one session, a thread
 * each, against one stream.  The runs are interleaved, so a noisy
 * neighbour hurts all of them alike, and the result takes medians; a
 * ratio is the median of the repetitions' ratios.
 */

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "stats.h"
#include "../../hypercalls/encmig_hc.h"
#include "../../sim/cipher-openssl.h"
#include "../../sim/sim.h"
#include "../../tools/libxl-encmig/util.h"
#include "../../xen/arch/x86/encmig/vaes.h"

#define BENCH_BATCH 256U
/* The streams of the scaling pass: one thread each. */
#define BENCH_STREAMS 2U
/*
 * Times the scaling passes export the guest, so that each lasts long
 * enough (over half a second here) for starting threads not to count.
 */
#define BENCH_STREAM_ROUNDS 8U

/* A simulated host whose guest holds the benchmark's pages. */
struct bench_host {
    struct sim_host *host;
    struct encmig_hc *hc;
    domid_t domid;
    uint64_t *gfns[BENCH_STREAMS];  /* hypercall buffers, BENCH_BATCH */
    uint8_t *recs[BENCH_STREAMS];   /* hypercall buffers, BENCH_BATCH recs */
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

/* Export gfns [first, end) on stream; 0 or -errno. */
static int export_range(struct bench_host *bh, unsigned int stream,
                        uint64_t first, uint64_t end)
{
    uint64_t gfn;

    for (gfn = first; gfn < end; gfn += BENCH_BATCH) {
        uint32_t i, n = end - gfn < BENCH_BATCH ? end - gfn : BENCH_BATCH;

        for (i = 0; i < n; i++)
            bh->gfns[stream][i] = gfn + i;
        /* The ring slot is reused at once: its send is not modelled here. */
        if (encmig_hc_export(bh->hc, bh->domid, stream, 0, bh->gfns[stream],
                             n, bh->recs[stream],
                             (size_t)BENCH_BATCH * XEN_ENCMIG_REC_SIZE))
            return -errno;
    }
    return 0;
}

struct stream_job {
    struct bench_host *bh;
    unsigned int stream, rounds;
    uint64_t first, end;
    int rc;
};

static void *stream_main(void *arg)
{
    struct stream_job *j = arg;
    unsigned int i;

    for (i = 0; i < j->rounds && !j->rc; i++)
        j->rc = export_range(j->bh, j->stream, j->first, j->end);
    return NULL;
}

/*
 * The guest exported rounds times over nr_streams streams of one session,
 * stream i taking the i-th slice of the guest on a thread of its own.
 */
static int rekey_pass(struct bench *b, struct bench_host *bh,
                      unsigned int nr_streams, unsigned int rounds,
                      double *out)
{
    struct stream_job job[BENCH_STREAMS];
    pthread_t thread[BENCH_STREAMS];
    struct xen_encmig_keymat km;
    unsigned int i, started = 0;
    double t0;
    int rc;

    if (encmig_random(&km, sizeof(km)))
        return -EIO;
    km.pad = 0;
    rc = encmig_hc_setup(bh->hc, bh->domid, XEN_ENCMIG_DIR_EXPORT, nr_streams,
                         &km);
    explicit_bzero(&km, sizeof(km));
    if (rc)
        return -errno;

    t0 = encmig_now();
    for (i = 0; i < nr_streams; i++) {
        job[i] = (struct stream_job){
            .bh = bh, .stream = i, .rounds = rounds,
            .first = b->nr_pages * i / nr_streams,
            .end = b->nr_pages * (i + 1) / nr_streams,
        };
        if (nr_streams == 1) {
            stream_main(&job[i]);
            continue;
        }
        rc = -pthread_create(&thread[i], NULL, stream_main, &job[i]);
        if (rc)
            break;
        started++;
    }
    for (i = 0; i < started; i++)
        pthread_join(thread[i], NULL);
    *out = gbps(b->nr_pages * XEN_ENCMIG_PAGE_SIZE * rounds,
                encmig_now() - t0);
    encmig_hc_teardown(bh->hc, bh->domid);
    for (i = 0; i < nr_streams && !rc; i++)
        rc = job[i].rc;
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
    unsigned int i;
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
    for (i = 0; i < BENCH_STREAMS; i++) {
        bh->gfns[i] = encmig_hc_buf_alloc(bh->hc,
                                          BENCH_BATCH * sizeof(uint64_t));
        bh->recs[i] = encmig_hc_buf_alloc(bh->hc, (size_t)BENCH_BATCH *
                                          XEN_ENCMIG_REC_SIZE);
        if (!bh->gfns[i] || !bh->recs[i])
            return -ENOMEM;
    }
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
    unsigned int i;

    if (bh->hc) {
        for (i = 0; i < BENCH_STREAMS; i++) {
            encmig_hc_buf_free(bh->hc, bh->gfns[i],
                               BENCH_BATCH * sizeof(uint64_t));
            encmig_hc_buf_free(bh->hc, bh->recs[i],
                               (size_t)BENCH_BATCH * XEN_ENCMIG_REC_SIZE);
        }
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

/* The per-repetition figures, of which the result takes medians. */
enum {
    EF_OPENSSL, EF_PORTABLE, EF_AESNI, EF_VAES, EF_XTS, EF_GCM,
    EF_LIMIT, EF_HV_VS_LIMIT, EF_STREAMS, EF_SCALING, EF_NR
};

int encmig_bench_engine(uint64_t bytes, unsigned int reps,
                        struct bench_engine_result *r)
{
    static double v[EF_NR][STATS_MAX_N];
    struct bench b = { 0 };
    struct bench_host *best;
    unsigned int i, j;
    int rc;

    memset(r, 0, sizeof(*r));
    if (reps == 0 || reps > STATS_MAX_N)
        return -EINVAL;
    r->have_aesni = encmig_cpu_has_aesni();
    r->have_vaes = encmig_cpu_has_vaes();
    rc = bench_init(&b, bytes, r->have_aesni, r->have_vaes);
    best = r->have_vaes ? &b.h[BH_VAES] : &b.h[BH_OPENSSL];
    /*
     * Repetition 0 warms up (first touches, caches, clocks) and is run
     * again: its figures are overwritten by repetition 1's.
     */
    for (j = 0; j <= reps && !rc; j++) {
        double two, one, hv;

        i = j ? j - 1 : 0;
        v[EF_AESNI][i] = v[EF_VAES][i] = 0;
        if ((rc = rekey_pass(&b, &b.h[BH_OPENSSL], 1, 1,
                             &v[EF_OPENSSL][i])) ||
            (rc = limit_pass(&b, &v[EF_XTS][i], &v[EF_GCM][i])) ||
            (r->have_vaes &&
             (rc = rekey_pass(&b, &b.h[BH_VAES], 1, 1, &v[EF_VAES][i]))) ||
            (r->have_aesni &&
             (rc = rekey_pass(&b, &b.h[BH_AESNI], 1, 1, &v[EF_AESNI][i]))) ||
            (rc = rekey_pass(&b, &b.h[BH_PORTABLE], 1, 1,
                             &v[EF_PORTABLE][i])) ||
            (rc = rekey_pass(&b, best, 1, BENCH_STREAM_ROUNDS, &one)) ||
            (rc = rekey_pass(&b, best, BENCH_STREAMS, BENCH_STREAM_ROUNDS,
                             &two)))
            break;
        /* Each ratio of two figures from the same repetition. */
        v[EF_LIMIT][i] = 1 / (1 / v[EF_XTS][i] + 1 / v[EF_GCM][i]);
        /* The hypervisor's best ops on this CPU: what Xen would choose. */
        hv = r->have_vaes ? v[EF_VAES][i] :
             r->have_aesni ? v[EF_AESNI][i] : v[EF_PORTABLE][i];
        v[EF_HV_VS_LIMIT][i] = hv / v[EF_LIMIT][i];
        v[EF_STREAMS][i] = two;
        v[EF_SCALING][i] = two / one;
    }
    bench_fini(&b);
    if (rc)
        return rc;

    r->bytes = b.nr_pages * XEN_ENCMIG_PAGE_SIZE;
    r->reps = reps;
    r->streams = BENCH_STREAMS;
    r->rekey_openssl_gbps = stats_median(v[EF_OPENSSL], reps);
    r->rekey_portable_gbps = stats_median(v[EF_PORTABLE], reps);
    r->rekey_hv_aesni_gbps = stats_median(v[EF_AESNI], reps);
    r->rekey_hv_vaes_gbps = stats_median(v[EF_VAES], reps);
    r->xts_decrypt_gbps = stats_median(v[EF_XTS], reps);
    r->gcm_encrypt_gbps = stats_median(v[EF_GCM], reps);
    r->limit_gbps = stats_median(v[EF_LIMIT], reps);
    r->ratio = r->rekey_openssl_gbps / r->limit_gbps;
    r->rekey_hv_gbps = r->have_vaes ? r->rekey_hv_vaes_gbps :
                       r->have_aesni ? r->rekey_hv_aesni_gbps :
                       r->rekey_portable_gbps;
    r->rekey_hv_vs_limit = stats_median(v[EF_HV_VS_LIMIT], reps);
    r->rekey_hv_vs_limit_spread = stats_range(v[EF_HV_VS_LIMIT], reps);
    r->streams_gbps = stats_median(v[EF_STREAMS], reps);
    r->streams_scaling = stats_median(v[EF_SCALING], reps);
    r->streams_scaling_spread = stats_range(v[EF_SCALING], reps);
    return 0;
}
