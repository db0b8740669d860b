/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_handshake_crypto.c: the handshake's key schedule against an
 * independent computation of what docs/handshake.md says.
 */

#include <check.h>
#include <errno.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "hstest.h"

START_TEST(test_key_schedule)
{
    /* RFC 7748, 6.1. */
    uint8_t a_priv[32], b_pub[32], want_shared[32], shared[32];
    uint8_t th[32], kek[32], want_kek[32], prk[32], wrapped[80], sig[64];
    uint8_t pt[64], hpub[32], bad[32], msg[16 + 32 + 80], ssig[64];
    uint8_t smsg[23 + 32 + 80 + 64];
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

    /* TH = SHA-256("encmig-hs-v2" || HELLO || REPLY prefix). */
    m = EVP_MD_CTX_new();
    ck_assert_int_eq(encmig_hs_transcript((const uint8_t *)"hello", 5,
                                          (const uint8_t *)"prefix", 6, th),
                     0);
    ck_assert_int_eq(EVP_DigestInit_ex(m, EVP_sha256(), NULL), 1);
    ck_assert_int_eq(EVP_DigestUpdate(m, "encmig-hs-v2hellopre", 20), 1);
    ck_assert_int_eq(EVP_DigestUpdate(m, "fix", 3), 1);
    ck_assert_int_eq(EVP_DigestFinal_ex(m, prk, &mdlen), 1);
    ck_assert_mem_eq(th, prk, 32);

    /* KEK by hand: HKDF-Extract then one Expand block. */
    ck_assert_int_eq(encmig_hs_kek(want_shared, th, kek), 0);
    ck_assert_ptr_nonnull(HMAC(EVP_sha256(), th, 32, want_shared, 32, prk,
                               &mdlen));
    memcpy(msg, "encmig v2 kek\x01", 14);
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

    /* Signature: Ed25519 over "encmig-hs-v2 sig" || TH || wrapped. */
    keygen(dst_dir);
    ck_assert_int_eq(encmig_hostkey_load(dst_dir, &host, err, sizeof(err)),
                     0);
    ck_assert_int_eq(encmig_hostkey_public(host, hpub), 0);
    ck_assert_int_eq(encmig_hs_sign(host, th, wrapped, sig), 0);
    memcpy(msg, "encmig-hs-v2 sig", 16);
    memcpy(msg + 16, th, 32);
    memcpy(msg + 48, wrapped, 80);
    hpk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, hpub, 32);
    ck_assert_ptr_nonnull(hpk);
    ck_assert_int_eq(EVP_DigestVerifyInit(m, NULL, NULL, NULL, hpk), 1);
    ck_assert_int_eq(EVP_DigestVerify(m, sig, 64, msg, sizeof(msg)), 1);
    ck_assert_int_eq(encmig_hs_verify(hpub, th, wrapped, sig), 0);

    /*
     * The source's: Ed25519 over "encmig-hs-v2 source sig" || TH ||
     * wrapped || the destination's sig; neither stands for the other,
     * even made with one key.
     */
    ck_assert_int_eq(encmig_hs_source_sign(host, th, wrapped, sig, ssig), 0);
    memcpy(smsg, "encmig-hs-v2 source sig", 23);
    memcpy(smsg + 23, th, 32);
    memcpy(smsg + 55, wrapped, 80);
    memcpy(smsg + 135, sig, 64);
    ck_assert_int_eq(EVP_MD_CTX_reset(m), 1);
    ck_assert_int_eq(EVP_DigestVerifyInit(m, NULL, NULL, NULL, hpk), 1);
    ck_assert_int_eq(EVP_DigestVerify(m, ssig, 64, smsg, sizeof(smsg)), 1);
    ck_assert_int_eq(encmig_hs_source_verify(hpub, th, wrapped, sig, ssig),
                     0);
    ck_assert_int_eq(encmig_hs_verify(hpub, th, wrapped, ssig), -EBADMSG);
    ck_assert_int_eq(encmig_hs_source_verify(hpub, th, wrapped, ssig, sig),
                     -EBADMSG);
    sig[10] ^= 4;
    ck_assert_int_eq(encmig_hs_verify(hpub, th, wrapped, sig), -EBADMSG);
    ck_assert_int_eq(encmig_hs_source_verify(hpub, th, wrapped, sig, ssig),
                     -EBADMSG);
    sig[10] ^= 4;
    EVP_PKEY_free(hpk);
    EVP_PKEY_free(host);

    /* FTH = SHA-256(TH || wrapped || sig || source sig). */
    ck_assert_int_eq(encmig_hs_final_hash(th, wrapped, sig, ssig, kek), 0);
    ck_assert_int_eq(EVP_MD_CTX_reset(m), 1);
    ck_assert_int_eq(EVP_DigestInit_ex(m, EVP_sha256(), NULL), 1);
    ck_assert_int_eq(EVP_DigestUpdate(m, th, 32), 1);
    ck_assert_int_eq(EVP_DigestUpdate(m, wrapped, 80), 1);
    ck_assert_int_eq(EVP_DigestUpdate(m, sig, 64), 1);
    ck_assert_int_eq(EVP_DigestUpdate(m, ssig, 64), 1);
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
    ck_assert(all_zero((const uint8_t *)&r, sizeof(r)));
}
END_TEST

static Suite *crypto_suite(void)
{
    Suite *s = suite_create("handshake-crypto");
    TCase *tc;

    tc = tcase_create("keys");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_key_schedule);
    tcase_add_test(tc, test_result_wipe);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    return hst_main("check_handshake_crypto", crypto_suite());
}
