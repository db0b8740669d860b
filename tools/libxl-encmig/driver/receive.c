/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * receive.c: the destination side of a live migration of a simulated
 * guest.
 *
 * Pages flow one way: socket -> stream reader -> ring slot -> importer
 * thread -> hypervisor import -> guest frame.  The main thread reads and
 * checks every record header before any body; one importer per stream
 * hands that stream's page records to the hypervisor, which verifies each
 * before writing it.  Importers run side by side within a pre-copy round
 * (its batches name distinct pages) and a round's batches wait for every
 * batch of the rounds before, so a page's later copy always lands last.
 * Nothing is resumed until the authenticated end has been checked.
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "migrate.h"
#include "ring.h"
#include "../util.h"
#include "../protocol/handshake.h"
#include "../protocol/msg.h"
#include "../protocol/records.h"
#include "../protocol/request.h"
#include "../protocol/state.h"
#include "../../../hypercalls/encmig_hc.h"
#include "../../../sim/sim.h"

struct receiver {
    const struct encmig_recv_cfg *cfg;
    struct encmig_recv_stats *st;
    char *err;
    size_t errlen;

    const struct encmig_domain_ops *ops;  /* where the guest lives */
    void *plat;
    struct encmig_hc *hc;
    struct migrate_req req;
    uint8_t req_raw[MIGRATE_REQ_SIZE];  /* as received, for the end MAC */
    bool encrypted;
    domid_t domid;
    bool domain;                  /* we created it */

    struct encmig_ring ring;
    bool ring_on;
    struct importer {
        struct receiver *s;
        uint32_t stream;
        pthread_t thread;
        bool on;
    } importer[XEN_ENCMIG_MAX_STREAMS];
    uint64_t batches;             /* page batches read */
    uint64_t round_first;         /* the first batch of the current round */
    uint32_t round;               /* the current round */

    struct stream_reader r;
    struct encmig_xport *x;       /* the stream's transport, if not rfd */
    struct encmig_core core;      /* keys, transcript, control MACs */
    bool state_seen, end_seen;
};

#define fail(s, rc, ...) encmig_fail((s)->err, (s)->errlen, (rc), __VA_ARGS__)

static const char *import_error(int e)
{
    switch (e) {
    case EBADMSG: return "a page record failed authentication";
    case EILSEQ:  return "a page record is out of sequence (dropped, "
                         "replayed or reordered)";
    case ERANGE:  return "a page record names a page beyond the guest";
    case EINVAL:  return "a page record has a malformed header";
    }
    return strerror(e);
}

/* Plain: the pages as dom0 read them on the source, written as they came. */
static int write_plain(struct receiver *s, struct ring_slot *slot)
{
    uint32_t i;
    int rc;

    encmig_pfns_from_le(slot->gfns, slot->count);
    for (i = 0; i < slot->count; i++) {
        uint64_t pfn = slot->gfns[i];

        if ((pfn & PAGE_DATA_TYPE_MASK) != PAGE_DATA_TYPE_NORMAL ||
             pfn >= s->req.nr_frames) {
            ring_failf(&s->ring, -ERANGE, "PAGE_DATA names pfn %#llx beyond "
                       "the guest", (unsigned long long)pfn);
            return -ERANGE;
        }
        rc = s->ops->page_write(s->plat, s->domid, pfn,
                                slot->buf + (size_t)i * XEN_ENCMIG_PAGE_SIZE);
        if (rc) {
            ring_failf(&s->ring, rc, "writing page %#llx: %s",
                       (unsigned long long)pfn, strerror(-rc));
            return rc;
        }
    }
    return 0;
}

/* An importer thread: the batches of one stream into the guest, in order. */
static void *importer_main(void *arg)
{
    struct importer *im = arg;
    struct receiver *s = im->s;
    struct ring_slot *slot;
    uint64_t idx;

    for (idx = im->stream; (slot = ring_claim(&s->ring, idx));
         idx += s->req.nr_streams) {
        uint32_t done = 0;

        /* The rounds before this batch's must all be in. */
        if (ring_wait_done(&s->ring, slot->after))
            break;
        if (!s->encrypted) {
            if (write_plain(s, slot))
                break;
        } else if (encmig_hc_import(s->hc, s->domid, slot->stream, slot->buf,
                                    slot->count, s->ring.buf_size, &done)) {
            ring_failf(&s->ring, -errno, "import refused: %s",
                       import_error(errno));
            break;
        }
        __atomic_add_fetch(&s->st->pages, slot->count, __ATOMIC_RELAXED);
        ring_release(&s->ring, slot);
    }
    return NULL;
}

/* Wait for the importer to finish what it has; 0 or its error. */
static int drain(struct receiver *s)
{
    int rc = ring_drain(&s->ring);
    const char *why = ring_why(&s->ring);

    return rc ? fail(s, rc, "%s", why[0] ? why : strerror(-rc)) : 0;
}

/*
 * A batch's records share its round, and rounds only go up: a batch of a
 * new round waits for every batch before it.  The round is read before
 * the import authenticates it; a false one fails the import's tag.
 */
static int batch_round(struct receiver *s, const struct ring_slot *slot)
{
    uint32_t round = encmig_rec_round(slot->buf, 0), i;

    for (i = 1; i < slot->count; i++)
        if (encmig_rec_round(slot->buf, i) != round)
            return fail(s, -EBADMSG, "a page batch mixes pre-copy rounds");
    if (s->batches && round < s->round)
        return fail(s, -EBADMSG, "a page batch of round %u after round %u",
                    round, s->round);
    if (!s->batches || round != s->round) {
        s->round = round;
        s->round_first = s->batches;
    }
    return 0;
}

static int read_pages(struct receiver *s, uint32_t type, uint32_t len)
{
    struct ring_slot *slot;
    uint8_t hdr[ENCMIG_PAGES_HDR_SIZE];
    struct iovec iov[3];
    uint32_t count, stream, item, want;
    unsigned int n;
    int rc;

    if ((type == REC_TYPE_ENCMIG_PAGES) != s->encrypted)
        return fail(s, -EBADMSG, "%s record in a%s stream",
                    encmig_rec_type_str(type),
                    s->encrypted ? "n encrypted" : " plain");
    /* The order is fixed: pages, then the guest's state, then the end. */
    if (s->state_seen)
        return fail(s, -EBADMSG, "page record after the guest's state");

    /* The length says how many pages; the header must say the same. */
    item = s->encrypted ? XEN_ENCMIG_REC_SIZE
                        : sizeof(uint64_t) + XEN_ENCMIG_PAGE_SIZE;
    count = encmig_batch_count(len, item);
    if (count == 0 || count > s->req.batch)
        return fail(s, -EBADMSG, "%s record of %u bytes does not hold a "
                    "batch of 1 to %u pages", encmig_rec_type_str(type), len,
                    s->req.batch);

    slot = ring_acquire(&s->ring);
    if (!slot)
        return drain(s);
    iov[0].iov_base = hdr;
    iov[0].iov_len = sizeof(hdr);
    if (s->encrypted) {
        iov[1].iov_base = slot->buf;
        iov[1].iov_len = (size_t)count * XEN_ENCMIG_REC_SIZE;
        n = 2;
    } else {
        iov[1].iov_base = slot->gfns;
        iov[1].iov_len = (size_t)count * sizeof(uint64_t);
        iov[2].iov_base = slot->buf;
        iov[2].iov_len = (size_t)count * XEN_ENCMIG_PAGE_SIZE;
        n = 3;
    }
    rc = stream_read_record_body(&s->r, type, len, iov, n);
    if (rc)
        return fail(s, rc, "reading a page batch: %s", strerror(-rc));
    encmig_hdr8_get(hdr, &slot->count, &stream);
    if (slot->count != count)
        return fail(s, -EBADMSG, "%s record of %u pages says %u pages",
                    encmig_rec_type_str(type), count, slot->count);
    /* Batch i travels on stream i mod N (plain: the field is reserved). */
    want = s->encrypted ? s->batches % s->req.nr_streams : 0;
    if (stream != want)
        return fail(s, -EBADMSG, "%s record %llu on stream %u, want %u",
                    encmig_rec_type_str(type),
                    (unsigned long long)s->batches, stream, want);
    if (s->encrypted && (rc = batch_round(s, slot)))
        return rc;
    slot->stream = stream;
    slot->after = s->encrypted ? s->round_first : s->batches;
    s->batches++;
    ring_submit(&s->ring);
    return 0;
}

/* Plain: the vCPU as dom0 read it on the source, written as it came. */
static int load_vcpu(struct receiver *s, uint32_t len)
{
    uint8_t vcpu[SIM_VCPU_STATE_SIZE];
    struct iovec iov;
    int rc;

    /* The header check bounded len to exactly this. */
    iov.iov_base = vcpu;
    iov.iov_len = len;
    rc = stream_read_record_body(&s->r, REC_TYPE_ENCMIG_SIM_VCPU, len, &iov,
                                 1);
    if (rc)
        return fail(s, rc, "reading the vCPU record: %s", strerror(-rc));
    rc = s->ops->vcpu_set(s->plat, s->domid, vcpu);
    OPENSSL_cleanse(vcpu, sizeof(vcpu));
    return rc ? fail(s, rc, "loading the vCPU state: %s", strerror(-rc)) : 0;
}

/*
 * Encrypted: the hypervisor's sealed record, read straight into a
 * hypercall buffer; only the hypervisor opens it, and it refuses one
 * that was altered, replayed or sealed for another session or guest.
 */
static int load_sealed_state(struct receiver *s, uint32_t len)
{
    struct iovec iov;
    void *buf;
    int rc;

    /* The header check bounded len to one sealed state (4 MiB + 48). */
    buf = encmig_hc_buf_alloc(s->hc, len);
    if (!buf)
        return fail(s, -ENOMEM, "a buffer of %u bytes for the guest's "
                    "state", len);
    iov.iov_base = buf;
    iov.iov_len = len;
    rc = stream_read_record_body(&s->r, REC_TYPE_ENCMIG_STATE, len, &iov, 1);
    if (rc)
        fail(s, rc, "reading the state record: %s", strerror(-rc));
    else
        rc = encmig_state_load(s->hc, s->domid, MIGRATE_STATE_KIND, 0, buf,
                               len, s->err, s->errlen);
    encmig_hc_buf_free(s->hc, buf, len);
    return rc;
}

/* The guest's state: one record, after the last page and before the end. */
static int read_state(struct receiver *s, uint32_t type, uint32_t len)
{
    int rc;

    if ((type == REC_TYPE_ENCMIG_STATE) != s->encrypted)
        return fail(s, -EBADMSG, "%s record in a%s stream",
                    encmig_rec_type_str(type),
                    s->encrypted ? "n encrypted" : " plain");
    if (s->state_seen)
        return fail(s, -EBADMSG, "a second state record");
    if ((rc = drain(s)))
        return rc;

    rc = s->encrypted ? load_sealed_state(s, len) : load_vcpu(s, len);
    if (!rc)
        s->state_seen = true;
    return rc;
}

static int read_end(struct receiver *s, uint32_t len)
{
    uint8_t body[ENCMIG_END_SIZE];
    struct xen_encmig_status status;
    struct iovec iov;
    uint64_t records;
    int rc;

    if (!s->encrypted)
        return fail(s, -EBADMSG, "ENCMIG_END record in a plain stream");
    if (s->end_seen)
        return fail(s, -EBADMSG, "a second end record");
    if (!s->state_seen)
        return fail(s, -EBADMSG, "end record before the guest's state");
    if ((rc = drain(s)))
        return rc;
    if (len != sizeof(body))
        return fail(s, -EBADMSG, "an end record of %u bytes", len);
    iov.iov_base = body;
    iov.iov_len = len;
    rc = stream_read_record_body(&s->r, REC_TYPE_ENCMIG_END, len, &iov, 1);
    if (rc)
        return fail(s, rc, "reading the end record: %s", strerror(-rc));
    rc = encmig_core_end_check(&s->core, body, len, &records, s->err,
                               s->errlen);
    if (rc)
        return rc;

    if (encmig_hc_status(s->hc, s->domid, &status))
        return fail(s, -errno, "session status: %s", strerror(errno));
    if (status.records != records)
        return fail(s, -EBADMSG, "the source sent %llu page records, %llu "
                    "arrived: the stream was cut or records were dropped",
                    (unsigned long long)records,
                    (unsigned long long)status.records);
    s->end_seen = true;
    return 0;
}

/* After END comes exactly STREAM_DONE: so nothing rides behind the end. */
static int expect_done(struct receiver *s)
{
    struct wbuf b;
    uint32_t type;
    int rc;

    wbuf_init(&b, 0);
    rc = encmig_msg_recv_ctl(s->cfg->rfd, &s->core, &type, &b, 0);
    wbuf_free(&b);
    if (rc == -EBADMSG && s->core.keyed)
        return fail(s, rc, "the source's STREAM_DONE failed authentication");
    if (rc)
        return fail(s, rc, "after the end record: %s", strerror(-rc));
    if (type != MSG_STREAM_DONE)
        return fail(s, -EBADMSG, "data after the end record");
    return 0;
}

/* Records until END; every one checked before it is believed. */
static int read_stream(struct receiver *s)
{
    uint32_t dom_type, type, len;
    int rc;

    rc = stream_read_headers(&s->r, &dom_type);
    if (rc)
        return fail(s, rc, "stream header: %s",
                    rc == -EBADMSG ? "not a migration stream" :
                    rc == -EPROTONOSUPPORT ? "unsupported version or "
                    "layout" : strerror(-rc));
    if (dom_type != DHDR_TYPE_ENCMIG_SIM)
        return fail(s, -EPROTONOSUPPORT, "stream of domain type %#x: this "
                    "receiver takes simulated guests", dom_type);

    for (;;) {
        rc = stream_read_record_header(&s->r, &type, &len, s->err,
                                       s->errlen);
        if (rc) {
            /* A refused import is the better reason for a broken stream. */
            if (ring_error(&s->ring))
                drain(s);
            return rc;
        }

        switch (type) {
        case REC_TYPE_ENCMIG_PAGES:
        case REC_TYPE_PAGE_DATA:
            rc = read_pages(s, type, len);
            break;
        case REC_TYPE_ENCMIG_STATE:
        case REC_TYPE_ENCMIG_SIM_VCPU:
            rc = read_state(s, type, len);
            break;
        case REC_TYPE_ENCMIG_END:
            rc = read_end(s, len);
            break;
        case REC_TYPE_END:
            if ((rc = drain(s)))
                return rc;
            if (!s->state_seen)
                return fail(s, -EBADMSG, "the stream ended without the "
                            "guest's state");
            if (s->encrypted && !s->end_seen)
                return fail(s, -EBADMSG, "the stream ended without its "
                            "authenticated end record");
            return expect_done(s);
        default:
            rc = fail(s, -EBADMSG, "unexpected %s record",
                      encmig_rec_type_str(type));
        }
        if (rc)
            return rc;
    }
}

/* MSG_CONFIG: the MAC of the request as it came, under the session. */
static int check_config(struct receiver *s, struct wbuf *b)
{
    const void *parts[1] = { s->req_raw };
    size_t lens[1] = { sizeof(s->req_raw) };
    uint32_t type;
    int rc;

    rc = encmig_msg_recv_ctl(s->cfg->rfd, &s->core, &type, b, MSG_BODY_MAX);
    if (rc == -EBADMSG)
        return fail(s, rc, "the source's configuration failed "
                    "authentication");
    if (rc)
        return fail(s, rc, "reading the source's configuration: %s",
                    strerror(-rc));
    if (type != MSG_CONFIG || wbuf_avail(b) != ENCMIG_MAC_SIZE)
        return fail(s, -EBADMSG, "expected the source's configuration, got "
                    "message %u", type);
    rc = encmig_core_config_check(&s->core, parts, lens, 1, wbuf_ptr(b));
    if (rc)
        return fail(s, rc, "the migration request was altered in transit");
    return 0;
}

/*
 * The commit, as xl's: everything arrived and checked out, the guest is
 * paused here.  Say so (RECEIVED) and run it only on the source's
 * authenticated GO, after which the source keeps its copy paused.  If the
 * confirmation then cannot be sent, the guest keeps running here: the
 * source holds its copy paused until the operator settles it.
 */
static int commit(struct receiver *s)
{
    const struct encmig_recv_cfg *cfg = s->cfg;
    struct wbuf b;
    uint32_t type;
    int rc;

    rc = encmig_msg_send_ctl(cfg->wfd, &s->core, MSG_RECEIVED, NULL, 0);
    if (rc)
        return fail(s, rc, "telling the source the guest is here: %s",
                    strerror(-rc));
    wbuf_init(&b, 0);
    rc = encmig_msg_recv_ctl(cfg->rfd, &s->core, &type, &b, 0);
    wbuf_free(&b);
    if (rc == -EBADMSG && s->core.keyed)
        return fail(s, rc, "the source's GO failed authentication");
    if (rc)
        return fail(s, rc, "waiting for the source's GO: %s", strerror(-rc));
    if (type != MSG_GO)
        return fail(s, -EBADMSG, "expected GO from the source, got message "
                    "%u", type);

    rc = s->ops->unpause(s->plat, s->domid);
    if (rc)
        return fail(s, rc, "resuming the guest: %s", strerror(-rc));
    s->domain = false;
    s->st->domid = s->domid;
    rc = encmig_msg_send_ctl(cfg->wfd, &s->core, MSG_RESUMED, NULL, 0);
    if (rc) {
        fprintf(stderr, "migrate-receive: guest %u runs here, but the "
                "source could not be told (%s): it keeps its copy paused "
                "until resolved there\n", s->domid, strerror(-rc));
        return 0;
    }
    if (s->ops->hash(s->plat, s->domid, s->st->hash) == 0)
        encmig_msg_send_ctl(cfg->wfd, &s->core, MSG_VERIFY, s->st->hash,
                            sizeof(s->st->hash));
    return 0;
}

static int setup(struct receiver *s)
{
    const struct encmig_recv_cfg *cfg = s->cfg;
    uint64_t max = cfg->max_frames ? cfg->max_frames : MIGRATE_MAX_FRAMES;
    struct encmig_hs_config hc;
    struct encmig_hs_result hs;
    unsigned int slots;
    struct wbuf b;
    uint32_t type;
    int rc;

    memset(&hs, 0, sizeof(hs));
    wbuf_init(&b, MSG_BODY_MAX);
    rc = encmig_msg_recv(cfg->rfd, &type, &b, MSG_BODY_MAX);
    if (rc) {
        fail(s, rc, "reading the migration request: %s", strerror(-rc));
        goto out;
    }
    if (type != MSG_MIGRATE_REQ) {
        rc = fail(s, -EBADMSG, "expected a migration request, got message "
                  "%u", type);
        goto out;
    }
    if (wbuf_avail(&b) == sizeof(s->req_raw))
        memcpy(s->req_raw, wbuf_ptr(&b), sizeof(s->req_raw));
    rc = migrate_req_get(&b, max, &s->req, s->err, s->errlen);
    if (rc)
        goto out;
    if (s->req.transport == MIGRATE_TRANSPORT_RDMA && !cfg->stream_x) {
        rc = fail(s, -EPROTONOSUPPORT, "the source sends the stream by "
                  "RDMA; this receiver takes it on the control connection "
                  "(start it with --transport rdma)");
        goto out;
    }
    s->encrypted = s->req.mode == MIGRATE_MODE_ENCRYPTED;
    s->st->guest_bytes = s->req.nr_frames * XEN_ENCMIG_PAGE_SIZE;
    if (s->encrypted && cfg->plain_only) {
        rc = fail(s, -EPROTONOSUPPORT, "this receiver takes plain "
                  "migrations only");
        goto out;
    }
    /* Without the handshake nothing proves who is sending. */
    if (!s->encrypted && !cfg->trust.any_source) {
        rc = fail(s, -EACCES, "a plain migration cannot authenticate its "
                  "source: this receiver takes one only with --any-source");
        goto out;
    }
    rc = encmig_msg_send(cfg->wfd, MSG_ACCEPT, NULL, 0);
    if (rc) {
        fail(s, rc, "answering the request: %s", strerror(-rc));
        goto out;
    }

    if (s->encrypted) {
        encmig_hs_config_init(&hc);
        hc.keydir = cfg->trust.keydir;
        hc.known_hosts = cfg->trust.known_hosts;
        hc.accept_new = cfg->trust.accept_new;
        hc.authorized_sources = cfg->trust.authorized_sources;
        hc.any_source = cfg->trust.any_source;
        rc = encmig_hs_dest(cfg->rfd, cfg->wfd, &hc, &hs, s->err, s->errlen);
        if (rc)
            goto out;
        rc = encmig_core_init(&s->core, ENCMIG_SIDE_DEST, &hs.km,
                              hs.transcript);
        if (rc) {
            fail(s, rc, "deriving keys: %s", strerror(-rc));
            goto out;
        }
        s->r.core = &s->core;
        /* Nothing is built from the request until it is authentic. */
        rc = check_config(s, &b);
        if (rc)
            goto out;
    }

    rc = s->ops->create(s->plat, s->req.nr_frames, &s->domid);
    if (rc) {
        fail(s, rc, "creating a guest of %llu pages: %s",
             (unsigned long long)s->req.nr_frames, strerror(-rc));
        goto out;
    }
    s->domain = true;

    if (s->encrypted) {
        /* The page and state keys go to the hypervisor; we keep neither. */
        rc = encmig_core_hv_setup(&s->core, s->hc, s->domid,
                                  XEN_ENCMIG_DIR_IMPORT, s->req.nr_streams);
        if (rc) {
            fail(s, rc, "setting up the import session: %s", strerror(-rc));
            goto out;
        }
    }

    /* Each stream needs a slot to import from while the next is read. */
    slots = cfg->ring_slots ? cfg->ring_slots : MIGRATE_DEFAULT_SLOTS;
    if (slots < 2 * s->req.nr_streams)
        slots = 2 * s->req.nr_streams;
    rc = ring_init(&s->ring, s->hc, slots, s->req.batch, XEN_ENCMIG_REC_SIZE);
    if (rc) {
        fail(s, rc, "migration buffers: %s", strerror(-rc));
        goto out;
    }
    s->ring_on = true;
    s->st->buffer_bytes = ring_bytes(&s->ring);

 out:
    encmig_hs_result_wipe(&hs);
    wbuf_free(&b);
    return rc;
}

/* The longest message a source of this request sends: one record. */
static size_t stream_max_msg(const struct migrate_req *req)
{
    size_t plain = ENCMIG_PAGES_HDR_SIZE +
                   (size_t)req->batch * (sizeof(uint64_t) +
                                         XEN_ENCMIG_PAGE_SIZE);
    size_t sealed = ENCMIG_PAGES_HDR_SIZE +
                    (size_t)req->batch * XEN_ENCMIG_REC_SIZE;
    size_t body = plain > sealed ? plain : sealed;

    if (body < ENCMIG_STATE_MAX)
        body = ENCMIG_STATE_MAX;
    return REC_HDR_SIZE + ((body + REC_ALIGN - 1) & ~(size_t)(REC_ALIGN - 1));
}

static int open_stream_xport(struct receiver *s)
{
    const struct encmig_stream_xport *sx = s->cfg->stream_x;
    char why[256] = "";
    int rc;

    rc = sx->open(sx->opaque, stream_max_msg(&s->req), &s->x, why,
                  sizeof(why));
    if (rc)
        return fail(s, rc, "the stream's RDMA connection: %s",
                    why[0] ? why : strerror(-rc));
    s->r.x = s->x;
    return 0;
}

int encmig_migrate_receive(const struct encmig_recv_cfg *cfg,
                           struct encmig_recv_stats *st, char *err,
                           size_t errlen)
{
    struct receiver s = {
        .cfg = cfg, .st = st, .err = err, .errlen = errlen,
    };
    unsigned int i;
    int rc;

    memset(st, 0, sizeof(*st));
    err[0] = '\0';
    stream_reader_init(&s.r, cfg->rfd);
    s.ops = cfg->platform.ops;
    s.plat = cfg->platform.plat;
    s.hc = s.ops->hc_open(s.plat);
    if (!s.hc) {
        rc = fail(&s, -ENOMEM, "opening the hypervisor interface");
        goto out;
    }

    if ((rc = setup(&s)))
        goto out;
    for (i = 0; i < s.req.nr_streams; i++) {
        struct importer *im = &s.importer[i];

        im->s = &s;
        im->stream = i;
        rc = -pthread_create(&im->thread, NULL, importer_main, im);
        if (rc) {
            fail(&s, rc, "starting importer thread %u: %s", i, strerror(-rc));
            goto out;
        }
        im->on = true;
    }

    rc = encmig_msg_send_ctl(cfg->wfd, &s.core, MSG_READY, NULL, 0);
    if (rc) {
        fail(&s, rc, "telling the source to start: %s", strerror(-rc));
        goto out;
    }
    if (s.req.transport == MIGRATE_TRANSPORT_RDMA &&
        (rc = open_stream_xport(&s)))
        goto out;

    if ((rc = read_stream(&s)))
        goto out;
    encmig_hc_teardown(s.hc, s.domid);
    rc = commit(&s);

 out:
    if (s.ring_on) {
        if (rc)
            ring_fail(&s.ring, rc);
        ring_close(&s.ring);
    }
    for (i = 0; i < XEN_ENCMIG_MAX_STREAMS; i++)
        if (s.importer[i].on)
            pthread_join(s.importer[i].thread, NULL);
    if (s.domain)
        s.ops->destroy(s.plat, s.domid);   /* and its session */
    /* Only now: FAILED tells the source that no copy is left here. */
    if (rc)
        encmig_msg_send_failed(cfg->wfd, &s.core, -rc, err);
    st->wire_bytes = s.r.bytes;
    if (s.x)
        cfg->stream_x->close(cfg->stream_x->opaque, s.x);
    encmig_core_fini(&s.core);
    if (s.ring_on)
        ring_fini(&s.ring);
    encmig_hc_close(s.hc);
    return rc;
}
