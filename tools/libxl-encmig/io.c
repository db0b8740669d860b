/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * io.c: whole-buffer reads and writes, retried over short transfers and
 * EINTR.
 */

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

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
