/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vectors.h: the handshake of a recorded session, worked through from the
 * bytes on the wire and the source's ephemeral private key with the
 * project's own codec and key schedule (docs/handshake.md), for the
 * vectors' generator and their check.
 */

#ifndef __ENCMIG_TEST_VECTORS_H__
#define __ENCMIG_TEST_VECTORS_H__

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../../tools/libxl-encmig/protocol/handshake.h"

struct vectors_hs {
    struct encmig_hs_hello hello;
    struct encmig_hs_reply reply;
    struct encmig_hs_source_auth sauth;
    uint8_t th[ENCMIG_HS_HASH_SIZE];
    uint8_t shared[ENCMIG_HS_SHARED_SIZE];
    uint8_t kek[ENCMIG_HS_KEK_SIZE];
    struct xen_encmig_keymat km;
    uint8_t fth[ENCMIG_HS_HASH_SIZE];
};

/*
 * Find HELLO and SOURCE_AUTH in to_dst and REPLY in to_src, check both
 * signatures and unwrap the key material.  0, or -errno with a reason in
 * err.
 */
int vectors_handshake(const uint8_t *to_dst, size_t n0, const uint8_t *to_src,
                      size_t n1, const uint8_t spriv[32],
                      struct vectors_hs *v, char *err, size_t errlen);

/* One "name hex" line of an inputs.txt. */
void vectors_put_hex(FILE *f, const char *name, const uint8_t *p,
                     size_t len);

#endif /* __ENCMIG_TEST_VECTORS_H__ */
