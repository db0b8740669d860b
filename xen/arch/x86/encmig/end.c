/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * end.c: the MAC of the stream's end record, at level 2.
 *
 * The end key never leaves the hypervisor, and the hypervisor MACs only
 * a body it built itself: the count of page records this session moved
 * and the bind the toolstack gave at setup.  A control domain that drops,
 * adds or replays records can therefore have neither end vouch for the
 * stream.  The transcript is the toolstack's to compute; docs/stream.md
 * says what it covers.
 */

#include "engine.h"
#include "byteorder.h"
#include "sha256.h"

#define END_BODY_SIZE  (4 + 4 + 8 + XEN_ENCMIG_BIND_SIZE)

int encmig_end(struct domain *d, struct xen_encmig_end *arg)
{
    struct encmig_session *s = *encmig_domain_session(d);
    struct encmig_hmac_sha256 h;
    uint8_t body[END_BODY_SIZE], mac[ENCMIG_SHA256_LEN];
    uint64_t records = 0;
    unsigned int i;
    int rc = 0;

    if ( !s || !s->level )
        return -ENOENT;
    if ( !s->has_end )
        return -EOPNOTSUPP;

    for ( i = 0; i < s->nr_streams; i++ )
    {
        if ( s->stream[i].busy )
            return -EBUSY;
        records += s->stream[i].records;
    }

    store_le32(body, s->nr_streams);
    store_le32(body + 4, 0);
    store_le64(body + 8, records);
    memcpy(body + 16, s->bind, XEN_ENCMIG_BIND_SIZE);

    encmig_hmac_sha256_init(&h, s->end_key, sizeof(s->end_key));
    encmig_hmac_sha256_update(&h, arg->transcript, sizeof(arg->transcript));
    encmig_hmac_sha256_update(&h, body, sizeof(body));
    encmig_hmac_sha256_final(&h, mac);

    if ( s->direction == XEN_ENCMIG_DIR_EXPORT )
        memcpy(arg->mac, mac, sizeof(arg->mac));
    else if ( !encmig_ct_memeq(arg->mac, mac, sizeof(mac)) )
        rc = -EBADMSG;

    arg->records = records;
    encmig_wipe(mac, sizeof(mac));
    return rc;
}
