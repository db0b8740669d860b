/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * session-fd.c: the session's way from xl to libxl's helper (session-fd.h).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "session-fd.h"
#include "../io.h"
#include "../util.h"

int encmig_session_publish(const void *blob, size_t len, int *fd,
                           char *err, size_t errlen)
{
    char num[16];
    int rc, mfd;

    *fd = -1;
    /* Close-on-exec: the helper opens it through /proc, nobody inherits. */
    mfd = memfd_create("encmig-session", MFD_CLOEXEC);
    if (mfd < 0) {
        rc = -errno;
        encmig_seterr(err, errlen, "memfd_create: %s", strerror(-rc));
        return rc;
    }
    rc = encmig_write_full(mfd, blob, len);
    if (rc) {
        encmig_seterr(err, errlen, "writing the session: %s", strerror(-rc));
        close(mfd);
        return rc;
    }
    snprintf(num, sizeof(num), "%d", mfd);
    if (setenv(ENCMIG_SESSION_FD_ENV, num, 1)) {
        rc = -errno;
        encmig_seterr(err, errlen, "setenv: %s", strerror(-rc));
        close(mfd);
        return rc;
    }
    *fd = mfd;
    return 0;
}

void encmig_session_unpublish(int *fd)
{
    unsetenv(ENCMIG_SESSION_FD_ENV);
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

int encmig_session_open_published(int *fd, char *err, size_t errlen)
{
    const char *s = getenv(ENCMIG_SESSION_FD_ENV);
    char path[64], *end;
    long num;
    int rc;

    *fd = -1;
    if (!s)
        return 0;
    errno = 0;
    num = strtol(s, &end, 10);
    rc = errno || end == s || *end || num < 3 || num > INT_MAX ? -EINVAL : 0;
    if (rc)
        encmig_seterr(err, errlen, "%s=%s is not a descriptor",
                      ENCMIG_SESSION_FD_ENV, s);
    unsetenv(ENCMIG_SESSION_FD_ENV);
    if (rc)
        return rc;

    /* xl's own descriptor, as libxl forked us from xl. */
    snprintf(path, sizeof(path), "/proc/%ld/fd/%ld", (long)getppid(), num);
    *fd = open(path, O_RDWR | O_CLOEXEC);
    if (*fd < 0) {
        rc = -errno;
        encmig_seterr(err, errlen, "opening the session at %s: %s", path,
                      strerror(-rc));
        return rc;
    }
    return 1;
}
