/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * io-util.h: the byte moving the flight's stream programs share.
 */

#ifndef FLIGHT_IO_UTIL_H
#define FLIGHT_IO_UTIL_H

#include <errno.h>
#include <stddef.h>
#include <unistd.h>

/* All len bytes to fd, through short writes and signals; 0 or -1. */
static inline int flight_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while ( len )
    {
        ssize_t n = write(fd, p, len);

        if ( n < 0 && errno == EINTR )
            continue;
        if ( n <= 0 )
            return -1;
        p += n;
        len -= n;
    }
    return 0;
}

/* All len bytes from fd; -1 at an error or end of file first. */
static inline int flight_read_all(int fd, void *buf, size_t len)
{
    char *p = buf;

    while ( len )
    {
        ssize_t n = read(fd, p, len);

        if ( n < 0 && errno == EINTR )
            continue;
        if ( n <= 0 )
            return -1;
        p += n;
        len -= n;
    }
    return 0;
}

#endif /* FLIGHT_IO_UTIL_H */
