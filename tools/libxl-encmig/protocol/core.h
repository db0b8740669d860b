/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * core.h: the migration core that every front end shares.
 *
 * `encmig migrate` on the simulator and `xl migrate --encrypted` (through
 * libxenguest's hooks and xl's control messages) keep the same state for
 * an encrypted migration, and compute every MAC the same way:
 *
 *  - the session's keys (keys.h), each for one purpose;
 *  - the stream transcript: SHA-256 over the stream from its image header
 *    to the last record before ENCMIG_END, every record known or not;
 *  - ENCMIG_END: its body, and the HMAC over the transcript and the body;
 *  - control messages: HMAC under the sender's control key over its side,
 *    its count of control messages and the message, so that no message
 *    can be forged, replayed, reordered or sent back to its sender;
 *  - the configuration MAC: what sized the guest before any key existed.
 *
 * docs/stream.md is the specification.  Functions return 0 or -errno.
 */

#ifndef __ENCMIG_CORE_H__
#define __ENCMIG_CORE_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "keys.h"
#include "stream-format.h"

#define ENCMIG_MAC_SIZE          32

struct evp_md_ctx_st;

struct encmig_hc;

struct encmig_core {
    unsigned int side;                       /* ENCMIG_SIDE_*: this end */
    bool keyed;                              /* keys derived */
    /*
     * 1: this end handed the page, state and end keys to its hypervisor;
     * 2: the hypervisors agreed them and this end never held them, and
     * the end record's MAC is the hypervisor's (hc, domid).
     */
    unsigned int level;
    uint32_t nr_streams;          /* of the hypervisor session: 1 unless set up */
    struct encmig_hc *hc;
    uint32_t domid;
    uint8_t l2_session_id[XEN_ENCMIG_SESSION_ID_SIZE]; /* dest: to claim */
    struct encmig_keys k;
    uint8_t hs_transcript[ENCMIG_TRANSCRIPT_SIZE];  /* the handshake's */
    uint32_t ctl_sent, ctl_rcvd;
    struct evp_md_ctx_st *th;                /* the stream's transcript */
    bool th_closed;
};

/*
 * Start a core for one end.  With key material (encrypted), every key is
 * derived from it; without (plain), nothing is authenticated and the
 * MAC functions fail with -EPROTO.
 */
int encmig_core_init(struct encmig_core *c, unsigned int side,
                     const struct xen_encmig_keymat *km,
                     const uint8_t hs_transcript[ENCMIG_TRANSCRIPT_SIZE]);
/*
 * Start the hypervisor's session on domid with the page and state keys
 * (XEN_ENCMIG_KEYMAT_raw_state), and wipe this end's copies of both
 * whatever the outcome: from here only the hypervisor holds them.
 */
int encmig_core_hv_setup(struct encmig_core *c, struct encmig_hc *hc,
                         uint32_t domid, uint32_t direction,
                         uint32_t nr_streams);
/*
 * Level 2 (docs/abi.md, "Level 2").  The toolstacks relay two messages,
 * each under the control MAC of its sender:
 *   offer  (source -> destination): S_S || E_S, the source hypervisor's
 *          identity and this session's offer;
 *   answer (destination -> source): S_D || blob.
 * The source asks its hypervisor for the offer on the guest (l2_offer)
 * and sets up its export session from the answer (l2_export); the
 * destination accepts the offer before its guest exists (l2_accept) and
 * has the guest claim the agreement once built (l2_claim).  The bind is
 * the handshake's transcript.  Each drops this end's own page, state and
 * end keys, which at level 2 open nothing.  The hypervisor refuses a
 * peer that is not pinned (-EACCES), a blob that does not open
 * (-EBADMSG), and has no identity without RDRAND (-ENODEV).
 */
#define ENCMIG_L2_OFFER_SIZE   (2 * XEN_ENCMIG_PUB_SIZE)
#define ENCMIG_L2_ANSWER_SIZE  (XEN_ENCMIG_PUB_SIZE + XEN_ENCMIG_L2_BLOB_SIZE)

int encmig_core_l2_offer(struct encmig_core *c, struct encmig_hc *hc,
                         uint32_t domid, uint8_t offer[ENCMIG_L2_OFFER_SIZE]);
int encmig_core_l2_accept(struct encmig_core *c, struct encmig_hc *hc,
                          const uint8_t offer[ENCMIG_L2_OFFER_SIZE],
                          uint8_t answer[ENCMIG_L2_ANSWER_SIZE]);
int encmig_core_l2_export(struct encmig_core *c,
                          const uint8_t answer[ENCMIG_L2_ANSWER_SIZE],
                          uint32_t nr_streams);
int encmig_core_l2_claim(struct encmig_core *c, struct encmig_hc *hc,
                         uint32_t domid, uint32_t nr_streams);
/*
 * Continue in another process (xl's save/restore helper) a level-2
 * session that xl agreed: the source's export session on domid must be
 * there, at level 2, with nr_streams streams; the destination's new
 * guest claims the agreement of session_id with as many.
 */
int encmig_core_l2_resume(struct encmig_core *c, struct encmig_hc *hc,
                          uint32_t domid,
                          const uint8_t session_id[XEN_ENCMIG_SESSION_ID_SIZE],
                          uint32_t nr_streams);

/* Wipe every key and free the transcript. */
void encmig_core_fini(struct encmig_core *c);

/* The control MAC of the next message this end sends; counts it. */
int encmig_core_ctl_seal(struct encmig_core *c, const void *const *parts,
                         const size_t *lens, unsigned int n,
                         uint8_t mac[ENCMIG_MAC_SIZE]);
/* Check the MAC of the next message from the peer (-EBADMSG); counts it
 * whatever the verdict: a message that failed is not tried again. */
int encmig_core_ctl_check(struct encmig_core *c, const void *const *parts,
                          const size_t *lens, unsigned int n,
                          const uint8_t mac[ENCMIG_MAC_SIZE]);

/* HMAC under the configuration key (the request, or xl's config). */
int encmig_core_config_mac(const struct encmig_core *c,
                           const void *const *parts, const size_t *lens,
                           unsigned int n, uint8_t mac[ENCMIG_MAC_SIZE]);
int encmig_core_config_check(const struct encmig_core *c,
                             const void *const *parts, const size_t *lens,
                             unsigned int n,
                             const uint8_t mac[ENCMIG_MAC_SIZE]);

/*
 * The stream's transcript.  bytes: the image and domain headers.  record:
 * one record as its 8-byte header and its body without padding, except
 * that a well-formed ENCMIG_PAGES body enters as its 8-byte header and,
 * for each page record, its header and tag (the tag already binds the
 * ciphertext under the page key).  Nothing enters once ENCMIG_END has
 * been sealed or checked.
 */
void encmig_core_stream_bytes(struct encmig_core *c, const void *p,
                              size_t len);
/* A record's 8-byte header alone: for a body that enters in pieces. */
void encmig_core_stream_rec_hdr(struct encmig_core *c, uint32_t type,
                                uint32_t length);
/* ENCMIG_END is never part of its own transcript: ignored here. */
void encmig_core_stream_record(struct encmig_core *c, uint32_t type,
                               uint32_t length, const struct iovec *body,
                               unsigned int n);

/*
 * ENCMIG_END: u32 nr_streams (the session's), u32 pad (0), u64 records
 * (all streams), the handshake's transcript hash, HMAC-SHA256 under the
 * end key over the stream transcript's SHA-256 and the body before the
 * MAC.  At
 * level 2 the hypervisor computes the MAC over a body it builds from its
 * own count (XEN_ENCMIG_OP_end): the same bytes when nothing was lost.
 */
#define ENCMIG_END_BODY_SIZE  (8 + 8 + ENCMIG_TRANSCRIPT_SIZE)
#define ENCMIG_END_SIZE       (ENCMIG_END_BODY_SIZE + ENCMIG_END_MAC_SIZE)

int encmig_core_end_seal(struct encmig_core *c, uint64_t records,
                         uint8_t end[ENCMIG_END_SIZE]);
/*
 * Check an ENCMIG_END body: the MAC first, in constant time, then its
 * fields.  *records gets the count the source sent.  -EBADMSG with a
 * reason in err for anything wrong.
 */
int encmig_core_end_check(struct encmig_core *c, const uint8_t *body,
                          uint32_t len, uint64_t *records, char *err,
                          size_t errlen);

#endif /* __ENCMIG_CORE_H__ */
