/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * stats.h: what the benchmark reports of repeated runs: their median and
 * how far apart they lie, figures a noisy neighbour moves less than the
 * best or the mean.
 */

#ifndef __ENCMIG_BENCH_STATS_H__
#define __ENCMIG_BENCH_STATS_H__

#define STATS_MAX_N 128

/* The median of v[0..n) (0 < n <= STATS_MAX_N), the mean of the middle
 * two when n is even; v is left as it was. */
double stats_median(const double *v, unsigned int n);

/* The largest of v[0..n) less the smallest (n > 0). */
double stats_range(const double *v, unsigned int n);

#endif /* __ENCMIG_BENCH_STATS_H__ */
