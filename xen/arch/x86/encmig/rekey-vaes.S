/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rekey-vaes.S: the re-key of a page in one pass, with VAES and
 * VPCLMULQDQ on 256-bit registers.  The C side is cipher-vaes.c, the
 * interface vaes.h.
 *
 * encmig_vaes_xts_dec_gcm_enc() reads each block of the frame once,
 * XTS-decrypts it, encrypts it in GCM's counter mode and folds the
 * ciphertext into GHASH, eight blocks at a time.  The plaintext only
 * ever lives in registers: there is no scratch page to leak or to wipe.
 * The XTS and counter-mode AES rounds of a batch are interleaved, so
 * eight independent 256-bit AES states (sixteen blocks) are in flight,
 * and the GHASH of the eight ciphertext blocks costs one reduction.
 *
 * AVX2, VAES and VPCLMULQDQ, VEX-encoded: the caller must have checked
 * CPUID and that XCR0 enables the YMM state (see vaes.h).  Only ymm0..15
 * are used, and all of them are cleared by vzeroall before returning, so
 * no round key, tweak, counter or plaintext outlives a call, and the
 * upper halves are clean for any legacy SSE code that follows.  SysV
 * x86-64 calling convention, caller-saved general registers only, no
 * stack.  Memory operands of VEX instructions need no alignment: data,
 * keys and arguments may be anywhere; the constants below are aligned
 * for speed only.
 */

#include "asm-defs.h"

/* Offsets in struct encmig_vaes_args (cipher-vaes.c checks them). */
#define VA_XTS          0
#define VA_GCM          8
#define VA_HTAB         16
#define VA_TWEAK        24
#define VA_CTR          40
#define VA_Y            56

        .section .rodata, "a", @progbits
        .p2align 5
/* pshufb mask reversing the bytes of each 128-bit lane. */
.Lv_bswap:
        .byte 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0
        .byte 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0
/* Counter increments of byte-reversed counter blocks, per lane. */
.Lv_lane1:
        .long 0, 0, 0, 0, 1, 0, 0, 0
.Lv_two:
        .long 2, 0, 0, 0, 2, 0, 0, 0
.Lv_four:
        .long 4, 0, 0, 0, 4, 0, 0, 0
.Lv_six:
        .long 6, 0, 0, 0, 6, 0, 0, 0
.Lv_eight:
        .long 8, 0, 0, 0, 8, 0, 0, 0
.Lv_ten:
        .long 10, 0, 0, 0, 10, 0, 0, 0
.Lv_twelve:
        .long 12, 0, 0, 0, 12, 0, 0, 0
.Lv_fourteen:
        .long 14, 0, 0, 0, 14, 0, 0, 0
.Lv_sixteen:
        .long 16, 0, 0, 0, 16, 0, 0, 0
/* x^128 = x^7 + x^2 + x + 1 (mod the XTS polynomial), per lane. */
.Lv_x87:
        .quad 0x87, 0, 0x87, 0
/* As aesni.S's .Lxts_fold: the carries of a multiplication by x. */
.Lv_fold:
        .long 0x87, 0, 1, 0

        .text

/*
 * \dst := \src * x in GF(2^128), IEEE 1619's little-endian tweak; the
 * branch-free method of aesni.S's MUL_ALPHA.  .Lv_fold in \fold (%xmm9
 * unless named); clobbers \tmp (%xmm8 unless named).
 */
.macro VMUL_ALPHA src, dst, tmp=%xmm8, fold=%xmm9
        vpshufd $0x13, \src, \tmp
        vpsrad  $31, \tmp, \tmp
        vpand   \fold, \tmp, \tmp
        vpaddq  \src, \src, \dst
        vpxor   \tmp, \dst, \dst
.endm

/*
 * Both tweaks of \t times x^(8 \n), \n 1 or 2: a shift of each lane left
 * by \n bytes, the bytes that fall out multiplied back in by x^128 =
 * 0x87 (a product of at most 23 bits, so it cannot carry further).
 * Clobbers \s.
 */
.macro XTS_NEXT t, s, n
        vpsrldq $(16 - \n), \t, \s
        vpclmulqdq $0x00, .Lv_x87(%rip), \s, \s
        vpslldq $\n, \t, \t
        vpxor   \s, \t, \t
.endm

/*
 * T_0..T_7 from a->tweak (T_0), paired into \d0..\d3: T_0 and T_1 in
 * \d0, and so on.  Clobbers ymm0..ymm9.
 */
.macro TWEAKS8 d0, d1, d2, d3
        vmovdqa .Lv_fold(%rip), %xmm9
        vmovdqu VA_TWEAK(%rdi), %xmm0
        VMUL_ALPHA %xmm0, %xmm1
        VMUL_ALPHA %xmm1, %xmm2
        VMUL_ALPHA %xmm2, %xmm3
        VMUL_ALPHA %xmm3, %xmm4
        VMUL_ALPHA %xmm4, %xmm5
        VMUL_ALPHA %xmm5, %xmm6
        VMUL_ALPHA %xmm6, %xmm7
        vinserti128 $1, %xmm1, %ymm0, \d0
        vinserti128 $1, %xmm3, %ymm2, \d1
        vinserti128 $1, %xmm5, %ymm4, \d2
        vinserti128 $1, %xmm7, %ymm6, \d3
.endm

/*
 * Accumulate the unreduced products of the two reflected blocks in \x
 * with the two key powers at \h: low halves into %ymm0, high halves into
 * %ymm1, middle terms into %ymm2.  Clobbers %ymm3.
 */
.macro GH_MUL_ACC x, h
        vpclmulqdq $0x00, \h, \x, %ymm3
        vpxor   %ymm3, %ymm0, %ymm0
        vpclmulqdq $0x11, \h, \x, %ymm3
        vpxor   %ymm3, %ymm1, %ymm1
        vpclmulqdq $0x01, \h, \x, %ymm3
        vpxor   %ymm3, %ymm2, %ymm2
        vpclmulqdq $0x10, \h, \x, %ymm3
        vpxor   %ymm3, %ymm2, %ymm2
.endm

/*
 * %xmm15 := the reduction of the products accumulated in ymm0..ymm2:
 * the two lanes added, the middle term split over the halves, then the
 * reduction of ghash-pclmul.S's REDUCE (see there for why it is right).
 * Clobbers ymm0..ymm4.
 */
.macro GH_REDUCE
        vextracti128 $1, %ymm0, %xmm3
        vpxor   %xmm3, %xmm0, %xmm0
        vextracti128 $1, %ymm1, %xmm3
        vpxor   %xmm3, %xmm1, %xmm1
        vextracti128 $1, %ymm2, %xmm3
        vpxor   %xmm3, %xmm2, %xmm2
        vpslldq $8, %xmm2, %xmm3
        vpsrldq $8, %xmm2, %xmm2
        vpxor   %xmm3, %xmm0, %xmm0
        vpxor   %xmm2, %xmm1, %xmm1

        vpsllq  $63, %xmm0, %xmm2
        vpsllq  $62, %xmm0, %xmm3
        vpsllq  $57, %xmm0, %xmm4
        vpxor   %xmm3, %xmm2, %xmm2
        vpxor   %xmm4, %xmm2, %xmm2
        vpslldq $8, %xmm2, %xmm2
        vpxor   %xmm2, %xmm0, %xmm0

        vpsllq  $63, %xmm0, %xmm2
        vpsllq  $62, %xmm0, %xmm3
        vpsllq  $57, %xmm0, %xmm4
        vpxor   %xmm3, %xmm2, %xmm2
        vpxor   %xmm4, %xmm2, %xmm2
        vpsrldq $8, %xmm2, %xmm2
        vpxor   %xmm2, %xmm1, %xmm1

        vpxor   %xmm0, %xmm1, %xmm1
        vpsrlq  $1, %xmm0, %xmm2
        vpsrlq  $2, %xmm0, %xmm3
        vpsrlq  $7, %xmm0, %xmm0
        vpxor   %xmm2, %xmm1, %xmm1
        vpxor   %xmm3, %xmm1, %xmm1
        vpxor   %xmm0, %xmm1, %xmm15
.endm

/*
 * %xmm15 := GHASH continued from %xmm15 over the eight blocks in \x0..\x3
 * (as stored: they are byte-reflected here, in place): Y' = (Y ^ X_1)
 * H^8 ^ X_2 H^7 ^ ... ^ X_8 H, the table at %r9 holding the powers in
 * that order, two per 32 bytes.  Clobbers ymm0..ymm4 and \x0..\x3.
 */
.macro GH_BATCH x0, x1, x2, x3
        .irp x, \x0, \x1, \x2, \x3
        vpshufb .Lv_bswap(%rip), \x, \x
        .endr
        vpxor   %ymm15, \x0, \x0
        vpclmulqdq $0x00, (%r9), \x0, %ymm0
        vpclmulqdq $0x11, (%r9), \x0, %ymm1
        vpclmulqdq $0x01, (%r9), \x0, %ymm2
        vpclmulqdq $0x10, (%r9), \x0, %ymm3
        vpxor   %ymm3, %ymm2, %ymm2
        GH_MUL_ACC \x1, 32(%r9)
        GH_MUL_ACC \x2, 64(%r9)
        GH_MUL_ACC \x3, 96(%r9)
        GH_REDUCE
.endm

/*
 * void encmig_vaes_xts_dec_gcm_enc(struct encmig_vaes_args *a,   %rdi
 *                                  const uint8_t *in,            %rsi
 *                                  uint8_t *out,                 %rdx
 *                                  size_t nblocks);              %rcx
 *
 * out := GCM-CTR(XTS-decrypt(in)) over nblocks blocks, a multiple of 8
 * (any other blocks at the end are left alone), and a->y := GHASH
 * continued over out.  a->tweak is T_0 = E_K2(data unit number), a->ctr
 * the counter block of the first block (inc32 wraps), a->y the hash so
 * far.  in == out is fine; partial overlap is not.
 *
 * Register use: ymm0..3 XTS blocks (then GHASH scratch), ymm4..7 counter
 * blocks (then ciphertext), ymm8/ymm9 round keys of XTS/GCM, ymm10..13
 * the batch's sixteen tweaks, two per register, ymm14 the byte-reversed
 * counter pair, xmm15 the reflected GHASH value.
 */
ENCMIG_ENTRY(encmig_vaes_xts_dec_gcm_enc)
        shr     $3, %rcx
        jz      9f
        mov     VA_XTS(%rdi), %rax
        mov     VA_GCM(%rdi), %r8
        mov     VA_HTAB(%rdi), %r9

        vmovdqu VA_Y(%rdi), %xmm15
        vpshufb .Lv_bswap(%rip), %xmm15, %xmm15
        vbroadcasti128 VA_CTR(%rdi), %ymm14
        vpshufb .Lv_bswap(%rip), %ymm14, %ymm14
        vpaddd  .Lv_lane1(%rip), %ymm14, %ymm14

        TWEAKS8 %ymm10, %ymm11, %ymm12, %ymm13
1:
        /* Counter blocks, back in memory byte order. */
        vpshufb .Lv_bswap(%rip), %ymm14, %ymm4
        vpaddd  .Lv_two(%rip), %ymm14, %ymm5
        vpshufb .Lv_bswap(%rip), %ymm5, %ymm5
        vpaddd  .Lv_four(%rip), %ymm14, %ymm6
        vpshufb .Lv_bswap(%rip), %ymm6, %ymm6
        vpaddd  .Lv_six(%rip), %ymm14, %ymm7
        vpshufb .Lv_bswap(%rip), %ymm7, %ymm7
        vpaddd  .Lv_eight(%rip), %ymm14, %ymm14

        vpxor   (%rsi), %ymm10, %ymm0
        vpxor   32(%rsi), %ymm11, %ymm1
        vpxor   64(%rsi), %ymm12, %ymm2
        vpxor   96(%rsi), %ymm13, %ymm3

        vbroadcasti128 (%rax), %ymm8
        vbroadcasti128 (%r8), %ymm9
        .irp b, 0, 1, 2, 3
        vpxor   %ymm8, %ymm\b, %ymm\b
        .endr
        .irp b, 4, 5, 6, 7
        vpxor   %ymm9, %ymm\b, %ymm\b
        .endr
        .irp i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
        vbroadcasti128 16*\i(%rax), %ymm8
        vbroadcasti128 16*\i(%r8), %ymm9
        .irp b, 0, 1, 2, 3
        vaesdec %ymm8, %ymm\b, %ymm\b
        .endr
        .irp b, 4, 5, 6, 7
        vaesenc %ymm9, %ymm\b, %ymm\b
        .endr
        .endr
        vbroadcasti128 224(%rax), %ymm8
        vbroadcasti128 224(%r8), %ymm9
        .irp b, 0, 1, 2, 3
        vaesdeclast %ymm8, %ymm\b, %ymm\b
        .endr

        /*
         * The plaintext is the XTS output XOR its tweak; XORed with the
         * last GCM round key too, the last round yields keystream XOR
         * plaintext, the ciphertext, directly.
         */
        vpxor   %ymm10, %ymm0, %ymm0
        vpxor   %ymm11, %ymm1, %ymm1
        vpxor   %ymm12, %ymm2, %ymm2
        vpxor   %ymm13, %ymm3, %ymm3
        .irp b, 0, 1, 2, 3
        vpxor   %ymm9, %ymm\b, %ymm\b
        .endr
        vaesenclast %ymm0, %ymm4, %ymm4
        vaesenclast %ymm1, %ymm5, %ymm5
        vaesenclast %ymm2, %ymm6, %ymm6
        vaesenclast %ymm3, %ymm7, %ymm7
        vmovdqu %ymm4, (%rdx)
        vmovdqu %ymm5, 32(%rdx)
        vmovdqu %ymm6, 64(%rdx)
        vmovdqu %ymm7, 96(%rdx)

        /* The next batch's tweaks; this overwrites the plaintext. */
        XTS_NEXT %ymm10, %ymm0, 1
        XTS_NEXT %ymm11, %ymm1, 1
        XTS_NEXT %ymm12, %ymm2, 1
        XTS_NEXT %ymm13, %ymm3, 1

        /* GHASH over the ciphertext. */
        GH_BATCH %ymm4, %ymm5, %ymm6, %ymm7

        add     $128, %rsi
        add     $128, %rdx
        dec     %rcx
        jnz     1b

        vpshufb .Lv_bswap(%rip), %xmm15, %xmm15
        vmovdqu %xmm15, VA_Y(%rdi)
9:
        vzeroall
        ENCMIG_RET
ENCMIG_END(encmig_vaes_xts_dec_gcm_enc)

/* ---- XTS alone ------------------------------------------------------- */

/*
 * XTS over nblocks whole blocks (any number), a->xts the encryption or
 * decryption schedule of Key1 to match \op, a->tweak T_0 = E_K2(data
 * unit number).  Sixteen blocks at a time on ymm0..ymm7, their tweaks in
 * ymm8..ymm15; the round keys, each doubled to both lanes, in 480 bytes
 * of stack that the function aligns itself and zeroes before returning.
 * What is left, one block at a time on xmm registers.
 */
.macro XTS_VAES op, oplast
        push    %rbp
        mov     %rsp, %rbp
        sub     $480, %rsp
        and     $-32, %rsp
        mov     VA_XTS(%rdi), %rax

        .irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14
        vbroadcasti128 16*\i(%rax), %ymm0
        vmovdqa %ymm0, 32*\i(%rsp)
        .endr

        /* T_0..T_7 in ymm8..ymm11, T_8..T_15 in ymm12..ymm15. */
        TWEAKS8 %ymm8, %ymm9, %ymm10, %ymm11
        vmovdqa %ymm8, %ymm12
        vmovdqa %ymm9, %ymm13
        vmovdqa %ymm10, %ymm14
        vmovdqa %ymm11, %ymm15
        XTS_NEXT %ymm12, %ymm0, 1
        XTS_NEXT %ymm13, %ymm1, 1
        XTS_NEXT %ymm14, %ymm2, 1
        XTS_NEXT %ymm15, %ymm3, 1
1:
        cmp     $16, %rcx
        jb      2f
        vpxor   (%rsi), %ymm8, %ymm0
        vpxor   32(%rsi), %ymm9, %ymm1
        vpxor   64(%rsi), %ymm10, %ymm2
        vpxor   96(%rsi), %ymm11, %ymm3
        vpxor   128(%rsi), %ymm12, %ymm4
        vpxor   160(%rsi), %ymm13, %ymm5
        vpxor   192(%rsi), %ymm14, %ymm6
        vpxor   224(%rsi), %ymm15, %ymm7
        .irp b, 0, 1, 2, 3, 4, 5, 6, 7
        vpxor   (%rsp), %ymm\b, %ymm\b
        .endr
        .irp i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
        .irp b, 0, 1, 2, 3, 4, 5, 6, 7
        \op     32*\i(%rsp), %ymm\b, %ymm\b
        .endr
        .endr
        .irp b, 0, 1, 2, 3, 4, 5, 6, 7
        \oplast 448(%rsp), %ymm\b, %ymm\b
        .endr
        vpxor   %ymm8, %ymm0, %ymm0
        vpxor   %ymm9, %ymm1, %ymm1
        vpxor   %ymm10, %ymm2, %ymm2
        vpxor   %ymm11, %ymm3, %ymm3
        vpxor   %ymm12, %ymm4, %ymm4
        vpxor   %ymm13, %ymm5, %ymm5
        vpxor   %ymm14, %ymm6, %ymm6
        vpxor   %ymm15, %ymm7, %ymm7
        vmovdqu %ymm0, (%rdx)
        vmovdqu %ymm1, 32(%rdx)
        vmovdqu %ymm2, 64(%rdx)
        vmovdqu %ymm3, 96(%rdx)
        vmovdqu %ymm4, 128(%rdx)
        vmovdqu %ymm5, 160(%rdx)
        vmovdqu %ymm6, 192(%rdx)
        vmovdqu %ymm7, 224(%rdx)
        XTS_NEXT %ymm8, %ymm0, 2
        XTS_NEXT %ymm9, %ymm1, 2
        XTS_NEXT %ymm10, %ymm2, 2
        XTS_NEXT %ymm11, %ymm3, 2
        XTS_NEXT %ymm12, %ymm4, 2
        XTS_NEXT %ymm13, %ymm5, 2
        XTS_NEXT %ymm14, %ymm6, 2
        XTS_NEXT %ymm15, %ymm7, 2
        add     $256, %rsi
        add     $256, %rdx
        sub     $16, %rcx
        jmp     1b
2:
        /* The rest one at a time; the next tweak is xmm8's. */
        test    %rcx, %rcx
        jz      4f
        vmovdqa .Lv_fold(%rip), %xmm9
3:
        vpxor   (%rsi), %xmm8, %xmm0
        vpxor   (%rax), %xmm0, %xmm0
        .irp i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
        \op     16*\i(%rax), %xmm0, %xmm0
        .endr
        \oplast 224(%rax), %xmm0, %xmm0
        vpxor   %xmm8, %xmm0, %xmm0
        vmovdqu %xmm0, (%rdx)
        VMUL_ALPHA %xmm8, %xmm8, %xmm10
        add     $16, %rsi
        add     $16, %rdx
        dec     %rcx
        jnz     3b
4:
        vpxor   %xmm0, %xmm0, %xmm0
        .irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14
        vmovdqa %ymm0, 32*\i(%rsp)
        .endr
        vzeroall
        mov     %rbp, %rsp
        pop     %rbp
.endm

/*
 * void encmig_vaes_xts_encrypt(struct encmig_vaes_args *a,      %rdi
 *                              const uint8_t *in, uint8_t *out, %rsi, %rdx
 *                              size_t nblocks);                 %rcx
 */
ENCMIG_ENTRY(encmig_vaes_xts_encrypt)
        XTS_VAES vaesenc, vaesenclast
        ENCMIG_RET
ENCMIG_END(encmig_vaes_xts_encrypt)

/* As encmig_vaes_xts_encrypt, a->xts the decryption schedule. */
ENCMIG_ENTRY(encmig_vaes_xts_decrypt)
        XTS_VAES vaesdec, vaesdeclast
        ENCMIG_RET
ENCMIG_END(encmig_vaes_xts_decrypt)

/* ---- GCM alone: GHASH and the counter mode ---------------------------- */

/*
 * void encmig_vaes_ghash(struct encmig_vaes_args *a,      %rdi
 *                        const uint8_t *in, size_t nblocks); %rsi, %rdx
 *
 * a->y := GHASH continued over the first nblocks - nblocks % 8 blocks of
 * in, eight at a time with one reduction, the powers at a->htab.
 * Data in ymm5..ymm8, the rest as in the fused op.
 */
ENCMIG_ENTRY(encmig_vaes_ghash)
        shr     $3, %rdx
        jz      9f
        mov     VA_HTAB(%rdi), %r9
        vmovdqu VA_Y(%rdi), %xmm15
        vpshufb .Lv_bswap(%rip), %xmm15, %xmm15
1:
        vmovdqu (%rsi), %ymm5
        vmovdqu 32(%rsi), %ymm6
        vmovdqu 64(%rsi), %ymm7
        vmovdqu 96(%rsi), %ymm8
        GH_BATCH %ymm5, %ymm6, %ymm7, %ymm8
        add     $128, %rsi
        dec     %rdx
        jnz     1b

        vpshufb .Lv_bswap(%rip), %xmm15, %xmm15
        vmovdqu %xmm15, VA_Y(%rdi)
9:
        vzeroall
        ENCMIG_RET
ENCMIG_END(encmig_vaes_ghash)

/*
 * void encmig_vaes_ctr32(struct encmig_vaes_args *a,       %rdi
 *                        const uint8_t *in, uint8_t *out,  %rsi, %rdx
 *                        size_t nblocks);                  %rcx
 *
 * out := in XOR the keystream of a->gcm from the counter block a->ctr
 * (inc32: the last four bytes count big-endian modulo 2^32), over the
 * first nblocks - nblocks % 16 blocks, sixteen at a time on ymm0..ymm7.
 * ymm8 round key, ymm9 scratch, ymm14 the byte-reversed counter pair.
 */
ENCMIG_ENTRY(encmig_vaes_ctr32)
        shr     $4, %rcx
        jz      9f
        mov     VA_GCM(%rdi), %r8
        vbroadcasti128 VA_CTR(%rdi), %ymm14
        vpshufb .Lv_bswap(%rip), %ymm14, %ymm14
        vpaddd  .Lv_lane1(%rip), %ymm14, %ymm14
1:
        vpshufb .Lv_bswap(%rip), %ymm14, %ymm0
        vpaddd  .Lv_two(%rip), %ymm14, %ymm1
        vpaddd  .Lv_four(%rip), %ymm14, %ymm2
        vpaddd  .Lv_six(%rip), %ymm14, %ymm3
        vpaddd  .Lv_eight(%rip), %ymm14, %ymm4
        vpaddd  .Lv_ten(%rip), %ymm14, %ymm5
        vpaddd  .Lv_twelve(%rip), %ymm14, %ymm6
        vpaddd  .Lv_fourteen(%rip), %ymm14, %ymm7
        vpaddd  .Lv_sixteen(%rip), %ymm14, %ymm14
        .irp b, 1, 2, 3, 4, 5, 6, 7
        vpshufb .Lv_bswap(%rip), %ymm\b, %ymm\b
        .endr
        vbroadcasti128 (%r8), %ymm8
        .irp b, 0, 1, 2, 3, 4, 5, 6, 7
        vpxor   %ymm8, %ymm\b, %ymm\b
        .endr
        .irp i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
        vbroadcasti128 16*\i(%r8), %ymm8
        .irp b, 0, 1, 2, 3, 4, 5, 6, 7
        vaesenc %ymm8, %ymm\b, %ymm\b
        .endr
        .endr
        /* The last round with (round key 14 ^ input) yields the output. */
        vbroadcasti128 224(%r8), %ymm8
        .irp b, 0, 1, 2, 3, 4, 5, 6, 7
        vpxor   32*\b(%rsi), %ymm8, %ymm9
        vaesenclast %ymm9, %ymm\b, %ymm\b
        vmovdqu %ymm\b, 32*\b(%rdx)
        .endr
        add     $256, %rsi
        add     $256, %rdx
        dec     %rcx
        jnz     1b
9:
        vzeroall
        ENCMIG_RET
ENCMIG_END(encmig_vaes_ctr32)

        .section .note.GNU-stack, "", @progbits
