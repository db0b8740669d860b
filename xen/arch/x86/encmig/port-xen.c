/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * port-xen.c: the engine's platform services (port.h) inside Xen 4.17.
 *
 * Export and import batches run outside the domctl lock, under their
 * domain's session lock held for reading; every other sub-op under the
 * domctl lock and the session lock held for writing, as is the end of a
 * dying domain's session (domctl-xen.c).  A batch runs in the context of
 * the calling control-domain vCPU and may be preempted between pages; it
 * then continues through a hypercall continuation (see domctl-xen.c).
 *
 * Guest frames.  The interface speaks of gfns, and so does Xen: for a
 * translated guest (HVM, PVH) a gfn is a guest-physical frame, looked up
 * in its p2m; for a PV guest, which is not translated, Xen's gfn is the
 * machine frame (as in every other hypercall that takes gfns of a PV
 * guest, and as in a foreign mapping of one), owned by that guest.
 */

#include <xen/domain_page.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/init.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/paging.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>

#include <asm/hvm/hvm.h>
#include <asm/i387.h>
#include <asm/p2m.h>

#include "aesni.h"
#include "engine.h"
#include "identity.h"
#include "mem.h"

/* Memory. */

void *encmig_zalloc(size_t size)
{
    return xzalloc_bytes(size);
}

void encmig_free(void *p)
{
    xfree(p);
}

/* Preemption: the batch stops between pages and continues later. */

bool encmig_preempt_check(void)
{
    return hypercall_preempt_check();
}

/* Guest frames. */

/* Low bit of encmig_frame.priv: a writable type reference is held. */
#define FRAME_TYPED 1UL

uint64_t encmig_domain_max_gfn(const struct domain *d)
{
    struct domain *dd = (struct domain *)d;

    if ( paging_mode_translate(dd) )
        return domain_get_maximum_gpfn(dd);

    /* PV: gfn == mfn; any frame of the host may belong to the guest. */
    return get_upper_mfn_bound();
}

bool encmig_domain_translated(const struct domain *d)
{
    return paging_mode_translate((struct domain *)d);
}

int encmig_frame_name(struct domain *d, uint64_t gfn, uint64_t *name)
{
    unsigned long pfn;

    if ( paging_mode_translate(d) )
    {
        *name = gfn;
        return 0;
    }

    /*
     * The guest keeps its own M2P entries (MMU_MACHPHYS_UPDATE, checked
     * for ownership); a guest that lies in them only misplaces its own
     * pages.  The frame is held by the caller, so it is the guest's.
     */
    pfn = get_gpfn_from_mfn(gfn);
    if ( !VALID_M2P(pfn) )           /* invalid, or a shared frame */
        return -ESRCH;
    *name = pfn;
    return 0;
}

int encmig_frame_get(struct domain *d, uint64_t gfn, bool writable,
                     struct encmig_frame *f)
{
    struct page_info *pg;
    p2m_type_t t;
    unsigned long priv;

    if ( gfn > encmig_domain_max_gfn(d) )
        return -EINVAL;

    pg = get_page_from_gfn(d, gfn, &t, writable ? P2M_UNSHARE : P2M_ALLOC);
    if ( !pg )
        return -ESRCH;                  /* a hole, or not the guest's frame */

    /*
     * Only plain guest RAM: no MMIO, grants, paged-out or shared frames.
     * Writes go neither to read-only RAM nor to a frame an ioreq server
     * claimed (p2m_ioreq_server counts as RAM, but its writes belong to
     * the emulator; ours would bypass it).
     */
    if ( !p2m_is_ram(t) || p2m_is_paging(t) || p2m_is_shared(t) ||
         (writable && (p2m_is_discard_write(t) || t == p2m_ioreq_server)) )
    {
        put_page(pg);
        return -EINVAL;
    }

    priv = (unsigned long)pg;
    ASSERT(!(priv & FRAME_TYPED));

    /*
     * A PV guest's frame may be one of its page tables or descriptor
     * tables: writing it behind Xen's back would bypass their validation.
     * Writes need the frame as a plain writable page, held as such.
     */
    if ( writable && !paging_mode_translate(d) )
    {
        if ( !get_page_type(pg, PGT_writable_page) )
        {
            put_page(pg);
            return -EINVAL;
        }
        priv |= FRAME_TYPED;
    }

    f->va = map_domain_page(page_to_mfn(pg));
    f->hpa = mfn_to_maddr(page_to_mfn(pg));
    f->priv = (void *)priv;

    return 0;
}

void encmig_frame_put(struct domain *d, struct encmig_frame *f)
{
    unsigned long priv = (unsigned long)f->priv;
    struct page_info *pg = (struct page_info *)(priv & ~FRAME_TYPED);

    unmap_domain_page(f->va);
    if ( priv & FRAME_TYPED )
        put_page_and_type(pg);
    else
        put_page(pg);

    f->va = NULL;
    f->priv = NULL;
}

void encmig_mark_dirty(struct domain *d, uint64_t gfn)
{
    struct page_info *pg;
    p2m_type_t t;

    /* The engine just wrote the frame: it is the guest's, by gfn. */
    pg = get_page_from_gfn(d, gfn, &t, P2M_ALLOC);
    if ( !pg )
        return;
    paging_mark_dirty(d, page_to_mfn(pg));
    put_page(pg);
}

/* The domain. */

bool encmig_domain_paused(const struct domain *d)
{
    /* Paused by the toolstack: domain_pause_by_systemcontroller() synced. */
    return ACCESS_ONCE(d->controller_pause_count) > 0;
}

struct encmig_session **encmig_domain_session(struct domain *d)
{
    return &d->arch.encmig;
}

/*
 * Level 2: random numbers and the hypervisor's identity.
 *
 * Xen's get_random() falls back to the time stamp counter, which is no
 * source for keys: only RDRAND is, with its carry flag checked and a
 * failed read retried ten times, as Intel's DRNG guide advises.  Without
 * it the hypervisor has no identity and offers level 1 only.
 */
int encmig_rng(void *buf, size_t len)
{
    uint8_t *p = buf;
    unsigned long v = 0;

    if ( !cpu_has_rdrand )
        return -ENODEV;

    while ( len )
    {
        unsigned int tries;
        size_t n;
        bool ok = false;

        for ( tries = 0; tries < 10 && !ok; tries++ )
            asm volatile ( "rdrand %0" : "=r" (v), "=@ccc" (ok) );
        if ( !ok )
            return -EIO;

        n = min(len, sizeof(v));
        memcpy(p, &v, n);
        p += n;
        len -= n;
    }

    encmig_wipe(&v, sizeof(v));
    return 0;
}

/* Taken under the domctl lock too; the lock keeps boot and sub-ops apart. */
static DEFINE_SPINLOCK(identity_lock);
static struct encmig_identity identity;

struct encmig_identity *encmig_identity_get(struct domain *d)
{
    spin_lock(&identity_lock);
    return &identity;
}

void encmig_identity_put(struct domain *d)
{
    spin_unlock(&identity_lock);
}

/*
 * The identity is made once per boot and shown on the console, where the
 * operator reads it to pin this host on its peers (docs/abi.md).
 */
static int __init cf_check encmig_identity_boot(void)
{
    char fp[ENCMIG_FINGERPRINT_LEN];
    int rc;

    spin_lock(&identity_lock);
    rc = encmig_identity_init(&identity);
    if ( !rc )
        encmig_identity_fingerprint(identity.pub, fp);
    spin_unlock(&identity_lock);

    if ( rc )
        printk("encmig: no hardware random number generator (%d): "
               "no hypervisor identity, level 1 only\n", rc);
    else
        printk("encmig: hypervisor identity %s\n", fp);
    return 0;
}
__initcall(encmig_identity_boot);

/* Xen 4.17 has no guest memory encryption: every domain is plain. */
static const struct encmig_mem mem_plain = {
    .ops = &encmig_mem_plain,
};

const struct encmig_mem *encmig_domain_mem(const struct domain *d)
{
    return &mem_plain;
}

/*
 * The cipher.
 *
 * AES-NI: when the CPU has AES-NI, PCLMULQDQ and SSSE3, the sessions use
 * encmig_cipher_aesni (aesni.S, ghash-pclmul.S, cipher-aesni.c) with every
 * call wrapped in encmig_fpu_get() and encmig_fpu_put(): the XMM registers
 * belong to the calling vCPU, whose FPU state is saved first and restored
 * (eager) or reloaded on its next FPU use (lazy) afterwards, as
 * hvmemul_get_fpu()/hvmemul_put_fpu() do.  A call never spans a preemption
 * point, so no vCPU switch happens in between; the assembly zeroes the XMM
 * registers it used before it returns.  Otherwise the portable
 * constant-time C is used.
 */

static void encmig_fpu_get(void)
{
    /* Save the vCPU's live state (if any) and clear CR0.TS. */
    save_fpu_enable();
}

static void encmig_fpu_put(void)
{
    struct vcpu *curr = current;

    if ( curr->arch.fully_eager_fpu )
        vcpu_restore_fpu_nonlazy(curr, false);
    else
    {
        /*
         * The registers hold the cipher's zeroes, not the vCPU's state.
         * With non-lazy state in use, the next save takes registers even
         * with fpu_dirtied clear: all of them when the XSAVE area is
         * compacted and lazy state was ever used (vcpu_xsave_mask()), so
         * vcpu_restore_fpu_nonlazy() reloads all of it (and marks it
         * live); else the non-lazy part, and the lazy part waits for the
         * vCPU's next FPU use.  Clearing fpu_dirtied and setting TS alone
         * would let those zeroes overwrite the saved state.
         */
        curr->fpu_dirtied = false;
        vcpu_restore_fpu_nonlazy(curr, true);
#ifdef CONFIG_HVM
        if ( !curr->fpu_dirtied && is_hvm_vcpu(curr) )
            alternative_vcall(hvm_funcs.fpu_leave, curr);
#endif
    }
}

static int aesni_xts_new(void **ctx, const uint8_t key[ENCMIG_XTS_KEY])
{
    int rc;

    encmig_fpu_get();
    rc = encmig_cipher_aesni.xts_new(ctx, key);
    encmig_fpu_put();
    return rc;
}

static int aesni_xts_crypt(void *ctx, bool encrypt,
                           const uint8_t tweak[ENCMIG_XTS_TWEAK],
                           const uint8_t *in, uint8_t *out, size_t len)
{
    int rc;

    encmig_fpu_get();
    rc = encmig_cipher_aesni.xts_crypt(ctx, encrypt, tweak, in, out, len);
    encmig_fpu_put();
    return rc;
}

static void aesni_xts_free(void *ctx)
{
    encmig_cipher_aesni.xts_free(ctx);
}

static int aesni_gcm_new(void **ctx, const uint8_t key[ENCMIG_GCM_KEY])
{
    int rc;

    encmig_fpu_get();
    rc = encmig_cipher_aesni.gcm_new(ctx, key);
    encmig_fpu_put();
    return rc;
}

static int aesni_gcm_seal(void *ctx, const uint8_t iv[ENCMIG_GCM_IV],
                          const uint8_t *aad, size_t aad_len,
                          const uint8_t *in, size_t len,
                          uint8_t *out, uint8_t tag[ENCMIG_GCM_TAG])
{
    int rc;

    encmig_fpu_get();
    rc = encmig_cipher_aesni.gcm_seal(ctx, iv, aad, aad_len, in, len, out,
                                      tag);
    encmig_fpu_put();
    return rc;
}

static int aesni_gcm_open(void *ctx, const uint8_t iv[ENCMIG_GCM_IV],
                          const uint8_t *aad, size_t aad_len,
                          const uint8_t *in, size_t len,
                          const uint8_t tag[ENCMIG_GCM_TAG], uint8_t *out)
{
    int rc;

    encmig_fpu_get();
    rc = encmig_cipher_aesni.gcm_open(ctx, iv, aad, aad_len, in, len, tag,
                                      out);
    encmig_fpu_put();
    return rc;
}

static void aesni_gcm_free(void *ctx)
{
    encmig_cipher_aesni.gcm_free(ctx);
}

static const struct encmig_cipher_ops cipher_aesni_xen = {
    .name      = "aesni",
    .probe_caps = XEN_ENCMIG_CAP_AESNI,
    .xts_new   = aesni_xts_new,
    .xts_crypt = aesni_xts_crypt,
    .xts_free  = aesni_xts_free,
    .gcm_new   = aesni_gcm_new,
    .gcm_seal  = aesni_gcm_seal,
    .gcm_open  = aesni_gcm_open,
    .gcm_free  = aesni_gcm_free,
};

bool encmig_cpu_has_aesni(void)
{
    return cpu_has_aesni && cpu_has_pclmulqdq && cpu_has_ssse3;
}

const struct encmig_cipher_ops *encmig_domain_cipher(const struct domain *d)
{
    if ( encmig_cpu_has_aesni() )
        return &cipher_aesni_xen;
    return &encmig_cipher_portable;
}

/*
 * The caller's buffers, through its guest handles: copy_to_guest and
 * copy_from_guest check the range and fail a bad one with -EFAULT.
 */

int encmig_copy_to_buf(XEN_GUEST_HANDLE_64(uint8) buf, uint64_t off,
                       const void *src, size_t len)
{
    return copy_to_guest_offset(buf, off, (const uint8_t *)src, len) ?
           -EFAULT : 0;
}

int encmig_copy_from_buf(void *dst, XEN_GUEST_HANDLE_64(uint8) buf,
                         uint64_t off, size_t len)
{
    return copy_from_guest_offset((uint8_t *)dst, buf, off, len) ?
           -EFAULT : 0;
}

int encmig_copy_gfn_from_buf(uint64_t *gfn, XEN_GUEST_HANDLE_64(uint64) list,
                             uint64_t idx)
{
    return copy_from_guest_offset(gfn, list, idx, 1) ? -EFAULT : 0;
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
