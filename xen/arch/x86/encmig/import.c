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
                        uint32_t stream, uint64_t max_name)
{
    if ( hdr->stream != stream || hdr->pad ||
         (hdr->flags & ~XEN_ENCMIG_REC_FLAGS_KNOWN) )
        return -EINVAL;
    if ( hdr->gfn > max_name )
        return -ERANGE;
    /* Dropped, replayed and reordered records all break the sequence. */
    if ( hdr->seq != st->next_seq || hdr->round < st->last_round )
        return -EILSEQ;
    return 0;
}

struct import_batch {
    struct domain *d;
    struct encmig_session *s;
    struct xen_encmig_import *arg;
    uint64_t max_gfn;
    uint64_t max_name;
};

/*
 * The frame record i is to fill: the caller's frames[i] if it named one,
 * else the header's gfn.  Either way its name must be the header's gfn,
 * so the caller can choose where a page lands only among the frames the
 * guest itself gave that name.
 */
static int target_get(const struct import_batch *b, uint32_t i,
                      const struct xen_encmig_rec_hdr *hdr,
                      struct encmig_frame *f, uint64_t *gfn)
{
    uint64_t name;
    int rc;

    *gfn = hdr->gfn;
    if ( !guest_handle_is_null(b->arg->frames) )
    {
        rc = encmig_copy_gfn_from_buf(gfn, b->arg->frames, i);
        if ( rc )
            return rc;
        if ( *gfn > b->max_gfn )
            return -ERANGE;
    }

    rc = encmig_frame_get(b->d, *gfn, true, f);
    if ( rc )
        return rc;
    rc = encmig_frame_name(b->d, *gfn, &name);
    if ( !rc && name != hdr->gfn )
        rc = -EINVAL;
    if ( rc )
        encmig_frame_put(b->d, f);
    return rc;
}

static int import_item(void *ctx, uint32_t i)
{
    const struct import_batch *b = ctx;
    struct domain *d = b->d;
    struct encmig_session *s = b->s;
    uint32_t stream = b->arg->stream;
    struct encmig_stream *st = &s->stream[stream];
    const struct encmig_mem *mem = encmig_domain_mem(d);
    const struct xen_encmig_rec_hdr *hdr = (const void *)encmig_rec(st);
    struct encmig_frame f;
    uint8_t iv[ENCMIG_GCM_IV];
    uint64_t gfn;
    int rc;

    rc = encmig_copy_from_buf(encmig_rec(st), b->arg->buf,
                              (uint64_t)i * XEN_ENCMIG_REC_SIZE,
                              XEN_ENCMIG_REC_SIZE);
    if ( rc )
        return rc;

    rc = check_header(st, hdr, stream, b->max_name);
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

    rc = target_get(b, i, hdr, &f, &gfn);
    if ( rc == -EINVAL || rc == -ERANGE )
        st->rejected++;
    if ( rc )
        return rc;
    rc = mem->ops->write(mem, &f, st->plain);
    encmig_frame_put(d, &f);
    if ( rc )
        return rc;

    encmig_mark_dirty(d, gfn);
    st->next_seq++;
    st->last_round = hdr->round;
    st->records++;
    return rc;
}

int encmig_import(struct domain *d, struct xen_encmig_import *arg)
{
    struct encmig_session *s = *encmig_domain_session(d);
    struct import_batch b = {
        .d = d, .s = s, .arg = arg, .max_gfn = encmig_domain_max_gfn(d),
        /* A PV domain's names are checked against its M2P instead. */
        .max_name = encmig_domain_translated(d) ? encmig_domain_max_gfn(d)
                                                : ~(uint64_t)0,
    };

    /* An offer (level 0) is not a session yet. */
    if ( !s || !s->level )
        return -ENOENT;
    if ( s->direction != XEN_ENCMIG_DIR_IMPORT )
        return -EPERM;
    if ( arg->stream >= s->nr_streams || arg->pad )
        return -EINVAL;
    /* The caller's index, now bounded, must stay so under speculation. */
    arg->stream = array_index_nospec(arg->stream, s->nr_streams);
    if ( arg->nr_recs == 0 || arg->done >= arg->nr_recs )
        return -EINVAL;
    if ( arg->nr_recs > XEN_ENCMIG_MAX_BATCH )
        return -E2BIG;
    if ( guest_handle_is_null(arg->buf) )
        return -EFAULT;
    /* Only the caller knows where a PV guest's pages are to go. */
    if ( guest_handle_is_null(arg->frames) && !encmig_domain_translated(d) )
        return -EINVAL;
    if ( arg->buf_size < (uint64_t)arg->nr_recs * XEN_ENCMIG_REC_SIZE )
        return -ENOSPC;
    /* A running guest would race with the pages written under it. */
    if ( !encmig_domain_paused(d) )
        return -EBUSY;

    return encmig_run_batch(&s->stream[arg->stream], &arg->done,
                            arg->nr_recs, import_item, &b);
}
