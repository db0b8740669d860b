/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * testutil.c: fixtures shared by the engine and simulator tests.
 */

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "testutil.h"

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void tu_page_pattern(uint64_t seed, uint64_t gfn, uint8_t *page)
{
    uint64_t s = seed ^ (gfn * 0x100000001b3ULL), v;
    unsigned int i;

    for ( i = 0; i < TU_PAGE; i += sizeof(v) )
    {
        v = splitmix64(&s);
        memcpy(page + i, &v, sizeof(v));
    }
}

void tu_host_new(struct tu_host *t, unsigned int id,
                 const struct encmig_cipher_ops *cipher, uint64_t nr_pages,
                 uint64_t seed)
{
    uint8_t page[TU_PAGE];
    uint64_t gfn;

    memset(t, 0, sizeof(*t));
    t->host = sim_host_new(id, cipher);
    ck_assert_ptr_nonnull(t->host);
    ck_assert_int_eq(sim_domain_create(t->host, nr_pages, &t->domid), 0);
    t->nr_pages = nr_pages;
    t->hc = encmig_hc_open_sim(t->host, true);
    ck_assert_ptr_nonnull(t->hc);
    if ( !seed )
        return;
    for ( gfn = 0; gfn < nr_pages; gfn++ )
    {
        tu_page_pattern(seed, gfn, page);
        ck_assert_int_eq(sim_guest_write(t->host, t->domid, gfn, page), 0);
    }
}

void tu_host_free(struct tu_host *t)
{
    encmig_hc_close(t->hc);
    sim_host_free(t->host);
    memset(t, 0, sizeof(*t));
}

void tu_random_keymat(struct xen_encmig_keymat *km)
{
    ck_assert_int_eq(RAND_bytes((unsigned char *)km, sizeof(*km)), 1);
    km->pad = 0;
}

int tu_export_range(struct tu_host *t, uint32_t stream, uint32_t round,
                    uint64_t first, uint32_t n, uint8_t *recs)
{
    uint64_t *gfns = encmig_hc_buf_alloc(t->hc, n * sizeof(*gfns));
    uint32_t i;
    int rc;

    ck_assert_ptr_nonnull(gfns);
    for ( i = 0; i < n; i++ )
        gfns[i] = first + i;
    rc = encmig_hc_export(t->hc, t->domid, stream, round, gfns, n, recs,
                          (size_t)n * XEN_ENCMIG_REC_SIZE) ? errno : 0;
    encmig_hc_buf_free(t->hc, gfns, n * sizeof(*gfns));
    return rc;
}

int tu_open_record(const struct xen_encmig_keymat *km, const uint8_t *rec,
                   uint8_t *plain)
{
    const struct xen_encmig_rec_hdr *hdr = (const void *)rec;
    uint8_t iv[XEN_ENCMIG_NONCE_SIZE], aad[XEN_ENCMIG_AAD_SIZE];
    const uint8_t *ct = rec + XEN_ENCMIG_REC_HDR_SIZE;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    unsigned int i;
    int len, ok;

    /* nonce = nonce_base ^ (be32 stream || be64 seq) */
    memcpy(iv, km->nonce_base, sizeof(iv));
    for ( i = 0; i < 4; i++ )
        iv[i] ^= hdr->stream >> (24 - 8 * i);
    for ( i = 0; i < 8; i++ )
        iv[4 + i] ^= hdr->seq >> (56 - 8 * i);
    memcpy(aad, km->session_id, XEN_ENCMIG_SESSION_ID_SIZE);
    memcpy(aad + XEN_ENCMIG_SESSION_ID_SIZE, rec, XEN_ENCMIG_REC_HDR_SIZE);

    ck_assert_ptr_nonnull(ctx);
    ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, km->key, iv) == 1 &&
         EVP_DecryptUpdate(ctx, NULL, &len, aad, sizeof(aad)) == 1 &&
         EVP_DecryptUpdate(ctx, plain, &len, ct, XEN_ENCMIG_PAGE_SIZE) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, XEN_ENCMIG_TAG_SIZE,
                             (void *)(ct + XEN_ENCMIG_PAGE_SIZE)) == 1 &&
         EVP_DecryptFinal_ex(ctx, plain + len, &len) == 1;
    EVP_CIPHER_CTX_free(ctx);
    return ok ? 0 : -1;
}
