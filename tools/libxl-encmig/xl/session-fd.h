/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * session-fd.h: how xl hands an encrypted migration's session to libxl's
 * save/restore helper, and nobody else.
 *
 * xl writes the session into a close-on-exec memfd and names the
 * descriptor in ENCMIG_SESSION_FD; libxl forks the helper from xl, and the
 * helper opens the file through its parent's /proc/PID/fd entry.  No
 * other child of xl (hotplug scripts, the device model, the daemon that
 * watches the guest) inherits the descriptor, and xl closes it and drops
 * the variable as soon as libxl's save or restore has returned.
 */

#ifndef __ENCMIG_SESSION_FD_H__
#define __ENCMIG_SESSION_FD_H__

#include <stddef.h>

#define ENCMIG_SESSION_FD_ENV    "ENCMIG_SESSION_FD"

/* xl: len bytes into a new memfd, named in the environment; *fd is xl's. */
int encmig_session_publish(const void *blob, size_t len, int *fd,
                           char *err, size_t errlen);
/* xl: close it (if open) and drop the variable; *fd becomes -1. */
void encmig_session_unpublish(int *fd);

/*
 * Helper: 1 with *fd open on the session the parent published, 0 when
 * no session was published, -errno on failure.  The variable is dropped
 * either way, so that no child of the helper looks for it again.
 */
int encmig_session_open_published(int *fd, char *err, size_t errlen);

#endif /* __ENCMIG_SESSION_FD_H__ */
