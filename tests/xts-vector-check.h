/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xts-vector-check.h: one IEEE 1619 XTS-AES-256 vector (vectors.h)
 * through any cipher ops, as every cipher test holds its ops to it.
 */

#ifndef __ENCMIG_TEST_XTS_VECTOR_CHECK_H__
#define __ENCMIG_TEST_XTS_VECTOR_CHECK_H__

#include <check.h>
#include <string.h>

#include "cryptotest.h"
#include "vectors.h"
#include "../xen/arch/x86/encmig/crypto.h"

/*
 * Vector v both ways, then both ways in place mis bytes (under 16) past
 * an aligned address.
 */
static inline void xts_vector_check(const struct encmig_cipher_ops *ops,
                                    const struct xts_vector *v, size_t mis)
{
    uint8_t key[64], tweak[16], pt[512], ct[512], buf[512 + 16];
    unsigned int i;
    void *ctx;

    ck_assert_uint_lt(mis, 16);
    unhex(xts_key, key, sizeof(key));
    ck_assert_uint_eq(unhex(v->ct, ct, sizeof(ct)), 512);
    for ( i = 0; i < 512; i++ )
        pt[i] = i;
    for ( i = 0; i < 16; i++ )
        tweak[i] = i < 8 ? v->dun >> (8 * i) : 0;

    ck_assert_int_eq(ops->xts_new(&ctx, key), 0);
    ck_assert_int_eq(ops->xts_crypt(ctx, true, tweak, pt, buf, 512), 0);
    ck_assert_msg(!memcmp(buf, ct, 512), "%s: vector %u encrypt",
                  ops->name, v->nr);
    ck_assert_int_eq(ops->xts_crypt(ctx, false, tweak, ct, buf, 512), 0);
    ck_assert_msg(!memcmp(buf, pt, 512), "%s: vector %u decrypt",
                  ops->name, v->nr);

    memcpy(buf + mis, pt, 512);
    ck_assert_int_eq(ops->xts_crypt(ctx, true, tweak, buf + mis, buf + mis,
                                    512), 0);
    ck_assert_mem_eq(buf + mis, ct, 512);
    ck_assert_int_eq(ops->xts_crypt(ctx, false, tweak, buf + mis, buf + mis,
                                    512), 0);
    ck_assert_mem_eq(buf + mis, pt, 512);

    ops->xts_free(ctx);
}

#endif /* __ENCMIG_TEST_XTS_VECTOR_CHECK_H__ */
