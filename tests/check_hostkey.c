/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_hostkey.c: Ed25519 host keys: keygen, loading, fingerprints and
 * their base64 spelling.
 */

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "hstest.h"

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

static Suite *hostkey_suite(void)
{
    Suite *s = suite_create("hostkey");
    TCase *tc;

    tc = tcase_create("keys");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_keygen);
    tcase_add_test(tc, test_hostkey_load_refuses);
    tcase_add_test(tc, test_fingerprint_and_b64);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    return hst_main("check_hostkey", hostkey_suite());
}
