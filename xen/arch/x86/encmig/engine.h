/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * engine.h: the re-key engine's session state, shared by its files.
 */

#ifndef __ENCMIG_ENGINE_H__
#define __ENCMIG_ENGINE_H__

#include "port.h"
#include "crypto.h"

/* Record headers are bound into the AEAD as they lie in memory. */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "encmig: record headers are little-endian; port the header handling"
#endif

/*
 * Per-stream scratch: the record is assembled behind a copy of the
 * session id, so that session_id || header (the AEAD's additional data)
 * is one contiguous run of bytes.
 */
struct encmig_stream {
    uint64_t next_seq;           /* seq of the next record, export or import */
    uint32_t last_round;         /* import: rounds never go back */
    bool busy;                   /* a batch is running on this stream */
    uint64_t records;
    uint64_t auth_failures;
    uint64_t rejected;
    uint8_t *scratch;            /* XEN_ENCMIG_SESSION_ID_SIZE + REC_SIZE */
    uint8_t *plain;              /* one page */
    /*
     * A line each: the streams' batches run on different CPUs and bump
     * their counters page after page.
     */
} __attribute__((__aligned__(ENCMIG_CACHELINE)));

struct encmig_session {
    unsigned int direction;      /* XEN_ENCMIG_DIR_* */
    unsigned int level;          /* 1, 2; 0: an offer waiting for setup */
    unsigned int nr_streams;
    uint8_t session_id[XEN_ENCMIG_SESSION_ID_SIZE];
    uint8_t nonce_base[XEN_ENCMIG_NONCE_SIZE];
    const struct encmig_cipher_ops *cipher;
    void *gcm;                   /* migration key schedule */
    struct encmig_stream stream[XEN_ENCMIG_MAX_STREAMS];
    /* State sub-ops run exclusive (the session lock, for writing). */
    void *state_gcm;             /* state key schedule, or NULL */
    uint64_t state_seq;          /* seq of the next state record */
    uint64_t states;             /* state records sealed or loaded */
    /* Level 2: the end record's key and the toolstack's bind. */
    bool has_end;
    uint8_t end_key[ENCMIG_GCM_KEY];
    uint8_t bind[XEN_ENCMIG_BIND_SIZE];
    /* Level 2, source: the offer, until setup takes it. */
    uint8_t offer_priv[XEN_ENCMIG_PUB_SIZE];
    uint8_t offer_pub[XEN_ENCMIG_PUB_SIZE];
};

/*
 * The keys a session is set up with, whichever way they were agreed:
 * handed over by the toolstack (level 1) or agreed between the two
 * hypervisors (level 2).  Wiped once the session holds them.
 */
struct encmig_session_keys {
    unsigned int level;
    bool has_state;
    bool has_end;
    uint8_t page[ENCMIG_GCM_KEY];
    uint8_t state[ENCMIG_GCM_KEY];
    uint8_t end[ENCMIG_GCM_KEY];
    uint8_t session_id[XEN_ENCMIG_SESSION_ID_SIZE];
    uint8_t nonce_base[XEN_ENCMIG_NONCE_SIZE];
    uint8_t bind[XEN_ENCMIG_BIND_SIZE];
};

/* Record pointers into a stream's scratch. */
#define ENCMIG_SCRATCH_SIZE   (XEN_ENCMIG_SESSION_ID_SIZE + XEN_ENCMIG_REC_SIZE)
#define encmig_rec(st)        ((st)->scratch + XEN_ENCMIG_SESSION_ID_SIZE)
#define encmig_rec_ct(st)     (encmig_rec(st) + XEN_ENCMIG_REC_HDR_SIZE)
#define encmig_rec_tag(st)    (encmig_rec_ct(st) + XEN_ENCMIG_PAGE_SIZE)

/* The record nonce: nonce_base ^ (be32 stream || be64 seq). */
void encmig_record_iv(const struct encmig_session *s, uint32_t stream,
                      uint64_t seq, uint8_t iv[ENCMIG_GCM_IV]);

/*
 * Run one(ctx, i) for the items [*done, nr) of a batch on stream st.  A
 * stream runs one batch at a time (-EBUSY otherwise); between items the
 * batch may be preempted (-ERESTART with *done advanced, to be continued);
 * it stops at the first item that fails, *done counting those before it.
 * The stream's plaintext scratch is wiped before this returns.
 */
int encmig_run_batch(struct encmig_stream *st, uint32_t *done, uint32_t nr,
                     int (*one)(void *ctx, uint32_t i), void *ctx);

int encmig_session_setup(struct domain *d, struct xen_encmig_setup *arg);
int encmig_session_teardown(struct domain *d);
int encmig_session_status(struct domain *d, struct xen_encmig_status *arg);

int encmig_export(struct domain *d, struct xen_encmig_export *arg);
int encmig_import(struct domain *d, struct xen_encmig_import *arg);

/*
 * Level 2 (agree.c).  encmig_offer() leaves a session of level 0 holding
 * the offer; encmig_accept() leaves a pending agreement with the
 * hypervisor's identity.  The l2 functions fill k from a KEYMAT_l2_*
 * setup; export returns in *out the bytes to write back to the keymat.
 */
int encmig_offer(struct domain *d, struct xen_encmig_offer *arg);
int encmig_accept(struct domain *d, struct xen_encmig_accept *arg);
int encmig_l2_claim_keys(struct domain *d, const struct xen_encmig_setup *arg,
                         struct encmig_session_keys *k);
int encmig_l2_export_keys(struct domain *d, struct encmig_session *offer,
                          const struct xen_encmig_setup *arg,
                          struct encmig_session_keys *k,
                          struct xen_encmig_l2_export *out);
int encmig_end(struct domain *d, struct xen_encmig_end *arg);

int encmig_save_state(struct domain *d, struct xen_encmig_state *arg);
int encmig_load_state(struct domain *d, struct xen_encmig_state *arg);

/*
 * The one entry point: XEN_DOMCTL_encmig_op on domain d, arguments
 * already copied in.  The caller copies op back on success and on
 * -ERESTART, where it continues the call later with op unchanged.
 */
int encmig_do_op(struct domain *d, struct xen_domctl_encmig_op *op);

/* The domain is dying: drop its session and wipe its keys. */
void encmig_domain_destroy(struct domain *d);

#endif /* __ENCMIG_ENGINE_H__ */
