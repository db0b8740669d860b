/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * state-xen.c: the guest state that the engine seals (port.h,
 * encmig_state_*), read and loaded through Xen's own code paths.
 *
 * XEN_ENCMIG_STATE_hvm_context: hvm_save()/hvm_load(), as
 * XEN_DOMCTL_gethvmcontext/sethvmcontext, the domain paused meanwhile;
 * hvm_load() checks every record as it does the toolstack's buffer.
 *
 * XEN_ENCMIG_STATE_pv_vcpu: a 64-bit PV vCPU's registers and FPU/XSAVE
 * state, as arch_get_info_guest() and XEN_DOMCTL_getvcpuextstate read
 * them, loaded with the checks of arch_set_info_guest() (canonical rip
 * and rsp, IOPL kept apart, IF set) and of setvcpuextstate
 * (validate_xstate(), uncompressed, of its own size).  The rest of the
 * vCPU's context names machine frames and is set by the toolstack first.
 *
 * Both run under the domctl lock and their domain's session lock held for
 * writing; neither may target the caller's own domain (it pauses the
 * target).
 */

#include <xen/lib.h>
#include <xen/sched.h>

#include <asm/hvm/hvm.h>
#include <asm/hvm/save.h>
#include <asm/i387.h>
#include <asm/xstate.h>

#include "engine.h"

uint32_t encmig_domain_nr_vcpus(const struct domain *d)
{
    return d->max_vcpus;
}

/* XEN_ENCMIG_STATE_hvm_context. */

static bool hvm_context_of(const struct domain *d, uint32_t instance)
{
    return IS_ENABLED(CONFIG_HVM) && !instance && is_hvm_domain(d);
}

#ifdef CONFIG_HVM
/* As get/sethvmcontext: the domain paused around the whole of it. */
static int hvm_context_xfer(struct domain *d, hvm_domain_context_t *c,
                            bool load)
{
    int rc;

    domain_pause(d);
    rc = load ? hvm_load(d, c) : hvm_save(d, c);
    domain_unpause(d);
    return rc;
}
#endif

/*
 * XEN_ENCMIG_STATE_pv_vcpu: the plaintext (docs/abi.md, "State
 * records"), then the FPU area: FXSAVE's 512 bytes, or the XSAVE area in
 * standard (uncompressed) form, xstate_ctxt_size(xcr0_accum) bytes.
 */
#define PV_FPU_FXSAVE    1
#define PV_FPU_XSAVE     2

struct pv_vcpu_state {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip, rflags;
    uint32_t fpu;                /* PV_FPU_* */
    uint32_t pad;
    uint64_t xcr0, xcr0_accum;   /* PV_FPU_XSAVE only; else 0 */
};

static struct vcpu *pv_vcpu_of(struct domain *d, uint32_t instance)
{
    if ( !is_pv_domain(d) || is_pv_32bit_domain(d) ||
         instance >= d->max_vcpus )
        return NULL;
    return d->vcpu[array_index_nospec(instance, d->max_vcpus)];
}

static size_t pv_fpu_size(const struct vcpu *v, uint64_t xcr0_accum)
{
    if ( v->arch.xsave_area && xcr0_accum )
        return xstate_ctxt_size(xcr0_accum);
    return FXSAVE_SIZE;
}

static int pv_vcpu_get(struct vcpu *v, void *buf, size_t size, size_t *len)
{
    struct pv_vcpu_state *s = buf;
    const struct cpu_user_regs *r = &v->arch.user_regs;
    uint8_t *fpu = (uint8_t *)(s + 1);
    size_t fpu_size;

    vcpu_pause(v);
    fpu_size = pv_fpu_size(v, v->arch.xcr0_accum);
    if ( size < sizeof(*s) + fpu_size )
    {
        vcpu_unpause(v);
        return -ENOSPC;              /* xcr0_accum grew since the query */
    }

    memset(s, 0, sizeof(*s));
    s->rax = r->rax; s->rbx = r->rbx; s->rcx = r->rcx; s->rdx = r->rdx;
    s->rsi = r->rsi; s->rdi = r->rdi; s->rbp = r->rbp; s->rsp = r->rsp;
    s->r8 = r->r8;   s->r9 = r->r9;   s->r10 = r->r10; s->r11 = r->r11;
    s->r12 = r->r12; s->r13 = r->r13; s->r14 = r->r14; s->r15 = r->r15;
    s->rip = r->rip;
    /* As arch_get_info_guest(): the guest sees its IOPL in rflags. */
    s->rflags = r->rflags | v->arch.pv.iopl;

    if ( v->arch.xsave_area && v->arch.xcr0_accum )
    {
        s->fpu = PV_FPU_XSAVE;
        s->xcr0 = v->arch.xcr0;
        s->xcr0_accum = v->arch.xcr0_accum;
        expand_xsave_states(v, fpu, fpu_size);
    }
    else
    {
        s->fpu = PV_FPU_FXSAVE;
        memcpy(fpu, v->arch.fpu_ctxt, FXSAVE_SIZE);
    }
    vcpu_unpause(v);

    *len = sizeof(*s) + fpu_size;
    return 0;
}

static int pv_fpu_check(struct vcpu *v, const struct pv_vcpu_state *s,
                        const void *fpu, size_t fpu_size)
{
    const struct xsave_struct *area = fpu;

    switch ( s->fpu )
    {
    case PV_FPU_FXSAVE:
        return s->xcr0 || s->xcr0_accum || fpu_size != FXSAVE_SIZE ?
               -EINVAL : 0;

    case PV_FPU_XSAVE:
        if ( !v->arch.xsave_area || !s->xcr0_accum )
            return -EINVAL;
        if ( fpu_size < XSTATE_AREA_MIN_SIZE ||
             fpu_size != xstate_ctxt_size(s->xcr0_accum) ||
             xsave_area_compressed(area) )
            return -EINVAL;
        return validate_xstate(v->domain, s->xcr0, s->xcr0_accum,
                               &area->xsave_hdr);
    }

    return -EINVAL;
}

static int pv_vcpu_set(struct vcpu *v, const void *buf, size_t len)
{
    const struct pv_vcpu_state *s = buf;
    const uint8_t *fpu = (const uint8_t *)(s + 1);
    struct cpu_user_regs *r = &v->arch.user_regs;
    size_t fpu_size;
    int rc;

    if ( len < sizeof(*s) || s->pad )
        return -EINVAL;
    fpu_size = len - sizeof(*s);
    rc = pv_fpu_check(v, s, fpu, fpu_size);
    if ( rc )
        return rc;
    /* As arch_set_info_guest() checks a 64-bit PV context. */
    if ( !is_canonical_address(s->rip) || !is_canonical_address(s->rsp) )
        return -EINVAL;

    vcpu_pause(v);
    /* The toolstack's setvcpucontext comes first and makes it runnable. */
    if ( !v->is_initialised )
    {
        vcpu_unpause(v);
        return -EINVAL;
    }

    r->rax = s->rax; r->rbx = s->rbx; r->rcx = s->rcx;
    /* vCPU 0's rdx is the suspend ABI's start info frame, translated. */
    if ( v->vcpu_id )
        r->rdx = s->rdx;
    r->rsi = s->rsi; r->rdi = s->rdi; r->rbp = s->rbp; r->rsp = s->rsp;
    r->r8 = s->r8;   r->r9 = s->r9;   r->r10 = s->r10; r->r11 = s->r11;
    r->r12 = s->r12; r->r13 = s->r13; r->r14 = s->r14; r->r15 = s->r15;
    r->rip = s->rip;
    v->arch.pv.iopl = s->rflags & X86_EFLAGS_IOPL;
    r->rflags = (s->rflags & ~X86_EFLAGS_IOPL) | X86_EFLAGS_IF;

    if ( s->fpu == PV_FPU_XSAVE )
    {
        v->arch.xcr0 = s->xcr0;
        v->arch.xcr0_accum = s->xcr0_accum;
        v->arch.nonlazy_xstate_used = s->xcr0_accum & XSTATE_NONLAZY;
        compress_xsave_states(v, fpu, fpu_size);
        v->fpu_initialised = true;
    }
    else
        vcpu_setup_fpu(v, v->arch.xsave_area, fpu, FCW_DEFAULT);
    vcpu_unpause(v);

    return 0;
}

/* The port. */

int encmig_state_size(struct domain *d, uint32_t kind, uint32_t instance,
                      size_t *size)
{
    struct vcpu *v;

    if ( d == current->domain )
        return -EINVAL;

    switch ( kind )
    {
    case XEN_ENCMIG_STATE_hvm_context:
        if ( !hvm_context_of(d, instance) )
            return -EINVAL;
#ifdef CONFIG_HVM
        *size = hvm_save_size(d);
#endif
        return 0;

    case XEN_ENCMIG_STATE_pv_vcpu:
        v = pv_vcpu_of(d, instance);
        if ( !v )
            return -EINVAL;
        /* The most xcr0_accum may grow to before the read. */
        *size = sizeof(struct pv_vcpu_state) +
                (v->arch.xsave_area ? xstate_ctxt_size(xfeature_mask)
                                    : FXSAVE_SIZE);
        return 0;
    }

    return -EINVAL;
}

int encmig_state_get(struct domain *d, uint32_t kind, uint32_t instance,
                     void *buf, size_t size, size_t *len)
{
    struct vcpu *v;
    int rc = -EINVAL;

    *len = 0;
    if ( d == current->domain || size > UINT32_MAX )
        return -EINVAL;

    switch ( kind )
    {
    case XEN_ENCMIG_STATE_hvm_context:
        if ( !hvm_context_of(d, instance) )
            return -EINVAL;
#ifdef CONFIG_HVM
        {
            hvm_domain_context_t c = { .size = size, .data = buf };

            rc = hvm_context_xfer(d, &c, false);
            *len = c.cur;
        }
#endif
        return rc;

    case XEN_ENCMIG_STATE_pv_vcpu:
        v = pv_vcpu_of(d, instance);
        return v ? pv_vcpu_get(v, buf, size, len) : -EINVAL;
    }

    return -EINVAL;
}

int encmig_state_set(struct domain *d, uint32_t kind, uint32_t instance,
                     const void *buf, size_t len)
{
    struct vcpu *v;
    int rc = -EINVAL;

    if ( d == current->domain || len > UINT32_MAX )
        return -EINVAL;

    switch ( kind )
    {
    case XEN_ENCMIG_STATE_hvm_context:
        if ( !hvm_context_of(d, instance) )
            return -EINVAL;
#ifdef CONFIG_HVM
        {
            /* hvm_load() only reads the buffer. */
            hvm_domain_context_t c = { .size = len, .data = (uint8_t *)buf };

            rc = hvm_context_xfer(d, &c, true);
        }
#endif
        return rc;

    case XEN_ENCMIG_STATE_pv_vcpu:
        v = pv_vcpu_of(d, instance);
        return v ? pv_vcpu_set(v, buf, len) : -EINVAL;
    }

    return -EINVAL;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
