/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * bench-migrate.c: encmig bench migrate.
 *
 * What the encrypted stream costs against the plain one, and what it
 * gains against the plain one carried by ssh (what xl migrate does today),
 * on loopback and across a veth pair between two network namespaces shaped
 * to 10 Gbit/s.  Every migration is this very binary run as
 * `encmig migrate-receive` and `encmig migrate --json` child processes, so
 * what is measured is what an administrator runs.  The scenarios are
 * interleaved and the best of each kept, because these machines are shared
 * and noisy: a noisy neighbour then hurts all of them alike.
 *
 * All the run makes (a temporary directory of throw-away keys, an sshd,
 * two namespaces and their veth pair) is removed on every way out,
 * SIGINT, SIGTERM and SIGHUP included, and every child is killed after a
 * bound, so a hung migration cannot hang the benchmark.
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-migrate.h"
#include "cli.h"
#include "commands.h"
#include "hostkey.h"
#include "known-hosts.h"
#include "util.h"

#define CHILD_TIMEOUT_S   120.0     /* a migration, or a set-up command */
#define READY_TIMEOUT_S   10.0      /* a listener to come up */
#define STOP_TIMEOUT_S    3.0       /* what we stop to be gone */
#define POLL_US           10000
#define SSHD              "/usr/sbin/sshd"
#define SSH_CIPHER        "aes256-gcm@openssh.com"
/*
 * Each end of the veth pair.  The burst is well above a 64 KiB GSO packet,
 * yet a small head start against the ~290 MB a 256 MiB guest sends.
 */
#define SHAPE_RATE        "10gbit"
#define SHAPE_BURST       "4mb"
#define SHAPE_LATENCY     "50ms"
#define MAX_ARGS          32
#define PATH_LEN          64        /* our temporary files' paths */
#define WHY_LEN           sizeof(((struct bench_mig_scenario_result *)0)->why)

/* The signal that asked us to stop, or 0. */
static volatile sig_atomic_t bm_stop;

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

struct bm_env {
    const struct bench_migrate_cfg *cfg;
    char exe[PATH_MAX];
    char dir[32];                   /* our temporary directory, or "" */
    char guest_mem[24];
    char dirty_rate[24];
    pid_t sshd;                     /* 0: none running */
    char ssh_cmd[PATH_MAX + 512];
    /* [0] the source's side, [1] the destination's */
    bool ns_made[2];
    char ns[2][32];
    char veth[2][16];
    char addr[2][32];
};

/* What one `encmig migrate --json` reported. */
struct bm_run {
    double mbps;
    double downtime_ms;
    double seconds;
    double stream_seconds;
    double wire_bytes;
    bool verified;
};

static char *bm_path(const struct bm_env *e, const char *name, char *buf)
{
    snprintf(buf, PATH_LEN, "%s/%s", e->dir, name);
    return buf;
}

/* The start of a file into buf, NUL-terminated; bytes read or -errno. */
static ssize_t bm_read(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    buf[0] = '\0';
    if (fd < 0)
        return -errno;
    n = read(fd, buf, len - 1);
    close(fd);
    if (n < 0)
        return -errno;
    buf[n] = '\0';
    return n;
}

/* The end of a child's output file on one line, for error messages. */
static void bm_tail(const char *path, char *out, size_t len)
{
    char buf[192];
    ssize_t n = 0;
    size_t i, o = 0;
    int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    off_t size;

    if (fd >= 0) {
        size = lseek(fd, 0, SEEK_END);
        lseek(fd, size > (off_t)sizeof(buf) - 1 ?
                  size - (off_t)sizeof(buf) + 1 : 0, SEEK_SET);
        n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
    }
    while (n > 0 && isspace((unsigned char)buf[n - 1]))
        n--;
    for (i = 0; i < (size_t)(n > 0 ? n : 0) && o + 3 < len; i++) {
        if (buf[i] != '\n')
            out[o++] = buf[i];
        else {
            out[o++] = ';';
            out[o++] = ' ';
        }
    }
    out[o] = '\0';
    if (o == 0)
        snprintf(out, len, "(nothing on its stderr)");
}

static int bm_redirect(int fd, const char *path, int flags)
{
    int f = open(path ? path : "/dev/null", flags, 0600);

    if (f < 0)
        return -1;
    if (f != fd) {
        if (dup2(f, fd) < 0)
            return -1;
        close(f);
    }
    return 0;
}

/*
 * Start argv (argv[0] looked up in PATH) with stdin on /dev/null, stdout
 * and stderr on the files out and err (NULL: /dev/null).  The child leads
 * its own process group, so a timeout also kills what it started (the ssh
 * under `encmig migrate --ssh-command`), and it dies with us.
 */
static int bm_spawn(const char *const argv[], const char *out,
                    const char *err, pid_t *pid)
{
    pid_t parent = getpid();

    fflush(NULL);
    *pid = fork();
    if (*pid < 0)
        return -errno;
    if (*pid == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        /* encmig ignores SIGPIPE, ssh and sshd expect the default. */
        signal(SIGPIPE, SIG_DFL);
        if (bm_redirect(0, NULL, O_RDONLY) ||
            bm_redirect(1, out, O_WRONLY | O_CREAT | O_TRUNC) ||
            bm_redirect(2, err, O_WRONLY | O_CREAT | O_TRUNC))
            _exit(127);
        execvp(argv[0], (char *const *)argv);
        dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    setpgid(*pid, *pid);
    return 0;
}

static void bm_kill(pid_t pid, int *status)
{
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    while (waitpid(pid, status, 0) < 0 && errno == EINTR)
        continue;
}

/*
 * Reap pid by deadline: 0 with *status, -ETIMEDOUT, or -EINTR when a
 * signal asked us to stop (unless we are cleaning up, when nothing must
 * cut the wait short).  On error pid is left running.
 */
static int bm_wait(pid_t pid, double deadline, bool interruptible,
                   int *status)
{
    pid_t r;

    for (;;) {
        r = waitpid(pid, status, WNOHANG);
        if (r == pid)
            return 0;
        if (r < 0 && errno != EINTR)
            return -errno;
        if (interruptible && bm_stop)
            return -EINTR;
        if (encmig_now() > deadline)
            return -ETIMEDOUT;
        usleep(POLL_US);
    }
}

/* bm_wait, killing pid's process group if it did not end in time. */
static int bm_reap(pid_t pid, double deadline, bool interruptible,
                   int *status)
{
    int rc = bm_wait(pid, deadline, interruptible, status);

    if (rc == -ETIMEDOUT || rc == -EINTR)
        bm_kill(pid, status);
    return rc;
}

/* The parent of pid from /proc, or 0. */
static pid_t bm_ppid(pid_t pid)
{
    char path[32], buf[512];
    const char *p;
    int ppid;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if (bm_read(path, buf, sizeof(buf)) <= 0 ||
        !(p = strrchr(buf, ')')) || sscanf(p + 1, " %*c %d", &ppid) != 1)
        return 0;
    return ppid;
}

/* Whether pid descends from root (and is not root). */
static bool bm_descends(pid_t pid, pid_t root)
{
    unsigned int depth;

    /* Bounded: a process tree is shallow, and /proc moves under us. */
    for (depth = 0; depth < 64 && pid > 1; depth++)
        if ((pid = bm_ppid(pid)) == root)
            return true;
    return false;
}

/*
 * SIGKILL every descendant of root and wait (bounded) until they are gone.
 * sshd's sessions leave its process group (setsid), so only parentage
 * ties them, and the destination they run, to us: this must run while
 * the chain is whole, before the ssh client or sshd itself is killed.
 */
static void bm_kill_descendants(pid_t root)
{
    pid_t pids[256];
    unsigned int n = 0, i;
    double deadline = encmig_now() + STOP_TIMEOUT_S;
    struct dirent *de;
    char path[32];
    DIR *d;
    long pid;

    if (root <= 0 || !(d = opendir("/proc")))
        return;
    while (n < sizeof(pids) / sizeof(pids[0]) && (de = readdir(d)))
        if ((pid = strtol(de->d_name, NULL, 10)) > 1 &&
            bm_descends(pid, root))
            pids[n++] = pid;
    closedir(d);
    for (i = 0; i < n; i++)
        kill(pids[i], SIGKILL);
    /* Not our children: init reaps them, which takes a moment. */
    for (i = 0; i < n && encmig_now() < deadline;) {
        snprintf(path, sizeof(path), "/proc/%d", (int)pids[i]);
        if (access(path, F_OK))
            i++;
        else
            usleep(POLL_US);
    }
}

static bool bm_exited_ok(int status)
{
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void bm_join(const char *const argv[], char *buf, size_t len)
{
    size_t o = 0;
    unsigned int i;

    buf[0] = '\0';
    for (i = 0; argv[i] && o < len; i++)
        o += snprintf(buf + o, len - o, "%s%s", i ? " " : "", argv[i]);
}

/*
 * Run a command (looked up in PATH) to completion, bounded.  0, or -errno
 * with why (if not NULL) naming the command and quoting its stderr.
 */
static int bm_cmd(const struct bm_env *e, bool interruptible, char *why,
                  const char *arg0, ...)
{
    const char *argv[MAX_ARGS];
    char log[PATH_LEN], cmd[96], tail[150];
    const char *logp = e->dir[0] ? bm_path(e, "cmd.log", log) : NULL;
    unsigned int n = 0;
    va_list ap;
    pid_t pid;
    int rc, status;

    va_start(ap, arg0);
    argv[n++] = arg0;
    while (n < MAX_ARGS - 1 && (argv[n] = va_arg(ap, const char *)))
        n++;
    va_end(ap);
    argv[n] = NULL;

    rc = bm_spawn(argv, NULL, logp, &pid);
    if (!rc)
        rc = bm_reap(pid, encmig_now() + CHILD_TIMEOUT_S, interruptible,
                     &status);
    if (!rc && !bm_exited_ok(status))
        rc = -EIO;
    if (rc && why) {
        bm_join(argv, cmd, sizeof(cmd));
        if (rc == -EIO)
            bm_tail(logp, tail, sizeof(tail));
        else
            snprintf(tail, sizeof(tail), "%s", strerror(-rc));
        snprintf(why, WHY_LEN, "%s: %s", cmd, tail);
    }
    return rc;
}

/*
 * Throw-away encmig host keys that both ends use, a known_hosts pinning
 * them under both names the source will use for the destination, and the
 * destination's authorized_sources listing them for the source.
 */
static int bm_keys(const struct bm_env *e, char *why)
{
    char keydir[PATH_LEN], pub[PATH_LEN * 2], known[PATH_LEN];
    char type[64], b64[128];
    FILE *f;
    int rc, got;

    rc = bm_cmd(e, true, why, e->exe, "keygen", "--keydir",
                bm_path(e, "keys", keydir), NULL);
    if (rc)
        return rc;
    snprintf(pub, sizeof(pub), "%s/%s", keydir, ENCMIG_HOSTKEY_PUB_FILE);
    f = fopen(pub, "r");
    got = f ? fscanf(f, "%63s %127s", type, b64) : 0;
    if (f)
        fclose(f);
    if (got != 2) {
        snprintf(why, WHY_LEN, "no public key in %s", pub);
        return -EIO;
    }
    f = fopen(bm_path(e, "known_hosts", known), "w");
    if (!f) {
        rc = -errno;
        snprintf(why, WHY_LEN, "%s: %s", known, strerror(-rc));
        return rc;
    }
    fprintf(f, "127.0.0.1 %s %s\n%s %s %s\n", ENCMIG_KEYTYPE, b64,
            e->addr[1], ENCMIG_KEYTYPE, b64);
    if (fclose(f)) {
        rc = -errno;
        snprintf(why, WHY_LEN, "%s: %s", known, strerror(-rc));
        return rc;
    }
    snprintf(pub, sizeof(pub), "%s/%s", keydir,
             ENCMIG_AUTHORIZED_SOURCES_FILE);
    f = fopen(pub, "w");
    if (!f || fprintf(f, "bench-source %s %s\n", ENCMIG_KEYTYPE, b64) < 0 ||
        fclose(f)) {
        rc = -errno;
        snprintf(why, WHY_LEN, "%s: %s", pub, strerror(-rc));
        return rc;
    }
    return 0;
}

/* A port free on loopback now; sshd may still lose it to a race. */
static int bm_free_port(uint16_t *port)
{
    int fd = cli_listen("127.0.0.1", 0, port);

    if (fd < 0)
        return fd;
    close(fd);
    return 0;
}

static int bm_sshd_config(const struct bm_env *e, const char *path,
                          uint16_t port)
{
    char tmp[PATH_LEN];
    FILE *f = fopen(path, "w");

    if (!f)
        return -errno;
    fprintf(f, "Port %u\nListenAddress 127.0.0.1\nHostKey %s\n", port,
            bm_path(e, "ssh_host_ed25519_key", tmp));
    fprintf(f, "AuthorizedKeysFile %s\n", bm_path(e, "id_ed25519.pub", tmp));
    fprintf(f, "PidFile %s\n", bm_path(e, "sshd.pid", tmp));
    fprintf(f, "PermitRootLogin prohibit-password\nStrictModes no\n"
            "UsePAM no\nPasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\n");
    return fclose(f) ? -errno : 0;
}

/*
 * Wait until something accepts on 127.0.0.1:port.  A probe is fine for
 * sshd, which serves many connections; -ECHILD if pid died (reaped).
 */
static int bm_wait_accepting(pid_t pid, uint16_t port)
{
    double deadline = encmig_now() + READY_TIMEOUT_S;
    int fd, status;

    while (!bm_stop && encmig_now() < deadline) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            return -ECHILD;
        fd = cli_connect("127.0.0.1", port);
        if (fd >= 0) {
            close(fd);
            return 0;
        }
        usleep(POLL_US * 5);
    }
    return bm_stop ? -EINTR : -ETIMEDOUT;
}

static void bm_sshd_stop(struct bm_env *e)
{
    int status;

    if (e->sshd <= 0)
        return;
    bm_kill_descendants(e->sshd);
    kill(e->sshd, SIGTERM);
    bm_reap(e->sshd, encmig_now() + STOP_TIMEOUT_S, false, &status);
    e->sshd = 0;
}

/* Start sshd on a free port; up to three ports, in case one is taken. */
static int bm_sshd_run(struct bm_env *e, uint16_t *port, char *why)
{
    char conf[PATH_LEN], log[PATH_LEN], tail[160];
    const char *argv[] = { SSHD, "-D", "-e", "-f", conf, NULL };
    unsigned int attempt;
    int rc = 0;

    bm_path(e, "sshd_config", conf);
    bm_path(e, "sshd.log", log);
    for (attempt = 0; attempt < 3; attempt++) {
        if ((rc = bm_free_port(port)) ||
            (rc = bm_sshd_config(e, conf, *port)) ||
            (rc = bm_spawn(argv, NULL, log, &e->sshd)))
            break;
        rc = bm_wait_accepting(e->sshd, *port);
        if (rc != -ECHILD)
            break;
        e->sshd = 0;
    }
    if (rc) {
        bm_tail(log, tail, sizeof(tail));
        snprintf(why, WHY_LEN, "sshd did not come up (%s): %s",
                 strerror(-rc), tail);
    }
    return rc;
}

/*
 * Our own sshd on loopback with throw-away host and user keys, and the
 * ssh command that carries the plain stream to `encmig migrate-receive
 * --stdio` through it, as xl migrate does.
 */
static int bm_sshd_start(struct bm_env *e, char *why)
{
    char hostkey[PATH_LEN], userkey[PATH_LEN];
    uint16_t port;
    int rc;

    if (geteuid() != 0) {
        snprintf(why, WHY_LEN, "starting our own sshd needs root");
        return -EPERM;
    }
    if (access(SSHD, X_OK)) {
        rc = -errno;
        snprintf(why, WHY_LEN, "%s: %s", SSHD, strerror(-rc));
        return rc;
    }
    /* The path goes unquoted through two shells: local and remote. */
    if (strspn(e->exe, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
               "0123456789/._+-") != strlen(e->exe)) {
        snprintf(why, WHY_LEN, "the path of encmig has characters a shell "
                 "would interpret: %.160s", e->exe);
        return -EINVAL;
    }
    rc = bm_cmd(e, true, why, "ssh-keygen", "-q", "-t", "ed25519", "-N", "",
                "-C", "encmig-bench", "-f",
                bm_path(e, "ssh_host_ed25519_key", hostkey), NULL);
    if (!rc)
        rc = bm_cmd(e, true, why, "ssh-keygen", "-q", "-t", "ed25519", "-N",
                    "", "-C", "encmig-bench", "-f",
                    bm_path(e, "id_ed25519", userkey), NULL);
    if (rc)
        return rc;
    /* sshd's privilege separation directory; left for the system's sshd. */
    if (mkdir("/run/sshd", 0755) && errno != EEXIST) {
        rc = -errno;
        snprintf(why, WHY_LEN, "mkdir /run/sshd: %s", strerror(-rc));
        return rc;
    }
    if ((rc = bm_sshd_run(e, &port, why)))
        return rc;
    snprintf(e->ssh_cmd, sizeof(e->ssh_cmd),
             "ssh -c %s -p %u -i %s -o StrictHostKeyChecking=no "
             "-o UserKnownHostsFile=/dev/null -o BatchMode=yes "
             "-o LogLevel=ERROR root@127.0.0.1 "
             "%s migrate-receive --stdio --plain-only --any-source",
             SSH_CIPHER, port, userkey, e->exe);
    return 0;
}

static void bm_net_names(struct bm_env *e)
{
    unsigned int pid = getpid();

    snprintf(e->ns[0], sizeof(e->ns[0]), "encmig-bench-a-%u", pid);
    snprintf(e->ns[1], sizeof(e->ns[1]), "encmig-bench-b-%u", pid);
    snprintf(e->veth[0], sizeof(e->veth[0]), "ebma%u", pid);
    snprintf(e->veth[1], sizeof(e->veth[1]), "ebmb%u", pid);
    /* A /30 of 10/8 picked by pid; it exists only inside our namespaces. */
    snprintf(e->addr[0], sizeof(e->addr[0]), "10.%u.%u.1",
             100 + pid % 100, pid / 100 % 256);
    snprintf(e->addr[1], sizeof(e->addr[1]), "10.%u.%u.2",
             100 + pid % 100, pid / 100 % 256);
}

/* One end of the veth pair: address, links up, shaped. */
static int bm_net_end(const struct bm_env *e, unsigned int i, char *why)
{
    char cidr[48];

    snprintf(cidr, sizeof(cidr), "%s/30", e->addr[i]);
    return bm_cmd(e, true, why, "ip", "-n", e->ns[i], "addr", "add", cidr,
                  "dev", e->veth[i], NULL) ?:
           bm_cmd(e, true, why, "ip", "-n", e->ns[i], "link", "set", "lo",
                  "up", NULL) ?:
           bm_cmd(e, true, why, "ip", "-n", e->ns[i], "link", "set",
                  e->veth[i], "up", NULL) ?:
           bm_cmd(e, true, why, "tc", "-n", e->ns[i], "qdisc", "add", "dev",
                  e->veth[i], "root", "tbf", "rate", SHAPE_RATE, "burst",
                  SHAPE_BURST, "latency", SHAPE_LATENCY, NULL);
}

/*
 * Two namespaces joined by a veth pair shaped to 10 Gbit/s both ways.
 * *skip when namespaces cannot be made here at all (not root, no
 * support), rather than a set-up that went wrong.
 */
static int bm_net_setup(struct bm_env *e, bool *skip, char *why)
{
    int rc;

    *skip = true;
    if (geteuid() != 0) {
        snprintf(why, WHY_LEN, "network namespaces need root");
        return -EPERM;
    }
    if ((rc = bm_cmd(e, true, why, "ip", "netns", "add", e->ns[0], NULL)))
        return rc;
    e->ns_made[0] = true;
    *skip = false;
    if ((rc = bm_cmd(e, true, why, "ip", "netns", "add", e->ns[1], NULL)))
        return rc;
    e->ns_made[1] = true;
    return bm_cmd(e, true, why, "ip", "link", "add", e->veth[0], "netns",
                  e->ns[0], "type", "veth", "peer", "name", e->veth[1],
                  "netns", e->ns[1], NULL) ?:
           bm_net_end(e, 0, why) ?:
           bm_net_end(e, 1, why);
}

static void bm_net_teardown(struct bm_env *e)
{
    char why[WHY_LEN];
    unsigned int i;

    /* Deleting a namespace destroys the veth end in it, so the pair. */
    for (i = 0; i < 2; i++) {
        if (!e->ns_made[i])
            continue;
        if (bm_cmd(e, false, why, "ip", "netns", "del", e->ns[i], NULL))
            fprintf(stderr, "encmig: could not remove network namespace "
                    "%s: %s\n", e->ns[i], why);
        else
            e->ns_made[i] = false;
    }
}

/* "ip netns exec NS" ahead of a command run in namespace i. */
static unsigned int bm_in_ns(const struct bm_env *e, unsigned int i,
                             const char **argv)
{
    argv[0] = "ip";
    argv[1] = "netns";
    argv[2] = "exec";
    argv[3] = e->ns[i];
    return 4;
}

/*
 * Wait for the destination to say it listens, and read its port there:
 * it accepts a single connection, so a probe would be taken for the
 * migration.  -ECHILD if it died (reaped).
 */
static int bm_wait_listening(pid_t pid, const char *log, uint16_t *port)
{
    double deadline = encmig_now() + READY_TIMEOUT_S;
    char buf[512];
    const char *p;
    int status;

    while (!bm_stop && encmig_now() < deadline) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            return -ECHILD;
        if (bm_read(log, buf, sizeof(buf)) > 0 &&
            (p = strstr(buf, "waiting for a migration")) &&
            strchr(p, '\n') && (p = strstr(p, " port "))) {
            *port = strtoul(p + 6, NULL, 10);
            return *port ? 0 : -EPROTO;
        }
        usleep(POLL_US);
    }
    return bm_stop ? -EINTR : -ETIMEDOUT;
}

/* `encmig migrate-receive --listen ADDR:0`, listening when we return. */
static int bm_dest_start(const struct bm_env *e, const struct bm_scenario *sc,
                         pid_t *pid, uint16_t *port, char *why)
{
    const char *argv[MAX_ARGS];
    char listen[48], keydir[PATH_LEN], log[PATH_LEN], tail[160];
    unsigned int n = sc->veth ? bm_in_ns(e, 1, argv) : 0;
    int rc, status;

    snprintf(listen, sizeof(listen), "%s:0",
             sc->veth ? e->addr[1] : "127.0.0.1");
    argv[n++] = e->exe;
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
    if ((rc = bm_spawn(argv, NULL, log, pid))) {
        snprintf(why, WHY_LEN, "fork: %s", strerror(-rc));
        return rc;
    }
    rc = bm_wait_listening(*pid, log, port);
    if (rc && rc != -ECHILD)
        bm_kill(*pid, &status);
    if (rc) {
        bm_tail(log, tail, sizeof(tail));
        snprintf(why, WHY_LEN, "encmig migrate-receive did not listen (%s): "
                 "%s", strerror(-rc), tail);
    }
    return rc;
}

/* The number after "key": in a one-line JSON object. */
static int bm_json_num(const char *js, const char *key, double *v)
{
    char pat[64];
    const char *p;
    char *end;

    snprintf(pat, sizeof(pat), "\"%s\":", key);
    if (!(p = strstr(js, pat)))
        return -ENOENT;
    p += strlen(pat);
    *v = strtod(p, &end);
    return end == p ? -EINVAL : 0;
}

static int bm_json_true(const char *js, const char *key, bool *v)
{
    char pat[64];

    snprintf(pat, sizeof(pat), "\"%s\": true", key);
    *v = strstr(js, pat) != NULL;
    snprintf(pat, sizeof(pat), "\"%s\":", key);
    return strstr(js, pat) ? 0 : -ENOENT;
}

static int bm_parse(const char *js, struct bm_run *run)
{
    return bm_json_num(js, "throughput_mbps", &run->mbps) ?:
           bm_json_num(js, "downtime_ms", &run->downtime_ms) ?:
           bm_json_num(js, "seconds", &run->seconds) ?:
           bm_json_num(js, "stream_seconds", &run->stream_seconds) ?:
           bm_json_num(js, "wire_bytes", &run->wire_bytes) ?:
           bm_json_true(js, "verified", &run->verified);
}

/* `encmig migrate --json ...` to the destination, to completion. */
static int bm_source(const struct bm_env *e, const struct bm_scenario *sc,
                     uint16_t port, struct bm_run *run, char *why)
{
    const char *argv[MAX_ARGS];
    char keydir[PATH_LEN], known[PATH_LEN], out[PATH_LEN], log[PATH_LEN];
    char dest[48], js[2048], tail[160];
    unsigned int n = sc->veth ? bm_in_ns(e, 0, argv) : 0;
    int rc, status;
    pid_t pid;

    if (sc->ssh)
        snprintf(dest, sizeof(dest), "127.0.0.1");
    else
        snprintf(dest, sizeof(dest), "%s:%u",
                 sc->veth ? e->addr[1] : "127.0.0.1", port);
    argv[n++] = e->exe;
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
        argv[n++] = e->ssh_cmd;
    }
    argv[n++] = "bench-guest";
    argv[n++] = dest;
    argv[n] = NULL;

    unlink(bm_path(e, "send.json", out));
    bm_path(e, "send.log", log);
    if ((rc = bm_spawn(argv, out, log, &pid))) {
        snprintf(why, WHY_LEN, "fork: %s", strerror(-rc));
        return rc;
    }
    rc = bm_wait(pid, encmig_now() + CHILD_TIMEOUT_S, true, &status);
    if (rc == -ETIMEDOUT || rc == -EINTR) {
        /* Over ssh the destination hangs off our sshd: end it first. */
        if (sc->ssh)
            bm_kill_descendants(e->sshd);
        bm_kill(pid, &status);
    }
    if (rc == -EINTR)
        return rc;
    bm_tail(log, tail, sizeof(tail));
    if (rc == -ETIMEDOUT)
        snprintf(why, WHY_LEN, "encmig migrate killed after %.0f s: %s",
                 CHILD_TIMEOUT_S, tail);
    else if (rc || !bm_exited_ok(status))
        snprintf(why, WHY_LEN, "encmig migrate failed: %s", tail);
    else if (bm_read(out, js, sizeof(js)) <= 0 || bm_parse(js, run))
        snprintf(why, WHY_LEN, "encmig migrate gave no JSON summary: %s",
                 tail);
    else if (!run->verified)
        snprintf(why, WHY_LEN, "the guest did not verify at the destination");
    else
        return 0;
    return rc ?: -EIO;
}

/* One migration of the scenario: destination, then source, both reaped. */
static int bm_migrate(const struct bm_env *e, const struct bm_scenario *sc,
                      struct bm_run *run, char *why)
{
    char log[PATH_LEN], tail[160];
    double deadline = encmig_now() + CHILD_TIMEOUT_S;
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
        bm_kill(dest, &status);
        return rc;
    }
    rc = bm_reap(dest, deadline, true, &status);
    if (rc == -EINTR)
        return rc;
    if (rc || !bm_exited_ok(status)) {
        bm_tail(bm_path(e, "recv.log", log), tail, sizeof(tail));
        snprintf(why, WHY_LEN, "encmig migrate-receive %s: %s",
                 rc ? "killed after its timeout" : "failed", tail);
        return rc ?: -EIO;
    }
    return 0;
}

static void bm_fail(struct bench_migrate_result *r, unsigned int i,
                    const char *why)
{
    r->s[i].state = BENCH_MIG_FAILED;
    if (why != r->s[i].why)
        snprintf(r->s[i].why, WHY_LEN, "%s", why);
    r->verified = false;
}

/*
 * Everything the scenarios need.  An error here that stops all of them
 * is said on stderr and returned; one that stops some marks those.
 */
static int bm_prepare(struct bm_env *e, struct bench_migrate_result *r)
{
    char why[WHY_LEN];
    ssize_t n;
    bool skip;
    int rc;

    n = readlink("/proc/self/exe", e->exe, sizeof(e->exe) - 1);
    if (n <= 0 || (size_t)n >= sizeof(e->exe) - 1) {
        rc = n < 0 ? -errno : -ENAMETOOLONG;
        fprintf(stderr, "encmig: bench migrate: /proc/self/exe: %s\n",
                strerror(-rc));
        return rc;
    }
    e->exe[n] = '\0';
    snprintf(e->dir, sizeof(e->dir), "/tmp/encmig-bench-XXXXXX");
    if (!mkdtemp(e->dir)) {
        rc = -errno;
        e->dir[0] = '\0';
        fprintf(stderr, "encmig: bench migrate: temporary directory: %s\n",
                strerror(-rc));
        return rc;
    }
    if ((rc = bm_keys(e, why))) {
        fprintf(stderr, "encmig: bench migrate: host keys: %s\n", why);
        return rc;
    }
    if ((rc = bm_sshd_start(e, why))) {
        if (rc == -EINTR)
            return rc;
        if (rc == -EPERM) {
            /* Not root: the loopback runs go on without the ssh one. */
            fprintf(stderr, "ssh scenario skipped: %s\n", why);
            r->s[BENCH_MIG_SSH_LO].state = BENCH_MIG_SKIPPED;
            snprintf(r->s[BENCH_MIG_SSH_LO].why, WHY_LEN, "%s", why);
        } else {
            bm_fail(r, BENCH_MIG_SSH_LO, why);
        }
    }
    if ((rc = bm_net_setup(e, &skip, why))) {
        if (rc == -EINTR)
            return rc;
        if (skip) {
            fprintf(stderr, "10 Gbit/s veth scenario skipped: %s\n", why);
            r->s[BENCH_MIG_ENC_10G].state = BENCH_MIG_SKIPPED;
            r->s[BENCH_MIG_PLAIN_10G].state = BENCH_MIG_SKIPPED;
            snprintf(r->s[BENCH_MIG_ENC_10G].why, WHY_LEN, "%s", why);
            snprintf(r->s[BENCH_MIG_PLAIN_10G].why, WHY_LEN, "%s", why);
        } else {
            bm_fail(r, BENCH_MIG_ENC_10G, why);
            bm_fail(r, BENCH_MIG_PLAIN_10G, why);
        }
    }
    return 0;
}

static void bm_record(struct bench_mig_scenario_result *s,
                      const struct bm_run *run)
{
    if (!s->runs || run->mbps > s->mbps)
        s->mbps = run->mbps;
    if (!s->runs || run->downtime_ms < s->downtime_ms)
        s->downtime_ms = run->downtime_ms;
    s->runs++;
}

/* Every scenario once per repetition, so drift and noise hit all alike. */
static int bm_measure(const struct bm_env *e, struct bench_migrate_result *r)
{
    const struct bench_migrate_cfg *cfg = e->cfg;
    struct bench_mig_scenario_result *s;
    struct bm_run run;
    unsigned int rep, i;
    int rc;

    for (rep = 0; rep < cfg->reps; rep++) {
        for (i = 0; i < BENCH_MIG_NR; i++) {
            s = &r->s[i];
            if (s->state != BENCH_MIG_OK)
                continue;
            if (bm_stop)
                return -EINTR;
            rc = bm_migrate(e, &bm_scenarios[i], &run, s->why);
            if (rc == -EINTR)
                return rc;
            if (rc)
                bm_fail(r, i, s->why);
            else
                bm_record(s, &run);
            if (!cfg->verbose)
                continue;
            if (rc)
                fprintf(stderr, "encmig: run %u/%u  %-26s FAILED\n", rep + 1,
                        cfg->reps, bm_scenarios[i].name);
            else
                fprintf(stderr, "encmig: run %u/%u  %-26s %8.1f MB/s "
                        "(%.1f MB in %.3f s of stream, %.3f s in all), "
                        "downtime %.1f ms\n", rep + 1, cfg->reps,
                        bm_scenarios[i].name, run.mbps, run.wire_bytes / 1e6,
                        run.stream_seconds, run.seconds, run.downtime_ms);
        }
    }
    return 0;
}

static void bm_on_signal(int sig)
{
    bm_stop = sig;
}

static const int bm_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define BM_NR_SIGNALS (sizeof(bm_signals) / sizeof(bm_signals[0]))

static void bm_catch_signals(struct sigaction *old)
{
    struct sigaction sa;
    unsigned int i;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = bm_on_signal;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a signal must cut our waits short, to clean up. */
    for (i = 0; i < BM_NR_SIGNALS; i++)
        sigaction(bm_signals[i], &sa, &old[i]);
}

static void bm_restore_signals(const struct sigaction *old)
{
    unsigned int i;

    for (i = 0; i < BM_NR_SIGNALS; i++)
        sigaction(bm_signals[i], &old[i], NULL);
}

static int bm_rm(const char *path, const struct stat *sb, int type,
                 struct FTW *ftw)
{
    if (remove(path))
        fprintf(stderr, "encmig: could not remove %s: %s\n", path,
                strerror(errno));
    return 0;
}

static void bm_teardown(struct bm_env *e)
{
    bm_sshd_stop(e);
    bm_net_teardown(e);
    if (e->dir[0])
        nftw(e->dir, bm_rm, 8, FTW_DEPTH | FTW_PHYS);
}

int encmig_bench_migrate(const struct bench_migrate_cfg *cfg,
                         struct bench_migrate_result *r)
{
    struct sigaction old[BM_NR_SIGNALS];
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
    bm_net_names(&e);

    bm_stop = 0;
    bm_catch_signals(old);
    rc = bm_prepare(&e, r);
    if (!rc)
        rc = bm_measure(&e, r);
    bm_teardown(&e);
    bm_restore_signals(old);

    r->signal = bm_stop;
    if (bm_stop)
        return -EINTR;
    for (i = 0; i < BENCH_MIG_NR && !rc; i++)
        if (r->s[i].state == BENCH_MIG_FAILED)
            rc = -EIO;
    return rc;
}

/* The command line: `encmig bench migrate`. */

/* A figure of the report: one scenario's, or a ratio of two. */
static const struct bm_field {
    const char *name;
    const char *label;              /* ratios: their line in the table */
    int num;
    int den;                        /* -1: not a ratio */
    bool downtime;                  /* downtime_ms rather than mbps */
} bm_fields[] = {
    { "enc_mbps", NULL, BENCH_MIG_ENC_LO, -1, false },
    { "plain_mbps", NULL, BENCH_MIG_PLAIN_LO, -1, false },
    { "ssh_mbps", NULL, BENCH_MIG_SSH_LO, -1, false },
    { "enc_vs_ssh", "encrypted / plain over ssh, loopback",
      BENCH_MIG_ENC_LO, BENCH_MIG_SSH_LO, false },
    { "enc_vs_plain_loopback", "encrypted / plain, loopback",
      BENCH_MIG_ENC_LO, BENCH_MIG_PLAIN_LO, false },
    { "enc_downtime_ms", NULL, BENCH_MIG_ENC_LO, -1, true },
    { "plain_downtime_ms", NULL, BENCH_MIG_PLAIN_LO, -1, true },
    { "ssh_downtime_ms", NULL, BENCH_MIG_SSH_LO, -1, true },
    { "enc_mbps_10g", NULL, BENCH_MIG_ENC_10G, -1, false },
    { "plain_mbps_10g", NULL, BENCH_MIG_PLAIN_10G, -1, false },
    { "enc_vs_plain_10g", "encrypted / plain, 10 Gbit/s",
      BENCH_MIG_ENC_10G, BENCH_MIG_PLAIN_10G, false },
    { "enc_downtime_ms_10g", NULL, BENCH_MIG_ENC_10G, -1, true },
    { "plain_downtime_ms_10g", NULL, BENCH_MIG_PLAIN_10G, -1, true },
    { "enc_downtime_vs_plain_10g", "downtime encrypted / plain, 10 Gbit/s",
      BENCH_MIG_ENC_10G, BENCH_MIG_PLAIN_10G, true },
};
#define BM_NR_FIELDS (sizeof(bm_fields) / sizeof(bm_fields[0]))

static bool bm_figure(const struct bench_mig_scenario_result *s, bool downtime,
                      double *v)
{
    if (s->state != BENCH_MIG_OK || !s->runs)
        return false;
    *v = downtime ? s->downtime_ms : s->mbps;
    return true;
}

/* The field's value, or false when a scenario it needs gave none. */
static bool bm_value(const struct bench_migrate_result *r,
                     const struct bm_field *f, double *v)
{
    double den;

    if (!bm_figure(&r->s[f->num], f->downtime, v))
        return false;
    if (f->den < 0)
        return true;
    if (!bm_figure(&r->s[f->den], f->downtime, &den) || den <= 0)
        return false;
    *v /= den;
    return true;
}

static void bm_print_json(const struct bench_migrate_cfg *cfg,
                          const struct bench_migrate_result *r)
{
    const struct bm_field *f;
    unsigned int i;
    double v;

    printf("{\"guest_bytes\": %llu, \"dirty_rate\": %llu, \"reps\": %u",
           (unsigned long long)cfg->guest_mem,
           (unsigned long long)cfg->dirty_rate, cfg->reps);
    for (i = 0; i < BM_NR_FIELDS; i++) {
        f = &bm_fields[i];
        if (bm_value(r, f, &v))
            printf(", \"%s\": %.*f", f->name, f->den < 0 ? 1 : 3, v);
        else
            printf(", \"%s\": null", f->name);
    }
    printf(", \"verified\": %s}\n", r->verified ? "true" : "false");
}

static void bm_print_table(const struct bench_migrate_cfg *cfg,
                           const struct bench_migrate_result *r)
{
    const struct bench_mig_scenario_result *s;
    unsigned int i;
    double v;

    printf("\n%llu MiB guest dirtying %llu pages/s, best of %u\n\n"
           "%-28s %12s %13s\n", (unsigned long long)(cfg->guest_mem >> 20),
           (unsigned long long)cfg->dirty_rate, cfg->reps, "",
           "stream MB/s", "downtime ms");
    for (i = 0; i < BENCH_MIG_NR; i++) {
        s = &r->s[i];
        if (s->state == BENCH_MIG_OK)
            printf("%-28s %12.1f %13.1f\n", bm_scenarios[i].name, s->mbps,
                   s->downtime_ms);
        else
            printf("%-28s %12s\n", bm_scenarios[i].name,
                   s->state == BENCH_MIG_SKIPPED ? "skipped" : "FAILED");
    }
    printf("\n");
    for (i = 0; i < BM_NR_FIELDS; i++)
        if (bm_fields[i].label && bm_value(r, &bm_fields[i], &v))
            printf("%-40s %6.2fx\n", bm_fields[i].label, v);
    printf("every guest verified: %s\n", r->verified ? "yes" : "NO");
}

static int bm_parse_args(int argc, char **argv, struct bench_migrate_cfg *cfg,
                         bool *json)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { "guest-mem", required_argument, NULL, 'm' },
        { "dirty-rate", required_argument, NULL, 'd' },
        { "reps", required_argument, NULL, 'r' },
        { NULL, 0, NULL, 0 },
    };
    unsigned long long v;
    char *end;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        errno = 0;
        switch (c) {
        case 'j':
            *json = true;
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
            if (errno || *end || end == optarg || v == 0 || v > 100)
                return -EINVAL;
            cfg->reps = v;
            break;
        default:
            return -EINVAL;
        }
    }
    return optind == argc ? 0 : -EINVAL;
}

int cmd_bench_migrate(int argc, char **argv)
{
    static const char usage[] =
        "bench migrate [--json] [--guest-mem SIZE] "
        "[--dirty-rate PAGES_PER_S] [--reps N]";
    struct bench_migrate_cfg cfg = {
        .guest_mem = 256ULL << 20,
        .dirty_rate = 20000,
        .reps = 1,
    };
    struct bench_migrate_result r;
    bool json = false;
    unsigned int i;
    int rc;

    if (bm_parse_args(argc, argv, &cfg, &json))
        return usage_error(usage);
    cfg.verbose = !json;
    if (cfg.verbose)
        fprintf(stderr, "encmig: migrating a %llu MiB guest, %u run(s) of "
                "each scenario...\n",
                (unsigned long long)(cfg.guest_mem >> 20), cfg.reps);

    rc = encmig_bench_migrate(&cfg, &r);
    if (rc == -EINTR) {
        fprintf(stderr, "encmig: bench migrate stopped by signal %d, all it "
                "had set up removed\n", r.signal);
        return 128 + r.signal;
    }
    if (rc && rc != -EIO)
        return 1;

    if (json)
        bm_print_json(&cfg, &r);
    else
        bm_print_table(&cfg, &r);
    for (i = 0; i < BENCH_MIG_NR; i++)
        if (r.s[i].state == BENCH_MIG_FAILED)
            fprintf(stderr, "encmig: bench migrate: %s failed: %s\n",
                    bm_scenarios[i].name, r.s[i].why);
    return rc ? 1 : 0;
}
