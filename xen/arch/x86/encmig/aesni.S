/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aesni.S: AES-256 with AES-NI: key schedules, ECB blocks, XTS and the
 * 32-bit counter mode of GCM.  The C side is cipher-aesni.c, the
 * interface aesni.h.
 *
 * Only SSE2, SSSE3 (pshufb) and AES-NI instructions, all legacy-encoded
 * 128-bit ones: no VEX, so nothing depends on XCR0.  SysV x86-64 calling
 * convention; only caller-saved general registers are used besides %rbp,
 * which is saved.  Nothing is written below %rsp (Xen has no red zone).
 * Every memory operand that could be unaligned is accessed with movdqu:
 * keys, tweaks, counters and data need no particular alignment.  The
 * only aligned accesses are to our own constants and to the XTS tweak
 * scratch, which is on a stack area the function aligns itself.
 *
 * No function leaves key material behind: the XMM registers used are
 * cleared and the stack scratch zeroed before returning.  The caller
 * must have saved whatever FPU/SSE state it cares about (see aesni.h).
 */

#include "asm-defs.h"

        .section .rodata, "a", @progbits
        .p2align 4
/* pshufb mask reversing the 16 bytes of a register. */
.Lbswap:
        .byte 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0
/* paddd increment of the counter dword (byte-reversed counter block). */
.Lctr_one:
        .long 1, 0, 0, 0
/*
 * XTS multiplication by alpha: the bit shifted out of the top comes back
 * as 0x87 in the low dword, the bit crossing the qwords as 1 in dword 2.
 */
.Lxts_fold:
        .long 0x87, 0, 1, 0

        .text

/* Zero xmm0..xmm15: no round key, keystream or tweak outlives a call. */
.macro CLEAR_XMM
        .irp r, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
        pxor    %xmm\r, %xmm\r
        .endr
.endm

/*
 * The 15 round keys of \rk applied to one block in \x, \tmp holding each
 * round key in turn: whitening, 13 rounds of \op, a final \oplast.
 */
.macro AES1 rk, op, oplast, x, tmp
        movdqu  (\rk), \tmp
        pxor    \tmp, \x
        .irp i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
        movdqu  16*\i(\rk), \tmp
        \op     \tmp, \x
        .endr
        movdqu  224(\rk), \tmp
        \oplast \tmp, \x
.endm

/* Whitening and the 13 full rounds over xmm0..xmm7, key in xmm8. */
.macro AES8_BODY rk, op
        movdqu  (\rk), %xmm8
        .irp b, 0, 1, 2, 3, 4, 5, 6, 7
        pxor    %xmm8, %xmm\b
        .endr
        .irp i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
        movdqu  16*\i(\rk), %xmm8
        .irp b, 0, 1, 2, 3, 4, 5, 6, 7
        \op     %xmm8, %xmm\b
        .endr
        .endr
.endm

/* All 14 rounds over xmm0..xmm7. */
.macro AES8 rk, op, oplast
        AES8_BODY \rk, \op
        movdqu  224(\rk), %xmm8
        .irp b, 0, 1, 2, 3, 4, 5, 6, 7
        \oplast %xmm8, %xmm\b
        .endr
.endm

/* ---- key schedules --------------------------------------------------- */

/*
 * \w := running XOR of its dwords from the bottom up, (w0, w0^w1,
 * w0^w1^w2, w0^w1^w2^w3): the part of a key schedule step that every
 * word of the previous round key contributes.  Clobbers %xmm3.
 */
.macro PREFIX_XOR w
        movdqa  \w, %xmm3
        pslldq  $4, %xmm3
        pxor    %xmm3, \w
        pslldq  $4, %xmm3
        pxor    %xmm3, \w
        pslldq  $4, %xmm3
        pxor    %xmm3, \w
.endm

/*
 * Even round key (xmm0 := next), from the two before it in xmm0 and
 * xmm1: SubWord(RotWord(last word of xmm1)) ^ rcon, spread over all four
 * words (aeskeygenassist's dword 3).
 */
.macro EXPAND_EVEN rcon, off
        aeskeygenassist $\rcon, %xmm1, %xmm2
        pshufd  $0xff, %xmm2, %xmm2
        PREFIX_XOR %xmm0
        pxor    %xmm2, %xmm0
        movdqu  %xmm0, \off(%rdi)
.endm

/* Odd round key (xmm1 := next): SubWord(last word of xmm0), no rotation. */
.macro EXPAND_ODD off
        aeskeygenassist $0, %xmm0, %xmm2
        pshufd  $0xaa, %xmm2, %xmm2
        PREFIX_XOR %xmm1
        pxor    %xmm2, %xmm1
        movdqu  %xmm1, \off(%rdi)
.endm

/*
 * void encmig_aesni_set_key256(struct encmig_aesni_key *ek,  %rdi
 *                              const uint8_t key[32]);       %rsi
 */
ENCMIG_ENTRY(encmig_aesni_set_key256)
        movdqu  (%rsi), %xmm0
        movdqu  16(%rsi), %xmm1
        movdqu  %xmm0, (%rdi)
        movdqu  %xmm1, 16(%rdi)
        EXPAND_EVEN 0x01, 32
        EXPAND_ODD        48
        EXPAND_EVEN 0x02, 64
        EXPAND_ODD        80
        EXPAND_EVEN 0x04, 96
        EXPAND_ODD        112
        EXPAND_EVEN 0x08, 128
        EXPAND_ODD        144
        EXPAND_EVEN 0x10, 160
        EXPAND_ODD        176
        EXPAND_EVEN 0x20, 192
        EXPAND_ODD        208
        EXPAND_EVEN 0x40, 224
        pxor    %xmm0, %xmm0
        pxor    %xmm1, %xmm1
        pxor    %xmm2, %xmm2
        pxor    %xmm3, %xmm3
        ENCMIG_RET
ENCMIG_END(encmig_aesni_set_key256)

/*
 * The schedule of the equivalent inverse cipher, for aesdec: the
 * encryption round keys in reverse order, InvMixColumns applied to all
 * but the first and the last.  dk and ek must not overlap.
 *
 * void encmig_aesni_inv_key(struct encmig_aesni_key *dk,        %rdi
 *                           const struct encmig_aesni_key *ek); %rsi
 */
ENCMIG_ENTRY(encmig_aesni_inv_key)
        movdqu  224(%rsi), %xmm0
        movdqu  %xmm0, (%rdi)
        .irp i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
        movdqu  16*(14-\i)(%rsi), %xmm0
        aesimc  %xmm0, %xmm0
        movdqu  %xmm0, 16*\i(%rdi)
        .endr
        movdqu  (%rsi), %xmm0
        movdqu  %xmm0, 224(%rdi)
        pxor    %xmm0, %xmm0
        ENCMIG_RET
ENCMIG_END(encmig_aesni_inv_key)

/* ---- ECB ------------------------------------------------------------- */

/*
 * nblocks blocks, eight at a time then one at a time.  in == out is fine.
 * \op/\oplast pick the direction; the key is ek or dk to match.
 */
.macro ECB op, oplast
        /* %rdi key, %rsi in, %rdx out, %rcx nblocks */
        cmp     $8, %rcx
        jb      2f
1:
        .irp b, 0, 1, 2, 3, 4, 5, 6, 7
        movdqu  16*\b(%rsi), %xmm\b
        .endr
        AES8    %rdi, \op, \oplast
        .irp b, 0, 1, 2, 3, 4, 5, 6, 7
        movdqu  %xmm\b, 16*\b(%rdx)
        .endr
        add     $128, %rsi
        add     $128, %rdx
        sub     $8, %rcx
        cmp     $8, %rcx
        jae     1b
2:
        test    %rcx, %rcx
        jz      4f
3:
        movdqu  (%rsi), %xmm0
        AES1    %rdi, \op, \oplast, %xmm0, %xmm8
        movdqu  %xmm0, (%rdx)
        add     $16, %rsi
        add     $16, %rdx
        dec     %rcx
        jnz     3b
4:
        CLEAR_XMM
.endm

/*
 * void encmig_aesni_ecb_encrypt(const struct encmig_aesni_key *ek,
 *                               const uint8_t *in, uint8_t *out,
 *                               size_t nblocks);
 */
ENCMIG_ENTRY(encmig_aesni_ecb_encrypt)
        ECB     aesenc, aesenclast
        ENCMIG_RET
ENCMIG_END(encmig_aesni_ecb_encrypt)

/*
 * void encmig_aesni_ecb_decrypt(const struct encmig_aesni_key *dk,
 *                               const uint8_t *in, uint8_t *out,
 *                               size_t nblocks);
 */
ENCMIG_ENTRY(encmig_aesni_ecb_decrypt)
        ECB     aesdec, aesdeclast
        ENCMIG_RET
ENCMIG_END(encmig_aesni_ecb_decrypt)

/* ---- XTS ------------------------------------------------------------- */

/*
 * \t := \t * alpha in GF(2^128), \t little-endian as IEEE 1619 has it:
 * a 128-bit left shift by one, the bit out of the top folded back as
 * 0x87.  The two bits leaving their qword (63 and 127) become masks by
 * arithmetic shifts of the dwords holding them, moved by pshufd to where
 * they are to be added (dword 2 gets bit 63, dword 0 bit 127), then cut
 * down to 1 and 0x87.  No branch: the tweak is secret.
 * Needs .Lxts_fold in %xmm10; clobbers %xmm11.
 */
.macro MUL_ALPHA t
        pshufd  $0x13, \t, %xmm11
        psrad   $31, %xmm11
        pand    %xmm10, %xmm11
        paddq   \t, \t
        pxor    %xmm11, \t
.endm

/*
 * Register use: xmm0..7 blocks, xmm8 round key, xmm9 current tweak,
 * xmm10 fold constant, xmm11 scratch.  The eight tweaks of a batch are
 * kept on a 16-byte aligned stack area of 128 bytes, zeroed at the end.
 */
.macro XTS op, oplast
        /* %rdi data key, %rsi tweak key (encryption schedule), %rdx
         * tweak, %rcx in, %r8 out, %r9 nblocks */
        push    %rbp
        mov     %rsp, %rbp
        sub     $128, %rsp
        and     $-16, %rsp

        movdqa  .Lxts_fold(%rip), %xmm10
        /* T_0 = E_K2(tweak). */
        movdqu  (%rdx), %xmm9
        AES1    %rsi, aesenc, aesenclast, %xmm9, %xmm8

        cmp     $8, %r9
        jb      2f
1:
        .irp b, 0, 1, 2, 3, 4, 5, 6, 7
        movdqa  %xmm9, 16*\b(%rsp)
        movdqu  16*\b(%rcx), %xmm\b
        pxor    %xmm9, %xmm\b
        MUL_ALPHA %xmm9
        .endr
        AES8    %rdi, \op, \oplast
        .irp b, 0, 1, 2, 3, 4, 5, 6, 7
        pxor    16*\b(%rsp), %xmm\b
        movdqu  %xmm\b, 16*\b(%r8)
        .endr
        add     $128, %rcx
        add     $128, %r8
        sub     $8, %r9
        cmp     $8, %r9
        jae     1b
2:
        test    %r9, %r9
        jz      4f
3:
        movdqu  (%rcx), %xmm0
        pxor    %xmm9, %xmm0
        AES1    %rdi, \op, \oplast, %xmm0, %xmm8
        pxor    %xmm9, %xmm0
        movdqu  %xmm0, (%r8)
        MUL_ALPHA %xmm9
        add     $16, %rcx
        add     $16, %r8
        dec     %r9
        jnz     3b
4:
        CLEAR_XMM
        .irp b, 0, 1, 2, 3, 4, 5, 6, 7
        movdqa  %xmm0, 16*\b(%rsp)
        .endr
        mov     %rbp, %rsp
        pop     %rbp
.endm

/*
 * void encmig_aesni_xts_encrypt(const struct encmig_aesni_key *k1e,
 *                               const struct encmig_aesni_key *k2e,
 *                               const uint8_t tweak[16],
 *                               const uint8_t *in, uint8_t *out,
 *                               size_t nblocks);
 */
ENCMIG_ENTRY(encmig_aesni_xts_encrypt)
        XTS     aesenc, aesenclast
        ENCMIG_RET
ENCMIG_END(encmig_aesni_xts_encrypt)

/*
 * void encmig_aesni_xts_decrypt(const struct encmig_aesni_key *k1d,
 *                               const struct encmig_aesni_key *k2e,
 *                               const uint8_t tweak[16],
 *                               const uint8_t *in, uint8_t *out,
 *                               size_t nblocks);
 */
ENCMIG_ENTRY(encmig_aesni_xts_decrypt)
        XTS     aesdec, aesdeclast
        ENCMIG_RET
ENCMIG_END(encmig_aesni_xts_decrypt)

/* ---- CTR (GCM's inc32) ----------------------------------------------- */

/*
 * void encmig_aesni_ctr32(const struct encmig_aesni_key *ek,  %rdi
 *                         const uint8_t ctr[16],              %rsi
 *                         const uint8_t *in, uint8_t *out,    %rdx, %rcx
 *                         size_t len);                        %r8
 *
 * out = in ^ E(ctr), E(inc32(ctr)), ...: the last four bytes of the
 * counter block count big-endian and wrap modulo 2^32, the other twelve
 * stay.  Any len; in == out is fine.
 *
 * The counter block is kept byte-reversed in xmm9, so that its counter
 * is the little-endian dword 0 and paddd (which wraps within the dword)
 * is exactly inc32.  The last round takes the data: aesenclast with
 * (round key 14 ^ input) yields keystream ^ input directly.
 *
 * Register use: xmm0..7 blocks, xmm8 round key, xmm9 counter, xmm10
 * byte-reversal mask, xmm11 increment, xmm12 scratch, xmm13 round key 14.
 */
ENCMIG_ENTRY(encmig_aesni_ctr32)
        movdqa  .Lbswap(%rip), %xmm10
        movdqa  .Lctr_one(%rip), %xmm11
        movdqu  (%rsi), %xmm9
        pshufb  %xmm10, %xmm9
        movdqu  224(%rdi), %xmm13

        cmp     $128, %r8
        jb      2f
1:
        .irp b, 0, 1, 2, 3, 4, 5, 6, 7
        movdqa  %xmm9, %xmm\b
        paddd   %xmm11, %xmm9
        pshufb  %xmm10, %xmm\b
        .endr
        AES8_BODY %rdi, aesenc
        .irp b, 0, 1, 2, 3, 4, 5, 6, 7
        movdqu  16*\b(%rdx), %xmm12
        pxor    %xmm13, %xmm12
        aesenclast %xmm12, %xmm\b
        movdqu  %xmm\b, 16*\b(%rcx)
        .endr
        add     $128, %rdx
        add     $128, %rcx
        sub     $128, %r8
        cmp     $128, %r8
        jae     1b
2:
        /* Whole blocks, one at a time. */
        cmp     $16, %r8
        jb      4f
3:
        movdqa  %xmm9, %xmm0
        paddd   %xmm11, %xmm9
        pshufb  %xmm10, %xmm0
        AES1    %rdi, aesenc, aesenclast, %xmm0, %xmm8
        movdqu  (%rdx), %xmm12
        pxor    %xmm12, %xmm0
        movdqu  %xmm0, (%rcx)
        add     $16, %rdx
        add     $16, %rcx
        sub     $16, %r8
        cmp     $16, %r8
        jae     3b
4:
        /*
         * A partial last block, byte by byte: the keystream never leaves
         * xmm0, which moves down a byte each time (no stack, nothing to
         * read or write past len).
         */
        test    %r8, %r8
        jz      6f
        movdqa  %xmm9, %xmm0
        pshufb  %xmm10, %xmm0
        AES1    %rdi, aesenc, aesenclast, %xmm0, %xmm8
        xor     %eax, %eax
5:
        movd    %xmm0, %r10d
        xorb    (%rdx,%rax), %r10b
        movb    %r10b, (%rcx,%rax)
        psrldq  $1, %xmm0
        inc     %rax
        cmp     %r8, %rax
        jb      5b
        xor     %r10d, %r10d
6:
        CLEAR_XMM
        ENCMIG_RET
ENCMIG_END(encmig_aesni_ctr32)

        .section .note.GNU-stack, "", @progbits
