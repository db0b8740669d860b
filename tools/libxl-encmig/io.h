/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * io.h: whole-buffer reads and writes on a blocking file descriptor.
 *
 * A peer that closes the connection early is reported as -EPIPE, both by
 * the reader (end of file before len bytes) and by the writer (the kernel's
 * EPIPE), so callers test for one value.  -ECONNRESET from the kernel is
 * passed through unchanged.
 *
 * Writers use plain write(): fds may be pipes as well as sockets, so
 * MSG_NOSIGNAL is not available.  Processes that use these functions must
 * ignore SIGPIPE (xl does), or a vanished peer kills them instead of
 * producing -EPIPE.
 *
 * The fds must be blocking: -EAGAIN is returned as is.  No timeout is
 * applied here; a caller that needs one sets SO_RCVTIMEO/SO_SNDTIMEO on
 * the socket (its expiry arrives as -EAGAIN).
 */

#ifndef __ENCMIG_IO_H__
#define __ENCMIG_IO_H__

#include <stddef.h>

/* Read exactly len bytes: 0, -EPIPE on end of file first, or -errno. */
int encmig_read_full(int fd, void *p, size_t len);

/* Write exactly len bytes: 0, -EPIPE if the peer has gone, or -errno. */
int encmig_write_full(int fd, const void *p, size_t len);

/*
 * Multiply a socket's receive timeout (SO_RCVTIMEO) by factor, if it has
 * one; anything else (a pipe, no timeout) is left alone.
 */
void encmig_stretch_rcvtimeo(int fd, unsigned int factor);

#endif /* __ENCMIG_IO_H__ */
