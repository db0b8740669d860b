/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x25519.h: X25519 Diffie-Hellman (RFC 7748), constant time.
 */

#ifndef __ENCMIG_X25519_H__
#define __ENCMIG_X25519_H__

#include "port.h"

#define ENCMIG_X25519_LEN  32

/*
 * out = X25519(scalar, u), RFC 7748 section 5: the scalar is clamped,
 * the top bit of u ignored and a u of p or more taken modulo p, as the
 * RFC asks for interoperability.  -EINVAL when the result is all zeros,
 * which a u of small order gives whatever the scalar: a key agreement
 * must refuse it (section 6.1), and out then holds those zeros.  out may
 * overlap scalar or u.
 */
int encmig_x25519(uint8_t out[ENCMIG_X25519_LEN],
                  const uint8_t scalar[ENCMIG_X25519_LEN],
                  const uint8_t u[ENCMIG_X25519_LEN]);

/*
 * pub = X25519(priv, 9), the public key of priv.  It cannot fail: a
 * clamped scalar is never a multiple of the base point's prime order.
 */
void encmig_x25519_public(uint8_t pub[ENCMIG_X25519_LEN],
                          const uint8_t priv[ENCMIG_X25519_LEN]);

#endif /* __ENCMIG_X25519_H__ */
