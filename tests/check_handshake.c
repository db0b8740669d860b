/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_handshake.c: the key handshake end to end over socketpairs, with
 * a relay that corrupts or cuts the stream in transit; the message codec
 * against hostile bytes; the key schedule against an independent
 * computation of what docs/handshake.md says; host keys and known_hosts.
 */

/* nftw() */
#define _GNU_SOURCE

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "../tools/libxl-encmig/handshake.h"
#include "../tools/libxl-encmig/io.h"

#define HOST            "dest.example"
#define REPLY_STREAM    (ENCMIG_HS_HEADER_SIZE + ENCMIG_HS_REPLY_SIZE)
#define HELLO_STREAM    (ENCMIG_HS_HEADER_SIZE + ENCMIG_HS_HELLO_SIZE(1))

/* ---- fixture: a scratch directory per test ------------------------- */

/*
 * Each test works in its own directory under one made by main(), which
 * removes the lot at the end: a failing test leaves its forked process
 * without running the teardown.
 */
static char base_dir[PATH_MAX - 64];
static char tdir[PATH_MAX];
static char src_dir[PATH_MAX + 8];  /* the source's keydir: known_hosts */
static char dst_dir[PATH_MAX + 8];  /* the destination's host key */
static char kh[PATH_MAX + 32];      /* src_dir/known_hosts */

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *f)
{
    return remove(p);
}

static void rm_tree(const char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void setup(void)
{
    snprintf(tdir, sizeof(tdir), "%s/t-XXXXXX", base_dir);
    ck_assert_ptr_nonnull(mkdtemp(tdir));
    snprintf(src_dir, sizeof(src_dir), "%s/src", tdir);
    snprintf(dst_dir, sizeof(dst_dir), "%s/dst", tdir);
    snprintf(kh, sizeof(kh), "%s/%s", src_dir, ENCMIG_KNOWN_HOSTS_FILE);
    ck_assert_int_eq(mkdir(src_dir, 0700), 0);
    ck_assert_int_eq(mkdir(dst_dir, 0700), 0);
}

static void teardown(void)
{
    rm_tree(tdir);
}

/* ---- helpers --------------------------------------------------------- */

static bool all_zero(const void *p, size_t len)
{
    const uint8_t *b = p;
    size_t i;

    for (i = 0; i < len; i++)
        if (b[i])
            return false;
    return true;
}

static size_t read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    ssize_t n;

    ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
    n = read(fd, buf, size - 1);
    ck_assert_int_ge(n, 0);
    buf[n] = '\0';
    close(fd);
    return n;
}

static void write_file(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(encmig_write_full(fd, data, len), 0);
    close(fd);
}

static void keygen(const char *dir)
{
    char err[256] = "";
    int rc = encmig_hostkey_generate(dir, "test key", false, err,
                                     sizeof(err));

    ck_assert_msg(rc == 0, "keygen in %s: %d %s", dir, rc, err);
}

static void load_pub(const char *dir, uint8_t pub[ENCMIG_PUBKEY_SIZE])
{
    char err[256] = "";
    int rc = encmig_hostkey_load_public(dir, pub, err, sizeof(err));

    ck_assert_msg(rc == 0, "load public key of %s: %d %s", dir, rc, err);
}

static void fingerprint(const uint8_t pub[ENCMIG_PUBKEY_SIZE],
                        char fp[ENCMIG_FINGERPRINT_SIZE])
{
    ck_assert_int_eq(encmig_hostkey_fingerprint(pub, fp), 0);
}

/* Pin host to pub in known_hosts, as an operator would by hand. */
static void pin(const char *host, const uint8_t pub[ENCMIG_PUBKEY_SIZE])
{
    char b64[ENCMIG_PUBKEY_B64_SIZE];
    FILE *f;

    ck_assert_int_eq(encmig_pubkey_to_b64(pub, b64), 0);
    f = fopen(kh, "a");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%s %s %s\n", host, ENCMIG_KEYTYPE, b64);
    fclose(f);
}

static void configs(struct encmig_hs_config *s, struct encmig_hs_config *d)
{
    encmig_hs_config_init(s);
    encmig_hs_config_init(d);
    s->keydir = src_dir;        /* known_hosts defaults to src_dir's */
    d->keydir = dst_dir;
}

/* A test never hangs: a read that waits this long fails with -EAGAIN. */
static void set_timeout(int fd)
{
    struct timeval tv = { .tv_sec = 20 };

    ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
                                sizeof(tv)), 0);
}

/* ---- running both ends ----------------------------------------------- */

struct end {
    int fd;
    const struct encmig_hs_config *cfg;
    struct encmig_hs_result res;
    char err[512];
    int rc;
};

static void *dest_main(void *arg)
{
    struct end *e = arg;

    e->rc = encmig_hs_dest(e->fd, e->fd, e->cfg, &e->res, e->err,
                           sizeof(e->err));
    close(e->fd);
    return NULL;
}

/* What the relay does to each direction: flip byte flip with mask, or
 * cut the stream after cut bytes; -1 for neither. */
struct tamper {
    long s2d_flip, s2d_cut;
    long d2s_flip, d2s_cut;
    uint8_t mask;
};

static const struct tamper no_tamper = { -1, -1, -1, -1, 0 };

struct pump {
    int in, out;
    long flip, cut;
    uint8_t mask;
};

static void *pump_main(void *arg)
{
    struct pump *p = arg;
    uint8_t buf[1024];
    long pos = 0;

    for (;;) {
        ssize_t n = read(p->in, buf, sizeof(buf));

        if (n <= 0)
            break;
        if (p->flip >= pos && p->flip < pos + n)
            buf[p->flip - pos] ^= p->mask;
        if (p->cut >= 0 && pos + n >= p->cut) {
            n = p->cut - pos;
            if (n > 0)
                encmig_write_full(p->out, buf, n);
            break;
        }
        if (encmig_write_full(p->out, buf, n))
            break;
        pos += n;
    }
    shutdown(p->out, SHUT_WR);
    return NULL;
}

/*
 * The destination in a thread, the source here; with t, through a relay
 * of two pump threads that tampers with the bytes in transit.
 */
static void run_hs(const struct encmig_hs_config *scfg,
                   const struct encmig_hs_config *dcfg,
                   const struct tamper *t, struct end *s, struct end *d)
{
    struct pump s2d, d2s;
    pthread_t td, tp1, tp2;
    int a[2], b[2];

    memset(s, 0, sizeof(*s));
    memset(d, 0, sizeof(*d));
    s->cfg = scfg;
    d->cfg = dcfg;
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
    s->fd = a[0];
    d->fd = a[1];
    if (t) {
        ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
        d->fd = b[1];
        s2d = (struct pump){ a[1], b[0], t->s2d_flip, t->s2d_cut, t->mask };
        d2s = (struct pump){ b[0], a[1], t->d2s_flip, t->d2s_cut, t->mask };
        ck_assert_int_eq(pthread_create(&tp1, NULL, pump_main, &s2d), 0);
        ck_assert_int_eq(pthread_create(&tp2, NULL, pump_main, &d2s), 0);
    }
    set_timeout(s->fd);
    set_timeout(d->fd);
    ck_assert_int_eq(pthread_create(&td, NULL, dest_main, d), 0);

    s->rc = encmig_hs_source(s->fd, s->fd, scfg, HOST, &s->res, s->err,
                             sizeof(s->err));
    close(s->fd);
    ck_assert_int_eq(pthread_join(td, NULL), 0);
    if (t) {
        ck_assert_int_eq(pthread_join(tp1, NULL), 0);
        ck_assert_int_eq(pthread_join(tp2, NULL), 0);
        close(a[1]);
        close(b[0]);
    }
}

static void assert_ok(const struct end *s, const struct end *d)
{
    ck_assert_msg(s->rc == 0, "source: %d %s", s->rc, s->err);
    ck_assert_msg(d->rc == 0, "destination: %d %s", d->rc, d->err);
    ck_assert_mem_eq(&s->res.km, &d->res.km, sizeof(s->res.km));
    ck_assert_mem_eq(s->res.transcript, d->res.transcript,
                     sizeof(s->res.transcript));
    ck_assert(!all_zero(s->res.km.key, sizeof(s->res.km.key)));
    ck_assert(!all_zero(s->res.km.session_id, sizeof(s->res.km.session_id)));
    ck_assert(!all_zero(s->res.km.nonce_base, sizeof(s->res.km.nonce_base)));
    ck_assert(!all_zero(s->res.transcript, sizeof(s->res.transcript)));
    ck_assert_uint_eq(s->res.km.pad, 0);
    ck_assert_uint_eq(s->res.version, 1);
    ck_assert_uint_eq(s->res.suite, ENCMIG_HS_SUITE_X25519_AESGCM);
    ck_assert_uint_eq(d->res.version, 1);
    ck_assert_uint_eq(d->res.suite, ENCMIG_HS_SUITE_X25519_AESGCM);
    ck_assert(all_zero(d->res.peer_pub, sizeof(d->res.peer_pub)));
}

static void assert_refused(const struct end *e)
{
    ck_assert_int_lt(e->rc, 0);
    ck_assert_msg(e->err[0], "refused without a reason");
    ck_assert_msg(!strchr(e->err, '\n'), "reason not one line: %s", e->err);
    ck_assert_msg(all_zero(&e->res, sizeof(e->res)),
                  "result not wiped after failure");
}

/* ---- the handshake end to end ---------------------------------------- */

START_TEST(test_handshake_ok)
{
    struct encmig_hs_config sc, dc;
    uint8_t pub[ENCMIG_PUBKEY_SIZE];
    struct end s, d;
    struct xen_encmig_keymat first;

    keygen(dst_dir);
    load_pub(dst_dir, pub);
    pin(HOST, pub);
    configs(&sc, &dc);

    run_hs(&sc, &dc, NULL, &s, &d);
    assert_ok(&s, &d);
    ck_assert_mem_eq(s.res.peer_pub, pub, sizeof(pub));
    ck_assert(!s.res.pinned_new);
    first = s.res.km;

    /* Through a relay that changes nothing: the same, and a new key. */
    run_hs(&sc, &dc, &no_tamper, &s, &d);
    assert_ok(&s, &d);
    ck_assert(memcmp(first.key, s.res.km.key, sizeof(first.key)));
    ck_assert(memcmp(first.session_id, s.res.km.session_id,
                     sizeof(first.session_id)));
    ck_assert(memcmp(first.nonce_base, s.res.km.nonce_base,
                     sizeof(first.nonce_base)));
}
END_TEST

START_TEST(test_unknown_host_refused)
{
    struct encmig_hs_config sc, dc;
    uint8_t pub[ENCMIG_PUBKEY_SIZE];
    char fp[ENCMIG_FINGERPRINT_SIZE];
    struct end s, d;

    keygen(dst_dir);
    load_pub(dst_dir, pub);
    fingerprint(pub, fp);
    configs(&sc, &dc);

    run_hs(&sc, &dc, NULL, &s, &d);
    ck_assert_int_eq(s.rc, -ENOENT);
    assert_refused(&s);
    ck_assert_msg(strstr(s.err, HOST) && strstr(s.err, fp),
                  "message names neither host nor fingerprint: %s", s.err);
    ck_assert_int_eq(access(kh, F_OK), -1);
}
END_TEST

START_TEST(test_accept_new_then_known)
{
    struct encmig_hs_config sc, dc;
    uint8_t pub[ENCMIG_PUBKEY_SIZE];
    char b64[ENCMIG_PUBKEY_B64_SIZE], want[256], got[4096];
    struct end s, d;

    keygen(dst_dir);
    load_pub(dst_dir, pub);
    configs(&sc, &dc);

    sc.accept_new = true;
    run_hs(&sc, &dc, NULL, &s, &d);
    assert_ok(&s, &d);
    ck_assert(s.res.pinned_new);

    ck_assert_int_eq(encmig_pubkey_to_b64(pub, b64), 0);
    snprintf(want, sizeof(want), "%s %s %s\n", HOST, ENCMIG_KEYTYPE, b64);
    read_file(kh, got, sizeof(got));
    ck_assert_str_eq(got, want);

    /* Known now: accepted without accept_new, and not added twice. */
    sc.accept_new = false;
    run_hs(&sc, &dc, NULL, &s, &d);
    assert_ok(&s, &d);
    ck_assert(!s.res.pinned_new);
    read_file(kh, got, sizeof(got));
    ck_assert_str_eq(got, want);
}
END_TEST

START_TEST(test_changed_key_refused)
{
    struct encmig_hs_config sc, dc;
    uint8_t old[ENCMIG_PUBKEY_SIZE], cur[ENCMIG_PUBKEY_SIZE];
    char oldfp[ENCMIG_FINGERPRINT_SIZE], curfp[ENCMIG_FINGERPRINT_SIZE];
    char other[PATH_MAX + 16], before[4096], after[4096];
    struct end s, d;

    snprintf(other, sizeof(other), "%s/other", tdir);
    keygen(other);
    load_pub(other, old);
    keygen(dst_dir);
    load_pub(dst_dir, cur);
    fingerprint(old, oldfp);
    fingerprint(cur, curfp);
    pin(HOST, old);
    read_file(kh, before, sizeof(before));
    configs(&sc, &dc);

    sc.accept_new = true;
    run_hs(&sc, &dc, NULL, &s, &d);
    ck_assert_int_eq(s.rc, -EKEYREJECTED);
    assert_refused(&s);
    ck_assert_msg(strstr(s.err, oldfp) && strstr(s.err, curfp) &&
                  strstr(s.err, "CHANGED"), "not loud enough: %s", s.err);
    read_file(kh, after, sizeof(after));
    ck_assert_str_eq(before, after);
}
END_TEST

START_TEST(test_no_common_version)
{
    struct encmig_hs_config sc, dc;
    uint8_t pub[ENCMIG_PUBKEY_SIZE];
    struct end s, d;

    keygen(dst_dir);
    load_pub(dst_dir, pub);
    pin(HOST, pub);
    configs(&sc, &dc);
    sc.min_version = 2;
    sc.max_version = 3;

    run_hs(&sc, &dc, NULL, &s, &d);
    ck_assert_int_eq(d.rc, -EPROTONOSUPPORT);
    assert_refused(&d);
    ck_assert_int_eq(s.rc, -EPROTONOSUPPORT);
    assert_refused(&s);
    /* The source shows the destination's own words. */
    ck_assert_msg(strstr(s.err, "no common protocol version: the source "
                         "offers 2..3, the destination supports 1..1"),
                  "source says: %s", s.err);
    ck_assert_msg(strstr(d.err, "no common protocol version"),
                  "destination says: %s", d.err);
}
END_TEST

START_TEST(test_no_common_suite)
{
    struct encmig_hs_config sc, dc;
    uint8_t pub[ENCMIG_PUBKEY_SIZE];
    struct end s, d;

    keygen(dst_dir);
    load_pub(dst_dir, pub);
    pin(HOST, pub);
    configs(&sc, &dc);
    sc.nr_suites = 2;
    sc.suites[0] = 7;
    sc.suites[1] = 9;

    run_hs(&sc, &dc, NULL, &s, &d);
    ck_assert_int_eq(d.rc, -EPROTONOSUPPORT);
    assert_refused(&d);
    ck_assert_int_eq(s.rc, -EPROTONOSUPPORT);
    assert_refused(&s);
    ck_assert_msg(strstr(s.err, "no common cipher suite: the source offers "
                         "7,9, the destination supports 1"),
                  "source says: %s", s.err);

    /* A destination that lists a suite this build lacks still picks 1. */
    configs(&sc, &dc);
    dc.nr_suites = 2;
    dc.suites[0] = 9;
    dc.suites[1] = ENCMIG_HS_SUITE_X25519_AESGCM;
    sc.nr_suites = 2;
    sc.suites[0] = 9;
    sc.suites[1] = ENCMIG_HS_SUITE_X25519_AESGCM;
    run_hs(&sc, &dc, NULL, &s, &d);
    assert_ok(&s, &d);
}
END_TEST

START_TEST(test_dest_without_hostkey)
{
    struct encmig_hs_config sc, dc;
    struct end s, d;

    configs(&sc, &dc);
    run_hs(&sc, &dc, NULL, &s, &d);
    ck_assert_int_eq(d.rc, -ENOENT);
    assert_refused(&d);
    /* Not -ENOENT: that would read as "unknown host". */
    ck_assert_int_eq(s.rc, -ECONNREFUSED);
    assert_refused(&s);
    ck_assert_msg(strstr(s.err, "cannot load its host key (No such file"),
                  "%s", s.err);
    /* The path stays on the destination. */
    ck_assert_msg(!strstr(s.err, dst_dir), "%s", s.err);
}
END_TEST

/*
 * Every byte of the REPLY stream (header and body), flipped in transit:
 * the source must refuse.  Once with the host pinned, once unknown with
 * accept_new, where a corrupted REPLY must not plant a pin either.
 */
START_TEST(test_reply_byte_flip)
{
    struct encmig_hs_config sc, dc;
    uint8_t pub[ENCMIG_PUBKEY_SIZE];
    char before[4096], after[4096];
    struct tamper t = no_tamper;
    struct end s, d;
    long i;

    keygen(dst_dir);
    load_pub(dst_dir, pub);
    configs(&sc, &dc);

    sc.accept_new = true;
    for (i = 0; i < REPLY_STREAM; i++) {
        t.d2s_flip = i;
        t.mask = 0x80;
        run_hs(&sc, &dc, &t, &s, &d);
        ck_assert_msg(s.rc < 0, "flip of REPLY byte %ld accepted", i);
        assert_refused(&s);
        ck_assert_msg(d.rc == 0, "destination: %d %s", d.rc, d.err);
        ck_assert_msg(access(kh, F_OK) == -1,
                      "flip of REPLY byte %ld pinned a key", i);
    }

    pin(HOST, pub);
    read_file(kh, before, sizeof(before));
    sc.accept_new = false;
    for (i = 0; i < REPLY_STREAM; i++) {
        t.d2s_flip = i;
        t.mask = 0x01;
        run_hs(&sc, &dc, &t, &s, &d);
        ck_assert_msg(s.rc < 0, "flip of REPLY byte %ld accepted", i);
        assert_refused(&s);
    }
    read_file(kh, after, sizeof(after));
    ck_assert_str_eq(before, after);

    /* And the relay itself is sound. */
    run_hs(&sc, &dc, &no_tamper, &s, &d);
    assert_ok(&s, &d);
}
END_TEST

/* The signature covers HELLO: any change to it in transit is caught. */
START_TEST(test_hello_byte_flip)
{
    struct encmig_hs_config sc, dc;
    uint8_t pub[ENCMIG_PUBKEY_SIZE];
    struct tamper t = no_tamper;
    struct end s, d;
    long i;
    int m;

    keygen(dst_dir);
    load_pub(dst_dir, pub);
    pin(HOST, pub);
    configs(&sc, &dc);

    for (m = 0; m < 2; m++) {
        for (i = 0; i < HELLO_STREAM; i++) {
            t.s2d_flip = i;
            t.mask = m ? 0x80 : 0x01;
            run_hs(&sc, &dc, &t, &s, &d);
            ck_assert_msg(s.rc < 0, "flip of HELLO byte %ld (mask %#x) "
                          "accepted", i, t.mask);
            assert_refused(&s);
        }
    }
}
END_TEST

/* Either stream cut anywhere: both ends fail, neither hangs. */
START_TEST(test_truncated_in_transit)
{
    struct encmig_hs_config sc, dc;
    uint8_t pub[ENCMIG_PUBKEY_SIZE];
    struct tamper t;
    struct end s, d;
    long i;

    keygen(dst_dir);
    load_pub(dst_dir, pub);
    pin(HOST, pub);
    configs(&sc, &dc);

    for (i = 0; i < REPLY_STREAM; i++) {
        t = no_tamper;
        t.d2s_cut = i;
        run_hs(&sc, &dc, &t, &s, &d);
        ck_assert_msg(s.rc == -EPIPE, "REPLY cut at %ld: %d %s", i, s.rc,
                      s.err);
        assert_refused(&s);
    }
    for (i = 0; i < HELLO_STREAM; i++) {
        t = no_tamper;
        t.s2d_cut = i;
        run_hs(&sc, &dc, &t, &s, &d);
        ck_assert_msg(d.rc == -EPIPE, "HELLO cut at %ld: %d %s", i, d.rc,
                      d.err);
        assert_refused(&d);
        assert_refused(&s);
    }
}
END_TEST

/* ---- one end against bytes written by the test ----------------------- */

/* Frame a body with a header that may lie about its length. */
static void frame(struct wbuf *b, uint32_t type, uint32_t len,
                  const void *body, size_t body_len)
{
    wbuf_init(b, 2 * ENCMIG_HS_MAX_BODY);
    ck_assert_int_eq(wbuf_put_u32be(b, type), 0);
    ck_assert_int_eq(wbuf_put_u32be(b, len), 0);
    ck_assert_int_eq(wbuf_put(b, body, body_len), 0);
}

/*
 * Run one end against the bytes of in, already waiting in its socket,
 * followed by end of file.  What it answered lands in answer.
 */
static int against(bool dest, struct wbuf *in, struct end *e,
                   uint8_t *answer, size_t *answer_len)
{
    struct encmig_hs_config sc, dc;
    int sv[2];
    ssize_t n;

    configs(&sc, &dc);
    memset(e, 0, sizeof(*e));
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    if (wbuf_avail(in))
        ck_assert_int_eq(encmig_write_full(sv[0], wbuf_ptr(in),
                                           wbuf_avail(in)), 0);
    ck_assert_int_eq(shutdown(sv[0], SHUT_WR), 0);
    set_timeout(sv[1]);
    if (dest)
        e->rc = encmig_hs_dest(sv[1], sv[1], &dc, &e->res, e->err,
                               sizeof(e->err));
    else
        e->rc = encmig_hs_source(sv[1], sv[1], &sc, HOST, &e->res, e->err,
                                 sizeof(e->err));
    close(sv[1]);
    n = read(sv[0], answer, *answer_len);
    ck_assert_int_ge(n, 0);
    *answer_len = n;
    close(sv[0]);
    wbuf_free(in);
    return e->rc;
}

/* The destination's answer is an ERROR with this code. */
static void assert_error_answer(const uint8_t *a, size_t len, uint32_t code)
{
    struct encmig_hs_error e;
    uint32_t type, blen;
    struct wbuf b;

    wbuf_init(&b, len);
    ck_assert_int_eq(wbuf_put(&b, a, len), 0);
    ck_assert_int_ge(wbuf_avail(&b), ENCMIG_HS_HEADER_SIZE);
    ck_assert_int_eq(wbuf_get_u32be(&b, &type), 0);
    ck_assert_int_eq(wbuf_get_u32be(&b, &blen), 0);
    ck_assert_uint_eq(type, ENCMIG_HS_MSG_ERROR);
    ck_assert_uint_eq(blen, wbuf_avail(&b));
    ck_assert_int_eq(encmig_hs_parse_error(&b, &e), 0);
    ck_assert_uint_eq(e.code, code);
    wbuf_free(&b);
}

START_TEST(test_oversize_and_truncated_to_dest)
{
    uint8_t body[ENCMIG_HS_MAX_BODY] = { 0 }, ans[1024];
    size_t alen;
    struct wbuf in;
    struct end e;

    keygen(dst_dir);

    /* A length of 4 GiB and one past the limit: refused on the header,
     * not by running out of input while reading the claimed body. */
    frame(&in, ENCMIG_HS_MSG_HELLO, 0xffffffffU, NULL, 0);
    alen = sizeof(ans);
    ck_assert_int_eq(against(true, &in, &e, ans, &alen), -EMSGSIZE);
    assert_refused(&e);
    assert_error_answer(ans, alen, EMSGSIZE);

    frame(&in, ENCMIG_HS_MSG_HELLO, ENCMIG_HS_MAX_BODY + 1, body, 16);
    alen = sizeof(ans);
    ck_assert_int_eq(against(true, &in, &e, ans, &alen), -EMSGSIZE);
    assert_refused(&e);

    /* Within the limit but no HELLO is that long: not read either. */
    frame(&in, ENCMIG_HS_MSG_HELLO, ENCMIG_HS_MAX_BODY, body, 16);
    alen = sizeof(ans);
    ck_assert_int_eq(against(true, &in, &e, ans, &alen), -EBADMSG);
    assert_refused(&e);
    assert_error_answer(ans, alen, EBADMSG);

    /* Short header, short body. */
    wbuf_init(&in, 8);
    ck_assert_int_eq(wbuf_put(&in, body, 3), 0);
    alen = sizeof(ans);
    ck_assert_int_eq(against(true, &in, &e, ans, &alen), -EPIPE);
    assert_refused(&e);
    ck_assert_uint_eq(alen, 0);

    frame(&in, ENCMIG_HS_MSG_HELLO, ENCMIG_HS_HELLO_SIZE(1), body, 50);
    alen = sizeof(ans);
    ck_assert_int_eq(against(true, &in, &e, ans, &alen), -EPIPE);
    assert_refused(&e);

    /* Nothing at all. */
    wbuf_init(&in, 8);
    alen = sizeof(ans);
    ck_assert_int_eq(against(true, &in, &e, ans, &alen), -EPIPE);

    /* The wrong message, and a HELLO of the right size but garbage. */
    frame(&in, ENCMIG_HS_MSG_REPLY, ENCMIG_HS_REPLY_SIZE, body,
          ENCMIG_HS_REPLY_SIZE);
    alen = sizeof(ans);
    ck_assert_int_eq(against(true, &in, &e, ans, &alen), -EPROTO);
    assert_error_answer(ans, alen, EPROTO);

    frame(&in, ENCMIG_HS_MSG_HELLO, ENCMIG_HS_HELLO_SIZE(1), body,
          ENCMIG_HS_HELLO_SIZE(1));
    alen = sizeof(ans);
    ck_assert_int_eq(against(true, &in, &e, ans, &alen), -EBADMSG);
    assert_error_answer(ans, alen, EBADMSG);

    /* A well-formed HELLO whose X25519 key is a low-order point. */
    {
        struct encmig_hs_hello h = {
            .min_version = 1, .max_version = 1, .nr_suites = 1,
            .suites = { ENCMIG_HS_SUITE_X25519_AESGCM },
        };
        struct wbuf hb;

        wbuf_init(&hb, ENCMIG_HS_MAX_BODY);
        ck_assert_int_eq(encmig_hs_put_hello(&hb, &h), 0);
        frame(&in, ENCMIG_HS_MSG_HELLO, wbuf_avail(&hb), wbuf_ptr(&hb),
              wbuf_avail(&hb));
        wbuf_free(&hb);
        alen = sizeof(ans);
        ck_assert_int_eq(against(true, &in, &e, ans, &alen), -EBADMSG);
        assert_refused(&e);
        assert_error_answer(ans, alen, EBADMSG);
    }
}
END_TEST

START_TEST(test_oversize_and_truncated_to_source)
{
    uint8_t body[ENCMIG_HS_MAX_BODY] = { 0 }, ans[1024];
    size_t alen = sizeof(ans);
    struct wbuf in, err;
    struct end e;

    frame(&in, ENCMIG_HS_MSG_REPLY, 0xffffffffU, NULL, 0);
    ck_assert_int_eq(against(false, &in, &e, ans, &alen), -EMSGSIZE);
    assert_refused(&e);
    /* It sent its HELLO first. */
    ck_assert_uint_eq(alen, HELLO_STREAM);

    alen = sizeof(ans);
    frame(&in, ENCMIG_HS_MSG_REPLY, 0x80000000U, body, 100);
    ck_assert_int_eq(against(false, &in, &e, ans, &alen), -EMSGSIZE);
    assert_refused(&e);

    alen = sizeof(ans);
    frame(&in, ENCMIG_HS_MSG_REPLY, ENCMIG_HS_MAX_BODY, body, 16);
    ck_assert_int_eq(against(false, &in, &e, ans, &alen), -EBADMSG);
    assert_refused(&e);

    alen = sizeof(ans);
    frame(&in, ENCMIG_HS_MSG_REPLY, ENCMIG_HS_REPLY_SIZE - 1, body,
          ENCMIG_HS_REPLY_SIZE - 1);
    ck_assert_int_eq(against(false, &in, &e, ans, &alen), -EBADMSG);
    assert_refused(&e);

    alen = sizeof(ans);
    frame(&in, ENCMIG_HS_MSG_REPLY, ENCMIG_HS_REPLY_SIZE, body, 100);
    ck_assert_int_eq(against(false, &in, &e, ans, &alen), -EPIPE);
    assert_refused(&e);
    ck_assert_msg(strstr(e.err, "closed"), "%s", e.err);

    alen = sizeof(ans);
    frame(&in, ENCMIG_HS_MSG_HELLO, ENCMIG_HS_HELLO_SIZE(1), body,
          ENCMIG_HS_HELLO_SIZE(1));
    ck_assert_int_eq(against(false, &in, &e, ans, &alen), -EPROTO);
    assert_refused(&e);

    alen = sizeof(ans);
    frame(&in, 77, 8, body, 8);
    ck_assert_int_eq(against(false, &in, &e, ans, &alen), -EPROTO);
    assert_refused(&e);

    /* A well-formed REPLY of zeros: unknown host (all-zero key). */
    alen = sizeof(ans);
    body[3] = 1;
    body[7] = 1;
    frame(&in, ENCMIG_HS_MSG_REPLY, ENCMIG_HS_REPLY_SIZE, body,
          ENCMIG_HS_REPLY_SIZE);
    ck_assert_int_eq(against(false, &in, &e, ans, &alen), -ENOENT);
    assert_refused(&e);
    memset(body, 0, sizeof(body));

    /* ERROR: its code and text come through; a bad one is refused. */
    wbuf_init(&err, ENCMIG_HS_ERROR_MAX_SIZE);
    ck_assert_int_eq(encmig_hs_put_error(&err, EACCES, "go away"), 0);
    frame(&in, ENCMIG_HS_MSG_ERROR, wbuf_avail(&err), wbuf_ptr(&err),
          wbuf_avail(&err));
    wbuf_free(&err);
    alen = sizeof(ans);
    ck_assert_int_eq(against(false, &in, &e, ans, &alen), -ECONNREFUSED);
    assert_refused(&e);
    ck_assert_msg(strstr(e.err, "refused the handshake: go away "
                         "(Permission denied)"), "%s", e.err);

    wbuf_init(&err, ENCMIG_HS_ERROR_MAX_SIZE);
    ck_assert_int_eq(wbuf_put_u32be(&err, EACCES), 0);
    ck_assert_int_eq(wbuf_put_u32be(&err, 4), 0);
    ck_assert_int_eq(wbuf_put(&err, "\x1b[2J", 4), 0);
    frame(&in, ENCMIG_HS_MSG_ERROR, wbuf_avail(&err), wbuf_ptr(&err),
          wbuf_avail(&err));
    wbuf_free(&err);
    alen = sizeof(ans);
    ck_assert_int_eq(against(false, &in, &e, ans, &alen), -EBADMSG);
    assert_refused(&e);
    ck_assert_msg(!strchr(e.err, 0x1b), "escape reached the message");
}
END_TEST

/* ---- the codec --------------------------------------------------------- */

static void sample_hello(struct encmig_hs_hello *h, uint32_t n)
{
    uint32_t i;

    memset(h, 0, sizeof(*h));
    h->min_version = 1;
    h->max_version = 1;
    h->nr_suites = n;
    for (i = 0; i < n; i++)
        h->suites[i] = i + 1;
    memset(h->eph_pub, 0x11, sizeof(h->eph_pub));
    memset(h->nonce, 0x22, sizeof(h->nonce));
}

/* Parse the first len bytes of enc (plus one stray byte if extra). */
static int parse_prefix(int (*parse)(struct wbuf *, void *),
                        const struct wbuf *enc, size_t len, bool extra,
                        void *out)
{
    struct wbuf b;
    int rc;

    wbuf_init(&b, ENCMIG_HS_MAX_BODY + 1);
    ck_assert_int_eq(wbuf_put(&b, wbuf_ptr(enc), len), 0);
    if (extra)
        ck_assert_int_eq(wbuf_put_u8(&b, 0), 0);
    rc = parse(&b, out);
    wbuf_free(&b);
    return rc;
}

static int parse_hello(struct wbuf *b, void *o)
{
    return encmig_hs_parse_hello(b, o);
}

static int parse_reply(struct wbuf *b, void *o)
{
    return encmig_hs_parse_reply(b, o);
}

START_TEST(test_codec_hello)
{
    struct encmig_hs_hello h, g;
    struct wbuf enc;
    size_t i;
    uint32_t n;

    for (n = 1; n <= ENCMIG_HS_MAX_SUITES; n++) {
        sample_hello(&h, n);
        wbuf_init(&enc, ENCMIG_HS_MAX_BODY);
        ck_assert_int_eq(encmig_hs_put_hello(&enc, &h), 0);
        ck_assert_uint_eq(wbuf_avail(&enc), ENCMIG_HS_HELLO_SIZE(n));
        ck_assert_int_eq(encmig_hs_check_len(ENCMIG_HS_MSG_HELLO,
                                             wbuf_avail(&enc)), 0);
        ck_assert_int_eq(parse_prefix(parse_hello, &enc, wbuf_avail(&enc),
                                      false, &g), 0);
        ck_assert_mem_eq(&g, &h, sizeof(h));
        for (i = 0; i < wbuf_avail(&enc); i++)
            ck_assert_int_eq(parse_prefix(parse_hello, &enc, i, false, &g),
                             -EBADMSG);
        ck_assert_int_eq(parse_prefix(parse_hello, &enc, wbuf_avail(&enc),
                                      true, &g), -EBADMSG);
        wbuf_free(&enc);
    }

    /* Out of range fields, each alone. */
    for (i = 0; i < 5; i++) {
        struct wbuf b;

        sample_hello(&h, 1);
        wbuf_init(&b, ENCMIG_HS_MAX_BODY);
        ck_assert_int_eq(wbuf_put(&b, i == 0 ? "ENCMIGHX" : ENCMIG_HS_MAGIC,
                                  ENCMIG_HS_MAGIC_SIZE), 0);
        ck_assert_int_eq(wbuf_put_u32be(&b, i == 1 ? 0 : 1), 0);
        ck_assert_int_eq(wbuf_put_u32be(&b, i == 2 ? 0 : 1), 0);
        ck_assert_int_eq(wbuf_put_u32be(&b, i == 3 ? 0 : i == 4 ? 9 : 1), 0);
        ck_assert_int_eq(wbuf_put_u32be(&b, 1), 0);
        ck_assert_int_eq(wbuf_put(&b, h.eph_pub, 32), 0);
        ck_assert_int_eq(wbuf_put(&b, h.nonce, 32), 0);
        ck_assert_msg(encmig_hs_parse_hello(&b, &g) == -EBADMSG,
                      "bad field %zu accepted", i);
        wbuf_free(&b);
    }

    sample_hello(&h, 1);
    h.nr_suites = 0;
    wbuf_init(&enc, ENCMIG_HS_MAX_BODY);
    ck_assert_int_eq(encmig_hs_put_hello(&enc, &h), -EINVAL);
    wbuf_free(&enc);
}
END_TEST

START_TEST(test_codec_reply_header_keymat)
{
    struct encmig_hs_reply r, g;
    struct xen_encmig_keymat km, km2;
    struct wbuf enc, b;
    uint32_t type, len;
    size_t i;

    memset(&r, 0, sizeof(r));
    r.version = 1;
    r.suite = 1;
    for (i = 0; i < sizeof(r.sig); i++)
        r.sig[i] = i;
    wbuf_init(&enc, ENCMIG_HS_MAX_BODY);
    ck_assert_int_eq(encmig_hs_put_reply(&enc, &r), 0);
    ck_assert_uint_eq(wbuf_avail(&enc), ENCMIG_HS_REPLY_SIZE);
    ck_assert_int_eq(parse_prefix(parse_reply, &enc, ENCMIG_HS_REPLY_SIZE,
                                  false, &g), 0);
    ck_assert_mem_eq(&g, &r, sizeof(r));
    for (i = 0; i < ENCMIG_HS_REPLY_SIZE; i++)
        ck_assert_int_eq(parse_prefix(parse_reply, &enc, i, false, &g),
                         -EBADMSG);
    ck_assert_int_eq(parse_prefix(parse_reply, &enc, ENCMIG_HS_REPLY_SIZE,
                                  true, &g), -EBADMSG);
    wbuf_free(&enc);

    /* Header: the limit, short input, and what each type may be. */
    wbuf_init(&b, 16);
    ck_assert_int_eq(encmig_hs_put_header(&b, 2, ENCMIG_HS_MAX_BODY), 0);
    ck_assert_int_eq(encmig_hs_parse_header(&b, &type, &len), 0);
    ck_assert_uint_eq(type, 2);
    ck_assert_uint_eq(len, ENCMIG_HS_MAX_BODY);
    ck_assert_int_eq(encmig_hs_put_header(&b, 2, ENCMIG_HS_MAX_BODY + 1),
                     -EMSGSIZE);
    wbuf_reset(&b);
    ck_assert_int_eq(wbuf_put_u32be(&b, 1), 0);
    ck_assert_int_eq(wbuf_put_u32be(&b, ENCMIG_HS_MAX_BODY + 1), 0);
    ck_assert_int_eq(encmig_hs_parse_header(&b, &type, &len), -EMSGSIZE);
    wbuf_reset(&b);
    ck_assert_int_eq(wbuf_put_u32be(&b, 1), 0);
    ck_assert_int_eq(encmig_hs_parse_header(&b, &type, &len), -EBADMSG);
    wbuf_free(&b);

    ck_assert_int_eq(encmig_hs_check_len(1, ENCMIG_HS_HELLO_SIZE(0)), -EBADMSG);
    ck_assert_int_eq(encmig_hs_check_len(1, ENCMIG_HS_HELLO_SIZE(1) + 1),
                     -EBADMSG);
    ck_assert_int_eq(encmig_hs_check_len(1, ENCMIG_HS_HELLO_SIZE(9)), -EBADMSG);
    ck_assert_int_eq(encmig_hs_check_len(2, ENCMIG_HS_REPLY_SIZE), 0);
    ck_assert_int_eq(encmig_hs_check_len(2, ENCMIG_HS_REPLY_SIZE + 4),
                     -EBADMSG);
    ck_assert_int_eq(encmig_hs_check_len(3, 7), -EBADMSG);
    ck_assert_int_eq(encmig_hs_check_len(3, 8), 0);
    ck_assert_int_eq(encmig_hs_check_len(3, 8 + 256), 0);
    ck_assert_int_eq(encmig_hs_check_len(3, 8 + 257), -EBADMSG);
    ck_assert_int_eq(encmig_hs_check_len(0, 8), -EBADMSG);
    ck_assert_int_eq(encmig_hs_check_len(4, 8), -EBADMSG);

    /* Key material: 64 bytes, pad zero or refused. */
    memset(&km, 0x5a, sizeof(km));
    km.pad = 0;
    wbuf_init(&b, ENCMIG_HS_KEYMAT_SIZE);
    ck_assert_int_eq(encmig_hs_put_keymat(&b, &km), 0);
    ck_assert_uint_eq(wbuf_avail(&b), ENCMIG_HS_KEYMAT_SIZE);
    ck_assert_int_eq(encmig_hs_parse_keymat(&b, &km2), 0);
    ck_assert_mem_eq(&km, &km2, sizeof(km));
    wbuf_reset(&b);
    km.pad = 1;
    ck_assert_int_eq(encmig_hs_put_keymat(&b, &km), 0);
    ck_assert_int_eq(encmig_hs_parse_keymat(&b, &km2), -EBADMSG);
    wbuf_free(&b);
}
END_TEST

/* An ERROR body with this code, length field and raw text. */
static int raw_error(uint32_t code, uint32_t len, const char *text,
                     size_t text_len, struct encmig_hs_error *e)
{
    struct wbuf b;
    int rc;

    wbuf_init(&b, 1024);
    ck_assert_int_eq(wbuf_put_u32be(&b, code), 0);
    ck_assert_int_eq(wbuf_put_u32be(&b, len), 0);
    ck_assert_int_eq(wbuf_put(&b, text, text_len), 0);
    rc = encmig_hs_parse_error(&b, e);
    wbuf_free(&b);
    return rc;
}

START_TEST(test_codec_error)
{
    static const char *const good[] = {
        "plain", "", "caf\xc3\xa9", "\xe2\x82\xac 5", "\xf0\x9f\x98\x80",
        "\xf4\x8f\xbf\xbf",
    };
    static const char *const bad[] = {
        "line\nbreak", "\x1b[31m", "del\x7f", "\xc3", "\xc0\x80",
        "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc2\x9b",
        "\xff", "\x80", "\xf8\x88\x80\x80\x80",
    };
    char long_msg[ENCMIG_HS_MAX_ERRMSG + 2];
    struct encmig_hs_error e;
    struct wbuf b;
    size_t i;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        ck_assert_msg(raw_error(5, strlen(good[i]), good[i], strlen(good[i]),
                                &e) == 0, "good text %zu refused", i);
        ck_assert_str_eq(e.msg, good[i]);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(raw_error(5, strlen(bad[i]), bad[i], strlen(bad[i]),
                                &e) == -EBADMSG, "bad text %zu accepted", i);
    ck_assert_int_eq(raw_error(5, 1, "\0", 1, &e), -EBADMSG);

    memset(long_msg, 'x', sizeof(long_msg));
    ck_assert_int_eq(raw_error(5, ENCMIG_HS_MAX_ERRMSG, long_msg,
                               ENCMIG_HS_MAX_ERRMSG, &e), 0);
    ck_assert_uint_eq(strlen(e.msg), ENCMIG_HS_MAX_ERRMSG);
    ck_assert_int_eq(raw_error(5, ENCMIG_HS_MAX_ERRMSG + 1, long_msg,
                               ENCMIG_HS_MAX_ERRMSG + 1, &e), -EBADMSG);
    ck_assert_int_eq(raw_error(0, 2, "ok", 2, &e), -EBADMSG);
    ck_assert_int_eq(raw_error(4096, 2, "ok", 2, &e), -EBADMSG);
    ck_assert_int_eq(raw_error(5, 3, "ok", 2, &e), -EBADMSG);
    ck_assert_int_eq(raw_error(5, 1, "ok", 2, &e), -EBADMSG);
    ck_assert_int_eq(raw_error(5, 0xffffffffU, "ok", 2, &e), -EBADMSG);

    /* The sender makes its text safe and short. */
    wbuf_init(&b, ENCMIG_HS_ERROR_MAX_SIZE);
    ck_assert_int_eq(encmig_hs_put_error(&b, 5, "\x1b[31mred\n"), 0);
    ck_assert_int_eq(encmig_hs_parse_error(&b, &e), 0);
    ck_assert_str_eq(e.msg, "?[31mred?");
    wbuf_reset(&b);
    long_msg[sizeof(long_msg) - 1] = '\0';
    ck_assert_int_eq(encmig_hs_put_error(&b, 5, long_msg), 0);
    ck_assert_uint_eq(wbuf_avail(&b), ENCMIG_HS_ERROR_MAX_SIZE);
    ck_assert_int_eq(encmig_hs_parse_error(&b, &e), 0);
    wbuf_reset(&b);
    ck_assert_int_eq(encmig_hs_put_error(&b, 0, "x"), -EINVAL);
    wbuf_free(&b);
}
END_TEST

/* ---- the key schedule, against docs/handshake.md --------------------- */

static void unhex(const char *hex, uint8_t *out, size_t len)
{
    size_t i;

    ck_assert_uint_eq(strlen(hex), 2 * len);
    for (i = 0; i < len; i++) {
        unsigned int v;

        ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = v;
    }
}

START_TEST(test_key_schedule)
{
    /* RFC 7748, 6.1. */
    uint8_t a_priv[32], b_pub[32], want_shared[32], shared[32];
    uint8_t th[32], kek[32], want_kek[32], prk[32], wrapped[80], sig[64];
    uint8_t pt[64], hpub[32], bad[32], msg[16 + 32 + 80];
    static const uint8_t iv[12];
    struct xen_encmig_keymat km, km2;
    unsigned int mdlen = 0;
    EVP_PKEY *a, *host = NULL, *hpk;
    EVP_CIPHER_CTX *c;
    EVP_MD_CTX *m;
    char err[256];
    int n;
    size_t i;

    unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
          a_priv, 32);
    unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
          b_pub, 32);
    unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
          want_shared, 32);
    a = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, a_priv, 32);
    ck_assert_ptr_nonnull(a);
    ck_assert_int_eq(encmig_hs_eph_derive(a, b_pub, shared), 0);
    ck_assert_mem_eq(shared, want_shared, 32);
    /* A low-order point gives an all-zero secret: refused. */
    memset(bad, 0, sizeof(bad));
    ck_assert_int_eq(encmig_hs_eph_derive(a, bad, shared), -EBADMSG);
    bad[0] = 1;
    ck_assert_int_eq(encmig_hs_eph_derive(a, bad, shared), -EBADMSG);
    EVP_PKEY_free(a);

    /* TH = SHA-256("encmig-hs-v1" || HELLO || REPLY prefix). */
    m = EVP_MD_CTX_new();
    ck_assert_int_eq(encmig_hs_transcript((const uint8_t *)"hello", 5,
                                          (const uint8_t *)"prefix", 6, th),
                     0);
    ck_assert_int_eq(EVP_DigestInit_ex(m, EVP_sha256(), NULL), 1);
    ck_assert_int_eq(EVP_DigestUpdate(m, "encmig-hs-v1hellopre", 20), 1);
    ck_assert_int_eq(EVP_DigestUpdate(m, "fix", 3), 1);
    ck_assert_int_eq(EVP_DigestFinal_ex(m, prk, &mdlen), 1);
    ck_assert_mem_eq(th, prk, 32);

    /* KEK by hand: HKDF-Extract then one Expand block. */
    ck_assert_int_eq(encmig_hs_kek(want_shared, th, kek), 0);
    ck_assert_ptr_nonnull(HMAC(EVP_sha256(), th, 32, want_shared, 32, prk,
                               &mdlen));
    memcpy(msg, "encmig v1 kek\x01", 14);
    ck_assert_ptr_nonnull(HMAC(EVP_sha256(), prk, 32, msg, 14, want_kek,
                               &mdlen));
    ck_assert_mem_eq(kek, want_kek, 32);

    /* Wrap: AES-256-GCM, zero IV, AAD TH, over the 64-byte keymat. */
    memset(&km, 0, sizeof(km));
    for (i = 0; i < 32; i++)
        km.key[i] = i;
    memset(km.session_id, 0xaa, sizeof(km.session_id));
    memset(km.nonce_base, 0xbb, sizeof(km.nonce_base));
    ck_assert_int_eq(encmig_hs_wrap(kek, th, &km, wrapped), 0);
    c = EVP_CIPHER_CTX_new();
    ck_assert_int_eq(EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, kek, iv),
                     1);
    ck_assert_int_eq(EVP_DecryptUpdate(c, NULL, &n, th, 32), 1);
    ck_assert_int_eq(EVP_DecryptUpdate(c, pt, &n, wrapped, 64), 1);
    ck_assert_int_eq(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16,
                                         wrapped + 64), 1);
    ck_assert_int_eq(EVP_DecryptFinal_ex(c, pt + n, &n), 1);
    EVP_CIPHER_CTX_free(c);
    ck_assert_mem_eq(pt, &km, 60);
    ck_assert(all_zero(pt + 60, 4));
    ck_assert_int_eq(encmig_hs_unwrap(kek, th, wrapped, &km2), 0);
    ck_assert_mem_eq(&km, &km2, sizeof(km));
    th[0] ^= 1;
    ck_assert_int_eq(encmig_hs_unwrap(kek, th, wrapped, &km2), -EBADMSG);
    th[0] ^= 1;

    /* Signature: Ed25519 over "encmig-hs-v1 sig" || TH || wrapped. */
    keygen(dst_dir);
    ck_assert_int_eq(encmig_hostkey_load(dst_dir, &host, err, sizeof(err)),
                     0);
    ck_assert_int_eq(encmig_hostkey_public(host, hpub), 0);
    ck_assert_int_eq(encmig_hs_sign(host, th, wrapped, sig), 0);
    memcpy(msg, "encmig-hs-v1 sig", 16);
    memcpy(msg + 16, th, 32);
    memcpy(msg + 48, wrapped, 80);
    hpk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, hpub, 32);
    ck_assert_ptr_nonnull(hpk);
    ck_assert_int_eq(EVP_DigestVerifyInit(m, NULL, NULL, NULL, hpk), 1);
    ck_assert_int_eq(EVP_DigestVerify(m, sig, 64, msg, sizeof(msg)), 1);
    ck_assert_int_eq(encmig_hs_verify(hpub, th, wrapped, sig), 0);
    sig[10] ^= 4;
    ck_assert_int_eq(encmig_hs_verify(hpub, th, wrapped, sig), -EBADMSG);
    EVP_PKEY_free(hpk);
    EVP_PKEY_free(host);

    /* FTH = SHA-256(TH || wrapped || sig). */
    ck_assert_int_eq(encmig_hs_final_hash(th, wrapped, sig, kek), 0);
    ck_assert_int_eq(EVP_MD_CTX_reset(m), 1);
    ck_assert_int_eq(EVP_DigestInit_ex(m, EVP_sha256(), NULL), 1);
    ck_assert_int_eq(EVP_DigestUpdate(m, th, 32), 1);
    ck_assert_int_eq(EVP_DigestUpdate(m, wrapped, 80), 1);
    ck_assert_int_eq(EVP_DigestUpdate(m, sig, 64), 1);
    ck_assert_int_eq(EVP_DigestFinal_ex(m, prk, &mdlen), 1);
    ck_assert_mem_eq(kek, prk, 32);
    EVP_MD_CTX_free(m);
}
END_TEST

START_TEST(test_result_wipe)
{
    struct encmig_hs_result r;

    memset(&r, 0xa5, sizeof(r));
    encmig_hs_result_wipe(&r);
    ck_assert(all_zero(&r, sizeof(r)));
}
END_TEST

/* ---- host keys ---------------------------------------------------------- */

/* keygen's temporary files start with a dot. */
static bool has_temp_files(const char *dir)
{
    struct dirent *de;
    bool found = false;
    DIR *d = opendir(dir);

    ck_assert_ptr_nonnull(d);
    while ((de = readdir(d)))
        if (de->d_name[0] == '.' && strcmp(de->d_name, ".") &&
            strcmp(de->d_name, ".."))
            found = true;
    closedir(d);
    return found;
}

START_TEST(test_keygen)
{
    char kpath[PATH_MAX + 32], ppath[PATH_MAX + 32], err[512];
    char key1[4096], pub1[1024], key2[4096], pub2[1024];
    uint8_t pub[ENCMIG_PUBKEY_SIZE], pub_again[ENCMIG_PUBKEY_SIZE];
    char b64[ENCMIG_PUBKEY_B64_SIZE], line[512];
    char fresh[PATH_MAX + 16];
    EVP_PKEY *key = NULL;
    struct stat st;
    int rc;

    snprintf(kpath, sizeof(kpath), "%s/%s", dst_dir, ENCMIG_HOSTKEY_FILE);
    snprintf(ppath, sizeof(ppath), "%s/%s", dst_dir, ENCMIG_HOSTKEY_PUB_FILE);

    keygen(dst_dir);
    ck_assert_int_eq(stat(kpath, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
    ck_assert_int_eq(stat(ppath, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0644);
    read_file(kpath, key1, sizeof(key1));
    read_file(ppath, pub1, sizeof(pub1));
    ck_assert_msg(!strncmp(key1, "-----BEGIN PRIVATE KEY-----\n", 28),
                  "not PKCS#8 PEM");
    ck_assert(!has_temp_files(dst_dir));

    /* The .pub line is the private key's public half. */
    ck_assert_int_eq(encmig_hostkey_load(dst_dir, &key, err, sizeof(err)), 0);
    ck_assert_int_eq(encmig_hostkey_public(key, pub), 0);
    EVP_PKEY_free(key);
    load_pub(dst_dir, pub_again);
    ck_assert_mem_eq(pub, pub_again, sizeof(pub));
    ck_assert_int_eq(encmig_pubkey_to_b64(pub, b64), 0);
    snprintf(line, sizeof(line), "%s %s test key\n", ENCMIG_KEYTYPE, b64);
    ck_assert_str_eq(pub1, line);

    /* Never overwritten without force. */
    rc = encmig_hostkey_generate(dst_dir, NULL, false, err, sizeof(err));
    ck_assert_int_eq(rc, -EEXIST);
    ck_assert_msg(strstr(err, "refusing to overwrite"), "%s", err);
    read_file(kpath, key2, sizeof(key2));
    read_file(ppath, pub2, sizeof(pub2));
    ck_assert_str_eq(key1, key2);
    ck_assert_str_eq(pub1, pub2);
    ck_assert(!has_temp_files(dst_dir));

    /* Not even when only the .pub is left. */
    ck_assert_int_eq(unlink(kpath), 0);
    ck_assert_int_eq(encmig_hostkey_generate(dst_dir, NULL, false, err,
                                             sizeof(err)), -EEXIST);
    ck_assert_int_eq(access(kpath, F_OK), -1);

    /* With force: a new key, same modes. */
    rc = encmig_hostkey_generate(dst_dir, NULL, true, err, sizeof(err));
    ck_assert_msg(rc == 0, "%d %s", rc, err);
    read_file(kpath, key2, sizeof(key2));
    ck_assert_str_ne(key1, key2);
    ck_assert_int_eq(stat(kpath, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
    ck_assert(!has_temp_files(dst_dir));

    /* A comment that would break the line is refused. */
    ck_assert_int_eq(encmig_hostkey_generate(dst_dir, "a\nb", true, err,
                                             sizeof(err)), -EINVAL);

    /* The directory is created when missing. */
    snprintf(fresh, sizeof(fresh), "%s/fresh", tdir);
    keygen(fresh);
}
END_TEST

START_TEST(test_hostkey_load_refuses)
{
    char kpath[PATH_MAX + 32], err[512];
    EVP_PKEY *key = NULL;
    int rc;

    snprintf(kpath, sizeof(kpath), "%s/%s", dst_dir, ENCMIG_HOSTKEY_FILE);
    rc = encmig_hostkey_load(dst_dir, &key, err, sizeof(err));
    ck_assert_int_eq(rc, -ENOENT);
    ck_assert_ptr_null(key);

    keygen(dst_dir);
    ck_assert_int_eq(chmod(kpath, 0640), 0);
    rc = encmig_hostkey_load(dst_dir, &key, err, sizeof(err));
    ck_assert_int_eq(rc, -EACCES);
    ck_assert_msg(strstr(err, "too open"), "%s", err);
    ck_assert_ptr_null(key);

    /* Not a PEM key; and an X25519 key is not a host key. */
    write_file(kpath, "garbage\n", 8);
    ck_assert_int_eq(chmod(kpath, 0600), 0);
    ck_assert_int_eq(encmig_hostkey_load(dst_dir, &key, err, sizeof(err)),
                     -EINVAL);
    {
        EVP_PKEY *x = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
        BIO *bio = BIO_new(BIO_s_mem());
        char *data;
        long len;

        ck_assert_int_eq(PEM_write_bio_PrivateKey(bio, x, NULL, NULL, 0,
                                                  NULL, NULL), 1);
        len = BIO_get_mem_data(bio, &data);
        write_file(kpath, data, len);
        BIO_free(bio);
        EVP_PKEY_free(x);
    }
    ck_assert_int_eq(chmod(kpath, 0600), 0);
    ck_assert_int_eq(encmig_hostkey_load(dst_dir, &key, err, sizeof(err)),
                     -EINVAL);
    ck_assert_msg(strstr(err, "not an Ed25519"), "%s", err);

    /* Too big to be a key: refused before it is read. */
    {
        static char big[8192];

        memset(big, 'A', sizeof(big));
        write_file(kpath, big, sizeof(big));
        ck_assert_int_eq(chmod(kpath, 0600), 0);
        ck_assert_int_eq(encmig_hostkey_load(dst_dir, &key, err,
                                             sizeof(err)), -EFBIG);
    }
}
END_TEST

START_TEST(test_fingerprint_and_b64)
{
    uint8_t zero[32] = { 0 }, pub[32], back[32];
    char fp[ENCMIG_FINGERPRINT_SIZE], b64[ENCMIG_PUBKEY_B64_SIZE];
    size_t i;

    /* SHA-256 of 32 zero bytes, in unpadded base64. */
    fingerprint(zero, fp);
    ck_assert_str_eq(fp, "SHA256:Zmh6rfhivXdsj8GLjp+OIAiXFIVu4jOzkCpZHQ1fKSU");

    keygen(dst_dir);
    load_pub(dst_dir, pub);
    fingerprint(pub, fp);
    ck_assert_uint_eq(strlen(fp), 7 + 43);
    ck_assert(!strncmp(fp, "SHA256:", 7));
    ck_assert(!strchr(fp, '='));
    for (i = 7; fp[i]; i++)
        ck_assert_msg(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
                             "vwxyz0123456789+/", fp[i]), "bad char in %s", fp);

    ck_assert_int_eq(encmig_pubkey_to_b64(pub, b64), 0);
    ck_assert_uint_eq(strlen(b64), 44);
    ck_assert_int_eq(encmig_pubkey_from_b64(b64, back), 0);
    ck_assert_mem_eq(pub, back, 32);

    /* Only the canonical spelling. */
    ck_assert_int_eq(encmig_pubkey_from_b64(
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", back), 0);
    ck_assert(all_zero(back, 32));
    ck_assert_int_eq(encmig_pubkey_from_b64(
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=", back), -EINVAL);
    ck_assert_int_eq(encmig_pubkey_from_b64(
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", back), -EINVAL);
    ck_assert_int_eq(encmig_pubkey_from_b64(
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", back), -EINVAL);
    ck_assert_int_eq(encmig_pubkey_from_b64(
        " AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", back), -EINVAL);
    ck_assert_int_eq(encmig_pubkey_from_b64(
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*A=", back), -EINVAL);
}
END_TEST

/* ---- known_hosts -------------------------------------------------------- */

/* The padded base64 of 32 zero bytes. */
#define ZERO_B64 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

START_TEST(test_known_hosts_malformed)
{
    static const char *const bad_lines[] = {
        "dest.example encmig-ed25519",
        "dest.example ssh-ed25519 " ZERO_B64,
        "dest.example encmig-ed25519 notbase64",
        /* non-zero trailing bits */
        "dest.example encmig-ed25519 "
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=",
        "dest.example encmig-ed25519 " ZERO_B64 "A",
        "\x01host encmig-ed25519 " ZERO_B64,
    };
    uint8_t zero[32] = { 0 };
    char data[4096], err[512];
    char big[ENCMIG_KNOWN_HOSTS_MAX_LINE + 64];
    size_t i;
    int len, rc;

    for (i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
        len = snprintf(data, sizeof(data),
                       "# pinned hosts\n"
                       "\n"
                       "other.example %s " ZERO_B64 " c\n"
                       "   \t\n"
                       "%s\n"
                       "dest.example %s " ZERO_B64 "\n",
                       ENCMIG_KEYTYPE, bad_lines[i], ENCMIG_KEYTYPE);
        write_file(kh, data, len);
        rc = encmig_known_hosts_check(kh, HOST, zero, true, err, sizeof(err));
        ck_assert_msg(rc == -EINVAL, "bad line %zu: %d %s", i, rc, err);
        ck_assert_msg(strstr(err, "known_hosts:5: malformed"),
                      "bad line %zu: %s", i, err);
    }

    /* Too long, and holding a NUL. */
    memset(big, 'h', sizeof(big));
    len = snprintf(data, sizeof(data), "# x\n");
    write_file(kh, data, len);
    {
        int fd = open(kh, O_WRONLY | O_APPEND);

        ck_assert_int_eq(encmig_write_full(fd, big, sizeof(big)), 0);
        ck_assert_int_eq(encmig_write_full(fd, "\n", 1), 0);
        close(fd);
    }
    rc = encmig_known_hosts_check(kh, HOST, zero, true, err, sizeof(err));
    ck_assert_int_eq(rc, -EINVAL);
    ck_assert_msg(strstr(err, "known_hosts:2: malformed"), "%s", err);

    write_file(kh, "# a\n# b\nhost\0 x y\n", 18);
    rc = encmig_known_hosts_check(kh, HOST, zero, true, err, sizeof(err));
    ck_assert_int_eq(rc, -EINVAL);
    ck_assert_msg(strstr(err, "known_hosts:3: malformed"), "%s", err);

    /* The good version of that file: comments, blanks, a trailing
     * comment field, case-insensitive host. */
    len = snprintf(data, sizeof(data),
                   "# pinned hosts\n\nDEST.example %s "
                   ZERO_B64 " added by hand\n",
                   ENCMIG_KEYTYPE);
    write_file(kh, data, len);
    rc = encmig_known_hosts_check(kh, HOST, zero, false, err, sizeof(err));
    ck_assert_msg(rc == 0, "%d %s", rc, err);

    /* Host names that cannot be written to a line. */
    ck_assert_int_eq(encmig_known_hosts_check(kh, "a b", zero, true, err,
                                              sizeof(err)), -EINVAL);
    ck_assert_int_eq(encmig_known_hosts_check(kh, "#x", zero, true, err,
                                              sizeof(err)), -EINVAL);
    ck_assert_int_eq(encmig_known_hosts_check(kh, "", zero, true, err,
                                              sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(test_known_hosts_append)
{
    uint8_t k1[32], k2[32];
    char data[4096], err[512], b64[ENCMIG_PUBKEY_B64_SIZE], want[4096];
    struct stat st;
    int rc;

    memset(k1, 1, sizeof(k1));
    memset(k2, 2, sizeof(k2));

    /* Missing file: unknown, then created 0644 (umask permitting). */
    umask(022);
    rc = encmig_known_hosts_check(kh, "a.example", k1, false, err,
                                  sizeof(err));
    ck_assert_int_eq(rc, -ENOENT);
    ck_assert_int_eq(access(kh, F_OK), -1);
    rc = encmig_known_hosts_check(kh, "a.example", k1, true, err, sizeof(err));
    ck_assert_msg(rc == 0, "%d %s", rc, err);
    ck_assert_int_eq(stat(kh, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0644);

    /* A file whose last line lacks its newline keeps its lines apart. */
    write_file(kh, "# no newline", 12);
    rc = encmig_known_hosts_check(kh, "b.example", k2, true, err, sizeof(err));
    ck_assert_msg(rc == 0, "%d %s", rc, err);
    ck_assert_int_eq(encmig_pubkey_to_b64(k2, b64), 0);
    snprintf(want, sizeof(want), "# no newline\nb.example %s %s\n",
             ENCMIG_KEYTYPE, b64);
    read_file(kh, data, sizeof(data));
    ck_assert_str_eq(data, want);

    /* Rotation: two lines for one host, either key accepted; a third
     * key is a change. */
    rc = encmig_known_hosts_check(kh, "b.example", k2, false, err,
                                  sizeof(err));
    ck_assert_int_eq(rc, 0);
    pin("b.example", k1);
    ck_assert_int_eq(encmig_known_hosts_check(kh, "b.example", k1, false, err,
                                              sizeof(err)), 0);
    memset(k1, 3, sizeof(k1));
    rc = encmig_known_hosts_check(kh, "b.example", k1, true, err, sizeof(err));
    ck_assert_int_eq(rc, -EKEYREJECTED);
    ck_assert_msg(strstr(err, "known_hosts:2 pins"), "%s", err);
}
END_TEST

static Suite *handshake_suite(void)
{
    Suite *s = suite_create("handshake");
    TCase *tc;

    tc = tcase_create("protocol");
    tcase_add_checked_fixture(tc, setup, teardown);
    /* The tamper loops run hundreds of handshakes (slower under ASan). */
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_handshake_ok);
    tcase_add_test(tc, test_unknown_host_refused);
    tcase_add_test(tc, test_accept_new_then_known);
    tcase_add_test(tc, test_changed_key_refused);
    tcase_add_test(tc, test_no_common_version);
    tcase_add_test(tc, test_no_common_suite);
    tcase_add_test(tc, test_dest_without_hostkey);
    tcase_add_test(tc, test_reply_byte_flip);
    tcase_add_test(tc, test_hello_byte_flip);
    tcase_add_test(tc, test_truncated_in_transit);
    tcase_add_test(tc, test_oversize_and_truncated_to_dest);
    tcase_add_test(tc, test_oversize_and_truncated_to_source);
    suite_add_tcase(s, tc);

    tc = tcase_create("codec");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_codec_hello);
    tcase_add_test(tc, test_codec_reply_header_keymat);
    tcase_add_test(tc, test_codec_error);
    tcase_add_test(tc, test_key_schedule);
    tcase_add_test(tc, test_result_wipe);
    suite_add_tcase(s, tc);

    tc = tcase_create("keys");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_keygen);
    tcase_add_test(tc, test_hostkey_load_refuses);
    tcase_add_test(tc, test_fingerprint_and_b64);
    tcase_add_test(tc, test_known_hosts_malformed);
    tcase_add_test(tc, test_known_hosts_append);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    const char *tmp = getenv("TMPDIR");

    /* A peer that goes away must give -EPIPE, not kill us (see io.h). */
    signal(SIGPIPE, SIG_IGN);
    snprintf(base_dir, sizeof(base_dir), "%s/check_handshake-XXXXXX",
             tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(base_dir)) {
        perror("check_handshake: mkdtemp");
        return EXIT_FAILURE;
    }

    sr = srunner_create(handshake_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    rm_tree(base_dir);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
