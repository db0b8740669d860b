/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * state.h: the guest's state in the stream, ENCMIG_STATE (docs/stream.md,
 * section 3).
 *
 * The hypervisor seals the state under the session's state key
 * (save_state) and opens it (load_state); the record's body is its
 * sealed record exactly as it wrote it.  The toolstack moves ciphertext
 * only and holds no key that opens it.  Functions return 0 or -errno
 * with a one-line reason in err.
 */

#ifndef __ENCMIG_STATE_H__
#define __ENCMIG_STATE_H__

#include <stddef.h>
#include <stdint.h>

#include "stream.h"

struct encmig_hc;

/*
 * Have the hypervisor seal instance of domid's state of kind
 * (XEN_ENCMIG_STATE_*) into a hypercall buffer of the size it asks for,
 * and write that through w as one ENCMIG_STATE record.
 */
int encmig_state_send(struct stream_writer *w, struct encmig_hc *hc,
                      domid_t domid, uint32_t kind, uint32_t instance,
                      char *err, size_t errlen);

/*
 * Have the hypervisor verify the ENCMIG_STATE body of len bytes in buf
 * (a hypercall buffer of hc) and load it into instance of domid.  A record it
 * refuses changes nothing: -EBADMSG, it failed authentication (or its
 * length is outside the record's limits); -EILSEQ, it is out of
 * sequence; -EINVAL, it is malformed, of another kind or for a domain
 * of another shape.
 */
int encmig_state_load(struct encmig_hc *hc, domid_t domid, uint32_t kind,
                      uint32_t instance, void *buf, size_t len, char *err,
                      size_t errlen);

#endif /* __ENCMIG_STATE_H__ */
