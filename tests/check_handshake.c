/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_handshake.c: the key handshake end to end over socketpairs, with
 * a relay that corrupts or cuts the stream in transit, and each end alone
 * against hostile bytes.
 */

/* memmem() */
#define _GNU_SOURCE

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hstest.h"
#include "../tools/libxl-encmig/io.h"

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
    sc.min_version = 3;
    sc.max_version = 4;

    run_hs(&sc, &dc, NULL, &s, &d);
    ck_assert_int_eq(d.rc, -EPROTONOSUPPORT);
    assert_refused(&d);
    ck_assert_int_eq(s.rc, -EPROTONOSUPPORT);
    assert_refused(&s);
    /* The source shows the destination's own words. */
    ck_assert_msg(strstr(s.err, "no common protocol version: the source "
                         "offers 3..4, the destination supports 2..2"),
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

/* ---- the source's identity ------------------------------------------- */

/* Both ends' keys in place, the destination pinned by the source. */
static void two_hosts(struct encmig_hs_config *sc, struct encmig_hs_config *dc)
{
    uint8_t pub[ENCMIG_PUBKEY_SIZE];

    keygen(dst_dir);
    load_pub(dst_dir, pub);
    pin(HOST, pub);
    configs(sc, dc);
}

START_TEST(test_source_without_hostkey)
{
    struct encmig_hs_config sc, dc;
    char path[PATH_MAX + 32];
    struct end s, d;

    two_hosts(&sc, &dc);
    snprintf(path, sizeof(path), "%s/%s", src_dir, ENCMIG_HOSTKEY_FILE);
    ck_assert_int_eq(unlink(path), 0);
    run_hs(&sc, &dc, NULL, &s, &d);
    ck_assert_int_eq(s.rc, -ENOKEY);
    assert_refused(&s);
    ck_assert_msg(strstr(s.err, "encmig keygen"), "%s", s.err);
    /* Nothing was sent. */
    ck_assert_int_eq(d.rc, -EPIPE);
    assert_refused(&d);
}
END_TEST

/*
 * A source whose key is not listed is refused on its HELLO, before the
 * destination touches its own key, with a reason both operators can act
 * on; listed, it is let in under its name.
 */
START_TEST(test_unlisted_source_refused)
{
    struct encmig_hs_config sc, dc;
    uint8_t other_pub[ENCMIG_PUBKEY_SIZE];
    char other[PATH_MAX + 16], fp[ENCMIG_FINGERPRINT_SIZE];
    struct end s, d;

    two_hosts(&sc, &dc);
    snprintf(other, sizeof(other), "%s/other", tdir);
    keygen(other);
    load_pub(other, other_pub);
    ck_assert_int_eq(unlink(as), 0);
    write_file(as, "# sources\n", 10);
    list_key(as, "other.example", other_pub);
    fingerprint(src_pub, fp);

    run_hs(&sc, &dc, NULL, &s, &d);
    ck_assert_int_eq(d.rc, -EACCES);
    assert_refused(&d);
    ck_assert_msg(strstr(d.err, as) && strstr(d.err, fp), "%s", d.err);
    ck_assert_int_eq(s.rc, -EACCES);
    assert_refused(&s);
    ck_assert_msg(strstr(s.err, fp) && strstr(s.err, "authorized_sources"),
                  "%s", s.err);
    ck_assert_msg(!strstr(s.err, dst_dir), "path leaked: %s", s.err);

    list_key(as, "Src-B", src_pub);
    run_hs(&sc, &dc, NULL, &s, &d);
    ck_assert_msg(s.rc == 0 && d.rc == 0, "%s / %s", s.err, d.err);
    ck_assert_str_eq(d.res.peer_name, "Src-B");
    ck_assert_mem_eq(d.res.peer_pub, src_pub, sizeof(src_pub));
}
END_TEST

START_TEST(test_authorized_sources_missing_or_malformed)
{
    struct encmig_hs_config sc, dc;
    char fp[ENCMIG_FINGERPRINT_SIZE];
    struct end s, d;

    two_hosts(&sc, &dc);
    fingerprint(src_pub, fp);
    ck_assert_int_eq(unlink(as), 0);
    run_hs(&sc, &dc, NULL, &s, &d);
    ck_assert_int_eq(d.rc, -EACCES);
    assert_refused(&d);
    ck_assert_msg(strstr(d.err, as) && strstr(d.err, "does not exist") &&
                  strstr(d.err, fp), "%s", d.err);
    ck_assert_int_eq(s.rc, -EACCES);

    /* A mangled line may be the one that matters: no source at all. */
    write_file(as, "src.example encmig-ed25519\n", 27);
    run_hs(&sc, &dc, NULL, &s, &d);
    ck_assert_int_eq(d.rc, -EACCES);
    ck_assert_msg(strstr(d.err, "authorized_sources:1: malformed"), "%s",
                  d.err);
    ck_assert_int_eq(s.rc, -EACCES);
}
END_TEST

/* Every byte of SOURCE_AUTH flipped: the destination takes nothing. */
START_TEST(test_source_auth_byte_flip)
{
    struct encmig_hs_config sc, dc;
    struct tamper t = no_tamper;
    struct end s, d;
    long i;

    two_hosts(&sc, &dc);
    for (i = HELLO_STREAM; i < HELLO_STREAM + AUTH_STREAM; i++) {
        t.s2d_flip = i;
        t.mask = 0x10;
        run_hs(&sc, &dc, &t, &s, &d);
        ck_assert_msg(d.rc < 0, "flip of SOURCE_AUTH byte %ld accepted", i);
        assert_refused(&d);
        if (i >= HELLO_STREAM + ENCMIG_HS_HEADER_SIZE)
            ck_assert_msg(d.rc == -EBADMSG && strstr(d.err, "signature"),
                          "byte %ld: %d %s", i, d.rc, d.err);
    }
}
END_TEST

/* A signature by the right key, over another session: refused. */
START_TEST(test_source_auth_from_another_session)
{
    struct encmig_hs_config sc, dc;
    struct tamper t = no_tamper;
    struct recording rec;
    uint8_t old[AUTH_STREAM];
    struct end s, d;

    two_hosts(&sc, &dc);
    t.record = &rec;
    run_hs(&sc, &dc, &t, &s, &d);
    assert_ok(&s, &d);
    ck_assert_uint_eq(rec.len, HELLO_STREAM + AUTH_STREAM);
    memcpy(old, rec.buf + HELLO_STREAM, sizeof(old));

    t = no_tamper;
    t.splice = old;
    t.splice_at = HELLO_STREAM;
    t.splice_len = sizeof(old);
    run_hs(&sc, &dc, &t, &s, &d);
    ck_assert_int_eq(d.rc, -EBADMSG);
    assert_refused(&d);
    ck_assert_msg(strstr(d.err, "signature does not verify"), "%s", d.err);
}
END_TEST

/* The operator's way out of the list: any key, but still proven. */
START_TEST(test_any_source)
{
    struct encmig_hs_config sc, dc;
    struct tamper t = no_tamper;
    struct end s, d;

    two_hosts(&sc, &dc);
    ck_assert_int_eq(unlink(as), 0);
    dc.any_source = true;
    run_hs(&sc, &dc, NULL, &s, &d);
    assert_ok(&s, &d);

    t.s2d_flip = HELLO_STREAM + ENCMIG_HS_HEADER_SIZE + 5;
    t.mask = 1;
    run_hs(&sc, &dc, &t, &s, &d);
    ck_assert_int_eq(d.rc, -EBADMSG);
    assert_refused(&d);
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
        /* The source hangs up instead of signing what it refused. */
        ck_assert_msg(d.rc == -EPIPE, "destination: %d %s", d.rc, d.err);
        assert_refused(&d);
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
    /* The source has said all it had to; the destination takes nothing. */
    for (i = HELLO_STREAM; i < HELLO_STREAM + AUTH_STREAM; i++) {
        t = no_tamper;
        t.s2d_cut = i;
        run_hs(&sc, &dc, &t, &s, &d);
        ck_assert_msg(d.rc == -EPIPE, "SOURCE_AUTH cut at %ld: %d %s", i,
                      d.rc, d.err);
        assert_refused(&d);
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

    /* A version-1 source's HELLO: told which version is spoken here. */
    frame(&in, ENCMIG_HS_MSG_HELLO, ENCMIG_HS_HELLO_SIZE(1) -
          ENCMIG_HS_PUB_SIZE, body, ENCMIG_HS_HELLO_SIZE(1) -
          ENCMIG_HS_PUB_SIZE);
    alen = sizeof(ans);
    ck_assert_int_eq(against(true, &in, &e, ans, &alen), -EBADMSG);
    assert_error_answer(ans, alen, EBADMSG);
    ck_assert_msg(memmem(ans, alen, "version 2", 9), "no version named");

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
            .min_version = 2, .max_version = 2, .nr_suites = 1,
            .suites = { ENCMIG_HS_SUITE_X25519_AESGCM },
        };
        struct wbuf hb;

        memcpy(h.host_pub, src_pub, sizeof(h.host_pub));
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
    body[3] = ENCMIG_HS_VERSION_MAX;
    body[7] = ENCMIG_HS_SUITE_X25519_AESGCM;
    frame(&in, ENCMIG_HS_MSG_REPLY, ENCMIG_HS_REPLY_SIZE, body,
          ENCMIG_HS_REPLY_SIZE);
    ck_assert_int_eq(against(false, &in, &e, ans, &alen), -ENOENT);
    assert_refused(&e);
    memset(body, 0, sizeof(body));

    /* ERROR: its code and text come through; a bad one is refused. */
    wbuf_init(&err, ENCMIG_HS_ERROR_MAX_SIZE);
    ck_assert_int_eq(encmig_hs_put_error(&err, EPERM, "go away"), 0);
    frame(&in, ENCMIG_HS_MSG_ERROR, wbuf_avail(&err), wbuf_ptr(&err),
          wbuf_avail(&err));
    wbuf_free(&err);
    alen = sizeof(ans);
    ck_assert_int_eq(against(false, &in, &e, ans, &alen), -ECONNREFUSED);
    assert_refused(&e);
    ck_assert_msg(strstr(e.err, "refused the handshake: go away "
                         "(Operation not permitted)"), "%s", e.err);

    /* "Not authorized" keeps its code: the operator has a list to fix. */
    wbuf_init(&err, ENCMIG_HS_ERROR_MAX_SIZE);
    ck_assert_int_eq(encmig_hs_put_error(&err, EACCES, "not listed"), 0);
    frame(&in, ENCMIG_HS_MSG_ERROR, wbuf_avail(&err), wbuf_ptr(&err),
          wbuf_avail(&err));
    wbuf_free(&err);
    alen = sizeof(ans);
    ck_assert_int_eq(against(false, &in, &e, ans, &alen), -EACCES);
    assert_refused(&e);

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
    tcase_add_test(tc, test_source_without_hostkey);
    tcase_add_test(tc, test_unlisted_source_refused);
    tcase_add_test(tc, test_authorized_sources_missing_or_malformed);
    tcase_add_test(tc, test_source_auth_byte_flip);
    tcase_add_test(tc, test_source_auth_from_another_session);
    tcase_add_test(tc, test_any_source);
    tcase_add_test(tc, test_reply_byte_flip);
    tcase_add_test(tc, test_hello_byte_flip);
    tcase_add_test(tc, test_truncated_in_transit);
    tcase_add_test(tc, test_oversize_and_truncated_to_dest);
    tcase_add_test(tc, test_oversize_and_truncated_to_source);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    return hst_main("check_handshake", handshake_suite());
}
