/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * byteorder.h: unaligned little- and big-endian loads and stores for the
 * crypto, byte by byte so that neither alignment nor host order matters.
 */

#ifndef __ENCMIG_BYTEORDER_H__
#define __ENCMIG_BYTEORDER_H__

#include "port.h"

static inline uint64_t load_le64(const uint8_t *p)
{
    return ((uint64_t)p[7] << 56) | ((uint64_t)p[6] << 48) |
           ((uint64_t)p[5] << 40) | ((uint64_t)p[4] << 32) |
           ((uint64_t)p[3] << 24) | ((uint64_t)p[2] << 16) |
           ((uint64_t)p[1] << 8) | p[0];
}

static inline void store_le64(uint8_t *p, uint64_t v)
{
    unsigned int i;

    for ( i = 0; i < 8; i++ )
        p[i] = v >> (8 * i);
}

static inline void store_le32(uint8_t *p, uint32_t v)
{
    unsigned int i;

    for ( i = 0; i < 4; i++ )
        p[i] = v >> (8 * i);
}

static inline uint32_t load_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
    unsigned int i;

    for ( i = 0; i < 4; i++ )
        p[i] = v >> (24 - 8 * i);
}

static inline uint64_t load_be64(const uint8_t *p)
{
    return ((uint64_t)p[0] << 56) | ((uint64_t)p[1] << 48) |
           ((uint64_t)p[2] << 40) | ((uint64_t)p[3] << 32) |
           ((uint64_t)p[4] << 24) | ((uint64_t)p[5] << 16) |
           ((uint64_t)p[6] << 8) | p[7];
}

static inline void store_be64(uint8_t *p, uint64_t v)
{
    unsigned int i;

    for ( i = 0; i < 8; i++ )
        p[i] = v >> (56 - 8 * i);
}

#endif /* __ENCMIG_BYTEORDER_H__ */
