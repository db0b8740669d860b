/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * cmd-migrate.c: encmig keygen, migrate, migrate-receive and demo.
 *
 * On the simulator a guest lives inside the process that hosts it, so
 * `encmig migrate` starts the simulated guest it then migrates, and
 * `encmig migrate-receive` hosts the one it receives.
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "resolve.h"
#include "../util.h"
#include "../protocol/hostkey.h"
#include "../protocol/known-hosts.h"
#include "../transport/rdma-stream.h"
#include "../../../sim/sim.h"

#define DEFAULT_PORT       8002
#define DEFAULT_GUEST_MEM  (256ULL << 20)
#define DEFAULT_DIRTY_RATE 20000
#define PEER_TIMEOUT_S     60

struct mig_opts {
    bool plain;
    bool json;
    bool accept_new;
    bool any_source;          /* receiver: no authorized_sources check */
    const char *keydir;
    const char *known_hosts;
    const char *authorized_sources;
    uint64_t guest_mem;
    uint64_t dirty_rate;
    double warmup;            /* seconds the guest runs before migrating */
    unsigned int max_rounds;
    unsigned int streams;
    const char *ssh_cmd;      /* transport command instead of TCP */
    bool rdma;                /* the stream by RDMA (docs/stream.md, 9) */
};

static int bad_arg(const char *what, const char *val)
{
    fprintf(stderr, "encmig: bad %s '%s'\n", what, val);
    return 2;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;

    errno = 0;
    *out = strtoull(s, &end, 10);
    return errno || *end || end == s ? -1 : 0;
}

enum {
    OPT_PLAIN = 256, OPT_JSON, OPT_ACCEPT_NEW, OPT_KEYDIR, OPT_KNOWN_HOSTS,
    OPT_GUEST_MEM, OPT_DIRTY_RATE, OPT_WARMUP, OPT_ROUNDS, OPT_LISTEN,
    OPT_RUN, OPT_FORCE, OPT_PLAIN_ONLY, OPT_STDIO, OPT_SSH, OPT_ANY_SOURCE,
    OPT_AUTHORIZED, OPT_STREAMS, OPT_TRANSPORT,
};

static const struct option mig_options[] = {
    { "plain",       no_argument,       NULL, OPT_PLAIN },
    { "json",        no_argument,       NULL, OPT_JSON },
    { "accept-new",  no_argument,       NULL, OPT_ACCEPT_NEW },
    { "keydir",      required_argument, NULL, OPT_KEYDIR },
    { "known-hosts", required_argument, NULL, OPT_KNOWN_HOSTS },
    { "guest-mem",   required_argument, NULL, OPT_GUEST_MEM },
    { "dirty-rate",  required_argument, NULL, OPT_DIRTY_RATE },
    { "warmup",      required_argument, NULL, OPT_WARMUP },
    { "max-rounds",  required_argument, NULL, OPT_ROUNDS },
    { "streams",     required_argument, NULL, OPT_STREAMS },
    { "listen",      required_argument, NULL, OPT_LISTEN },
    { "run",         required_argument, NULL, OPT_RUN },
    { "force",       no_argument,       NULL, OPT_FORCE },
    { "plain-only",  no_argument,       NULL, OPT_PLAIN_ONLY },
    { "stdio",       no_argument,       NULL, OPT_STDIO },
    { "ssh-command", required_argument, NULL, OPT_SSH },
    { "any-source",  no_argument,       NULL, OPT_ANY_SOURCE },
    { "authorized-sources", required_argument, NULL, OPT_AUTHORIZED },
    { "transport",   required_argument, NULL, OPT_TRANSPORT },
    { NULL, 0, NULL, 0 },
};

/* Options common to the migration commands; -1 if c is not one. */
static int mig_opt(struct mig_opts *o, int c, const char *arg)
{
    uint64_t v;

    switch (c) {
    case OPT_PLAIN:       o->plain = true; return 0;
    case OPT_JSON:        o->json = true; return 0;
    case OPT_ACCEPT_NEW:  o->accept_new = true; return 0;
    case OPT_KEYDIR:      o->keydir = arg; return 0;
    case OPT_KNOWN_HOSTS: o->known_hosts = arg; return 0;
    case OPT_SSH:         o->ssh_cmd = arg; return 0;
    case OPT_GUEST_MEM:
        if (encmig_parse_size(arg, &o->guest_mem) ||
             o->guest_mem < SIM_PAGE_SIZE ||
             o->guest_mem / SIM_PAGE_SIZE > MIGRATE_MAX_FRAMES)
            return bad_arg("guest memory size", arg);
        return 0;
    case OPT_DIRTY_RATE:
        if (parse_u64(arg, &o->dirty_rate) || o->dirty_rate > 10000000)
            return bad_arg("dirty rate", arg);
        return 0;
    case OPT_WARMUP:
        o->warmup = strtod(arg, NULL);
        if (o->warmup < 0 || o->warmup > 3600)
            return bad_arg("warm-up time", arg);
        return 0;
    case OPT_ROUNDS:
        if (parse_u64(arg, &v) || v < 1 || v > 1000)
            return bad_arg("round limit", arg);
        o->max_rounds = v;
        return 0;
    case OPT_TRANSPORT:
        if (!strcmp(arg, "rdma"))
            o->rdma = true;
        else if (!strcmp(arg, "tcp"))
            o->rdma = false;
        else
            return bad_arg("transport (tcp or rdma)", arg);
        return 0;
    case OPT_STREAMS:
        if (parse_u64(arg, &v) || v < 1 || v > XEN_ENCMIG_MAX_STREAMS)
            return bad_arg("stream count (1 to 16)", arg);
        o->streams = v;
        return 0;
    }
    return -1;
}

static void mig_defaults(struct mig_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->keydir = ENCMIG_DEFAULT_KEYDIR;
    o->guest_mem = DEFAULT_GUEST_MEM;
    o->dirty_rate = DEFAULT_DIRTY_RATE;
    o->warmup = 0.5;
}

static long peak_rss_kib(void)
{
    struct rusage ru;

    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

/*
 * setup_cpu_s: what this process spent before the migration began, on
 * building the simulated guest and running it: no part of migrating it.
 */
static void print_summary(const struct mig_opts *o,
                          const struct encmig_send_stats *st,
                          const struct cli_marker_tap *tap,
                          double setup_cpu_s)
{
    /* Throughput of the stream itself, without the set-up before it. */
    double mbps = st->stream_seconds > 0 ?
                  st->wire_bytes / st->stream_seconds / 1e6 : 0;
    char hash[65];

    cli_hex(st->hash, sizeof(st->hash), hash);
    if (o->json) {
        printf("{\"mode\": \"%s\", \"guest_bytes\": %llu, \"pages_sent\": "
               "%llu, \"rounds\": %u, \"wire_bytes\": %llu, \"seconds\": %.3f, "
               "\"stream_seconds\": %.3f, "
               "\"throughput_mbps\": %.1f, \"downtime_ms\": %.1f, "
               "\"buffer_bytes\": %llu, \"verified\": %s, "
               "\"plaintext_found\": %s, \"guest_sha256\": \"%s\", "
               "\"peak_rss_kib\": %ld, \"level\": %u, "
               "\"streams\": %u, \"setup_cpu_s\": %.3f, "
               "\"transport\": \"%s\"}\n",
               o->plain ? "plain" : "encrypted",
               (unsigned long long)st->guest_bytes,
               (unsigned long long)st->pages_sent, st->rounds,
               (unsigned long long)st->wire_bytes, st->seconds,
               st->stream_seconds, mbps,
               st->downtime_ms, (unsigned long long)st->buffer_bytes,
               st->verified ? "true" : "false",
               tap->found ? "true" : "false", hash, peak_rss_kib(),
               st->level, o->streams ? o->streams : 1, setup_cpu_s,
               o->rdma ? "rdma" : "tcp");
        return;
    }
    printf("\n%s live migration of a %llu MiB guest\n",
           o->plain ? "Plain" : "Encrypted",
           (unsigned long long)(st->guest_bytes >> 20));
    printf("  pages sent        %llu in %u rounds (%.2fx the guest)\n",
           (unsigned long long)st->pages_sent, st->rounds,
           st->guest_bytes ? (double)st->pages_sent * SIM_PAGE_SIZE /
                             st->guest_bytes : 0);
    printf("  on the wire       %.1f MiB in %.2f s of stream, %.1f MB/s "
           "(%.2f s in all)\n", st->wire_bytes / 1048576.0,
           st->stream_seconds, mbps, st->seconds);
    printf("  downtime          %.1f ms\n", st->downtime_ms);
    printf("  transport         %s\n", o->rdma ?
           "RDMA (sent from the registered migration buffers)" : "TCP");
    printf("  migration buffers %.2f MiB (fixed, whatever the guest size)\n",
           st->buffer_bytes / 1048576.0);
    printf("  verified          %s (guest SHA-256 %.16s... on both hosts)\n",
           st->verified ? "yes" : "NO", hash);
    printf("  plaintext on wire %s\n", tap->found ?
           (o->plain ? "yes, as expected of --plain" : "YES: LEAK")
           : "none found");
    if (!o->plain) {
        printf("  level             %u (%s)\n", st->level, st->level == 2 ?
               "the hypervisors agreed the keys" :
               "the toolstack handed the keys to the hypervisor");
        printf("  streams           %u (a thread each at both ends)\n",
               o->streams ? o->streams : 1);
    }
}

/*
 * The outcome is unknown and the guest paused here.  On the simulator it
 * lives in this process: keep it until the operator, having looked at
 * the destination, says what to do with it.
 */
static void hold_for_operator(struct sim_host *h, domid_t domid,
                              const char *why)
{
    char path[256];
    bool resumed = false;
    int rc;

    encmig_resolve_path(path, sizeof(path));
    fprintf(stderr, "encmig: %s\n"
            "encmig: this process holds the paused guest.  Once you have "
            "checked the destination:\n"
            "encmig:   encmig resolve --sim %s --destroy   (it runs there)\n"
            "encmig:   encmig resolve --sim %s --resume    (it does not)\n",
            why, path, path);
    rc = encmig_resolve_hold(h, domid, path, &resumed);
    if (rc)
        fprintf(stderr, "encmig: cannot wait for the operator at %s: %s; "
                "the guest stays paused until this process ends\n", path,
                strerror(-rc));
    else
        fprintf(stderr, "encmig: the guest was %s here\n",
                resumed ? "resumed" : "destroyed");
}

/*
 * The source: start a guest of o->guest_mem, let it run and dirty pages,
 * migrate it to host:port.
 */
static int run_source(const struct mig_opts *o, const char *host,
                      uint16_t port, const char *pin_name)
{
    struct sim_host *h = sim_host_new(1, NULL);
    struct cli_marker_tap tap = { .found = 0 };
    struct cli_progress prog = { .tty = isatty(2) && !o->json };
    struct encmig_send_stats st;
    struct encmig_send_cfg cfg;
    struct encmig_rdma_stream rs;
    char err[512];
    domid_t domid;
    double setup_cpu_s;
    int fd = -1, rfd = -1, wfd = -1, rc, status;
    pid_t pid = -1;

    if (!h) {
        fprintf(stderr, "encmig: cannot start the simulated host\n");
        return 1;
    }
    if (o->rdma && (rc = encmig_rdma_source(&rs, host, port,
                                            PEER_TIMEOUT_S * 1000, err,
                                            sizeof(err)))) {
        fprintf(stderr, "encmig: --transport rdma: %s\n", err);
        sim_host_free(h);
        return 1;
    }
    rc = cli_make_guest(h, o->guest_mem, 0x5eed, &domid);
    if (rc) {
        fprintf(stderr, "encmig: creating a %llu MiB guest: %s\n",
                (unsigned long long)(o->guest_mem >> 20), strerror(-rc));
        goto out;
    }
    if (o->dirty_rate)
        sim_workload_start(h, domid, o->dirty_rate, 42);
    sim_domain_unpause(h, domid);
    if (o->warmup > 0)
        usleep(o->warmup * 1e6);

    if (o->ssh_cmd) {
        rc = cli_spawn(o->ssh_cmd, &rfd, &wfd, &pid);
        if (rc) {
            fprintf(stderr, "encmig: running '%s': %s\n", o->ssh_cmd,
                    strerror(-rc));
            goto out;
        }
    } else {
        fd = cli_connect(host, port);
        if (fd < 0) {
            rc = fd;
            fprintf(stderr, "encmig: connecting to %s port %u: %s\n", host,
                    port, strerror(-rc));
            goto out;
        }
        cli_set_timeout(fd, PEER_TIMEOUT_S);
        rfd = wfd = fd;
    }

    memset(&cfg, 0, sizeof(cfg));
    cfg.platform = encmig_platform_sim(h);
    cfg.domid = domid;
    cfg.rfd = rfd;
    cfg.wfd = wfd;
    cfg.plain = o->plain;
    cfg.peer_host = pin_name;
    cfg.trust.keydir = o->keydir;
    cfg.trust.known_hosts = o->known_hosts;
    cfg.trust.accept_new = o->accept_new;
    cfg.max_rounds = o->max_rounds;
    cfg.streams = o->streams;
    cfg.stream_x = o->rdma ? &rs.sx : NULL;
    cfg.progress = cli_progress;
    cfg.progress_opaque = &prog;
    cfg.tap = cli_marker_tap;
    cfg.tap_opaque = &tap;

    if (!o->json)
        fprintf(stderr, "encmig: migrating a %llu MiB guest (%s, dirtying %llu "
                "pages/s) to %s port %u%s\n",
                (unsigned long long)(o->guest_mem >> 20),
                o->plain ? "plain" : "encrypted",
                (unsigned long long)o->dirty_rate, host, port,
                o->rdma ? ", the stream by RDMA" : "");
    setup_cpu_s = encmig_cpu_seconds(RUSAGE_SELF);
    rc = encmig_migrate_send(&cfg, &st, err, sizeof(err));
    cli_progress_done(&prog);
    if (st.outcome == ENCMIG_OUTCOME_UNKNOWN) {
        hold_for_operator(h, domid, err);
        goto out;
    }
    if (rc && !st.downtime_ms) {
        bool paused = false;

        sim_domain_info(h, domid, NULL, &paused);
        fprintf(stderr, "encmig: migration failed: %s\n"
                "encmig: the guest is still here and %s\n", err,
                paused ? "PAUSED" : "running");
        goto out;
    }
    print_summary(o, &st, &tap, setup_cpu_s);
    if (rc)
        fprintf(stderr, "encmig: %s\n", err);

 out:
    if (fd >= 0)
        close(fd);
    else {
        if (rfd >= 0)
            close(rfd);
        if (wfd >= 0)
            close(wfd);
    }
    if (pid > 0)
        waitpid(pid, &status, 0);
    sim_host_free(h);
    return rc ? 1 : 0;
}

/*
 * The destination: receive one migration from rfd/wfd and host the guest
 * for run_s seconds.  Reports on stderr; 0 on success.
 */
static int run_dest(int rfd, int wfd, const struct mig_opts *o,
                    struct encmig_rdma_stream *rs, bool plain_only,
                    double run_s)
{
    struct sim_host *h = sim_host_new(2, NULL);
    struct encmig_recv_stats st;
    struct encmig_recv_cfg cfg;
    char err[512];
    int rc;

    if (!h)
        return 1;
    memset(&cfg, 0, sizeof(cfg));
    cfg.platform = encmig_platform_sim(h);
    cfg.rfd = rfd;
    cfg.wfd = wfd;
    cfg.plain_only = plain_only;
    cfg.stream_x = rs ? &rs->sx : NULL;
    cfg.trust.keydir = o->keydir;
    cfg.trust.authorized_sources = o->authorized_sources;
    cfg.trust.any_source = o->any_source;
    rc = encmig_migrate_receive(&cfg, &st, err, sizeof(err));
    if (rc)
        fprintf(stderr, "encmig: receiving: %s\n"
                "encmig: nothing of the guest is left here\n", err);
    else {
        if (!o->json)
            fprintf(stderr, "encmig: guest received (%llu MiB), running here "
                    "as domain %u\n", (unsigned long long)(st.guest_bytes >> 20),
                    st.domid);
        if (o->dirty_rate)
            sim_workload_start(h, st.domid, o->dirty_rate, 43);
        if (run_s > 0)
            usleep(run_s * 1e6);
    }
    sim_host_free(h);
    return rc ? 1 : 0;
}

/* Accept one connection on lfd and receive from it. */
static int run_dest_listen(int lfd, const struct mig_opts *o,
                           struct encmig_rdma_stream *rs, bool plain_only,
                           double run_s)
{
    int fd = accept(lfd, NULL, NULL), rc;

    if (fd < 0) {
        fprintf(stderr, "encmig: accept: %s\n", strerror(errno));
        return 1;
    }
    cli_set_timeout(fd, PEER_TIMEOUT_S);
    if (rs)
        encmig_rdma_expect_peer(rs, fd);
    rc = run_dest(fd, fd, o, rs, plain_only, run_s);
    close(fd);
    return rc;
}

int cmd_keygen(int argc, char **argv)
{
    const char *dir = ENCMIG_DEFAULT_KEYDIR;
    bool force = false;
    uint8_t pub[ENCMIG_PUBKEY_SIZE];
    char err[256], fp[ENCMIG_FINGERPRINT_SIZE];
    int c, rc;

    optind = 1;
    while ((c = getopt_long(argc, argv, "", mig_options, NULL)) != -1) {
        if (c == OPT_KEYDIR)
            dir = optarg;
        else if (c == OPT_FORCE)
            force = true;
        else
            return usage_error("keygen [--keydir DIR] [--force]");
    }
    if (optind != argc)
        return usage_error("keygen [--keydir DIR] [--force]");

    rc = encmig_hostkey_generate(dir, NULL, force, err, sizeof(err));
    if (rc) {
        fprintf(stderr, "encmig: keygen: %s\n", err);
        return 1;
    }
    if (encmig_hostkey_load_public(dir, pub, err, sizeof(err)) == 0 &&
         encmig_hostkey_fingerprint(pub, fp) == 0)
        printf("host key written to %s/%s\nfingerprint %s\n"
               "pin it in a source's known_hosts as 'HOST' + the .pub line;\n"
               "list it in a destination's %s as 'NAME' + the .pub line\n",
               dir, ENCMIG_HOSTKEY_FILE, fp, ENCMIG_AUTHORIZED_SOURCES_FILE);
    return 0;
}

int cmd_migrate(int argc, char **argv)
{
    static const char usage[] =
        "migrate [--plain] [--json] [--keydir DIR] [--known-hosts FILE] "
        "[--accept-new] [--guest-mem SIZE] [--dirty-rate PAGES_PER_S] "
        "[--max-rounds N] [--streams N] [--ssh-command CMD] "
        "[--transport tcp|rdma] GUEST HOST[:PORT]";
    struct mig_opts o;
    char host[256];
    uint16_t port;
    int c, rc;

    mig_defaults(&o);
    optind = 1;
    while ((c = getopt_long(argc, argv, "", mig_options, NULL)) != -1)
        if ((rc = mig_opt(&o, c, optarg)))
            return rc > 0 ? rc : usage_error(usage);
    if (argc - optind != 2)
        return usage_error(usage);
    if (cli_parse_hostport(argv[optind + 1], host, sizeof(host), &port,
                            DEFAULT_PORT))
        return bad_arg("destination", argv[optind + 1]);
    if (!o.json)
        fprintf(stderr, "encmig: simulated guest '%s'\n", argv[optind]);
    return run_source(&o, host, port, host);
}

int cmd_migrate_receive(int argc, char **argv)
{
    static const char usage[] =
        "migrate-receive {--listen ADDR[:PORT] | --stdio} [--keydir DIR] "
        "[--authorized-sources FILE] [--any-source] [--plain-only] "
        "[--transport tcp|rdma] [--run SECONDS]";
    struct mig_opts o;
    struct encmig_rdma_stream rs;
    const char *listen_at = NULL;
    bool plain_only = false, stdio = false;
    double run_s = 0;
    char host[256];
    uint16_t port, bound;
    int c, rc, lfd;

    mig_defaults(&o);
    o.dirty_rate = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", mig_options, NULL)) != -1) {
        if (c == OPT_LISTEN)
            listen_at = optarg;
        else if (c == OPT_PLAIN_ONLY)
            plain_only = true;
        else if (c == OPT_STDIO)
            stdio = true;
        else if (c == OPT_RUN)
            run_s = strtod(optarg, NULL);
        else if (c == OPT_ANY_SOURCE)
            o.any_source = true;
        else if (c == OPT_AUTHORIZED)
            o.authorized_sources = optarg;
        else if ((rc = mig_opt(&o, c, optarg)))
            return rc > 0 ? rc : usage_error(usage);
    }
    if (!!listen_at == stdio || optind != argc)
        return usage_error(usage);
    if (o.any_source)
        fprintf(stderr, "encmig: WARNING: --any-source: any host that "
                "reaches this receiver may migrate a guest here, plain "
                "migrations included; its key is not checked against "
                "authorized_sources\n");
    if (stdio) {
        /* Spawned by the source's transport (ssh), as xl migrate-receive. */
        if (o.rdma) {
            fprintf(stderr, "encmig: --transport rdma needs --listen: the "
                    "RDMA connection is accepted at that address\n");
            return 2;
        }
        rc = run_dest(0, 1, &o, NULL, plain_only, run_s);
        return rc;
    }
    if (cli_parse_hostport(listen_at, host, sizeof(host), &port,
                            DEFAULT_PORT))
        return bad_arg("listen address", listen_at);
    lfd = cli_listen(host, port, &bound);
    if (lfd < 0) {
        fprintf(stderr, "encmig: listening on %s port %u: %s\n", host, port,
                strerror(-lfd));
        return 1;
    }
    if (o.rdma) {
        char err[512];

        /* The same port in rdma_cm's own port space. */
        rc = encmig_rdma_dest(&rs, host, bound, PEER_TIMEOUT_S * 1000, err,
                              sizeof(err));
        if (rc) {
            fprintf(stderr, "encmig: --transport rdma: %s\n", err);
            close(lfd);
            return 1;
        }
    }
    fprintf(stderr, "encmig: waiting for a migration on %s port %u%s\n",
            host, bound, o.rdma ? " (the stream by RDMA)" : "");
    rc = run_dest_listen(lfd, &o, o.rdma ? &rs : NULL, plain_only, run_s);
    if (o.rdma)
        encmig_rdma_fini(&rs);
    close(lfd);
    return rc;
}

/*
 * Throw-away host keys for the demo: both ends are this host, so one key
 * serves both, pinned for the source and listed for the destination.
 */
static int demo_keys(char *dir, size_t len, struct mig_opts *o,
                     char *known, size_t klen)
{
    uint8_t pub[ENCMIG_PUBKEY_SIZE];
    char err[256], b64[ENCMIG_PUBKEY_B64_SIZE], path[512];
    FILE *f;

    snprintf(dir, len, "/tmp/encmig-demo-XXXXXX");
    if (!mkdtemp(dir))
        return -errno;
    if (encmig_hostkey_generate(dir, "encmig-demo", false, err,
                                 sizeof(err)) ||
         encmig_hostkey_load_public(dir, pub, err, sizeof(err)) ||
         encmig_pubkey_to_b64(pub, b64)) {
        fprintf(stderr, "encmig: demo host key: %s\n", err);
        return -EIO;
    }
    snprintf(known, klen, "%s/%s", dir, ENCMIG_KNOWN_HOSTS_FILE);
    f = fopen(known, "w");
    if (!f)
        return -errno;
    fprintf(f, "127.0.0.1 %s %s\n", ENCMIG_KEYTYPE, b64);
    fclose(f);
    snprintf(path, sizeof(path), "%s/%s", dir,
             ENCMIG_AUTHORIZED_SOURCES_FILE);
    f = fopen(path, "w");
    if (!f)
        return -errno;
    fprintf(f, "demo-source %s %s\n", ENCMIG_KEYTYPE, b64);
    fclose(f);
    o->keydir = dir;
    o->known_hosts = known;
    return 0;
}

static void demo_cleanup(const char *dir)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", dir, ENCMIG_HOSTKEY_FILE);
    unlink(path);
    snprintf(path, sizeof(path), "%s/%s", dir, ENCMIG_HOSTKEY_PUB_FILE);
    unlink(path);
    snprintf(path, sizeof(path), "%s/%s", dir, ENCMIG_KNOWN_HOSTS_FILE);
    unlink(path);
    snprintf(path, sizeof(path), "%s/%s", dir,
             ENCMIG_AUTHORIZED_SOURCES_FILE);
    unlink(path);
    rmdir(dir);
}

int cmd_demo(int argc, char **argv)
{
    static const char usage[] =
        "demo [--guest-mem SIZE] [--dirty-rate PAGES_PER_S] [--plain] "
        "[--max-rounds N] [--streams N] [--json]";
    struct mig_opts o;
    char dir[64], known[128];
    uint16_t port;
    pid_t pid;
    int c, rc, lfd, status;

    mig_defaults(&o);
    optind = 1;
    while ((c = getopt_long(argc, argv, "", mig_options, NULL)) != -1)
        if ((rc = mig_opt(&o, c, optarg)))
            return rc > 0 ? rc : usage_error(usage);
    if (optind != argc)
        return usage_error(usage);

    if ((rc = demo_keys(dir, sizeof(dir), &o, known, sizeof(known)))) {
        fprintf(stderr, "encmig: demo keys: %s\n", strerror(-rc));
        return 1;
    }
    lfd = cli_listen("127.0.0.1", 0, &port);
    if (lfd < 0) {
        fprintf(stderr, "encmig: listening on loopback: %s\n",
                strerror(-lfd));
        demo_cleanup(dir);
        return 1;
    }
    if (!o.json)
        fprintf(stderr, "encmig demo: destination host on 127.0.0.1 port %u, "
                "host key pinned in %s\n", port, known);

    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "encmig: fork: %s\n", strerror(errno));
        close(lfd);
        demo_cleanup(dir);
        return 1;
    }
    if (pid == 0) {
        struct mig_opts d = o;

        /* The destination resumes the guest and lets it run a moment;
         * the source tells the story.  A plain demo has no handshake
         * to prove its source. */
        d.json = true;
        d.any_source = o.plain;
        _exit(run_dest_listen(lfd, &d, NULL, false, 0.2));
    }
    close(lfd);

    rc = run_source(&o, "127.0.0.1", port, "127.0.0.1");
    if (waitpid(pid, &status, 0) == pid &&
         !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
        rc = 1;
    demo_cleanup(dir);
    return rc;
}
