/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * testutil.h: fixtures shared by the engine and simulator tests.
 */

#ifndef __ENCMIG_TESTUTIL_H__
#define __ENCMIG_TESTUTIL_H__

#include <stdbool.h>
#include <stdint.h>

#include "../hypercalls/encmig_hc.h"
#include "../sim/sim.h"

#define TU_PAGE XEN_ENCMIG_PAGE_SIZE

struct tu_host {
    struct sim_host *host;
    struct encmig_hc *hc;
    domid_t domid;
    uint64_t nr_pages;
};

/* A host with one domain of nr_pages, filled from seed; dies on failure. */
void tu_host_new(struct tu_host *t, unsigned int id,
                 const struct encmig_cipher_ops *cipher, uint64_t nr_pages,
                 uint64_t seed);
void tu_host_free(struct tu_host *t);

/* The deterministic content of page gfn for seed. */
void tu_page_pattern(uint64_t seed, uint64_t gfn, uint8_t *page);

void tu_random_keymat(struct xen_encmig_keymat *km);

/*
 * Export gfns [first, first + n) of t on stream/round into recs (a
 * hypercall buffer of n records).  Returns 0 or errno.
 */
int tu_export_range(struct tu_host *t, uint32_t stream, uint32_t round,
                    uint64_t first, uint32_t n, uint8_t *recs);

/*
 * Open a record with OpenSSL, computing nonce and additional data from
 * the ABI's description, independently of the engine.  0 when it verifies.
 */
int tu_open_record(const struct xen_encmig_keymat *km, const uint8_t *rec,
                   uint8_t *plain);

#endif /* __ENCMIG_TESTUTIL_H__ */
