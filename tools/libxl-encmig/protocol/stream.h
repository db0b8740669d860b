/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * stream.h: reading and writing the migration stream's framing.
 *
 * The writer frames records and counts what went out; the reader checks
 * every header against hard limits before a byte of body is read, so a
 * hostile length never turns into an allocation or an overrun.
 */

#ifndef __ENCMIG_STREAM_H__
#define __ENCMIG_STREAM_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "core.h"
#include "stream-format.h"
#include "../transport/xport.h"

/* Sees every byte written, e.g. to look for plaintext on the wire. */
typedef void stream_tap_fn(void *opaque, const void *p, size_t len);

struct encmig_core;

/*
 * With core set (encrypted), everything written or read from the image
 * header on enters the core's stream transcript (core.h).
 */
struct stream_writer {
    int fd;
    struct encmig_xport *x;        /* set: messages on x, not fd */
    struct encmig_core *core;
    uint64_t bytes;                /* written so far */
    stream_tap_fn *tap;
    void *tap_opaque;
    uint8_t headers[IHDR_SIZE + DHDR_SIZE];
};

struct stream_reader {
    int fd;
    struct encmig_xport *x;        /* set: messages from x, not fd */
    struct encmig_core *core;
    uint64_t bytes;                /* read so far */
    uint8_t headers[IHDR_SIZE + DHDR_SIZE];
};

void stream_writer_init(struct stream_writer *w, int fd);
void stream_reader_init(struct stream_reader *r, int fd);

/* Image header and domain header. */
int stream_write_headers(struct stream_writer *w, uint32_t dom_type);
int stream_read_headers(struct stream_reader *r, uint32_t *dom_type);
/* The checks of stream_read_headers on headers already read. */
int stream_parse_headers(const uint8_t h[IHDR_SIZE + DHDR_SIZE],
                         uint32_t *dom_type);

/* A record whose body is the concatenation of iov[0..n). */
int stream_write_record(struct stream_writer *w, uint32_t type,
                        const struct iovec *iov, int n);
/*
 * The same, calling done(cookie) once the body's memory may be reused:
 * at once on a socket; on a transport when the send has completed,
 * possibly from a later write or stream_flush().  Not on an error.
 */
int stream_write_record_then(struct stream_writer *w, uint32_t type,
                             const struct iovec *iov, int n,
                             xport_done_fn *done, void *cookie);
/* Wait until every record's memory may be reused.  0 or -errno. */
int stream_flush(struct stream_writer *w);

/*
 * The next record's header.  Known types are checked against their own
 * limits; an unknown mandatory type is -EOPNOTSUPP, an unknown optional
 * one is skipped here.  err gets a one-line reason on failure.
 */
int stream_read_record_header(struct stream_reader *r, uint32_t *type,
                              uint32_t *len, char *err, size_t errlen);
/*
 * The body of the record whose header was just read: exactly len bytes
 * into iov[0..n) (whose lengths must add up to len), then its padding,
 * which must be zero.  The record enters the transcript.
 */
int stream_read_record_body(struct stream_reader *r, uint32_t type,
                            uint32_t len, const struct iovec *iov,
                            unsigned int n);

#endif /* __ENCMIG_STREAM_H__ */
