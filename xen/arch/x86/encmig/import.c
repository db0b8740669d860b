/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * import.c: verify migration records and re-key them into guest frames.
 *
 * Each record is copied out of the caller's buffer before it is looked at
 * (the caller may change the buffer under us), its header checked, its tag
 * verified; only then is the page stored into the frame under the
 * destination's memory key at the frame's own host physical address.  A
 * record that fails any check leaves the frame untouched.
 */

#include "engine.h"
#include "mem.h"

static int check_header(const struct encmig_stream *st,
                        const struct xen_encmig_rec_hdr *hdr,
                        uint32_t stream, uint64_t max_gfn)
{
    if ( hdr->stream != stream || hdr->pad ||
         (hdr->flags & ~XEN_ENCMIG_REC_FLAGS_KNOWN) )
        return -EINVAL;
    if ( hdr->gfn > max_gfn )
        return -ERANGE;
    /* Dropped, replayed and reordered records all break the sequence. */
    if ( hdr->seq != st->next_seq || hdr->round < st->last_round )
        return -EILSEQ;
    return 0;
}

static int import_one(struct domain *d, struct encmig_session *s,
                      struct encmig_stream *st, uint32_t stream,
                      uint64_t max_gfn, XEN_GUEST_HANDLE_64(uint8) buf,
                      uint64_t off)
{
    const struct encmig_mem *mem = encmig_domain_mem(d);
    const struct xen_encmig_rec_hdr *hdr = (const void *)encmig_rec(st);
    struct encmig_frame f;
    uint8_t iv[ENCMIG_GCM_IV];
    int rc;

    rc = encmig_copy_from_buf(encmig_rec(st), buf, off, XEN_ENCMIG_REC_SIZE);
    if ( rc )
        return rc;

    rc = check_header(st, hdr, stream, max_gfn);
    if ( rc )
    {
        st->rejected++;
        return rc;
    }

    encmig_record_iv(s, stream, hdr->seq, iv);
    rc = s->cipher->gcm_open(s->gcm, iv, st->scratch, XEN_ENCMIG_AAD_SIZE,
                             encmig_rec_ct(st), XEN_ENCMIG_PAGE_SIZE,
                             encmig_rec_tag(st), st->plain);
    if ( rc )
    {
        st->auth_failures++;
        return rc;
    }

    rc = encmig_frame_get(d, hdr->gfn, true, &f);
    if ( rc )
        return rc;
    rc = mem->ops->write(mem, &f, st->plain);
    encmig_frame_put(d, &f);
    if ( rc )
        return rc;

    encmig_mark_dirty(d, hdr->gfn);
    st->next_seq++;
    st->last_round = hdr->round;
    st->records++;
    return rc;
}

struct import_batch {
    struct domain *d;
    struct encmig_session *s;
    struct xen_encmig_import *arg;
    uint64_t max_gfn;
};

static int import_item(void *ctx, uint32_t i)
{
    struct import_batch *b = ctx;

    return import_one(b->d, b->s, &b->s->stream[b->arg->stream],
                      b->arg->stream, b->max_gfn, b->arg->buf,
                      (uint64_t)i * XEN_ENCMIG_REC_SIZE);
}

int encmig_import(struct domain *d, struct xen_encmig_import *arg)
{
    struct encmig_session *s = *encmig_domain_session(d);
    struct import_batch b = {
        .d = d, .s = s, .arg = arg, .max_gfn = encmig_domain_max_gfn(d),
    };

    if ( !s )
        return -ENOENT;
    if ( s->direction != XEN_ENCMIG_DIR_IMPORT )
        return -EPERM;
    if ( arg->stream >= s->nr_streams || arg->pad )
        return -EINVAL;
    if ( arg->nr_recs == 0 || arg->done >= arg->nr_recs )
        return -EINVAL;
    if ( arg->nr_recs > XEN_ENCMIG_MAX_BATCH )
        return -E2BIG;
    if ( guest_handle_is_null(arg->buf) )
        return -EFAULT;
    if ( arg->buf_size < (uint64_t)arg->nr_recs * XEN_ENCMIG_REC_SIZE )
        return -ENOSPC;
    /* A running guest would race with the pages written under it. */
    if ( !encmig_domain_paused(d) )
        return -EBUSY;

    return encmig_run_batch(&s->stream[arg->stream], &arg->done,
                            arg->nr_recs, import_item, &b);
}
