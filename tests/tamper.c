/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tamper: the hostile network, case by case.
 *
 * A clean migration is recorded once to learn where every field of every
 * message and record lies.  Then, for each case, a man in the middle
 * changes the live stream: one bit flipped in each field (handshake,
 * request, stream headers, page records in their headers, ciphertext and
 * tags, vCPU and end records, and the destination's answers before it
 * commits); records dropped, duplicated, reordered, replayed later or
 * taken from another session; the stream cut at many points; garbage and
 * oversize lengths injected; a source the destination does not list.  Every case must end with both ends refusing,
 * no guest left on the destination, and the source's guest running with
 * its memory as it was.
 *
 * Usage: tamper [--json] [--verbose]
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twohost.h"
#include "../hypercalls/sim/sim.h"
#include "../tools/libxl-encmig/handshake-msg.h"
#include "../tools/libxl-encmig/msg.h"
#include "../tools/libxl-encmig/request.h"
#include "../tools/libxl-encmig/stream-format.h"

#define GUEST_BYTES   (2ULL << 20)       /* 512 pages */
#define BATCH         64                 /* 8 page records */
#define MAX_FIELDS    512
#define MAX_RECORDS   64

struct field {
    char name[48];
    int dir;                             /* 0: to destination, 1: back */
    uint64_t off;
    uint32_t len;
};

struct record {
    uint32_t type;
    uint64_t off, end;                   /* header to end of padding */
};

struct layout {
    struct field f[MAX_FIELDS];
    unsigned int nf;
    struct record r[MAX_RECORDS];
    unsigned int nr;
    uint64_t stream_off;                 /* image header */
    uint64_t total[2];                   /* bytes each way, clean run */
    uint64_t back_before_commit;         /* ACCEPT, REPLY, READY */
};

struct tally {
    unsigned int cases, rejected, dest_clean, source_intact, passed;
    bool verbose;
};

static uint32_t le32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void add(struct layout *l, int dir, uint64_t off, uint32_t len,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void add(struct layout *l, int dir, uint64_t off, uint32_t len,
                const char *fmt, ...)
{
    struct field *f;
    va_list ap;

    if ( l->nf == MAX_FIELDS )
        return;
    f = &l->f[l->nf++];
    f->dir = dir;
    f->off = off;
    f->len = len;
    va_start(ap, fmt);
    vsnprintf(f->name, sizeof(f->name), fmt, ap);
    va_end(ap);
}

/* Fields of one page record (struct xen_encmig_rec_hdr, ciphertext, tag). */
static void add_page_record(struct layout *l, uint64_t p, const char *where)
{
    add(l, 0, p + 0, 8, "%s gfn", where);
    add(l, 0, p + 8, 8, "%s seq", where);
    add(l, 0, p + 16, 4, "%s stream", where);
    add(l, 0, p + 20, 4, "%s round", where);
    add(l, 0, p + 24, 4, "%s flags", where);
    add(l, 0, p + 28, 4, "%s pad", where);
    add(l, 0, p + 32, 1, "%s ciphertext[0]", where);
    add(l, 0, p + 32 + 2048, 1, "%s ciphertext[2048]", where);
    add(l, 0, p + 32 + 4095, 1, "%s ciphertext[4095]", where);
    add(l, 0, p + 4128, 1, "%s tag[0]", where);
    add(l, 0, p + 4143, 1, "%s tag[15]", where);
}

/* Walk the recorded clean run and note where everything lies. */
static int learn(struct layout *l, const uint8_t *to_dst, uint64_t n0,
                 const uint8_t *to_src, uint64_t n1)
{
    uint64_t p = 0, q;
    uint32_t len, nsuites, pages = 0;

    memset(l, 0, sizeof(*l));
    l->total[0] = n0;
    l->total[1] = n1;

    /* MIGRATE_REQ and HELLO. */
    add(l, 0, 0, 4, "request type");
    add(l, 0, 4, 4, "request length");
    add(l, 0, 8, 4, "request version");
    add(l, 0, 12, 4, "request mode");
    add(l, 0, 16, 4, "request pages (high)");
    add(l, 0, 23, 1, "request pages (low)");
    add(l, 0, 24, 4, "request streams");
    add(l, 0, 28, 4, "request batch");
    p = 8 + MIGRATE_REQ_SIZE;
    len = be32(to_dst + p + 4);
    add(l, 0, p, 4, "hello type");
    add(l, 0, p + 4, 4, "hello length");
    q = p + 8;
    add(l, 0, q, 8, "hello magic");
    add(l, 0, q + 8, 4, "hello min version");
    add(l, 0, q + 12, 4, "hello max version");
    add(l, 0, q + 16, 4, "hello suite count");
    nsuites = be32(to_dst + q + 16);
    add(l, 0, q + 20, 4, "hello suite[0]");
    q += 20 + 4 * nsuites;
    add(l, 0, q, 1, "hello ephemeral key[0]");
    add(l, 0, q + 31, 1, "hello ephemeral key[31]");
    add(l, 0, q + 32, 1, "hello nonce[0]");
    add(l, 0, q + 64, 1, "hello source key[0]");
    add(l, 0, q + 95, 1, "hello source key[31]");
    p += 8 + len;
    len = be32(to_dst + p + 4);
    add(l, 0, p, 4, "source auth type");
    add(l, 0, p + 4, 4, "source auth length");
    add(l, 0, p + 8, 1, "source auth signature[0]");
    add(l, 0, p + 8 + 63, 1, "source auth signature[63]");
    p += 8 + len;

    /* The stream. */
    l->stream_off = p;
    add(l, 0, p, 8, "image marker");
    add(l, 0, p + 8, 4, "image id");
    add(l, 0, p + 12, 4, "image version");
    add(l, 0, p + 16, 2, "image options");
    add(l, 0, p + 18, 6, "image reserved");
    add(l, 0, p + 24, 4, "domain type");
    add(l, 0, p + 28, 2, "domain page shift");
    add(l, 0, p + 32, 4, "domain xen major");
    p += IHDR_SIZE + DHDR_SIZE;

    while ( p + REC_HDR_SIZE <= n0 && l->nr < MAX_RECORDS )
    {
        struct record *r = &l->r[l->nr];
        uint32_t type = le32(to_dst + p), count;

        len = le32(to_dst + p + 4);
        r->type = type;
        r->off = p;
        r->end = p + REC_HDR_SIZE + ((len + 7) & ~7U);
        add(l, 0, p, 4, "%s[%u] type", encmig_rec_type_str(type), l->nr);
        add(l, 0, p + 4, 4, "%s[%u] length", encmig_rec_type_str(type), l->nr);
        q = p + REC_HDR_SIZE;
        switch ( type )
        {
        case REC_TYPE_ENCMIG_PAGES:
            count = le32(to_dst + q);
            /* Every field of the first, a middle and the last batch. */
            if ( pages == 0 || l->nr == 4 || r->end + 600 > n0 - 200 ||
                 le32(to_dst + r->end) != REC_TYPE_ENCMIG_PAGES )
            {
                char where[32];

                add(l, 0, q, 4, "pages[%u] count", l->nr);
                add(l, 0, q + 4, 4, "pages[%u] stream", l->nr);
                snprintf(where, sizeof(where), "pages[%u] first", l->nr);
                add_page_record(l, q + 8, where);
                snprintf(where, sizeof(where), "pages[%u] last", l->nr);
                add_page_record(l, q + 8 + (uint64_t)(count - 1) *
                                XEN_ENCMIG_REC_SIZE, where);
            }
            pages += count;
            break;
        case REC_TYPE_ENCMIG_VCPU:
            add(l, 0, q, 4, "vcpu id");
            add(l, 0, q + 4, 4, "vcpu pad");
            add(l, 0, q + 8, 1, "vcpu state[0]");
            add(l, 0, q + 8 + 511, 1, "vcpu state[511]");
            add(l, 0, q + 8 + 512, 1, "vcpu tag[0]");
            break;
        case REC_TYPE_ENCMIG_END:
            add(l, 0, q, 4, "end streams");
            add(l, 0, q + 4, 4, "end pad");
            add(l, 0, q + 8, 8, "end record count");
            add(l, 0, q + 16, 1, "end transcript[0]");
            add(l, 0, q + 47, 1, "end transcript[31]");
            add(l, 0, q + 48, 1, "end mac[0]");
            add(l, 0, q + 79, 1, "end mac[31]");
            break;
        }
        l->nr++;
        p = r->end;
        if ( type == REC_TYPE_END )
            break;
    }
    /* STREAM_DONE follows the stream. */
    if ( p + MSG_HDR_SIZE != n0 || l->nr < 4 )
        return -EBADMSG;
    add(l, 0, p, 4, "stream done type");
    add(l, 0, p + 4, 4, "stream done length");

    /* The destination's answers before it commits. */
    p = 0;
    add(l, 1, p, 4, "accept type");
    add(l, 1, p + 4, 4, "accept length");
    p += 8;
    add(l, 1, p, 4, "reply type");
    add(l, 1, p + 4, 4, "reply length");
    len = be32(to_src + p + 4);
    q = p + 8;
    add(l, 1, q, 4, "reply version");
    add(l, 1, q + 4, 4, "reply suite");
    add(l, 1, q + 8, 1, "reply host key[0]");
    add(l, 1, q + 39, 1, "reply host key[31]");
    add(l, 1, q + 40, 1, "reply ephemeral key[0]");
    add(l, 1, q + 72, 1, "reply nonce[0]");
    add(l, 1, q + 104, 1, "reply wrapped key[0]");
    add(l, 1, q + 104 + 79, 1, "reply wrapped tag[15]");
    add(l, 1, q + 184, 1, "reply signature[0]");
    add(l, 1, q + 184 + 63, 1, "reply signature[63]");
    p = q + len;
    add(l, 1, p, 4, "ready type");
    add(l, 1, p + 4, 4, "ready length");
    l->back_before_commit = p + 8;
    return 0;
}

/* Run one case and score it. */
static void run_case(struct twohost *t, struct tally *ty, const char *name,
                     const struct relay_plan *to_dst,
                     const struct relay_plan *to_src)
{
    bool rejected, clean, intact;

    twohost_run(t, true, to_dst, to_src);
    rejected = t->src_rc != 0 && t->dst_rc != 0 && t->serr[0];
    clean = twohost_dest_clean(t);
    intact = twohost_source_intact(t, true);

    ty->cases++;
    ty->rejected += rejected;
    ty->dest_clean += clean;
    ty->source_intact += intact;
    ty->passed += rejected && clean && intact;
    if ( ty->verbose || !rejected || !clean || !intact )
        fprintf(stderr, "%s %-44s | source: %s | destination: %s\n",
                rejected && clean && intact ? "ok  " : "FAIL", name,
                t->serr, t->rerr[0] ? t->rerr : "-");
    /* One failure must not make the cases after it fail too. */
    if ( !clean || !intact )
        twohost_reset(t);
}

int main(int argc, char **argv)
{
    static uint8_t garbage[64], huge[4] = { 0xff, 0xff, 0xff, 0xff };
    static uint8_t big_body[4];
    struct relay_plan a, b, rec, hold;
    struct tally ty = { 0 };
    struct twohost t;
    struct layout l;
    uint8_t *clean = NULL, *other = NULL, *back = NULL;
    uint64_t n0, n1, i, pages_first = UINT64_MAX, pages_last = 0;
    uint64_t vcpu_off = 0;
    unsigned int k, nrec;
    bool json = false;
    char name[96];
    int rc;

    for ( k = 1; k < (unsigned int)argc; k++ )
    {
        if ( !strcmp(argv[k], "--json") )
            json = true;
        else if ( !strcmp(argv[k], "--verbose") )
            ty.verbose = true;
        else
        {
            fprintf(stderr, "usage: tamper [--json] [--verbose]\n");
            return 2;
        }
    }

    rc = twohost_new(&t, GUEST_BYTES, 0);
    if ( rc )
    {
        fprintf(stderr, "tamper: setting up hosts: %s\n", strerror(-rc));
        return 1;
    }
    t.scfg.batch = BATCH;
    t.timeout_s = 2;

    /*
     * Record two clean sessions without letting either commit: the
     * destination's RESUMED is held back, so the source gives up and
     * keeps its guest.  The first gives the layout, the second the
     * records of "another session".
     */
    for ( k = 0; k < 2; k++ )
    {
        plan_pass(&hold);
        plan_range(&hold, 0, 8 + 8 + ENCMIG_HS_REPLY_SIZE + 8);
        hold.hold = true;
        plan_pass(&rec);
        twohost_run(&t, true, &rec, &hold);
        n0 = t.relay.dir[0].len;
        n1 = t.relay.dir[1].len;
        if ( k == 0 )
        {
            clean = malloc(n0);
            back = malloc(n1);
            memcpy(clean, t.relay.dir[0].hist, n0);
            memcpy(back, t.relay.dir[1].hist, n1);
        }
        else
        {
            other = malloc(n0);
            memcpy(other, t.relay.dir[0].hist, n0);
        }
        for ( i = 1; i < SIM_MAX_DOMAINS; i++ )
            sim_domain_destroy(t.dst, i);
        if ( !twohost_source_intact(&t, true) )
        {
            fprintf(stderr, "tamper: recording run lost the source guest\n");
            return 1;
        }
    }
    n0 = t.relay.dir[0].len;
    rc = learn(&l, clean, n0, back, n1);
    if ( rc )
    {
        fprintf(stderr, "tamper: could not walk the recorded stream\n");
        return 1;
    }
    for ( k = 0; k < l.nr; k++ )
    {
        if ( l.r[k].type == REC_TYPE_ENCMIG_PAGES && pages_first == UINT64_MAX )
            pages_first = k;
        if ( l.r[k].type == REC_TYPE_ENCMIG_PAGES )
            pages_last = k;
        if ( l.r[k].type == REC_TYPE_ENCMIG_VCPU )
            vcpu_off = l.r[k].off;
    }
    nrec = l.nr;
    if ( pages_first == UINT64_MAX || pages_last < pages_first + 2 ||
         !vcpu_off )
    {
        fprintf(stderr, "tamper: the recorded stream is not as expected\n");
        return 1;
    }

    /* 1. One bit flipped in every field, low and high bit. */
    for ( k = 0; k < l.nf; k++ )
    {
        const struct field *f = &l.f[k];
        static const uint8_t masks[2] = { 0x01, 0x80 };
        unsigned int m;

        for ( m = 0; m < 2; m++ )
        {
            uint64_t off = f->off + (m ? f->len - 1 : 0);

            if ( f->len == 1 && m )
                break;
            plan_flip(f->dir ? &b : &a, off, masks[m]);
            plan_pass(f->dir ? &a : &b);
            snprintf(name, sizeof(name), "flip %s bit %u", f->name,
                     m ? 7 : 0);
            run_case(&t, &ty, name, &a, &b);
        }
    }

    plan_pass(&b);
    /* 2. Each record dropped, duplicated; neighbours swapped. */
    for ( k = 0; k < nrec; k++ )
    {
        const struct record *r = &l.r[k];

        plan_pass(&a);
        plan_range(&a, 0, r->off);
        plan_range(&a, r->end, RELAY_END);
        snprintf(name, sizeof(name), "drop record %u (%s)", k,
                 encmig_rec_type_str(r->type));
        run_case(&t, &ty, name, &a, &b);

        plan_pass(&a);
        plan_range(&a, 0, r->end);
        plan_range(&a, r->off, RELAY_END);
        snprintf(name, sizeof(name), "duplicate record %u (%s)", k,
                 encmig_rec_type_str(r->type));
        run_case(&t, &ty, name, &a, &b);

        if ( k + 1 < nrec )
        {
            plan_pass(&a);
            plan_range(&a, 0, r->off);
            plan_range(&a, l.r[k + 1].off, l.r[k + 1].end);
            plan_range(&a, r->off, r->end);
            plan_range(&a, l.r[k + 1].end, RELAY_END);
            snprintf(name, sizeof(name), "swap records %u and %u", k, k + 1);
            run_case(&t, &ty, name, &a, &b);
        }
    }

    /* 3. Replays: an earlier record again later; another session's. */
    for ( k = pages_first; k <= pages_last; k++ )
    {
        const struct record *r = &l.r[k];

        plan_pass(&a);
        plan_range(&a, 0, vcpu_off);
        plan_range(&a, r->off, r->end);
        plan_range(&a, vcpu_off, RELAY_END);
        snprintf(name, sizeof(name), "replay record %u before the vCPU", k);
        run_case(&t, &ty, name, &a, &b);

        plan_pass(&a);
        plan_range(&a, 0, r->off);
        plan_literal(&a, other + r->off, r->end - r->off);
        plan_range(&a, r->end, RELAY_END);
        snprintf(name, sizeof(name), "record %u from another session", k);
        run_case(&t, &ty, name, &a, &b);
    }
    plan_pass(&a);
    plan_range(&a, 0, l.r[pages_first + 1].off);
    plan_literal(&a, other + l.r[pages_first + 1].off,
                 l.r[pages_last].off - l.r[pages_first + 1].off);
    plan_range(&a, l.r[pages_last].off, RELAY_END);
    run_case(&t, &ty, "splice middle records from another session", &a, &b);
    plan_pass(&a);
    plan_range(&a, 0, l.stream_off);
    plan_literal(&a, other + l.stream_off, n0 - l.stream_off);
    run_case(&t, &ty, "whole stream of another session", &a, &b);
    for ( k = 0; k < nrec; k++ )
        if ( l.r[k].type == REC_TYPE_ENCMIG_VCPU ||
             l.r[k].type == REC_TYPE_ENCMIG_END )
        {
            plan_pass(&a);
            plan_range(&a, 0, l.r[k].off);
            plan_literal(&a, other + l.r[k].off, l.r[k].end - l.r[k].off);
            plan_range(&a, l.r[k].end, RELAY_END);
            snprintf(name, sizeof(name), "%s from another session",
                     encmig_rec_type_str(l.r[k].type));
            run_case(&t, &ty, name, &a, &b);
        }

    /* 4. The link cut at 40 points, and at every record boundary. */
    for ( k = 1; k <= 40; k++ )
    {
        uint64_t at = n0 * k / 41 + k * 7;

        plan_pass(&a);
        plan_range(&a, 0, at);
        snprintf(name, sizeof(name), "cut after %llu of %llu bytes",
                 (unsigned long long)at, (unsigned long long)n0);
        run_case(&t, &ty, name, &a, &b);
    }
    for ( k = 0; k < nrec; k++ )
    {
        plan_pass(&a);
        plan_range(&a, 0, l.r[k].off);
        snprintf(name, sizeof(name), "cut before record %u (%s)", k,
                 encmig_rec_type_str(l.r[k].type));
        run_case(&t, &ty, name, &a, &b);
    }

    /* 5. Garbage between records; lengths beyond every limit. */
    for ( i = 0; i < sizeof(garbage); i++ )
        garbage[i] = (uint8_t)(i * 37 + 11);
    for ( k = 0; k < nrec; k++ )
    {
        plan_pass(&a);
        plan_range(&a, 0, l.r[k].off);
        plan_literal(&a, garbage, sizeof(garbage));
        plan_range(&a, l.r[k].off, RELAY_END);
        snprintf(name, sizeof(name), "garbage before record %u", k);
        run_case(&t, &ty, name, &a, &b);
    }
    big_body[0] = (REC_BODY_MAX + 8) & 0xff;
    big_body[1] = ((REC_BODY_MAX + 8) >> 8) & 0xff;
    big_body[2] = ((REC_BODY_MAX + 8) >> 16) & 0xff;
    big_body[3] = ((REC_BODY_MAX + 8) >> 24) & 0xff;
    for ( k = 0; k < nrec; k++ )
    {
        plan_pass(&a);
        plan_range(&a, 0, l.r[k].off + 4);
        plan_literal(&a, k % 2 ? huge : big_body, 4);
        plan_range(&a, l.r[k].off + 8, RELAY_END);
        snprintf(name, sizeof(name), "record %u length %s", k,
                 k % 2 ? "0xffffffff" : "REC_BODY_MAX + 8");
        run_case(&t, &ty, name, &a, &b);
    }
    plan_pass(&a);
    plan_range(&a, 0, 4);
    plan_literal(&a, huge, 4);
    plan_range(&a, 8, RELAY_END);
    run_case(&t, &ty, "request length 0xffffffff", &a, &b);
    plan_pass(&a);
    plan_range(&a, 0, 8 + MIGRATE_REQ_SIZE + 4);
    plan_literal(&a, huge, 4);
    plan_range(&a, 8 + MIGRATE_REQ_SIZE + 8, RELAY_END);
    run_case(&t, &ty, "hello length 0xffffffff", &a, &b);
    plan_pass(&a);
    plan_pass(&b);
    plan_range(&b, 0, 8 + 4);
    plan_literal(&b, huge, 4);
    plan_range(&b, 8 + 8, RELAY_END);
    run_case(&t, &ty, "reply length 0xffffffff", &a, &b);

    /* 6. A source the destination does not list, untouched in transit. */
    plan_pass(&a);
    plan_pass(&b);
    if ( twohost_authorize(&t, NULL) == 0 )
        run_case(&t, &ty, "source not in the destination's list", &a, &b);
    twohost_authorize(&t, "source");

    twohost_free(&t);
    free(clean);
    free(other);
    free(back);

    if ( json )
        printf("{\"cases\": %u, \"rejected\": %u, \"dest_clean\": %u, "
               "\"source_intact\": %u, \"fields\": %u, \"records\": %u}\n",
               ty.cases, ty.rejected, ty.dest_clean, ty.source_intact,
               l.nf, nrec);
    else
        printf("%u cases: %u rejected, destination clean in %u, source "
               "intact in %u\n", ty.cases, ty.rejected, ty.dest_clean,
               ty.source_intact);
    printf("%u passed, %u failed\n", ty.passed, ty.cases - ty.passed);
    return ty.passed == ty.cases && ty.cases >= 200 ? 0 : 1;
}
