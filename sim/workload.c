/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * workload.c: a guest that keeps writing its memory while it runs.
 *
 * Each write reads a page through the memory engine, bumps a counter in
 * it and writes it back, so log-dirty sees it and the page's ciphertext
 * changes, as a busy guest would do to a pre-copy migration.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim-domain.h"

#define WORKLOAD_TICK_NS   1000000L   /* 1 ms */

static uint64_t xorshift64(uint64_t *s)
{
    uint64_t x = *s;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void *workload_main(void *arg)
{
    struct domain *d = arg;
    uint64_t rng = d->workload_seed | 1, start = now_ns(), done = 0;
    uint8_t page[SIM_PAGE_SIZE];

    pthread_mutex_lock(&d->run_lock);
    for ( ; ; )
    {
        uint64_t due;

        while ( d->paused && !d->workload_stop )
        {
            pthread_cond_wait(&d->run_cond, &d->run_lock);
            /* Time spent paused owes no writes. */
            start = now_ns();
            done = 0;
        }
        if ( d->workload_stop )
            break;

        due = (now_ns() - start) * d->workload_rate / 1000000000ULL;
        /* run_lock is held across writes: pause waits for them to end. */
        for ( ; done < due; done++ )
        {
            uint64_t gfn = xorshift64(&rng) % d->nr_frames, ctr;
            size_t off = (gfn * 8) % SIM_PAGE_SIZE;

            if ( sim_page_read(d, gfn, page) )
                continue;
            memcpy(&ctr, page + off, sizeof(ctr));
            ctr++;
            memcpy(page + off, &ctr, sizeof(ctr));
            if ( sim_page_write(d, gfn, page) )
                continue;
            d->workload_writes++;
            /* The vCPU's "program counter": how far the guest has run. */
            memcpy(d->vcpu, &d->workload_writes, sizeof(d->workload_writes));
        }

        pthread_mutex_unlock(&d->run_lock);
        nanosleep(&(struct timespec){ .tv_nsec = WORKLOAD_TICK_NS }, NULL);
        pthread_mutex_lock(&d->run_lock);
    }
    pthread_mutex_unlock(&d->run_lock);
    memset(page, 0, sizeof(page));
    return NULL;
}

int sim_workload_start(struct sim_host *h, domid_t domid,
                       uint64_t pages_per_s, uint64_t seed)
{
    struct domain *d = sim_domain_get(h, domid);
    int rc = 0;

    if ( !d )
        return -ESRCH;
    if ( d->workload_on )
        rc = -EEXIST;
    else
    {
        d->workload_rate = pages_per_s;
        d->workload_seed = seed;
        d->workload_stop = false;
        rc = -pthread_create(&d->workload, NULL, workload_main, d);
        d->workload_on = !rc;
    }
    sim_domain_put(d);
    return rc;
}

uint64_t sim_workload_halt(struct domain *d)
{
    if ( d->workload_on )
    {
        pthread_mutex_lock(&d->run_lock);
        d->workload_stop = true;
        pthread_cond_broadcast(&d->run_cond);
        pthread_mutex_unlock(&d->run_lock);
        pthread_join(d->workload, NULL);
        d->workload_on = false;
    }
    return d->workload_writes;
}

int sim_workload_stop(struct sim_host *h, domid_t domid, uint64_t *writes)
{
    struct domain *d = sim_domain_get(h, domid);
    uint64_t n;

    if ( !d )
        return -ESRCH;
    n = sim_workload_halt(d);
    if ( writes )
        *writes = n;
    sim_domain_put(d);
    return 0;
}
