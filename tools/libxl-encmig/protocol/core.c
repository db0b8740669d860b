/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * core.c: keys, transcript, end record and control MACs of a migration.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core.h"
#include "../../../hypercalls/encmig_hc.h"
#include "records.h"
#include "wbuf.h"
#include "../util.h"

int encmig_core_init(struct encmig_core *c, unsigned int side,
                     const struct xen_encmig_keymat *km,
                     const uint8_t hs_transcript[ENCMIG_TRANSCRIPT_SIZE])
{
    int rc;

    memset(c, 0, sizeof(*c));
    c->side = side;
    c->nr_streams = 1;
    if (side != ENCMIG_SIDE_SOURCE && side != ENCMIG_SIDE_DEST)
        return -EINVAL;
    if (!km)
        return 0;

    c->th = EVP_MD_CTX_new();
    if (!c->th || !EVP_DigestInit_ex(c->th, EVP_sha256(), NULL)) {
        encmig_core_fini(c);
        return -ENOMEM;
    }
    rc = encmig_keys_derive(km, &c->k);
    if (rc) {
        encmig_core_fini(c);
        return rc;
    }
    memcpy(c->hs_transcript, hs_transcript, sizeof(c->hs_transcript));
    c->keyed = true;
    return 0;
}

int encmig_core_hv_setup(struct encmig_core *c, struct encmig_hc *hc,
                         uint32_t domid, uint32_t direction,
                         uint32_t nr_streams)
{
    struct xen_encmig_keymat_state km;
    int rc;

    if (!c->keyed)
        return -EPROTO;
    km.pages = c->k.pages;
    memcpy(km.state_key, c->k.state, sizeof(km.state_key));
    rc = encmig_hc_setup_state(hc, (domid_t)domid, direction, nr_streams,
                               &km) ? -errno : 0;
    /* The hypervisor has its copies: the only ones needed, whatever rc. */
    OPENSSL_cleanse(&km, sizeof(km));
    OPENSSL_cleanse(&c->k.pages, sizeof(c->k.pages));
    OPENSSL_cleanse(c->k.state, sizeof(c->k.state));
    if (!rc) {
        c->level = 1;
        c->nr_streams = nr_streams;
    }
    return rc;
}

/* Level 2: this end's page, state and end keys would open nothing. */
static void l2_begin(struct encmig_core *c, struct encmig_hc *hc)
{
    OPENSSL_cleanse(&c->k.pages, sizeof(c->k.pages));
    OPENSSL_cleanse(c->k.state, sizeof(c->k.state));
    OPENSSL_cleanse(c->k.end, sizeof(c->k.end));
    c->level = 2;
    c->hc = hc;
}

int encmig_core_l2_offer(struct encmig_core *c, struct encmig_hc *hc,
                         uint32_t domid, uint8_t offer[ENCMIG_L2_OFFER_SIZE])
{
    struct xen_encmig_offer o;

    if (!c->keyed || c->level || c->side != ENCMIG_SIDE_SOURCE)
        return -EPROTO;
    if (encmig_hc_offer(hc, (domid_t)domid, &o))
        return -errno;
    l2_begin(c, hc);
    c->domid = domid;
    memcpy(offer, o.pub, XEN_ENCMIG_PUB_SIZE);
    memcpy(offer + XEN_ENCMIG_PUB_SIZE, o.eph, XEN_ENCMIG_PUB_SIZE);
    return 0;
}

int encmig_core_l2_accept(struct encmig_core *c, struct encmig_hc *hc,
                          const uint8_t offer[ENCMIG_L2_OFFER_SIZE],
                          uint8_t answer[ENCMIG_L2_ANSWER_SIZE])
{
    struct xen_encmig_identity id = { 0 };
    struct xen_encmig_l2_accept io;

    if (!c->keyed || c->level || c->side != ENCMIG_SIDE_DEST)
        return -EPROTO;
    if (encmig_hc_identity(hc, 0, XEN_ENCMIG_ID_get, &id))
        return -errno;
    memset(&io, 0, sizeof(io));
    memcpy(io.peer, offer, XEN_ENCMIG_PUB_SIZE);
    memcpy(io.peer_eph, offer + XEN_ENCMIG_PUB_SIZE, XEN_ENCMIG_PUB_SIZE);
    memcpy(io.bind, c->hs_transcript, sizeof(io.bind));
    if (encmig_hc_accept(hc, &io))
        return -errno;
    l2_begin(c, hc);
    memcpy(c->l2_session_id, io.session_id, sizeof(c->l2_session_id));
    memcpy(answer, id.pub, XEN_ENCMIG_PUB_SIZE);
    memcpy(answer + XEN_ENCMIG_PUB_SIZE, io.blob, sizeof(io.blob));
    return 0;
}

int encmig_core_l2_export(struct encmig_core *c,
                          const uint8_t answer[ENCMIG_L2_ANSWER_SIZE],
                          uint32_t nr_streams)
{
    struct xen_encmig_l2_export ex;

    if (c->level != 2 || c->side != ENCMIG_SIDE_SOURCE)
        return -EPROTO;
    memset(&ex, 0, sizeof(ex));
    memcpy(ex.peer, answer, XEN_ENCMIG_PUB_SIZE);
    memcpy(ex.bind, c->hs_transcript, sizeof(ex.bind));
    memcpy(ex.blob, answer + XEN_ENCMIG_PUB_SIZE, sizeof(ex.blob));
    if (encmig_hc_setup_l2_export(c->hc, (domid_t)c->domid, nr_streams,
                                  &ex))
        return -errno;
    c->nr_streams = nr_streams;
    return 0;
}

int encmig_core_l2_resume(struct encmig_core *c, struct encmig_hc *hc,
                          uint32_t domid,
                          const uint8_t session_id[XEN_ENCMIG_SESSION_ID_SIZE],
                          uint32_t nr_streams)
{
    struct xen_encmig_status st;

    if (!c->keyed || c->level)
        return -EPROTO;
    if (c->side == ENCMIG_SIDE_DEST) {
        l2_begin(c, hc);
        memcpy(c->l2_session_id, session_id, sizeof(c->l2_session_id));
        return encmig_core_l2_claim(c, hc, domid, nr_streams);
    }
    if (encmig_hc_status(hc, (domid_t)domid, &st))
        return -errno;
    if (st.direction != XEN_ENCMIG_DIR_EXPORT || st.level != 2 ||
        st.nr_streams != nr_streams)
        return -EPROTO;
    l2_begin(c, hc);
    c->domid = domid;
    c->nr_streams = nr_streams;
    return 0;
}

int encmig_core_l2_claim(struct encmig_core *c, struct encmig_hc *hc,
                         uint32_t domid, uint32_t nr_streams)
{
    if (c->level != 2 || c->side != ENCMIG_SIDE_DEST)
        return -EPROTO;
    if (encmig_hc_setup_l2_claim(hc, (domid_t)domid, nr_streams,
                                 c->l2_session_id))
        return -errno;
    c->hc = hc;
    c->domid = domid;
    c->nr_streams = nr_streams;
    return 0;
}

void encmig_core_fini(struct encmig_core *c)
{
    EVP_MD_CTX_free(c->th);
    OPENSSL_cleanse(c, sizeof(*c));
}

static int hmac(const uint8_t key[32], const void *head, size_t head_len,
                const void *const *parts, const size_t *lens,
                unsigned int n, uint8_t mac[ENCMIG_MAC_SIZE])
{
    const void *all[8];
    size_t all_lens[8];
    unsigned int i, k = 0;

    if (n > 7)
        return -E2BIG;
    if (head_len) {
        all[k] = head;
        all_lens[k++] = head_len;
    }
    for (i = 0; i < n; i++) {
        all[k] = parts[i];
        all_lens[k++] = lens[i];
    }
    return encmig_hmac(key, all, all_lens, k, mac);
}

/* The control MAC: u8 sender's side, u32le the sender's count, message. */
static int ctl_mac(const struct encmig_core *c, unsigned int from,
                   uint32_t count, const void *const *parts,
                   const size_t *lens, unsigned int n,
                   uint8_t mac[ENCMIG_MAC_SIZE])
{
    struct wbuf head;
    int rc;

    if (!c->keyed)
        return -EPROTO;
    wbuf_init(&head, 5);
    if (!(rc = wbuf_put_u8(&head, from)) &&
        !(rc = wbuf_put_u32le(&head, count)))
        rc = hmac(c->k.control[from], wbuf_ptr(&head), wbuf_avail(&head),
                  parts, lens, n, mac);
    wbuf_free(&head);
    return rc;
}

int encmig_core_ctl_seal(struct encmig_core *c, const void *const *parts,
                         const size_t *lens, unsigned int n,
                         uint8_t mac[ENCMIG_MAC_SIZE])
{
    int rc = ctl_mac(c, c->side, c->ctl_sent, parts, lens, n, mac);

    if (!rc)
        c->ctl_sent++;
    return rc;
}

int encmig_core_ctl_check(struct encmig_core *c, const void *const *parts,
                          const size_t *lens, unsigned int n,
                          const uint8_t mac[ENCMIG_MAC_SIZE])
{
    uint8_t want[ENCMIG_MAC_SIZE];
    int rc = ctl_mac(c, !c->side, c->ctl_rcvd, parts, lens, n, want);

    c->ctl_rcvd++;
    if (!rc && CRYPTO_memcmp(want, mac, sizeof(want)))
        rc = -EBADMSG;
    OPENSSL_cleanse(want, sizeof(want));
    return rc;
}

int encmig_core_config_mac(const struct encmig_core *c,
                           const void *const *parts, const size_t *lens,
                           unsigned int n, uint8_t mac[ENCMIG_MAC_SIZE])
{
    if (!c->keyed)
        return -EPROTO;
    return hmac(c->k.config, NULL, 0, parts, lens, n, mac);
}

int encmig_core_config_check(const struct encmig_core *c,
                             const void *const *parts, const size_t *lens,
                             unsigned int n,
                             const uint8_t mac[ENCMIG_MAC_SIZE])
{
    uint8_t want[ENCMIG_MAC_SIZE];
    int rc = encmig_core_config_mac(c, parts, lens, n, want);

    if (!rc && CRYPTO_memcmp(want, mac, sizeof(want)))
        rc = -EBADMSG;
    OPENSSL_cleanse(want, sizeof(want));
    return rc;
}

/* The transcript. */

void encmig_core_stream_bytes(struct encmig_core *c, const void *p,
                              size_t len)
{
    if (c->keyed && !c->th_closed && len)
        EVP_DigestUpdate(c->th, p, len);
}

void encmig_core_stream_rec_hdr(struct encmig_core *c, uint32_t type,
                                uint32_t length)
{
    uint8_t hdr[REC_HDR_SIZE];

    encmig_hdr8_put(hdr, type, length);
    encmig_core_stream_bytes(c, hdr, sizeof(hdr));
}

/*
 * Hashing 4 MiB a batch would cost as much again as sealing it: a batch
 * enters by its header and each page record's header and tag.
 */
static void stream_batch(struct encmig_core *c, const uint8_t *hdr,
                         const uint8_t *recs, uint32_t count)
{
    uint32_t i;

    encmig_core_stream_bytes(c, hdr, ENCMIG_PAGES_HDR_SIZE);
    for (i = 0; i < count; i++, recs += XEN_ENCMIG_REC_SIZE) {
        encmig_core_stream_bytes(c, recs, XEN_ENCMIG_REC_HDR_SIZE);
        encmig_core_stream_bytes(c, recs + XEN_ENCMIG_REC_SIZE -
                                 XEN_ENCMIG_TAG_SIZE, XEN_ENCMIG_TAG_SIZE);
    }
}

void encmig_core_stream_record(struct encmig_core *c, uint32_t type,
                               uint32_t length, const struct iovec *body,
                               unsigned int n)
{
    const uint8_t *recs;
    uint32_t count;
    unsigned int k;

    if (type == REC_TYPE_ENCMIG_END)
        return;
    encmig_core_stream_rec_hdr(c, type, length);

    /* A batch comes whole, or as its header and its records. */
    if (type == REC_TYPE_ENCMIG_PAGES) {
        if (n == 1 &&
            !encmig_pages_parse(body[0].iov_base, body[0].iov_len,
                                ENCMIG_MAX_BATCH, 0, &count, &recs) &&
            body[0].iov_len == length) {
            stream_batch(c, body[0].iov_base, recs, count);
            return;
        }
        if (n == 2 && body[0].iov_len == ENCMIG_PAGES_HDR_SIZE &&
            !encmig_pages_parse_split(body[0].iov_base, body[1].iov_len,
                                      ENCMIG_MAX_BATCH, 0, &count) &&
            body[0].iov_len + body[1].iov_len == length) {
            stream_batch(c, body[0].iov_base, body[1].iov_base, count);
            return;
        }
    }
    /* Anything else, a malformed batch included, goes in whole. */
    for (k = 0; k < n; k++)
        encmig_core_stream_bytes(c, body[k].iov_base, body[k].iov_len);
}

/*
 * The end MAC: SHA-256 of the transcript, then the body; closes it.
 * Level 1: this end's HMAC (mac out).  Level 2: the hypervisor's, which
 * the source's writes into mac and the destination's checks against mac
 * (-EBADMSG), each over the body it builds from its own count.
 */
static int end_mac(struct encmig_core *c, const uint8_t *body,
                   uint8_t mac[ENCMIG_END_MAC_SIZE])
{
    uint8_t th[32];
    const void *parts[2] = { th, body };
    size_t lens[2] = { sizeof(th), ENCMIG_END_BODY_SIZE };
    unsigned int thlen = 0;
    int rc;

    if (!c->keyed || c->th_closed)
        return -EPROTO;
    c->th_closed = true;
    if (!EVP_DigestFinal_ex(c->th, th, &thlen) || thlen != sizeof(th))
        return -EIO;
    if (c->level == 2)
        rc = encmig_hc_end(c->hc, (domid_t)c->domid, th, mac, NULL)
             ? -errno : 0;
    else
        rc = encmig_hmac(c->k.end, parts, lens, 2, mac);
    OPENSSL_cleanse(th, sizeof(th));
    return rc;
}

int encmig_core_end_seal(struct encmig_core *c, uint64_t records,
                         uint8_t end[ENCMIG_END_SIZE])
{
    struct wbuf b;
    int rc;

    wbuf_init(&b, ENCMIG_END_BODY_SIZE);
    if (!(rc = wbuf_put_u32le(&b, c->nr_streams)) &&
        !(rc = wbuf_put_u32le(&b, 0)) &&             /* pad */
        !(rc = wbuf_put_u64le(&b, records)) &&
        !(rc = wbuf_put(&b, c->hs_transcript, sizeof(c->hs_transcript)))) {
        memcpy(end, wbuf_ptr(&b), ENCMIG_END_BODY_SIZE);
        rc = end_mac(c, end, end + ENCMIG_END_BODY_SIZE);
    }
    wbuf_free(&b);
    return rc;
}

int encmig_core_end_check(struct encmig_core *c, const uint8_t *body,
                          uint32_t len, uint64_t *records, char *err,
                          size_t errlen)
{
    uint8_t mac[ENCMIG_END_MAC_SIZE];
    const uint8_t *theirs;
    uint32_t nr_streams, pad;
    struct wbuf b;
    int rc;

    if (len != ENCMIG_END_SIZE) {
        encmig_seterr(err, errlen, "an end record of %u bytes", len);
        return -EBADMSG;
    }
    memcpy(mac, body + ENCMIG_END_BODY_SIZE, sizeof(mac));
    rc = end_mac(c, body, mac);
    if (rc && rc != -EBADMSG) {
        encmig_seterr(err, errlen, "checking the end record: %s", strerror(-rc));
        return rc;
    }
    if (rc || CRYPTO_memcmp(mac, body + ENCMIG_END_BODY_SIZE, sizeof(mac))) {
        encmig_seterr(err, errlen, "the end record failed authentication: the "
                 "stream was altered");
        return -EBADMSG;
    }

    /* Authentic: now its fields can be believed, and compared. */
    wbuf_from(&b, body, ENCMIG_END_BODY_SIZE);
    if (wbuf_get_u32le(&b, &nr_streams) || wbuf_get_u32le(&b, &pad) ||
        nr_streams != c->nr_streams || pad ||
        wbuf_get_u64le(&b, records) ||
        wbuf_get_ptr(&b, &theirs, ENCMIG_TRANSCRIPT_SIZE)) {
        encmig_seterr(err, errlen, "the end record is malformed");
        return -EBADMSG;
    }
    if (CRYPTO_memcmp(theirs, c->hs_transcript, ENCMIG_TRANSCRIPT_SIZE)) {
        encmig_seterr(err, errlen, "the end record belongs to another session");
        return -EBADMSG;
    }
    return 0;
}
