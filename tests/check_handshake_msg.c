/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_handshake_msg.c: the handshake's message codec against hostile
 * bytes: every prefix, every stray byte, every field out of range.
 */

#include <check.h>
#include <errno.h>
#include <string.h>

#include "hstest.h"

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
    memset(h->host_pub, 0x33, sizeof(h->host_pub));
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

static int parse_source_auth(struct wbuf *b, void *o)
{
    return encmig_hs_parse_source_auth(b, o);
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
        ck_assert_int_eq(wbuf_put(&b, h.host_pub, 32), 0);
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
    ck_assert_int_eq(encmig_hs_check_len(4, ENCMIG_HS_SOURCE_AUTH_SIZE), 0);
    ck_assert_int_eq(encmig_hs_check_len(4, ENCMIG_HS_SOURCE_AUTH_SIZE + 1),
                     -EBADMSG);
    ck_assert_int_eq(encmig_hs_check_len(5, ENCMIG_HS_SOURCE_AUTH_SIZE),
                     -EBADMSG);
    /* A version-1 HELLO (no source key) has no version-2 length. */
    for (i = 1; i <= ENCMIG_HS_MAX_SUITES; i++)
        ck_assert_int_eq(encmig_hs_check_len(1, ENCMIG_HS_HELLO_SIZE(i) -
                                             ENCMIG_HS_PUB_SIZE), -EBADMSG);

    /* SOURCE_AUTH: the signature, exactly. */
    {
        struct encmig_hs_source_auth a, a2;

        for (i = 0; i < sizeof(a.sig); i++)
            a.sig[i] = 0x80 + i;
        wbuf_init(&b, ENCMIG_HS_MAX_BODY);
        ck_assert_int_eq(encmig_hs_put_source_auth(&b, &a), 0);
        ck_assert_uint_eq(wbuf_avail(&b), ENCMIG_HS_SOURCE_AUTH_SIZE);
        ck_assert_int_eq(parse_prefix(parse_source_auth, &b,
                                      ENCMIG_HS_SOURCE_AUTH_SIZE, false, &a2),
                         0);
        ck_assert_mem_eq(&a, &a2, sizeof(a));
        for (i = 0; i < ENCMIG_HS_SOURCE_AUTH_SIZE; i++)
            ck_assert_int_eq(parse_prefix(parse_source_auth, &b, i, false,
                                          &a2), -EBADMSG);
        ck_assert_int_eq(parse_prefix(parse_source_auth, &b,
                                      ENCMIG_HS_SOURCE_AUTH_SIZE, true, &a2),
                         -EBADMSG);
        wbuf_free(&b);
    }

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

static Suite *msg_suite(void)
{
    Suite *s = suite_create("handshake-msg");
    TCase *tc;

    tc = tcase_create("codec");
    tcase_add_test(tc, test_codec_hello);
    tcase_add_test(tc, test_codec_reply_header_keymat);
    tcase_add_test(tc, test_codec_error);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    return hst_main("check_handshake_msg", msg_suite());
}
