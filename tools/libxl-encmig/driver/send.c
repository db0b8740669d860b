/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * send.c: the source side of a live migration of a simulated guest.
 *
 * Pages flow one way: guest frame -> hypervisor export -> ring slot ->
 * sender thread -> socket.  The main thread decides what to send, a batch
 * a slot; one exporter thread per stream has the hypervisor seal the
 * batches of its stream into their slots (batch i on stream i mod N); the
 * sender thread writes full slots out in the order they were planned and
 * hands each back once its send has completed.
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "migrate.h"
#include "ring.h"
#include "../io.h"
#include "../util.h"
#include "../protocol/handshake.h"
#include "../protocol/msg.h"
#include "../protocol/records.h"
#include "../protocol/request.h"
#include "../protocol/state.h"
#include "../../../hypercalls/encmig_hc.h"
#include "../../../sim/sim.h"

struct sender {
    const struct encmig_send_cfg *cfg;
    struct encmig_send_stats *st;
    char *err;
    size_t errlen;

    const struct encmig_domain_ops *ops;  /* where the guest lives */
    void *plat;
    struct encmig_hc *hc;
    struct encmig_ring ring;
    bool ring_on;
    struct stream_writer w;
    struct encmig_xport *x;       /* the stream's transport, if not wfd */
    pthread_t thread;
    bool thread_on;
    unsigned int nr_streams;
    struct exporter {
        struct sender *s;
        uint32_t stream;
        pthread_t thread;
        bool on;
    } exporter[XEN_ENCMIG_MAX_STREAMS];

    bool session;                 /* export session set up */
    bool paused;                  /* we paused the guest */
    bool logdirty;
    uint64_t nr_frames;
    uint64_t *bitmap, *bitmap2;
    size_t words;

    struct encmig_core core;      /* keys, transcript, control MACs */
    uint8_t req[MIGRATE_REQ_SIZE];  /* the request as sent */
    uint64_t records;             /* page records sealed, all streams */

    struct encmig_progress prog;
    double t0;
    double t_stream;              /* when the destination said READY */
    double t_pause;               /* when the guest stopped running here */
    /*
     * The commit (docs/stream.md, "Commit"): once GO has gone out, only
     * the destination's authenticated answer settles who runs the guest.
     */
    bool go_sent;
    bool peer_failed;             /* authenticated: it holds no copy */
    bool committed;               /* authenticated: it runs the guest */
};

#define fail(s, rc, ...) encmig_fail((s)->err, (s)->errlen, (rc), __VA_ARGS__)

/* The slot's send completed: the hypervisor may seal into it again. */
static void slot_sent(void *cookie)
{
    struct ring_slot *slot = cookie;

    ring_release(slot->ring, slot);
}

/* The sender thread: slots out to the socket, in order. */
static void *sender_main(void *arg)
{
    struct sender *s = arg;
    struct ring_slot *slot;

    for (;;) {
        uint8_t hdr[8];
        struct iovec iov[3];
        int n, rc;

        /*
         * Nothing to send yet: let what is in flight complete, or the
         * planner, draining the ring, would wait for it forever.
         */
        if (!ring_next_ready(&s->ring) && (rc = stream_flush(&s->w))) {
            ring_fail(&s->ring, rc);
            break;
        }
        if (!(slot = ring_next(&s->ring)))
            break;

        /* Both bodies start u32 count, u32 (stream | reserved). */
        encmig_hdr8_put(hdr, slot->count, slot->stream);
        iov[0].iov_base = hdr;
        iov[0].iov_len = sizeof(hdr);
        if (slot->kind == REC_TYPE_ENCMIG_PAGES) {
            iov[1].iov_base = slot->buf;
            iov[1].iov_len = (size_t)slot->count * XEN_ENCMIG_REC_SIZE;
            n = 2;
        } else {
            encmig_pfns_to_le(slot->gfns, slot->count);
            iov[1].iov_base = slot->gfns;
            iov[1].iov_len = (size_t)slot->count * sizeof(uint64_t);
            iov[2].iov_base = slot->buf;
            iov[2].iov_len = (size_t)slot->count * XEN_ENCMIG_PAGE_SIZE;
            n = 3;
        }
        rc = stream_write_record_then(&s->w, slot->kind, iov, n, slot_sent,
                                      slot);
        if (rc) {
            ring_fail(&s->ring, rc);
            break;
        }
    }
    return NULL;
}

static void report(struct sender *s)
{
    if (!s->cfg->progress)
        return;
    s->prog.wire_bytes = __atomic_load_n(&s->w.bytes, __ATOMIC_RELAXED);
    s->prog.elapsed = encmig_now() - s->t_stream;
    s->cfg->progress(s->cfg->progress_opaque, &s->prog);
}

/* Seal (plain: read) the slot's pages into its buffer on stream. */
static int fill_slot(struct sender *s, struct ring_slot *slot,
                     uint32_t stream)
{
    const struct encmig_send_cfg *cfg = s->cfg;
    uint32_t i;
    int rc;

    if (cfg->plain) {
        /* What xl does today: dom0 maps the guest and reads plaintext. */
        slot->stream = 0;
        for (i = 0; i < slot->count; i++) {
            rc = s->ops->page_read(s->plat, cfg->domid, slot->gfns[i],
                                slot->buf + (size_t)i * XEN_ENCMIG_PAGE_SIZE);
            if (rc) {
                ring_failf(&s->ring, rc, "reading guest page %#llx: %s",
                           (unsigned long long)slot->gfns[i], strerror(-rc));
                return rc;
            }
        }
        return 0;
    }

    slot->stream = stream;
    if (encmig_hc_export(s->hc, cfg->domid, stream, slot->round, slot->gfns,
                          slot->count, slot->buf, s->ring.buf_size)) {
        rc = -errno;
        ring_failf(&s->ring, rc, "export of %u pages from the hypervisor: "
                   "%s", slot->count, strerror(-rc));
        return rc;
    }
    __atomic_add_fetch(&s->records, slot->count, __ATOMIC_RELAXED);
    return 0;
}

/* An exporter thread: the batches of one stream, in order. */
static void *exporter_main(void *arg)
{
    struct exporter *e = arg;
    struct sender *s = e->s;
    struct ring_slot *slot;
    uint64_t idx;

    for (idx = e->stream; (slot = ring_claim(&s->ring, idx));
         idx += s->nr_streams) {
        if (fill_slot(s, slot, e->stream))
            break;
        ring_filled(&s->ring, slot);
    }
    return NULL;
}

/* Why the ring stopped: an exporter's reason, else the socket's. */
static int ring_failed(struct sender *s, int rc)
{
    if (ring_why(&s->ring)[0])
        return fail(s, rc, "%s", ring_why(&s->ring));
    return fail(s, rc, "sending to the destination: %s", strerror(-rc));
}

/* Plan one batch of gfns[0..n) for the exporters. */
static int send_batch(struct sender *s, const uint64_t *gfns, uint32_t n)
{
    struct ring_slot *slot = ring_acquire(&s->ring);

    if (!slot)
        return ring_failed(s, ring_error(&s->ring));

    memcpy(slot->gfns, gfns, n * sizeof(*gfns));
    slot->count = n;
    slot->round = s->prog.round;
    slot->kind = s->cfg->plain ? REC_TYPE_PAGE_DATA : REC_TYPE_ENCMIG_PAGES;
    ring_submit(&s->ring);

    s->prog.round_sent += n;
    s->prog.pages_sent += n;
    report(s);
    return 0;
}

/* Send every page whose bit is set in bitmap. */
static int send_bitmap(struct sender *s, const uint64_t *bitmap)
{
    uint64_t gfns[XEN_ENCMIG_MAX_BATCH], gfn;
    uint32_t n = 0, batch = s->ring.batch;
    int rc;

    for (gfn = 0; gfn < s->nr_frames; gfn++) {
        if (!(bitmap[gfn / 64] & (UINT64_C(1) << (gfn % 64))))
            continue;
        gfns[n++] = gfn;
        if (n == batch) {
            if ((rc = send_batch(s, gfns, n)))
                return rc;
            n = 0;
        }
    }
    return n ? send_batch(s, gfns, n) : 0;
}

static int send_all(struct sender *s)
{
    uint64_t gfns[XEN_ENCMIG_MAX_BATCH], gfn;
    uint32_t n = 0;
    int rc;

    for (gfn = 0; gfn < s->nr_frames; gfn++) {
        gfns[n++] = gfn;
        if (n == s->ring.batch) {
            if ((rc = send_batch(s, gfns, n)))
                return rc;
            n = 0;
        }
    }
    return n ? send_batch(s, gfns, n) : 0;
}

static int dirty_clean(struct sender *s, uint64_t *bitmap, uint64_t *count)
{
    int rc = s->ops->dirty_clean(s->plat, s->cfg->domid, bitmap, s->words,
                                count);

    return rc ? fail(s, rc, "log-dirty: %s", strerror(-rc)) : 0;
}

/* The pre-copy rounds, ending with the guest paused and everything sent. */
static int precopy(struct sender *s)
{
    const struct encmig_send_cfg *cfg = s->cfg;
    unsigned int max_rounds = cfg->max_rounds ? cfg->max_rounds
                                              : MIGRATE_DEFAULT_ROUNDS;
    uint64_t stop = cfg->stop_pages ? cfg->stop_pages
                                    : MIGRATE_DEFAULT_STOP_PAGES;
    uint64_t prev = s->nr_frames, count, extra, i;
    int rc;

    rc = s->ops->logdirty(s->plat, cfg->domid, true);
    if (rc)
        return fail(s, rc, "enabling log-dirty: %s", strerror(-rc));
    s->logdirty = true;

    s->prog.round = 0;
    s->prog.round_pages = s->nr_frames;
    if ((rc = send_all(s)))
        return rc;

    for (s->prog.round = 1; ; s->prog.round++) {
        if ((rc = dirty_clean(s, s->bitmap, &count)))
            return rc;

        if (count <= stop || count >= prev ||
             s->prog.round + 1 >= max_rounds)
            break;

        s->prog.round_pages = count;
        s->prog.round_sent = 0;
        if ((rc = send_bitmap(s, s->bitmap)))
            return rc;
        prev = count;
    }

    /* Stop and copy: what was dirty, plus what got dirty until the pause. */
    rc = s->ops->pause(s->plat, cfg->domid);
    if (rc)
        return fail(s, rc, "pausing the guest: %s", strerror(-rc));
    s->paused = true;
    s->t_pause = encmig_now();
    s->prog.final = true;
    if ((rc = dirty_clean(s, s->bitmap2, &extra)))
        return rc;
    for (count = 0, i = 0; i < s->words; i++) {
        s->bitmap[i] |= s->bitmap2[i];
        count += __builtin_popcountll(s->bitmap[i]);
    }
    s->prog.round_pages = count;
    s->prog.round_sent = 0;
    if ((rc = send_bitmap(s, s->bitmap)))
        return rc;
    s->st->rounds = s->prog.round + 1;

    rc = ring_drain(&s->ring);
    return rc ? ring_failed(s, rc) : 0;
}

/*
 * The guest's state, once it is paused and its last pages are out.
 * Encrypted, the hypervisor seals it and we pass on ciphertext that we
 * hold no key to; plain, dom0 reads the vCPU, as xl does today.
 */
static int send_state(struct sender *s)
{
    uint8_t vcpu[SIM_VCPU_STATE_SIZE];
    struct iovec iov;
    int rc;

    if (!s->cfg->plain)
        return encmig_state_send(&s->w, s->hc, s->cfg->domid,
                                 MIGRATE_STATE_KIND, 0, s->err, s->errlen);

    rc = s->ops->vcpu_get(s->plat, s->cfg->domid, vcpu);
    if (rc)
        return fail(s, rc, "reading the vCPU state: %s", strerror(-rc));
    iov.iov_base = vcpu;
    iov.iov_len = sizeof(vcpu);
    rc = stream_write_record(&s->w, REC_TYPE_ENCMIG_SIM_VCPU, &iov, 1);
    OPENSSL_cleanse(vcpu, sizeof(vcpu));
    return rc ? fail(s, rc, "sending the vCPU state: %s", strerror(-rc)) : 0;
}

static int send_end(struct sender *s)
{
    uint8_t end[ENCMIG_END_SIZE];
    struct iovec iov;
    int rc;

    if (!s->cfg->plain) {
        rc = encmig_core_end_seal(&s->core, s->records, end);
        if (!rc) {
            iov.iov_base = end;
            iov.iov_len = sizeof(end);
            rc = stream_write_record(&s->w, REC_TYPE_ENCMIG_END, &iov, 1);
        }
        if (rc)
            return fail(s, rc, "sending the end record: %s", strerror(-rc));
    }

    rc = stream_write_record(&s->w, REC_TYPE_END, NULL, 0);
    if (!rc)
        rc = stream_flush(&s->w);
    /* The receiver reads exactly this next: anything else is an attack. */
    if (!rc)
        rc = encmig_msg_send_ctl(s->cfg->wfd, &s->core, MSG_STREAM_DONE,
                                 NULL, 0);
    return rc ? fail(s, rc, "sending the end record: %s", strerror(-rc)) : 0;
}

/* A message from the destination; its MSG_FAILED becomes our error. */
static int expect(struct sender *s, uint32_t want, struct wbuf *body,
                  const char *what)
{
    char reason[260];
    uint32_t type;
    int code, rc;

    rc = encmig_msg_recv_ctl(s->cfg->rfd, &s->core, &type, body,
                             MSG_BODY_MAX);
    if (rc == -ECONNREFUSED) {
        struct encmig_hs_error e;

        if (encmig_hs_parse_error(body, &e))
            return fail(s, -EBADMSG, "the destination refused the "
                        "handshake (unreadable reason)");
        return fail(s, -ECONNREFUSED, "the destination refused the "
                    "handshake: %s", e.msg);
    }
    if (rc == -EBADMSG && s->core.keyed)
        return fail(s, rc, "the destination's %s failed authentication",
                    what);
    if (rc)
        return fail(s, rc, "waiting for the destination's %s: %s", what,
                    strerror(-rc));
    if (type == MSG_FAILED) {
        /* Authenticated (or before any key): it has no copy, nor will. */
        s->peer_failed = true;
        if (encmig_msg_parse_failed(body, &code, reason, sizeof(reason)))
            return fail(s, -EBADMSG, "the destination failed (unreadable "
                        "reason)");
        return fail(s, code ? -code : -EIO, "the destination refused: %s",
                    reason);
    }
    if (type != want)
        return fail(s, -EBADMSG, "destination sent message %u, expected %s",
                    type, what);
    return 0;
}

/*
 * A write failed: the destination may have said why before it hung up.
 * Its reason replaces ours only if it gave one.
 */
static void peer_reason(struct sender *s)
{
    struct wbuf body;
    char reason[260];
    uint32_t type;
    int code;

    wbuf_init(&body, MSG_BODY_MAX);
    if (!encmig_msg_recv_ctl(s->cfg->rfd, &s->core, &type, &body,
                             MSG_BODY_MAX) &&
         type == MSG_FAILED &&
         !encmig_msg_parse_failed(&body, &code, reason, sizeof(reason)))
        encmig_seterr(s->err, s->errlen, "the destination refused: %s", reason);
    wbuf_free(&body);
}

static int setup_encryption(struct sender *s)
{
    const struct encmig_send_cfg *cfg = s->cfg;
    struct encmig_hs_config hc;
    struct encmig_hs_result hs;
    uint8_t mac[ENCMIG_MAC_SIZE];
    const void *parts[1] = { s->req };
    size_t lens[1] = { sizeof(s->req) };
    int rc;

    encmig_hs_config_init(&hc);
    hc.keydir = cfg->trust.keydir;
    hc.known_hosts = cfg->trust.known_hosts;
    hc.accept_new = cfg->trust.accept_new;

    rc = encmig_hs_source(cfg->rfd, cfg->wfd, &hc, cfg->peer_host, &hs, s->err,
                          s->errlen);
    if (rc)
        return rc;

    rc = encmig_core_init(&s->core, ENCMIG_SIDE_SOURCE, &hs.km,
                          hs.transcript);
    encmig_hs_result_wipe(&hs);
    if (rc)
        return fail(s, rc, "deriving keys: %s", strerror(-rc));
    /* The page and state keys go to the hypervisor; we keep neither. */
    rc = encmig_core_hv_setup(&s->core, s->hc, cfg->domid,
                              XEN_ENCMIG_DIR_EXPORT, s->nr_streams);
    if (rc)
        return fail(s, rc, "setting up the export session: %s",
                    strerror(-rc));
    s->session = true;
    s->w.core = &s->core;
    s->st->level = s->core.level;

    /* The request sized the guest before there was a key: bind it now. */
    rc = encmig_core_config_mac(&s->core, parts, lens, 1, mac);
    if (!rc)
        rc = encmig_msg_send_ctl(cfg->wfd, &s->core, MSG_CONFIG, mac,
                                 sizeof(mac));
    return rc ? fail(s, rc, "sending the configuration: %s", strerror(-rc))
              : 0;
}

/*
 * The stream's own connection, and every migration buffer registered
 * with it once: the slots are sent from where the hypervisor sealed.
 */
static int open_stream_xport(struct sender *s)
{
    const struct encmig_stream_xport *sx = s->cfg->stream_x;
    char why[256] = "";
    unsigned int i;
    int rc;

    rc = sx->open(sx->opaque, 0, &s->x, why, sizeof(why));
    if (rc)
        return fail(s, rc, "the stream's RDMA connection: %s",
                    why[0] ? why : strerror(-rc));
    for (i = 0; i < s->ring.nslots && !rc; i++) {
        struct ring_slot *slot = &s->ring.slot[i];

        rc = xport_register(s->x, slot->buf, s->ring.buf_size);
        if (!rc)
            rc = xport_register(s->x, slot->gfns,
                                s->ring.batch * sizeof(uint64_t));
    }
    if (rc)
        return fail(s, rc, "registering the migration buffers: %s",
                    strerror(-rc));
    s->w.x = s->x;
    return 0;
}

static int start(struct sender *s)
{
    const struct encmig_send_cfg *cfg = s->cfg;
    struct migrate_req req = {
        .version = MIGRATE_REQ_VERSION,
        .mode = cfg->plain ? MIGRATE_MODE_PLAIN : MIGRATE_MODE_ENCRYPTED,
        .nr_streams = s->nr_streams,
        .batch = cfg->batch ? cfg->batch : MIGRATE_DEFAULT_BATCH,
        .transport = cfg->stream_x ? MIGRATE_TRANSPORT_RDMA
                                   : MIGRATE_TRANSPORT_CONTROL,
    };
    unsigned int slots = cfg->ring_slots ? cfg->ring_slots
                                         : MIGRATE_DEFAULT_SLOTS;
    struct wbuf b;
    bool paused;
    int rc;

    rc = s->ops->info(s->plat, cfg->domid, &s->nr_frames, &paused);
    if (rc)
        return fail(s, rc, "guest %u: %s", cfg->domid, strerror(-rc));
    req.nr_frames = s->nr_frames;
    s->st->guest_bytes = s->nr_frames * XEN_ENCMIG_PAGE_SIZE;
    s->words = (s->nr_frames + 63) / 64;
    s->bitmap = calloc(s->words, sizeof(uint64_t));
    s->bitmap2 = calloc(s->words, sizeof(uint64_t));
    if (!s->bitmap || !s->bitmap2)
        return fail(s, -ENOMEM, "out of memory");

    /* Each stream needs a slot to seal into while one of its is sent. */
    if (slots < 2 * s->nr_streams)
        slots = 2 * s->nr_streams;
    rc = ring_init(&s->ring, s->hc, slots, req.batch, XEN_ENCMIG_REC_SIZE);
    if (rc)
        return fail(s, rc, "migration buffers: %s", strerror(-rc));
    s->ring_on = true;
    s->st->buffer_bytes = ring_bytes(&s->ring);

    wbuf_init(&b, MIGRATE_REQ_SIZE);
    rc = migrate_req_put(&b, &req);
    if (!rc) {
        memcpy(s->req, wbuf_ptr(&b), sizeof(s->req));
        rc = encmig_msg_send(cfg->wfd, MSG_MIGRATE_REQ, s->req,
                             sizeof(s->req));
    }
    wbuf_free(&b);
    if (rc)
        return fail(s, rc, "sending the migration request: %s",
                    strerror(-rc));

    wbuf_init(&b, MSG_BODY_MAX);
    rc = expect(s, MSG_ACCEPT, &b, "answer to the request");
    if (!rc && !cfg->plain)
        rc = setup_encryption(s);
    if (!rc)
        rc = expect(s, MSG_READY, &b, "ready");
    wbuf_free(&b);
    if (!rc && cfg->stream_x)
        rc = open_stream_xport(s);
    s->t_stream = encmig_now();
    return rc;
}

/*
 * The commit, as xl's: the destination has the whole guest verified and
 * paused (RECEIVED); we give it GO and from then on keep our copy paused
 * until it says, authenticated, that the guest runs there (RESUMED: ours
 * goes) or that it holds no copy (FAILED: ours resumes).  Anything else
 * leaves the outcome unknown, and our copy paused for the operator.
 */
static int finish(struct sender *s)
{
    struct wbuf b;
    int rc;

    wbuf_init(&b, MSG_BODY_MAX);
    rc = expect(s, MSG_RECEIVED, &b, "report that it has the guest");
    if (rc)
        goto out;
    rc = encmig_msg_send_ctl(s->cfg->wfd, &s->core, MSG_GO, NULL, 0);
    if (rc) {
        /* Not all of GO left: without its MAC it cannot start a copy. */
        fail(s, rc, "sending GO: %s", strerror(-rc));
        goto out;
    }
    s->go_sent = true;
    /*
     * A destination that gives up waiting for GO destroys its copy and
     * says so: wait longer than it does, so that its word is heard and
     * our copy resumes rather than stays paused for the operator.
     */
    encmig_stretch_rcvtimeo(s->cfg->rfd, 2);
    rc = expect(s, MSG_RESUMED, &b, "confirmation");
    if (rc)
        goto out;
    s->committed = true;
    s->st->downtime_ms = (encmig_now() - s->t_pause) * 1000;
    s->st->seconds = encmig_now() - s->t0;
    s->st->stream_seconds = encmig_now() - s->t_stream;

    /* Committed: the guest runs there.  Check what it got. */
    rc = s->ops->hash(s->plat, s->cfg->domid, s->st->hash);
    if (rc) {
        fail(s, rc, "hashing the guest: %s", strerror(-rc));
        goto out;
    }
    if (expect(s, MSG_VERIFY, &b, "verification")) {
        char why[200];

        /* Committed all the same: the guest runs there. */
        snprintf(why, sizeof(why), "%s", s->err);
        encmig_seterr(s->err, s->errlen, "the guest runs on the destination, "
                      "but its hash did not arrive (%s)", why);
        goto out;
    }
    s->st->verified = wbuf_avail(&b) == sizeof(s->st->hash) &&
                      !memcmp(wbuf_ptr(&b), s->st->hash,
                              sizeof(s->st->hash));
    if (!s->st->verified)
        encmig_seterr(s->err, s->errlen, "the destination's copy of the guest "
                 "differs from ours");

 out:
    wbuf_free(&b);
    return rc;
}

int encmig_migrate_send(const struct encmig_send_cfg *cfg,
                        struct encmig_send_stats *st, char *err,
                        size_t errlen)
{
    struct sender s = {
        .cfg = cfg, .st = st, .err = err, .errlen = errlen,
        .nr_streams = cfg->streams ? cfg->streams : 1,
    };
    unsigned int i;
    int rc;

    memset(st, 0, sizeof(*st));
    err[0] = '\0';
    s.t0 = encmig_now();
    stream_writer_init(&s.w, cfg->wfd);
    s.w.tap = cfg->tap;
    s.w.tap_opaque = cfg->tap_opaque;

    s.ops = cfg->platform.ops;
    s.plat = cfg->platform.plat;
    s.hc = s.ops->hc_open(s.plat);
    if (!s.hc) {
        rc = fail(&s, -ENOMEM, "opening the hypervisor interface");
        goto out;
    }
    if (s.nr_streams > XEN_ENCMIG_MAX_STREAMS ||
        (cfg->plain && s.nr_streams != 1)) {
        rc = fail(&s, -EINVAL, "%u streams: want 1 to %u (plain: 1)",
                  s.nr_streams, XEN_ENCMIG_MAX_STREAMS);
        goto out;
    }

    if ((rc = start(&s)))
        goto out;

    rc = stream_write_headers(&s.w, DHDR_TYPE_ENCMIG_SIM);
    if (rc) {
        fail(&s, rc, "sending the stream headers: %s", strerror(-rc));
        goto out;
    }
    rc = -pthread_create(&s.thread, NULL, sender_main, &s);
    if (rc) {
        fail(&s, rc, "starting the sender thread: %s", strerror(-rc));
        goto out;
    }
    s.thread_on = true;
    for (i = 0; i < s.nr_streams; i++) {
        struct exporter *e = &s.exporter[i];

        e->s = &s;
        e->stream = i;
        rc = -pthread_create(&e->thread, NULL, exporter_main, e);
        if (rc) {
            fail(&s, rc, "starting exporter thread %u: %s", i, strerror(-rc));
            goto out;
        }
        e->on = true;
    }

    if ((rc = precopy(&s)) || (rc = send_state(&s)) ||
         (rc = send_end(&s)))
        goto out;
    rc = finish(&s);

 out:
    if (s.thread_on) {
        if (rc)
            ring_fail(&s.ring, rc);
        ring_close(&s.ring);
        pthread_join(s.thread, NULL);
    }
    for (i = 0; i < XEN_ENCMIG_MAX_STREAMS; i++)
        if (s.exporter[i].on)
            pthread_join(s.exporter[i].thread, NULL);
    if ((rc == -EPIPE || rc == -ECONNRESET) && !s.go_sent)
        peer_reason(&s);
    st->pages_sent = s.prog.pages_sent;
    st->wire_bytes = s.w.bytes;
    if (!s.committed)
        st->seconds = encmig_now() - s.t0;

    if (s.session)
        encmig_hc_teardown(s.hc, cfg->domid);
    if (s.logdirty && !s.committed)
        s.ops->logdirty(s.plat, cfg->domid, false);
    if (s.committed) {
        /* The destination runs the guest now: this copy must go. */
        st->outcome = ENCMIG_OUTCOME_MOVED;
        s.ops->destroy(s.plat, cfg->domid);
        if (!st->verified && !rc)
            rc = -EIO;
    } else if (s.go_sent && !s.peer_failed) {
        /*
         * The destination may be running the guest, or may not: ours must
         * neither run beside it nor be lost.  Paused it stays.
         */
        char why[256];

        st->outcome = ENCMIG_OUTCOME_UNKNOWN;
        snprintf(why, sizeof(why), "%s", err[0] ? err : "no answer to GO");
        encmig_seterr(err, errlen, "%s; the outcome is unknown: guest %u is "
                      "kept paused here.  Check whether it runs on the "
                      "destination, then resolve it here (resume or "
                      "destroy)", why, cfg->domid);
        if (!rc)
            rc = -ETIMEDOUT;
    } else {
        st->outcome = ENCMIG_OUTCOME_STAYED;
        if (s.paused)
            s.ops->unpause(s.plat, cfg->domid);
    }

    encmig_core_fini(&s.core);
    if (s.x)
        cfg->stream_x->close(cfg->stream_x->opaque, s.x);
    if (s.ring_on)
        ring_fini(&s.ring);
    encmig_hc_close(s.hc);
    free(s.bitmap);
    free(s.bitmap2);
    return rc;
}
