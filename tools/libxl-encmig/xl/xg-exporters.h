/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xg-exporters.h: the source helper's exporter threads.
 *
 * With N streams, each batch libxenguest hands the save hook is cut into
 * up to N parts, one per stream, and the hypervisor seals the parts side
 * by side: the calling thread the first, an exporter thread each of the
 * others.  The parts are slices of the session's one hypercall buffer, so
 * memory stays that of one batch whatever N is.  Xen runs the batches of
 * different streams without the global domctl lock (docs/xen.md, "Locks").
 */

#ifndef __ENCMIG_XG_EXPORTERS_H__
#define __ENCMIG_XG_EXPORTERS_H__

#include <stddef.h>
#include <stdint.h>

struct encmig_hc;
struct xg_exporters;

struct xg_export_job {
    uint32_t stream, round;
    uint64_t *gfns;              /* IN: hypercall buffer, nr frames */
    uint32_t nr;
    void *recs;                  /* OUT: hypercall buffer, nr records */
    size_t size;
    int rc;                      /* OUT: 0 or -errno */
};

/* nr_threads threads exporting from domid through hc (which they share). */
int xg_exporters_start(struct xg_exporters **out, struct encmig_hc *hc,
                       uint32_t domid, unsigned int nr_threads);
/* Run jobs[0..n) side by side, n at most nr_threads + 1; each job's rc. */
void xg_exporters_run(struct xg_exporters *e, struct xg_export_job *jobs,
                      unsigned int n);
void xg_exporters_stop(struct xg_exporters *e);

#endif /* __ENCMIG_XG_EXPORTERS_H__ */
