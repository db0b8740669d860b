/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * stats.c: medians and ranges of repeated runs (stats.h).
 */

#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int stats_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

double stats_median(const double *v, unsigned int n)
{
    double s[STATS_MAX_N];

    if (n > STATS_MAX_N)
        n = STATS_MAX_N;
    memcpy(s, v, n * sizeof(*s));
    qsort(s, n, sizeof(*s), stats_cmp);
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

double stats_range(const double *v, unsigned int n)
{
    double lo = v[0], hi = v[0];
    unsigned int i;

    for (i = 1; i < n; i++) {
        if (v[i] < lo)
            lo = v[i];
        if (v[i] > hi)
            hi = v[i];
    }
    return hi - lo;
}
