/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_state.c: the state sub-ops (save_state, load_state) on two
 * simulated hosts, whose "HVM context" is a domain's vCPU blob: sealed
 * bytes as the ABI describes them (checked against OpenSSL), every
 * altered, dropped, replayed or reordered record refused with the
 * destination's state unchanged, and every hostile argument refused.
 */

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "testutil.h"
#include "../sim/cipher-openssl.h"
#include "../xen/arch/x86/encmig/crypto.h"

#define KIND        XEN_ENCMIG_STATE_hvm_context
#define REC_SIZE    (SIM_VCPU_STATE_SIZE + XEN_ENCMIG_STATE_OVERHEAD)
#define MAX_RECS    4

struct pair {
    struct tu_host a, b;
    struct xen_encmig_keymat_state km;
    uint8_t *rec[MAX_RECS];          /* hypercall buffers of a */
    uint8_t *in;                     /* hypercall buffer of b */
};

static void fill_state(struct tu_host *t, uint8_t tag)
{
    uint8_t st[SIM_VCPU_STATE_SIZE];
    unsigned int i;

    for ( i = 0; i < sizeof(st); i++ )
        st[i] = (uint8_t)(tag + i * 7);
    ck_assert_int_eq(sim_domain_pause(t->host, t->domid), 0);
    ck_assert_int_eq(sim_vcpu_set(t->host, t->domid, st), 0);
}

static void pair_new(struct pair *p, const struct encmig_cipher_ops *ca,
                     const struct encmig_cipher_ops *cb)
{
    unsigned int i;

    memset(p, 0, sizeof(*p));
    tu_host_new(&p->a, 1, ca, 4, 0);
    tu_host_new(&p->b, 2, cb, 4, 0);
    tu_random_keymat(&p->km.pages);
    for ( i = 0; i < sizeof(p->km.state_key); i++ )
        p->km.state_key[i] = (uint8_t)(random() >> 3);
    ck_assert_int_eq(encmig_hc_setup_state(p->a.hc, p->a.domid,
                                           XEN_ENCMIG_DIR_EXPORT, 1,
                                           &p->km), 0);
    ck_assert_int_eq(encmig_hc_setup_state(p->b.hc, p->b.domid,
                                           XEN_ENCMIG_DIR_IMPORT, 1,
                                           &p->km), 0);
    for ( i = 0; i < MAX_RECS; i++ )
    {
        p->rec[i] = encmig_hc_buf_alloc(p->a.hc, REC_SIZE);
        ck_assert_ptr_nonnull(p->rec[i]);
    }
    p->in = encmig_hc_buf_alloc(p->b.hc, REC_SIZE);
    ck_assert_ptr_nonnull(p->in);
    fill_state(&p->a, 0x40);
    fill_state(&p->b, 0x90);
}

static void pair_free(struct pair *p)
{
    unsigned int i;

    for ( i = 0; i < MAX_RECS; i++ )
        encmig_hc_buf_free(p->a.hc, p->rec[i], REC_SIZE);
    encmig_hc_buf_free(p->b.hc, p->in, REC_SIZE);
    tu_host_free(&p->a);
    tu_host_free(&p->b);
}

static void save(struct pair *p, unsigned int i)
{
    size_t size = REC_SIZE;

    ck_assert_int_eq(encmig_hc_save_state(p->a.hc, p->a.domid, KIND, 0,
                                          p->rec[i], &size), 0);
    ck_assert_uint_eq(size, REC_SIZE);
}

/* Load a's record i (as altered by the caller) into b: 0 or errno. */
static int load(struct pair *p, const uint8_t *rec, size_t size)
{
    memcpy(p->in, rec, size);
    return encmig_hc_load_state(p->b.hc, p->b.domid, KIND, 0, p->in, size) ?
           errno : 0;
}

/* Load rec into b under a new session with key material km. */
static int load_under(struct pair *p, const struct xen_encmig_keymat_state *km,
                      const uint8_t *rec)
{
    ck_assert_int_eq(encmig_hc_teardown(p->b.hc, p->b.domid), 0);
    ck_assert_int_eq(encmig_hc_setup_state(p->b.hc, p->b.domid,
                                           XEN_ENCMIG_DIR_IMPORT, 1, km), 0);
    return load(p, rec, REC_SIZE);
}

static void assert_same_state(struct pair *p, bool same)
{
    uint8_t sa[SIM_VCPU_STATE_SIZE], sb[SIM_VCPU_STATE_SIZE];

    ck_assert_int_eq(sim_vcpu_get(p->a.host, p->a.domid, sa), 0);
    ck_assert_int_eq(sim_vcpu_get(p->b.host, p->b.domid, sb), 0);
    ck_assert_int_eq(!memcmp(sa, sb, sizeof(sa)), same);
}

static void round_trip(const struct encmig_cipher_ops *ca,
                       const struct encmig_cipher_ops *cb)
{
    struct pair p;
    struct xen_encmig_status st;

    pair_new(&p, ca, cb);
    save(&p, 0);
    assert_same_state(&p, false);
    ck_assert_int_eq(load(&p, p.rec[0], REC_SIZE), 0);
    assert_same_state(&p, true);
    ck_assert_int_eq(encmig_hc_status(p.a.hc, p.a.domid, &st), 0);
    ck_assert_uint_eq(st.states, 1);
    ck_assert_int_eq(encmig_hc_status(p.b.hc, p.b.domid, &st), 0);
    ck_assert_uint_eq(st.states, 1);
    ck_assert_uint_eq(st.records, 0);
    pair_free(&p);
}

START_TEST(test_round_trip)
{
    round_trip(&encmig_cipher_openssl, &encmig_cipher_openssl);
    round_trip(&encmig_cipher_portable, &encmig_cipher_openssl);
    round_trip(&encmig_cipher_openssl, &encmig_cipher_portable);
}
END_TEST

/* The record as the ABI describes it, sealed here by OpenSSL alone. */
START_TEST(test_bytes_match_abi)
{
    struct pair p;
    struct xen_encmig_state_hdr hdr;
    uint8_t plain[SIM_VCPU_STATE_SIZE], ct[SIM_VCPU_STATE_SIZE], tag[16];
    uint8_t iv[12], aad[XEN_ENCMIG_SESSION_ID_SIZE + sizeof(hdr)];
    EVP_CIPHER_CTX *c;
    unsigned int i;
    int n;

    pair_new(&p, &encmig_cipher_portable, &encmig_cipher_openssl);
    save(&p, 0);
    save(&p, 1);
    ck_assert_int_eq(sim_vcpu_get(p.a.host, p.a.domid, plain), 0);

    /* Record 1: its header, then its bytes. */
    memcpy(&hdr, p.rec[1], sizeof(hdr));
    ck_assert_uint_eq(hdr.kind, KIND);
    ck_assert_uint_eq(hdr.instance, 0);
    ck_assert_uint_eq(hdr.seq, 1);
    ck_assert_uint_eq(hdr.length, SIM_VCPU_STATE_SIZE);
    ck_assert_uint_eq(hdr.nr_vcpus, 1);
    ck_assert_uint_eq(hdr.flags | hdr.pad, 0);

    memcpy(iv, p.km.pages.nonce_base, sizeof(iv));
    for ( i = 0; i < 4; i++ )
        iv[i] ^= 0xff;                          /* be32 0xffffffff */
    iv[11] ^= 1;                                /* be64 seq 1 */
    memcpy(aad, p.km.pages.session_id, XEN_ENCMIG_SESSION_ID_SIZE);
    memcpy(aad + XEN_ENCMIG_SESSION_ID_SIZE, &hdr, sizeof(hdr));

    c = EVP_CIPHER_CTX_new();
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL,
                                        p.km.state_key, iv), 1);
    ck_assert_int_eq(EVP_EncryptUpdate(c, NULL, &n, aad, sizeof(aad)), 1);
    ck_assert_int_eq(EVP_EncryptUpdate(c, ct, &n, plain, sizeof(plain)), 1);
    ck_assert_int_eq(EVP_EncryptFinal_ex(c, ct + n, &n), 1);
    ck_assert_int_eq(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag),
                     1);
    EVP_CIPHER_CTX_free(c);

    ck_assert_mem_eq(p.rec[1] + sizeof(hdr), ct, sizeof(ct));
    ck_assert_mem_eq(p.rec[1] + sizeof(hdr) + sizeof(ct), tag, sizeof(tag));
    /* Not the page key: the state key seals state. */
    ck_assert_int_ne(memcmp(p.km.pages.key, p.km.state_key, 32), 0);
    pair_free(&p);
}
END_TEST

START_TEST(test_every_bit_flip_refused)
{
    struct pair p;
    uint8_t rec[REC_SIZE];
    size_t bit;
    int rc;

    pair_new(&p, &encmig_cipher_openssl, &encmig_cipher_openssl);
    save(&p, 0);
    for ( bit = 0; bit < (size_t)REC_SIZE * 8; bit++ )
    {
        memcpy(rec, p.rec[0], REC_SIZE);
        rec[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        rc = load(&p, rec, REC_SIZE);
        /* Header fields are checked first; the rest is the AEAD's. */
        ck_assert_msg(rc == EBADMSG || rc == EINVAL || rc == EILSEQ,
                      "bit %zu: %d", bit, rc);
        assert_same_state(&p, false);
    }
    /* A refusal spends nothing: the genuine record still loads. */
    ck_assert_int_eq(load(&p, p.rec[0], REC_SIZE), 0);
    assert_same_state(&p, true);
    pair_free(&p);
}
END_TEST

START_TEST(test_truncated_and_extended_refused)
{
    struct pair p;

    pair_new(&p, &encmig_cipher_openssl, &encmig_cipher_openssl);
    save(&p, 0);
    ck_assert_int_eq(load(&p, p.rec[0], REC_SIZE - 1), EINVAL);
    ck_assert_int_eq(load(&p, p.rec[0], XEN_ENCMIG_STATE_OVERHEAD), EINVAL);
    ck_assert_int_eq(load(&p, p.rec[0], XEN_ENCMIG_STATE_OVERHEAD - 1),
                     EINVAL);
    ck_assert_int_eq(encmig_hc_load_state(p.b.hc, p.b.domid, KIND, 0, p.in,
                                          XEN_ENCMIG_MAX_STATE +
                                          XEN_ENCMIG_STATE_OVERHEAD + 1), -1);
    ck_assert_int_eq(errno, E2BIG);
    assert_same_state(&p, false);
    ck_assert_int_eq(load(&p, p.rec[0], REC_SIZE), 0);
    pair_free(&p);
}
END_TEST

START_TEST(test_drop_replay_reorder_refused)
{
    struct pair p;
    uint8_t first[SIM_VCPU_STATE_SIZE];

    pair_new(&p, &encmig_cipher_openssl, &encmig_cipher_openssl);
    save(&p, 0);
    ck_assert_int_eq(sim_vcpu_get(p.a.host, p.a.domid, first), 0);
    fill_state(&p.a, 0x11);
    save(&p, 1);
    save(&p, 2);

    /* Dropped (1 before 0) or reordered: out of sequence. */
    ck_assert_int_eq(load(&p, p.rec[1], REC_SIZE), EILSEQ);
    ck_assert_int_eq(load(&p, p.rec[2], REC_SIZE), EILSEQ);
    assert_same_state(&p, false);

    ck_assert_int_eq(load(&p, p.rec[0], REC_SIZE), 0);
    /* Replayed. */
    ck_assert_int_eq(load(&p, p.rec[0], REC_SIZE), EILSEQ);
    /* Reordered: 2 before 1. */
    ck_assert_int_eq(load(&p, p.rec[2], REC_SIZE), EILSEQ);
    {
        uint8_t sb[SIM_VCPU_STATE_SIZE];

        ck_assert_int_eq(sim_vcpu_get(p.b.host, p.b.domid, sb), 0);
        ck_assert_mem_eq(sb, first, sizeof(sb));
    }
    ck_assert_int_eq(load(&p, p.rec[1], REC_SIZE), 0);
    ck_assert_int_eq(load(&p, p.rec[2], REC_SIZE), 0);
    assert_same_state(&p, true);
    pair_free(&p);
}
END_TEST

START_TEST(test_other_key_or_session_refused)
{
    struct pair p;
    struct xen_encmig_keymat_state other;

    pair_new(&p, &encmig_cipher_openssl, &encmig_cipher_openssl);
    save(&p, 0);

    /* The destination's session under another state key. */
    other = p.km;
    other.state_key[5] ^= 1;
    ck_assert_int_eq(load_under(&p, &other, p.rec[0]), EBADMSG);

    /* Another session id: the additional data differs. */
    other = p.km;
    other.pages.session_id[0] ^= 1;
    ck_assert_int_eq(load_under(&p, &other, p.rec[0]), EBADMSG);

    /* The page key where the state key belongs. */
    other = p.km;
    memcpy(other.state_key, p.km.pages.key, sizeof(other.state_key));
    ck_assert_int_eq(load_under(&p, &other, p.rec[0]), EBADMSG);
    assert_same_state(&p, false);
    pair_free(&p);
}
END_TEST

START_TEST(test_hostile_arguments)
{
    struct pair p;
    struct xen_domctl_encmig_op op;
    size_t size;

    pair_new(&p, &encmig_cipher_openssl, &encmig_cipher_openssl);

    /* Size query: null buffer; a short one is -ENOSPC with the size. */
    size = 0;
    ck_assert_int_eq(encmig_hc_save_state(p.a.hc, p.a.domid, KIND, 0, NULL,
                                          &size), 0);
    ck_assert_uint_eq(size, REC_SIZE);
    size = REC_SIZE - 1;
    ck_assert_int_eq(encmig_hc_save_state(p.a.hc, p.a.domid, KIND, 0,
                                          p.rec[0], &size), -1);
    ck_assert_int_eq(errno, ENOSPC);
    ck_assert_uint_eq(size, REC_SIZE);

    /* Unknown kinds and instances. */
    size = REC_SIZE;
    ck_assert_int_eq(encmig_hc_save_state(p.a.hc, p.a.domid, 0, 0, p.rec[0],
                                          &size), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(encmig_hc_save_state(p.a.hc, p.a.domid, 2, 0, p.rec[0],
                                          &size), -1);
    ck_assert_int_eq(errno, EINVAL);
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_ENCMIG_OP_save_state;
    op.u.state.kind = KIND;
    op.u.state.instance = 1;
    op.u.state.buf_size = REC_SIZE;
    set_xen_guest_handle(op.u.state.buf, p.rec[0]);
    ck_assert_int_eq(encmig_hc_op(p.a.hc, p.a.domid, &op), -1);
    ck_assert_int_eq(errno, EINVAL);

    /* The wrong direction. */
    save(&p, 0);
    ck_assert_int_eq(encmig_hc_load_state(p.a.hc, p.a.domid, KIND, 0,
                                          p.rec[0], REC_SIZE), -1);
    ck_assert_int_eq(errno, EPERM);
    size = REC_SIZE;
    ck_assert_int_eq(encmig_hc_save_state(p.b.hc, p.b.domid, KIND, 0, p.in,
                                          &size), -1);
    ck_assert_int_eq(errno, EPERM);

    /* A null buffer to load. */
    ck_assert_int_eq(encmig_hc_load_state(p.b.hc, p.b.domid, KIND, 0, NULL,
                                          REC_SIZE), -1);
    ck_assert_int_eq(errno, EFAULT);

    /* A record loaded as another kind. */
    memcpy(p.in, p.rec[0], REC_SIZE);
    ck_assert_int_eq(encmig_hc_load_state(p.b.hc, p.b.domid, 2, 0, p.in,
                                          REC_SIZE), -1);
    ck_assert_int_eq(errno, EINVAL);

    /* No session; a session without a state key. */
    ck_assert_int_eq(encmig_hc_teardown(p.b.hc, p.b.domid), 0);
    ck_assert_int_eq(load(&p, p.rec[0], REC_SIZE), ENOENT);
    ck_assert_int_eq(encmig_hc_setup(p.b.hc, p.b.domid, XEN_ENCMIG_DIR_IMPORT,
                                     1, &p.km.pages), 0);
    ck_assert_int_eq(load(&p, p.rec[0], REC_SIZE), EOPNOTSUPP);
    assert_same_state(&p, false);
    pair_free(&p);
}
END_TEST

START_TEST(test_setup_formats)
{
    struct tu_host t;
    struct xen_encmig_keymat_state km;
    struct xen_domctl_encmig_op op;
    uint8_t *bounce;

    tu_host_new(&t, 1, NULL, 4, 0);
    memset(&km, 0, sizeof(km));
    bounce = encmig_hc_buf_alloc(t.hc, sizeof(km));
    ck_assert_ptr_nonnull(bounce);
    memcpy(bounce, &km, sizeof(km));

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_ENCMIG_OP_setup;
    op.u.setup.direction = XEN_ENCMIG_DIR_EXPORT;
    op.u.setup.nr_streams = 1;
    set_xen_guest_handle(op.u.setup.keymat, bounce);

    /* Each format with the other's size; an unknown format. */
    op.u.setup.keymat_format = XEN_ENCMIG_KEYMAT_raw_state;
    op.u.setup.keymat_size = sizeof(km.pages);
    ck_assert_int_eq(encmig_hc_op(t.hc, t.domid, &op), -1);
    ck_assert_int_eq(errno, EINVAL);
    op.u.setup.keymat_format = XEN_ENCMIG_KEYMAT_raw;
    op.u.setup.keymat_size = sizeof(km);
    ck_assert_int_eq(encmig_hc_op(t.hc, t.domid, &op), -1);
    ck_assert_int_eq(errno, EINVAL);
    op.u.setup.keymat_format = XEN_ENCMIG_KEYMAT_l2_export + 1;
    ck_assert_int_eq(encmig_hc_op(t.hc, t.domid, &op), -1);
    ck_assert_int_eq(errno, EOPNOTSUPP);
    /* A non-zero pad in the embedded page key material. */
    op.u.setup.keymat_format = XEN_ENCMIG_KEYMAT_raw_state;
    op.u.setup.keymat_size = sizeof(km);
    bounce[offsetof(struct xen_encmig_keymat, pad)] = 1;
    ck_assert_int_eq(encmig_hc_op(t.hc, t.domid, &op), -1);
    ck_assert_int_eq(errno, EINVAL);
    bounce[offsetof(struct xen_encmig_keymat, pad)] = 0;
    ck_assert_int_eq(encmig_hc_op(t.hc, t.domid, &op), 0);

    encmig_hc_buf_free(t.hc, bounce, sizeof(km));
    tu_host_free(&t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("state");
    TCase *tc = tcase_create("state");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_bytes_match_abi);
    tcase_add_test(tc, test_every_bit_flip_refused);
    tcase_add_test(tc, test_truncated_and_extended_refused);
    tcase_add_test(tc, test_drop_replay_reorder_refused);
    tcase_add_test(tc, test_other_key_or_session_refused);
    tcase_add_test(tc, test_hostile_arguments);
    tcase_add_test(tc, test_setup_formats);
    suite_add_tcase(s, tc);

    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
