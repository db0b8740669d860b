/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * main.c: encmig-bench, the benchmark's command line and its report: a
 * table for people, or one JSON object.
 *
 * First the engine's re-key, in this process on the simulator (engine.h);
 * then migrations, for which it drives an encmig binary: --encmig PATH,
 * else $ENCMIG, else the one of the build tree this program was built in.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-migrate.h"
#include "engine.h"
#include "stats.h"
#include "../../tools/libxl-encmig/util.h"
#include "../../tools/libxl-encmig/driver/migrate.h"

#define PROG "encmig-bench"

/* Guest memory the engine re-keys per pass, and its repetitions. */
#define BM_ENGINE_BYTES (256ULL << 20)
#define BM_ENGINE_REPS  5

/* Where encmig lies in the build tree, from this program's directory. */
#define BUILD_TREE_ENCMIG "../../tools/libxl-encmig/encmig"

/* What a figure is of a run. */
enum bm_metric {
    BM_MBPS,                        /* stream throughput, 10^6 bytes/s */
    BM_DOWNTIME,                    /* ms */
    BM_CPU,                         /* CPU seconds, both ends, per GiB */
};

/*
 * A figure of the report: the median over the runs of one scenario, or the
 * ratio of two such medians, or (spread) how far apart that ratio lies
 * between repetitions: the largest less the smallest of num's run i over
 * den's run i.
 */
static const struct bm_field {
    const char *name;
    const char *label;              /* ratios: their line in the table */
    int num;
    int den;                        /* -1: not a ratio */
    enum bm_metric metric;
    bool spread;
} bm_fields[] = {
    { "enc_mbps", NULL, BENCH_MIG_ENC_LO, -1, BM_MBPS, false },
    { "plain_mbps", NULL, BENCH_MIG_PLAIN_LO, -1, BM_MBPS, false },
    { "ssh_mbps", NULL, BENCH_MIG_SSH_LO, -1, BM_MBPS, false },
    { "enc_vs_ssh", "encrypted / plain over ssh, loopback",
      BENCH_MIG_ENC_LO, BENCH_MIG_SSH_LO, BM_MBPS, false },
    { "enc_vs_plain_loopback", "encrypted / plain, loopback",
      BENCH_MIG_ENC_LO, BENCH_MIG_PLAIN_LO, BM_MBPS, false },
    { "enc_downtime_ms", NULL, BENCH_MIG_ENC_LO, -1, BM_DOWNTIME, false },
    { "plain_downtime_ms", NULL, BENCH_MIG_PLAIN_LO, -1, BM_DOWNTIME, false },
    { "ssh_downtime_ms", NULL, BENCH_MIG_SSH_LO, -1, BM_DOWNTIME, false },
    { "enc_mbps_10g", NULL, BENCH_MIG_ENC_10G, -1, BM_MBPS, false },
    { "plain_mbps_10g", NULL, BENCH_MIG_PLAIN_10G, -1, BM_MBPS, false },
    { "enc_vs_plain_10g", "encrypted / plain, 10 Gbit/s",
      BENCH_MIG_ENC_10G, BENCH_MIG_PLAIN_10G, BM_MBPS, false },
    { "enc_vs_plain_10g_spread", "  its spread over the repetitions",
      BENCH_MIG_ENC_10G, BENCH_MIG_PLAIN_10G, BM_MBPS, true },
    { "enc_downtime_ms_10g", NULL, BENCH_MIG_ENC_10G, -1, BM_DOWNTIME, false },
    { "plain_downtime_ms_10g", NULL, BENCH_MIG_PLAIN_10G, -1, BM_DOWNTIME,
      false },
    { "enc_downtime_vs_plain_10g", "downtime encrypted / plain, 10 Gbit/s",
      BENCH_MIG_ENC_10G, BENCH_MIG_PLAIN_10G, BM_DOWNTIME, false },
    { "enc_cpu_s_per_gib", NULL, BENCH_MIG_ENC_LO, -1, BM_CPU, false },
    { "plain_cpu_s_per_gib", NULL, BENCH_MIG_PLAIN_LO, -1, BM_CPU, false },
    { "ssh_cpu_s_per_gib", NULL, BENCH_MIG_SSH_LO, -1, BM_CPU, false },
    { "enc_cpu_vs_ssh", "CPU per GiB, encrypted / plain over ssh",
      BENCH_MIG_ENC_LO, BENCH_MIG_SSH_LO, BM_CPU, false },
};
#define BM_NR_FIELDS (sizeof(bm_fields) / sizeof(bm_fields[0]))

static double bm_metric_of(const struct bench_mig_run *run,
                           enum bm_metric m)
{
    switch (m) {
    case BM_MBPS:
        return run->mbps;
    case BM_DOWNTIME:
        return run->downtime_ms;
    default:
        return run->guest_gib > 0 ? run->cpu_s / run->guest_gib : 0;
    }
}

static bool bm_ok(const struct bench_mig_scenario_result *s)
{
    return s->state == BENCH_MIG_OK && s->runs;
}

/* The median of metric m over the runs of s. */
static double bm_median(const struct bench_mig_scenario_result *s,
                        enum bm_metric m)
{
    double v[BENCH_MIG_MAX_REPS];
    unsigned int i;

    for (i = 0; i < s->runs; i++)
        v[i] = bm_metric_of(&s->run[i], m);
    return stats_median(v, s->runs);
}

/* The field's value, or false when a scenario it needs gave none. */
static bool bm_value(const struct bench_migrate_result *r,
                     const struct bm_field *f, double *v)
{
    const struct bench_mig_scenario_result *num = &r->s[f->num], *den;
    double ratio[BENCH_MIG_MAX_REPS], d;
    unsigned int i, n;

    if (!bm_ok(num))
        return false;
    if (f->den < 0) {
        *v = bm_median(num, f->metric);
        return true;
    }
    den = &r->s[f->den];
    if (!bm_ok(den))
        return false;
    if (!f->spread) {
        d = bm_median(den, f->metric);
        if (d <= 0)
            return false;
        *v = bm_median(num, f->metric) / d;
        return true;
    }
    n = num->runs < den->runs ? num->runs : den->runs;
    for (i = 0; i < n; i++) {
        d = bm_metric_of(&den->run[i], f->metric);
        if (d <= 0)
            return false;
        ratio[i] = bm_metric_of(&num->run[i], f->metric) / d;
    }
    *v = stats_range(ratio, n);
    return true;
}

/* The engine's figures, as the first keys of the JSON object. */
static void bm_print_engine_json(const struct bench_engine_result *e)
{
    printf("{\"rekey_hv_ops\": \"%s\", \"rekey_hv_gbps\": %.3f, "
           "\"rekey_openssl_gbps\": %.3f, \"limit_gbps\": %.3f, "
           "\"rekey_hv_vs_limit\": %.3f, \"rekey_hv_vs_limit_spread\": %.3f, "
           "\"streams_gbps\": %.3f, \"streams_scaling\": %.3f, "
           "\"streams_scaling_spread\": %.3f",
           e->have_vaes ? "vaes" : e->have_aesni ? "aesni" : "portable",
           e->rekey_hv_gbps, e->rekey_openssl_gbps, e->limit_gbps,
           e->rekey_hv_vs_limit, e->rekey_hv_vs_limit_spread,
           e->streams_gbps, e->streams_scaling, e->streams_scaling_spread);
}

static void bm_print_json(const struct bench_migrate_cfg *cfg,
                          const struct bench_engine_result *e,
                          const struct bench_migrate_result *r)
{
    const struct bm_field *f;
    unsigned int i;
    double v;

    bm_print_engine_json(e);
    if (!r) {
        printf("}\n");
        return;
    }
    printf(", \"guest_bytes\": %llu, \"dirty_rate\": %llu, \"reps\": %u",
           (unsigned long long)cfg->guest_mem,
           (unsigned long long)cfg->dirty_rate, cfg->reps);
    for (i = 0; i < BM_NR_FIELDS; i++) {
        f = &bm_fields[i];
        if (bm_value(r, f, &v))
            printf(", \"%s\": %.*f", f->name,
                   f->den < 0 && f->metric != BM_CPU ? 1 : 3, v);
        else
            printf(", \"%s\": null", f->name);
    }
    printf(", \"verified\": %s}\n", r->verified ? "true" : "false");
}

static void bm_print_engine_table(const struct bench_engine_result *e)
{
    printf("\nre-key in process, %llu MiB of guest pages, medians of %u "
           "(Gbit/s)\n\n"
           "engine, OpenSSL ops              %8.2f\n"
           "engine, AES-NI ops               %8.2f\n"
           "engine, VAES ops (fused)         %8.2f\n"
           "engine, portable ops             %8.2f\n"
           "OpenSSL XTS %.2f + GCM %.2f back to back %8.2f\n"
           "export, %u streams on %u threads      %8.2f\n\n"
           "%-40s %6.2fx (spread %.2f)\n%-40s %6.2fx (spread %.2f)\n",
           (unsigned long long)(e->bytes >> 20), e->reps,
           e->rekey_openssl_gbps, e->rekey_hv_aesni_gbps,
           e->rekey_hv_vaes_gbps, e->rekey_portable_gbps,
           e->xts_decrypt_gbps, e->gcm_encrypt_gbps, e->limit_gbps,
           e->streams, e->streams, e->streams_gbps,
           "hypervisor's best ops / OpenSSL limit", e->rekey_hv_vs_limit,
           e->rekey_hv_vs_limit_spread, "export, streams / 1 stream",
           e->streams_scaling, e->streams_scaling_spread);
}

static void bm_print_table(const struct bench_migrate_cfg *cfg,
                           const struct bench_migrate_result *r)
{
    const struct bench_mig_scenario_result *s;
    double mbps[BENCH_MIG_MAX_REPS], v;
    unsigned int i, j;

    printf("\n%llu MiB guest dirtying %llu pages/s, medians of %u runs\n\n"
           "%-28s %12s %9s %12s %10s %9s\n",
           (unsigned long long)(cfg->guest_mem >> 20),
           (unsigned long long)cfg->dirty_rate, cfg->reps, "",
           "stream MB/s", "(range)", "downtime ms", "seconds", "CPU s/GiB");
    for (i = 0; i < BENCH_MIG_NR; i++) {
        s = &r->s[i];
        if (!bm_ok(s)) {
            printf("%-28s %12s\n", bench_mig_name(i),
                   s->state == BENCH_MIG_SKIPPED ? "skipped" : "FAILED");
            continue;
        }
        for (j = 0; j < s->runs; j++)
            mbps[j] = s->run[j].mbps;
        printf("%-28s %12.1f %9.1f %12.1f", bench_mig_name(i),
               bm_median(s, BM_MBPS), stats_range(mbps, s->runs),
               bm_median(s, BM_DOWNTIME));
        for (j = 0; j < s->runs; j++)
            mbps[j] = s->run[j].seconds;
        printf(" %10.2f %9.2f\n", stats_median(mbps, s->runs),
               bm_median(s, BM_CPU));
    }
    printf("\n");
    for (i = 0; i < BM_NR_FIELDS; i++)
        if (bm_fields[i].label && bm_value(r, &bm_fields[i], &v))
            printf("%-40s %6.2f%s\n", bm_fields[i].label, v,
                   bm_fields[i].spread ? "" : "x");
    printf("every guest verified: %s\n", r->verified ? "yes" : "NO");
}

static int bm_parse_args(int argc, char **argv, struct bench_migrate_cfg *cfg,
                         bool *json, bool *engine_only)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { "engine-only", no_argument, NULL, 'E' },
        { "guest-mem", required_argument, NULL, 'm' },
        { "dirty-rate", required_argument, NULL, 'd' },
        { "reps", required_argument, NULL, 'r' },
        { "encmig", required_argument, NULL, 'e' },
        { NULL, 0, NULL, 0 },
    };
    unsigned long long v;
    char *end;
    int c;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        errno = 0;
        switch (c) {
        case 'j':
            *json = true;
            break;
        case 'E':
            *engine_only = true;
            break;
        case 'm':
            if (encmig_parse_size(optarg, &cfg->guest_mem) ||
                cfg->guest_mem < XEN_ENCMIG_PAGE_SIZE ||
                cfg->guest_mem / XEN_ENCMIG_PAGE_SIZE > MIGRATE_MAX_FRAMES)
                return -EINVAL;
            break;
        case 'd':
            v = strtoull(optarg, &end, 10);
            if (errno || *end || end == optarg || v > 10000000)
                return -EINVAL;
            cfg->dirty_rate = v;
            break;
        case 'r':
            v = strtoull(optarg, &end, 10);
            if (errno || *end || end == optarg || v == 0 ||
                v > BENCH_MIG_MAX_REPS)
                return -EINVAL;
            cfg->reps = v;
            break;
        case 'e':
            cfg->encmig = optarg;
            break;
        default:
            return -EINVAL;
        }
    }
    return optind == argc ? 0 : -EINVAL;
}

/*
 * The encmig to drive, as an absolute path into buf (PATH_MAX): the one
 * named, or the build tree's, next to this program's own directory.
 */
static int bm_find_encmig(const char *named, char *buf)
{
    char self[PATH_MAX], guess[PATH_MAX + sizeof(BUILD_TREE_ENCMIG) + 1];
    ssize_t n;
    int rc;

    if (!named) {
        n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (n <= 0) {
            rc = n < 0 ? -errno : -ENOENT;
            fprintf(stderr, PROG ": /proc/self/exe: %s\n", strerror(-rc));
            return rc;
        }
        self[n] = '\0';
        snprintf(guess, sizeof(guess), "%s/%s", dirname(self),
                 BUILD_TREE_ENCMIG);
        named = guess;
    }
    if (!realpath(named, buf) || access(buf, X_OK)) {
        rc = -errno;
        fprintf(stderr, PROG ": encmig at %s: %s (build it, or name it with "
                "--encmig PATH or ENCMIG=PATH)\n", named, strerror(-rc));
        return rc;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const char usage[] =
        "usage: " PROG " [--json] [--engine-only] [--guest-mem SIZE] "
        "[--dirty-rate PAGES_PER_S]\n"
        "       [--reps N] [--encmig PATH]   (default: $ENCMIG, else the "
        "build tree's tools/libxl-encmig/encmig)\n";
    struct bench_migrate_cfg cfg = {
        .encmig = getenv("ENCMIG"),
        .guest_mem = 2048ULL << 20,
        .dirty_rate = 20000,
        .reps = 5,
    };
    struct bench_engine_result e;
    struct bench_migrate_result r;
    char encmig[PATH_MAX];
    bool json = false, engine_only = false;
    unsigned int i;
    int rc;

    if (bm_parse_args(argc, argv, &cfg, &json, &engine_only)) {
        fputs(usage, stderr);
        return 2;
    }
    if (cfg.encmig && !cfg.encmig[0])
        cfg.encmig = NULL;
    if (!engine_only) {
        if (bm_find_encmig(cfg.encmig, encmig))
            return 1;
        cfg.encmig = encmig;
    }
    cfg.verbose = !json;

    if (cfg.verbose)
        fprintf(stderr, PROG ": re-keying %llu MiB of guest pages in process, "
                "%u runs of each cipher...\n",
                (unsigned long long)(BM_ENGINE_BYTES >> 20), BM_ENGINE_REPS);
    rc = encmig_bench_engine(BM_ENGINE_BYTES, BM_ENGINE_REPS, &e);
    if (rc) {
        fprintf(stderr, PROG ": engine: %s\n", strerror(-rc));
        return 1;
    }
    if (engine_only) {
        if (json)
            bm_print_json(&cfg, &e, NULL);
        else
            bm_print_engine_table(&e);
        return 0;
    }

    if (cfg.verbose)
        fprintf(stderr, PROG ": %s migrating a %llu MiB guest, %u run(s) of "
                "each scenario...\n", cfg.encmig,
                (unsigned long long)(cfg.guest_mem >> 20), cfg.reps);
    rc = encmig_bench_migrate(&cfg, &r);
    if (rc == -EINTR) {
        fprintf(stderr, PROG ": stopped by signal %d, all it had set up "
                "removed\n", r.signal);
        return 128 + r.signal;
    }
    if (rc && rc != -EIO)
        return 1;

    if (json)
        bm_print_json(&cfg, &e, &r);
    else {
        bm_print_engine_table(&e);
        bm_print_table(&cfg, &r);
    }
    for (i = 0; i < BENCH_MIG_NR; i++)
        if (r.s[i].state == BENCH_MIG_FAILED)
            fprintf(stderr, PROG ": %s failed: %s\n", bench_mig_name(i),
                    r.s[i].why);
    return rc ? 1 : 0;
}
