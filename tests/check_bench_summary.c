/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_bench_summary.c: the benchmark's reader of `encmig migrate --json`
 * takes the line encmig prints, in any key order, and refuses every line
 * that is not exactly that object; and the medians and ranges its report
 * is made of.
 */

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench/stats.h"
#include "bench/summary.h"

#define SHA "0123456789abcdef0123456789abcdef" \
            "0123456789abcdef0123456789abcdef"

/* As print_summary() in tools/libxl-encmig/cmd-migrate.c writes it. */
static const char good[] =
    "{\"mode\": \"encrypted\", \"guest_bytes\": 268435456, "
    "\"pages_sent\": 70000, \"rounds\": 5, \"wire_bytes\": 290000000, "
    "\"seconds\": 0.812, \"stream_seconds\": 0.640, "
    "\"throughput_mbps\": 453.1, \"downtime_ms\": 12.5, "
    "\"buffer_bytes\": 4194304, \"verified\": true, "
    "\"plaintext_found\": false, \"guest_sha256\": \"" SHA "\", "
    "\"peak_rss_kib\": 51200, \"level\": 1, \"streams\": 2, "
    "\"setup_cpu_s\": 3.250}\n";

static int parse(const char *js, size_t len, struct mig_summary *s)
{
    char why[256] = "";
    int rc = mig_summary_parse(js, len, s, why, sizeof(why));

    ck_assert(rc == 0 || why[0]);
    return rc;
}

START_TEST(test_good)
{
    struct mig_summary s;

    ck_assert_int_eq(parse(good, strlen(good), &s), 0);
    ck_assert(!s.plain);
    ck_assert_uint_eq(s.guest_bytes, 268435456);
    ck_assert_uint_eq(s.pages_sent, 70000);
    ck_assert_uint_eq(s.rounds, 5);
    ck_assert_uint_eq(s.wire_bytes, 290000000);
    ck_assert_double_eq_tol(s.seconds, 0.812, 1e-9);
    ck_assert_double_eq_tol(s.stream_seconds, 0.640, 1e-9);
    ck_assert_double_eq_tol(s.throughput_mbps, 453.1, 1e-9);
    ck_assert_double_eq_tol(s.downtime_ms, 12.5, 1e-9);
    ck_assert_uint_eq(s.buffer_bytes, 4194304);
    ck_assert(s.verified);
    ck_assert(!s.plaintext_found);
    ck_assert_str_eq(s.guest_sha256, SHA);
    ck_assert_int_eq(s.peak_rss_kib, 51200);
    ck_assert_uint_eq(s.level, 1);
    ck_assert_uint_eq(s.streams, 2);
    ck_assert_double_eq_tol(s.setup_cpu_s, 3.25, 1e-9);
}
END_TEST

START_TEST(test_any_order)
{
    static const char js[] =
        "{\"peak_rss_kib\":-1,\"verified\":false,\"mode\":\"plain\","
        "\"guest_sha256\":\"" SHA "\",\"plaintext_found\":true,"
        "\"buffer_bytes\":0,\"downtime_ms\":1e2,\"throughput_mbps\":0,"
        "\"stream_seconds\":0.0,\"seconds\":-0.5E-1,\"wire_bytes\":0,"
        "\"rounds\":0,\"pages_sent\":0,\"guest_bytes\":4096,\"level\":0,"
        "\"setup_cpu_s\":0,\"streams\":1}";
    struct mig_summary s;

    ck_assert_int_eq(parse(js, strlen(js), &s), 0);
    ck_assert(s.plain);
    ck_assert(!s.verified);
    ck_assert(s.plaintext_found);
    ck_assert_int_eq(s.peak_rss_kib, -1);
    ck_assert_double_eq_tol(s.downtime_ms, 100, 1e-9);
    ck_assert_double_eq_tol(s.seconds, -0.05, 1e-12);
}
END_TEST

/* good, with the first `from` replaced by `to`. */
static const struct bad_case {
    const char *from, *to;
} bad[] = {
    { "{", "[" },                                   /* not an object */
    { "{", " x{" },                                 /* before it */
    { "}\n", "}\nx" },                              /* after it */
    { "}\n", "},\n" },
    { "}\n", "" },                                  /* not ended */
    { "\"mode\": \"encrypted\", ", "" },            /* missing */
    { "\"rounds\": 5, ", "" },
    { "\"rounds\": 5, ", "\"rounds\": 5, \"rounds\": 5, " },    /* twice */
    { "\"rounds\": 5, ", "\"rounds\": 5, \"round\": 5, " },     /* unknown */
    { "\"rounds\"", "\"ROUNDS\"" },
    { "\"rounds\": 5", "\"rounds\" 5" },            /* no colon */
    { ", \"rounds\"", " \"rounds\"" },              /* no comma */
    { ", \"rounds\"", ",, \"rounds\"" },
    { "\"mode\": \"encrypted\"", "\"mode\": \"fast\"" },
    { "\"mode\": \"encrypted\"", "\"mode\": \"encr\\u0079pted\"" },
    { "\"mode\": \"encrypted\"", "\"mode\": encrypted" },
    { "\"mode\": \"encrypted\"", "\"mode\": \"encrypted" },
    { "\"verified\": true", "\"verified\": tru" },
    { "\"verified\": true", "\"verified\": 1" },
    { "\"verified\": true", "\"verified\": \"true\"" },
    { "\"verified\": true", "\"verified\": null" },
    { "\"rounds\": 5", "\"rounds\": -5" },          /* a count below 0 */
    { "\"rounds\": 5", "\"rounds\": 5.0" },         /* a count with a point */
    { "\"rounds\": 5", "\"rounds\": 5e0" },
    { "\"rounds\": 5", "\"rounds\": 05" },          /* JSON's grammar */
    { "\"rounds\": 5", "\"rounds\": +5" },
    { "\"rounds\": 5", "\"rounds\": 18446744073709551616" },   /* range */
    { "\"rounds\": 5", "\"rounds\": \"5\"" },
    { "\"seconds\": 0.812", "\"seconds\": .812" },
    { "\"seconds\": 0.812", "\"seconds\": 0." },
    { "\"seconds\": 0.812", "\"seconds\": 1e" },
    { "\"seconds\": 0.812", "\"seconds\": 1e999" },
    { "\"seconds\": 0.812", "\"seconds\": NaN" },
    { "\"seconds\": 0.812", "\"seconds\": -" },
    { "\"peak_rss_kib\": 51200", "\"peak_rss_kib\": 1.5" },
    { ", \"level\": 1", "" },
    { "\"level\": 1", "\"level\": 0" },          /* encrypted at level 0 */
    { "\"level\": 1", "\"level\": 3" },
    { ", \"streams\": 2", "" },
    { "\"streams\": 2", "\"streams\": 0" },
    { "\"streams\": 2", "\"streams\": 17" },
    { ", \"setup_cpu_s\": 3.250", "" },
    { "\"setup_cpu_s\": 3.250", "\"setup_cpu_s\": -1" },
    { "\"setup_cpu_s\": 3.250", "\"setup_cpu_s\": \"3\"" },
    { "\"guest_sha256\": \"0123", "\"guest_sha256\": \"123" },  /* short */
    { "\"guest_sha256\": \"0123", "\"guest_sha256\": \"A123" },
    { "\"guest_sha256\": \"0123", "\"guest_sha256\": \"\t123" },
};

START_TEST(test_refused)
{
    const struct bad_case *c = &bad[_i];
    char js[sizeof(good) + 64];
    const char *at = strstr(good, c->from);
    size_t pre, to_len = strlen(c->to);
    struct mig_summary s;

    ck_assert_ptr_nonnull(at);
    pre = at - good;
    memcpy(js, good, pre);
    memcpy(js + pre, c->to, to_len);
    strcpy(js + pre + to_len, at + strlen(c->from));
    ck_assert_msg(parse(js, pre + to_len + strlen(at + strlen(c->from)),
                        &s) == -EBADMSG, "case %d accepted", _i);
}
END_TEST

START_TEST(test_nul)
{
    char js[sizeof(good)];
    struct mig_summary s;

    memcpy(js, good, sizeof(good));
    js[strstr(good, "guest_bytes") - good + 6] = '\0';
    ck_assert_int_eq(parse(js, sizeof(good) - 1, &s), -EBADMSG);
}
END_TEST

START_TEST(test_too_long)
{
    char js[SUMMARY_MAX_LEN + 64];
    size_t n = strlen(good) - 1;
    struct mig_summary s;

    /* Valid but for its length: white space after the object. */
    memcpy(js, good, n);
    memset(js + n, ' ', sizeof(js) - n);
    ck_assert_int_eq(parse(js, SUMMARY_MAX_LEN, &s), 0);
    ck_assert_int_eq(parse(js, SUMMARY_MAX_LEN + 1, &s), -EBADMSG);
}
END_TEST

START_TEST(test_stats)
{
    static const double odd[] = { 5, -1, 3, 9, 3 }, even[] = { 4, 1, 3, 2 };
    double one = 7.5;

    ck_assert_double_eq(stats_median(odd, 5), 3);
    ck_assert_double_eq(stats_median(even, 4), 2.5);
    ck_assert_double_eq(stats_median(&one, 1), 7.5);
    ck_assert_double_eq(stats_range(odd, 5), 10);
    ck_assert_double_eq(stats_range(&one, 1), 0);
    /* Left as they were. */
    ck_assert_double_eq(odd[0], 5);
    ck_assert_double_eq(even[0], 4);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bench_summary");
    TCase *tc = tcase_create("reader"), *ts = tcase_create("stats");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_good);
    tcase_add_test(tc, test_any_order);
    tcase_add_loop_test(tc, test_refused, 0, sizeof(bad) / sizeof(bad[0]));
    tcase_add_test(tc, test_nul);
    tcase_add_test(tc, test_too_long);
    suite_add_tcase(s, tc);
    tcase_add_test(ts, test_stats);
    suite_add_tcase(s, ts);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
