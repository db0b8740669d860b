/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * identity.h: the hypervisor's identity for level 2, an X25519 key pair
 * whose private half never leaves it, and the peer hypervisors it agrees
 * sessions with.
 */

#ifndef __ENCMIG_IDENTITY_H__
#define __ENCMIG_IDENTITY_H__

#include "engine.h"

/* An agreement accepted for a guest that the toolstack has yet to build. */
struct encmig_pending {
    bool used;
    uint64_t age;                /* order of accept, for eviction */
    struct encmig_session_keys k;
};

struct encmig_identity {
    bool ready;                  /* a key pair was made */
    bool locked;                 /* no more pins, no level 1, until reboot */
    unsigned int nr_pins;
    uint8_t priv[XEN_ENCMIG_PUB_SIZE];
    uint8_t pub[XEN_ENCMIG_PUB_SIZE];
    uint8_t pins[XEN_ENCMIG_MAX_PINS][XEN_ENCMIG_PUB_SIZE];
    uint64_t accepts;
    struct encmig_pending pending[XEN_ENCMIG_MAX_PENDING];
};

/* "SHA256:" and 43 characters of unpadded base64, as OpenSSH shows keys. */
#define ENCMIG_FINGERPRINT_LEN  (7 + 43 + 1)

/*
 * Make id's key pair from encmig_rng(); -ENODEV (id not ready) when
 * the platform has no random source fit for keys.
 */
int encmig_identity_init(struct encmig_identity *id);

/* Wipe the private key (the platform shuts the identity down). */
void encmig_identity_wipe(struct encmig_identity *id);

void encmig_identity_fingerprint(const uint8_t pub[XEN_ENCMIG_PUB_SIZE],
                                 char out[ENCMIG_FINGERPRINT_LEN]);

bool encmig_identity_pinned(const struct encmig_identity *id,
                            const uint8_t pub[XEN_ENCMIG_PUB_SIZE]);

/* XEN_ENCMIG_OP_identity. */
int encmig_identity_op(struct domain *d, struct xen_encmig_identity *arg);

#endif /* __ENCMIG_IDENTITY_H__ */
