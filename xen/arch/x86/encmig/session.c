/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * session.c: a domain's migration session: set up from the key material
 * the destination supplied, torn down with every key wiped.
 *
 * Setup and teardown are serialised against batches by the caller (Xen's
 * domctl lock; the simulator's per-domain lock).  Batches on different
 * streams may run at once; a stream runs one batch at a time.
 */

#include "engine.h"

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

/*
 * The key material in either format, as KEYMAT_raw_state: with
 * KEYMAT_raw, state_key stays zero and *has_state false.
 */
static int keymat_get(const struct xen_encmig_setup *arg,
                      struct xen_encmig_keymat_state *km, bool *has_state)
{
    size_t size;

    switch ( arg->keymat_format )
    {
    case XEN_ENCMIG_KEYMAT_raw:
        size = sizeof(km->pages);
        *has_state = false;
        break;

    case XEN_ENCMIG_KEYMAT_raw_state:
        size = sizeof(*km);
        *has_state = true;
        break;

    default:
        return -EOPNOTSUPP;
    }

    if ( arg->keymat_size != size )
        return -EINVAL;
    if ( guest_handle_is_null(arg->keymat) )
        return -EFAULT;

    memset(km, 0, sizeof(*km));
    return encmig_copy_from_buf(km, arg->keymat, 0, size);
}

int encmig_session_setup(struct domain *d, struct xen_encmig_setup *arg)
{
    struct encmig_session **slot = encmig_domain_session(d);
    struct encmig_session *s = NULL;
    struct xen_encmig_keymat_state km;
    bool has_state;
    unsigned int i;
    int rc;

    if ( arg->direction != XEN_ENCMIG_DIR_EXPORT &&
         arg->direction != XEN_ENCMIG_DIR_IMPORT )
        return -EINVAL;
    if ( arg->nr_streams == 0 )
        return -EINVAL;
    if ( arg->nr_streams > XEN_ENCMIG_MAX_STREAMS )
        return -E2BIG;
    if ( *slot )
        return -EEXIST;

    rc = keymat_get(arg, &km, &has_state);
    if ( rc )
        goto out;

    rc = -EINVAL;
    if ( km.pages.pad )
        goto out;

    rc = -ENOMEM;
    s = encmig_zalloc(sizeof(*s));
    if ( !s )
        goto out;

    s->direction = arg->direction;
    s->nr_streams = arg->nr_streams;
    s->cipher = encmig_domain_cipher(d);
    memcpy(s->session_id, km.pages.session_id, sizeof(s->session_id));
    memcpy(s->nonce_base, km.pages.nonce_base, sizeof(s->nonce_base));

    for ( i = 0; i < s->nr_streams; i++ )
    {
        struct encmig_stream *st = &s->stream[i];

        st->scratch = encmig_zalloc(ENCMIG_SCRATCH_SIZE);
        st->plain = encmig_zalloc(XEN_ENCMIG_PAGE_SIZE);
        if ( !st->scratch || !st->plain )
            goto out;
        memcpy(st->scratch, s->session_id, XEN_ENCMIG_SESSION_ID_SIZE);
    }

    rc = s->cipher->gcm_new(&s->gcm, km.pages.key);
    if ( !rc && has_state )
        rc = s->cipher->gcm_new(&s->state_gcm, km.state_key);
    if ( rc )
        goto out;

    *slot = s;
    s = NULL;
    rc = 0;

 out:
    encmig_wipe(&km, sizeof(km));
    session_free(s);
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

    return 0;
}
