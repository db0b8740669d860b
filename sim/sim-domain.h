/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sim-domain.h: the simulator's struct domain, private to sim/.
 */

#ifndef __ENCMIG_SIM_DOMAIN_H__
#define __ENCMIG_SIM_DOMAIN_H__

#include <pthread.h>

#include "sim.h"
#include "../xen/arch/x86/encmig/mem.h"
#include "../xen/arch/x86/encmig/identity.h"

#define SIM_FRAME_LOCK_BITS 8
#define SIM_FRAME_LOCKS (1U << SIM_FRAME_LOCK_BITS)

struct sim_host {
    unsigned int id;
    const struct encmig_cipher_ops *cipher;
    unsigned int preempt_every;
    unsigned int lag_stream, lag_us;   /* sim_host_set_import_lag() */
    pthread_mutex_t lock;              /* domains[], next_pfn */
    struct domain *domains[SIM_MAX_DOMAINS];
    uint64_t next_pfn;                 /* host frame allocator */
    uint64_t rng;
    pthread_mutex_t id_lock;           /* identity */
    struct encmig_identity identity;   /* this hypervisor's, level 2 */
    struct domain *control;            /* domain 0: its host and op lock */
};

struct domain {
    domid_t domain_id;
    struct sim_host *host;
    unsigned int refcnt;               /* under host->lock */
    bool dying;

    uint64_t nr_frames;
    uint8_t *mem;                      /* frames as the memory engine keeps them */
    uint64_t *hpa;                     /* host physical address of each gfn */
    struct encmig_mem memenc;          /* xts-sim, this domain's key */
    pthread_mutex_t frame_lock[SIM_FRAME_LOCKS];

    /* Domctl: setup/teardown/status exclusive, batches shared. */
    pthread_rwlock_t op_lock;
    struct encmig_session *encmig;

    pthread_mutex_t run_lock;          /* paused, workload writes */
    pthread_cond_t run_cond;
    bool paused;

    bool logdirty;
    uint64_t *dirty;                   /* bitmap, atomic words */

    pthread_t workload;
    bool workload_on;
    bool workload_stop;
    uint64_t workload_rate;
    uint64_t workload_seed;
    uint64_t workload_writes;

    uint8_t vcpu[SIM_VCPU_STATE_SIZE];
};

struct domain *sim_domain_get(struct sim_host *h, domid_t domid);
void sim_domain_put(struct domain *d);

void sim_mark_dirty(struct domain *d, uint64_t gfn);
int sim_page_read(struct domain *d, uint64_t gfn, uint8_t *page);
int sim_page_write(struct domain *d, uint64_t gfn, const uint8_t *page);

/* Per-thread state of the hypercall being served (port-sim.c). */
void sim_port_enter(struct sim_host *h);
void sim_port_leave(void);

/* Stop d's workload thread, if it runs; the writes it made in *writes. */
uint64_t sim_workload_halt(struct domain *d);

#endif /* __ENCMIG_SIM_DOMAIN_H__ */
