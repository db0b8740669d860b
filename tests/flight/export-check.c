/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * export-check DOMID: export every page of a PV guest through
 * XEN_DOMCTL_encmig_op and check each record against the guest.
 *
 * The guest is paused for the check, so its pages cannot change between
 * the export and the comparison.  An export session is set up with a key
 * known here; every frame of the guest is exported in batches of 1024
 * (large enough for the hypervisor to preempt and continue them); each
 * record's header is checked (gfn, per-stream sequence, stream, round,
 * flags), the record is decrypted and authenticated with OpenSSL's
 * AES-256-GCM (nonce = nonce_base XOR (be32 stream || be64 seq), AAD =
 * session_id || header) and compared with the frame read through a
 * foreign mapping.  Any difference fails.
 *
 * Then the calling vCPU's FPU state: with AES-NI the hypervisor uses the
 * XMM registers inside the hypercall, and must give the caller back its
 * own.  One more export is issued with a raw privcmd ioctl from inline
 * assembly, xmm0..xmm15 loaded with a pattern before the syscall and read
 * right after it.
 *
 * Last, two streams at once: a session of two streams, and a thread per
 * stream exporting the whole guest on it at the same time.  The batches
 * run outside Xen's domctl lock (xen/patches/0008), each stream one batch
 * at a time, and they are preempted and continued, so they interleave
 * inside the hypervisor; every record must still carry its stream and
 * that stream's next sequence number, and authenticate.
 */

/* xenctrl.h (in flight-util.h) first: it sets up Xen's public headers. */
#include "flight-util.h"

#include <pthread.h>
#include <sys/mman.h>
#include <time.h>

#include <sys/ioctl.h>
#include <sys/syscall.h>

#include <openssl/evp.h>
#include <xencall.h>
#include <xenforeignmemory.h>
#include <xen/sys/privcmd.h>

#define BATCH XEN_ENCMIG_MAX_BATCH

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void known_keymat(struct xen_encmig_keymat *km)
{
    unsigned int i;

    memset(km, 0, sizeof(*km));
    for ( i = 0; i < sizeof(km->key); i++ )
        km->key[i] = i;
    for ( i = 0; i < sizeof(km->session_id); i++ )
        km->session_id[i] = 0xa0 + i;
    for ( i = 0; i < sizeof(km->nonce_base); i++ )
        km->nonce_base[i] = 0x50 + i;
}

/* Open one record with the known key; 0 when it authenticates. */
static int open_record(EVP_CIPHER_CTX *ctx, const struct xen_encmig_keymat *km,
                       const uint8_t *rec, uint8_t *plain)
{
    const struct xen_encmig_rec_hdr *hdr = (const void *)rec;
    uint8_t iv[XEN_ENCMIG_NONCE_SIZE], aad[XEN_ENCMIG_AAD_SIZE];
    int len, i;

    memcpy(iv, km->nonce_base, sizeof(iv));
    for ( i = 0; i < 4; i++ )
        iv[i] ^= (uint8_t)(hdr->stream >> (24 - 8 * i));
    for ( i = 0; i < 8; i++ )
        iv[4 + i] ^= (uint8_t)(hdr->seq >> (56 - 8 * i));
    memcpy(aad, km->session_id, XEN_ENCMIG_SESSION_ID_SIZE);
    memcpy(aad + XEN_ENCMIG_SESSION_ID_SIZE, rec, XEN_ENCMIG_REC_HDR_SIZE);

    if ( EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, sizeof(iv),
                             NULL) != 1 ||
         EVP_DecryptInit_ex(ctx, NULL, NULL, km->key, iv) != 1 ||
         EVP_DecryptUpdate(ctx, NULL, &len, aad, sizeof(aad)) != 1 ||
         EVP_DecryptUpdate(ctx, plain, &len,
                           rec + XEN_ENCMIG_REC_HDR_SIZE,
                           XEN_ENCMIG_PAGE_SIZE) != 1 ||
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, XEN_ENCMIG_TAG_SIZE,
                             (void *)(rec + XEN_ENCMIG_REC_HDR_SIZE +
                                      XEN_ENCMIG_PAGE_SIZE)) != 1 ||
         EVP_DecryptFinal_ex(ctx, plain + len, &len) != 1 )
        return -1;
    return 0;
}

/*
 * ioctl(fd, req, arg) as a bare syscall, with xmm0..xmm15 = in[] before it
 * and out[] = xmm0..xmm15 after it: nothing between touches them.
 */
static long xmm_ioctl(int fd, unsigned long req, void *arg,
                      const uint8_t in[256], uint8_t out[256])
{
    long ret;

    asm volatile (
        "movdqu   0(%[in]), %%xmm0\n\t"  "movdqu  16(%[in]), %%xmm1\n\t"
        "movdqu  32(%[in]), %%xmm2\n\t"  "movdqu  48(%[in]), %%xmm3\n\t"
        "movdqu  64(%[in]), %%xmm4\n\t"  "movdqu  80(%[in]), %%xmm5\n\t"
        "movdqu  96(%[in]), %%xmm6\n\t"  "movdqu 112(%[in]), %%xmm7\n\t"
        "movdqu 128(%[in]), %%xmm8\n\t"  "movdqu 144(%[in]), %%xmm9\n\t"
        "movdqu 160(%[in]), %%xmm10\n\t" "movdqu 176(%[in]), %%xmm11\n\t"
        "movdqu 192(%[in]), %%xmm12\n\t" "movdqu 208(%[in]), %%xmm13\n\t"
        "movdqu 224(%[in]), %%xmm14\n\t" "movdqu 240(%[in]), %%xmm15\n\t"
        "syscall\n\t"
        "movdqu %%xmm0,    0(%[out])\n\t" "movdqu %%xmm1,   16(%[out])\n\t"
        "movdqu %%xmm2,   32(%[out])\n\t" "movdqu %%xmm3,   48(%[out])\n\t"
        "movdqu %%xmm4,   64(%[out])\n\t" "movdqu %%xmm5,   80(%[out])\n\t"
        "movdqu %%xmm6,   96(%[out])\n\t" "movdqu %%xmm7,  112(%[out])\n\t"
        "movdqu %%xmm8,  128(%[out])\n\t" "movdqu %%xmm9,  144(%[out])\n\t"
        "movdqu %%xmm10, 160(%[out])\n\t" "movdqu %%xmm11, 176(%[out])\n\t"
        "movdqu %%xmm12, 192(%[out])\n\t" "movdqu %%xmm13, 208(%[out])\n\t"
        "movdqu %%xmm14, 224(%[out])\n\t" "movdqu %%xmm15, 240(%[out])"
        : "=a" (ret)
        : "0" ((long)SYS_ioctl), "D" ((long)fd), "S" (req), "d" (arg),
          [in] "r" (in), [out] "r" (out)
        : "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",
          "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
          "xmm13", "xmm14", "xmm15");
    return ret;
}

/*
 * Export n frames (stream 0, round 1) with the XMM registers watched.
 * 0 when the export worked and the registers came back as they were.
 */
static int fpu_check(uint32_t domid, const uint64_t *frames, uint32_t n,
                     uint64_t *gfns, uint8_t *buf)
{
    xencall_handle *xcall = xencall_open(NULL, 0);
    privcmd_hypercall_t *hc;
    struct xen_domctl *dc;
    struct xen_domctl_encmig_op op;
    uint8_t in[256], out[256];
    unsigned int i, differ = 0;
    long ret;

    if ( !xcall )
        return -1;
    dc = xencall_alloc_buffer(xcall, sizeof(*dc));
    hc = xencall_alloc_buffer(xcall, sizeof(*hc));
    if ( !dc || !hc )
        return -1;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_ENCMIG_OP_export;
    op.version = XEN_ENCMIG_INTERFACE_VERSION;
    op.u.export.stream = 0;
    op.u.export.round = 1;
    op.u.export.nr_gfns = n;
    op.u.export.buf_size = (uint64_t)n * XEN_ENCMIG_REC_SIZE;
    memcpy(gfns, frames, n * sizeof(*gfns));
    set_xen_guest_handle_raw(op.u.export.gfns, gfns);
    set_xen_guest_handle_raw(op.u.export.buf, buf);

    memset(dc, 0, sizeof(*dc));
    dc->cmd = XEN_DOMCTL_encmig_op;
    dc->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc->domain = domid;
    memcpy(&dc->u, &op, sizeof(op));
    memset(hc, 0, sizeof(*hc));
    hc->op = __HYPERVISOR_domctl;
    hc->arg[0] = (uintptr_t)dc;

    for ( i = 0; i < sizeof(in); i++ )
        in[i] = 0x5a ^ (i * 7);
    memset(out, 0, sizeof(out));
    ret = xmm_ioctl(xencall_fd(xcall), IOCTL_PRIVCMD_HYPERCALL, hc, in, out);
    for ( i = 0; i < 16; i++ )
        differ += !!memcmp(in + 16 * i, out + 16 * i, 16);

    printf("fpu: export of %u frames by raw ioctl: %ld; xmm registers "
           "changed across it: %u of 16\n", n, ret, differ);
    xencall_free_buffer(xcall, hc);
    xencall_free_buffer(xcall, dc);
    xencall_close(xcall);
    return ret == 0 && differ == 0 ? 0 : -1;
}

struct stream_job {
    struct encmig_hc *hc;
    const struct xen_encmig_keymat *km;
    uint32_t domid, stream;
    const uint64_t *frames, *pfns;
    size_t nr;
    unsigned long bad;            /* records wrong or not authentic */
    int err;                      /* errno of a failed export */
    double seconds;
};

/* One stream's thread: the whole guest on its stream, every record checked. */
static void *stream_main(void *arg)
{
    struct stream_job *j = arg;
    uint64_t *gfns = encmig_hc_buf_alloc(j->hc, BATCH * sizeof(*gfns));
    uint8_t *buf = encmig_hc_buf_alloc(j->hc,
                                       (size_t)BATCH * XEN_ENCMIG_REC_SIZE);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    uint8_t plain[XEN_ENCMIG_PAGE_SIZE];
    uint64_t seq = 0;
    size_t done = 0;
    double t0 = now();

    if ( !gfns || !buf || !ctx )
    {
        j->err = ENOMEM;
        goto out;
    }
    while ( done < j->nr )
    {
        uint32_t n = j->nr - done < BATCH ? j->nr - done : BATCH, i;

        memcpy(gfns, j->frames + done, n * sizeof(*gfns));
        if ( encmig_hc_export(j->hc, j->domid, j->stream, 0, gfns, n, buf,
                              (size_t)n * XEN_ENCMIG_REC_SIZE) )
        {
            j->err = errno;
            goto out;
        }
        for ( i = 0; i < n; i++ )
        {
            const uint8_t *rec = buf + (size_t)i * XEN_ENCMIG_REC_SIZE;
            const struct xen_encmig_rec_hdr *hdr = (const void *)rec;

            if ( hdr->gfn != j->pfns[done + i] || hdr->seq != seq++ ||
                 hdr->stream != j->stream || open_record(ctx, j->km, rec,
                                                         plain) )
                j->bad++;
        }
        done += n;
    }
 out:
    j->seconds = now() - t0;
    explicit_bzero(plain, sizeof(plain));
    EVP_CIPHER_CTX_free(ctx);
    if ( gfns )
        encmig_hc_buf_free(j->hc, gfns, BATCH * sizeof(*gfns));
    if ( buf )
        encmig_hc_buf_free(j->hc, buf, (size_t)BATCH * XEN_ENCMIG_REC_SIZE);
    return NULL;
}

/* Two streams of one session exported side by side; 0 when all is right. */
static int two_streams(struct encmig_hc *hc, uint32_t domid,
                       const struct xen_encmig_keymat *km,
                       const uint64_t *frames, const uint64_t *pfns,
                       size_t nr)
{
    struct stream_job job[2];
    pthread_t thread[2];
    struct xen_encmig_status st;
    unsigned int k, started = 0;
    int rc = -1;

    if ( encmig_hc_setup(hc, domid, XEN_ENCMIG_DIR_EXPORT, 2, km) )
    {
        fprintf(stderr, "setup of two streams: %s\n", strerror(errno));
        return -1;
    }
    for ( k = 0; k < 2; k++ )
    {
        job[k] = (struct stream_job){
            .hc = hc, .km = km, .domid = domid, .stream = k,
            .frames = frames, .pfns = pfns, .nr = nr,
        };
        if ( pthread_create(&thread[k], NULL, stream_main, &job[k]) )
            break;
        started++;
    }
    for ( k = 0; k < started; k++ )
        pthread_join(thread[k], NULL);

    if ( started == 2 && !encmig_hc_status(hc, domid, &st) )
    {
        printf("two streams at once: %zu pages each, %.1f s and %.1f s; "
               "%llu records; wrong or not authentic: %lu and %lu; "
               "errors: %s, %s\n", nr, job[0].seconds, job[1].seconds,
               (unsigned long long)st.records, job[0].bad, job[1].bad,
               strerror(job[0].err), strerror(job[1].err));
        if ( st.records == 2 * nr && !job[0].bad && !job[1].bad &&
             !job[0].err && !job[1].err )
            rc = 0;
    }
    if ( encmig_hc_teardown(hc, domid) )
    {
        fprintf(stderr, "teardown of two streams: %s\n", strerror(errno));
        rc = -1;
    }
    return rc;
}

int main(int argc, char **argv)
{
    struct xen_encmig_keymat km;
    struct xen_encmig_probe probe;
    struct xen_encmig_status st;
    xc_interface *xch;
    xenforeignmemory_handle *fmem;
    struct encmig_hc *hc;
    EVP_CIPHER_CTX *ctx;
    uint64_t *frames = NULL, *pfns = NULL, *gfns, seq = 0;
    uint8_t *buf, plain[XEN_ENCMIG_PAGE_SIZE];
    unsigned long mismatches = 0, auth = 0, header = 0, unmapped = 0;
    unsigned long batches = 0;
    size_t nr, p2m_size = 0, done = 0;
    uint32_t domid;
    double t_export = 0, t0;
    int rc = 1, paused = 0, session = 0;

    if ( argc != 2 )
    {
        fprintf(stderr, "usage: export-check DOMID\n");
        return 2;
    }
    domid = strtoul(argv[1], NULL, 10);

    xch = xc_interface_open(NULL, NULL, 0);
    fmem = xenforeignmemory_open(NULL, 0);
    hc = encmig_hc_open_xen();
    ctx = EVP_CIPHER_CTX_new();
    if ( !xch || !fmem || !hc || !ctx )
    {
        fprintf(stderr, "cannot open the Xen interfaces: %s\n",
                strerror(errno));
        return 1;
    }
    gfns = encmig_hc_buf_alloc(hc, BATCH * sizeof(*gfns));
    buf = encmig_hc_buf_alloc(hc, (size_t)BATCH * XEN_ENCMIG_REC_SIZE);
    if ( !gfns || !buf )
    {
        fprintf(stderr, "no hypercall buffers: %s\n", strerror(errno));
        return 1;
    }

    if ( encmig_hc_probe(hc, domid, &probe) )
    {
        fprintf(stderr, "probe: %s\n", strerror(errno));
        goto out;
    }

    if ( xc_domain_pause(xch, domid) )
    {
        fprintf(stderr, "pause: %s\n", strerror(errno));
        goto out;
    }
    paused = 1;

    nr = flight_guest_frames(xch, domid, &frames, &pfns, &p2m_size);
    if ( !nr )
        goto out;
    printf("guest %u: %zu frames (p2m size %zu), max gfn %#llx\n", domid, nr,
           p2m_size, (unsigned long long)probe.max_gfn);

    known_keymat(&km);
    if ( encmig_hc_setup(hc, domid, XEN_ENCMIG_DIR_EXPORT, 1, &km) )
    {
        fprintf(stderr, "setup: %s\n", strerror(errno));
        goto out;
    }
    session = 1;

    while ( done < nr )
    {
        uint32_t n = nr - done < BATCH ? nr - done : BATCH, i;
        xen_pfn_t mfns[BATCH];
        int errs[BATCH];
        uint8_t *map;

        memcpy(gfns, frames + done, n * sizeof(*gfns));
        t0 = now();
        if ( encmig_hc_export(hc, domid, 0, 0, gfns, n, buf,
                              (size_t)n * XEN_ENCMIG_REC_SIZE) )
        {
            fprintf(stderr, "export of frames %zu..%zu: %s\n", done,
                    done + n - 1, strerror(errno));
            goto out;
        }
        t_export += now() - t0;
        batches++;

        for ( i = 0; i < n; i++ )
            mfns[i] = frames[done + i];
        map = xenforeignmemory_map(fmem, domid, PROT_READ, n, mfns, errs);
        if ( !map )
        {
            fprintf(stderr, "foreign map of %u frames: %s\n", n,
                    strerror(errno));
            goto out;
        }

        for ( i = 0; i < n; i++ )
        {
            const uint8_t *rec = buf + (size_t)i * XEN_ENCMIG_REC_SIZE;
            const struct xen_encmig_rec_hdr *hdr = (const void *)rec;

            /* A PV guest's page is named by its pfn, not its frame. */
            if ( hdr->gfn != pfns[done + i] || hdr->seq != seq ||
                 hdr->stream != 0 || hdr->round != 0 || hdr->flags ||
                 hdr->pad )
            {
                if ( header++ < 5 )
                    fprintf(stderr, "record %zu: header gfn %#llx seq %llu, "
                            "expected gfn %#llx seq %llu\n", done + i,
                            (unsigned long long)hdr->gfn,
                            (unsigned long long)hdr->seq,
                            (unsigned long long)pfns[done + i],
                            (unsigned long long)seq);
            }
            seq++;

            if ( open_record(ctx, &km, rec, plain) )
            {
                if ( auth++ < 5 )
                    fprintf(stderr, "record %zu (gfn %#llx): does not "
                            "authenticate\n", done + i,
                            (unsigned long long)hdr->gfn);
                continue;
            }
            if ( errs[i] )
            {
                unmapped++;
                continue;
            }
            if ( memcmp(plain, map + (size_t)i * XEN_ENCMIG_PAGE_SIZE,
                        XEN_ENCMIG_PAGE_SIZE) )
            {
                if ( mismatches++ < 5 )
                    fprintf(stderr, "record %zu (gfn %#llx): differs from "
                            "the guest frame\n", done + i,
                            (unsigned long long)hdr->gfn);
            }
        }
        xenforeignmemory_unmap(fmem, map, n);
        done += n;
    }

    if ( fpu_check(domid, frames, nr < BATCH ? nr : BATCH, gfns, buf) )
    {
        fprintf(stderr, "the caller's XMM registers did not survive the "
                "hypercall, or the export failed\n");
        goto out;
    }

    if ( encmig_hc_status(hc, domid, &st) )
    {
        fprintf(stderr, "status: %s\n", strerror(errno));
        goto out;
    }

    printf("exported %zu pages in %lu batches of up to %u: %.1f s in the "
           "hypervisor, %.1f MiB/s\n", done, batches, BATCH, t_export,
           done * 4096.0 / (1 << 20) / (t_export > 0 ? t_export : 1));
    printf("status: %llu records, %llu auth failures, %llu rejected\n",
           (unsigned long long)st.records,
           (unsigned long long)st.auth_failures,
           (unsigned long long)st.rejected);
    printf("header errors %lu, authentication failures %lu, mismatches %lu, "
           "unmappable %lu\n", header, auth, mismatches, unmapped);

    if ( done == nr && st.records == nr + (nr < BATCH ? nr : BATCH) &&
         !header && !auth && !mismatches &&
         !unmapped )
        rc = 0;

    session = 0;
    if ( encmig_hc_teardown(hc, domid) )
    {
        fprintf(stderr, "teardown: %s\n", strerror(errno));
        rc = 1;
    }
    if ( two_streams(hc, domid, &km, frames, pfns, nr) )
        rc = 1;

 out:
    if ( session && encmig_hc_teardown(hc, domid) )
    {
        fprintf(stderr, "teardown: %s\n", strerror(errno));
        rc = 1;
    }
    if ( paused && xc_domain_unpause(xch, domid) )
    {
        fprintf(stderr, "unpause: %s\n", strerror(errno));
        rc = 1;
    }
    explicit_bzero(&km, sizeof(km));
    printf("export-check: %s\n", rc ? "FAIL" : "PASS");
    free(frames);
    free(pfns);
    encmig_hc_buf_free(hc, gfns, BATCH * sizeof(*gfns));
    encmig_hc_buf_free(hc, buf, (size_t)BATCH * XEN_ENCMIG_REC_SIZE);
    encmig_hc_close(hc);
    EVP_CIPHER_CTX_free(ctx);
    xenforeignmemory_close(fmem);
    xc_interface_close(xch);
    return rc;
}
