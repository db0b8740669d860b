/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz-xg.c: the destination of `xl migrate --encrypted`, as libxenguest's
 * hooks drive it (tools/libxl-encmig/xg-session.c), on the simulator.
 *
 * At start the harness records one authentic libxc stream of a source
 * guest: the headers, plain records, ENCMIG_PAGES batches covering every
 * page, ENCMIG_END and END.  Each input then either edits that stream
 * (first byte even: 6-byte operations that flip a byte, drop or repeat a
 * record, or cut the stream) or is a stream of its own (first byte odd),
 * and the harness restores it as the patched restore loop does: every
 * record but the end ones into the transcript, ENCMIG_PAGES through
 * restore_names (pfns checked against the domain) and restore_pages,
 * ENCMIG_END through restore_end, nothing after it but END, and END only
 * after it.
 *
 * Invariants:
 *  - a restore that reaches END leaves the destination's memory equal to
 *    the source guest's: no edit the input can make gets anything else
 *    accepted;
 *  - the authentic stream itself, unedited, is accepted;
 *  - after every input the hypervisor holds no session for the domain.
 */

#define _GNU_SOURCE

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-util.h"
#include "../../sim/sim.h"
#include "../../tools/libxl-encmig/protocol/stream.h"
#include "../../tools/libxl-encmig/xl/xg-session.h"

#define FX_PAGES       12U
#define FX_BATCH       4U
#define FX_HDRS        (IHDR_SIZE + DHDR_SIZE)
#define FX_MAX_STREAM  (256 * 1024)

static struct sim_host *src_host, *dst_host;
static domid_t src_dom, dst_dom;
static uint8_t src_hash[32];
static uint8_t authentic[FX_MAX_STREAM];
static size_t authentic_len;

static const struct xen_encmig_keymat fx_km = {
    .key = { 0x46, 0x58, 0x2d, 0x6b, 0x65, 0x79 },
    .session_id = { 0x53, 0x49, 0x44 },
    .nonce_base = { 0x4e, 0x42 },
};
static const uint8_t fx_transcript[ENCMIG_HS_HASH_SIZE] = { 0x54, 0x48 };

static struct encmig_xg *session(struct sim_host *h, uint32_t direction)
{
    struct encmig_session_blob b;
    struct encmig_xg *x;
    struct encmig_hc *hc = encmig_hc_open_sim(h, true);
    char err[256];
    int fd = memfd_create("fuzz-session", 0);

    FUZZ_CHECK(hc && fd >= 0, "cannot open a session");
    memset(&b, 0, sizeof(b));
    memcpy(b.magic, ENCMIG_SESSION_MAGIC, sizeof(b.magic));
    b.direction = direction;
    b.level = 1;              /* the helper sets the session up itself */
    b.nr_streams = 1;
    b.km = fx_km;
    memcpy(b.transcript, fx_transcript, sizeof(b.transcript));
    FUZZ_CHECK(write(fd, &b, sizeof(b)) == (ssize_t)sizeof(b),
               "cannot write the session");
    FUZZ_CHECK(encmig_xg_take(fd, hc, &x, err, sizeof(err)) == 0,
               "cannot take the session: %s", err);
    return x;
}

static void plain_record(struct encmig_xg *x, int fd, uint32_t type,
                         uint8_t fill, size_t len)
{
    struct stream_writer w;
    uint8_t body[64];
    struct iovec iov = { body, len };

    memset(body, fill, sizeof(body));
    stream_writer_init(&w, fd);
    FUZZ_CHECK(stream_write_record(&w, type, &iov, 1) == 0, "write");
    encmig_xg_stream_record(x, type, len, &iov, 1);
}

static void record_source_stream(void)
{
    static const uint8_t hdrs[FX_HDRS] = { 0xff, 0xff, 0xff, 0xff };
    struct encmig_xg *x = session(src_host, XEN_ENCMIG_DIR_EXPORT);
    struct stream_writer w;
    uint64_t pfns[FX_BATCH];
    uint32_t i, j;
    int fd = memfd_create("fuzz-stream", 0);
    ssize_t n;

    FUZZ_CHECK(fd >= 0 && encmig_xg_begin(x, src_dom) == 0, "source begin");
    FUZZ_CHECK(write(fd, hdrs, sizeof(hdrs)) == sizeof(hdrs), "write");
    encmig_xg_stream_bytes(x, hdrs, sizeof(hdrs));
    plain_record(x, fd, REC_TYPE_X86_PV_VCPU_BASIC, 0x11, 20);
    for (i = 0; i < FX_PAGES; i += FX_BATCH) {
        for (j = 0; j < FX_BATCH; j++)
            pfns[j] = i + j;
        FUZZ_CHECK(encmig_xg_save_pages(x, fd, i / FX_BATCH, pfns, pfns,
                                        FX_BATCH) == 0, "save_pages: %s",
                   encmig_xg_error(x));
        plain_record(x, fd, REC_TYPE_PAGE_DATA, 0x22 + i, 40);
    }
    FUZZ_CHECK(encmig_xg_save_end(x, fd) == 0, "save_end");
    stream_writer_init(&w, fd);
    FUZZ_CHECK(stream_write_record(&w, REC_TYPE_END, NULL, 0) == 0, "end");
    encmig_xg_free(x);

    n = pread(fd, authentic, sizeof(authentic), 0);
    FUZZ_CHECK(n > 0 && (size_t)n < sizeof(authentic), "stream too long");
    authentic_len = n;
    close(fd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    uint8_t page[SIM_PAGE_SIZE];
    unsigned int gfn, i;

    src_host = sim_host_new(1, NULL);
    dst_host = sim_host_new(2, NULL);
    FUZZ_CHECK(src_host && dst_host, "sim_host_new failed");
    FUZZ_CHECK(sim_domain_create(src_host, FX_PAGES, &src_dom) == 0 &&
               sim_domain_create(dst_host, FX_PAGES, &dst_dom) == 0,
               "cannot create the domains");
    for (gfn = 0; gfn < FX_PAGES; gfn++) {
        for (i = 0; i < SIM_PAGE_SIZE; i++)
            page[i] = (uint8_t)(gfn * 37 + i * 11 + (i >> 9));
        FUZZ_CHECK(sim_guest_write(src_host, src_dom, gfn, page) == 0,
                   "cannot fill the source");
    }
    FUZZ_CHECK(sim_domain_hash(src_host, src_dom, src_hash) == 0, "hash");
    FUZZ_CHECK(sim_domain_pause(dst_host, dst_dom) == 0, "pause");
    record_source_stream();
    return 0;
}

/* Offset of record idx (0 = first after the headers) in s, or len. */
static size_t record_at(const uint8_t *s, size_t len, unsigned int idx,
                        size_t *rec_len)
{
    size_t off = FX_HDRS;

    while (off + REC_HDR_SIZE <= len) {
        uint32_t blen;
        size_t whole;

        memcpy(&blen, s + off + 4, 4);
        whole = REC_HDR_SIZE + (((size_t)blen + 7) & ~(size_t)7);
        if (whole > len - off)
            break;
        if (idx-- == 0) {
            *rec_len = whole;
            return off;
        }
        off += whole;
    }
    return len;
}

static size_t edit(uint8_t *s, size_t len, const uint8_t *ops, size_t n)
{
    for (; n >= 6; ops += 6, n -= 6) {
        uint32_t v = ops[2] | ops[3] << 8 | ops[4] << 16 |
                     (uint32_t)ops[5] << 24;
        size_t off, rl = 0;

        if (!len)
            break;
        switch (ops[0] & 3) {
        case 0:                                    /* flip a byte */
            s[v % len] ^= ops[1] | 1;
            break;
        case 1:                                    /* drop a record */
            off = record_at(s, len, v % 16, &rl);
            if (off < len) {
                memmove(s + off, s + off + rl, len - off - rl);
                len -= rl;
            }
            break;
        case 2:                                    /* repeat a record */
            off = record_at(s, len, v % 16, &rl);
            if (off < len && len + rl <= FX_MAX_STREAM) {
                memmove(s + off + rl, s + off, len - off);
                len += rl;
            }
            break;
        case 3:                                    /* cut the stream */
            len = v % len;
            break;
        }
    }
    return len;
}

/* The patched restore loop; 0 when it reached END. */
static int restore(struct encmig_xg *x, const uint8_t *s, size_t len)
{
    static uint8_t body[REC_BODY_MAX + 8];
    uint64_t pfns[ENCMIG_MAX_BATCH];
    size_t off = FX_HDRS;
    bool end_seen = false;

    if (len < FX_HDRS)
        return -EPIPE;
    encmig_xg_stream_bytes(x, s, FX_HDRS);
    while (off + REC_HDR_SIZE <= len) {
        uint32_t type, blen;
        size_t padded;
        struct iovec iov;
        unsigned int nr, i;
        int rc = 0;

        memcpy(&type, s + off, 4);
        memcpy(&blen, s + off + 4, 4);
        padded = ((size_t)blen + 7) & ~(size_t)7;
        if (padded > sizeof(body) || padded > len - off - REC_HDR_SIZE)
            return -EPIPE;              /* libxc: a short read */
        /* libxc reads into its own allocation, padding included. */
        memcpy(body, s + off + REC_HDR_SIZE, padded);
        off += REC_HDR_SIZE + padded;

        if (end_seen && type != REC_TYPE_END)
            return -EPROTO;
        if (type == REC_TYPE_END)
            return end_seen ? 0 : -EPROTO;
        iov.iov_base = body;
        iov.iov_len = blen;
        if (type != REC_TYPE_ENCMIG_END)
            encmig_xg_stream_record(x, type, blen, &iov, 1);

        if (type == REC_TYPE_ENCMIG_PAGES) {
            rc = encmig_xg_restore_names(x, body, blen, pfns,
                                         ENCMIG_MAX_BATCH, &nr);
            for (i = 0; !rc && i < nr; i++)
                if (pfns[i] >= FX_PAGES)
                    rc = -ERANGE;       /* libxc: pfn_is_valid() */
            /* The simulator's domains are translated: frame = name. */
            if (!rc)
                rc = encmig_xg_restore_pages(x, body, blen, pfns, nr);
        } else if (type == REC_TYPE_ENCMIG_END) {
            rc = encmig_xg_restore_end(x, body, blen);
            end_seen = !rc;
        }
        if (rc)
            return rc;
    }
    return -EPIPE;
}

static int run(const uint8_t *s, size_t len)
{
    struct encmig_xg *x = session(dst_host, XEN_ENCMIG_DIR_IMPORT);
    struct xen_encmig_status st;
    struct encmig_hc *hc;
    uint8_t hash[32];
    int rc;

    FUZZ_CHECK(encmig_xg_begin(x, dst_dom) == 0, "begin: %s",
               encmig_xg_error(x));
    rc = restore(x, s, len);
    encmig_xg_free(x);

    hc = encmig_hc_open_sim(dst_host, true);
    FUZZ_CHECK(hc, "encmig_hc_open_sim");
    FUZZ_CHECK(encmig_hc_status(hc, dst_dom, &st) == -1 && errno == ENOENT,
               "a session outlived its helper");
    encmig_hc_close(hc);

    if (!rc) {
        FUZZ_CHECK(sim_domain_hash(dst_host, dst_dom, hash) == 0, "hash");
        FUZZ_CHECK(!memcmp(hash, src_hash, sizeof(hash)),
                   "a stream was accepted that is not the source's guest");
    }
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t s[FX_MAX_STREAM];
    static bool checked;
    size_t len;

    if (!checked) {
        FUZZ_CHECK(run(authentic, authentic_len) == 0,
                   "the authentic stream was refused");
        checked = true;
    }
    if (!size)
        return 0;
    if (data[0] & 1) {
        len = size - 1 < sizeof(s) ? size - 1 : sizeof(s);
        memcpy(s, data + 1, len);
    } else {
        memcpy(s, authentic, authentic_len);
        len = edit(s, authentic_len, data + 1, size - 1);
    }
    run(s, len);
    return 0;
}
