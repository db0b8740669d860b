/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * encmig_hc.h: the userspace side of XEN_DOMCTL_encmig_op.
 *
 * One API, two backends behind an ops table: "xen" issues the domctl to a
 * real hypervisor through libxencall; "sim" calls the in-process
 * simulated hypervisor.  Calls return 0, or -1 with errno set (libxc's
 * convention); the errno is the hypervisor's -errno, negated.
 */

#ifndef __ENCMIG_HC_H__
#define __ENCMIG_HC_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/public/encmig.h"

struct encmig_hc;
struct sim_host;

struct encmig_hc_ops {
    const char *name;
    /*
     * Issue one domctl; op is in and out.  Continuations are the backend's
     * business: this returns only when the op has finished or failed.
     * Returns 0 or -errno.
     */
    int (*domctl)(struct encmig_hc *hc, domid_t domid,
                  struct xen_domctl_encmig_op *op);
    /* Memory the hypervisor may copy to and from; NULL with errno. */
    void *(*buf_alloc)(struct encmig_hc *hc, size_t size);
    void (*buf_free)(struct encmig_hc *hc, void *p, size_t size);
    void (*close)(struct encmig_hc *hc);
};

struct encmig_hc {
    const struct encmig_hc_ops *ops;
    void *priv;
};

/* The simulated hypervisor of host h; privileged as dom0's toolstack or not. */
struct encmig_hc *encmig_hc_open_sim(struct sim_host *h, bool privileged);
/* The real hypervisor; NULL with errno (ENOSYS when built without Xen). */
struct encmig_hc *encmig_hc_open_xen(void);
void encmig_hc_close(struct encmig_hc *hc);

void *encmig_hc_buf_alloc(struct encmig_hc *hc, size_t size);
void encmig_hc_buf_free(struct encmig_hc *hc, void *p, size_t size);

/* The raw op: version filled in, result -1/errno. */
int encmig_hc_op(struct encmig_hc *hc, domid_t domid,
                 struct xen_domctl_encmig_op *op);

int encmig_hc_probe(struct encmig_hc *hc, domid_t domid,
                    struct xen_encmig_probe *out);
/* km is copied into a hypercall buffer that is wiped before it is freed. */
int encmig_hc_setup(struct encmig_hc *hc, domid_t domid, uint32_t direction,
                    uint32_t nr_streams, const struct xen_encmig_keymat *km);
/* The same with a state key, for save_state and load_state. */
int encmig_hc_setup_state(struct encmig_hc *hc, domid_t domid,
                          uint32_t direction, uint32_t nr_streams,
                          const struct xen_encmig_keymat_state *km);
/*
 * Level 2 (docs/abi.md, "Level 2").  identity: cmd XEN_ENCMIG_ID_* with
 * id->pub as its argument; *id holds the result, on failure too.
 * offer: the source's ephemeral key and its hypervisor's identity.
 * accept (asked of the caller's own domain, 0): *io IN/OUT.  claim: the
 * accepted agreement of that session id becomes domid's import session.  The setup_l2 calls write the
 * OUT fields back into *km.  end: export writes mac; import checks it.
 */
int encmig_hc_identity(struct encmig_hc *hc, domid_t domid, uint32_t cmd,
                       struct xen_encmig_identity *id);
int encmig_hc_offer(struct encmig_hc *hc, domid_t domid,
                    struct xen_encmig_offer *out);
int encmig_hc_accept(struct encmig_hc *hc, struct xen_encmig_l2_accept *io);
int encmig_hc_setup_l2_claim(struct encmig_hc *hc, domid_t domid,
                             uint32_t nr_streams,
                             const uint8_t session_id[XEN_ENCMIG_SESSION_ID_SIZE]);
int encmig_hc_setup_l2_export(struct encmig_hc *hc, domid_t domid,
                              uint32_t nr_streams,
                              struct xen_encmig_l2_export *km);
int encmig_hc_end(struct encmig_hc *hc, domid_t domid,
                  const uint8_t transcript[32], uint8_t mac[32],
                  uint64_t *records);

/*
 * Export nr gfns (gfns and buf from encmig_hc_buf_alloc) as nr records into
 * buf, which holds buf_size bytes.
 */
int encmig_hc_export(struct encmig_hc *hc, domid_t domid, uint32_t stream,
                     uint32_t round, uint64_t *gfns, uint32_t nr,
                     void *buf, size_t buf_size);
/*
 * Import nr records from buf.  On failure *done (if not NULL) holds how
 * many records were written into the guest before the failing one.
 */
int encmig_hc_import(struct encmig_hc *hc, domid_t domid, uint32_t stream,
                     void *buf, uint32_t nr, size_t buf_size,
                     uint32_t *done);
/*
 * The same, naming in frames (nr gfns from encmig_hc_buf_alloc) the frame
 * each record fills: required for an x86 PV domain (see the interface).
 */
int encmig_hc_import_frames(struct encmig_hc *hc, domid_t domid,
                            uint32_t stream, void *buf, uint32_t nr,
                            size_t buf_size, uint64_t *frames,
                            uint32_t *done);
int encmig_hc_status(struct encmig_hc *hc, domid_t domid,
                     struct xen_encmig_status *out);
int encmig_hc_teardown(struct encmig_hc *hc, domid_t domid);

/*
 * Seal instance of state kind (XEN_ENCMIG_STATE_*) into buf (from encmig_hc_buf_alloc),
 * which holds *size bytes; *size becomes the record's size.  With a null
 * buf, or ENOSPC, *size becomes the size needed.
 */
int encmig_hc_save_state(struct encmig_hc *hc, domid_t domid, uint32_t kind,
                         uint32_t instance, void *buf, size_t *size);
/* Verify the sealed state record of size bytes in buf and load it. */
int encmig_hc_load_state(struct encmig_hc *hc, domid_t domid, uint32_t kind,
                         uint32_t instance, void *buf, size_t size);

#endif /* __ENCMIG_HC_H__ */
