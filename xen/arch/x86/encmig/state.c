/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * state.c: the guest's state (vCPU registers, HVM context) sealed and
 * opened by the hypervisor.
 *
 * Save reads the state into memory of its own and seals it there; load
 * copies the sealed record in once, checks the copy and opens it in
 * place, and only a record that verified is handed to the platform to
 * load.  The caller moves ciphertext only.  Both run exclusive (the
 * session lock held for writing, in Xen and in the simulator), so the
 * session's state sequence needs no lock of its own.
 */

#include "engine.h"

/*
 * One buffer holds session_id || header || text || tag, so that the
 * additional data (session_id || header) is one run of bytes.
 */
#define STATE_AAD_SIZE \
    (XEN_ENCMIG_SESSION_ID_SIZE + XEN_ENCMIG_STATE_HDR_SIZE)

struct state_buf {
    uint8_t *p;
    size_t size;
};

static struct xen_encmig_state_hdr *state_hdr(const struct state_buf *b)
{
    return (void *)(b->p + XEN_ENCMIG_SESSION_ID_SIZE);
}

static uint8_t *state_text(const struct state_buf *b)
{
    return b->p + STATE_AAD_SIZE;
}

static int state_buf_alloc(struct state_buf *b,
                           const struct encmig_session *s, size_t len)
{
    b->size = STATE_AAD_SIZE + len + XEN_ENCMIG_TAG_SIZE;
    b->p = encmig_zalloc(b->size);
    if ( !b->p )
        return -ENOMEM;
    memcpy(b->p, s->session_id, XEN_ENCMIG_SESSION_ID_SIZE);
    return 0;
}

static void state_buf_free(struct state_buf *b)
{
    if ( !b->p )
        return;
    encmig_wipe(b->p, b->size);
    encmig_free(b->p);
    b->p = NULL;
}

static int state_session(struct domain *d, unsigned int direction,
                         const struct xen_encmig_state *arg,
                         struct encmig_session **out)
{
    struct encmig_session *s = *encmig_domain_session(d);

    /* An offer (level 0) is not a session yet. */
    if ( !s || !s->level )
        return -ENOENT;
    if ( s->direction != direction )
        return -EPERM;
    if ( !s->state_gcm )
        return -EOPNOTSUPP;             /* set up without a state key */
    /* Which instances a kind has is the platform's to say. */
    if ( arg->kind != XEN_ENCMIG_STATE_hvm_context &&
         arg->kind != XEN_ENCMIG_STATE_pv_vcpu )
        return -EINVAL;
    *out = s;
    return 0;
}

int encmig_save_state(struct domain *d, struct xen_encmig_state *arg)
{
    struct encmig_session *s;
    struct xen_encmig_state_hdr *hdr;
    struct state_buf b = { .p = NULL };
    uint8_t iv[ENCMIG_GCM_IV];
    size_t max, len;
    int rc;

    rc = state_session(d, XEN_ENCMIG_DIR_EXPORT, arg, &s);
    if ( rc )
        return rc;
    rc = encmig_state_size(d, arg->kind, arg->instance, &max);
    if ( rc )
        return rc;
    if ( max > XEN_ENCMIG_MAX_STATE )
        return -E2BIG;

    if ( guest_handle_is_null(arg->buf) ||
         arg->buf_size < max + XEN_ENCMIG_STATE_OVERHEAD )
    {
        rc = guest_handle_is_null(arg->buf) ? 0 : -ENOSPC;
        arg->buf_size = max + XEN_ENCMIG_STATE_OVERHEAD;
        return rc;
    }

    rc = state_buf_alloc(&b, s, max);
    if ( rc )
        return rc;
    rc = encmig_state_get(d, arg->kind, arg->instance, state_text(&b), max,
                          &len);
    if ( rc )
        goto out;
    rc = -EIO;
    if ( len > max )                    /* the platform broke its word */
        goto out;

    hdr = state_hdr(&b);
    hdr->kind = arg->kind;
    hdr->instance = arg->instance;
    hdr->seq = s->state_seq;
    hdr->length = len;
    hdr->nr_vcpus = encmig_domain_nr_vcpus(d);
    hdr->flags = 0;
    hdr->pad = 0;
    encmig_record_iv(s, XEN_ENCMIG_STATE_STREAM, hdr->seq, iv);

    rc = s->cipher->gcm_seal(s->state_gcm, iv, b.p, STATE_AAD_SIZE,
                             state_text(&b), len, state_text(&b),
                             state_text(&b) + len);
    if ( rc )
        goto out;

    /* The nonce is spent once sealed, whether or not the copy succeeds. */
    s->state_seq++;
    s->states++;

    len += XEN_ENCMIG_STATE_OVERHEAD;
    rc = encmig_copy_to_buf(arg->buf, 0, hdr, len);
    if ( !rc )
        arg->buf_size = len;

 out:
    state_buf_free(&b);
    return rc;
}

static int check_state_hdr(const struct encmig_session *s, struct domain *d,
                           const struct xen_encmig_state *arg,
                           const struct xen_encmig_state_hdr *hdr,
                           size_t len)
{
    if ( hdr->kind != arg->kind || hdr->instance != arg->instance ||
         hdr->flags || hdr->pad || hdr->length != len ||
         hdr->nr_vcpus != encmig_domain_nr_vcpus(d) )
        return -EINVAL;
    /* Dropped, replayed and reordered state records break the sequence. */
    if ( hdr->seq != s->state_seq )
        return -EILSEQ;
    return 0;
}

int encmig_load_state(struct domain *d, struct xen_encmig_state *arg)
{
    struct encmig_session *s;
    struct state_buf b = { .p = NULL };
    uint8_t iv[ENCMIG_GCM_IV];
    size_t len;
    int rc;

    rc = state_session(d, XEN_ENCMIG_DIR_IMPORT, arg, &s);
    if ( rc )
        return rc;
    if ( guest_handle_is_null(arg->buf) )
        return -EFAULT;
    if ( arg->buf_size < XEN_ENCMIG_STATE_OVERHEAD )
        return -EINVAL;
    if ( arg->buf_size > XEN_ENCMIG_MAX_STATE + XEN_ENCMIG_STATE_OVERHEAD )
        return -E2BIG;
    len = arg->buf_size - XEN_ENCMIG_STATE_OVERHEAD;

    rc = state_buf_alloc(&b, s, len);
    if ( rc )
        return rc;
    /* One copy: the caller may change its buffer under us. */
    rc = encmig_copy_from_buf(state_hdr(&b), arg->buf, 0, arg->buf_size);
    if ( rc )
        goto out;

    rc = check_state_hdr(s, d, arg, state_hdr(&b), len);
    if ( rc )
        goto out;

    encmig_record_iv(s, XEN_ENCMIG_STATE_STREAM, state_hdr(&b)->seq, iv);
    rc = s->cipher->gcm_open(s->state_gcm, iv, b.p, STATE_AAD_SIZE,
                             state_text(&b), len, state_text(&b) + len,
                             state_text(&b));
    if ( rc )
        goto out;

    rc = encmig_state_set(d, arg->kind, arg->instance, state_text(&b), len);
    if ( rc )
        goto out;

    s->state_seq++;
    s->states++;

 out:
    state_buf_free(&b);
    return rc;
}
