/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * regmarker: a guest process that keeps the register marker
 * (../regmarker.h) in its registers while the guest is migrated, for the
 * flight's no-register-marker-on-wire step.
 *
 * The marker goes into every XMM register and, in halves, into r8..r15;
 * then a short spin and 20 ms asleep (a raw nanosleep, so that nothing of
 * libc runs between), over and over, the registers loaded again after
 * each system call.  The whole marker exists only in the registers: the
 * halves are put together there, and kept in memory in the other order.
 *
 * What of it the saved vCPU state can hold: the guest is saved in its
 * kernel's suspend path, so the general-purpose registers saved are the
 * kernel's (this task's are in its pt_regs, on its kernel stack, which is
 * guest memory).  Linux loads a user task's FPU state only on the way
 * back to user mode, so the XMM registers still hold those of the last
 * task that ran in user mode (the tasks frozen for the suspend never get
 * back there).  That is this one most of the time, as it wakes fifty
 * times a second, but not when the suspend comes while another task runs
 * in user mode, or within 20 ms after: the shell that ticks every two
 * seconds, its sleep, and every six seconds its sha256sum of 4 MiB (a
 * quarter of a second under TCG, more on a loaded host).
 *
 * Built static (no libraries in the guest's initramfs but busybox).
 */

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#include "regmarker.h"

/*
 * The registers held live in user mode a little while each round (an
 * interrupt there saves them too); short, for the guest's one vCPU shares
 * the emulated host's one CPU with dom0's migration.  Under TCG the
 * process took 8% of a vCPU with 4096 pauses a round, 2.5% with 512.
 */
#define SPIN  512

/*
 * hi before lo: side by side in this order the halves are not the
 * marker.  r8..r15 alternate lo, hi, so that the ascending order of
 * Xen's HVM CPU record (r8, r9, ...) and the descending one of Linux's
 * pt_regs and Xen's cpu_user_regs (r15, r14, ...) both hold it whole.
 * xmm0 is built from the halves, the other fifteen copied from it.
 */
static struct { uint64_t hi, lo; } half;

#define LOAD_MARKER                                 \
    "movq %[lo], %%xmm0\n\t"                        \
    "movq %[hi], %%xmm1\n\t"                        \
    "punpcklqdq %%xmm1, %%xmm0\n\t"                 \
    "movdqa %%xmm0, %%xmm1\n\t"                     \
    "movdqa %%xmm0, %%xmm2\n\t"                     \
    "movdqa %%xmm0, %%xmm3\n\t"                     \
    "movdqa %%xmm0, %%xmm4\n\t"                     \
    "movdqa %%xmm0, %%xmm5\n\t"                     \
    "movdqa %%xmm0, %%xmm6\n\t"                     \
    "movdqa %%xmm0, %%xmm7\n\t"                     \
    "movdqa %%xmm0, %%xmm8\n\t"                     \
    "movdqa %%xmm0, %%xmm9\n\t"                     \
    "movdqa %%xmm0, %%xmm10\n\t"                    \
    "movdqa %%xmm0, %%xmm11\n\t"                    \
    "movdqa %%xmm0, %%xmm12\n\t"                    \
    "movdqa %%xmm0, %%xmm13\n\t"                    \
    "movdqa %%xmm0, %%xmm14\n\t"                    \
    "movdqa %%xmm0, %%xmm15\n\t"                    \
    "movq %[lo], %%r8\n\t"                          \
    "movq %[hi], %%r9\n\t"                          \
    "movq %[lo], %%r10\n\t"                         \
    "movq %[hi], %%r11\n\t"                         \
    "movq %[lo], %%r12\n\t"                         \
    "movq %[hi], %%r13\n\t"                         \
    "movq %[lo], %%r14\n\t"                         \
    "movq %[hi], %%r15\n\t"

/* One round: load, spin, sleep (the kernel keeps the registers, but
 * syscall takes r11, and a round costs nothing to make sure), load. */
static void hold(const struct timespec *ts)
{
    long ret;

    asm volatile ( LOAD_MARKER
                   "mov %[spin], %%ecx\n"
                   "1:\n\t"
                   "pause\n\t"
                   "dec %%ecx\n\t"
                   "jnz 1b\n\t"
                   "syscall\n\t"
                   LOAD_MARKER
                   : "=a" (ret)
                   : "0" ((long)SYS_nanosleep), "D" (ts), "S" (NULL),
                     [lo] "m" (half.lo), [hi] "m" (half.hi),
                     [spin] "i" (SPIN)
                   : "rcx", "r8", "r9", "r10", "r11", "r12", "r13", "r14",
                     "r15", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
                     "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
                     "xmm12", "xmm13", "xmm14", "xmm15", "cc", "memory" );
    (void)ret;    /* -EINTR (the freezer's kick) is just a short round */
}

int main(void)
{
    static const struct timespec ts = { .tv_sec = 0, .tv_nsec = 20000000 };

    memcpy(&half.lo, FLIGHT_REG_MARK_LO, sizeof(half.lo));
    memcpy(&half.hi, FLIGHT_REG_MARK_HI, sizeof(half.hi));
    printf("GUEST-REGMARKER holding\n");
    fflush(stdout);
    for ( ;; )
        hold(&ts);
}
