/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * asm-defs.h: what every assembly file of the engine defines its
 * functions with.
 */

#ifndef __ENCMIG_ASM_DEFS_H__
#define __ENCMIG_ASM_DEFS_H__

#define ENCMIG_ENTRY(name)                      \
        .globl name;                            \
        .type name, @function;                  \
        .p2align 4;                             \
name:

#define ENCMIG_END(name)                        \
        .size name, . - name

/* Straight-line speculation: nothing is executed past a ret. */
#define ENCMIG_RET                              \
        ret;                                    \
        int3

#endif /* __ENCMIG_ASM_DEFS_H__ */
