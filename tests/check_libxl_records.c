/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_libxl_records.c: the codec of libxl's sealed records
 * (protocol/libxl-records.h): each frame bound to its number, type and
 * length; libxl's order; the stream headers; libxc's record boundaries.
 */

#include <check.h>
#include <errno.h>
#include <string.h>

#include "../tools/libxl-encmig/protocol/keys.h"
#include "../tools/libxl-encmig/protocol/libxl-records.h"
#include "../tools/libxl-encmig/protocol/records.h"

static const uint8_t key[32] = { 0x6c, 0x69, 0x62, 0x78, 0x6c };
static char err[256];

/* The order with n pieces of (type, length); the index of the first
 * refused, with its rc in *rc, or n. */
static unsigned int run_order(const uint32_t (*seq)[2], unsigned int n,
                              int *rc)
{
    struct encmig_lxr x;
    unsigned int i;

    encmig_lxr_init(&x, key);
    *rc = 0;
    for (i = 0; i < n; i++)
        if ((*rc = encmig_lxr_next(&x, seq[i][0], seq[i][1], err,
                                   sizeof(err))))
            break;
    encmig_lxr_wipe(&x);
    return i;
}

#define HDR   { ENCMIG_LXR_STREAM_HDR, LXR_HDR_SIZE }
#define LIBXC { LXR_TYPE_LIBXC_CONTEXT, 0 }
#define XS    { LXR_TYPE_EMULATOR_XENSTORE_DATA, 40 }
#define EMU   { LXR_TYPE_EMULATOR_CONTEXT, 4096 }
#define END   { LXR_TYPE_END, 0 }
#define RUN(rc, ...) ({                                              \
    static const uint32_t s_[][2] = { __VA_ARGS__ };                 \
    run_order(s_, sizeof(s_) / sizeof(s_[0]), rc); })

START_TEST(test_order_accepted)
{
    struct encmig_lxr x;
    int rc;

    ck_assert_uint_eq(RUN(&rc, HDR, LIBXC, END), 3);
    ck_assert_uint_eq(RUN(&rc, HDR, LIBXC, XS, END), 4);
    ck_assert_uint_eq(RUN(&rc, HDR, LIBXC, EMU, END), 4);
    ck_assert_uint_eq(RUN(&rc, HDR, LIBXC, XS, EMU, END), 5);
    ck_assert_int_eq(rc, 0);

    encmig_lxr_init(&x, key);
    ck_assert(!encmig_lxr_done(&x));
    ck_assert_int_eq(encmig_lxr_next(&x, ENCMIG_LXR_STREAM_HDR, 16, err,
                                     sizeof(err)), 0);
    ck_assert_int_eq(encmig_lxr_next(&x, 1, 0, err, sizeof(err)), 0);
    ck_assert_int_eq(encmig_lxr_next(&x, 0, 0, err, sizeof(err)), 0);
    ck_assert(encmig_lxr_done(&x));
    encmig_lxr_wipe(&x);
    ck_assert(!encmig_lxr_done(&x));
    ck_assert_int_eq(encmig_lxr_next(&x, 0, 0, err, sizeof(err)), -EPROTO);
}
END_TEST

START_TEST(test_order_refused)
{
    int rc;

    /* Out of order: the index refused and -EBADMSG. */
    ck_assert_uint_eq(RUN(&rc, LIBXC), 0);
    ck_assert_int_eq(rc, -EBADMSG);
    ck_assert_uint_eq(RUN(&rc, END), 0);
    ck_assert_uint_eq(RUN(&rc, HDR, HDR), 1);
    ck_assert_uint_eq(RUN(&rc, HDR, END), 1);
    ck_assert_uint_eq(RUN(&rc, HDR, XS), 1);
    ck_assert_uint_eq(RUN(&rc, HDR, LIBXC, LIBXC), 2);
    ck_assert_uint_eq(RUN(&rc, HDR, LIBXC, EMU, XS), 3);
    ck_assert_uint_eq(RUN(&rc, HDR, LIBXC, XS, XS), 3);
    ck_assert_uint_eq(RUN(&rc, HDR, LIBXC, EMU, EMU), 3);
    ck_assert_uint_eq(RUN(&rc, HDR, LIBXC, END, END), 3);
    ck_assert_uint_eq(RUN(&rc, HDR, LIBXC, END, XS), 3);
    ck_assert_uint_eq(RUN(&rc, HDR, LIBXC, END, HDR), 3);
    ck_assert_int_eq(rc, -EBADMSG);

    /* Types an encrypted migration never carries: checkpoints, future. */
    ck_assert_uint_eq(RUN(&rc, HDR, LIBXC, { 4, 0 }), 2);
    ck_assert_int_eq(rc, -EOPNOTSUPP);
    ck_assert_uint_eq(RUN(&rc, HDR, LIBXC, { 5, 4 }), 2);
    ck_assert_int_eq(rc, -EOPNOTSUPP);
    ck_assert_uint_eq(RUN(&rc, HDR, LIBXC, { 6, 8 }), 2);
    ck_assert_int_eq(rc, -EOPNOTSUPP);
    ck_assert_uint_eq(RUN(&rc, HDR, LIBXC, { 0x80000001U, 8 }), 2);
    ck_assert_int_eq(rc, -EOPNOTSUPP);
    ck_assert_uint_eq(RUN(&rc, { 0xfffffffeU, 16 }), 0);
    ck_assert_int_eq(rc, -EOPNOTSUPP);

    /* Lengths a type cannot have, refused before the body is read. */
    ck_assert_uint_eq(RUN(&rc, { ENCMIG_LXR_STREAM_HDR, 15 }), 0);
    ck_assert_int_eq(rc, -EMSGSIZE);
    ck_assert_uint_eq(RUN(&rc, { ENCMIG_LXR_STREAM_HDR, 17 }), 0);
    ck_assert_int_eq(rc, -EMSGSIZE);
    ck_assert_uint_eq(RUN(&rc, HDR, { 1, 8 }), 1);
    ck_assert_int_eq(rc, -EMSGSIZE);
    ck_assert_uint_eq(RUN(&rc, HDR, LIBXC, { 2, 7 }), 2);
    ck_assert_int_eq(rc, -EMSGSIZE);
    ck_assert_uint_eq(RUN(&rc, HDR, LIBXC, { 3, LXR_EMULATOR_MAX + 1 }), 2);
    ck_assert_int_eq(rc, -EMSGSIZE);
    ck_assert_uint_eq(RUN(&rc, HDR, LIBXC, { 3, 0xffffffffU }), 2);
    ck_assert_int_eq(rc, -EMSGSIZE);
    ck_assert_uint_eq(RUN(&rc, HDR, LIBXC, { 0, 8 }), 2);
    ck_assert_int_eq(rc, -EMSGSIZE);
    ck_assert_uint_eq(RUN(&rc, HDR, LIBXC, { 3, LXR_EMULATOR_MAX }, END), 4);
}
END_TEST

/* Seal one frame as sender frame n; open it at receiver frame m. */
static int seal_open(uint64_t n, uint32_t type, uint32_t len,
                     uint64_t m, uint32_t otype, uint32_t olen,
                     size_t flip, uint8_t *out)
{
    struct encmig_lxr s, r;
    uint8_t body[64], ct[64], tag[16], hdr[8], tmp[80];
    uint32_t t, l;
    int rc;

    ck_assert_uint_le(len, sizeof(body));
    memset(body, 0xb5, sizeof(body));
    encmig_lxr_init(&s, key);
    encmig_lxr_init(&r, key);
    s.seq = n;
    r.seq = m;
    ck_assert_int_eq(encmig_lxr_seal(&s, type, len, body, hdr, ct, tag), 0);
    encmig_hdr8_get(hdr, &t, &l);
    ck_assert_uint_eq(t, type);
    ck_assert_uint_eq(l, len);
    ck_assert_uint_eq(s.seq, n + 1);
    ck_assert(!len || memcmp(ct, body, len));
    /* flip: a bit of the ciphertext, then of the tag (~0: none). */
    memcpy(tmp, ct, len);
    memcpy(tmp + len, tag, 16);
    if (flip != (size_t)~0)
        tmp[flip / 8] ^= 1U << (flip % 8);
    memset(out, 0xee, 64);
    rc = encmig_lxr_open(&r, otype, olen, tmp, tmp + olen, out, err,
                         sizeof(err));
    ck_assert_uint_eq(r.seq, m + 1);
    if (!rc)
        ck_assert(!memcmp(out, body, olen));
    encmig_lxr_wipe(&s);
    encmig_lxr_wipe(&r);
    return rc;
}

START_TEST(test_seal_open)
{
    static const uint8_t zero[64];
    uint8_t out[64];
    size_t bit;

    ck_assert_int_eq(seal_open(0, ENCMIG_LXR_STREAM_HDR, 16, 0,
                               ENCMIG_LXR_STREAM_HDR, 16, ~0, out), 0);
    ck_assert_int_eq(seal_open(1, 1, 0, 1, 1, 0, ~0, out), 0);
    ck_assert_int_eq(seal_open(3, 3, 40, 3, 3, 40, ~0, out), 0);

    /* The AAD binds number, type and length; a frame opens only there. */
    ck_assert_int_eq(seal_open(3, 3, 40, 2, 3, 40, ~0, out), -EBADMSG);
    ck_assert_int_eq(seal_open(3, 3, 40, 4, 3, 40, ~0, out), -EBADMSG);
    ck_assert_int_eq(seal_open(3, 3, 40, 3, 2, 40, ~0, out), -EBADMSG);
    ck_assert_int_eq(seal_open(2, 0, 0, 2, 1, 0, ~0, out), -EBADMSG);
    ck_assert_int_eq(seal_open(3, 3, 40, 3, 3, 32, ~0, out), -EBADMSG);
    /* Every bit of ciphertext and tag; nothing of a failed open is left. */
    for (bit = 0; bit < (40 + 16) * 8; bit++) {
        ck_assert_int_eq(seal_open(3, 3, 40, 3, 3, 40, bit, out), -EBADMSG);
        ck_assert(!memcmp(out, zero, 40));
    }
    for (bit = 0; bit < 16 * 8; bit++)
        ck_assert_int_eq(seal_open(4, 0, 0, 4, 0, 0, bit, out), -EBADMSG);
}
END_TEST

START_TEST(test_other_key_refused)
{
    struct encmig_lxr s, r;
    uint8_t other[32], body[24] = "the emulator's state", ct[24], tag[16],
            hdr[8], out[24];

    memcpy(other, key, 32);
    other[31] ^= 1;
    encmig_lxr_init(&s, key);
    encmig_lxr_init(&r, other);
    ck_assert_int_eq(encmig_lxr_seal(&s, 3, 24, body, hdr, ct, tag), 0);
    ck_assert_int_eq(encmig_lxr_open(&r, 3, 24, ct, tag, out, err,
                                     sizeof(err)), -EBADMSG);
    ck_assert_ptr_nonnull(strstr(err, "failed authentication"));
    /* A wiped sequence seals and opens nothing. */
    encmig_lxr_wipe(&s);
    ck_assert_int_eq(encmig_lxr_seal(&s, 3, 24, body, hdr, ct, tag),
                     -EPROTO);
    encmig_lxr_wipe(&r);
}
END_TEST

START_TEST(test_libxl_key)
{
    struct xen_encmig_keymat km;
    struct encmig_keys k;
    static const uint8_t zero[32];

    memset(&km, 0x42, sizeof(km));
    km.pad = 0;
    ck_assert_int_eq(encmig_keys_derive(&km, &k), 0);
    /* Its own key: no other use shares it. */
    ck_assert(memcmp(k.libxl, zero, 32));
    ck_assert(memcmp(k.libxl, k.pages.key, 32));
    ck_assert(memcmp(k.libxl, k.end, 32));
    ck_assert(memcmp(k.libxl, k.state, 32));
    ck_assert(memcmp(k.libxl, k.config, 32));
    ck_assert(memcmp(k.libxl, k.control[0], 32));
    ck_assert(memcmp(k.libxl, k.control[1], 32));
    encmig_keys_wipe(&k);
    ck_assert(!memcmp(k.libxl, zero, 32));
}
END_TEST

START_TEST(test_stream_hdr)
{
    uint8_t h[LXR_HDR_SIZE] = { 'L', 'i', 'b', 'x', 'l', 'F', 'm', 't',
                                0, 0, 0, 2, 0, 0, 0, 0 };

    ck_assert_int_eq(encmig_lxr_stream_hdr_check(h, err, sizeof(err)), 0);
    h[0] = 'l';
    ck_assert_int_eq(encmig_lxr_stream_hdr_check(h, err, sizeof(err)),
                     -EBADMSG);
    h[0] = 'L';
    h[11] = 1;
    ck_assert_int_eq(encmig_lxr_stream_hdr_check(h, err, sizeof(err)),
                     -EPROTONOSUPPORT);
    h[11] = 2;
    h[15] = 1;                  /* big-endian */
    ck_assert_int_eq(encmig_lxr_stream_hdr_check(h, err, sizeof(err)),
                     -EPROTONOSUPPORT);
    h[15] = 2;                  /* legacy */
    ck_assert_int_eq(encmig_lxr_stream_hdr_check(h, err, sizeof(err)),
                     -EPROTONOSUPPORT);
}
END_TEST

START_TEST(test_libxc_framing)
{
    uint8_t h[IHDR_SIZE + DHDR_SIZE] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 'X', 'E', 'N', 'F',
        0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 0, 0, 0, 12, 0, 0, 0, 4, 0, 0, 0, 17, 0, 0, 0 };
    uint8_t r[REC_HDR_SIZE];
    uint32_t type;
    uint64_t rest;

    ck_assert_int_eq(encmig_lxc_headers_check(h, err, sizeof(err)), 0);
    h[8] = 'x';
    ck_assert_int_eq(encmig_lxc_headers_check(h, err, sizeof(err)),
                     -EBADMSG);
    h[8] = 'X';
    h[15] = 2;
    ck_assert_int_eq(encmig_lxc_headers_check(h, err, sizeof(err)),
                     -EPROTONOSUPPORT);
    h[15] = 3;
    h[17] = 1;                  /* big-endian */
    ck_assert_int_eq(encmig_lxc_headers_check(h, err, sizeof(err)),
                     -EPROTONOSUPPORT);

    encmig_hdr8_put(r, REC_TYPE_ENCMIG_PAGES, 13);
    ck_assert_int_eq(encmig_lxc_rec_check(r, &type, &rest, err,
                                          sizeof(err)), 0);
    ck_assert_uint_eq(type, REC_TYPE_ENCMIG_PAGES);
    ck_assert_uint_eq(rest, 16);
    encmig_hdr8_put(r, 0x80000123U, LXC_REC_LENGTH_MAX);
    ck_assert_int_eq(encmig_lxc_rec_check(r, &type, &rest, err,
                                          sizeof(err)), 0);
    ck_assert_uint_eq(rest, LXC_REC_LENGTH_MAX);
    encmig_hdr8_put(r, 1, LXC_REC_LENGTH_MAX + 1);
    ck_assert_int_eq(encmig_lxc_rec_check(r, &type, &rest, err,
                                          sizeof(err)), -EMSGSIZE);
    encmig_hdr8_put(r, 1, 0xffffffffU);
    ck_assert_int_eq(encmig_lxc_rec_check(r, &type, &rest, err,
                                          sizeof(err)), -EMSGSIZE);
    encmig_hdr8_put(r, REC_TYPE_END, 0);
    ck_assert_int_eq(encmig_lxc_rec_check(r, &type, &rest, err,
                                          sizeof(err)), 0);
    ck_assert_uint_eq(rest, 0);
    encmig_hdr8_put(r, REC_TYPE_END, 8);
    ck_assert_int_eq(encmig_lxc_rec_check(r, &type, &rest, err,
                                          sizeof(err)), -EBADMSG);
}
END_TEST

static Suite *lxr_suite(void)
{
    Suite *s = suite_create("libxl-records");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_order_accepted);
    tcase_add_test(tc, test_order_refused);
    tcase_add_test(tc, test_seal_open);
    tcase_add_test(tc, test_other_key_refused);
    tcase_add_test(tc, test_libxl_key);
    tcase_add_test(tc, test_stream_hdr);
    tcase_add_test(tc, test_libxc_framing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(lxr_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
