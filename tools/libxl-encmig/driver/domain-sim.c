/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * domain-sim.c: the platform ops over the simulated hypervisor.
 */

#include "domain.h"
#include "../../../hypercalls/encmig_hc.h"
#include "../../../sim/sim.h"

static int info(void *p, domid_t d, uint64_t *nr_frames, bool *paused)
{
    return sim_domain_info(p, d, nr_frames, paused);
}

static int create(void *p, uint64_t nr_frames, domid_t *d)
{
    return sim_domain_create(p, nr_frames, d);
}

static int destroy(void *p, domid_t d)
{
    return sim_domain_destroy(p, d);
}

static int pause(void *p, domid_t d)
{
    return sim_domain_pause(p, d);
}

static int unpause(void *p, domid_t d)
{
    return sim_domain_unpause(p, d);
}

static int logdirty(void *p, domid_t d, bool on)
{
    return sim_logdirty_enable(p, d, on);
}

static int dirty_clean(void *p, domid_t d, uint64_t *bitmap, size_t words,
                       uint64_t *count)
{
    return sim_logdirty_clean(p, d, bitmap, words, count);
}

static int vcpu_get(void *p, domid_t d, uint8_t *state)
{
    return sim_vcpu_get(p, d, state);
}

static int vcpu_set(void *p, domid_t d, const uint8_t *state)
{
    return sim_vcpu_set(p, d, state);
}

static int page_read(void *p, domid_t d, uint64_t gfn, uint8_t *page)
{
    return sim_guest_read(p, d, gfn, page);
}

static int page_write(void *p, domid_t d, uint64_t gfn, const uint8_t *page)
{
    return sim_guest_write(p, d, gfn, page);
}

static int hash(void *p, domid_t d, uint8_t out[32])
{
    return sim_domain_hash(p, d, out);
}

static struct encmig_hc *hc_open(void *p)
{
    return encmig_hc_open_sim(p, true);
}

static const struct encmig_domain_ops sim_ops = {
    .info = info,
    .create = create,
    .destroy = destroy,
    .pause = pause,
    .unpause = unpause,
    .logdirty = logdirty,
    .dirty_clean = dirty_clean,
    .vcpu_get = vcpu_get,
    .vcpu_set = vcpu_set,
    .page_read = page_read,
    .page_write = page_write,
    .hash = hash,
    .hc_open = hc_open,
};

struct encmig_platform encmig_platform_sim(struct sim_host *h)
{
    return (struct encmig_platform){ .ops = &sim_ops, .plat = h };
}
