/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_abi.c: the hypercall ABI is fixed-size, 64-bit clean and fits the
 * domctl union.  The layout is pinned twice: at compile time by static
 * asserts, and at run time so a failure names the field.
 */

#include <check.h>
#include <stddef.h>
#include <stdlib.h>

#include "../hypercalls/include/public/encmig.h"

#define ABI(type, size) \
    _Static_assert(sizeof(struct type) == (size), #type " size")
#define OFF(type, field, off) \
    _Static_assert(offsetof(struct type, field) == (off), #type "." #field)

ABI(xen_encmig_probe, 32);
OFF(xen_encmig_probe, max_gfn, 24);
ABI(xen_encmig_keymat, 64);
OFF(xen_encmig_keymat, session_id, 32);
OFF(xen_encmig_keymat, nonce_base, 48);
OFF(xen_encmig_keymat, pad, 60);
ABI(xen_encmig_setup, 24);
OFF(xen_encmig_setup, keymat, 16);
ABI(xen_encmig_rec_hdr, XEN_ENCMIG_REC_HDR_SIZE);
OFF(xen_encmig_rec_hdr, seq, 8);
OFF(xen_encmig_rec_hdr, stream, 16);
OFF(xen_encmig_rec_hdr, round, 20);
OFF(xen_encmig_rec_hdr, flags, 24);
ABI(xen_encmig_export, 40);
OFF(xen_encmig_export, gfns, 16);
OFF(xen_encmig_export, buf, 24);
OFF(xen_encmig_export, buf_size, 32);
ABI(xen_encmig_import, 40);
OFF(xen_encmig_import, buf, 16);
OFF(xen_encmig_import, buf_size, 24);
OFF(xen_encmig_import, frames, 32);
ABI(xen_encmig_status, 48);
OFF(xen_encmig_status, states, 32);
OFF(xen_encmig_status, level, 40);
ABI(xen_encmig_identity, 48);
OFF(xen_encmig_identity, pub, 16);
ABI(xen_encmig_offer, 64);
OFF(xen_encmig_offer, pub, 32);
ABI(xen_encmig_accept, 16);
OFF(xen_encmig_accept, buf, 8);
ABI(xen_encmig_l2_accept, 96 + XEN_ENCMIG_L2_BLOB_SIZE + 16);
OFF(xen_encmig_l2_accept, blob, 96);
OFF(xen_encmig_l2_accept, session_id, 96 + XEN_ENCMIG_L2_BLOB_SIZE);
ABI(xen_encmig_l2_claim, 16);
ABI(xen_encmig_l2_export, 64 + XEN_ENCMIG_L2_BLOB_SIZE + 16);
OFF(xen_encmig_l2_export, blob, 64);
ABI(xen_encmig_end, 72);
OFF(xen_encmig_end, mac, 32);
OFF(xen_encmig_end, records, 64);
ABI(xen_encmig_keymat_state, 96);
OFF(xen_encmig_keymat_state, state_key, 64);
ABI(xen_encmig_state_hdr, XEN_ENCMIG_STATE_HDR_SIZE);
OFF(xen_encmig_state_hdr, seq, 8);
OFF(xen_encmig_state_hdr, length, 16);
OFF(xen_encmig_state_hdr, nr_vcpus, 20);
OFF(xen_encmig_state_hdr, flags, 24);
ABI(xen_encmig_state, 24);
OFF(xen_encmig_state, buf, 8);
OFF(xen_encmig_state, buf_size, 16);
ABI(xen_domctl_encmig_op, 104);
OFF(xen_domctl_encmig_op, u, 8);
/* struct xen_domctl's union is 128 bytes: the op must fit it. */
_Static_assert(sizeof(struct xen_domctl_encmig_op) <= 128, "domctl union");
_Static_assert(XEN_ENCMIG_REC_SIZE % 8 == 0, "records stay 8-byte aligned");
/* Clear of every domctl Xen 4.17-4.22 uses (1-90, 1000-1003): docs/abi.md. */
_Static_assert(XEN_DOMCTL_encmig_op == 512, "domctl number");

START_TEST(test_sizes)
{
    ck_assert_uint_eq(sizeof(struct xen_encmig_probe), 32);
    ck_assert_uint_eq(sizeof(struct xen_encmig_setup), 24);
    ck_assert_uint_eq(sizeof(struct xen_encmig_export), 40);
    ck_assert_uint_eq(sizeof(struct xen_encmig_import), 40);
    ck_assert_uint_eq(sizeof(struct xen_encmig_status), 48);
    ck_assert_uint_eq(sizeof(struct xen_encmig_identity), 48);
    ck_assert_uint_eq(sizeof(struct xen_encmig_offer), 64);
    ck_assert_uint_eq(sizeof(struct xen_encmig_end), 72);
    /* eph_D, the wrapped 64-byte key material, its tag */
    ck_assert_uint_eq(XEN_ENCMIG_L2_BLOB_SIZE,
                      32 + sizeof(struct xen_encmig_keymat) + 16);
    ck_assert_uint_eq(sizeof(struct xen_encmig_state), 24);
    ck_assert_uint_eq(sizeof(struct xen_encmig_state_hdr), 32);
    ck_assert_uint_eq(XEN_ENCMIG_STATE_OVERHEAD, 48);
    ck_assert_uint_eq(sizeof(struct xen_encmig_rec_hdr), 32);
    ck_assert_uint_le(sizeof(struct xen_domctl_encmig_op), 128);
    ck_assert_uint_eq(XEN_ENCMIG_REC_SIZE, 32 + 4096 + 16);
    ck_assert_uint_eq(XEN_ENCMIG_AAD_SIZE, 48);
}
END_TEST

START_TEST(test_alignment)
{
    /* Every 64-bit field is 8-byte aligned, for 32-bit callers too. */
    ck_assert_uint_eq(_Alignof(struct xen_domctl_encmig_op), 8);
    ck_assert_uint_eq(offsetof(struct xen_encmig_export, buf_size) % 8, 0);
    ck_assert_uint_eq(offsetof(struct xen_encmig_status, records) % 8, 0);
    ck_assert_uint_eq(offsetof(struct xen_encmig_import, buf_size) % 8, 0);
    ck_assert_uint_eq(offsetof(struct xen_encmig_status, states) % 8, 0);
    ck_assert_uint_eq(offsetof(struct xen_encmig_state, buf_size) % 8, 0);
    ck_assert_uint_eq(offsetof(struct xen_encmig_state_hdr, seq) % 8, 0);
    ck_assert_uint_eq(offsetof(struct xen_encmig_end, records) % 8, 0);
}
END_TEST

START_TEST(test_version)
{
    ck_assert_uint_eq(XEN_ENCMIG_VERSION_MAJOR(XEN_ENCMIG_INTERFACE_VERSION), 1);
    ck_assert_int_eq(XEN_DOMCTL_encmig_op, 512);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("abi");
    TCase *tc = tcase_create("layout");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_sizes);
    tcase_add_test(tc, test_alignment);
    tcase_add_test(tc, test_version);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
