/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * hc-sim.c: the "sim" backend: the in-process simulated hypervisor.
 */

#include <errno.h>
#include <stdlib.h>

#include "encmig_hc.h"
#include "../sim/sim.h"

struct hc_sim {
    struct encmig_hc hc;
    struct sim_host *host;
    bool privileged;
};

static int sim_domctl(struct encmig_hc *hc, domid_t domid,
                      struct xen_domctl_encmig_op *op)
{
    struct hc_sim *s = hc->priv;
    int rc;

    /* Xen re-enters a preempted domctl by itself; so does the model. */
    do {
        rc = sim_domctl_encmig(s->host, s->privileged, domid, op);
    } while ( rc == -ERESTART );
    return rc;
}

static void *sim_alloc(struct encmig_hc *hc, size_t size)
{
    return sim_buf_alloc(size);
}

static void sim_free(struct encmig_hc *hc, void *p, size_t size)
{
    sim_buf_free(p, size);
}

static void sim_close(struct encmig_hc *hc)
{
    free(hc->priv);
}

static const struct encmig_hc_ops hc_sim_ops = {
    .name      = "sim",
    .domctl    = sim_domctl,
    .buf_alloc = sim_alloc,
    .buf_free  = sim_free,
    .close     = sim_close,
};

struct encmig_hc *encmig_hc_open_sim(struct sim_host *h, bool privileged)
{
    struct hc_sim *s = calloc(1, sizeof(*s));

    if ( !s )
        return NULL;
    s->host = h;
    s->privileged = privileged;
    s->hc.ops = &hc_sim_ops;
    s->hc.priv = s;
    return &s->hc;
}
