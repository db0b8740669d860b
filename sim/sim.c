/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sim.c: simulated hosts and domains.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "sim-domain.h"
#include "cipher-openssl.h"
#include "../xen/arch/x86/encmig/crypto.h"
#include "../xen/arch/x86/encmig/engine.h"
#include "../xen/arch/x86/encmig/vaes.h"

/* Host frames of host id start here: 64 GiB apart, never overlapping. */
#define SIM_HOST_PFN_BASE(id)  (((uint64_t)(id) + 1) << 24)

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/*
 * The hypervisor's fused ops where the CPU has them, so that the model
 * re-keys as Xen would on it; else OpenSSL, which beats the AES-NI ops
 * one at a time.
 */
const struct encmig_cipher_ops *sim_default_cipher(void)
{
    return encmig_cpu_has_vaes() ? &encmig_cipher_vaes : &encmig_cipher_openssl;
}

struct sim_host *sim_host_new(unsigned int id,
                              const struct encmig_cipher_ops *cipher)
{
    struct sim_host *h = calloc(1, sizeof(*h));

    if ( !h )
        return NULL;
    h->control = calloc(1, sizeof(*h->control));
    if ( !h->control )
    {
        free(h);
        return NULL;
    }
    h->id = id;
    h->cipher = cipher ? cipher : sim_default_cipher();
    h->next_pfn = SIM_HOST_PFN_BASE(id);
    if ( RAND_bytes((unsigned char *)&h->rng, sizeof(h->rng)) != 1 )
    {
        free(h->control);
        free(h);
        return NULL;
    }
    pthread_mutex_init(&h->lock, NULL);
    pthread_mutex_init(&h->id_lock, NULL);
    h->control->host = h;
    pthread_rwlock_init(&h->control->op_lock, NULL);
    /* As Xen at boot: without a random source, level 1 only. */
    encmig_identity_init(&h->identity);
    return h;
}

void sim_host_free(struct sim_host *h)
{
    unsigned int i;

    if ( !h )
        return;
    for ( i = 1; i < SIM_MAX_DOMAINS; i++ )
        if ( h->domains[i] )
            sim_domain_destroy(h, i);
    pthread_mutex_destroy(&h->lock);
    encmig_identity_wipe(&h->identity);
    pthread_mutex_destroy(&h->id_lock);
    pthread_rwlock_destroy(&h->control->op_lock);
    free(h->control);
    free(h);
}

void sim_host_drop_identity(struct sim_host *h)
{
    pthread_mutex_lock(&h->id_lock);
    encmig_identity_wipe(&h->identity);
    pthread_mutex_unlock(&h->id_lock);
}

void sim_host_reboot_identity(struct sim_host *h)
{
    pthread_mutex_lock(&h->id_lock);
    encmig_identity_wipe(&h->identity);
    encmig_identity_init(&h->identity);
    pthread_mutex_unlock(&h->id_lock);
}

void sim_host_set_cipher(struct sim_host *h,
                         const struct encmig_cipher_ops *cipher)
{
    h->cipher = cipher;
}

void sim_host_set_preempt(struct sim_host *h, unsigned int every)
{
    h->preempt_every = every;
}

void sim_host_set_import_lag(struct sim_host *h, unsigned int stream,
                             unsigned int us)
{
    h->lag_stream = stream;
    h->lag_us = us;
}

static void domain_free(struct domain *d)
{
    unsigned int i;

    encmig_domain_destroy(d);
    encmig_mem_fini(&d->memenc);
    if ( d->mem )
        munmap(d->mem, d->nr_frames * SIM_PAGE_SIZE);
    free(d->hpa);
    free(d->dirty);
    for ( i = 0; i < SIM_FRAME_LOCKS; i++ )
        pthread_mutex_destroy(&d->frame_lock[i]);
    pthread_rwlock_destroy(&d->op_lock);
    pthread_mutex_destroy(&d->run_lock);
    pthread_cond_destroy(&d->run_cond);
    free(d);
}

int sim_domain_create(struct sim_host *h, uint64_t nr_frames, domid_t *domid)
{
    static const uint8_t zero[SIM_PAGE_SIZE];
    uint8_t key[ENCMIG_XTS_KEY];
    struct domain *d;
    uint64_t gfn, base;
    unsigned int i;
    int rc = -ENOMEM;

    if ( nr_frames == 0 || nr_frames > (UINT64_C(1) << 24) )
        return -EINVAL;

    d = calloc(1, sizeof(*d));
    if ( !d )
        return -ENOMEM;
    d->host = h;
    d->refcnt = 1;
    d->paused = true;
    d->nr_frames = nr_frames;
    for ( i = 0; i < SIM_FRAME_LOCKS; i++ )
        pthread_mutex_init(&d->frame_lock[i], NULL);
    pthread_rwlock_init(&d->op_lock, NULL);
    pthread_mutex_init(&d->run_lock, NULL);
    pthread_cond_init(&d->run_cond, NULL);

    /* Populated up front: a real domain's memory is, and faults are slow. */
    d->mem = mmap(NULL, nr_frames * SIM_PAGE_SIZE, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if ( d->mem == MAP_FAILED )
        d->mem = NULL;
    d->hpa = malloc(nr_frames * sizeof(*d->hpa));
    d->dirty = calloc((nr_frames + 63) / 64, sizeof(uint64_t));
    if ( !d->mem || !d->hpa || !d->dirty )
        goto fail;

    /* A fresh key, with distinct halves as XTS wants. */
    do {
        rc = -EIO;
        if ( RAND_bytes(key, sizeof(key)) != 1 )
            goto fail;
    } while ( !memcmp(key, key + 32, 32) );
    /*
     * The memory key under the host's cipher where that can fuse the
     * export's two steps (xts_dec_gcm_seal needs the same ops on both
     * sides), else under OpenSSL's.
     */
    rc = encmig_mem_init_xts_sim(&d->memenc,
                                 h->cipher->xts_dec_gcm_seal ?
                                 h->cipher : &encmig_cipher_openssl, key);
    OPENSSL_cleanse(key, sizeof(key));
    if ( rc )
        goto fail;

    pthread_mutex_lock(&h->lock);
    for ( i = 1; i < SIM_MAX_DOMAINS && h->domains[i]; i++ )
        ;
    if ( i == SIM_MAX_DOMAINS )
    {
        pthread_mutex_unlock(&h->lock);
        rc = -ENOSPC;
        goto fail;
    }
    base = h->next_pfn;
    h->next_pfn += nr_frames;

    /*
     * Scatter the domain over its host frames (a Fisher-Yates shuffle), so
     * that physical addresses neither follow gfn order nor agree between
     * hosts.
     */
    for ( gfn = 0; gfn < nr_frames; gfn++ )
        d->hpa[gfn] = gfn;
    for ( gfn = nr_frames - 1; gfn > 0; gfn-- )
    {
        uint64_t j = splitmix64(&h->rng) % (gfn + 1), t = d->hpa[gfn];

        d->hpa[gfn] = d->hpa[j];
        d->hpa[j] = t;
    }
    for ( gfn = 0; gfn < nr_frames; gfn++ )
        d->hpa[gfn] = (base + d->hpa[gfn]) * SIM_PAGE_SIZE;

    d->domain_id = i;
    h->domains[i] = d;
    pthread_mutex_unlock(&h->lock);

    /* Even zeroes are stored encrypted: ciphertext differs per address. */
    for ( gfn = 0; gfn < nr_frames; gfn++ )
    {
        rc = sim_page_write(d, gfn, zero);
        if ( rc )
        {
            sim_domain_destroy(h, i);
            return rc;
        }
    }

    *domid = i;
    return 0;

 fail:
    domain_free(d);
    return rc;
}

struct domain *sim_domain_get(struct sim_host *h, domid_t domid)
{
    struct domain *d = NULL;

    if ( domid >= SIM_MAX_DOMAINS )
        return NULL;
    pthread_mutex_lock(&h->lock);
    if ( h->domains[domid] && !h->domains[domid]->dying )
    {
        d = h->domains[domid];
        d->refcnt++;
    }
    pthread_mutex_unlock(&h->lock);
    return d;
}

void sim_domain_put(struct domain *d)
{
    struct sim_host *h = d->host;
    bool last;

    pthread_mutex_lock(&h->lock);
    last = --d->refcnt == 0;
    pthread_mutex_unlock(&h->lock);
    if ( last )
        domain_free(d);
}

int sim_domain_kill(struct sim_host *h, domid_t domid)
{
    int rc = -ESRCH;

    if ( domid >= SIM_MAX_DOMAINS )
        return rc;
    pthread_mutex_lock(&h->lock);
    if ( h->domains[domid] && !h->domains[domid]->dying )
    {
        h->domains[domid]->dying = true;
        rc = 0;
    }
    pthread_mutex_unlock(&h->lock);
    return rc;
}

int sim_domain_destroy(struct sim_host *h, domid_t domid)
{
    struct domain *d;

    if ( domid >= SIM_MAX_DOMAINS )
        return -ESRCH;

    pthread_mutex_lock(&h->lock);
    d = h->domains[domid];
    if ( !d )
    {
        pthread_mutex_unlock(&h->lock);
        return -ESRCH;
    }
    /* Dying already (sim_domain_kill) or not: out of the table, it is ours. */
    d->dying = true;
    h->domains[domid] = NULL;
    pthread_mutex_unlock(&h->lock);

    sim_workload_halt(d);

    /* Sessions die with their domain; wait for batches in flight. */
    pthread_rwlock_wrlock(&d->op_lock);
    encmig_domain_destroy(d);
    pthread_rwlock_unlock(&d->op_lock);

    sim_domain_put(d);
    return 0;
}

static int set_paused(struct sim_host *h, domid_t domid, bool paused)
{
    struct domain *d = sim_domain_get(h, domid);

    if ( !d )
        return -ESRCH;
    /* Once this returns with paused set, no workload write is in flight. */
    pthread_mutex_lock(&d->run_lock);
    d->paused = paused;
    pthread_cond_broadcast(&d->run_cond);
    pthread_mutex_unlock(&d->run_lock);
    sim_domain_put(d);
    return 0;
}

int sim_domain_pause(struct sim_host *h, domid_t domid)
{
    return set_paused(h, domid, true);
}

int sim_domain_unpause(struct sim_host *h, domid_t domid)
{
    return set_paused(h, domid, false);
}

int sim_domain_info(struct sim_host *h, domid_t domid, uint64_t *nr_frames,
                    bool *paused)
{
    struct domain *d = sim_domain_get(h, domid);

    if ( !d )
        return -ESRCH;
    if ( nr_frames )
        *nr_frames = d->nr_frames;
    if ( paused )
    {
        pthread_mutex_lock(&d->run_lock);
        *paused = d->paused;
        pthread_mutex_unlock(&d->run_lock);
    }
    sim_domain_put(d);
    return 0;
}

void sim_mark_dirty(struct domain *d, uint64_t gfn)
{
    if ( __atomic_load_n(&d->logdirty, __ATOMIC_ACQUIRE) )
        __atomic_fetch_or(&d->dirty[gfn / 64], UINT64_C(1) << (gfn % 64),
                          __ATOMIC_RELEASE);
}

int sim_page_read(struct domain *d, uint64_t gfn, uint8_t *page)
{
    struct encmig_frame f;
    int rc;

    rc = encmig_frame_get(d, gfn, false, &f);
    if ( rc )
        return rc;
    rc = d->memenc.ops->read(&d->memenc, &f, page);
    encmig_frame_put(d, &f);
    return rc;
}

int sim_page_write(struct domain *d, uint64_t gfn, const uint8_t *page)
{
    struct encmig_frame f;
    int rc;

    rc = encmig_frame_get(d, gfn, true, &f);
    if ( rc )
        return rc;
    rc = d->memenc.ops->write(&d->memenc, &f, page);
    encmig_frame_put(d, &f);
    if ( !rc )
        sim_mark_dirty(d, gfn);
    return rc;
}

int sim_guest_read(struct sim_host *h, domid_t domid, uint64_t gfn,
                   uint8_t *page)
{
    struct domain *d = sim_domain_get(h, domid);
    int rc;

    if ( !d )
        return -ESRCH;
    rc = sim_page_read(d, gfn, page);
    sim_domain_put(d);
    return rc;
}

int sim_guest_write(struct sim_host *h, domid_t domid, uint64_t gfn,
                    const uint8_t *page)
{
    struct domain *d = sim_domain_get(h, domid);
    int rc;

    if ( !d )
        return -ESRCH;
    rc = sim_page_write(d, gfn, page);
    sim_domain_put(d);
    return rc;
}

int sim_frame_raw(struct sim_host *h, domid_t domid, uint64_t gfn,
                  uint8_t *page, uint64_t *hpa)
{
    struct domain *d = sim_domain_get(h, domid);
    struct encmig_frame f;
    int rc;

    if ( !d )
        return -ESRCH;
    rc = encmig_frame_get(d, gfn, false, &f);
    if ( !rc )
    {
        memcpy(page, f.va, SIM_PAGE_SIZE);
        *hpa = f.hpa;
        encmig_frame_put(d, &f);
    }
    sim_domain_put(d);
    return rc;
}

int sim_domain_hash(struct sim_host *h, domid_t domid, uint8_t out[32])
{
    struct domain *d = sim_domain_get(h, domid);
    EVP_MD_CTX *md = NULL;
    uint8_t *page = NULL;
    uint64_t gfn;
    int rc = -ENOMEM;

    if ( !d )
        return -ESRCH;
    md = EVP_MD_CTX_new();
    page = malloc(SIM_PAGE_SIZE);
    if ( !md || !page )
        goto out;
    rc = -EIO;
    if ( EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 )
        goto out;
    for ( gfn = 0; gfn < d->nr_frames; gfn++ )
    {
        rc = sim_page_read(d, gfn, page);
        if ( rc )
            goto out;
        rc = -EIO;
        if ( EVP_DigestUpdate(md, page, SIM_PAGE_SIZE) != 1 )
            goto out;
    }
    rc = EVP_DigestFinal_ex(md, out, NULL) == 1 ? 0 : -EIO;

 out:
    if ( page )
        OPENSSL_cleanse(page, SIM_PAGE_SIZE);
    free(page);
    EVP_MD_CTX_free(md);
    sim_domain_put(d);
    return rc;
}

int sim_logdirty_enable(struct sim_host *h, domid_t domid, bool enable)
{
    struct domain *d = sim_domain_get(h, domid);
    uint64_t i;

    if ( !d )
        return -ESRCH;
    for ( i = 0; i < (d->nr_frames + 63) / 64; i++ )
        __atomic_store_n(&d->dirty[i], 0, __ATOMIC_RELAXED);
    __atomic_store_n(&d->logdirty, enable, __ATOMIC_RELEASE);
    sim_domain_put(d);
    return 0;
}

int sim_logdirty_clean(struct sim_host *h, domid_t domid, uint64_t *bitmap,
                       size_t words, uint64_t *count)
{
    struct domain *d = sim_domain_get(h, domid);
    uint64_t i, n = 0, nwords;

    if ( !d )
        return -ESRCH;
    nwords = (d->nr_frames + 63) / 64;
    if ( words < nwords )
    {
        sim_domain_put(d);
        return -ENOSPC;
    }
    for ( i = 0; i < nwords; i++ )
    {
        bitmap[i] = __atomic_exchange_n(&d->dirty[i], 0, __ATOMIC_ACQ_REL);
        n += __builtin_popcountll(bitmap[i]);
    }
    if ( count )
        *count = n;
    sim_domain_put(d);
    return 0;
}

int sim_vcpu_get(struct sim_host *h, domid_t domid, uint8_t *state)
{
    struct domain *d = sim_domain_get(h, domid);

    if ( !d )
        return -ESRCH;
    pthread_mutex_lock(&d->run_lock);
    memcpy(state, d->vcpu, SIM_VCPU_STATE_SIZE);
    pthread_mutex_unlock(&d->run_lock);
    sim_domain_put(d);
    return 0;
}

int sim_vcpu_set(struct sim_host *h, domid_t domid, const uint8_t *state)
{
    struct domain *d = sim_domain_get(h, domid);
    int rc = 0;

    if ( !d )
        return -ESRCH;
    pthread_mutex_lock(&d->run_lock);
    if ( d->paused )
        memcpy(d->vcpu, state, SIM_VCPU_STATE_SIZE);
    else
        rc = -EBUSY;
    pthread_mutex_unlock(&d->run_lock);
    sim_domain_put(d);
    return rc;
}

int sim_domctl_encmig(struct sim_host *h, bool privileged, domid_t domid,
                      struct xen_domctl_encmig_op *op)
{
    struct domain *d;
    bool exclusive;
    int rc;

    bool own = op->cmd == XEN_ENCMIG_OP_identity ||
               op->cmd == XEN_ENCMIG_OP_accept;

    /* Xen: only the control domain may issue domctls (and XSM agrees). */
    if ( !privileged )
        return -EPERM;
    /*
     * As in Xen: what concerns no guest is asked of the caller's own
     * domain (0 here), which has no migratable memory; the rest of a
     * guest.
     */
    if ( domid == 0 )
    {
        if ( !own )
            return -EINVAL;
        d = h->control;
    }
    else
    {
        /* Xen's domctl finds the domain before the op looks at it. */
        d = sim_domain_get(h, domid);
        if ( !d )
            return -ESRCH;
        if ( own )
        {
            sim_domain_put(d);
            return -EINVAL;
        }
    }

    if ( op->cmd == XEN_ENCMIG_OP_import && h->lag_us &&
         op->u.import.stream == h->lag_stream )
        usleep(h->lag_us);

    exclusive = op->cmd != XEN_ENCMIG_OP_export &&
                op->cmd != XEN_ENCMIG_OP_import;
    if ( exclusive )
        pthread_rwlock_wrlock(&d->op_lock);
    else
        pthread_rwlock_rdlock(&d->op_lock);

    sim_port_enter(h);
    rc = encmig_do_op(d, op);
    sim_port_leave();

    pthread_rwlock_unlock(&d->op_lock);
    if ( !own )
        sim_domain_put(d);
    return rc;
}
