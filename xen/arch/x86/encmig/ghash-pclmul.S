/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ghash-pclmul.S: GHASH (SP 800-38D) with PCLMULQDQ, eight blocks per
 * reduction.  The C side is cipher-aesni.c, the interface aesni.h.
 *
 * Only SSE2, SSSE3 (pshufb) and PCLMULQDQ, legacy-encoded: no VEX.  SysV
 * x86-64 calling convention, caller-saved general registers only, no
 * stack at all.  XMM registers used are cleared before returning.
 *
 * Representation.  A block loaded with its 16 bytes reversed (pshufb) is
 * the 128-bit integer of the block read big-endian, in which GCM's bit
 * order puts the coefficient of x^i at bit 127 - i: the polynomial is
 * "reflected".  The carry-less product of two reflected 128-bit values
 * has the coefficient of x^k at bit 254 - k, i.e. it is the reflected
 * 256-bit form of x * A * B: one bit off.  Instead of shifting every
 * product, the key table holds each power of H already divided by x,
 * H^i * x^-1 mod P (x^-1 = x^127 + x^6 + x + 1, which is
 * 0xc2000000000000000000000000000001 reflected), so that a product
 * straight out of PCLMULQDQ is the 256-bit reflected A * H^i.
 *
 * Multiplication: Karatsuba over 64-bit halves, three PCLMULQDQ per
 * block, the (hi ^ lo) half of each key power precomputed.  Eight blocks
 * are folded as Y' = (Y ^ X1) H^8 ^ X2 H^7 ^ ... ^ X8 H: the eight
 * unreduced products are XORed and reduced once.
 *
 * Reduction of the 256-bit D = [z3:z2:z1:z0] (z3 holds x^0..x^63):
 * z1:z0 holds c, the coefficients of x^128..x^255, and
 * c x^128 = c (x^7 + x^2 + x + 1) mod P.  In reflected form multiplying
 * by x^k is a right shift by k; the bits the shifts by 1, 2 and 7 push
 * out of the bottom are terms of degree >= 128 again, x^128 e(x) with
 * e of degree < 7, and e (1 + x + x^2 + x^7) cannot overflow.  So e is
 * added to the top of c first (c' = c ^ ((z0 << 63) ^ (z0 << 62) ^
 * (z0 << 57)) << 64), and then
 *     result = z3:z2 ^ c' ^ (c' >> 1) ^ (c' >> 2) ^ (c' >> 7)
 * with 128-bit shifts that simply drop what falls out.  This is the
 * reduction of ghash.c, done with 64-bit lane shifts and byte shifts to
 * carry between the lanes.
 */

#include "asm-defs.h"

/* Offsets in struct encmig_ghash_key: H^i x^-1 at 16 (i - 1), halves XORed
 * at HK_KARA + 16 (i - 1). */
#define HK_KARA 128

        .section .rodata, "a", @progbits
        .p2align 4
.Lgh_bswap:
        .byte 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0
/* x^-1 mod P, reflected. */
.Lgh_xinv:
        .quad 0x0000000000000001, 0xc200000000000000

        .text

.macro CLEAR_XMM
        .irp r, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
        pxor    %xmm\r, %xmm\r
        .endr
.endm

/*
 * Accumulate the unreduced product of \x (reflected block) and the key
 * power \h (with Karatsuba operand \k): lo into xmm4, hi into xmm5, the
 * middle product into xmm6.  Clobbers \x and xmm7.
 */
.macro MUL_ACC x, h, k
        pshufd  $0x4e, \x, %xmm7
        pxor    \x, %xmm7
        pclmulqdq $0x00, \k, %xmm7
        pxor    %xmm7, %xmm6
        movdqa  \x, %xmm7
        pclmulqdq $0x00, \h, %xmm7
        pxor    %xmm7, %xmm4
        pclmulqdq $0x11, \h, \x
        pxor    \x, %xmm5
.endm

/*
 * xmm0 := reduction of the products accumulated in xmm4/xmm5/xmm6.
 * Clobbers xmm4..xmm9.
 */
.macro REDUCE
        /* Karatsuba: the middle term, then D = xmm5:xmm4. */
        pxor    %xmm4, %xmm6
        pxor    %xmm5, %xmm6
        movdqa  %xmm6, %xmm7
        pslldq  $8, %xmm7
        psrldq  $8, %xmm6
        pxor    %xmm7, %xmm4
        pxor    %xmm6, %xmm5

        /* c' = c ^ e << 64, e from the bits of z0 shifted out. */
        movdqa  %xmm4, %xmm7
        movdqa  %xmm4, %xmm8
        movdqa  %xmm4, %xmm9
        psllq   $63, %xmm7
        psllq   $62, %xmm8
        psllq   $57, %xmm9
        pxor    %xmm8, %xmm7
        pxor    %xmm9, %xmm7
        pslldq  $8, %xmm7
        pxor    %xmm7, %xmm4

        /* The bits crossing from the top lane of c' into the bottom one. */
        movdqa  %xmm4, %xmm7
        movdqa  %xmm4, %xmm8
        movdqa  %xmm4, %xmm9
        psllq   $63, %xmm7
        psllq   $62, %xmm8
        psllq   $57, %xmm9
        pxor    %xmm8, %xmm7
        pxor    %xmm9, %xmm7
        psrldq  $8, %xmm7
        pxor    %xmm7, %xmm5

        /* And the lane-wise right shifts. */
        pxor    %xmm4, %xmm5
        movdqa  %xmm4, %xmm7
        movdqa  %xmm4, %xmm8
        psrlq   $1, %xmm7
        psrlq   $2, %xmm8
        psrlq   $7, %xmm4
        pxor    %xmm7, %xmm5
        pxor    %xmm8, %xmm5
        pxor    %xmm4, %xmm5
        movdqa  %xmm5, %xmm0
.endm

/*
 * void encmig_pclmul_ghash_init(struct encmig_ghash_key *hk,  %rdi
 *                               const uint8_t h[16]);          %rsi
 *
 * The table of H^1..H^8, each times x^-1, and their Karatsuba halves.
 */
ENCMIG_ENTRY(encmig_pclmul_ghash_init)
        movdqu  (%rsi), %xmm0
        pshufb  .Lgh_bswap(%rip), %xmm0

        /*
         * H x^-1: shift the reflected H left by one (degrees down by one);
         * if the x^0 bit falls out, add P / x instead, i.e. x^-1.
         */
        movdqa  %xmm0, %xmm1
        psllq   $1, %xmm1
        movdqa  %xmm0, %xmm2
        psrlq   $63, %xmm2
        pslldq  $8, %xmm2
        por     %xmm2, %xmm1
        pshufd  $0xff, %xmm0, %xmm2
        psrad   $31, %xmm2
        pand    .Lgh_xinv(%rip), %xmm2
        pxor    %xmm2, %xmm1

        /* xmm10/xmm11: the multiplier H x^-1 and its Karatsuba operand. */
        movdqa  %xmm1, %xmm10
        pshufd  $0x4e, %xmm10, %xmm11
        pxor    %xmm10, %xmm11
        movdqu  %xmm10, (%rdi)
        movdqu  %xmm11, HK_KARA(%rdi)

        /* H^(i+1) x^-1 = (H^i x^-1) * H: the product of the twisted forms. */
        movdqa  %xmm10, %xmm0
        mov     $7, %ecx
1:
        pxor    %xmm4, %xmm4
        pxor    %xmm5, %xmm5
        pxor    %xmm6, %xmm6
        MUL_ACC %xmm0, %xmm10, %xmm11
        REDUCE
        add     $16, %rdi
        movdqu  %xmm0, (%rdi)
        pshufd  $0x4e, %xmm0, %xmm1
        pxor    %xmm0, %xmm1
        movdqu  %xmm1, HK_KARA(%rdi)
        dec     %ecx
        jnz     1b

        CLEAR_XMM
        ENCMIG_RET
ENCMIG_END(encmig_pclmul_ghash_init)

/*
 * void encmig_pclmul_ghash(const struct encmig_ghash_key *hk,  %rdi
 *                          uint8_t y[16],                      %rsi
 *                          const uint8_t *in, size_t nblocks); %rdx, %rcx
 *
 * y := GHASH_H continued over nblocks whole blocks of in.  y is the hash
 * value as bytes (all zero to start).
 *
 * Register use: xmm0 Y, xmm1 block, xmm2/xmm3 key power and its Karatsuba
 * operand, xmm4..xmm6 accumulators, xmm7..xmm9 scratch, xmm15 mask.
 */
ENCMIG_ENTRY(encmig_pclmul_ghash)
        movdqa  .Lgh_bswap(%rip), %xmm15
        movdqu  (%rsi), %xmm0
        pshufb  %xmm15, %xmm0

        cmp     $8, %rcx
        jb      2f
1:
        /* Block 0 carries Y and takes H^8; block 7 takes H. */
        movdqu  (%rdx), %xmm1
        pshufb  %xmm15, %xmm1
        pxor    %xmm0, %xmm1
        pxor    %xmm4, %xmm4
        pxor    %xmm5, %xmm5
        pxor    %xmm6, %xmm6
        .irp b, 0, 1, 2, 3, 4, 5, 6, 7
        .if \b
        movdqu  16*\b(%rdx), %xmm1
        pshufb  %xmm15, %xmm1
        .endif
        movdqu  16*(7-\b)(%rdi), %xmm2
        movdqu  HK_KARA+16*(7-\b)(%rdi), %xmm3
        MUL_ACC %xmm1, %xmm2, %xmm3
        .endr
        REDUCE
        add     $128, %rdx
        sub     $8, %rcx
        cmp     $8, %rcx
        jae     1b
2:
        /*
         * 1..7 blocks left: the same with H^n .. H, one reduction.  %r8
         * walks down the table from H^n.  Y goes into the first block
         * only: it is cleared once added.
         */
        test    %rcx, %rcx
        jz      4f
        mov     %rcx, %r8
        shl     $4, %r8
        lea     -16(%rdi,%r8), %r8
        pxor    %xmm4, %xmm4
        pxor    %xmm5, %xmm5
        pxor    %xmm6, %xmm6
3:
        movdqu  (%rdx), %xmm1
        pshufb  %xmm15, %xmm1
        pxor    %xmm0, %xmm1
        pxor    %xmm0, %xmm0
        movdqu  (%r8), %xmm2
        movdqu  HK_KARA(%r8), %xmm3
        MUL_ACC %xmm1, %xmm2, %xmm3
        add     $16, %rdx
        sub     $16, %r8
        dec     %rcx
        jnz     3b
        REDUCE
4:
        pshufb  %xmm15, %xmm0
        movdqu  %xmm0, (%rsi)
        CLEAR_XMM
        ENCMIG_RET
ENCMIG_END(encmig_pclmul_ghash)

        .section .note.GNU-stack, "", @progbits
