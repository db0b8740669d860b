/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * proc.c: the benchmark's child processes (proc.h).
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"
#include "../../tools/libxl-encmig/util.h"

/* The signal that asked us to stop, or 0. */
static volatile sig_atomic_t proc_stop;

static const int proc_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define PROC_NR_SIGNALS (sizeof(proc_signals) / sizeof(proc_signals[0]))
static struct sigaction proc_old[PROC_NR_SIGNALS];

char *bench_path(const char *dir, const char *name, char *buf)
{
    snprintf(buf, BENCH_PATH_LEN, "%s/%s", dir, name);
    return buf;
}

static void proc_on_signal(int sig)
{
    proc_stop = sig;
}

void proc_signals_catch(void)
{
    struct sigaction sa;
    unsigned int i;

    proc_stop = 0;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = proc_on_signal;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a signal must cut our waits short, to clean up. */
    for (i = 0; i < PROC_NR_SIGNALS; i++)
        sigaction(proc_signals[i], &sa, &proc_old[i]);
}

void proc_signals_restore(void)
{
    unsigned int i;

    for (i = 0; i < PROC_NR_SIGNALS; i++)
        sigaction(proc_signals[i], &proc_old[i], NULL);
}

int proc_stopped(void)
{
    return proc_stop;
}

ssize_t proc_read_file(const char *path, char *buf, size_t len)
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

void proc_tail(const char *path, char *out, size_t len)
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

static int proc_redirect(int fd, const char *path, int flags)
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

int proc_spawn(const char *const argv[], const char *out, const char *err,
               pid_t *pid)
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
        /* An ignored SIGPIPE outlives exec; ssh and sshd expect it not. */
        signal(SIGPIPE, SIG_DFL);
        if (proc_redirect(0, NULL, O_RDONLY) ||
            proc_redirect(1, out, O_WRONLY | O_CREAT | O_TRUNC) ||
            proc_redirect(2, err, O_WRONLY | O_CREAT | O_TRUNC))
            _exit(127);
        execvp(argv[0], (char *const *)argv);
        dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    setpgid(*pid, *pid);
    return 0;
}

void proc_kill(pid_t pid, int *status)
{
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    while (waitpid(pid, status, 0) < 0 && errno == EINTR)
        continue;
}

int proc_wait(pid_t pid, double deadline, bool interruptible, int *status)
{
    pid_t r;

    for (;;) {
        r = waitpid(pid, status, WNOHANG);
        if (r == pid)
            return 0;
        if (r < 0 && errno != EINTR)
            return -errno;
        if (interruptible && proc_stop)
            return -EINTR;
        if (encmig_now() > deadline)
            return -ETIMEDOUT;
        usleep(PROC_POLL_US);
    }
}

int proc_reap(pid_t pid, double deadline, bool interruptible, int *status)
{
    int rc = proc_wait(pid, deadline, interruptible, status);

    if (rc == -ETIMEDOUT || rc == -EINTR)
        proc_kill(pid, status);
    return rc;
}

/* The parent of pid from /proc, or 0. */
static pid_t proc_ppid(pid_t pid)
{
    char path[32], buf[512];
    const char *p;
    int ppid;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if (proc_read_file(path, buf, sizeof(buf)) <= 0 ||
        !(p = strrchr(buf, ')')) || sscanf(p + 1, " %*c %d", &ppid) != 1)
        return 0;
    return ppid;
}

/* Whether pid descends from root (and is not root). */
static bool proc_descends(pid_t pid, pid_t root)
{
    unsigned int depth;

    /* Bounded: a process tree is shallow, and /proc moves under us. */
    for (depth = 0; depth < 64 && pid > 1; depth++)
        if ((pid = proc_ppid(pid)) == root)
            return true;
    return false;
}

bool proc_has_children(pid_t parent)
{
    struct dirent *de;
    bool found = false;
    long pid;
    DIR *d = opendir("/proc");

    while (d && !found && (de = readdir(d)))
        found = (pid = strtol(de->d_name, NULL, 10)) > 1 &&
                proc_ppid(pid) == parent;
    if (d)
        closedir(d);
    return found;
}

void proc_kill_descendants(pid_t root)
{
    pid_t pids[256];
    unsigned int n = 0, i;
    double deadline = encmig_now() + PROC_STOP_TIMEOUT_S;
    struct dirent *de;
    char path[32];
    DIR *d;
    long pid;

    if (root <= 0 || !(d = opendir("/proc")))
        return;
    while (n < sizeof(pids) / sizeof(pids[0]) && (de = readdir(d)))
        if ((pid = strtol(de->d_name, NULL, 10)) > 1 &&
            proc_descends(pid, root))
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
            usleep(PROC_POLL_US);
    }
}

bool proc_exited_ok(int status)
{
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void proc_join(const char *const argv[], char *buf, size_t len)
{
    size_t o = 0;
    unsigned int i;

    buf[0] = '\0';
    for (i = 0; argv[i] && o < len; i++)
        o += snprintf(buf + o, len - o, "%s%s", i ? " " : "", argv[i]);
}

int proc_run(const char *log, bool interruptible, char *why,
             const char *arg0, ...)
{
    const char *argv[PROC_MAX_ARGS];
    char cmd[96], tail[150];
    unsigned int n = 0;
    va_list ap;
    pid_t pid;
    int rc, status;

    va_start(ap, arg0);
    argv[n++] = arg0;
    while (n < PROC_MAX_ARGS - 1 && (argv[n] = va_arg(ap, const char *)))
        n++;
    va_end(ap);
    argv[n] = NULL;

    rc = proc_spawn(argv, NULL, log, &pid);
    if (!rc)
        rc = proc_reap(pid, encmig_now() + PROC_CHILD_TIMEOUT_S,
                       interruptible, &status);
    if (!rc && !proc_exited_ok(status))
        rc = -EIO;
    if (rc && why) {
        proc_join(argv, cmd, sizeof(cmd));
        if (rc == -EIO)
            proc_tail(log, tail, sizeof(tail));
        else
            snprintf(tail, sizeof(tail), "%s", strerror(-rc));
        snprintf(why, BENCH_WHY_LEN, "%s: %s", cmd, tail);
    }
    return rc;
}
