/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * session.c: a domain's migration session: set up from the key material
 * the destination supplied, torn down with every key wiped.
 *
 * Setup and teardown are serialised against batches by the caller (Xen's
 * and the simulator's per-domain session lock, held for writing).  Batches on different
 * streams may run at once; a stream runs one batch at a time.
 */

#include "engine.h"
#include "identity.h"

void encmig_record_iv(const struct encmig_session *s, uint32_t stream,
                      uint64_t seq, uint8_t iv[ENCMIG_GCM_IV])
{
    unsigned int i;

    memcpy(iv, s->nonce_base, ENCMIG_GCM_IV);
    for ( i = 0; i < 4; i++ )
        iv[i] ^= (uint8_t)(stream >> (24 - 8 * i));
    for ( i = 0; i < 8; i++ )
        iv[4 + i] ^= (uint8_t)(seq >> (56 - 8 * i));
}

int encmig_run_batch(struct encmig_stream *st, uint32_t *done, uint32_t nr,
                     int (*one)(void *ctx, uint32_t i), void *ctx)
{
    uint32_t i;
    int rc = 0;

    if ( test_and_set_bool(st->busy) )
        return -EBUSY;

    for ( i = *done; i < nr; i++ )
    {
        rc = one(ctx, i);
        if ( rc )
            break;

        if ( i + 1 < nr && encmig_preempt_check() )
        {
            i++;
            rc = -ERESTART;
            break;
        }
    }

    *done = i;
    encmig_wipe(st->plain, XEN_ENCMIG_PAGE_SIZE);
    encmig_clear_bool(st->busy);
    return rc;
}

static void session_free(struct encmig_session *s)
{
    unsigned int i;

    if ( !s )
        return;

    if ( s->gcm )
        s->cipher->gcm_free(s->gcm);
    if ( s->state_gcm )
        s->cipher->gcm_free(s->state_gcm);

    for ( i = 0; i < XEN_ENCMIG_MAX_STREAMS; i++ )
    {
        struct encmig_stream *st = &s->stream[i];

        if ( st->scratch )
        {
            encmig_wipe(st->scratch, ENCMIG_SCRATCH_SIZE);
            encmig_free(st->scratch);
        }
        if ( st->plain )
        {
            encmig_wipe(st->plain, XEN_ENCMIG_PAGE_SIZE);
            encmig_free(st->plain);
        }
    }

    encmig_wipe(s, sizeof(*s));
    encmig_free(s);
}

/* Once the pins are locked, only the hypervisors may choose a key. */
static bool level1_allowed(struct domain *d)
{
    bool locked = encmig_identity_get(d)->locked;

    encmig_identity_put(d);
    return !locked;
}

/* Level 1: the keys as the toolstack hands them over, in either format. */
static int keymat_raw(const struct xen_encmig_setup *arg,
                      struct encmig_session_keys *k)
{
    struct xen_encmig_keymat_state km;
    size_t size;
    int rc;

    switch ( arg->keymat_format )
    {
    case XEN_ENCMIG_KEYMAT_raw:
        size = sizeof(km.pages);
        break;

    case XEN_ENCMIG_KEYMAT_raw_state:
        size = sizeof(km);
        break;

    default:
        return -EOPNOTSUPP;
    }

    if ( arg->keymat_size != size )
        return -EINVAL;
    if ( guest_handle_is_null(arg->keymat) )
        return -EFAULT;

    memset(&km, 0, sizeof(km));
    rc = encmig_copy_from_buf(&km, arg->keymat, 0, size);
    if ( !rc && km.pages.pad )
        rc = -EINVAL;
    if ( !rc )
    {
        k->level = 1;
        k->has_state = arg->keymat_format == XEN_ENCMIG_KEYMAT_raw_state;
        memcpy(k->page, km.pages.key, sizeof(k->page));
        memcpy(k->state, km.state_key, sizeof(k->state));
        memcpy(k->session_id, km.pages.session_id, sizeof(k->session_id));
        memcpy(k->nonce_base, km.pages.nonce_base, sizeof(k->nonce_base));
    }

    encmig_wipe(&km, sizeof(km));
    return rc;
}

static int session_new(struct domain *d, const struct xen_encmig_setup *arg,
                       const struct encmig_session_keys *k,
                       struct encmig_session **out)
{
    struct encmig_session *s;
    unsigned int i;
    int rc = -ENOMEM;

    s = encmig_zalloc(sizeof(*s));
    if ( !s )
        return -ENOMEM;

    s->direction = arg->direction;
    s->level = k->level;
    s->nr_streams = arg->nr_streams;
    s->cipher = encmig_domain_cipher(d);
    memcpy(s->session_id, k->session_id, sizeof(s->session_id));
    memcpy(s->nonce_base, k->nonce_base, sizeof(s->nonce_base));
    s->has_end = k->has_end;
    memcpy(s->end_key, k->end, sizeof(s->end_key));
    memcpy(s->bind, k->bind, sizeof(s->bind));

    for ( i = 0; i < s->nr_streams; i++ )
    {
        struct encmig_stream *st = &s->stream[i];

        st->scratch = encmig_zalloc(ENCMIG_SCRATCH_SIZE);
        st->plain = encmig_zalloc(XEN_ENCMIG_PAGE_SIZE);
        if ( !st->scratch || !st->plain )
            goto fail;
        memcpy(st->scratch, s->session_id, XEN_ENCMIG_SESSION_ID_SIZE);
    }

    rc = s->cipher->gcm_new(&s->gcm, k->page);
    if ( !rc && k->has_state )
        rc = s->cipher->gcm_new(&s->state_gcm, k->state);
    if ( rc )
        goto fail;

    *out = s;
    return 0;

 fail:
    session_free(s);
    return rc;
}

/*
 * The level-2 formats agree the keys in the hypervisor and write their
 * OUT fields back into keymat; that write comes last, after everything
 * that can fail, so that a caller who got the blob has a session.
 */
int encmig_session_setup(struct domain *d, struct xen_encmig_setup *arg)
{
    struct encmig_session **slot = encmig_domain_session(d);
    struct encmig_session *offer = NULL, *s = NULL;
    struct encmig_session_keys k;
    struct xen_encmig_l2_export out;
    size_t out_size = 0;
    int rc;

    if ( arg->direction != XEN_ENCMIG_DIR_EXPORT &&
         arg->direction != XEN_ENCMIG_DIR_IMPORT )
        return -EINVAL;
    if ( arg->nr_streams == 0 )
        return -EINVAL;
    if ( arg->nr_streams > XEN_ENCMIG_MAX_STREAMS )
        return -E2BIG;

    memset(&k, 0, sizeof(k));
    memset(&out, 0, sizeof(out));

    switch ( arg->keymat_format )
    {
    case XEN_ENCMIG_KEYMAT_l2_export:
        if ( arg->direction != XEN_ENCMIG_DIR_EXPORT )
            return -EINVAL;
        offer = *slot;
        if ( !offer )
            return -ENOENT;
        if ( offer->level )
            return -EEXIST;
        /* The offer is taken whatever happens: a blob is tried once. */
        *slot = NULL;
        rc = encmig_l2_export_keys(d, offer, arg, &k, &out);
        out_size = sizeof(out);
        break;

    case XEN_ENCMIG_KEYMAT_l2_claim:
        if ( arg->direction != XEN_ENCMIG_DIR_IMPORT )
            return -EINVAL;
        if ( *slot )
            return -EEXIST;
        rc = encmig_l2_claim_keys(d, arg, &k);
        break;

    default:
        if ( *slot )
            return -EEXIST;
        rc = level1_allowed(d) ? keymat_raw(arg, &k) : -EPERM;
        break;
    }

    if ( !rc )
        rc = session_new(d, arg, &k, &s);
    if ( !rc && out_size )
        rc = encmig_copy_to_buf(arg->keymat, 0, &out, out_size);

    if ( !rc )
    {
        *slot = s;
        s = NULL;
    }

    encmig_wipe(&k, sizeof(k));
    encmig_wipe(&out, sizeof(out));
    session_free(s);
    session_free(offer);
    return rc;
}

int encmig_session_teardown(struct domain *d)
{
    struct encmig_session **slot = encmig_domain_session(d);
    struct encmig_session *s = *slot;
    unsigned int i;

    if ( !s )
        return -ENOENT;

    for ( i = 0; i < s->nr_streams; i++ )
        if ( s->stream[i].busy )
            return -EBUSY;

    *slot = NULL;
    session_free(s);
    return 0;
}

void encmig_domain_destroy(struct domain *d)
{
    struct encmig_session **slot = encmig_domain_session(d);

    session_free(*slot);
    *slot = NULL;
}

int encmig_session_status(struct domain *d, struct xen_encmig_status *arg)
{
    const struct encmig_session *s = *encmig_domain_session(d);
    unsigned int i;

    if ( !s )
        return -ENOENT;

    memset(arg, 0, sizeof(*arg));
    arg->direction = s->direction;
    arg->nr_streams = s->nr_streams;
    for ( i = 0; i < s->nr_streams; i++ )
    {
        arg->records += s->stream[i].records;
        arg->auth_failures += s->stream[i].auth_failures;
        arg->rejected += s->stream[i].rejected;
    }
    arg->states = s->states;
    arg->level = s->level;

    return 0;
}
