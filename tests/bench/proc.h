/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * proc.h: the benchmark's child processes.  Each is started in a process
 * group of its own, bounded in time, killed with what it started, and
 * interrupted by SIGINT, SIGTERM or SIGHUP, so that nothing it set up
 * outlives the benchmark.
 */

#ifndef __ENCMIG_BENCH_PROC_H__
#define __ENCMIG_BENCH_PROC_H__

#include <stdbool.h>
#include <sys/types.h>

#define PROC_CHILD_TIMEOUT_S   120.0    /* a migration, or a set-up command */
#define PROC_READY_TIMEOUT_S   10.0     /* a listener to come up */
#define PROC_STOP_TIMEOUT_S    3.0      /* what we stop to be gone */
#define PROC_POLL_US           10000
#define PROC_MAX_ARGS          32

/* Every `why` this directory fills: a reason, for a human, on one line. */
#define BENCH_WHY_LEN          256

/* The path of the file name in the run's temporary directory dir. */
#define BENCH_PATH_LEN         64
char *bench_path(const char *dir, const char *name, char *buf);

/*
 * From proc_signals_catch() to proc_signals_restore(), SIGINT, SIGTERM and
 * SIGHUP set the stop signal instead of killing us, and cut short every
 * interruptible wait.  proc_stopped() is that signal, or 0.
 */
void proc_signals_catch(void);
void proc_signals_restore(void);
int proc_stopped(void);

/* The start of a file into buf, NUL-terminated; bytes read or -errno. */
ssize_t proc_read_file(const char *path, char *buf, size_t len);

/*
 * The end of a file (a child's stderr) on one line, in out, for a reason;
 * "(nothing on its stderr)" when there is none.
 */
void proc_tail(const char *path, char *out, size_t len);

/*
 * Start argv (argv[0] looked up in PATH) with stdin on /dev/null, stdout
 * and stderr on the files out and err (NULL: /dev/null).  The child leads
 * its own process group, so proc_kill() also kills what it started, and
 * it dies with us.  0 with *pid, or -errno.
 */
int proc_spawn(const char *const argv[], const char *out, const char *err,
               pid_t *pid);

/* SIGKILL pid's process group and reap pid. */
void proc_kill(pid_t pid, int *status);

/*
 * Reap pid by deadline (encmig_now()): 0 with *status, -ETIMEDOUT, or
 * -EINTR when a signal asked us to stop and the wait is interruptible
 * (cleaning up is not: nothing must cut it short).  On error pid is left
 * running.
 */
int proc_wait(pid_t pid, double deadline, bool interruptible, int *status);

/* proc_wait(), then proc_kill() if pid did not end in time. */
int proc_reap(pid_t pid, double deadline, bool interruptible, int *status);

/*
 * SIGKILL every descendant of root and wait (bounded) until they are gone.
 * A process that calls setsid() (sshd's sessions) leaves root's process
 * group, and only parentage ties it to root: this must run while the
 * chain is whole, before what sits between is killed.
 */
void proc_kill_descendants(pid_t root);

/* Whether any process has parent as its parent (from /proc). */
bool proc_has_children(pid_t parent);

/* Whether the child exited, with 0. */
bool proc_exited_ok(int status);

/*
 * Run a command (NULL-terminated arguments, arg0 looked up in PATH) to
 * completion within PROC_CHILD_TIMEOUT_S, its stderr in the file log
 * (NULL: none).  0, or -errno with why (if not NULL) naming the command
 * and quoting the end of its stderr.
 */
int proc_run(const char *log, bool interruptible, char *why,
             const char *arg0, ...) __attribute__((sentinel));

#endif /* __ENCMIG_BENCH_PROC_H__ */
