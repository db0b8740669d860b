/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_known_hosts.c: the parser of known_hosts, malformed files, and
 * pinning on first use; the destination's authorized_sources, read by the
 * same parser.
 */

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hstest.h"
#include "../tools/libxl-encmig/io.h"

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

/* The destination's list: looked up by key, the name only a label. */
START_TEST(test_authorized_sources)
{
    uint8_t k1[32], k2[32], k3[32];
    char name[ENCMIG_MAX_HOSTNAME + 1], err[512], fp[ENCMIG_FINGERPRINT_SIZE];
    int rc;

    memset(k1, 1, sizeof(k1));
    memset(k2, 2, sizeof(k2));
    memset(k3, 3, sizeof(k3));
    ck_assert_int_eq(unlink(as), 0);
    fingerprint(k1, fp);

    rc = encmig_authorized_sources_check(as, k1, name, err, sizeof(err));
    ck_assert_int_eq(rc, -EACCES);
    ck_assert_msg(strstr(err, as) && strstr(err, "does not exist") &&
                  strstr(err, fp), "%s", err);
    ck_assert_str_eq(name, "");

    write_file(as, "# who may migrate here\n\n", 24);
    list_key(as, "hostA", k1);
    list_key(as, "hostB", k2);
    list_key(as, "hostA-new", k1);
    rc = encmig_authorized_sources_check(as, k1, name, err, sizeof(err));
    ck_assert_msg(rc == 0, "%d %s", rc, err);
    ck_assert_str_eq(name, "hostA");
    rc = encmig_authorized_sources_check(as, k2, name, err, sizeof(err));
    ck_assert_int_eq(rc, 0);
    ck_assert_str_eq(name, "hostB");

    rc = encmig_authorized_sources_check(as, k3, name, err, sizeof(err));
    ck_assert_int_eq(rc, -EACCES);
    fingerprint(k3, fp);
    ck_assert_msg(strstr(err, as) && strstr(err, fp) &&
                  strstr(err, "not in"), "%s", err);
    ck_assert_str_eq(name, "");

    /* The known_hosts parser's rules, line numbers and all. */
    {
        static const char bad[] = "# x\nhostA ssh-ed25519 " ZERO_B64 "\n";

        write_file(as, bad, strlen(bad));
    }
    rc = encmig_authorized_sources_check(as, k1, name, err, sizeof(err));
    ck_assert_int_eq(rc, -EINVAL);
    ck_assert_msg(strstr(err, "authorized_sources:2: malformed"), "%s", err);
}
END_TEST

static Suite *known_hosts_suite(void)
{
    Suite *s = suite_create("known_hosts");
    TCase *tc;

    tc = tcase_create("files");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_known_hosts_malformed);
    tcase_add_test(tc, test_known_hosts_append);
    tcase_add_test(tc, test_authorized_sources);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    return hst_main("check_known_hosts", known_hosts_suite());
}
