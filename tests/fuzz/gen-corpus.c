/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gen-corpus.c: the seed corpora of the fuzz targets, written with the
 * tree's own encoders (so they follow the format as the code has it) and
 * deterministic (so regenerating them changes nothing).
 *
 *   gen-corpus DIR      writes DIR/{stream,handshake,import}/seed-*
 *
 * Two stream seeds are recorded from a real migration (encmig_migrate_
 * send() to a receiver whose randomness is fuzz-stream's deterministic
 * sequence, see fuzz-stream.h), so the encrypted one authenticates when
 * fuzz-stream replays it.  Every stream seed is then run through
 * encmig_migrate_receive() as fuzz-stream runs it: the plain and recorded
 * sessions must be received whole, the other encrypted ones must get past
 * the handshake and fail where they are meant to.  Files not named
 * seed-* (reproducers of fixed bugs) are left alone.
 */

#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "fuzz-handshake.h"
#include "fuzz-import.h"
#include "fuzz-stream.h"
#include "../../sim/sim.h"
#include "../../tools/libxl-encmig/driver/migrate.h"
#include "../../tools/libxl-encmig/protocol/handshake.h"
#include "../../tools/libxl-encmig/protocol/hostkey.h"
#include "../../tools/libxl-encmig/protocol/msg.h"
#include "../../tools/libxl-encmig/protocol/request.h"
#include "../../tools/libxl-encmig/protocol/stream.h"

static const char *outdir;

static void __attribute__((noreturn)) die(const char *what)
{
    fprintf(stderr, "gen-corpus: %s\n", what);
    exit(1);
}

static int create(const char *sub, const char *name)
{
    char path[1024];
    int fd;

    snprintf(path, sizeof(path), "%s/%s", outdir, sub);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/%s/seed-%s", outdir, sub, name);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        die(path);
    return fd;
}

static void put(int fd, const void *p, size_t len)
{
    if (write(fd, p, len) != (ssize_t)len)
        die("write");
}

/* ---- the pieces of a session ------------------------------------------ */

/* Page gfn of a seed: mostly zero, with something to tell pages apart. */
static void page_of(uint64_t gfn, uint8_t *page)
{
    memset(page, 0, SIM_PAGE_SIZE);
    snprintf((char *)page, 64, "encmig fuzz seed page %llu",
             (unsigned long long)gfn);
    page[SIM_PAGE_SIZE - 1] = (uint8_t)gfn;
}

static void request(int fd, uint32_t mode, uint64_t frames, uint32_t batch)
{
    struct migrate_req req = {
        .version = MIGRATE_REQ_VERSION, .mode = mode, .nr_frames = frames,
        .nr_streams = 1, .batch = batch,
    };
    struct wbuf b;

    wbuf_init(&b, MIGRATE_REQ_SIZE);
    if (migrate_req_put(&b, &req) ||
        encmig_msg_send(fd, MSG_MIGRATE_REQ, wbuf_ptr(&b), wbuf_avail(&b)))
        die("request");
    wbuf_free(&b);
}

/* A fixed X25519 public key: the HELLO must carry a usable one. */
static void x25519_pub(uint8_t seed, uint8_t pub[32])
{
    uint8_t priv[32];
    size_t len = 32;
    EVP_PKEY *k;

    memset(priv, seed, sizeof(priv));
    k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, 32);
    if (!k || EVP_PKEY_get_raw_public_key(k, pub, &len) != 1 || len != 32)
        die("X25519");
    EVP_PKEY_free(k);
}

static void hello_body(struct wbuf *b, uint32_t nsuites, uint32_t max_version)
{
    static const uint8_t pinned[ENCMIG_PUBKEY_SIZE] = FH_PINNED_KEY;
    struct encmig_hs_hello h;
    uint32_t i;

    memset(&h, 0, sizeof(h));
    h.min_version = 1;
    h.max_version = max_version;
    h.nr_suites = nsuites;
    for (i = 0; i < nsuites; i++)
        h.suites[i] = nsuites - i;       /* the real suite, 1, last */
    x25519_pub(0x42, h.eph_pub);
    memset(h.nonce, 0xa5, sizeof(h.nonce));
    /* fuzz-handshake's destination lists this key. */
    memcpy(h.host_pub, pinned, sizeof(h.host_pub));
    if (encmig_hs_put_hello(b, &h))
        die("hello");
}

/* A SOURCE_AUTH whose signature cannot verify. */
static void source_auth(int fd)
{
    struct encmig_hs_source_auth a;
    struct wbuf b;

    memset(a.sig, 0x5a, sizeof(a.sig));
    wbuf_init(&b, ENCMIG_HS_SOURCE_AUTH_SIZE);
    if (encmig_hs_put_source_auth(&b, &a) ||
        encmig_msg_send(fd, ENCMIG_HS_MSG_SOURCE_AUTH, wbuf_ptr(&b),
                        wbuf_avail(&b)))
        die("source auth");
    wbuf_free(&b);
}

static void hello(int fd, uint32_t nsuites, uint32_t max_version)
{
    struct wbuf b;

    wbuf_init(&b, ENCMIG_HS_MAX_BODY);
    hello_body(&b, nsuites, max_version);
    if (encmig_msg_send(fd, ENCMIG_HS_MSG_HELLO, wbuf_ptr(&b),
                        wbuf_avail(&b)))
        die("hello");
    wbuf_free(&b);
}

static void record(struct stream_writer *w, uint32_t type, const void *p,
                   size_t len)
{
    struct iovec iov = { .iov_base = (void *)p, .iov_len = len };

    if (stream_write_record(w, type, &iov, len ? 1 : 0))
        die("record");
}

static void page_data(struct stream_writer *w, const uint64_t *pfns,
                      uint32_t count)
{
    uint32_t hdr[2] = { count, 0 };
    uint8_t *pages = malloc((size_t)count * SIM_PAGE_SIZE);
    struct iovec iov[3];
    uint32_t i;

    if (!pages)
        die("malloc");
    for (i = 0; i < count; i++)
        page_of(pfns[i], pages + (size_t)i * SIM_PAGE_SIZE);
    iov[0].iov_base = hdr;
    iov[0].iov_len = sizeof(hdr);
    iov[1].iov_base = (void *)pfns;
    iov[1].iov_len = count * sizeof(uint64_t);
    iov[2].iov_base = pages;
    iov[2].iov_len = (size_t)count * SIM_PAGE_SIZE;
    if (stream_write_record(w, REC_TYPE_PAGE_DATA, iov, 3))
        die("PAGE_DATA");
    free(pages);
}

/* Encrypted page records with well-formed headers: seq 0.., stream 0. */
static void encmig_pages(struct stream_writer *w, uint32_t count)
{
    uint32_t hdr[2] = { count, 0 };
    uint8_t *recs = calloc(count, XEN_ENCMIG_REC_SIZE);
    struct iovec iov[2];
    uint32_t i;

    if (!recs)
        die("calloc");
    for (i = 0; i < count; i++) {
        struct xen_encmig_rec_hdr h = { .gfn = i, .seq = i };
        uint8_t *r = recs + (size_t)i * XEN_ENCMIG_REC_SIZE;

        memcpy(r, &h, sizeof(h));
        memset(r + XEN_ENCMIG_REC_HDR_SIZE, 0x3c + i, 64);
    }
    iov[0].iov_base = hdr;
    iov[0].iov_len = sizeof(hdr);
    iov[1].iov_base = recs;
    iov[1].iov_len = (size_t)count * XEN_ENCMIG_REC_SIZE;
    if (stream_write_record(w, REC_TYPE_ENCMIG_PAGES, iov, 2))
        die("ENCMIG_PAGES");
    free(recs);
}

static void sim_vcpu(struct stream_writer *w)
{
    uint8_t state[SIM_VCPU_STATE_SIZE];
    unsigned int i;

    for (i = 0; i < sizeof(state); i++)
        state[i] = (uint8_t)(i * 3);
    record(w, REC_TYPE_ENCMIG_SIM_VCPU, state, sizeof(state));
}

/* A sealed state with a well-formed header: the hypervisor's first. */
static void encmig_state(struct stream_writer *w)
{
    struct xen_encmig_state_hdr h = {
        .kind = XEN_ENCMIG_STATE_hvm_context, .seq = 0,
        .length = SIM_VCPU_STATE_SIZE, .nr_vcpus = 1,
    };
    uint8_t body[XEN_ENCMIG_STATE_OVERHEAD + SIM_VCPU_STATE_SIZE];

    memcpy(body, &h, sizeof(h));
    memset(body + sizeof(h), 0x77, sizeof(body) - sizeof(h));
    record(w, REC_TYPE_ENCMIG_STATE, body, sizeof(body));
}

static void encmig_end(struct stream_writer *w, uint64_t records)
{
    uint8_t body[8 + 8 + ENCMIG_TRANSCRIPT_SIZE + ENCMIG_END_MAC_SIZE];
    uint32_t one = 1;

    memset(body, 0, sizeof(body));
    memcpy(body, &one, 4);
    memcpy(body + 8, &records, 8);
    memset(body + 16, 0xe1, sizeof(body) - 16);
    record(w, REC_TYPE_ENCMIG_END, body, sizeof(body));
}

static void optional(struct stream_writer *w)
{
    static const char note[] = "an optional record";

    record(w, REC_TYPE_OPTIONAL | 0x123, note, sizeof(note));
}

/* STREAM_DONE, and the GO that a plain receiver waits for after it. */
static void done(int fd)
{
    if (encmig_msg_send(fd, MSG_STREAM_DONE, NULL, 0) ||
        encmig_msg_send(fd, MSG_GO, NULL, 0))
        die("STREAM_DONE");
}

/* ---- stream seeds, each checked against the receiver ------------------ */

static struct sim_host *host;
static char keydir[] = "/tmp/encmig-gen-corpus-XXXXXX";
static int devnull;

/* Receive fd's content; rc 0 wanted for plain, else err must have want. */
static void check(int fd, const char *name, const char *want)
{
    struct encmig_recv_cfg cfg;
    struct encmig_recv_stats st;
    char err[512];
    int rc;

    memset(&cfg, 0, sizeof(cfg));
    cfg.platform = encmig_platform_sim(host);
    cfg.rfd = fd;
    cfg.wfd = devnull;
    cfg.trust.keydir = keydir;
    /* As fuzz-stream: plain seeds too, and any source key. */
    cfg.trust.any_source = true;
    cfg.max_frames = FUZZ_STREAM_MAX_FRAMES;
    cfg.ring_slots = FUZZ_STREAM_RING_SLOTS;
    if (lseek(fd, 0, SEEK_SET) != 0)
        die("lseek");
    fuzz_rand_start(FUZZ_RAND_RECEIVER);
    rc = encmig_migrate_receive(&cfg, &st, err, sizeof(err));
    fuzz_rand_stop();
    if (!want && rc) {
        fprintf(stderr, "gen-corpus: %s was refused: %s\n", name, err);
        exit(1);
    }
    if (want && (rc == 0 || !strstr(err, want))) {
        fprintf(stderr, "gen-corpus: %s: want a failure with \"%s\", got "
                "%d: %s\n", name, want, rc, err);
        exit(1);
    }
    if (!rc)
        sim_domain_destroy(host, st.domid);
    close(fd);
}

static void plain_seeds(void)
{
    static const uint64_t one[] = { 0 };
    static const uint64_t b1[] = { 0, 7 }, b2[] = { 3, 1 }, b3[] = { 5, 6 },
                          b4[] = { 7 };
    static const uint64_t over[] = { 2, 2 };
    struct stream_writer w;
    int fd;

    fd = create("stream", "plain-min");
    request(fd, MIGRATE_MODE_PLAIN, 1, 1);
    stream_writer_init(&w, fd);
    stream_write_headers(&w, DHDR_TYPE_ENCMIG_SIM);
    page_data(&w, one, 1);
    sim_vcpu(&w);
    record(&w, REC_TYPE_END, NULL, 0);
    done(fd);
    check(fd, "plain-min", NULL);

    /* More batches than ring slots, an optional record among them. */
    fd = create("stream", "plain-ring");
    request(fd, MIGRATE_MODE_PLAIN, 8, 2);
    stream_writer_init(&w, fd);
    stream_write_headers(&w, DHDR_TYPE_ENCMIG_SIM);
    page_data(&w, b1, 2);
    page_data(&w, b2, 2);
    optional(&w);
    page_data(&w, b3, 2);
    page_data(&w, b4, 1);
    sim_vcpu(&w);
    record(&w, REC_TYPE_END, NULL, 0);
    done(fd);
    check(fd, "plain-ring", NULL);

    /* A guest of zero pages sent: only its vCPU. */
    fd = create("stream", "plain-novcpu-pages");
    request(fd, MIGRATE_MODE_PLAIN, 3, 4);
    stream_writer_init(&w, fd);
    stream_write_headers(&w, DHDR_TYPE_ENCMIG_SIM);
    optional(&w);
    sim_vcpu(&w);
    record(&w, REC_TYPE_END, NULL, 0);
    done(fd);
    check(fd, "plain-novcpu-pages", NULL);

    /* The same page twice in a batch: the later one counts. */
    fd = create("stream", "plain-overwrite");
    request(fd, MIGRATE_MODE_PLAIN, 4, 2);
    stream_writer_init(&w, fd);
    stream_write_headers(&w, DHDR_TYPE_ENCMIG_SIM);
    page_data(&w, over, 2);
    sim_vcpu(&w);
    record(&w, REC_TYPE_END, NULL, 0);
    done(fd);
    check(fd, "plain-overwrite", NULL);
}

/* ---- recorded sessions ------------------------------------------------ */

/* One direction of the link, copied and (source to destination) kept. */
struct pipe_dir {
    int in, out;
    uint8_t *rec;
    size_t len, alloc;
};

static void *pipe_main(void *arg)
{
    struct pipe_dir *d = arg;
    uint8_t buf[65536];
    ssize_t n;

    while ((n = read(d->in, buf, sizeof(buf))) > 0) {
        if (d->rec) {
            if (d->len + n > d->alloc) {
                d->alloc = (d->len + n) * 2;
                d->rec = realloc(d->rec, d->alloc);
                if (!d->rec)
                    die("realloc");
            }
            memcpy(d->rec + d->len, buf, n);
            d->len += n;
        }
        if (write(d->out, buf, n) != n)
            break;
    }
    shutdown(d->out, SHUT_WR);
    return NULL;
}

struct dest {
    struct encmig_recv_cfg cfg;
    struct encmig_recv_stats st;
    char err[512];
    int rc;
};

static void *dest_main(void *arg)
{
    struct dest *d = arg;

    /* The receiver's randomness exactly as fuzz-stream gives it. */
    fuzz_rand_start(FUZZ_RAND_RECEIVER);
    d->rc = encmig_migrate_receive(&d->cfg, &d->st, d->err, sizeof(d->err));
    fuzz_rand_stop();
    if (d->rc == 0)
        sim_domain_destroy(host, d->st.domid);
    shutdown(d->cfg.wfd, SHUT_WR);
    return NULL;
}

/* Migrate a guest of pages pages to a receiver; keep what the source sent. */
static void record_session(const char *name, bool plain, uint64_t pages,
                           uint32_t batch, uint8_t **out, size_t *out_len)
{
    struct sim_host *src = sim_host_new(1, NULL);
    uint8_t page[SIM_PAGE_SIZE], state[SIM_VCPU_STATE_SIZE], pub[32];
    char known[600], b64[ENCMIG_PUBKEY_B64_SIZE], err[512];
    struct encmig_send_cfg scfg;
    struct encmig_send_stats sst;
    struct pipe_dir up = { .rec = NULL }, down = { .rec = NULL };
    pthread_t tu, td, tr;
    struct dest d;
    int a[2], b[2], fd, rc;
    domid_t domid;
    uint64_t gfn;
    FILE *f;

    if (!src || sim_domain_create(src, pages, &domid))
        die("source guest");
    for (gfn = 0; gfn < pages; gfn++) {
        fuzz_guest_page(gfn, page);
        if (sim_guest_write(src, domid, gfn, page))
            die("source guest");
    }
    fuzz_guest_vcpu(state);
    if (sim_vcpu_set(src, domid, state) || sim_domain_unpause(src, domid))
        die("source guest");

    /* The source pins the destination's (deterministic) host key. */
    snprintf(known, sizeof(known), "%s/known_hosts", keydir);
    if (encmig_hostkey_load_public(keydir, pub, err, sizeof(err)) ||
        encmig_pubkey_to_b64(pub, b64) || !(f = fopen(known, "w")))
        die("known_hosts");
    fprintf(f, "dest %s %s\n", ENCMIG_KEYTYPE, b64);
    fclose(f);

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, a) ||
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, b))
        die("socketpair");
    up.in = a[1];
    up.out = b[0];
    up.alloc = 1 << 16;
    up.rec = malloc(up.alloc);
    down.in = b[0];
    down.out = a[1];
    memset(&d, 0, sizeof(d));
    d.cfg.platform = encmig_platform_sim(host);
    d.cfg.rfd = d.cfg.wfd = b[1];
    d.cfg.trust.keydir = keydir;
    d.cfg.trust.any_source = true;
    d.cfg.max_frames = FUZZ_STREAM_MAX_FRAMES;
    d.cfg.ring_slots = FUZZ_STREAM_RING_SLOTS;
    if (!up.rec || pthread_create(&tu, NULL, pipe_main, &up) ||
        pthread_create(&td, NULL, pipe_main, &down) ||
        pthread_create(&tr, NULL, dest_main, &d))
        die("threads");

    memset(&scfg, 0, sizeof(scfg));
    scfg.platform = encmig_platform_sim(src);
    scfg.domid = domid;
    scfg.rfd = scfg.wfd = a[0];
    scfg.plain = plain;
    scfg.peer_host = "dest";
    scfg.trust.keydir = keydir;
    scfg.trust.known_hosts = known;
    scfg.ring_slots = 2;
    scfg.batch = batch;
    /* The source's randomness too, so that the recording is reproducible. */
    fuzz_rand_start("encmig gen-corpus source");
    rc = encmig_migrate_send(&scfg, &sst, err, sizeof(err));
    fuzz_rand_stop();
    shutdown(a[0], SHUT_WR);
    pthread_join(tr, NULL);
    pthread_join(tu, NULL);
    pthread_join(td, NULL);
    if (rc || d.rc) {
        fprintf(stderr, "gen-corpus: recording %s: source %d (%s), "
                "destination %d (%s)\n", name, rc, err, d.rc, d.err);
        exit(1);
    }
    close(a[0]);
    close(a[1]);
    close(b[0]);
    close(b[1]);
    unlink(known);
    sim_host_free(src);

    fd = create("stream", name);
    put(fd, up.rec, up.len);
    check(fd, name, NULL);
    *out = up.rec;
    *out_len = up.len;
}

/*
 * A recorded session cut into its parts: what comes before the records
 * (request, HELLO, SOURCE_AUTH, stream headers), each record (header, body, padding)
 * up to END, and what follows END.
 */
#define MAX_RECS 32

struct session {
    const uint8_t *d;
    size_t head;                      /* bytes before the first record */
    unsigned int n;
    struct { size_t off, len; uint32_t type; } rec[MAX_RECS];
    size_t tail;                      /* offset of what follows END */
    size_t len;
};

static uint32_t rd_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

static uint32_t rd_le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void session_parse(struct session *s, const uint8_t *d, size_t len,
                          bool encrypted)
{
    size_t off = MSG_HDR_SIZE + rd_be32(d + 4);

    /* HELLO, SOURCE_AUTH, then CONFIG with its control MAC. */
    if (encrypted) {
        off += MSG_HDR_SIZE + rd_be32(d + off + 4);
        off += MSG_HDR_SIZE + rd_be32(d + off + 4);
        off += MSG_HDR_SIZE + rd_be32(d + off + 4) + ENCMIG_MAC_SIZE;
    }
    off += IHDR_SIZE + DHDR_SIZE;
    s->d = d;
    s->len = len;
    s->head = off;
    for (s->n = 0; ; s->n++) {
        uint32_t body = rd_le32(d + off + 4);
        size_t size = REC_HDR_SIZE + ((body + REC_ALIGN - 1) &
                                      ~(size_t)(REC_ALIGN - 1));

        if (s->n == MAX_RECS || off + size > len)
            die("recorded session does not parse");
        s->rec[s->n].off = off;
        s->rec[s->n].len = size;
        s->rec[s->n].type = rd_le32(d + off);
        off += size;
        if (s->rec[s->n].type == REC_TYPE_END) {
            s->n++;
            break;
        }
    }
    s->tail = off;
}

/* Index of the k-th record of type (k from 0), or die. */
static unsigned int session_find(const struct session *s, uint32_t type,
                                 unsigned int k)
{
    unsigned int i;

    for (i = 0; i < s->n; i++)
        if (s->rec[i].type == type && k-- == 0)
            return i;
    die("record not in the recorded session");
}

/* In an order: where variant() writes its extra bytes. */
#define EXTRA  (~0U)
/* As reorder()'s skip or after: no record. */
#define NONE   (~0U)

/*
 * The indexes of s's records in order into order, leaving out skip and
 * listing insert again right after after; their number.
 */
static unsigned int reorder(const struct session *s, unsigned int *order,
                            unsigned int skip, unsigned int after,
                            unsigned int insert)
{
    unsigned int i, n = 0;

    for (i = 0; i < s->n; i++) {
        if (i != skip)
            order[n++] = i;
        if (i == after)
            order[n++] = insert;
    }
    return n;
}

/*
 * A variant of session s: its head, then the records listed in order
 * (indexes into s; extra, if not NULL, is written where EXTRA is listed),
 * then its tail (or other_tail), and check the receiver refuses it with
 * want.
 */
static void variant(const char *name, const struct session *s,
                    const unsigned int *order, unsigned int n,
                    const uint8_t *extra, size_t extra_len,
                    const uint8_t *other_tail, size_t other_len,
                    const char *want)
{
    int fd = create("stream", name);
    unsigned int i;

    put(fd, s->d, s->head);
    for (i = 0; i < n; i++) {
        if (order[i] == EXTRA)
            put(fd, extra, extra_len);
        else
            put(fd, s->d + s->rec[order[i]].off, s->rec[order[i]].len);
    }
    if (other_tail)
        put(fd, other_tail, other_len);
    else
        put(fd, s->d + s->tail, s->len - s->tail);
    check(fd, name, want);
}

static void recorded_seeds(void)
{
    /* Another empty message where STREAM_DONE belongs, MAC of zeros. */
    static const uint8_t ready_msg[MSG_HDR_SIZE + ENCMIG_MAC_SIZE] = {
        0, 0, 0, MSG_READY, 0, 0, 0, 0 };
    struct session e, p;
    uint8_t *enc, *plain;
    size_t enc_len, plain_len;
    unsigned int p0, p1, st, end, pvc, order[MAX_RECS], n, i;
    uint8_t *altered;

    record_session("rec-encrypted", false, 4, 3, &enc, &enc_len);
    record_session("rec-plain", true, 4, 3, &plain, &plain_len);
    session_parse(&e, enc, enc_len, true);
    session_parse(&p, plain, plain_len, false);

    /*
     * Authentic records put together wrongly: each must be refused, for
     * the reason given.  The encrypted session is two page batches, the
     * guest's sealed state, ENCMIG_END and END.
     */
    p0 = session_find(&e, REC_TYPE_ENCMIG_PAGES, 0);
    p1 = session_find(&e, REC_TYPE_ENCMIG_PAGES, 1);
    st = session_find(&e, REC_TYPE_ENCMIG_STATE, 0);
    end = session_find(&e, REC_TYPE_ENCMIG_END, 0);

    /* The last batch dropped: only the end record's count can tell. */
    n = reorder(&e, order, p1, NONE, 0);
    variant("rec-enc-drop-last", &e, order, n, NULL, 0, NULL, 0,
            "the end record failed authentication");

    for (n = 0, i = 0; i < e.n; i++)
        order[n++] = i == p0 ? p1 : i == p1 ? p0 : i;
    variant("rec-enc-swap", &e, order, n, NULL, 0, NULL, 0,
            "out of sequence");

    n = reorder(&e, order, NONE, end, end);
    variant("rec-enc-second-end", &e, order, n, NULL, 0, NULL, 0,
            "a second end record");

    n = reorder(&e, order, end, NONE, 0);
    variant("rec-enc-no-end", &e, order, n, NULL, 0, NULL, 0,
            "without its authenticated end record");

    n = reorder(&e, order, p1, st, p1);
    variant("rec-enc-pages-after-state", &e, order, n, NULL, 0, NULL, 0,
            "page record after the guest's state");

    /* The sealed state: dropped, twice, first, and altered in transit. */
    n = reorder(&e, order, st, NONE, 0);
    variant("rec-enc-no-state", &e, order, n, NULL, 0, NULL, 0,
            "end record before the guest's state");

    n = reorder(&e, order, NONE, st, st);
    variant("rec-enc-second-state", &e, order, n, NULL, 0, NULL, 0,
            "a second state record");

    order[0] = st;
    n = 1 + reorder(&e, order + 1, st, NONE, 0);
    variant("rec-enc-state-first", &e, order, n, NULL, 0, NULL, 0,
            "page record after the guest's state");

    n = reorder(&e, order, st, st, EXTRA);
    altered = malloc(e.rec[st].len);
    if (!altered)
        die("malloc");
    /* Past the record's header: the sealed state's seq, then its text. */
    memcpy(altered, enc + e.rec[st].off, e.rec[st].len);
    altered[REC_HDR_SIZE + 8] ^= 1;
    variant("rec-enc-state-seq", &e, order, n, altered, e.rec[st].len, NULL,
            0, "sealed state is out of sequence");
    memcpy(altered, enc + e.rec[st].off, e.rec[st].len);
    altered[REC_HDR_SIZE + XEN_ENCMIG_STATE_HDR_SIZE + 100] ^= 0x10;
    variant("rec-enc-state-flip", &e, order, n, altered, e.rec[st].len, NULL,
            0, "sealed state failed authentication");
    free(altered);

    n = reorder(&e, order, NONE, NONE, 0);
    variant("rec-enc-trailer", &e, order, n, NULL, 0, ready_msg,
            sizeof(ready_msg), "STREAM_DONE failed authentication");

    /* The plain session with an encrypted session's records in it. */
    pvc = session_find(&p, REC_TYPE_ENCMIG_SIM_VCPU, 0);
    n = reorder(&p, order, NONE, pvc, EXTRA);
    variant("rec-plain-enc-end", &p, order, n, enc + e.rec[end].off,
            e.rec[end].len, NULL, 0, "ENCMIG_END record in a plain stream");
    variant("rec-plain-enc-state", &p, order, n, enc + e.rec[st].off,
            e.rec[st].len, NULL, 0, "ENCMIG_STATE record in a plain stream");
    variant("rec-plain-second-vcpu", &p, order, n, plain + p.rec[pvc].off,
            p.rec[pvc].len, NULL, 0, "a second state record");

    free(enc);
    free(plain);
}

static void encrypted_seeds(void)
{
    struct stream_writer w;
    int fd;

    /* The destination waits for SOURCE_AUTH after its REPLY. */
    fd = create("stream", "enc-hello");
    request(fd, MIGRATE_MODE_ENCRYPTED, 4, 2);
    hello(fd, 1, 2);
    check(fd, "enc-hello", "closed the connection during the handshake");

    fd = create("stream", "enc-hello-suites");
    request(fd, MIGRATE_MODE_ENCRYPTED, 4, 2);
    hello(fd, 8, 3);
    check(fd, "enc-hello-suites", "closed the connection during the "
          "handshake");

    /*
     * The whole stream behind a SOURCE_AUTH that cannot verify: refused
     * there, before any guest exists (the recorded seeds carry valid ones
     * and reach the records).
     */
    fd = create("stream", "enc-stream");
    request(fd, MIGRATE_MODE_ENCRYPTED, 4, 2);
    hello(fd, 1, 2);
    source_auth(fd);
    stream_writer_init(&w, fd);
    stream_write_headers(&w, DHDR_TYPE_ENCMIG_SIM);
    encmig_pages(&w, 2);
    encmig_state(&w);
    encmig_end(&w, 2);
    record(&w, REC_TYPE_END, NULL, 0);
    done(fd);
    check(fd, "enc-stream", "signature does not verify");

    /* No pages. */
    fd = create("stream", "enc-state");
    request(fd, MIGRATE_MODE_ENCRYPTED, 4, 2);
    hello(fd, 1, 2);
    source_auth(fd);
    stream_writer_init(&w, fd);
    stream_write_headers(&w, DHDR_TYPE_ENCMIG_SIM);
    optional(&w);
    encmig_state(&w);
    encmig_end(&w, 0);
    record(&w, REC_TYPE_END, NULL, 0);
    done(fd);
    check(fd, "enc-state", "signature does not verify");
}

/* ---- handshake seeds: selector byte, then the parser's input ---------- */

static void hs_seed(const char *name, uint8_t sel, const void *p, size_t len)
{
    int fd = create("handshake", name);

    put(fd, &sel, 1);
    put(fd, p, len);
    close(fd);
}

static void hs_wbuf_seed(const char *name, uint8_t sel, struct wbuf *b)
{
    hs_seed(name, sel, wbuf_ptr(b), wbuf_avail(b));
    wbuf_free(b);
}

static void handshake_seeds(void)
{
    static const char utf8[] = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91";
    struct encmig_hs_reply r;
    struct xen_encmig_keymat km;
    struct migrate_req req = {
        .version = 1, .mode = MIGRATE_MODE_PLAIN, .nr_frames = 64,
        .nr_streams = 1, .batch = 256,
    };
    static const uint8_t pinned[ENCMIG_PUBKEY_SIZE] = FH_PINNED_KEY;
    char b64[ENCMIG_PUBKEY_B64_SIZE], kh[512];
    struct stream_writer w;
    struct wbuf b;
    uint8_t sel, state[SIM_VCPU_STATE_SIZE] = { 0 };
    uint64_t pfn = 0;
    int fd;

    wbuf_init(&b, ENCMIG_HS_MAX_BODY);
    hello_body(&b, 1, 2);
    hs_wbuf_seed("hello", FH_HELLO, &b);
    wbuf_init(&b, ENCMIG_HS_MAX_BODY);
    hello_body(&b, 8, 7);
    hs_wbuf_seed("hello-8", FH_HELLO, &b);

    memset(&r, 0, sizeof(r));
    r.version = 2;
    r.suite = 1;
    memset(r.host_pub, 0x11, sizeof(r.host_pub));
    x25519_pub(0x24, r.eph_pub);
    memset(r.nonce, 0x33, sizeof(r.nonce));
    memset(r.wrapped, 0x44, sizeof(r.wrapped));
    memset(r.sig, 0x55, sizeof(r.sig));
    wbuf_init(&b, ENCMIG_HS_MAX_BODY);
    encmig_hs_put_reply(&b, &r);
    hs_wbuf_seed("reply", FH_REPLY, &b);

    wbuf_init(&b, ENCMIG_HS_MAX_BODY);
    encmig_hs_put_error(&b, EPROTONOSUPPORT, "no common protocol version");
    hs_wbuf_seed("error", FH_ERROR, &b);
    wbuf_init(&b, ENCMIG_HS_MAX_BODY);
    wbuf_put_u32be(&b, EACCES);
    wbuf_put_u32be(&b, sizeof(utf8) - 1);
    wbuf_put(&b, utf8, sizeof(utf8) - 1);
    hs_wbuf_seed("error-utf8", FH_ERROR, &b);

    memset(&km, 0x66, sizeof(km));
    km.pad = 0;
    wbuf_init(&b, ENCMIG_HS_MAX_BODY);
    encmig_hs_put_keymat(&b, &km);
    hs_wbuf_seed("keymat", FH_KEYMAT, &b);

    wbuf_init(&b, ENCMIG_HS_MAX_BODY);
    encmig_hs_put_header(&b, ENCMIG_HS_MSG_HELLO, ENCMIG_HS_HELLO_SIZE(1));
    hs_wbuf_seed("header-hello", FH_HEADER, &b);
    wbuf_init(&b, ENCMIG_HS_MAX_BODY);
    encmig_hs_put_header(&b, ENCMIG_HS_MSG_REPLY, ENCMIG_HS_REPLY_SIZE);
    hs_wbuf_seed("header-reply", FH_HEADER, &b);
    wbuf_init(&b, ENCMIG_HS_MAX_BODY);
    encmig_hs_put_header(&b, ENCMIG_HS_MSG_SOURCE_AUTH,
                         ENCMIG_HS_SOURCE_AUTH_SIZE);
    hs_wbuf_seed("header-source-auth", FH_HEADER, &b);
    wbuf_init(&b, ENCMIG_HS_MAX_BODY);
    wbuf_put(&b, r.sig, sizeof(r.sig));
    hs_wbuf_seed("source-auth", FH_SOURCE_AUTH, &b);

    wbuf_init(&b, ENCMIG_HS_MAX_BODY);
    wbuf_put_u8(&b, 1);                  /* receiver limit: 64 frames */
    migrate_req_put(&b, &req);
    hs_wbuf_seed("request", FH_REQUEST, &b);

    wbuf_init(&b, ENCMIG_HS_MAX_BODY);
    wbuf_put_u16le(&b, 200);             /* the caller's reason buffer */
    wbuf_put_u32be(&b, EBADMSG);
    wbuf_put_u32be(&b, 17);
    wbuf_put(&b, "stream \x01nded \xff!!!", 17);
    hs_wbuf_seed("failed", FH_FAILED, &b);

    fd = create("handshake", "records");
    sel = FH_RECORDS;
    put(fd, &sel, 1);
    stream_writer_init(&w, fd);
    page_data(&w, &pfn, 1);
    optional(&w);
    record(&w, REC_TYPE_ENCMIG_SIM_VCPU, state, sizeof(state));
    encmig_state(&w);
    encmig_end(&w, 1);
    record(&w, REC_TYPE_END, NULL, 0);
    close(fd);

    fd = create("handshake", "stream-headers");
    sel = FH_STREAM_HEADERS;
    put(fd, &sel, 1);
    stream_writer_init(&w, fd);
    stream_write_headers(&w, DHDR_TYPE_ENCMIG_SIM);
    close(fd);

    fd = create("handshake", "msg-recv");
    sel = FH_MSG_RECV;
    put(fd, &sel, 1);
    put(fd, "\x00\x10", 2);              /* max 4096 */
    request(fd, MIGRATE_MODE_PLAIN, 4, 1);
    encmig_msg_send(fd, MSG_STREAM_DONE, NULL, 0);
    close(fd);

    if (encmig_pubkey_to_b64(pinned, b64))
        die("base64");
    hs_seed("b64", FH_B64, b64, strlen(b64));

    /* What a destination answers the source: REPLY with the pinned key
     * (refused at the signature), with another key, or ERROR. */
    memcpy(r.host_pub, pinned, sizeof(pinned));
    wbuf_init(&b, ENCMIG_HS_MAX_BODY + ENCMIG_HS_HEADER_SIZE);
    encmig_hs_put_header(&b, ENCMIG_HS_MSG_REPLY, ENCMIG_HS_REPLY_SIZE);
    encmig_hs_put_reply(&b, &r);
    hs_wbuf_seed("source-reply", FH_SOURCE, &b);
    r.host_pub[0] ^= 1;
    wbuf_init(&b, ENCMIG_HS_MAX_BODY + ENCMIG_HS_HEADER_SIZE);
    encmig_hs_put_header(&b, ENCMIG_HS_MSG_REPLY, ENCMIG_HS_REPLY_SIZE);
    encmig_hs_put_reply(&b, &r);
    hs_wbuf_seed("source-reply-unknown", FH_SOURCE, &b);
    wbuf_init(&b, ENCMIG_HS_MAX_BODY + ENCMIG_HS_HEADER_SIZE);
    encmig_hs_put_header(&b, ENCMIG_HS_MSG_ERROR, 8 + 20);
    encmig_hs_put_error(&b, EPROTONOSUPPORT, "no common version 1!");
    hs_wbuf_seed("source-error", FH_SOURCE, &b);

    snprintf(kh, sizeof(kh), "# pins\n\n%s %s %s comment\n"
             "other.example %s %s\n", FH_PINNED_HOST, ENCMIG_KEYTYPE, b64,
             ENCMIG_KEYTYPE, b64);
    hs_seed("known-hosts", FH_KNOWN_HOSTS, kh, strlen(kh));
    hs_seed("authorized-sources", FH_AUTHORIZED, kh, strlen(kh));

    /* What a source sends the destination: a listed key's HELLO, then a
     * SOURCE_AUTH that cannot verify; and an old version-1 HELLO. */
    fd = create("handshake", "dest-hello");
    sel = FH_DEST;
    put(fd, &sel, 1);
    hello(fd, 1, 2);
    source_auth(fd);
    close(fd);
    wbuf_init(&b, ENCMIG_HS_MAX_BODY);
    encmig_hs_put_header(&b, ENCMIG_HS_MSG_HELLO, ENCMIG_HS_HELLO_SIZE(1) -
                         ENCMIG_HS_PUB_SIZE);
    hello_body(&b, 1, 1);
    hs_seed("dest-hello-v1", FH_DEST, wbuf_ptr(&b),
            wbuf_avail(&b) - ENCMIG_HS_PUB_SIZE);
    wbuf_free(&b);
}

/* ---- import seeds: fuzz-import.h's layout ------------------------------ */

struct bytes {
    uint8_t d[8192];
    size_t n;
};

static void b_put(struct bytes *b, const void *p, size_t len)
{
    if (b->n + len > sizeof(b->d))
        die("import seed too long");
    memcpy(b->d + b->n, p, len);
    b->n += len;
}

static void b_u8(struct bytes *b, uint8_t v)
{
    b_put(b, &v, 1);
}

/* A buffer of nrec records plus delta bytes. */
static void b_buffer(struct bytes *b, uint8_t nrec, int8_t delta, uint8_t mode)
{
    b_u8(b, nrec);
    b_u8(b, (uint8_t)delta);
    b_u8(b, mode);
}

static void b_op(struct bytes *b, uint8_t target, uint8_t cmd, uint8_t h0,
                 int16_t off0, uint8_t h1, int16_t off1,
                 const struct xen_domctl_encmig_op *op)
{
    b_u8(b, target);
    b_u8(b, cmd);
    b_u8(b, 0);                          /* the right version */
    b_u8(b, h0);
    b_u8(b, h1);
    b_put(b, &off0, 2);                  /* little-endian hosts only */
    b_put(b, &off1, 2);
    b_put(b, &op->u, sizeof(op->u));
}

static void b_write(const char *name, const struct bytes *b)
{
    int fd = create("import", name);

    put(fd, b->d, b->n);
    close(fd);
}

static struct xen_domctl_encmig_op op_import(uint32_t nr, uint64_t size)
{
    struct xen_domctl_encmig_op op = { .cmd = XEN_ENCMIG_OP_import };

    op.u.import.nr_recs = nr;
    op.u.import.buf_size = size;
    return op;
}

static struct xen_domctl_encmig_op op_export(uint32_t nr, uint64_t size)
{
    struct xen_domctl_encmig_op op = { .cmd = XEN_ENCMIG_OP_export };

    op.u.export.nr_gfns = nr;
    op.u.export.buf_size = size;
    return op;
}

static struct xen_domctl_encmig_op op_setup(uint32_t dir)
{
    struct xen_domctl_encmig_op op = { .cmd = XEN_ENCMIG_OP_setup };

    op.u.setup.direction = dir;
    op.u.setup.nr_streams = 1;
    op.u.setup.keymat_format = XEN_ENCMIG_KEYMAT_raw;
    op.u.setup.keymat_size = sizeof(struct xen_encmig_keymat);
    return op;
}

static struct xen_domctl_encmig_op op_plain(uint32_t cmd)
{
    struct xen_domctl_encmig_op op = { .cmd = cmd };

    return op;
}

/* A record header for the tail: gfn, seq 0 (or the buffer's), stream 0. */
static void b_rec_tail(struct bytes *b, uint64_t gfn)
{
    struct xen_encmig_rec_hdr h = { .gfn = gfn };
    uint8_t ct[96];

    memset(ct, 0xc7, sizeof(ct));
    b_put(b, &h, sizeof(h));
    b_put(b, ct, sizeof(ct));
}

#define T FI_TARGET_DOMAIN
#define REC XEN_ENCMIG_REC_SIZE

/*
 * Export a domain page and import it back under a key of the input's own
 * (all zero, from buffer 1): the one way an import can succeed here.
 */
static void chain_seed(const char *name, uint8_t cfg, uint8_t streams,
                       uint32_t n)
{
    struct xen_domctl_encmig_op op;
    struct bytes b = { .n = 0 };
    uint64_t gfns[2] = { 2, 4 };

    b_u8(&b, cfg);
    b_u8(&b, streams);
    b_buffer(&b, n, 0, 0);               /* 0: the records */
    b_buffer(&b, 0, 127, 0);             /* 1: gfns at 0, zero key at 16 */
    b_u8(&b, FI_MAX_OPS - 1);            /* six ops */
    op = op_setup(XEN_ENCMIG_DIR_EXPORT);
    b_op(&b, T, op.cmd, FI_HANDLE_BUF1, 16, 0, 0, &op);
    op = op_export(n, (uint64_t)n * REC);
    b_op(&b, T, op.cmd, FI_HANDLE_BUF1, 0, FI_HANDLE_BUF0, 0, &op);
    op = op_plain(XEN_ENCMIG_OP_teardown);
    b_op(&b, T, op.cmd, 0, 0, 0, 0, &op);
    op = op_setup(XEN_ENCMIG_DIR_IMPORT);
    b_op(&b, T, op.cmd, FI_HANDLE_BUF1, 16, 0, 0, &op);
    op = op_import(n, (uint64_t)n * REC);
    b_op(&b, T, op.cmd, FI_HANDLE_BUF0, 0, 0, 0, &op);
    op = op_plain(XEN_ENCMIG_OP_status);
    b_op(&b, T, op.cmd, 0, 0, 0, 0, &op);
    b_put(&b, gfns, n * sizeof(gfns[0]));
    b_write(name, &b);
}

static void import_seeds(void)
{
    struct xen_domctl_encmig_op op;
    struct bytes b;
    uint64_t gfns[3] = { 3, 0, 4 };

    /* One record into an import session under the harness's key. */
    b.n = 0;
    b_u8(&b, FI_SESSION_IMPORT);
    b_u8(&b, 0);
    b_buffer(&b, 1, 0, FI_BUF_SEQ);
    b_buffer(&b, 0, 64, 0);
    b_u8(&b, 0);
    op = op_import(1, REC);
    b_op(&b, T, op.cmd, FI_HANDLE_BUF0, 0, 0, 0, &op);
    b_rec_tail(&b, 1);
    b_write("import-1", &b);
    b.d[1] = FI_STREAMS_AESNI;
    b_write("import-1-aesni", &b);

    /* Three records, sequenced, on stream 2 of 4, preempted every page. */
    b.n = 0;
    b_u8(&b, FI_SESSION_IMPORT | FI_CFG_PREEMPT(1) | FI_CFG_PORTABLE);
    b_u8(&b, 3);
    b_buffer(&b, 3, 0, FI_BUF_SEQ);
    b_buffer(&b, 0, 64, 0);
    b_u8(&b, 1);
    op = op_import(3, 3 * REC);
    op.u.import.stream = 2;
    b_op(&b, T, op.cmd, FI_HANDLE_BUF0, 0, 0, 0, &op);
    b_op(&b, T, XEN_ENCMIG_OP_status, 0, 0, 0, 0, &op);
    b_rec_tail(&b, 0);
    b.d[b.n - 96 - 32 + 16] = 2;         /* hdr.stream */
    b_write("import-3-preempt", &b);

    /* An import batch whose buffer ends a byte short. */
    b.n = 0;
    b_u8(&b, FI_SESSION_IMPORT | FI_CFG_UNUSED);
    b_u8(&b, 0);
    b_buffer(&b, 2, -1, FI_BUF_SEQ);
    b_buffer(&b, 0, 64, 0);
    b_u8(&b, 0);
    op = op_import(2, 2 * REC);
    b_op(&b, T, op.cmd, FI_HANDLE_BUF0, 0, 0, 0, &op);
    b_rec_tail(&b, 2);
    b_write("import-short", &b);

    /* Export three gfns (buffer 1) into buffer 0, preempted. */
    b.n = 0;
    b_u8(&b, FI_SESSION_EXPORT | FI_CFG_PREEMPT(1));
    b_u8(&b, 0);
    b_buffer(&b, 3, 0, 0);
    b_buffer(&b, 0, 24, 0);
    b_u8(&b, 1);
    op = op_export(3, 3 * REC);
    op.u.export.round = 1;
    b_op(&b, T, op.cmd, FI_HANDLE_BUF1, 0, FI_HANDLE_BUF0, 0, &op);
    op = op_plain(XEN_ENCMIG_OP_status);
    b_op(&b, T, op.cmd, 0, 0, 0, 0, &op);
    b_put(&b, gfns, sizeof(gfns));
    b_write("export-3", &b);

    /* Export through the copy path into a buffer too small by a record. */
    b.n = 0;
    b_u8(&b, FI_SESSION_EXPORT | FI_CFG_UNUSED | FI_CFG_PORTABLE);
    b_u8(&b, 0);
    b_buffer(&b, 1, 100, 0);
    b_buffer(&b, 0, 16, 0);
    b_u8(&b, 0);
    op = op_export(2, 2 * REC);
    b_op(&b, T, op.cmd, FI_HANDLE_BUF1, 0, FI_HANDLE_BUF0, 0, &op);
    b_put(&b, gfns, 2 * sizeof(gfns[0]));
    b_write("export-overrun", &b);

    chain_seed("chain-1", FI_SESSION_NONE, 0, 1);
    chain_seed("chain-2-portable", FI_SESSION_NONE | FI_CFG_PORTABLE |
               FI_CFG_PREEMPT(1) | FI_CFG_UNUSED, 0, 2);
    chain_seed("chain-2-aesni", FI_SESSION_NONE | FI_CFG_PREEMPT(1),
               FI_STREAMS_AESNI, 2);

    /* Probe, status, teardown and the wrong callers. */
    b.n = 0;
    b_u8(&b, FI_SESSION_EXPORT);
    b_u8(&b, 15);
    b_buffer(&b, 0, 8, 0);
    b_buffer(&b, 0, 8, 0);
    b_u8(&b, 5);
    op = op_plain(XEN_ENCMIG_OP_probe);
    b_op(&b, T, op.cmd, 0, 0, 0, 0, &op);
    b_op(&b, FI_TARGET_DOM0, op.cmd, 0, 0, 0, 0, &op);
    b_op(&b, FI_TARGET_UNPRIV, op.cmd, 0, 0, 0, 0, &op);
    b_op(&b, FI_TARGET_ABSENT, op.cmd, 0, 0, 0, 0, &op);
    op = op_plain(XEN_ENCMIG_OP_status);
    b_op(&b, T, op.cmd, 0, 0, 0, 0, &op);
    op = op_plain(XEN_ENCMIG_OP_teardown);
    b_op(&b, T, op.cmd, 0, 0, 0, 0, &op);
    b_write("probe-status-teardown", &b);

    /* Setup with its key material straddling the end of a buffer. */
    b.n = 0;
    b_u8(&b, FI_SESSION_NONE);
    b_u8(&b, 0);
    b_buffer(&b, 0, 100, 0);
    b_buffer(&b, 0, 100, 0);
    b_u8(&b, 1);
    op = op_setup(XEN_ENCMIG_DIR_IMPORT);
    b_op(&b, T, op.cmd, FI_HANDLE_BUF0, 100 - 32, 0, 0, &op);
    op = op_import(1, REC);
    b_op(&b, T, op.cmd, FI_HANDLE_BUF1, -8, 0, 0, &op);
    b_write("setup-straddle", &b);
}

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *f)
{
    return remove(p);
}

int main(int argc, char **argv)
{
    char err[256];

    if (argc != 2) {
        fprintf(stderr, "usage: gen-corpus DIR\n");
        return 2;
    }
    outdir = argv[1];
    mkdir(outdir, 0755);
    signal(SIGPIPE, SIG_IGN);
    if (fuzz_rand_install())
        die("RAND method");

    if (!mkdtemp(keydir))
        die("mkdtemp");
    /* The host key fuzz-stream makes for itself. */
    fuzz_rand_start(FUZZ_RAND_HOSTKEY);
    if (encmig_hostkey_generate(keydir, "fuzz", false, err, sizeof(err)))
        die(err);
    fuzz_rand_stop();
    host = sim_host_new(2, NULL);
    devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (!host || devnull < 0)
        die("host");

    plain_seeds();
    recorded_seeds();
    encrypted_seeds();
    handshake_seeds();
    import_seeds();

    sim_host_free(host);
    nftw(keydir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
    printf("gen-corpus: seeds written to %s, stream seeds checked\n", outdir);
    return 0;
}
