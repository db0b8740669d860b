/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tamper: the hostile network, case by case.
 *
 * A clean migration is recorded to learn where every field of every
 * message and record lies, and a second one to have another session's
 * bytes.  Then, for each case, a man in the middle changes the live
 * connection: one bit flipped in each field (handshake, request, stream
 * headers, page records and the guest's sealed state in their headers,
 * ciphertext and tags, the end record, every control message both ways);
 * records dropped, duplicated, reordered, replayed later or taken from
 * another session;
 * unknown records injected; control messages dropped, duplicated,
 * replayed from another session, forged, or held past the other side's
 * timeout; a refusal turned into a forged success and the reverse; the
 * stream cut at many points; garbage and oversize lengths injected; a
 * source the destination does not list.
 *
 * Two kinds of case:
 *  - before the source's GO reaches the destination (all but a few): both
 *    ends must refuse, no guest may be left on the destination, and the
 *    source's guest must run with its memory as it was;
 *  - at the commit (the destination's answer to GO): the source may have
 *    kept its copy paused with the outcome unknown; the operator's
 *    resolution (twohost_resolve) must then leave exactly one intact copy
 *    running.
 * In every case no host may lose the guest, and no two may run it.
 *
 * Usage: tamper [--json] [--verbose] [--streams N]
 *
 * With N streams the guest moves on N streams (docs/stream.md, section 3,
 * "Streams"), and the same cases then also move batches between streams.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twohost.h"
#include "../sim/sim.h"
#include "../tools/libxl-encmig/protocol/handshake-msg.h"
#include "../tools/libxl-encmig/protocol/msg.h"
#include "../tools/libxl-encmig/protocol/request.h"
#include "../tools/libxl-encmig/protocol/stream-format.h"

#define GUEST_BYTES   (2ULL << 20)       /* 512 pages */
#define BATCH         64                 /* 8 page records */
#define MAX_FIELDS    640
#define MAX_RECORDS   64
#define MAX_MSGS      16

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

/* A framed message: u32be type, u32be length, body, control MAC. */
struct message {
    uint32_t type;
    int dir;
    uint64_t off, end;
    bool mac;
};

struct layout {
    struct field f[MAX_FIELDS];
    unsigned int nf;
    struct record r[MAX_RECORDS];
    unsigned int nr;
    struct message m[MAX_MSGS];
    unsigned int nm;
    uint64_t stream_off;                 /* image header */
    uint64_t stream_end;                 /* after the END record */
    uint64_t commit_off[2];              /* GO; RESUMED on the way back */
    uint64_t total[2];                   /* bytes each way, clean run */
};

enum expect {
    REFUSED,                             /* before GO: nothing moves */
    AT_COMMIT,                           /* the answer to GO was hit */
};

struct tally {
    unsigned int cases, rejected, dest_clean, source_intact, passed;
    unsigned int commit_cases, commit_ok, paused;
    unsigned int guest_lost, both_running;
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

static const char *msg_name(uint32_t type)
{
    switch ( type )
    {
    case ENCMIG_HS_MSG_HELLO:   return "hello";
    case ENCMIG_HS_MSG_REPLY:   return "reply";
    case ENCMIG_HS_MSG_SOURCE_AUTH: return "source auth";
    case MSG_MIGRATE_REQ:       return "request";
    case MSG_READY:             return "ready";
    case MSG_RESUMED:           return "resumed";
    case MSG_VERIFY:            return "verify";
    case MSG_FAILED:            return "failed";
    case MSG_ACCEPT:            return "accept";
    case MSG_STREAM_DONE:       return "stream done";
    case MSG_CONFIG:            return "config";
    case MSG_RECEIVED:          return "received";
    case MSG_GO:                return "go";
    }
    return "message";
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

/*
 * Fields of the sealed state (struct xen_encmig_state_hdr, ciphertext,
 * tag): the hypervisor checks the header, the tag the rest.
 */
static void add_state_record(struct layout *l, uint64_t q, uint32_t len)
{
    uint32_t text = len - XEN_ENCMIG_STATE_OVERHEAD;
    uint64_t tag = q + XEN_ENCMIG_STATE_HDR_SIZE + text;

    add(l, 0, q + 0, 4, "state kind");
    add(l, 0, q + 4, 4, "state instance");
    add(l, 0, q + 8, 8, "state seq");
    add(l, 0, q + 16, 4, "state length");
    add(l, 0, q + 20, 4, "state nr_vcpus");
    add(l, 0, q + 24, 4, "state flags");
    add(l, 0, q + 28, 4, "state pad");
    add(l, 0, q + 32, 1, "state ciphertext[0]");
    add(l, 0, q + 32 + text / 2, 1, "state ciphertext[%u]", text / 2);
    add(l, 0, tag - 1, 1, "state ciphertext[%u]", text - 1);
    add(l, 0, tag, 1, "state tag[0]");
    add(l, 0, tag + 15, 1, "state tag[15]");
}

static void add_hello(struct layout *l, const uint8_t *d, uint64_t q)
{
    uint32_t nsuites = be32(d + q + 16);

    add(l, 0, q, 8, "hello magic");
    add(l, 0, q + 8, 4, "hello min version");
    add(l, 0, q + 12, 4, "hello max version");
    add(l, 0, q + 16, 4, "hello suite count");
    add(l, 0, q + 20, 4, "hello suite[0]");
    q += 20 + 4 * (uint64_t)nsuites;
    add(l, 0, q, 1, "hello ephemeral key[0]");
    add(l, 0, q + 31, 1, "hello ephemeral key[31]");
    add(l, 0, q + 32, 1, "hello nonce[0]");
    add(l, 0, q + 64, 1, "hello source key[0]");
    add(l, 0, q + 95, 1, "hello source key[31]");
}

static void add_reply(struct layout *l, uint64_t q)
{
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
}

static void add_request(struct layout *l, uint64_t q)
{
    add(l, 0, q, 4, "request version");
    add(l, 0, q + 4, 4, "request mode");
    add(l, 0, q + 8, 4, "request pages (high)");
    add(l, 0, q + 15, 1, "request pages (low)");
    add(l, 0, q + 16, 4, "request streams");
    add(l, 0, q + 20, 4, "request batch");
}

/*
 * Walk framed messages from *p until the stream's marker or the end.
 * Every message after the handshake carries a control MAC.
 */
static int learn_messages(struct layout *l, int dir, const uint8_t *d,
                          uint64_t n, uint64_t *p)
{
    static const uint8_t marker[8] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

    while ( *p + MSG_HDR_SIZE <= n && memcmp(d + *p, marker, 8) )
    {
        struct message *m;
        uint32_t type = be32(d + *p), len = be32(d + *p + 4);
        const char *name = msg_name(type);
        uint64_t q = *p + MSG_HDR_SIZE;

        if ( l->nm == MAX_MSGS || len > MSG_BODY_MAX )
            return -EBADMSG;
        m = &l->m[l->nm++];
        m->type = type;
        m->dir = dir;
        m->off = *p;
        m->mac = !(type < 16 || type == MSG_MIGRATE_REQ ||
                   type == MSG_ACCEPT);
        m->end = q + len + (m->mac ? ENCMIG_MAC_SIZE : 0);
        if ( m->end > n )
            return -EBADMSG;
        add(l, dir, *p, 4, "%s type", name);
        add(l, dir, *p + 4, 4, "%s length", name);
        if ( type == ENCMIG_HS_MSG_HELLO )
            add_hello(l, d, q);
        else if ( type == ENCMIG_HS_MSG_REPLY )
            add_reply(l, q);
        else if ( type == MSG_MIGRATE_REQ )
            add_request(l, q);
        else if ( len )
        {
            add(l, dir, q, 1, "%s body[0]", name);
            add(l, dir, q + len - 1, 1, "%s body[%u]", name, len - 1);
        }
        if ( m->mac )
        {
            add(l, dir, q + len, 1, "%s mac[0]", name);
            add(l, dir, q + len + 31, 1, "%s mac[31]", name);
        }
        if ( type == MSG_GO || type == MSG_RESUMED )
            l->commit_off[dir] = *p;
        *p = m->end;
    }
    return 0;
}

/* Walk the recorded clean run and note where everything lies. */
static int learn(struct layout *l, const uint8_t *to_dst, uint64_t n0,
                 const uint8_t *to_src, uint64_t n1)
{
    uint64_t p = 0, q;
    uint32_t len, pages = 0;

    memset(l, 0, sizeof(*l));
    l->total[0] = n0;
    l->total[1] = n1;

    if ( learn_messages(l, 0, to_dst, n0, &p) || p + IHDR_SIZE > n0 )
        return -EBADMSG;

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
            if ( pages == 0 || l->nr == 4 ||
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
        case REC_TYPE_ENCMIG_STATE:
            add_state_record(l, q, len);
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
    l->stream_end = p;

    /* STREAM_DONE and GO follow the stream; the answers come back. */
    if ( learn_messages(l, 0, to_dst, n0, &p) || p != n0 || l->nr < 4 )
        return -EBADMSG;
    p = 0;
    if ( learn_messages(l, 1, to_src, n1, &p) || p != n1 ||
         !l->commit_off[0] || !l->commit_off[1] )
        return -EBADMSG;
    return 0;
}

/*
 * What a case can end in, from the first byte it changes: from GO on,
 * and from the destination's answer to it, the source may be left not
 * knowing whether the destination runs the guest.
 */
static enum expect expect_at(const struct layout *l, int dir, uint64_t off)
{
    return off >= l->commit_off[dir] ? AT_COMMIT : REFUSED;
}

static const struct message *find_msg(const struct layout *l, uint32_t type)
{
    unsigned int k;

    for ( k = 0; k < l->nm; k++ )
        if ( l->m[k].type == type )
            return &l->m[k];
    return NULL;
}

/* Run one case and score it. */
static void run_case(struct twohost *t, struct tally *ty, enum expect ex,
                     const char *name, const struct relay_plan *to_dst,
                     const struct relay_plan *to_src)
{
    struct twohost_where w;
    bool lost, both, ok;

    twohost_run(t, true, to_dst, to_src);
    twohost_where(t, &w);
    lost = twohost_lost(&w);
    both = twohost_both_running(&w);
    ty->guest_lost += lost;
    ty->both_running += both;

    if ( ex == REFUSED )
    {
        bool rejected = t->src_rc != 0 && t->dst_rc != 0 && t->serr[0];
        bool clean = !w.dst_copies;
        bool intact = w.src_running && w.src_intact;

        ty->cases++;
        ty->rejected += rejected;
        ty->dest_clean += clean;
        ty->source_intact += intact;
        ok = rejected && clean && intact && !lost && !both;
    }
    else
    {
        /* Paused with the outcome unknown, or moved: never lost or twice,
         * and one intact copy running once the operator has looked. */
        ty->commit_cases++;
        ty->paused += w.src_exists && !w.src_running;
        ok = !lost && !both && twohost_resolve(t);
        ty->commit_ok += ok;
    }
    ty->passed += ok;
    if ( ty->verbose || !ok )
        fprintf(stderr, "%s %-46s | source: %s | destination: %s\n",
                ok ? "ok  " : "FAIL", name, t->serr[0] ? t->serr : "-",
                t->rerr[0] ? t->rerr : "-");
    /* One case must not make the cases after it fail too. */
    twohost_reset(t);
}

/* A clean migration through the relay, recorded; the guest then put
 * back on the source for the cases. */
static int record(struct twohost *t, uint8_t **to_dst, uint64_t *n0,
                  uint8_t **to_src, uint64_t *n1)
{
    struct relay_plan a, b;

    plan_pass(&a);
    plan_pass(&b);
    twohost_run(t, true, &a, &b);
    if ( t->src_rc || t->dst_rc || t->sst.outcome != ENCMIG_OUTCOME_MOVED )
    {
        fprintf(stderr, "tamper: the clean run failed: %s | %s\n", t->serr,
                t->rerr);
        return -EIO;
    }
    *n0 = t->relay.dir[0].len;
    *n1 = t->relay.dir[1].len;
    *to_dst = malloc(*n0);
    *to_src = malloc(*n1);
    if ( !*to_dst || !*to_src )
        return -ENOMEM;
    memcpy(*to_dst, t->relay.dir[0].hist, *n0);
    memcpy(*to_src, t->relay.dir[1].hist, *n1);
    return twohost_reset(t);
}

/* A message of the same type and length with a MAC of zeros. */
static size_t forge(const struct message *m, const uint8_t *clean,
                    uint8_t *out, size_t max)
{
    size_t len = m->end - m->off;

    if ( len > max )
        return 0;
    memcpy(out, clean + m->off, len);
    if ( m->mac )
        memset(out + len - ENCMIG_MAC_SIZE, 0, ENCMIG_MAC_SIZE);
    return len;
}

/* A FAILED message, as a destination that gave up would send it. */
static size_t forge_failed(uint8_t *out)
{
    static const char why[] = "forged";
    size_t n = 0;

    out[n++] = 0; out[n++] = 0; out[n++] = 0; out[n++] = MSG_FAILED;
    out[n++] = 0; out[n++] = 0; out[n++] = 0; out[n++] = 8 + sizeof(why) - 1;
    out[n++] = 0; out[n++] = 0; out[n++] = 0; out[n++] = EIO;
    out[n++] = 0; out[n++] = 0; out[n++] = 0; out[n++] = sizeof(why) - 1;
    memcpy(out + n, why, sizeof(why) - 1);
    n += sizeof(why) - 1;
    memset(out + n, 0, ENCMIG_MAC_SIZE);
    return n + ENCMIG_MAC_SIZE;
}

/*
 * A case on the stream to the destination: its bytes up to at, then
 * [from, to) again, or another session's bytes there, then its bytes
 * from resume on.
 */
static void splice_case(struct twohost *t, struct tally *ty,
                        const char *name, uint64_t at, const uint8_t *other,
                        uint64_t from, uint64_t to, uint64_t resume)
{
    struct relay_plan a, b;

    plan_pass(&a);
    plan_pass(&b);
    plan_range(&a, 0, at);
    if ( other )
        plan_literal(&a, other + from, to - from);
    else
        plan_range(&a, from, to);
    plan_range(&a, resume, RELAY_END);
    run_case(t, ty, REFUSED, name, &a, &b);
}

/*
 * The sealed state beyond drop, duplicate and swap: moved to the front,
 * replayed where ENCMIG_END belongs, after it and after END, another
 * session's beside ours, and cut inside.  Exactly one state record may
 * come, after the last page and before the end, and only the session's
 * own opens.
 */
static void state_cases(struct twohost *t, struct tally *ty,
                        const struct layout *l, unsigned int state,
                        const uint8_t *other)
{
    const struct record *st = &l->r[state], *end = &l->r[state + 1];
    uint64_t first = l->r[0].off, len = st->end - st->off;
    struct relay_plan a, b;

    plan_pass(&a);
    plan_pass(&b);
    plan_range(&a, 0, first);
    plan_range(&a, st->off, st->end);
    plan_range(&a, first, st->off);
    plan_range(&a, st->end, RELAY_END);
    run_case(t, ty, REFUSED, "state record moved before the pages", &a, &b);

    splice_case(t, ty, "state record replayed in place of the end",
                st->end, NULL, st->off, st->end, end->end);
    splice_case(t, ty, "state record replayed after the end record",
                end->end, NULL, st->off, st->end, end->end);
    splice_case(t, ty, "state record replayed after END",
                l->stream_end, NULL, st->off, st->end, l->stream_end);
    splice_case(t, ty, "another session's state record before ours",
                st->off, other, st->off, st->end, st->off);
    splice_case(t, ty, "another session's state record after ours",
                st->end, other, st->off, st->end, st->end);

    plan_pass(&a);
    plan_range(&a, 0, st->off + REC_HDR_SIZE + XEN_ENCMIG_STATE_HDR_SIZE / 2);
    run_case(t, ty, REFUSED, "cut inside the state record's header", &a, &b);
    plan_pass(&a);
    plan_range(&a, 0, st->off + len / 2);
    run_case(t, ty, REFUSED, "cut inside the state record's ciphertext", &a,
             &b);
}

/* Control messages: dropped, duplicated, another session's, forged, held
 * past the other side's timeout. */
static void control_cases(struct twohost *t, struct tally *ty,
                          const struct layout *l, const uint8_t *clean[2],
                          const uint8_t *other[2])
{
    static uint8_t forged[MSG_HDR_SIZE + MSG_BODY_MAX + ENCMIG_MAC_SIZE];
    /* Type 99, no body, a MAC of zeros. */
    static const uint8_t unknown[MSG_HDR_SIZE + ENCMIG_MAC_SIZE] = {
        0, 0, 0, 99, 0, 0, 0, 0 };
    struct relay_plan p[2];
    unsigned int k;
    char name[96];

    for ( k = 0; k < l->nm; k++ )
    {
        const struct message *m = &l->m[k];
        int d = m->dir;
        enum expect ex = expect_at(l, d, m->off);
        enum expect ex_next = expect_at(l, d, m->end);
        const char *mn = msg_name(m->type);
        size_t flen;

        if ( !m->mac )
            continue;
        plan_pass(&p[!d]);

        plan_pass(&p[d]);
        plan_range(&p[d], 0, m->off);
        plan_range(&p[d], m->end, RELAY_END);
        snprintf(name, sizeof(name), "drop %s", mn);
        run_case(t, ty, ex, name, &p[0], &p[1]);

        plan_pass(&p[d]);
        plan_range(&p[d], 0, m->end);
        plan_range(&p[d], m->off, RELAY_END);
        snprintf(name, sizeof(name), "duplicate %s", mn);
        run_case(t, ty, ex_next, name, &p[0], &p[1]);

        plan_pass(&p[d]);
        plan_range(&p[d], 0, m->off);
        plan_literal(&p[d], other[d] + m->off, m->end - m->off);
        plan_range(&p[d], m->end, RELAY_END);
        snprintf(name, sizeof(name), "%s from another session", mn);
        run_case(t, ty, ex, name, &p[0], &p[1]);

        flen = forge(m, clean[d], forged, sizeof(forged));
        plan_pass(&p[d]);
        plan_range(&p[d], 0, m->off);
        plan_literal(&p[d], forged, flen);
        plan_range(&p[d], m->end, RELAY_END);
        snprintf(name, sizeof(name), "forged %s", mn);
        run_case(t, ty, ex, name, &p[0], &p[1]);

        /* Replayed where the next message was due. */
        plan_pass(&p[d]);
        plan_range(&p[d], 0, m->end);
        plan_range(&p[d], m->off, m->end);
        snprintf(name, sizeof(name), "%s replayed in place of the next", mn);
        if ( k + 1 < l->nm && l->m[k + 1].dir == d )
        {
            plan_range(&p[d], l->m[k + 1].end, RELAY_END);
            run_case(t, ty, ex_next, name, &p[0], &p[1]);
        }

        plan_pass(&p[d]);
        plan_range(&p[d], 0, m->off);
        p[d].hold = true;
        snprintf(name, sizeof(name), "%s held past the timeout", mn);
        run_case(t, ty, ex, name, &p[0], &p[1]);

        plan_pass(&p[d]);
        plan_range(&p[d], 0, m->off + (m->end - m->off) / 2);
        snprintf(name, sizeof(name), "%s cut short", mn);
        run_case(t, ty, ex, name, &p[0], &p[1]);

        plan_pass(&p[d]);
        plan_range(&p[d], 0, m->off);
        plan_literal(&p[d], unknown, sizeof(unknown));
        plan_range(&p[d], m->off, RELAY_END);
        snprintf(name, sizeof(name), "unknown message before %s", mn);
        run_case(t, ty, ex, name, &p[0], &p[1]);

        plan_pass(&p[d]);
        plan_range(&p[d], 0, m->off);
        plan_literal(&p[d], unknown + MSG_HDR_SIZE, ENCMIG_MAC_SIZE);
        plan_range(&p[d], m->off, RELAY_END);
        snprintf(name, sizeof(name), "32 zero bytes before %s", mn);
        run_case(t, ty, ex, name, &p[0], &p[1]);
    }
}

int main(int argc, char **argv)
{
    static uint8_t garbage[64], huge[4] = { 0xff, 0xff, 0xff, 0xff };
    static uint8_t big_body[4], failed[64];
    static uint8_t inject[2][REC_HDR_SIZE + 16];
    struct relay_plan a, b;
    struct tally ty = { 0 };
    struct twohost t;
    struct layout l;
    uint8_t *clean = NULL, *other = NULL, *back = NULL, *other_back = NULL;
    const uint8_t *cl[2], *ot[2];
    const struct message *ready, *received, *resumed;
    uint64_t n0, n1, on0, on1, i, pages_first = UINT64_MAX, pages_last = 0;
    uint64_t state_off = 0;
    unsigned int state = 0, end = 0;
    unsigned int k, nrec;
    bool json = false;
    unsigned long streams = 1;
    char name[96], *endp;
    size_t flen;
    int rc;

    for ( k = 1; k < (unsigned int)argc; k++ )
    {
        if ( !strcmp(argv[k], "--json") )
            json = true;
        else if ( !strcmp(argv[k], "--verbose") )
            ty.verbose = true;
        else if ( !strcmp(argv[k], "--streams") && k + 1 < (unsigned int)argc &&
                  (streams = strtoul(argv[k + 1], &endp, 10)) >= 1 &&
                  streams <= XEN_ENCMIG_MAX_STREAMS && !*endp )
            k++;
        else
        {
            fprintf(stderr, "usage: tamper [--json] [--verbose] "
                    "[--streams N]\n");
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
    t.scfg.streams = streams;
    t.timeout_s = 2;

    /* Two clean sessions: the first gives the layout, the second another
     * session's bytes. */
    if ( record(&t, &clean, &n0, &back, &n1) ||
         record(&t, &other, &on0, &other_back, &on1) )
        return 1;
    rc = learn(&l, clean, n0, back, n1);
    if ( rc || on0 != n0 || on1 != n1 )
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
        if ( l.r[k].type == REC_TYPE_ENCMIG_STATE )
        {
            state = k;
            state_off = l.r[k].off;
        }
        if ( l.r[k].type == REC_TYPE_ENCMIG_END )
            end = k;
    }
    nrec = l.nr;
    ready = find_msg(&l, MSG_READY);
    received = find_msg(&l, MSG_RECEIVED);
    resumed = find_msg(&l, MSG_RESUMED);
    if ( pages_first == UINT64_MAX || pages_last < pages_first + 2 ||
         !state_off || end != state + 1 || !ready || !received ||
         !resumed )
    {
        fprintf(stderr, "tamper: the recorded stream is not as expected\n");
        return 1;
    }
    cl[0] = clean;
    cl[1] = back;
    ot[0] = other;
    ot[1] = other_back;

    /* 1. One bit flipped in every field, low and high bit. */
    for ( k = 0; k < l.nf; k++ )
    {
        const struct field *f = &l.f[k];
        static const uint8_t masks[2] = { 0x01, 0x80 };
        enum expect ex = expect_at(&l, f->dir, f->off);
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
            run_case(&t, &ty, ex, name, &a, &b);
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
        run_case(&t, &ty, REFUSED, name, &a, &b);

        plan_pass(&a);
        plan_range(&a, 0, r->end);
        plan_range(&a, r->off, RELAY_END);
        snprintf(name, sizeof(name), "duplicate record %u (%s)", k,
                 encmig_rec_type_str(r->type));
        run_case(&t, &ty, REFUSED, name, &a, &b);

        if ( k + 1 < nrec )
        {
            plan_pass(&a);
            plan_range(&a, 0, r->off);
            plan_range(&a, l.r[k + 1].off, l.r[k + 1].end);
            plan_range(&a, r->off, r->end);
            plan_range(&a, l.r[k + 1].end, RELAY_END);
            snprintf(name, sizeof(name), "swap records %u and %u", k, k + 1);
            run_case(&t, &ty, REFUSED, name, &a, &b);
        }
    }

    /* 3. Replays: an earlier record again later; another session's. */
    for ( k = pages_first; k <= pages_last; k++ )
    {
        const struct record *r = &l.r[k];

        plan_pass(&a);
        plan_range(&a, 0, state_off);
        plan_range(&a, r->off, r->end);
        plan_range(&a, state_off, RELAY_END);
        snprintf(name, sizeof(name), "replay record %u before the state", k);
        run_case(&t, &ty, REFUSED, name, &a, &b);

        plan_pass(&a);
        plan_range(&a, 0, r->off);
        plan_literal(&a, other + r->off, r->end - r->off);
        plan_range(&a, r->end, RELAY_END);
        snprintf(name, sizeof(name), "record %u from another session", k);
        run_case(&t, &ty, REFUSED, name, &a, &b);
    }
    plan_pass(&a);
    plan_range(&a, 0, l.r[pages_first + 1].off);
    plan_literal(&a, other + l.r[pages_first + 1].off,
                 l.r[pages_last].off - l.r[pages_first + 1].off);
    plan_range(&a, l.r[pages_last].off, RELAY_END);
    run_case(&t, &ty, REFUSED, "splice middle records from another session",
             &a, &b);
    plan_pass(&a);
    plan_range(&a, 0, l.stream_off);
    plan_literal(&a, other + l.stream_off, l.stream_end - l.stream_off);
    plan_range(&a, l.stream_end, RELAY_END);
    run_case(&t, &ty, REFUSED, "whole stream of another session", &a, &b);
    for ( k = 0; k < nrec; k++ )
        if ( l.r[k].type == REC_TYPE_ENCMIG_STATE ||
             l.r[k].type == REC_TYPE_ENCMIG_END )
        {
            plan_pass(&a);
            plan_range(&a, 0, l.r[k].off);
            plan_literal(&a, other + l.r[k].off, l.r[k].end - l.r[k].off);
            plan_range(&a, l.r[k].end, RELAY_END);
            snprintf(name, sizeof(name), "%s from another session",
                     encmig_rec_type_str(l.r[k].type));
            run_case(&t, &ty, REFUSED, name, &a, &b);
        }
    state_cases(&t, &ty, &l, state, other);

    /* 4. Unknown records, optional and mandatory, before every record. */
    for ( k = 0; k < 2; k++ )
    {
        uint32_t type = k ? 0x00001234U : (REC_TYPE_OPTIONAL | 0x1234U);

        for ( i = 0; i < 4; i++ )
        {
            inject[k][i] = type >> (8 * i);
            inject[k][4 + i] = 16 >> (8 * i);
        }
        memset(inject[k] + REC_HDR_SIZE, 0x5a, 16);
    }
    for ( k = 0; k < nrec; k++ )
    {
        unsigned int opt;

        for ( opt = 0; opt < 2; opt++ )
        {
            plan_pass(&a);
            plan_range(&a, 0, l.r[k].off);
            plan_literal(&a, inject[!opt], sizeof(inject[0]));
            plan_range(&a, l.r[k].off, RELAY_END);
            snprintf(name, sizeof(name), "unknown %s record before record %u",
                     opt ? "optional" : "mandatory", k);
            run_case(&t, &ty, REFUSED, name, &a, &b);
        }
    }

    /* Nothing may ride behind the END record, known or not. */
    for ( k = 0; k < 2; k++ )
    {
        plan_pass(&a);
        plan_range(&a, 0, l.stream_end);
        plan_literal(&a, inject[k], sizeof(inject[0]));
        plan_range(&a, l.stream_end, RELAY_END);
        snprintf(name, sizeof(name), "unknown %s record after END",
                 k ? "optional" : "mandatory");
        run_case(&t, &ty, REFUSED, name, &a, &b);
    }
    plan_pass(&a);
    plan_range(&a, 0, l.stream_end);
    plan_range(&a, l.r[nrec - 2].off, RELAY_END);
    run_case(&t, &ty, REFUSED, "the end records again after END", &a, &b);

    /* 5. The link cut inside the headers, at 80 points, and at every
     * record boundary. */
    for ( k = 0; k < 2; k++ )
    {
        plan_pass(&a);
        plan_range(&a, 0, l.stream_off + (k ? IHDR_SIZE + 4 : 12));
        snprintf(name, sizeof(name), "cut inside the %s header",
                 k ? "domain" : "image");
        run_case(&t, &ty, REFUSED, name, &a, &b);
    }
    for ( k = 1; k <= 80; k++ )
    {
        uint64_t at = l.stream_end * k / 81 + k * 7;

        plan_pass(&a);
        plan_range(&a, 0, at);
        snprintf(name, sizeof(name), "cut after %llu of %llu bytes",
                 (unsigned long long)at, (unsigned long long)n0);
        run_case(&t, &ty, REFUSED, name, &a, &b);
    }
    for ( k = 0; k < nrec; k++ )
    {
        plan_pass(&a);
        plan_range(&a, 0, l.r[k].off);
        snprintf(name, sizeof(name), "cut before record %u (%s)", k,
                 encmig_rec_type_str(l.r[k].type));
        run_case(&t, &ty, REFUSED, name, &a, &b);
    }

    /* 6. Garbage between records; lengths beyond every limit. */
    for ( i = 0; i < sizeof(garbage); i++ )
        garbage[i] = (uint8_t)(i * 37 + 11);
    for ( k = 0; k < nrec; k++ )
    {
        plan_pass(&a);
        plan_range(&a, 0, l.r[k].off);
        plan_literal(&a, garbage, sizeof(garbage));
        plan_range(&a, l.r[k].off, RELAY_END);
        snprintf(name, sizeof(name), "garbage before record %u", k);
        run_case(&t, &ty, REFUSED, name, &a, &b);
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
        run_case(&t, &ty, REFUSED, name, &a, &b);
    }
    for ( k = 0; k < l.nm; k++ )
    {
        struct relay_plan *p = l.m[k].dir ? &b : &a;

        plan_pass(&a);
        plan_pass(&b);
        plan_range(p, 0, l.m[k].off + 4);
        plan_literal(p, huge, 4);
        plan_range(p, l.m[k].off + 8, RELAY_END);
        snprintf(name, sizeof(name), "%s length 0xffffffff",
                 msg_name(l.m[k].type));
        run_case(&t, &ty, expect_at(&l, l.m[k].dir, l.m[k].off + 4), name,
                 &a, &b);
    }

    /* 7. The control exchange: every message both ways. */
    control_cases(&t, &ty, &l, cl, ot);

    /*
     * 8. The destination refuses (a page altered) while a success is
     * forged toward the source: another session's, or one with a MAC of
     * zeros.  Then the reverse: the destination's success replaced by a
     * forged failure, after GO.
     */
    plan_flip(&a, l.r[pages_last].off + REC_HDR_SIZE + 8 + 40, 0x01);
    plan_pass(&b);
    plan_range(&b, 0, ready->end);
    plan_literal(&b, other_back + received->off, n1 - received->off);
    b.hold = true;
    run_case(&t, &ty, REFUSED, "refusal, another session's success forged",
             &a, &b);
    {
        static uint8_t ok[2][MSG_HDR_SIZE + ENCMIG_MAC_SIZE];

        forge(received, back, ok[0], sizeof(ok[0]));
        forge(resumed, back, ok[1], sizeof(ok[1]));
        plan_pass(&b);
        plan_range(&b, 0, ready->end);
        plan_literal(&b, ok[0], sizeof(ok[0]));
        plan_literal(&b, ok[1], sizeof(ok[1]));
        b.hold = true;
        run_case(&t, &ty, REFUSED, "refusal, a success forged", &a, &b);
    }
    flen = forge_failed(failed);
    plan_pass(&a);
    plan_pass(&b);
    plan_range(&b, 0, resumed->off);
    plan_literal(&b, failed, flen);
    b.hold = true;
    run_case(&t, &ty, AT_COMMIT, "success replaced by a forged failure", &a,
             &b);
    plan_pass(&b);
    plan_range(&b, 0, resumed->off);
    plan_literal(&b, other_back + resumed->off, n1 - resumed->off);
    run_case(&t, &ty, AT_COMMIT, "success replaced by another session's",
             &a, &b);

    /* 9. A source the destination does not list, untouched in transit. */
    plan_pass(&a);
    plan_pass(&b);
    if ( twohost_authorize(&t, NULL) == 0 )
        run_case(&t, &ty, REFUSED, "source not in the destination's list",
                 &a, &b);
    twohost_authorize(&t, "source");

    twohost_free(&t);
    free(clean);
    free(other);
    free(back);
    free(other_back);

    if ( json )
        printf("{\"cases\": %u, \"rejected\": %u, \"dest_clean\": %u, "
               "\"source_intact\": %u, \"guest_lost\": %u, "
               "\"both_running\": %u, \"commit_cases\": %u, "
               "\"commit_ok\": %u, \"paused_for_operator\": %u, "
               "\"fields\": %u, \"records\": %u, \"messages\": %u}\n",
               ty.cases, ty.rejected, ty.dest_clean, ty.source_intact,
               ty.guest_lost, ty.both_running, ty.commit_cases, ty.commit_ok,
               ty.paused, l.nf, nrec, l.nm);
    else
        printf("%u cases refused before the commit: %u rejected, "
               "destination clean in %u, source intact in %u; %u at the "
               "commit: %u settled (%u kept paused for the operator); "
               "guest lost %u, running twice %u\n", ty.cases, ty.rejected,
               ty.dest_clean, ty.source_intact, ty.commit_cases,
               ty.commit_ok, ty.paused, ty.guest_lost, ty.both_running);
    printf("%u passed, %u failed\n", ty.passed,
           ty.cases + ty.commit_cases - ty.passed);
    return ty.passed == ty.cases + ty.commit_cases && ty.cases >= 500 &&
           !ty.guest_lost && !ty.both_running ? 0 : 1;
}
