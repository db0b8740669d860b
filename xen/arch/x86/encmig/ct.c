/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ct.c: constant-time comparison and wiping of secrets.
 */

#include "crypto.h"

bool encmig_ct_memeq(const void *a, const void *b, size_t len)
{
    const uint8_t *pa = a, *pb = b;
    uint32_t acc = 0;
    size_t i;

    /* Look at every byte: no early exit on the first difference. */
    for ( i = 0; i < len; i++ )
        acc |= pa[i] ^ pb[i];

    /*
     * Hide acc's value range from the optimiser so that the test below
     * stays arithmetic instead of becoming a branch on secret data.
     */
    asm volatile ( "" : "+r" (acc) );

    /* acc is in [0, 255]: acc - 1 wraps (top bit set) only for 0. */
    return (acc - 1) >> 31;
}

void encmig_wipe(void *p, size_t len)
{
    memset(p, 0, len);
    /*
     * The compiler must assume the asm reads the memory at p, so the
     * memset of a buffer about to die cannot be dropped as a dead store.
     */
    asm volatile ( "" : : "r" (p) : "memory" );
}
