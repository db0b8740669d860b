/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * port-sim.c: the engine's platform services (port.h) in the simulator.
 */

#include <cpuid.h>
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <openssl/rand.h>

#include "sim-domain.h"
#include "../xen/arch/x86/encmig/engine.h"

/* The hypercall this thread is serving, for the preemption model. */
static __thread struct sim_host *cur_host;
static __thread unsigned int cur_pages;

void sim_port_enter(struct sim_host *h)
{
    cur_host = h;
    cur_pages = 0;
}

void sim_port_leave(void)
{
    cur_host = NULL;
}

void *encmig_zalloc(size_t size)
{
    void *p;

    /*
     * As Xen's xzalloc_bytes(): cache-line aligned (port.h).  All of the
     * block is zeroed, slack included, as encmig_free()'s check reads it.
     */
    if ( posix_memalign(&p, ENCMIG_CACHELINE, size ? size : 1) )
        return NULL;
    memset(p, 0, malloc_usable_size(p));
    return p;
}

/*
 * Test knob: count blocks the engine frees without having wiped them.
 * The engine allocates only sessions, their scratch and key schedules,
 * and wipes every one of them before it lets go.
 */
static bool wipe_check;
static unsigned long unwiped;

void sim_check_wipes(bool on)
{
    __atomic_store_n(&wipe_check, on, __ATOMIC_RELAXED);
    __atomic_store_n(&unwiped, 0, __ATOMIC_RELAXED);
}

unsigned long sim_unwiped_frees(void)
{
    return __atomic_load_n(&unwiped, __ATOMIC_RELAXED);
}

void encmig_free(void *p)
{
    if ( p && __atomic_load_n(&wipe_check, __ATOMIC_RELAXED) )
    {
        const uint8_t *b = p;
        size_t i, n = malloc_usable_size(p);
        uint8_t acc = 0;

        for ( i = 0; i < n; i++ )
            acc |= b[i];
        if ( acc )
            __atomic_add_fetch(&unwiped, 1, __ATOMIC_RELAXED);
    }
    free(p);
}

int encmig_rng(void *buf, size_t len)
{
    return RAND_bytes(buf, len) == 1 ? 0 : -ENODEV;
}

struct encmig_identity *encmig_identity_get(struct domain *d)
{
    pthread_mutex_lock(&d->host->id_lock);
    return &d->host->identity;
}

void encmig_identity_put(struct domain *d)
{
    pthread_mutex_unlock(&d->host->id_lock);
}

bool encmig_preempt_check(void)
{
    if ( !cur_host || !cur_host->preempt_every )
        return false;
    return ++cur_pages % cur_host->preempt_every == 0;
}

int encmig_frame_get(struct domain *d, uint64_t gfn, bool writable,
                     struct encmig_frame *f)
{
    pthread_mutex_t *lock;

    if ( gfn >= d->nr_frames )
        return -EINVAL;
    /*
     * Readers lock too: the workload may be rewriting the frame.  The
     * stripe is a hash of gfn, not gfn modulo the stripes: streams that
     * walk slices of the guest in step (gfn g and g + n/2) would take the
     * same lock page after page.
     */
    lock = &d->frame_lock[(gfn * 0x9e3779b97f4a7c15ULL) >>
                          (64 - SIM_FRAME_LOCK_BITS)];
    pthread_mutex_lock(lock);
    f->va = d->mem + gfn * SIM_PAGE_SIZE;
    f->hpa = d->hpa[gfn];
    f->priv = lock;
    return 0;
}

void encmig_frame_put(struct domain *d, struct encmig_frame *f)
{
    pthread_mutex_unlock(f->priv);
    f->va = NULL;
    f->priv = NULL;
}

void encmig_mark_dirty(struct domain *d, uint64_t gfn)
{
    sim_mark_dirty(d, gfn);
}

/* Simulated domains are translated: a gfn is its own name. */
bool encmig_domain_translated(const struct domain *d)
{
    return true;
}

int encmig_frame_name(struct domain *d, uint64_t gfn, uint64_t *name)
{
    *name = gfn;
    return 0;
}

uint64_t encmig_domain_max_gfn(const struct domain *d)
{
    return d->nr_frames - 1;
}

bool encmig_domain_paused(const struct domain *d)
{
    struct domain *md = (struct domain *)d;
    bool paused;

    pthread_mutex_lock(&md->run_lock);
    paused = d->paused;
    pthread_mutex_unlock(&md->run_lock);
    return paused;
}

/*
 * The guest's state: a simulated domain has one vCPU and no other state,
 * so its "HVM context" is that vCPU's blob.  Xen pauses the domain around
 * hvm_save()/hvm_load(); here the run lock keeps the workload out.
 */
uint32_t encmig_domain_nr_vcpus(const struct domain *d)
{
    return 1;
}

int encmig_state_size(struct domain *d, uint32_t kind, uint32_t instance,
                      size_t *size)
{
    if ( kind != XEN_ENCMIG_STATE_hvm_context || instance )
        return -EINVAL;
    *size = SIM_VCPU_STATE_SIZE;
    return 0;
}

int encmig_state_get(struct domain *d, uint32_t kind, uint32_t instance,
                     void *buf, size_t size, size_t *len)
{
    *len = 0;
    if ( kind != XEN_ENCMIG_STATE_hvm_context || instance ||
         size < SIM_VCPU_STATE_SIZE )
        return -EINVAL;
    pthread_mutex_lock(&d->run_lock);
    memcpy(buf, d->vcpu, SIM_VCPU_STATE_SIZE);
    pthread_mutex_unlock(&d->run_lock);
    *len = SIM_VCPU_STATE_SIZE;
    return 0;
}

int encmig_state_set(struct domain *d, uint32_t kind, uint32_t instance,
                     const void *buf, size_t len)
{
    /* As hvm_load() refuses a context that does not fit the domain. */
    if ( kind != XEN_ENCMIG_STATE_hvm_context || instance ||
         len != SIM_VCPU_STATE_SIZE )
        return -EINVAL;
    pthread_mutex_lock(&d->run_lock);
    memcpy(d->vcpu, buf, SIM_VCPU_STATE_SIZE);
    pthread_mutex_unlock(&d->run_lock);
    return 0;
}

struct encmig_session **encmig_domain_session(struct domain *d)
{
    return &d->encmig;
}

const struct encmig_mem *encmig_domain_mem(const struct domain *d)
{
    return &d->memenc;
}

const struct encmig_cipher_ops *encmig_domain_cipher(const struct domain *d)
{
    return d->host->cipher;
}

/*
 * CPUID leaf 1, ECX: AES-NI, PCLMULQDQ and SSSE3 (SSE2 is part of
 * x86-64).  Userspace may always use XMM registers.  Test knob: with
 * ENCMIG_SIM_NO_AESNI set in the environment the CPU is reported without
 * them, to exercise the fallback paths.  Asked once per process.
 */
bool encmig_cpu_has_aesni(void)
{
    static int has = -1;
    int v = __atomic_load_n(&has, __ATOMIC_RELAXED);
    unsigned int eax, ebx, ecx, edx;

    if ( v < 0 )
    {
        const unsigned int need = bit_AES | bit_PCLMUL | bit_SSSE3;

        v = !getenv("ENCMIG_SIM_NO_AESNI") &&
            __get_cpuid(1, &eax, &ebx, &ecx, &edx) &&
            (ecx & need) == need;
        __atomic_store_n(&has, v, __ATOMIC_RELAXED);
    }

    return v;
}

/*
 * CPUID leaf 7: AVX2 (EBX 5), VAES (ECX 9), VPCLMULQDQ (ECX 10); leaf 1:
 * OSXSAVE and AVX; and XCR0 with the SSE and YMM states on, so that the
 * kernel saves the registers rekey-vaes.S uses.  ENCMIG_SIM_NO_VAES (or
 * ENCMIG_SIM_NO_AESNI) reports the CPU without them.
 */
bool encmig_cpu_has_vaes(void)
{
    static int has = -1;
    int v = __atomic_load_n(&has, __ATOMIC_RELAXED);
    unsigned int eax, ebx, ecx, edx, xcr0_lo, xcr0_hi;

    if ( v < 0 )
    {
        v = 0;
        if ( encmig_cpu_has_aesni() && !getenv("ENCMIG_SIM_NO_VAES") &&
             __get_cpuid(1, &eax, &ebx, &ecx, &edx) &&
             (ecx & (bit_OSXSAVE | bit_AVX)) == (bit_OSXSAVE | bit_AVX) &&
             __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) &&
             (ebx & bit_AVX2) &&
             (ecx & (bit_VAES | bit_VPCLMULQDQ)) ==
             (bit_VAES | bit_VPCLMULQDQ) )
        {
            __asm__ ( "xgetbv" : "=a" (xcr0_lo), "=d" (xcr0_hi) : "c" (0) );
            v = (xcr0_lo & 6) == 6;
        }
        __atomic_store_n(&has, v, __ATOMIC_RELAXED);
    }

    return v;
}

/*
 * Hypercall buffers.  Xen copies only through the caller's page tables and
 * fails a bad range with -EFAULT; the model keeps a registry of buffers
 * handed out by sim_buf_alloc() and checks every copy against it.
 */
#define SIM_MAX_BUFS 256

static struct {
    pthread_mutex_t lock;
    unsigned long generation;          /* bumped by every free */
    struct { uint8_t *p; size_t size; } buf[SIM_MAX_BUFS];
} bufs = { .lock = PTHREAD_MUTEX_INITIALIZER };

/*
 * The buffers this thread hit last: a batch copies from its gfn list and
 * to its records, page after page, so one entry would miss every time and
 * send every copy through the registry's lock.
 */
#define SIM_LAST_BUFS 4

static __thread struct {
    uintptr_t base;
    size_t size;
    unsigned long generation;
} last_buf[SIM_LAST_BUFS];
static __thread unsigned int last_buf_next;

void *sim_buf_alloc(size_t size)
{
    unsigned int i;
    void *p;

    if ( size == 0 )
        return NULL;
    p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
             -1, 0);
    if ( p == MAP_FAILED )
        return NULL;

    pthread_mutex_lock(&bufs.lock);
    for ( i = 0; i < SIM_MAX_BUFS && bufs.buf[i].p; i++ )
        ;
    if ( i < SIM_MAX_BUFS )
    {
        bufs.buf[i].p = p;
        bufs.buf[i].size = size;
    }
    pthread_mutex_unlock(&bufs.lock);

    if ( i == SIM_MAX_BUFS )
    {
        munmap(p, size);
        errno = ENOMEM;
        return NULL;
    }
    return p;
}

void sim_buf_free(void *p, size_t size)
{
    unsigned int i;

    if ( !p )
        return;
    pthread_mutex_lock(&bufs.lock);
    for ( i = 0; i < SIM_MAX_BUFS; i++ )
        if ( bufs.buf[i].p == p )
        {
            bufs.buf[i].p = NULL;
            bufs.buf[i].size = 0;
            __atomic_add_fetch(&bufs.generation, 1, __ATOMIC_RELEASE);
            break;
        }
    pthread_mutex_unlock(&bufs.lock);
    munmap(p, size);
}

static bool in_buf(uintptr_t start, size_t len, uintptr_t b, size_t size)
{
    return b && start >= b && start - b <= size && len <= size - (start - b);
}

static bool buf_ok(const void *p, uint64_t off, size_t len)
{
    uintptr_t start = (uintptr_t)p;
    unsigned long gen = __atomic_load_n(&bufs.generation, __ATOMIC_ACQUIRE);
    unsigned int i;
    bool ok = false;

    if ( off > UINTPTR_MAX - start || len > UINTPTR_MAX - start - off )
        return false;
    start += off;

    for ( i = 0; i < SIM_LAST_BUFS; i++ )
        if ( last_buf[i].generation == gen &&
             in_buf(start, len, last_buf[i].base, last_buf[i].size) )
            return true;

    pthread_mutex_lock(&bufs.lock);
    for ( i = 0; i < SIM_MAX_BUFS && !ok; i++ )
        ok = in_buf(start, len, (uintptr_t)bufs.buf[i].p, bufs.buf[i].size);
    if ( ok )
    {
        unsigned int slot = last_buf_next++ % SIM_LAST_BUFS;

        last_buf[slot].base = (uintptr_t)bufs.buf[i - 1].p;
        last_buf[slot].size = bufs.buf[i - 1].size;
        last_buf[slot].generation = bufs.generation;
    }
    pthread_mutex_unlock(&bufs.lock);
    return ok;
}

int encmig_copy_to_buf(XEN_GUEST_HANDLE_64(uint8) buf, uint64_t off,
                       const void *src, size_t len)
{
    if ( !buf_ok(buf.p, off, len) )
        return -EFAULT;
    memcpy(buf.p + off, src, len);
    return 0;
}

int encmig_copy_from_buf(void *dst, XEN_GUEST_HANDLE_64(uint8) buf,
                         uint64_t off, size_t len)
{
    if ( !buf_ok(buf.p, off, len) )
        return -EFAULT;
    memcpy(dst, buf.p + off, len);
    return 0;
}

int encmig_copy_gfn_from_buf(uint64_t *gfn, XEN_GUEST_HANDLE_64(uint64) list,
                             uint64_t idx)
{
    if ( idx > UINT64_MAX / sizeof(*gfn) ||
         !buf_ok(list.p, idx * sizeof(*gfn), sizeof(*gfn)) )
        return -EFAULT;
    memcpy(gfn, list.p + idx, sizeof(*gfn));
    return 0;
}
