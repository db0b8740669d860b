/* SPDX-License-Identifier: MIT */
/******************************************************************************
 * encmig.h
 *
 * Encrypted live migration: the XEN_DOMCTL_encmig_op interface.
 *
 * The toolstack asks the hypervisor to re-key guest pages: decrypt a frame
 * with the domain's memory key (address-dependent) and encrypt it under a
 * per-migration key (AES-256-GCM, address-independent) into a buffer that
 * the caller provided, or the reverse on the destination.  The caller never
 * maps the guest frame.
 *
 * All structures are fixed size, 64-bit aligned and free of implicit
 * padding, so 32-bit and 64-bit callers see the same layout.  Every
 * operation returns 0 or -errno.
 */

#ifndef __XEN_PUBLIC_ENCMIG_H__
#define __XEN_PUBLIC_ENCMIG_H__

#if defined(__XEN__)
#include "xen.h"
#else
#include "encmig-compat.h"
#endif

/*
 * The domctl number.  Upstream hands out domctl numbers one after another
 * from 1 (up to 90 by Xen 4.21) and keeps gdbsx's at 1000-1003; an op
 * that lives out of tree takes one well clear of both, never assigned or
 * retired upstream, so that neither a newer Xen nor an older toolstack
 * gives it another meaning.  docs/abi.md lists what each version uses.
 */
#define XEN_DOMCTL_encmig_op             512

/*
 * Interface version: major in the upper 16 bits.  A caller passes the
 * version it was built against; the hypervisor refuses a different major
 * with -EPROTONOSUPPORT and accepts any minor: a sub-op or key format
 * that it does not know fails with -EOPNOTSUPP.  Minor 1 added the state
 * sub-ops and XEN_ENCMIG_KEYMAT_raw_state; minor 2 level 2: the
 * hypervisor's identity, offer, accept, end, the KEYMAT_l2_* formats and the
 * session's level in status.
 */
#define XEN_ENCMIG_INTERFACE_VERSION     0x00010002U
#define XEN_ENCMIG_VERSION_MAJOR(v)      ((v) >> 16)

#define XEN_ENCMIG_PAGE_SIZE             4096U
#define XEN_ENCMIG_TAG_SIZE              16U
#define XEN_ENCMIG_KEY_SIZE              32U
#define XEN_ENCMIG_NONCE_SIZE            12U
#define XEN_ENCMIG_SESSION_ID_SIZE       16U

/* Hard limits: arguments above them fail with -E2BIG. */
#define XEN_ENCMIG_MAX_BATCH             1024U
#define XEN_ENCMIG_MAX_STREAMS           16U
#define XEN_ENCMIG_MAX_STATE             (4U << 20) /* bytes of one state */

/* Sub-operations. */
#define XEN_ENCMIG_OP_probe              0
#define XEN_ENCMIG_OP_setup              1
#define XEN_ENCMIG_OP_export             2
#define XEN_ENCMIG_OP_import             3
#define XEN_ENCMIG_OP_status             4
#define XEN_ENCMIG_OP_teardown           5
#define XEN_ENCMIG_OP_save_state         6
#define XEN_ENCMIG_OP_load_state         7
#define XEN_ENCMIG_OP_identity           8
#define XEN_ENCMIG_OP_offer              9
#define XEN_ENCMIG_OP_accept             10
#define XEN_ENCMIG_OP_end                11

/* Memory-encryption backends: how the domain's frames are kept. */
#define XEN_ENCMIG_MEM_PLAIN             0 /* no memory encryption */
#define XEN_ENCMIG_MEM_XTS_SIM           1 /* simulator: AES-256-XTS, hpa tweak */

/* Capabilities reported by probe. */
#define XEN_ENCMIG_CAP_EXPORT            (1U << 0)
#define XEN_ENCMIG_CAP_IMPORT            (1U << 1)
#define XEN_ENCMIG_CAP_AESNI             (1U << 2)
#define XEN_ENCMIG_CAP_PREEMPT           (1U << 3)
#define XEN_ENCMIG_CAP_STATE             (1U << 4) /* save_state, load_state */
#define XEN_ENCMIG_CAP_IDENTITY          (1U << 5) /* level 2: this hypervisor
                                                    * has an identity */
#define XEN_ENCMIG_CAP_VAES              (1U << 6) /* the export's decrypt and
                                                    * seal fused, on VAES */

/*
 * XEN_ENCMIG_OP_probe: what the component offers.  Needs no session; the
 * domain only has to exist.
 */
struct xen_encmig_probe {
    uint32_t version;            /* OUT: XEN_ENCMIG_INTERFACE_VERSION */
    uint32_t caps;               /* OUT: XEN_ENCMIG_CAP_* */
    uint32_t mem_backend;        /* OUT: XEN_ENCMIG_MEM_* of this domain */
    uint32_t max_batch;          /* OUT: XEN_ENCMIG_MAX_BATCH */
    uint32_t max_streams;        /* OUT: XEN_ENCMIG_MAX_STREAMS */
    uint32_t rec_size;           /* OUT: bytes per page record */
    uint64_aligned_t max_gfn;    /* OUT: highest gfn of the domain */
};

/* Key material for XEN_ENCMIG_KEYMAT_raw: 64 bytes in caller memory. */
struct xen_encmig_keymat {
    uint8_t key[XEN_ENCMIG_KEY_SIZE];         /* AES-256-GCM migration key */
    uint8_t session_id[XEN_ENCMIG_SESSION_ID_SIZE];
    uint8_t nonce_base[XEN_ENCMIG_NONCE_SIZE]; /* destination's offset */
    uint32_t pad;                             /* must be zero */
};

#define XEN_ENCMIG_DIR_EXPORT            1
#define XEN_ENCMIG_DIR_IMPORT            2

#define XEN_ENCMIG_KEYMAT_raw            0 /* level 1: struct xen_encmig_keymat */
#define XEN_ENCMIG_KEYMAT_raw_state      1 /* level 1: ..._keymat_state */
#define XEN_ENCMIG_KEYMAT_l2_claim       2 /* level 2: ..._l2_claim */
#define XEN_ENCMIG_KEYMAT_l2_export      3 /* level 2: ..._l2_export */

/*
 * Key material for XEN_ENCMIG_KEYMAT_raw_state: the page key as above,
 * and a separate key that seals the guest's state (save_state,
 * load_state).  A session set up with XEN_ENCMIG_KEYMAT_raw has no state
 * key, and its state sub-ops fail with -EOPNOTSUPP.
 */
struct xen_encmig_keymat_state {
    struct xen_encmig_keymat pages;
    uint8_t state_key[XEN_ENCMIG_KEY_SIZE];   /* AES-256-GCM */
};

/*
 * Level 2: the key agreement ends in the hypervisor (docs/abi.md,
 * "Level 2").  Each hypervisor holds an X25519 key pair, its identity,
 * whose private half never leaves it, and a list of peer hypervisors'
 * public keys that it will agree a session with (its pins).
 *
 *  1. The source's toolstack asks its hypervisor for an offer for the
 *     domain (XEN_ENCMIG_OP_offer): the hypervisor draws an ephemeral key
 *     pair for this session and returns its public half.
 *  2. The destination's toolstack accepts the offer (XEN_ENCMIG_OP_accept,
 *     asked of its own domain: the guest does not exist yet), passing the
 *     source hypervisor's public key, the offer and 32 bytes of its own
 *     transcript (bind).  The hypervisor draws the migration key
 *     material, keeps it as a pending agreement, and returns a blob that
 *     only the source's hypervisor can open, and the session id.
 *  3. The source's toolstack sets up the export session with
 *     KEYMAT_l2_export, passing the destination hypervisor's public key,
 *     the blob and the same bind; the hypervisor opens the blob with its
 *     private key and the offer's.
 *  4. The destination's toolstack, once it has built the guest, sets up
 *     its import session with KEYMAT_l2_claim, naming the session id:
 *     the pending agreement moves into the guest's session.
 *
 * Dom0 relays the offer and the blob; the page key, the state key and the
 * end key never leave the two hypervisors.
 */
#define XEN_ENCMIG_PUB_SIZE              32U   /* X25519 public key */
#define XEN_ENCMIG_BIND_SIZE             32U
#define XEN_ENCMIG_MAX_PINS              16U
/* eph_D (32) | AES-256-GCM(struct xen_encmig_keymat) (64) | tag (16) */
#define XEN_ENCMIG_L2_BLOB_SIZE          112U
/* Agreements accepted and not yet claimed; accept evicts the oldest. */
#define XEN_ENCMIG_MAX_PENDING           4U

/*
 * XEN_ENCMIG_OP_identity: the hypervisor's identity and its pins.  The
 * domain named in the domctl only has to exist (the toolstack names its
 * own).  cmd:
 *  - get: pub is this hypervisor's public key; -ENODEV when it has no
 *    identity (no hardware random number generator: level 1 only);
 *  - pin: add the peer hypervisor key in pub (-EEXIST if pinned already,
 *    -ENOSPC past XEN_ENCMIG_MAX_PINS);
 *  - lock: until the hypervisor reboots, refuse every later pin and every
 *    level-1 session (KEYMAT_raw*), with -EPERM: a control domain that is
 *    taken over after boot can neither add a hypervisor of its own
 *    choosing nor hand the hypervisor a key it knows.
 * Every cmd returns flags and nr_pins as they are afterwards.
 */
#define XEN_ENCMIG_ID_get                0
#define XEN_ENCMIG_ID_pin                1
#define XEN_ENCMIG_ID_lock               2

#define XEN_ENCMIG_ID_LOCKED             (1U << 0)

struct xen_encmig_identity {
    uint32_t cmd;                /* IN: XEN_ENCMIG_ID_* */
    uint32_t flags;              /* OUT: XEN_ENCMIG_ID_* flags */
    uint32_t nr_pins;            /* OUT */
    uint32_t pad;                /* IN: must be zero */
    uint8_t pub[XEN_ENCMIG_PUB_SIZE]; /* OUT (get), IN (pin) */
};

/*
 * XEN_ENCMIG_OP_offer (source): the first half of a level-2 agreement.
 * The domain must have no session; afterwards it has a pending export
 * session that only setup with KEYMAT_l2_export (or teardown) can take.
 */
struct xen_encmig_offer {
    uint8_t eph[XEN_ENCMIG_PUB_SIZE];  /* OUT: this session's offer */
    uint8_t pub[XEN_ENCMIG_PUB_SIZE];  /* OUT: this hypervisor's identity */
};

/*
 * XEN_ENCMIG_OP_accept (destination): buf holds struct
 * xen_encmig_l2_accept, IN/OUT; size must be its size.  peer must be
 * pinned here (-EACCES otherwise).  Asked of the caller's own domain.
 */
struct xen_encmig_accept {
    uint32_t size;               /* IN: sizeof(struct xen_encmig_l2_accept) */
    uint32_t pad;                /* IN: must be zero */
    XEN_GUEST_HANDLE_64(uint8) buf; /* IN/OUT */
};

struct xen_encmig_l2_accept {
    uint8_t peer[XEN_ENCMIG_PUB_SIZE];      /* IN: source hypervisor */
    uint8_t peer_eph[XEN_ENCMIG_PUB_SIZE];  /* IN: its offer */
    uint8_t bind[XEN_ENCMIG_BIND_SIZE];     /* IN: the toolstack's */
    uint8_t blob[XEN_ENCMIG_L2_BLOB_SIZE];  /* OUT: for the source */
    uint8_t session_id[XEN_ENCMIG_SESSION_ID_SIZE]; /* OUT */
};

/*
 * Key material for XEN_ENCMIG_KEYMAT_l2_claim (destination): IN.  The
 * pending agreement of that session id becomes the import session
 * (-ENOENT if there is none; claimed once).
 */
struct xen_encmig_l2_claim {
    uint8_t session_id[XEN_ENCMIG_SESSION_ID_SIZE];
};

/*
 * Key material for XEN_ENCMIG_KEYMAT_l2_export (source): IN/OUT.  The
 * domain must hold an offer; setup consumes it whether or not the blob
 * opens (-EBADMSG), so a blob is tried once.  peer must be pinned here
 * (-EACCES otherwise).
 */
struct xen_encmig_l2_export {
    uint8_t peer[XEN_ENCMIG_PUB_SIZE];      /* IN: destination hypervisor */
    uint8_t bind[XEN_ENCMIG_BIND_SIZE];     /* IN: as the destination's */
    uint8_t blob[XEN_ENCMIG_L2_BLOB_SIZE];  /* IN: from the destination */
    uint8_t session_id[XEN_ENCMIG_SESSION_ID_SIZE]; /* OUT */
};

/*
 * XEN_ENCMIG_OP_setup: start a session on the domain.  One session per
 * domain; a second setup fails with -EEXIST.  The hypervisor copies the
 * key material and never hands it back; the caller should wipe its copy.
 * The level-2 formats write their OUT fields back to keymat.
 */
struct xen_encmig_setup {
    uint32_t direction;          /* IN: XEN_ENCMIG_DIR_* */
    uint32_t nr_streams;         /* IN: 1 .. XEN_ENCMIG_MAX_STREAMS */
    uint32_t keymat_format;      /* IN: XEN_ENCMIG_KEYMAT_* */
    uint32_t keymat_size;        /* IN: bytes at keymat */
    XEN_GUEST_HANDLE_64(uint8) keymat; /* IN */
};

/*
 * A page record, as export writes it and import reads it.  Records are
 * packed back to back in the caller's buffer, XEN_ENCMIG_REC_SIZE apart:
 *
 *   struct xen_encmig_rec_hdr | ciphertext[XEN_ENCMIG_PAGE_SIZE] | tag[16]
 *
 * The AEAD is AES-256-GCM.  Its nonce is nonce_base XOR (be32 stream ||
 * be64 seq); its additional data is session_id || the header as it stands
 * in the buffer (little-endian fields).  The hypervisor allocates seq per
 * stream, so a nonce is never used twice under one key; import accepts a
 * stream's records only in order, each seq exactly once.
 */
struct xen_encmig_rec_hdr {
    uint64_aligned_t gfn;
    uint64_aligned_t seq;
    uint32_t stream;
    uint32_t round;
    uint32_t flags;              /* XEN_ENCMIG_REC_*; unknown bits refused */
    uint32_t pad;                /* must be zero */
};

#define XEN_ENCMIG_REC_HDR_SIZE          32U
#define XEN_ENCMIG_REC_SIZE \
    (XEN_ENCMIG_REC_HDR_SIZE + XEN_ENCMIG_PAGE_SIZE + XEN_ENCMIG_TAG_SIZE)
#define XEN_ENCMIG_REC_FLAGS_KNOWN       0U

/*
 * XEN_ENCMIG_OP_export: re-key nr_gfns guest frames into records.
 *
 * Record i goes to buf at offset i * XEN_ENCMIG_REC_SIZE; buf_size must
 * hold nr_gfns records.  done is the number of records completed: the
 * caller sets it to 0; a preempted batch continues from it.  The domain may
 * be running: a page it writes meanwhile is caught by log-dirty.
 */
struct xen_encmig_export {
    uint32_t stream;             /* IN: < nr_streams of the session */
    uint32_t round;              /* IN: pre-copy iteration, bound in AAD */
    uint32_t nr_gfns;            /* IN: 1 .. XEN_ENCMIG_MAX_BATCH */
    uint32_t done;               /* IN/OUT: progress */
    XEN_GUEST_HANDLE_64(uint64) gfns; /* IN: nr_gfns gfns */
    XEN_GUEST_HANDLE_64(uint8) buf;   /* OUT: records */
    uint64_aligned_t buf_size;   /* IN: bytes at buf */
};

/*
 * XEN_ENCMIG_OP_import: verify nr_recs records and write their pages into
 * the (paused) domain at its own host physical addresses.  A record that
 * fails verification stops the batch with -EBADMSG before anything of it
 * reaches the guest; done counts the records written before it.
 *
 * Where a record goes.  A record names its page address-independently:
 * export puts into the header's gfn field the gfn itself for a translated
 * domain (HVM, PVH), and for an x86 PV domain, whose gfns are machine
 * frames, the pseudo-physical frame that the guest's M2P entry gives it.
 * For a translated domain frames may be null, and each page goes to the
 * header's gfn.  For a PV domain the caller must name in frames[i] the
 * (machine) gfn that record i is to fill, since only the guest's own p2m
 * knows it; the hypervisor refuses the record (-EINVAL) unless that frame
 * is the domain's and its M2P entry is the header's gfn.  For a translated
 * domain a non-null frames[i] must equal the header's gfn.
 */
struct xen_encmig_import {
    uint32_t stream;             /* IN */
    uint32_t nr_recs;            /* IN: 1 .. XEN_ENCMIG_MAX_BATCH */
    uint32_t done;               /* IN/OUT: progress, as for export */
    uint32_t pad;                /* must be zero */
    XEN_GUEST_HANDLE_64(uint8) buf;   /* IN: records */
    uint64_aligned_t buf_size;   /* IN: bytes at buf */
    XEN_GUEST_HANDLE_64(uint64) frames; /* IN: nr_recs gfns, or null */
};

/* XEN_ENCMIG_OP_status: counters of the session. */
struct xen_encmig_status {
    uint32_t direction;          /* OUT: XEN_ENCMIG_DIR_* */
    uint32_t nr_streams;         /* OUT */
    uint64_aligned_t records;    /* OUT: records exported or imported */
    uint64_aligned_t auth_failures; /* OUT: records refused by the AEAD */
    uint64_aligned_t rejected;   /* OUT: records refused for their header */
    uint64_aligned_t states;     /* OUT: state records sealed or loaded
                                  * (interface 1.1; 0 before) */
    uint32_t level;              /* OUT: 1 or 2 (interface 1.2); 0 for an
                                  * offer not yet set up */
    uint32_t pad;
};

/*
 * XEN_ENCMIG_OP_end (level-2 sessions; others -EOPNOTSUPP): the MAC of
 * the stream's end record, under the end key that only the hypervisors
 * hold.  The hypervisor builds the end record's body itself from what it
 * knows, u32le nr_streams || u32le 0 || u64le records || bind, records
 * being the page records this session exported or imported, and the MAC
 * is HMAC-SHA256(end key, transcript || body) (docs/stream.md).
 * Export: mac and records are OUT.  Import: mac is IN, and a MAC that
 * does not verify over the hypervisor's own body (a record lost, added
 * or replayed, another transcript) fails with -EBADMSG; records is OUT.
 */
struct xen_encmig_end {
    uint8_t transcript[32];      /* IN: the stream's transcript hash */
    uint8_t mac[32];             /* OUT (export), IN (import) */
    uint64_aligned_t records;    /* OUT */
};

/*
 * The guest's state, sealed by the hypervisor.
 *
 * Kinds of state.  XEN_ENCMIG_STATE_hvm_context: a translated domain's
 * (HVM, PVH) whole HVM context, as XEN_DOMCTL_gethvmcontext would return
 * it: every vCPU's registers with its FPU and XSAVE state, LAPIC, MTRRs,
 * timers and the rest; instance must be 0.
 *
 * XEN_ENCMIG_STATE_pv_vcpu: a 64-bit PV domain's vCPU instance: its
 * general-purpose registers, rip, rsp and rflags, and its FPU, SSE and
 * XSAVE state.  The rest of the vCPU's context (selectors, control
 * registers, descriptor tables, callbacks), which names machine frames
 * that the toolstack translates, still comes from
 * XEN_DOMCTL_setvcpucontext, which must have been applied first; load
 * then leaves vCPU 0's rdx as that set it (the PV suspend ABI's start
 * info frame, which the toolstack translates).  docs/abi.md lays out the
 * plaintext.
 *
 * The kind names what the hypervisor reads and writes; the caller never
 * sees it in the clear.
 */
#define XEN_ENCMIG_STATE_hvm_context     1
#define XEN_ENCMIG_STATE_pv_vcpu         2

/*
 * A sealed state record, as save_state writes it and load_state reads it:
 *
 *   struct xen_encmig_state_hdr | ciphertext[length] | tag[16]
 *
 * AES-256-GCM under the session's state key; nonce nonce_base XOR
 * (be32 0xffffffff || be64 seq); additional data session_id || the
 * header as it stands in the buffer.  seq counts the session's state
 * records from 0, so that load_state takes them only in the order they
 * were sealed, each once; nr_vcpus binds the record to a domain of the
 * same shape.
 */
struct xen_encmig_state_hdr {
    uint32_t kind;               /* XEN_ENCMIG_STATE_* */
    uint32_t instance;           /* pv_vcpu: the vCPU; else 0 */
    uint64_aligned_t seq;
    uint32_t length;             /* bytes of ciphertext */
    uint32_t nr_vcpus;           /* of the domain it was sealed from */
    uint32_t flags;              /* none defined: must be zero */
    uint32_t pad;                /* must be zero */
};

#define XEN_ENCMIG_STATE_HDR_SIZE        32U
#define XEN_ENCMIG_STATE_STREAM          0xffffffffU /* in the nonce */
#define XEN_ENCMIG_STATE_OVERHEAD \
    (XEN_ENCMIG_STATE_HDR_SIZE + XEN_ENCMIG_TAG_SIZE)

/*
 * XEN_ENCMIG_OP_save_state (export session): read state kind of the
 * domain, pausing it meanwhile, and write it sealed to buf.  With a null
 * buf, or one smaller than needed (-ENOSPC), buf_size is set to the
 * bytes needed and nothing is sealed; otherwise to the bytes written.
 *
 * XEN_ENCMIG_OP_load_state (import session): verify the sealed record of
 * buf_size bytes at buf and load it into the domain, as the matching
 * domctl would (XEN_DOMCTL_sethvmcontext, setvcpucontext and
 * setvcpuextstate), with all of their checks.  A record that fails verification (-EBADMSG), is out of order
 * (-EILSEQ) or of another kind or shape (-EINVAL) changes nothing.
 */
struct xen_encmig_state {
    uint32_t kind;               /* IN: XEN_ENCMIG_STATE_* */
    uint32_t instance;           /* IN: pv_vcpu: the vCPU; else 0 */
    XEN_GUEST_HANDLE_64(uint8) buf;   /* OUT (save) or IN (load) */
    uint64_aligned_t buf_size;   /* IN: bytes at buf; OUT (save): above */
};

struct xen_domctl_encmig_op {
    uint32_t cmd;                /* IN: XEN_ENCMIG_OP_* */
    uint32_t version;            /* IN: XEN_ENCMIG_INTERFACE_VERSION */
    union {
        struct xen_encmig_probe probe;
        struct xen_encmig_setup setup;
#ifndef __cplusplus
        struct xen_encmig_export export;
#else
        struct xen_encmig_export export_; /* "export" is a C++ keyword */
#endif
        struct xen_encmig_import import;
        struct xen_encmig_status status;
        struct xen_encmig_state state;
        struct xen_encmig_identity identity;
        struct xen_encmig_offer offer;
        struct xen_encmig_accept accept;
        struct xen_encmig_end end;
        uint8_t pad[96];
    } u;
};

/* Additional data of a record: session_id || header. */
#define XEN_ENCMIG_AAD_SIZE \
    (XEN_ENCMIG_SESSION_ID_SIZE + XEN_ENCMIG_REC_HDR_SIZE)

#endif /* __XEN_PUBLIC_ENCMIG_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
