/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * bench-migrate.c: the scenarios of the migration benchmark, and one
 * migration of each.
 *
 * What the encrypted stream costs against the plain one, and what it
 * gains against the plain one carried by ssh (what xl migrate does today),
 * on loopback and across a veth pair between two network namespaces shaped
 * to 10 Gbit/s.  Every migration is the encmig binary run as
 * `encmig migrate-receive` and `encmig migrate --json` child processes, so
 * what is measured is what an administrator runs.  The scenarios are
 * interleaved and every run kept, because these machines are shared and
 * noisy: a noisy neighbour then hurts all of them alike, and the report
 * (main.c) takes medians.  Each run's CPU time, user and system of both
 * ends, is taken as well: a busy neighbour moves it far less than time.
 *
 * All the run makes (a temporary directory of throw-away keys, an sshd,
 * two namespaces and their veth pair) is removed on every way out,
 * SIGINT, SIGTERM and SIGHUP included, and every child is killed after a
 * bound, so a hung migration cannot hang the benchmark.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-migrate.h"
#include "netns.h"
#include "proc.h"
#include "sshd.h"
#include "summary.h"
#include "../../tools/libxl-encmig/util.h"
#include "../../tools/libxl-encmig/protocol/hostkey.h"
#include "../../tools/libxl-encmig/protocol/known-hosts.h"

static const struct bm_scenario {
    const char *name;
    bool plain;
    bool ssh;                       /* through our sshd, on loopback */
    bool veth;                      /* between the namespaces */
} bm_scenarios[BENCH_MIG_NR] = {
    [BENCH_MIG_ENC_LO]    = { "loopback, encrypted", false, false, false },
    [BENCH_MIG_PLAIN_LO]  = { "loopback, plain", true, false, false },
    [BENCH_MIG_SSH_LO]    = { "loopback, plain over ssh", true, true, false },
    [BENCH_MIG_ENC_10G]   = { "10 Gbit/s veth, encrypted", false, false, true },
    [BENCH_MIG_PLAIN_10G] = { "10 Gbit/s veth, plain", true, false, true },
};

const char *bench_mig_name(enum bench_mig_scenario i)
{
    return bm_scenarios[i].name;
}

struct bm_env {
    const struct bench_migrate_cfg *cfg;
    char dir[32];                   /* our temporary directory, or "" */
    char guest_mem[24];
    char dirty_rate[24];
    struct bench_sshd sshd;
    struct bench_net net;
};

static char *bm_path(const struct bm_env *e, const char *name, char *buf)
{
    return bench_path(e->dir, name, buf);
}

/* Where set-up commands say what went wrong; none before the directory. */
static const char *bm_cmd_log(const struct bm_env *e, char *buf)
{
    return e->dir[0] ? bm_path(e, "cmd.log", buf) : NULL;
}

/*
 * Throw-away encmig host keys that both ends use, a known_hosts pinning
 * them under both names the source will use for the destination, and the
 * destination's authorized_sources listing them for the source.
 */
static int bm_keys(const struct bm_env *e, char *why)
{
    char keydir[BENCH_PATH_LEN], pub[BENCH_PATH_LEN * 2];
    char known[BENCH_PATH_LEN], log[BENCH_PATH_LEN];
    char type[64], b64[128];
    FILE *f;
    int rc, got;

    rc = proc_run(bm_cmd_log(e, log), true, why, e->cfg->encmig, "keygen",
                  "--keydir", bm_path(e, "keys", keydir), NULL);
    if (rc)
        return rc;
    snprintf(pub, sizeof(pub), "%s/%s", keydir, ENCMIG_HOSTKEY_PUB_FILE);
    f = fopen(pub, "r");
    got = f ? fscanf(f, "%63s %127s", type, b64) : 0;
    if (f)
        fclose(f);
    if (got != 2) {
        snprintf(why, BENCH_WHY_LEN, "no public key in %s", pub);
        return -EIO;
    }
    f = fopen(bm_path(e, "known_hosts", known), "w");
    if (!f) {
        rc = -errno;
        snprintf(why, BENCH_WHY_LEN, "%s: %s", known, strerror(-rc));
        return rc;
    }
    fprintf(f, "127.0.0.1 %s %s\n%s %s %s\n", ENCMIG_KEYTYPE, b64,
            e->net.addr[1], ENCMIG_KEYTYPE, b64);
    if (fclose(f)) {
        rc = -errno;
        snprintf(why, BENCH_WHY_LEN, "%s: %s", known, strerror(-rc));
        return rc;
    }
    snprintf(pub, sizeof(pub), "%s/%s", keydir,
             ENCMIG_AUTHORIZED_SOURCES_FILE);
    f = fopen(pub, "w");
    if (!f || fprintf(f, "bench-source %s %s\n", ENCMIG_KEYTYPE, b64) < 0 ||
        fclose(f)) {
        rc = -errno;
        snprintf(why, BENCH_WHY_LEN, "%s: %s", pub, strerror(-rc));
        return rc;
    }
    return 0;
}

/*
 * Wait for the destination to say it listens, and read its port there:
 * it accepts a single connection, so a probe would be taken for the
 * migration.  The line is cmd_migrate_receive()'s "encmig: waiting for a
 * migration on HOST port N".  -ECHILD if it died (reaped).
 */
static int bm_wait_listening(pid_t pid, const char *log, uint16_t *port)
{
    static const char said[] = "encmig: waiting for a migration on ";
    double deadline = encmig_now() + PROC_READY_TIMEOUT_S;
    char buf[512], host[64], nl;
    unsigned int p;
    const char *line;
    int status;

    while (!proc_stopped() && encmig_now() < deadline) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            return -ECHILD;
        if (proc_read_file(log, buf, sizeof(buf)) > 0 &&
            (line = strstr(buf, said))) {
            /* Only a whole line: the port may still be on its way. */
            if (sscanf(line + sizeof(said) - 1, "%63s port %u%c", host, &p,
                       &nl) == 3 && nl == '\n') {
                if (p == 0 || p > 65535)
                    return -EPROTO;
                *port = p;
                return 0;
            }
        }
        usleep(PROC_POLL_US);
    }
    return proc_stopped() ? -EINTR : -ETIMEDOUT;
}

/* `encmig migrate-receive --listen ADDR:0`, listening when we return. */
static int bm_dest_start(const struct bm_env *e, const struct bm_scenario *sc,
                         pid_t *pid, uint16_t *port, char *why)
{
    const char *argv[PROC_MAX_ARGS];
    char listen[48], keydir[BENCH_PATH_LEN], log[BENCH_PATH_LEN], tail[160];
    unsigned int n = sc->veth ? bench_net_exec(&e->net, 1, argv) : 0;
    int rc, status;

    snprintf(listen, sizeof(listen), "%s:0",
             sc->veth ? e->net.addr[1] : "127.0.0.1");
    argv[n++] = e->cfg->encmig;
    argv[n++] = "migrate-receive";
    argv[n++] = "--listen";
    argv[n++] = listen;
    argv[n++] = "--keydir";
    argv[n++] = bm_path(e, "keys", keydir);
    /* A plain run has no handshake to prove its source. */
    if (sc->plain)
        argv[n++] = "--any-source";
    argv[n] = NULL;
    /* Else the last run's "waiting" line, port and all, could be read. */
    unlink(bm_path(e, "recv.log", log));
    if ((rc = proc_spawn(argv, NULL, log, pid))) {
        snprintf(why, BENCH_WHY_LEN, "fork: %s", strerror(-rc));
        return rc;
    }
    rc = bm_wait_listening(*pid, log, port);
    if (rc && rc != -ECHILD)
        proc_kill(*pid, &status);
    if (rc) {
        proc_tail(log, tail, sizeof(tail));
        snprintf(why, BENCH_WHY_LEN, "encmig migrate-receive did not listen "
                 "(%s): %s", strerror(-rc), tail);
    }
    return rc;
}

/* `encmig migrate --json ...` to the destination, to completion. */
static int bm_source(const struct bm_env *e, const struct bm_scenario *sc,
                     uint16_t port, struct mig_summary *run, char *why)
{
    const char *argv[PROC_MAX_ARGS];
    char keydir[BENCH_PATH_LEN], known[BENCH_PATH_LEN];
    char out[BENCH_PATH_LEN], log[BENCH_PATH_LEN];
    char dest[48], js[SUMMARY_MAX_LEN + 2], tail[160];
    unsigned int n = sc->veth ? bench_net_exec(&e->net, 0, argv) : 0;
    ssize_t len;
    int rc, status;
    pid_t pid;

    if (sc->ssh)
        snprintf(dest, sizeof(dest), "127.0.0.1");
    else
        snprintf(dest, sizeof(dest), "%s:%u",
                 sc->veth ? e->net.addr[1] : "127.0.0.1", port);
    argv[n++] = e->cfg->encmig;
    argv[n++] = "migrate";
    argv[n++] = "--json";
    if (sc->plain)
        argv[n++] = "--plain";
    argv[n++] = "--keydir";
    argv[n++] = bm_path(e, "keys", keydir);
    argv[n++] = "--known-hosts";
    argv[n++] = bm_path(e, "known_hosts", known);
    argv[n++] = "--guest-mem";
    argv[n++] = e->guest_mem;
    argv[n++] = "--dirty-rate";
    argv[n++] = e->dirty_rate;
    if (sc->ssh) {
        argv[n++] = "--ssh-command";
        argv[n++] = e->sshd.cmd;
    }
    argv[n++] = "bench-guest";
    argv[n++] = dest;
    argv[n] = NULL;

    unlink(bm_path(e, "send.json", out));
    bm_path(e, "send.log", log);
    if ((rc = proc_spawn(argv, out, log, &pid))) {
        snprintf(why, BENCH_WHY_LEN, "fork: %s", strerror(-rc));
        return rc;
    }
    rc = proc_wait(pid, encmig_now() + PROC_CHILD_TIMEOUT_S, true, &status);
    if (rc == -ETIMEDOUT || rc == -EINTR) {
        /* Over ssh the destination hangs off our sshd: end it first. */
        if (sc->ssh)
            bench_sshd_kill_sessions(&e->sshd);
        proc_kill(pid, &status);
    }
    if (rc == -EINTR)
        return rc;
    proc_tail(log, tail, sizeof(tail));
    if (rc == -ETIMEDOUT) {
        snprintf(why, BENCH_WHY_LEN, "encmig migrate killed after %.0f s: %s",
                 PROC_CHILD_TIMEOUT_S, tail);
        return rc;
    }
    if (rc || !proc_exited_ok(status)) {
        snprintf(why, BENCH_WHY_LEN, "encmig migrate failed: %s", tail);
        return rc ?: -EIO;
    }
    /* One byte more than a summary may have, for the reader to refuse. */
    len = proc_read_file(out, js, sizeof(js));
    if (len <= 0) {
        snprintf(why, BENCH_WHY_LEN, "encmig migrate gave no JSON summary: "
                 "%s", tail);
        return -EIO;
    }
    if ((rc = mig_summary_parse(js, len, run, why, BENCH_WHY_LEN)))
        return rc;
    if (!run->verified) {
        snprintf(why, BENCH_WHY_LEN,
                 "the guest did not verify at the destination");
        return -EIO;
    }
    return 0;
}

/* One migration of the scenario: destination, then source, both reaped. */
static int bm_migrate_once(const struct bm_env *e,
                           const struct bm_scenario *sc,
                           struct mig_summary *run, char *why)
{
    char log[BENCH_PATH_LEN], tail[160];
    double deadline = encmig_now() + PROC_CHILD_TIMEOUT_S;
    uint16_t port = 0;
    pid_t dest = 0;
    int rc, status;

    memset(run, 0, sizeof(*run));
    /* Over ssh the source's transport starts the destination itself. */
    if (!sc->ssh && (rc = bm_dest_start(e, sc, &dest, &port, why)))
        return rc;
    rc = bm_source(e, sc, port, run, why);
    if (!dest)
        return rc;
    if (rc) {
        /* It may still wait for a connection that never comes. */
        proc_kill(dest, &status);
        return rc;
    }
    rc = proc_reap(dest, deadline, true, &status);
    if (rc == -EINTR)
        return rc;
    if (rc || !proc_exited_ok(status)) {
        proc_tail(bm_path(e, "recv.log", log), tail, sizeof(tail));
        snprintf(why, BENCH_WHY_LEN, "encmig migrate-receive %s: %s",
                 rc ? "killed after its timeout" : "failed", tail);
        return rc ?: -EIO;
    }
    return 0;
}

/*
 * The CPU seconds of our sshd and of what it has reaped: the ssh
 * scenario's destination end (sshd's session, decrypting, and encmig
 * migrate-receive under it) runs there, not as our child.  Read once
 * sshd has no child left, so that the session is counted whole.
 */
static double bm_sshd_cpu(const struct bench_sshd *sshd)
{
    unsigned long long ut, st, cut, cst;
    double deadline = encmig_now() + PROC_STOP_TIMEOUT_S;
    char path[64], buf[1024], *p;

    if (!sshd->pid)
        return 0;
    while (proc_has_children(sshd->pid) && encmig_now() < deadline)
        usleep(PROC_POLL_US);
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)sshd->pid);
    /* Fields 14-17 (utime stime cutime cstime) follow the comm's ')'. */
    if (proc_read_file(path, buf, sizeof(buf)) <= 0 ||
        !(p = strrchr(buf, ')')) ||
        sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
               "%llu %llu %llu %llu", &ut, &st, &cut, &cst) != 4)
        return 0;
    return (double)(ut + st + cut + cst) / sysconf(_SC_CLK_TCK);
}

/* One migration of the scenario: destination, then source, both reaped;
 * its CPU time into run_cpu. */
static int bm_migrate(const struct bm_env *e, const struct bm_scenario *sc,
                      struct mig_summary *run, double *run_cpu, char *why)
{
    double cpu0 = encmig_cpu_seconds(RUSAGE_CHILDREN);
    double sshd0 = sc->ssh ? bm_sshd_cpu(&e->sshd) : 0;
    int rc = bm_migrate_once(e, sc, run, why);

    if (!rc)
        *run_cpu = encmig_cpu_seconds(RUSAGE_CHILDREN) - cpu0 +
                   (sc->ssh ? bm_sshd_cpu(&e->sshd) - sshd0 : 0);
    return rc;
}

static void bm_fail(struct bench_migrate_result *r, unsigned int i,
                    const char *why)
{
    r->s[i].state = BENCH_MIG_FAILED;
    if (why != r->s[i].why)
        snprintf(r->s[i].why, BENCH_WHY_LEN, "%s", why);
    r->verified = false;
}

static void bm_skip(struct bench_migrate_result *r, unsigned int i,
                    const char *why)
{
    r->s[i].state = BENCH_MIG_SKIPPED;
    snprintf(r->s[i].why, BENCH_WHY_LEN, "%s", why);
}

/*
 * Everything the scenarios need.  An error here that stops all of them
 * is said on stderr and returned; one that stops some marks those.
 */
static int bm_prepare(struct bm_env *e, struct bench_migrate_result *r)
{
    char why[BENCH_WHY_LEN], log[BENCH_PATH_LEN];
    bool skip;
    int rc;

    snprintf(e->dir, sizeof(e->dir), "/tmp/encmig-bench-XXXXXX");
    if (!mkdtemp(e->dir)) {
        rc = -errno;
        e->dir[0] = '\0';
        fprintf(stderr, "encmig-bench: temporary directory: %s\n",
                strerror(-rc));
        return rc;
    }
    if ((rc = bm_keys(e, why))) {
        fprintf(stderr, "encmig-bench: host keys: %s\n", why);
        return rc;
    }
    if ((rc = bench_sshd_start(&e->sshd, e->dir, e->cfg->encmig, why))) {
        if (rc == -EINTR)
            return rc;
        if (rc == -EPERM) {
            /* Not root: the loopback runs go on without the ssh one. */
            fprintf(stderr, "ssh scenario skipped: %s\n", why);
            bm_skip(r, BENCH_MIG_SSH_LO, why);
        } else {
            bm_fail(r, BENCH_MIG_SSH_LO, why);
        }
    }
    if ((rc = bench_net_setup(&e->net, bm_cmd_log(e, log), &skip, why))) {
        if (rc == -EINTR)
            return rc;
        if (skip) {
            fprintf(stderr, "10 Gbit/s veth scenario skipped: %s\n", why);
            bm_skip(r, BENCH_MIG_ENC_10G, why);
            bm_skip(r, BENCH_MIG_PLAIN_10G, why);
        } else {
            bm_fail(r, BENCH_MIG_ENC_10G, why);
            bm_fail(r, BENCH_MIG_PLAIN_10G, why);
        }
    }
    return 0;
}

static void bm_record(struct bench_mig_scenario_result *s,
                      const struct mig_summary *run, double cpu_s)
{
    struct bench_mig_run *r = &s->run[s->runs++];

    r->mbps = run->throughput_mbps;
    r->downtime_ms = run->downtime_ms;
    r->seconds = run->seconds;
    /*
     * Not what the source spent building and running the simulated guest
     * before the migration began: every scenario pays it alike, and it is
     * the model's, not the migration's.
     */
    r->cpu_s = cpu_s > run->setup_cpu_s ? cpu_s - run->setup_cpu_s : 0;
    r->guest_gib = run->guest_bytes / (double)(1ULL << 30);
}

/* Every scenario once per repetition, so drift and noise hit all alike. */
static int bm_measure(const struct bm_env *e, struct bench_migrate_result *r)
{
    const struct bench_migrate_cfg *cfg = e->cfg;
    struct bench_mig_scenario_result *s;
    struct mig_summary run;
    unsigned int rep, i;
    double cpu_s = 0;
    int rc;

    for (rep = 0; rep < cfg->reps; rep++) {
        for (i = 0; i < BENCH_MIG_NR; i++) {
            s = &r->s[i];
            if (s->state != BENCH_MIG_OK)
                continue;
            if (proc_stopped())
                return -EINTR;
            rc = bm_migrate(e, &bm_scenarios[i], &run, &cpu_s, s->why);
            if (rc == -EINTR)
                return rc;
            if (rc)
                bm_fail(r, i, s->why);
            else
                bm_record(s, &run, cpu_s);
            if (!cfg->verbose)
                continue;
            if (rc)
                fprintf(stderr, "encmig-bench: run %u/%u  %-26s "
                        "FAILED\n", rep + 1, cfg->reps, bm_scenarios[i].name);
            else
                fprintf(stderr, "encmig-bench: run %u/%u  %-26s "
                        "%8.1f MB/s (%.1f MB in %.3f s of stream, %.3f s in "
                        "all), downtime %.1f ms, %.2f s of CPU\n", rep + 1,
                        cfg->reps, bm_scenarios[i].name, run.throughput_mbps,
                        run.wire_bytes / 1e6, run.stream_seconds,
                        run.seconds, run.downtime_ms, cpu_s);
        }
    }
    return 0;
}

static int bm_rm(const char *path, const struct stat *sb, int type,
                 struct FTW *ftw)
{
    if (remove(path))
        fprintf(stderr, "encmig-bench: could not remove %s: %s\n",
                path, strerror(errno));
    return 0;
}

static void bm_teardown(struct bm_env *e)
{
    char log[BENCH_PATH_LEN];

    bench_sshd_stop(&e->sshd);
    bench_net_teardown(&e->net, bm_cmd_log(e, log));
    if (e->dir[0])
        nftw(e->dir, bm_rm, 8, FTW_DEPTH | FTW_PHYS);
}

int encmig_bench_migrate(const struct bench_migrate_cfg *cfg,
                         struct bench_migrate_result *r)
{
    struct bm_env e;
    unsigned int i;
    int rc;

    memset(r, 0, sizeof(*r));
    r->verified = true;
    memset(&e, 0, sizeof(e));
    e.cfg = cfg;
    snprintf(e.guest_mem, sizeof(e.guest_mem), "%llu",
             (unsigned long long)cfg->guest_mem);
    snprintf(e.dirty_rate, sizeof(e.dirty_rate), "%llu",
             (unsigned long long)cfg->dirty_rate);
    bench_net_names(&e.net);

    proc_signals_catch();
    rc = bm_prepare(&e, r);
    if (!rc)
        rc = bm_measure(&e, r);
    bm_teardown(&e);
    proc_signals_restore();

    r->signal = proc_stopped();
    if (r->signal)
        return -EINTR;
    for (i = 0; i < BENCH_MIG_NR && !rc; i++)
        if (r->s[i].state == BENCH_MIG_FAILED)
            rc = -EIO;
    return rc;
}
