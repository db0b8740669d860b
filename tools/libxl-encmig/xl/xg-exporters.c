/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xg-exporters.c: threads that have the hypervisor seal parts of a batch.
 *
 * Each round of work is a generation: the caller publishes the jobs,
 * bumps the generation and does job 0 itself; thread k does job k + 1 if
 * there is one, and every thread reports back, so the caller knows that
 * no thread still touches the buffers when run returns.
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>

#include "xg-exporters.h"
#include "../../../hypercalls/encmig_hc.h"

struct exporter {
    struct xg_exporters *e;
    unsigned int idx;
    pthread_t thread;
};

struct xg_exporters {
    struct encmig_hc *hc;
    uint32_t domid;
    pthread_mutex_t lock;
    pthread_cond_t go, done;
    uint64_t gen;                /* bumped for each run */
    unsigned int pending;        /* threads yet to report for this run */
    bool stop;
    struct xg_export_job *jobs;
    unsigned int nr_jobs;
    unsigned int nr_threads;     /* started */
    struct exporter t[];
};

static void export_one(struct xg_exporters *e, struct xg_export_job *j)
{
    j->rc = encmig_hc_export(e->hc, (domid_t)e->domid, j->stream, j->round,
                             j->gfns, j->nr, j->recs, j->size) ? -errno : 0;
}

static void *exporter_main(void *arg)
{
    struct exporter *t = arg;
    struct xg_exporters *e = t->e;
    uint64_t seen = 0;

    pthread_mutex_lock(&e->lock);
    for (;;) {
        while (!e->stop && e->gen == seen)
            pthread_cond_wait(&e->go, &e->lock);
        if (e->stop)
            break;
        seen = e->gen;
        if (t->idx + 1 < e->nr_jobs) {
            struct xg_export_job *j = &e->jobs[t->idx + 1];

            pthread_mutex_unlock(&e->lock);
            export_one(e, j);
            pthread_mutex_lock(&e->lock);
        }
        if (--e->pending == 0)
            pthread_cond_signal(&e->done);
    }
    pthread_mutex_unlock(&e->lock);
    return NULL;
}

int xg_exporters_start(struct xg_exporters **out, struct encmig_hc *hc,
                       uint32_t domid, unsigned int nr_threads)
{
    struct xg_exporters *e;
    sigset_t all, old;
    unsigned int i;
    int rc = 0;

    *out = NULL;
    e = calloc(1, sizeof(*e) + nr_threads * sizeof(e->t[0]));
    if (!e)
        return -ENOMEM;
    e->hc = hc;
    e->domid = domid;
    pthread_mutex_init(&e->lock, NULL);
    pthread_cond_init(&e->go, NULL);
    pthread_cond_init(&e->done, NULL);

    /* Signals stay the helper's main thread's, as libxenguest expects. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    for (i = 0; i < nr_threads; i++) {
        e->t[i].e = e;
        e->t[i].idx = i;
        rc = -pthread_create(&e->t[i].thread, NULL, exporter_main, &e->t[i]);
        if (rc)
            break;
        e->nr_threads++;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc) {
        xg_exporters_stop(e);
        return rc;
    }
    *out = e;
    return 0;
}

void xg_exporters_run(struct xg_exporters *e, struct xg_export_job *jobs,
                      unsigned int n)
{
    unsigned int i;

    if (n == 0)
        return;
    if (n > e->nr_threads + 1) {
        for (i = 0; i < n; i++)
            jobs[i].rc = -E2BIG;
        return;
    }
    pthread_mutex_lock(&e->lock);
    e->jobs = jobs;
    e->nr_jobs = n;
    e->pending = e->nr_threads;
    e->gen++;
    pthread_cond_broadcast(&e->go);
    pthread_mutex_unlock(&e->lock);

    export_one(e, &jobs[0]);

    pthread_mutex_lock(&e->lock);
    while (e->pending)
        pthread_cond_wait(&e->done, &e->lock);
    e->jobs = NULL;
    e->nr_jobs = 0;
    pthread_mutex_unlock(&e->lock);
}

void xg_exporters_stop(struct xg_exporters *e)
{
    unsigned int i;

    if (!e)
        return;
    pthread_mutex_lock(&e->lock);
    e->stop = true;
    pthread_cond_broadcast(&e->go);
    pthread_mutex_unlock(&e->lock);
    for (i = 0; i < e->nr_threads; i++)
        pthread_join(e->t[i].thread, NULL);
    pthread_cond_destroy(&e->done);
    pthread_cond_destroy(&e->go);
    pthread_mutex_destroy(&e->lock);
    free(e);
}
