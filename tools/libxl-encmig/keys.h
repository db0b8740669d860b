/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * keys.h: keys the toolstack derives from a session's key material.
 *
 * Level 1 of the threat model: dom0's toolstack holds the migration key,
 * so it derives, with HKDF-SHA256, the keys of the records it writes
 * itself (the sealed vCPU state and the authenticated end record).  Page
 * records are sealed in the hypervisor under the migration key itself.
 */

#ifndef __ENCMIG_KEYS_H__
#define __ENCMIG_KEYS_H__

#include <stddef.h>
#include <stdint.h>

#include "../../hypercalls/include/public/encmig.h"

#define ENCMIG_KEY_END   "encmig v1 end"
#define ENCMIG_KEY_VCPU  "encmig v1 vcpu"
#define ENCMIG_KEY_XL_CONFIG "encmig v1 xl config"
#define ENCMIG_KEY_XL_CONTROL "encmig v1 xl control"

/* HKDF-SHA256(ikm = key, salt = session id, info = label) -> out[32]. */
int encmig_derive_key(const struct xen_encmig_keymat *km, const char *label,
                      uint8_t out[32]);

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
