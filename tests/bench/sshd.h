/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * sshd.h: our own sshd on loopback, with throw-away host and user keys,
 * and the ssh command that carries a plain stream through it to
 * `encmig migrate-receive --stdio`, as xl migrate does.
 */

#ifndef __ENCMIG_BENCH_SSHD_H__
#define __ENCMIG_BENCH_SSHD_H__

#include <limits.h>
#include <sys/types.h>

struct bench_sshd {
    pid_t pid;                      /* 0: none running */
    char cmd[PATH_MAX + 512];       /* for `encmig migrate --ssh-command` */
};

/*
 * Start sshd with its keys, configuration and logs in dir; s->cmd then
 * runs encmig (an absolute path) at the far end.  0; -EPERM when not
 * root (the caller skips what needs it); other -errno with why.
 */
int bench_sshd_start(struct bench_sshd *s, const char *dir,
                     const char *encmig, char *why);

/* Stop sshd and every session under it; nothing when none runs. */
void bench_sshd_stop(struct bench_sshd *s);

/*
 * Kill every session under sshd (the far end of an ssh run that hangs),
 * sshd itself left running.
 */
void bench_sshd_kill_sessions(const struct bench_sshd *s);

#endif /* __ENCMIG_BENCH_SSHD_H__ */
