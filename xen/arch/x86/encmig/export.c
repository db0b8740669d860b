/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * export.c: re-key guest frames into migration records.
 *
 * For each gfn: the frame is decrypted with the domain's current key
 * (address-dependent) and AES-256-GCM sealed under the migration key
 * (address-independent), in one pass where the memory backend and the
 * cipher can fuse the two, else through the stream's scratch page; the
 * whole record, tag included, is then copied into the caller's buffer.
 * The caller never maps the frame and never sees plaintext.
 */

#include "engine.h"
#include "mem.h"

/*
 * Seal into our own record, never into the caller's buffer: GCM reads
 * back the ciphertext it wrote to compute the tag, and a caller writing
 * to its buffer meanwhile would have its own ciphertext authenticated.
 * The backend seals the frame in one pass where it can; otherwise its
 * plaintext goes through the stream's scratch page.
 */
static int seal_frame(const struct encmig_mem *mem,
                      const struct encmig_session *s,
                      struct encmig_stream *st, const struct encmig_frame *f,
                      const uint8_t iv[ENCMIG_GCM_IV])
{
    int rc = -EOPNOTSUPP;

    if ( mem->ops->seal )
        rc = mem->ops->seal(mem, f, s->cipher, s->gcm, iv, st->scratch,
                            XEN_ENCMIG_AAD_SIZE, encmig_rec_ct(st),
                            encmig_rec_tag(st));
    if ( rc != -EOPNOTSUPP )
        return rc;

    rc = mem->ops->read(mem, f, st->plain);
    if ( rc )
        return rc;
    return s->cipher->gcm_seal(s->gcm, iv, st->scratch, XEN_ENCMIG_AAD_SIZE,
                               st->plain, XEN_ENCMIG_PAGE_SIZE,
                               encmig_rec_ct(st), encmig_rec_tag(st));
}

static int export_one(struct domain *d, struct encmig_session *s,
                      struct encmig_stream *st, uint32_t stream,
                      uint32_t round, uint64_t gfn,
                      XEN_GUEST_HANDLE_64(uint8) buf, uint64_t off)
{
    const struct encmig_mem *mem = encmig_domain_mem(d);
    struct xen_encmig_rec_hdr *hdr = (void *)encmig_rec(st);
    struct encmig_frame f;
    uint8_t iv[ENCMIG_GCM_IV];
    uint64_t name;
    int rc;

    rc = encmig_frame_get(d, gfn, false, &f);
    if ( rc )
        return rc;
    rc = encmig_frame_name(d, gfn, &name);
    if ( !rc )
    {
        hdr->gfn = name;
        hdr->seq = st->next_seq;
        hdr->stream = stream;
        hdr->round = round;
        hdr->flags = 0;
        hdr->pad = 0;
        encmig_record_iv(s, stream, hdr->seq, iv);
        rc = seal_frame(mem, s, st, &f, iv);
    }
    encmig_frame_put(d, &f);
    if ( rc )
        return rc;

    /* The nonce is spent once sealed, whether or not the copy succeeds. */
    st->next_seq++;
    st->records++;

    return encmig_copy_to_buf(buf, off, encmig_rec(st), XEN_ENCMIG_REC_SIZE);
}

struct export_batch {
    struct domain *d;
    struct encmig_session *s;
    struct xen_encmig_export *arg;
    uint64_t max_gfn;
};

static int export_item(void *ctx, uint32_t i)
{
    struct export_batch *b = ctx;
    uint64_t gfn;
    int rc;

    rc = encmig_copy_gfn_from_buf(&gfn, b->arg->gfns, i);
    if ( rc )
        return rc;
    if ( gfn > b->max_gfn )
        return -ERANGE;

    return export_one(b->d, b->s, &b->s->stream[b->arg->stream],
                      b->arg->stream, b->arg->round, gfn, b->arg->buf,
                      (uint64_t)i * XEN_ENCMIG_REC_SIZE);
}

int encmig_export(struct domain *d, struct xen_encmig_export *arg)
{
    struct encmig_session *s = *encmig_domain_session(d);
    struct export_batch b = {
        .d = d, .s = s, .arg = arg, .max_gfn = encmig_domain_max_gfn(d),
    };

    /* An offer (level 0) is not a session yet. */
    if ( !s || !s->level )
        return -ENOENT;
    if ( s->direction != XEN_ENCMIG_DIR_EXPORT )
        return -EPERM;
    if ( arg->stream >= s->nr_streams )
        return -EINVAL;
    /* The caller's index, now bounded, must stay so under speculation. */
    arg->stream = array_index_nospec(arg->stream, s->nr_streams);
    if ( arg->nr_gfns == 0 || arg->done >= arg->nr_gfns )
        return -EINVAL;
    if ( arg->nr_gfns > XEN_ENCMIG_MAX_BATCH )
        return -E2BIG;
    if ( guest_handle_is_null(arg->gfns) || guest_handle_is_null(arg->buf) )
        return -EFAULT;
    /* nr_gfns is bounded above, so the product cannot overflow. */
    if ( arg->buf_size < (uint64_t)arg->nr_gfns * XEN_ENCMIG_REC_SIZE )
        return -ENOSPC;

    return encmig_run_batch(&s->stream[arg->stream], &arg->done,
                            arg->nr_gfns, export_item, &b);
}
