/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xg-session.h: an encrypted migration as libxenguest sees it.
 *
 * `xl migrate --encrypted` runs the key handshake on its migration pipe
 * (xl-encmig.c) and hands the session over to libxl's save/restore helper
 * (session-fd.h).  The helper takes the session (wiping it) and libxenguest's
 * hooks (xg-hooks.c) drive it through the functions here:
 *
 *   source: begin (setup, export) -> save_pages ... -> save_end -> finish
 *   dest:   begin (setup, import) -> restore_names/restore_pages ...
 *           -> restore_end -> finish
 *
 * Every other byte of libxc's stream goes through stream_bytes/
 * stream_record into a SHA-256 transcript that ENCMIG_END's HMAC covers
 * (docs/stream.md, "Inside libxc's stream").  Functions return 0 or
 * -errno, with a one-line reason in x->err.
 */

#ifndef __ENCMIG_XG_SESSION_H__
#define __ENCMIG_XG_SESSION_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "../protocol/handshake.h"
#include "../../../hypercalls/encmig_hc.h"

/* The handed-over session: fixed size, nothing optional. */
#define ENCMIG_SESSION_MAGIC     "encmig session 3"   /* 16 bytes, no NUL */
struct encmig_session_blob {
    char magic[16];
    uint32_t direction;                           /* XEN_ENCMIG_DIR_* */
    uint32_t level;                               /* 1, 2 (xl-level.h) */
    uint32_t nr_streams;                          /* 1..16, agreed too */
    uint32_t pad;                                 /* 0 */
    struct xen_encmig_keymat km;
    uint8_t transcript[ENCMIG_HS_HASH_SIZE];      /* the handshake's */
    /* Level 2, destination: the agreement the new guest is to claim. */
    uint8_t session_id[XEN_ENCMIG_SESSION_ID_SIZE];
};

struct encmig_xg;

/*
 * Helper: take the session from fd (which is wiped and closed whatever
 * happens) for hypercalls through hc (which the session then owns).
 */
int encmig_xg_take(int fd, struct encmig_hc *hc, struct encmig_xg **out,
                   char *err, size_t errlen);
void encmig_xg_free(struct encmig_xg *x);
const char *encmig_xg_error(const struct encmig_xg *x);

/* The hypervisor's session on domid; finish ends it and wipes keys. */
int encmig_xg_begin(struct encmig_xg *x, uint32_t domid);
void encmig_xg_finish(struct encmig_xg *x);

/* The stream's transcript. */
void encmig_xg_stream_bytes(struct encmig_xg *x, const void *p, size_t len);
void encmig_xg_stream_record(struct encmig_xg *x, uint32_t type,
                             uint32_t length, const struct iovec *body,
                             unsigned int n);

/* Source. */
int encmig_xg_save_pages(struct encmig_xg *x, int fd, uint32_t round,
                         const uint64_t *pfns, const uint64_t *gfns,
                         unsigned int nr);
int encmig_xg_save_end(struct encmig_xg *x, int fd);
/* Instance of the guest's state of kind XEN_ENCMIG_STATE_*, sealed by the
 * hypervisor. */
int encmig_xg_save_state(struct encmig_xg *x, int fd, uint32_t kind,
                         uint32_t instance);

/* Destination. */
int encmig_xg_restore_names(struct encmig_xg *x, const void *body,
                            uint32_t len, uint64_t *pfns, unsigned int max,
                            unsigned int *nr);
int encmig_xg_restore_pages(struct encmig_xg *x, const void *body,
                            uint32_t len, const uint64_t *gfns,
                            unsigned int nr);
int encmig_xg_restore_end(struct encmig_xg *x, const void *body,
                          uint32_t len);
/* Have the hypervisor verify and load an ENCMIG_STATE body of kind. */
int encmig_xg_restore_state(struct encmig_xg *x, uint32_t kind,
                            uint32_t instance, const void *body,
                            uint32_t len);

/* Page records sent or imported so far; state records likewise. */
uint64_t encmig_xg_records(const struct encmig_xg *x);
unsigned int encmig_xg_states(const struct encmig_xg *x);

#endif /* __ENCMIG_XG_SESSION_H__ */
