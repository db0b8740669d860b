/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * io.c: whole-buffer reads and writes, retried over short transfers and
 * EINTR.
 */

#include <errno.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "io.h"

int encmig_read_full(int fd, void *p, size_t len)
{
    uint8_t *d = p;
    size_t done = 0;

    while (done < len) {
        ssize_t r = read(fd, d + done, len - done);

        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (r == 0)
            return -EPIPE;
        done += r;
    }
    return 0;
}

int encmig_write_full(int fd, const void *p, size_t len)
{
    const uint8_t *s = p;
    size_t done = 0;

    while (done < len) {
        ssize_t r = write(fd, s + done, len - done);

        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        /* write() of a non-zero count never legitimately returns 0. */
        if (r == 0)
            return -EIO;
        done += r;
    }
    return 0;
}

void encmig_stretch_rcvtimeo(int fd, unsigned int factor)
{
    struct timeval tv;
    socklen_t len = sizeof(tv);
    uint64_t us;

    if (getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len) ||
        len != sizeof(tv) || (!tv.tv_sec && !tv.tv_usec))
        return;
    us = ((uint64_t)tv.tv_sec * 1000000 + tv.tv_usec) * factor;
    tv.tv_sec = us / 1000000;
    tv.tv_usec = us % 1000000;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}
