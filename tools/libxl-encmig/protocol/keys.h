/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * keys.h: every key of a session, derived from the key material that the
 * destination supplied in the handshake.
 *
 * No key is used for two purposes: the migration key from the handshake
 * is only ever HKDF input, and each use gets its own label (docs/
 * stream.md, "Keys").  Level 1 of the threat model: dom0's toolstack
 * derives them all and hands the page key to the hypervisor.
 */

#ifndef __ENCMIG_KEYS_H__
#define __ENCMIG_KEYS_H__

#include <stddef.h>
#include <stdint.h>

#include "../../../hypercalls/include/public/encmig.h"

/* HKDF-SHA256 info strings: ASCII, no NUL, 32 bytes of output each. */
#define ENCMIG_KEY_PAGES        "encmig v2 pages"
#define ENCMIG_KEY_END          "encmig v2 end"
#define ENCMIG_KEY_STATE        "encmig v2 state"
#define ENCMIG_KEY_CONFIG       "encmig v2 config"
#define ENCMIG_KEY_CONTROL_SRC  "encmig v2 control source"
#define ENCMIG_KEY_CONTROL_DST  "encmig v2 control destination"
#define ENCMIG_KEY_LIBXL        "encmig v2 libxl"

#define ENCMIG_SIDE_SOURCE      0
#define ENCMIG_SIDE_DEST        1

struct encmig_keys {
    /* For the hypervisor: the page key with the session id and nonce base
     * of the handshake's key material. */
    struct xen_encmig_keymat pages;
    uint8_t end[32];            /* HMAC of ENCMIG_END */
    uint8_t state[32];          /* the hypervisor's, for the guest's state */
    uint8_t config[32];         /* HMAC of the request or xl's config */
    uint8_t control[2][32];     /* HMAC of control messages, by sender */
    uint8_t libxl[32];          /* AES-256-GCM of libxl's records (xl) */
};

/* All of a session's keys from the handshake's key material; on failure
 * *k is wiped.  0 or -errno. */
int encmig_keys_derive(const struct xen_encmig_keymat *km,
                       struct encmig_keys *k);
void encmig_keys_wipe(struct encmig_keys *k);

/* HMAC-SHA256 over the concatenation of n parts.  0 or -errno. */
int encmig_hmac(const uint8_t key[32], const void *const *parts,
                const size_t *lens, unsigned int n, uint8_t mac[32]);

/* AES-256-GCM seal/open of small records in userspace; open: -EBADMSG. */
int encmig_seal(const uint8_t key[32], const uint8_t iv[12],
                const void *aad, size_t aad_len, const void *in, size_t len,
                uint8_t *out, uint8_t tag[16]);
int encmig_open(const uint8_t key[32], const uint8_t iv[12],
                const void *aad, size_t aad_len, const void *in, size_t len,
                const uint8_t tag[16], uint8_t *out);

#endif /* __ENCMIG_KEYS_H__ */
