/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * sshd.c: our own sshd on loopback (sshd.h).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"
#include "sshd.h"
#include "../../tools/libxl-encmig/util.h"
#include "../../tools/libxl-encmig/cli/cli.h"

#define SSHD              "/usr/sbin/sshd"
#define SSH_CIPHER        "aes256-gcm@openssh.com"

/* A port free on loopback now; sshd may still lose it to a race. */
static int sshd_free_port(uint16_t *port)
{
    int fd = cli_listen("127.0.0.1", 0, port);

    if (fd < 0)
        return fd;
    close(fd);
    return 0;
}

static int sshd_config(const char *dir, const char *path, uint16_t port)
{
    char tmp[BENCH_PATH_LEN];
    FILE *f = fopen(path, "w");

    if (!f)
        return -errno;
    fprintf(f, "Port %u\nListenAddress 127.0.0.1\nHostKey %s\n", port,
            bench_path(dir, "ssh_host_ed25519_key", tmp));
    fprintf(f, "AuthorizedKeysFile %s\n",
            bench_path(dir, "id_ed25519.pub", tmp));
    fprintf(f, "PidFile %s\n", bench_path(dir, "sshd.pid", tmp));
    fprintf(f, "PermitRootLogin prohibit-password\nStrictModes no\n"
            "UsePAM no\nPasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\n");
    return fclose(f) ? -errno : 0;
}

/*
 * Wait until something accepts on 127.0.0.1:port.  A probe is fine for
 * sshd, which serves many connections; -ECHILD if pid died (reaped).
 */
static int sshd_wait_accepting(pid_t pid, uint16_t port)
{
    double deadline = encmig_now() + PROC_READY_TIMEOUT_S;
    int fd, status;

    while (!proc_stopped() && encmig_now() < deadline) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            return -ECHILD;
        fd = cli_connect("127.0.0.1", port);
        if (fd >= 0) {
            close(fd);
            return 0;
        }
        usleep(PROC_POLL_US * 5);
    }
    return proc_stopped() ? -EINTR : -ETIMEDOUT;
}

/* Start sshd on a free port; up to three ports, in case one is taken. */
static int sshd_run(struct bench_sshd *s, const char *dir, uint16_t *port,
                    char *why)
{
    char conf[BENCH_PATH_LEN], log[BENCH_PATH_LEN], tail[160];
    const char *argv[] = { SSHD, "-D", "-e", "-f", conf, NULL };
    unsigned int attempt;
    int rc = 0;

    bench_path(dir, "sshd_config", conf);
    bench_path(dir, "sshd.log", log);
    for (attempt = 0; attempt < 3; attempt++) {
        if ((rc = sshd_free_port(port)) ||
            (rc = sshd_config(dir, conf, *port)) ||
            (rc = proc_spawn(argv, NULL, log, &s->pid)))
            break;
        rc = sshd_wait_accepting(s->pid, *port);
        if (rc != -ECHILD)
            break;
        s->pid = 0;
    }
    if (rc) {
        proc_tail(log, tail, sizeof(tail));
        snprintf(why, BENCH_WHY_LEN, "sshd did not come up (%s): %s",
                 strerror(-rc), tail);
    }
    return rc;
}

/* A throw-away ed25519 key pair at path (and path.pub). */
static int sshd_keygen(const char *dir, const char *path, char *why)
{
    char log[BENCH_PATH_LEN];

    return proc_run(bench_path(dir, "cmd.log", log), true, why,
                    "ssh-keygen", "-q", "-t", "ed25519", "-N", "",
                    "-C", "encmig-bench", "-f", path, NULL);
}

int bench_sshd_start(struct bench_sshd *s, const char *dir,
                     const char *encmig, char *why)
{
    char hostkey[BENCH_PATH_LEN], userkey[BENCH_PATH_LEN];
    uint16_t port;
    int rc;

    if (geteuid() != 0) {
        snprintf(why, BENCH_WHY_LEN, "starting our own sshd needs root");
        return -EPERM;
    }
    if (access(SSHD, X_OK)) {
        rc = -errno;
        snprintf(why, BENCH_WHY_LEN, "%s: %s", SSHD, strerror(-rc));
        return rc;
    }
    /* The path goes unquoted through two shells: local and remote. */
    if (encmig[0] != '/' ||
        strspn(encmig, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
               "0123456789/._+-") != strlen(encmig)) {
        snprintf(why, BENCH_WHY_LEN, "the path of encmig is not absolute "
                 "or has characters a shell would interpret: %.140s",
                 encmig);
        return -EINVAL;
    }
    if ((rc = sshd_keygen(dir, bench_path(dir, "ssh_host_ed25519_key",
                                          hostkey), why)) ||
        (rc = sshd_keygen(dir, bench_path(dir, "id_ed25519", userkey), why)))
        return rc;
    /* sshd's privilege separation directory; left for the system's sshd. */
    if (mkdir("/run/sshd", 0755) && errno != EEXIST) {
        rc = -errno;
        snprintf(why, BENCH_WHY_LEN, "mkdir /run/sshd: %s", strerror(-rc));
        return rc;
    }
    if ((rc = sshd_run(s, dir, &port, why)))
        return rc;
    snprintf(s->cmd, sizeof(s->cmd),
             "ssh -c %s -p %u -i %s -o StrictHostKeyChecking=no "
             "-o UserKnownHostsFile=/dev/null -o BatchMode=yes "
             "-o LogLevel=ERROR root@127.0.0.1 "
             "%s migrate-receive --stdio --plain-only --any-source",
             SSH_CIPHER, port, userkey, encmig);
    return 0;
}

void bench_sshd_kill_sessions(const struct bench_sshd *s)
{
    proc_kill_descendants(s->pid);
}

void bench_sshd_stop(struct bench_sshd *s)
{
    int status;

    if (s->pid <= 0)
        return;
    /* Sessions leave sshd's process group: end them while it is there. */
    proc_kill_descendants(s->pid);
    kill(s->pid, SIGTERM);
    proc_reap(s->pid, encmig_now() + PROC_STOP_TIMEOUT_S, false, &status);
    s->pid = 0;
}
