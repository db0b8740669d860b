/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_level2.c: level 2 in the hypervisor (simulated): its identity and
 * pins, the agreement between two hypervisors through a relaying dom0,
 * the end MAC, and the sub-ops' hostile arguments.
 */

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "key-trial.h"
#include "testutil.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NR_PAGES 48
#define SEED     0x1e7e12ULL

static void identity_of(struct tu_host *t, uint8_t pub[32])
{
    struct xen_encmig_identity id = { 0 };

    ck_assert_int_eq(encmig_hc_identity(t->hc, 0, XEN_ENCMIG_ID_get, &id), 0);
    memcpy(pub, id.pub, 32);
}

static int pin(struct tu_host *t, const uint8_t pub[32])
{
    struct xen_encmig_identity id = { 0 };

    memcpy(id.pub, pub, 32);
    return encmig_hc_identity(t->hc, 0, XEN_ENCMIG_ID_pin, &id)
           ? errno : 0;
}

/* Each host pins the other, as their operators would. */
static void pin_both(struct tu_host *a, struct tu_host *b)
{
    uint8_t pa[32], pb[32];

    identity_of(a, pa);
    identity_of(b, pb);
    ck_assert_int_eq(pin(a, pb), 0);
    ck_assert_int_eq(pin(b, pa), 0);
}

/* What dom0 relays and sees of one agreement. */
struct relay {
    uint8_t src_pub[32], dst_pub[32];
    struct xen_encmig_offer offer;
    struct xen_encmig_l2_accept im;
    struct xen_encmig_l2_export ex;
};

/*
 * The source offers, the destination accepts and its guest claims the
 * agreement; 0 or the errno.
 */
static int agree_to_blob(struct tu_host *src, struct tu_host *dst,
                         struct relay *r)
{
    memset(r, 0, sizeof(*r));
    identity_of(src, r->src_pub);
    identity_of(dst, r->dst_pub);
    if ( encmig_hc_offer(src->hc, src->domid, &r->offer) )
        return errno;
    ck_assert_mem_eq(r->offer.pub, r->src_pub, 32);
    memcpy(r->im.peer, r->offer.pub, 32);
    memcpy(r->im.peer_eph, r->offer.eph, 32);
    ck_assert_int_eq(RAND_bytes(r->im.bind, sizeof(r->im.bind)), 1);
    if ( encmig_hc_accept(dst->hc, &r->im) ||
         encmig_hc_setup_l2_claim(dst->hc, dst->domid, 1, r->im.session_id) )
        return errno;
    memcpy(r->ex.peer, r->dst_pub, sizeof(r->ex.peer));
    memcpy(r->ex.bind, r->im.bind, sizeof(r->ex.bind));
    memcpy(r->ex.blob, r->im.blob, sizeof(r->ex.blob));
    return 0;
}

static int take_blob(struct tu_host *src, struct relay *r)
{
    return encmig_hc_setup_l2_export(src->hc, src->domid, 1, &r->ex)
           ? errno : 0;
}

static int level_of(struct tu_host *t)
{
    struct xen_encmig_status st;

    if ( encmig_hc_status(t->hc, t->domid, &st) )
        return -errno;
    return st.level;
}

/* Move every page from src to dst, as one round of a migration. */
static void move_pages(struct tu_host *src, struct tu_host *dst)
{
    size_t size = (size_t)NR_PAGES * XEN_ENCMIG_REC_SIZE;
    uint8_t *recs = encmig_hc_buf_alloc(src->hc, size);

    ck_assert_ptr_nonnull(recs);
    ck_assert_int_eq(tu_export_range(src, 0, 0, 0, NR_PAGES, recs), 0);
    ck_assert_int_eq(encmig_hc_import(dst->hc, dst->domid, 0, recs,
                                      NR_PAGES, size, NULL), 0);
    encmig_hc_buf_free(src->hc, recs, size);
}

static void assert_same_guest(struct tu_host *a, struct tu_host *b)
{
    uint8_t ha[32], hb[32];

    ck_assert_int_eq(sim_domain_hash(a->host, a->domid, ha), 0);
    ck_assert_int_eq(sim_domain_hash(b->host, b->domid, hb), 0);
    ck_assert_mem_eq(ha, hb, 32);
}

START_TEST(test_identity_per_hypervisor)
{
    struct tu_host a, b;
    struct xen_encmig_probe p;
    struct xen_encmig_identity id = { 0 };
    struct xen_encmig_offer off;
    uint8_t pa[32], pb[32], zero[32] = { 0 };

    tu_host_new(&a, 1, NULL, 4, 0);
    tu_host_new(&b, 2, NULL, 4, 0);
    ck_assert_int_eq(encmig_hc_probe(a.hc, a.domid, &p), 0);
    ck_assert(p.caps & XEN_ENCMIG_CAP_IDENTITY);
    identity_of(&a, pa);
    identity_of(&b, pb);
    ck_assert_mem_ne(pa, zero, 32);
    ck_assert_mem_ne(pa, pb, 32);

    /* Asked of the caller's own domain only; a guest's is refused. */
    ck_assert_int_eq(encmig_hc_identity(a.hc, a.domid, XEN_ENCMIG_ID_get,
                                        &id), -1);
    ck_assert_int_eq(errno, EINVAL);

    /* Without a random source: no identity, level 1 only. */
    sim_host_drop_identity(a.host);
    ck_assert_int_eq(encmig_hc_probe(a.hc, a.domid, &p), 0);
    ck_assert(!(p.caps & XEN_ENCMIG_CAP_IDENTITY));
    ck_assert_int_eq(encmig_hc_identity(a.hc, 0, XEN_ENCMIG_ID_get, &id), -1);
    ck_assert_int_eq(errno, ENODEV);
    ck_assert_int_eq(encmig_hc_offer(a.hc, a.domid, &off), -1);
    ck_assert_int_eq(errno, ENODEV);
    tu_host_free(&a);
    tu_host_free(&b);
}
END_TEST

START_TEST(test_pins_lock)
{
    struct tu_host a, b;
    struct xen_encmig_identity id = { 0 };
    struct xen_encmig_keymat km;
    uint8_t pb[32], other[32], low_order[32] = { 0 };

    tu_host_new(&a, 1, NULL, 4, 0);
    tu_host_new(&b, 2, NULL, 4, 0);
    identity_of(&b, pb);
    ck_assert_int_eq(pin(&a, pb), 0);
    ck_assert_int_eq(pin(&a, pb), EEXIST);
    ck_assert_int_eq(pin(&a, low_order), EINVAL);
    low_order[0] = 1;                   /* u = 1: order 1 */
    ck_assert_int_eq(pin(&a, low_order), EINVAL);

    ck_assert_int_eq(encmig_hc_identity(a.hc, 0, XEN_ENCMIG_ID_lock, &id), 0);
    ck_assert_uint_eq(id.flags, XEN_ENCMIG_ID_LOCKED);
    ck_assert_uint_eq(id.nr_pins, 1);

    /* After lock a taken-over dom0 cannot bring a hypervisor of its own. */
    ck_assert_int_eq(RAND_bytes(other, sizeof(other)), 1);
    ck_assert_int_eq(pin(&a, other), EPERM);
    ck_assert_int_eq(encmig_hc_identity(a.hc, 0, XEN_ENCMIG_ID_get, &id), 0);
    ck_assert_uint_eq(id.nr_pins, 1);

    /* Nor hand the hypervisor a key of its own: level 1 is refused. */
    tu_random_keymat(&km);
    ck_assert_int_eq(encmig_hc_setup(a.hc, a.domid, XEN_ENCMIG_DIR_EXPORT, 1,
                                     &km), -1);
    ck_assert_int_eq(errno, EPERM);
    ck_assert_int_eq(encmig_hc_setup(b.hc, b.domid, XEN_ENCMIG_DIR_EXPORT, 1,
                                     &km), 0);
    tu_host_free(&a);
    tu_host_free(&b);
}
END_TEST

START_TEST(test_pins_full)
{
    struct tu_host a;
    uint8_t pub[32];
    unsigned int i;

    tu_host_new(&a, 1, NULL, 4, 0);
    for ( i = 0; i <= XEN_ENCMIG_MAX_PINS; i++ )
    {
        EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
        size_t len = sizeof(pub);

        ck_assert_ptr_nonnull(k);
        ck_assert_int_eq(EVP_PKEY_get_raw_public_key(k, pub, &len), 1);
        EVP_PKEY_free(k);
        ck_assert_int_eq(pin(&a, pub),
                         i < XEN_ENCMIG_MAX_PINS ? 0 : ENOSPC);
    }
    tu_host_free(&a);
}
END_TEST

START_TEST(test_migration_level2)
{
    struct tu_host a, b;
    struct relay r;
    uint8_t th[32], mac[32] = { 0 }, bad[32];
    uint64_t records;
    uint8_t *st;
    size_t size = 0;

    sim_check_wipes(true);
    tu_host_new(&a, 1, NULL, NR_PAGES, SEED);
    tu_host_new(&b, 2, NULL, NR_PAGES, 0);
    pin_both(&a, &b);

    ck_assert_int_eq(agree_to_blob(&a, &b, &r), 0);
    ck_assert_int_eq(level_of(&a), 0);          /* an offer only */
    ck_assert_int_eq(take_blob(&a, &r), 0);
    ck_assert_mem_eq(r.ex.session_id, r.im.session_id, 16);
    ck_assert_int_eq(level_of(&a), 2);
    ck_assert_int_eq(level_of(&b), 2);

    move_pages(&a, &b);

    /* The state key is agreed too. */
    ck_assert_int_eq(encmig_hc_save_state(a.hc, a.domid,
                                          XEN_ENCMIG_STATE_hvm_context, 0,
                                          NULL, &size), 0);
    st = encmig_hc_buf_alloc(a.hc, size);
    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(encmig_hc_save_state(a.hc, a.domid,
                                          XEN_ENCMIG_STATE_hvm_context, 0,
                                          st, &size), 0);
    ck_assert_int_eq(encmig_hc_load_state(b.hc, b.domid,
                                          XEN_ENCMIG_STATE_hvm_context, 0,
                                          st, size), 0);
    encmig_hc_buf_free(a.hc, st, size);
    assert_same_guest(&a, &b);

    /* The end MAC: made by one hypervisor, checked by the other. */
    ck_assert_int_eq(RAND_bytes(th, sizeof(th)), 1);
    ck_assert_int_eq(encmig_hc_end(a.hc, a.domid, th, mac, &records), 0);
    ck_assert_uint_eq(records, NR_PAGES);
    memcpy(bad, mac, 32);
    bad[31] ^= 1;
    ck_assert_int_eq(encmig_hc_end(b.hc, b.domid, th, bad, NULL), -1);
    ck_assert_int_eq(errno, EBADMSG);
    th[0] ^= 1;
    ck_assert_int_eq(encmig_hc_end(b.hc, b.domid, th, mac, NULL), -1);
    ck_assert_int_eq(errno, EBADMSG);
    th[0] ^= 1;
    ck_assert_int_eq(encmig_hc_end(b.hc, b.domid, th, mac, &records), 0);
    ck_assert_uint_eq(records, NR_PAGES);

    ck_assert_int_eq(encmig_hc_teardown(a.hc, a.domid), 0);
    ck_assert_int_eq(encmig_hc_teardown(b.hc, b.domid), 0);
    tu_host_free(&a);
    tu_host_free(&b);
    ck_assert_uint_eq(sim_unwiped_frees(), 0);
    sim_check_wipes(false);
}
END_TEST

/* A record dropped on the way: the destination's end check fails. */
START_TEST(test_end_counts_records)
{
    struct tu_host a, b;
    struct relay r;
    size_t size = (size_t)NR_PAGES * XEN_ENCMIG_REC_SIZE;
    uint8_t *recs, th[32] = { 7 }, mac[32];

    tu_host_new(&a, 1, NULL, NR_PAGES, SEED);
    tu_host_new(&b, 2, NULL, NR_PAGES, 0);
    pin_both(&a, &b);
    ck_assert_int_eq(agree_to_blob(&a, &b, &r), 0);
    ck_assert_int_eq(take_blob(&a, &r), 0);

    recs = encmig_hc_buf_alloc(a.hc, size);
    ck_assert_ptr_nonnull(recs);
    ck_assert_int_eq(tu_export_range(&a, 0, 0, 0, NR_PAGES, recs), 0);
    ck_assert_int_eq(encmig_hc_import(b.hc, b.domid, 0, recs, NR_PAGES - 1,
                                      size, NULL), 0);
    encmig_hc_buf_free(a.hc, recs, size);

    ck_assert_int_eq(encmig_hc_end(a.hc, a.domid, th, mac, NULL), 0);
    ck_assert_int_eq(encmig_hc_end(b.hc, b.domid, th, mac, NULL), -1);
    ck_assert_int_eq(errno, EBADMSG);
    tu_host_free(&a);
    tu_host_free(&b);
}
END_TEST

START_TEST(test_unpinned_refused)
{
    struct tu_host a, b;
    struct relay r;
    uint8_t pa[32];

    tu_host_new(&a, 1, NULL, 4, 0);
    tu_host_new(&b, 2, NULL, 4, 0);

    /* The destination has not pinned the source. */
    identity_of(&a, pa);
    ck_assert_int_eq(agree_to_blob(&a, &b, &r), EACCES);
    ck_assert_int_eq(level_of(&b), -ENOENT);
    ck_assert_int_eq(level_of(&a), 0);
    ck_assert_int_eq(encmig_hc_teardown(a.hc, a.domid), 0);

    /* The source has not pinned the destination: the offer is gone. */
    ck_assert_int_eq(pin(&b, pa), 0);
    ck_assert_int_eq(agree_to_blob(&a, &b, &r), 0);
    ck_assert_int_eq(take_blob(&a, &r), EACCES);
    ck_assert_int_eq(level_of(&a), -ENOENT);
    ck_assert_int_eq(encmig_hc_teardown(b.hc, b.domid), 0);

    ck_assert_int_eq(pin(&a, r.dst_pub), 0);
    ck_assert_int_eq(agree_to_blob(&a, &b, &r), 0);
    ck_assert_int_eq(take_blob(&a, &r), 0);
    tu_host_free(&a);
    tu_host_free(&b);
}
END_TEST

/* Any byte of the blob, or the bind, changed: refused, offer gone. */
START_TEST(test_blob_tampered)
{
    static const size_t where[] = { 0, 31, 32, 95, 96, 111 };
    struct tu_host a, b;
    struct relay r;
    unsigned int i;

    tu_host_new(&a, 1, NULL, 4, 0);
    tu_host_new(&b, 2, NULL, 4, 0);
    pin_both(&a, &b);
    for ( i = 0; i <= ARRAY_SIZE(where); i++ )
    {
        ck_assert_int_eq(agree_to_blob(&a, &b, &r), 0);
        if ( i < ARRAY_SIZE(where) )
            r.ex.blob[where[i]] ^= 0x40;
        else
            r.ex.bind[5] ^= 1;
        ck_assert_int_eq(take_blob(&a, &r), EBADMSG);
        ck_assert_int_eq(level_of(&a), -ENOENT);
        ck_assert_int_eq(take_blob(&a, &r), ENOENT);
        ck_assert_int_eq(encmig_hc_teardown(b.hc, b.domid), 0);
    }
    tu_host_free(&a);
    tu_host_free(&b);
}
END_TEST

/*
 * An accepted agreement waits for its guest: claimed once, by one guest;
 * past XEN_ENCMIG_MAX_PENDING the oldest is dropped.
 */
START_TEST(test_pending_claimed_once)
{
    struct tu_host a, b;
    struct xen_encmig_l2_accept io[XEN_ENCMIG_MAX_PENDING + 1];
    struct xen_encmig_offer off;
    domid_t other;
    unsigned int i;

    tu_host_new(&a, 1, NULL, 4, 0);
    tu_host_new(&b, 2, NULL, 4, 0);
    pin_both(&a, &b);
    ck_assert_int_eq(sim_domain_create(b.host, 4, &other), 0);
    ck_assert_int_eq(encmig_hc_offer(a.hc, a.domid, &off), 0);
    for ( i = 0; i <= XEN_ENCMIG_MAX_PENDING; i++ )
    {
        memset(&io[i], 0, sizeof(io[i]));
        memcpy(io[i].peer, off.pub, 32);
        memcpy(io[i].peer_eph, off.eph, 32);
        ck_assert_int_eq(encmig_hc_accept(b.hc, &io[i]), 0);
    }
    ck_assert_int_eq(encmig_hc_setup_l2_claim(b.hc, b.domid, 1,
                                              io[0].session_id), -1);
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_int_eq(encmig_hc_setup_l2_claim(b.hc, b.domid, 1,
                                              io[1].session_id), 0);
    ck_assert_int_eq(encmig_hc_setup_l2_claim(b.hc, other, 1,
                                              io[1].session_id), -1);
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_int_eq(encmig_hc_setup_l2_claim(b.hc, other, 1,
                                              io[XEN_ENCMIG_MAX_PENDING].session_id), 0);
    tu_host_free(&a);
    tu_host_free(&b);
}
END_TEST

/* A blob from an earlier agreement does not open under a new offer. */
START_TEST(test_blob_replayed)
{
    struct tu_host a, b;
    struct relay r1, r2;

    tu_host_new(&a, 1, NULL, 4, 0);
    tu_host_new(&b, 2, NULL, 4, 0);
    pin_both(&a, &b);
    ck_assert_int_eq(agree_to_blob(&a, &b, &r1), 0);
    ck_assert_int_eq(take_blob(&a, &r1), 0);
    ck_assert_int_eq(encmig_hc_teardown(a.hc, a.domid), 0);
    ck_assert_int_eq(encmig_hc_teardown(b.hc, b.domid), 0);

    ck_assert_int_eq(agree_to_blob(&a, &b, &r2), 0);
    memcpy(r2.ex.blob, r1.ex.blob, sizeof(r2.ex.blob));
    memcpy(r2.ex.bind, r1.ex.bind, sizeof(r2.ex.bind));
    ck_assert_int_eq(take_blob(&a, &r2), EBADMSG);
    tu_host_free(&a);
    tu_host_free(&b);
}
END_TEST

/* A blob made for one source hypervisor does not open on another. */
START_TEST(test_blob_for_another_source)
{
    struct tu_host a, b, c;
    struct relay r;
    struct xen_encmig_offer off;

    tu_host_new(&a, 1, NULL, 4, 0);
    tu_host_new(&b, 2, NULL, 4, 0);
    tu_host_new(&c, 3, NULL, 4, 0);
    pin_both(&a, &b);
    pin_both(&c, &b);
    ck_assert_int_eq(agree_to_blob(&a, &b, &r), 0);
    ck_assert_int_eq(encmig_hc_offer(c.hc, c.domid, &off), 0);
    ck_assert_int_eq(encmig_hc_setup_l2_export(c.hc, c.domid, 1, &r.ex), -1);
    ck_assert_int_eq(errno, EBADMSG);
    tu_host_free(&a);
    tu_host_free(&b);
    tu_host_free(&c);
}
END_TEST

/* K(label) from ikm as docs/stream.md section 2 derives a session key. */
static void derive(const uint8_t ikm[32], const uint8_t salt[16],
                   const char *label, uint8_t out[32])
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
    size_t len = 32;

    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(EVP_PKEY_derive_init(c), 1);
    ck_assert_int_eq(EVP_PKEY_CTX_set_hkdf_md(c, EVP_sha256()), 1);
    ck_assert_int_eq(EVP_PKEY_CTX_set1_hkdf_salt(c, salt, 16), 1);
    ck_assert_int_eq(EVP_PKEY_CTX_set1_hkdf_key(c, ikm, 32), 1);
    ck_assert_int_eq(EVP_PKEY_CTX_add1_hkdf_info(c, (const void *)label,
                                                 strlen(label)), 1);
    ck_assert_int_eq(EVP_PKEY_derive(c, out, &len), 1);
    EVP_PKEY_CTX_free(c);
}

/* A trial (key-trial.h) against the record rec of the page plain. */
static struct key_trial *trial_of(const uint8_t *plain,
                                  const uint8_t session_id[16],
                                  const uint8_t *rec)
{
    struct key_trial *t = key_trial_new(plain);

    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(key_trial_add_salt(t, session_id), 0);
    ck_assert_int_eq(key_trial_add_record(t, rec), 0);
    return t;
}

/* key-trial.c's HKDF, spelt out for speed, is OpenSSL's. */
START_TEST(test_trial_derives_as_openssl)
{
    uint8_t plain[32] = { 0 }, rec[XEN_ENCMIG_REC_SIZE], ikm[32], salt[16];
    uint8_t k[32], in[32];
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    struct key_trial *t;
    int len, i;

    ck_assert_ptr_nonnull(c);
    for ( i = 0; i < 64; i++ )
    {
        /* A record sealed under HKDF(ikm, salt): its first two blocks of
         * ciphertext are the counter blocks' encryption (plain is 0). */
        ck_assert_int_eq(RAND_bytes(ikm, sizeof(ikm)), 1);
        ck_assert_int_eq(RAND_bytes(salt, sizeof(salt)), 1);
        ck_assert_int_eq(RAND_bytes(in, 12), 1);
        memcpy(in + 16, in, 12);
        memcpy(in + 12, "\0\0\0\2", 4);
        memcpy(in + 28, "\0\0\0\3", 4);
        derive(ikm, salt, "encmig v2 pages", k);
        ck_assert_int_eq(EVP_EncryptInit_ex(c, EVP_aes_256_ecb(), NULL, k,
                                            NULL), 1);
        EVP_CIPHER_CTX_set_padding(c, 0);
        memset(rec, 0, sizeof(rec));
        ck_assert_int_eq(EVP_EncryptUpdate(c, rec + XEN_ENCMIG_REC_HDR_SIZE,
                                           &len, in, sizeof(in)), 1);
        t = trial_of(plain, salt, rec);
        ck_assert_int_eq(key_trial_run(t, ikm), KEY_TRIAL_HKDF_INPUT);
        ck_assert_int_eq(key_trial_run(t, k), KEY_TRIAL_PAGE_KEY);
        ikm[i % 32] ^= 1 << (i % 8);
        ck_assert_int_eq(key_trial_run(t, ikm), KEY_TRIAL_NONE);
        key_trial_free(t);
    }
    EVP_CIPHER_CTX_free(c);
}
END_TEST

/*
 * What dom0 holds of a level-2 agreement, the two identities, the offer,
 * the blob and the bind, each tried as the page key and as the key the
 * page key is derived from (with the session id): none fits a record of
 * a page whose content is known.  The same trial finds a level-1
 * session's key, given as the page key or as the key material it is
 * derived from, so it is not blind.
 */
START_TEST(test_relayed_bytes_open_nothing)
{
    struct tu_host a, b, c;
    struct relay r;
    uint8_t *recs, page[TU_PAGE], ikm[32];
    const uint8_t *cand[8];
    struct key_trial *t;
    struct xen_encmig_keymat km;
    unsigned int i, n = 0;

    tu_host_new(&a, 1, NULL, 1, SEED);
    tu_host_new(&b, 2, NULL, 1, 0);
    tu_host_new(&c, 3, NULL, 1, SEED);
    tu_page_pattern(SEED, 0, page);

    /* Level 1: the trial finds the key dom0 holds, in either form. */
    tu_random_keymat(&km);
    ck_assert_int_eq(RAND_bytes(ikm, sizeof(ikm)), 1);
    derive(ikm, km.session_id, "encmig v2 pages", km.key);
    ck_assert_int_eq(encmig_hc_setup(c.hc, c.domid, XEN_ENCMIG_DIR_EXPORT, 1,
                                     &km), 0);
    recs = encmig_hc_buf_alloc(c.hc, XEN_ENCMIG_REC_SIZE);
    ck_assert_ptr_nonnull(recs);
    ck_assert_int_eq(tu_export_range(&c, 0, 0, 0, 1, recs), 0);
    t = trial_of(page, km.session_id, recs);
    ck_assert_int_eq(key_trial_run(t, km.key), KEY_TRIAL_PAGE_KEY);
    ck_assert_int_eq(key_trial_run(t, ikm), KEY_TRIAL_HKDF_INPUT);
    ikm[0] ^= 1;
    ck_assert_int_eq(key_trial_run(t, ikm), KEY_TRIAL_NONE);
    key_trial_free(t);
    encmig_hc_buf_free(c.hc, recs, XEN_ENCMIG_REC_SIZE);

    /* Level 2: nothing dom0 relayed fits. */
    pin_both(&a, &b);
    ck_assert_int_eq(agree_to_blob(&a, &b, &r), 0);
    ck_assert_int_eq(take_blob(&a, &r), 0);
    recs = encmig_hc_buf_alloc(a.hc, XEN_ENCMIG_REC_SIZE);
    ck_assert_ptr_nonnull(recs);
    ck_assert_int_eq(tu_export_range(&a, 0, 0, 0, 1, recs), 0);

    cand[n++] = r.src_pub;
    cand[n++] = r.dst_pub;
    cand[n++] = r.offer.eph;
    cand[n++] = r.im.bind;
    cand[n++] = r.im.blob;
    cand[n++] = r.im.blob + 32;
    cand[n++] = r.im.blob + 64;
    t = trial_of(page, r.ex.session_id, recs);
    for ( i = 0; i < n; i++ )
        ck_assert_int_eq(key_trial_run(t, cand[i]), KEY_TRIAL_NONE);
    key_trial_free(t);
    encmig_hc_buf_free(a.hc, recs, XEN_ENCMIG_REC_SIZE);
    memset(&km, 0, sizeof(km));
    memset(ikm, 0, sizeof(ikm));
    tu_host_free(&a);
    tu_host_free(&b);
    tu_host_free(&c);
}
END_TEST

/* Hostile arguments of the level-2 sub-ops, each with its errno. */
START_TEST(test_bad_args)
{
    struct tu_host a, b;
    struct xen_domctl_encmig_op op;
    struct xen_encmig_l2_accept im;
    struct xen_encmig_keymat km;
    struct relay r;
    struct xen_encmig_offer off;
    uint8_t mac[32] = { 0 }, th[32] = { 0 };
    void *buf;

    tu_host_new(&a, 1, NULL, 4, 0);
    tu_host_new(&b, 2, NULL, 4, 0);
    pin_both(&a, &b);

    /* identity: pad, unknown cmd */
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_ENCMIG_OP_identity;
    op.u.identity.pad = 1;
    ck_assert_int_eq(encmig_hc_op(a.hc, 0, &op), -1);
    ck_assert_int_eq(errno, EINVAL);
    op.u.identity.pad = 0;
    op.u.identity.cmd = 3;
    ck_assert_int_eq(encmig_hc_op(a.hc, 0, &op), -1);
    ck_assert_int_eq(errno, EOPNOTSUPP);

    /* accept: wrong size, nonzero pad, null buffer, a guest's domain */
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_ENCMIG_OP_accept;
    op.u.accept.size = sizeof(im) - 1;
    buf = encmig_hc_buf_alloc(b.hc, sizeof(im));
    ck_assert_ptr_nonnull(buf);
    set_xen_guest_handle(op.u.accept.buf, (uint8_t *)buf);
    ck_assert_int_eq(encmig_hc_op(b.hc, 0, &op), -1);
    ck_assert_int_eq(errno, EINVAL);
    op.u.accept.size = sizeof(im);
    op.u.accept.pad = 1;
    ck_assert_int_eq(encmig_hc_op(b.hc, 0, &op), -1);
    ck_assert_int_eq(errno, EINVAL);
    op.u.accept.pad = 0;
    ck_assert_int_eq(encmig_hc_op(b.hc, b.domid, &op), -1);
    ck_assert_int_eq(errno, EINVAL);
    set_xen_guest_handle(op.u.accept.buf, (uint8_t *)NULL);
    ck_assert_int_eq(encmig_hc_op(b.hc, 0, &op), -1);
    ck_assert_int_eq(errno, EFAULT);
    encmig_hc_buf_free(b.hc, buf, sizeof(im));

    /* accept: an offer of small order; a peer not pinned */
    memset(&im, 0, sizeof(im));
    identity_of(&a, im.peer);
    ck_assert_int_eq(encmig_hc_accept(b.hc, &im), -1);
    ck_assert_int_eq(errno, EINVAL);
    identity_of(&b, im.peer);
    ck_assert_int_eq(encmig_hc_accept(b.hc, &im), -1);
    ck_assert_int_eq(errno, EACCES);

    /* claim: wrong size, wrong direction, nothing accepted */
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_ENCMIG_OP_setup;
    op.u.setup.direction = XEN_ENCMIG_DIR_IMPORT;
    op.u.setup.nr_streams = 1;
    op.u.setup.keymat_format = XEN_ENCMIG_KEYMAT_l2_claim;
    op.u.setup.keymat_size = 15;
    buf = encmig_hc_buf_alloc(b.hc, 16);
    ck_assert_ptr_nonnull(buf);
    set_xen_guest_handle(op.u.setup.keymat, (uint8_t *)buf);
    ck_assert_int_eq(encmig_hc_op(b.hc, b.domid, &op), -1);
    ck_assert_int_eq(errno, EINVAL);
    op.u.setup.keymat_size = 16;
    op.u.setup.direction = XEN_ENCMIG_DIR_EXPORT;
    ck_assert_int_eq(encmig_hc_op(b.hc, b.domid, &op), -1);
    ck_assert_int_eq(errno, EINVAL);
    op.u.setup.direction = XEN_ENCMIG_DIR_IMPORT;
    ck_assert_int_eq(encmig_hc_op(b.hc, b.domid, &op), -1);
    ck_assert_int_eq(errno, ENOENT);
    encmig_hc_buf_free(b.hc, buf, 16);
    ck_assert_int_eq(level_of(&b), -ENOENT);

    /* l2_export: no offer; then a session already there */
    memset(&r, 0, sizeof(r));
    ck_assert_int_eq(take_blob(&a, &r), ENOENT);
    tu_random_keymat(&km);
    ck_assert_int_eq(encmig_hc_setup(a.hc, a.domid, XEN_ENCMIG_DIR_EXPORT, 1,
                                     &km), 0);
    ck_assert_int_eq(take_blob(&a, &r), EEXIST);
    /* offer: a session already there; end: a level-1 session */
    ck_assert_int_eq(encmig_hc_offer(a.hc, a.domid, &off), -1);
    ck_assert_int_eq(errno, EEXIST);
    ck_assert_int_eq(encmig_hc_end(a.hc, a.domid, th, mac, NULL), -1);
    ck_assert_int_eq(errno, EOPNOTSUPP);
    ck_assert_int_eq(encmig_hc_teardown(a.hc, a.domid), 0);
    ck_assert_int_eq(encmig_hc_end(a.hc, a.domid, th, mac, NULL), -1);
    ck_assert_int_eq(errno, ENOENT);

    /* An offer is not a session: export, state and end refuse it. */
    ck_assert_int_eq(encmig_hc_offer(a.hc, a.domid, &off), 0);
    ck_assert_int_eq(tu_export_range(&a, 0, 0, 0, 1, NULL), ENOENT);
    ck_assert_int_eq(encmig_hc_end(a.hc, a.domid, th, mac, NULL), -1);
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_int_eq(encmig_hc_offer(a.hc, a.domid, &off), -1);
    ck_assert_int_eq(errno, EEXIST);
    /* level-1 setup over an offer */
    ck_assert_int_eq(encmig_hc_setup(a.hc, a.domid, XEN_ENCMIG_DIR_EXPORT, 1,
                                     &km), -1);
    ck_assert_int_eq(errno, EEXIST);
    ck_assert_int_eq(encmig_hc_teardown(a.hc, a.domid), 0);

    tu_host_free(&a);
    tu_host_free(&b);
}
END_TEST

static Suite *level2_suite(void)
{
    Suite *s = suite_create("level2");
    TCase *tc = tcase_create("hypervisor");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_identity_per_hypervisor);
    tcase_add_test(tc, test_pins_lock);
    tcase_add_test(tc, test_pins_full);
    tcase_add_test(tc, test_migration_level2);
    tcase_add_test(tc, test_end_counts_records);
    tcase_add_test(tc, test_unpinned_refused);
    tcase_add_test(tc, test_blob_tampered);
    tcase_add_test(tc, test_pending_claimed_once);
    tcase_add_test(tc, test_blob_replayed);
    tcase_add_test(tc, test_blob_for_another_source);
    tcase_add_test(tc, test_trial_derives_as_openssl);
    tcase_add_test(tc, test_relayed_bytes_open_nothing);
    tcase_add_test(tc, test_bad_args);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(level2_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
