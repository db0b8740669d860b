/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * agree.c: level 2, the key agreement that ends in the hypervisor.
 *
 * The destination's hypervisor draws the migration key material and
 * wraps it for the source's hypervisor; dom0 on each side relays the
 * source's offer and the wrapped blob but can open neither (docs/abi.md,
 * "Level 2").  The destination accepts before its guest exists, so the
 * agreement waits with the identity until the new guest claims it:
 *
 *   ee = X25519(e_D, E_S)   es = X25519(e_D, S_S)   se = X25519(s_D, E_S)
 *   PRK = HKDF-Extract(salt = "encmig l2 v1", ee || es || se)
 *   KEK = HKDF-Expand(PRK, "encmig l2 wrap" || S_S || S_D || E_S || E_D
 *                          || bind, 32)
 *   blob = E_D || AES-256-GCM(KEK, IV 0, no AAD, key material) || tag
 *
 * es proves the source (only S_S's holder computes it), se the
 * destination, and ee, with both ephemeral keys wiped after setup, keeps
 * a recorded blob closed even if both identities leak later.  The KEK
 * encrypts one message, so its fixed IV is never reused.
 */

#include "engine.h"
#include "identity.h"
#include "hkdf.h"
#include "x25519.h"

#define L2_SALT        "encmig l2 v1"
#define L2_WRAP_LABEL  "encmig l2 wrap"
#define L2_INFO_SIZE   (sizeof(L2_WRAP_LABEL) - 1 + \
                        4 * XEN_ENCMIG_PUB_SIZE + XEN_ENCMIG_BIND_SIZE)

/* The keys of the session from the key material, as docs/stream.md's
 * section 2 derives them in the toolstack at level 1. */
#define L2_KEY_PAGES   "encmig v2 pages"
#define L2_KEY_STATE   "encmig v2 state"
#define L2_KEY_END     "encmig v2 end"

/* Who is who in the agreement, from either side. */
struct l2_parties {
    const uint8_t *s_src, *s_dst;       /* identities */
    const uint8_t *e_src, *e_dst;       /* this session's ephemerals */
    const uint8_t *bind;
};

static int l2_kek(const uint8_t dh[3][ENCMIG_X25519_LEN],
                  const struct l2_parties *p, uint8_t kek[ENCMIG_GCM_KEY])
{
    uint8_t prk[ENCMIG_SHA256_LEN], info[L2_INFO_SIZE];
    unsigned int o = sizeof(L2_WRAP_LABEL) - 1;
    int rc;

    encmig_hkdf_extract((const uint8_t *)L2_SALT, sizeof(L2_SALT) - 1,
                        &dh[0][0], 3 * ENCMIG_X25519_LEN, prk);

    memcpy(info, L2_WRAP_LABEL, o);
    memcpy(info + o, p->s_src, XEN_ENCMIG_PUB_SIZE);
    o += XEN_ENCMIG_PUB_SIZE;
    memcpy(info + o, p->s_dst, XEN_ENCMIG_PUB_SIZE);
    o += XEN_ENCMIG_PUB_SIZE;
    memcpy(info + o, p->e_src, XEN_ENCMIG_PUB_SIZE);
    o += XEN_ENCMIG_PUB_SIZE;
    memcpy(info + o, p->e_dst, XEN_ENCMIG_PUB_SIZE);
    o += XEN_ENCMIG_PUB_SIZE;
    memcpy(info + o, p->bind, XEN_ENCMIG_BIND_SIZE);

    rc = encmig_hkdf_expand(prk, info, sizeof(info), kek, ENCMIG_GCM_KEY);
    encmig_wipe(prk, sizeof(prk));
    return rc;
}

/* One key of the session under a label (a string literal). */
#define l2_expand(prk, label, key) \
    encmig_hkdf_expand(prk, (const uint8_t *)(label), sizeof(label) - 1, \
                       key, ENCMIG_GCM_KEY)

/* The session's keys from the key material the destination drew. */
static int l2_session_keys(const struct xen_encmig_keymat *km,
                           const uint8_t *bind,
                           struct encmig_session_keys *k)
{
    uint8_t prk[ENCMIG_SHA256_LEN];
    int rc;

    if ( km->pad )
        return -EBADMSG;

    encmig_hkdf_extract(km->session_id, sizeof(km->session_id),
                        km->key, sizeof(km->key), prk);
    rc = l2_expand(prk, L2_KEY_PAGES, k->page);
    if ( !rc )
        rc = l2_expand(prk, L2_KEY_STATE, k->state);
    if ( !rc )
        rc = l2_expand(prk, L2_KEY_END, k->end);
    encmig_wipe(prk, sizeof(prk));
    if ( rc )
        return rc;

    k->level = 2;
    k->has_state = true;
    k->has_end = true;
    memcpy(k->session_id, km->session_id, sizeof(k->session_id));
    memcpy(k->nonce_base, km->nonce_base, sizeof(k->nonce_base));
    memcpy(k->bind, bind, sizeof(k->bind));
    return 0;
}

/* The wrap: one AES-256-GCM message under a fresh KEK, IV zero. */
static int l2_wrap(const struct encmig_cipher_ops *c,
                   const uint8_t kek[ENCMIG_GCM_KEY], bool seal,
                   const uint8_t *in, uint8_t *out, uint8_t *tag)
{
    static const uint8_t iv[ENCMIG_GCM_IV];
    void *gcm = NULL;
    int rc;

    rc = c->gcm_new(&gcm, kek);
    if ( rc )
        return rc;
    if ( seal )
        rc = c->gcm_seal(gcm, iv, NULL, 0, in,
                         sizeof(struct xen_encmig_keymat), out, tag);
    else
        rc = c->gcm_open(gcm, iv, NULL, 0, in,
                         sizeof(struct xen_encmig_keymat), tag, out);
    c->gcm_free(gcm);
    return rc;
}

#define BLOB_EPH(b)   (b)
#define BLOB_CT(b)    ((b) + XEN_ENCMIG_PUB_SIZE)
#define BLOB_TAG(b)   (BLOB_CT(b) + sizeof(struct xen_encmig_keymat))

/*
 * This hypervisor's key pair, for an agreement with peer, which must be
 * pinned.  The private key is copied out so that the slow arithmetic runs
 * outside the identity's lock; the caller wipes it.
 */
static int identity_for(struct domain *d, const uint8_t *peer,
                        uint8_t s_priv[ENCMIG_X25519_LEN],
                        uint8_t s_pub[ENCMIG_X25519_LEN])
{
    struct encmig_identity *id = encmig_identity_get(d);
    int rc = !id->ready ? -ENODEV :
             !encmig_identity_pinned(id, peer) ? -EACCES : 0;

    if ( !rc )
    {
        memcpy(s_priv, id->priv, ENCMIG_X25519_LEN);
        memcpy(s_pub, id->pub, ENCMIG_X25519_LEN);
    }
    encmig_identity_put(d);
    return rc;
}

int encmig_offer(struct domain *d, struct xen_encmig_offer *arg)
{
    struct encmig_session **slot = encmig_domain_session(d);
    struct encmig_identity *id;
    struct encmig_session *s;
    int rc;

    if ( *slot )
        return -EEXIST;

    id = encmig_identity_get(d);
    rc = id->ready ? 0 : -ENODEV;
    if ( !rc )
        memcpy(arg->pub, id->pub, sizeof(arg->pub));
    encmig_identity_put(d);
    if ( rc )
        return rc;

    s = encmig_zalloc(sizeof(*s));
    if ( !s )
        return -ENOMEM;

    rc = encmig_rng(s->offer_priv, sizeof(s->offer_priv));
    if ( rc )
    {
        encmig_wipe(s, sizeof(*s));
        encmig_free(s);
        return rc;
    }

    s->direction = XEN_ENCMIG_DIR_EXPORT;
    s->level = 0;
    encmig_x25519_public(s->offer_pub, s->offer_priv);
    memcpy(arg->eph, s->offer_pub, sizeof(arg->eph));
    *slot = s;
    return 0;
}

/* Keep k as a pending agreement, evicting the oldest when all are taken. */
static void pending_put(struct domain *d, const struct encmig_session_keys *k)
{
    struct encmig_identity *id = encmig_identity_get(d);
    struct encmig_pending *p = &id->pending[0];
    unsigned int i;

    for ( i = 0; i < XEN_ENCMIG_MAX_PENDING; i++ )
    {
        if ( !id->pending[i].used )
        {
            p = &id->pending[i];
            break;
        }
        if ( id->pending[i].age < p->age )
            p = &id->pending[i];
    }

    encmig_wipe(p, sizeof(*p));
    p->used = true;
    p->age = ++id->accepts;
    p->k = *k;
    encmig_identity_put(d);
}

int encmig_accept(struct domain *d, struct xen_encmig_accept *arg)
{
    struct xen_encmig_l2_accept io;
    struct encmig_session_keys k;
    struct xen_encmig_keymat km;
    uint8_t e_priv[ENCMIG_X25519_LEN], e_pub[ENCMIG_X25519_LEN];
    uint8_t s_priv[ENCMIG_X25519_LEN], s_pub[ENCMIG_X25519_LEN];
    uint8_t dh[3][ENCMIG_X25519_LEN], kek[ENCMIG_GCM_KEY];
    struct l2_parties p;
    int rc;

    if ( arg->pad || arg->size != sizeof(io) )
        return -EINVAL;
    if ( guest_handle_is_null(arg->buf) )
        return -EFAULT;
    rc = encmig_copy_from_buf(&io, arg->buf, 0, sizeof(io));
    if ( rc )
        return rc;

    rc = identity_for(d, io.peer, s_priv, s_pub);
    if ( rc )
        return rc;

    memset(&km, 0, sizeof(km));
    memset(&k, 0, sizeof(k));
    rc = encmig_rng(e_priv, sizeof(e_priv));
    if ( !rc )
        rc = encmig_rng(km.key, sizeof(km.key));
    if ( !rc )
        rc = encmig_rng(km.session_id, sizeof(km.session_id));
    if ( !rc )
        rc = encmig_rng(km.nonce_base, sizeof(km.nonce_base));
    if ( rc )
        goto out;
    encmig_x25519_public(e_pub, e_priv);

    /* The offer's public key is the source toolstack's word: check it. */
    rc = -EINVAL;
    if ( encmig_x25519(dh[0], e_priv, io.peer_eph) ||
         encmig_x25519(dh[1], e_priv, io.peer) ||
         encmig_x25519(dh[2], s_priv, io.peer_eph) )
        goto out;

    p.s_src = io.peer;
    p.s_dst = s_pub;
    p.e_src = io.peer_eph;
    p.e_dst = e_pub;
    p.bind = io.bind;
    rc = l2_kek(dh, &p, kek);
    if ( rc )
        goto out;

    memcpy(BLOB_EPH(io.blob), e_pub, sizeof(e_pub));
    rc = l2_wrap(encmig_domain_cipher(d), kek, true, (const uint8_t *)&km,
                 BLOB_CT(io.blob), BLOB_TAG(io.blob));
    if ( !rc )
        rc = l2_session_keys(&km, io.bind, &k);
    if ( rc )
        goto out;

    /* Kept only once the caller has its blob. */
    memcpy(io.session_id, km.session_id, sizeof(io.session_id));
    rc = encmig_copy_to_buf(arg->buf, 0, &io, sizeof(io));
    if ( !rc )
        pending_put(d, &k);

 out:
    encmig_wipe(&km, sizeof(km));
    encmig_wipe(&k, sizeof(k));
    encmig_wipe(e_priv, sizeof(e_priv));
    encmig_wipe(s_priv, sizeof(s_priv));
    encmig_wipe(dh, sizeof(dh));
    encmig_wipe(kek, sizeof(kek));
    return rc;
}

int encmig_l2_claim_keys(struct domain *d, const struct xen_encmig_setup *arg,
                         struct encmig_session_keys *k)
{
    struct xen_encmig_l2_claim c;
    struct encmig_identity *id;
    unsigned int i;
    int rc;

    if ( arg->keymat_size != sizeof(c) )
        return -EINVAL;
    if ( guest_handle_is_null(arg->keymat) )
        return -EFAULT;
    rc = encmig_copy_from_buf(&c, arg->keymat, 0, sizeof(c));
    if ( rc )
        return rc;

    rc = -ENOENT;
    id = encmig_identity_get(d);
    for ( i = 0; i < XEN_ENCMIG_MAX_PENDING; i++ )
    {
        struct encmig_pending *p = &id->pending[i];

        if ( p->used && encmig_ct_memeq(p->k.session_id, c.session_id,
                                        sizeof(c.session_id)) )
        {
            *k = p->k;
            encmig_wipe(p, sizeof(*p));
            rc = 0;
            break;
        }
    }
    encmig_identity_put(d);
    return rc;
}

int encmig_l2_export_keys(struct domain *d, struct encmig_session *offer,
                          const struct xen_encmig_setup *arg,
                          struct encmig_session_keys *k,
                          struct xen_encmig_l2_export *out)
{
    struct xen_encmig_keymat km;
    uint8_t s_priv[ENCMIG_X25519_LEN], s_pub[ENCMIG_X25519_LEN];
    uint8_t dh[3][ENCMIG_X25519_LEN], kek[ENCMIG_GCM_KEY];
    struct l2_parties p;
    int rc;

    if ( arg->keymat_size != sizeof(*out) )
        return -EINVAL;
    if ( guest_handle_is_null(arg->keymat) )
        return -EFAULT;
    rc = encmig_copy_from_buf(out, arg->keymat, 0, sizeof(*out));
    if ( rc )
        return rc;

    rc = identity_for(d, out->peer, s_priv, s_pub);
    if ( rc )
        return rc;

    memset(&km, 0, sizeof(km));
    rc = -EBADMSG;
    if ( encmig_x25519(dh[0], offer->offer_priv, BLOB_EPH(out->blob)) ||
         encmig_x25519(dh[1], s_priv, BLOB_EPH(out->blob)) ||
         encmig_x25519(dh[2], offer->offer_priv, out->peer) )
        goto out;

    p.s_src = s_pub;
    p.s_dst = out->peer;
    p.e_src = offer->offer_pub;
    p.e_dst = BLOB_EPH(out->blob);
    p.bind = out->bind;
    rc = l2_kek(dh, &p, kek);
    if ( rc )
        goto out;

    rc = l2_wrap(encmig_domain_cipher(d), kek, false, BLOB_CT(out->blob),
                 (uint8_t *)&km, BLOB_TAG(out->blob));
    if ( !rc )
        rc = l2_session_keys(&km, out->bind, k);
    if ( !rc )
        memcpy(out->session_id, km.session_id, sizeof(out->session_id));

 out:
    encmig_wipe(&km, sizeof(km));
    encmig_wipe(s_priv, sizeof(s_priv));
    encmig_wipe(dh, sizeof(dh));
    encmig_wipe(kek, sizeof(kek));
    return rc;
}
