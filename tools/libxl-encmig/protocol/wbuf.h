/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * wbuf.h: the one buffer through which every byte from the wire is read
 * and every byte to it is written, in the manner of OpenSSH's sshbuf.
 *
 * A wbuf has a hard size limit fixed at init; nothing grows past it.
 * Readers take bytes from the front and fail with -EBADMSG when fewer are
 * left than asked for; callers never do pointer arithmetic on wire bytes.
 * Functions return 0 or -errno.
 */

#ifndef __ENCMIG_WBUF_H__
#define __ENCMIG_WBUF_H__

#include <stddef.h>
#include <stdint.h>

struct wbuf {
    uint8_t *d;
    size_t off;        /* next byte to read */
    size_t len;        /* end of the data */
    size_t alloc;      /* bytes at d */
    size_t max;        /* hard limit of len */
};

int wbuf_init(struct wbuf *b, size_t max);
/*
 * A reader over len bytes at p that the caller keeps (sshbuf_from): it
 * takes from the front like any wbuf, but nothing can be put into it and
 * wbuf_free leaves the memory alone.
 */
void wbuf_from(struct wbuf *b, const void *p, size_t len);
/* Free b's memory, wiped first: it may have held secrets. */
void wbuf_free(struct wbuf *b);
/* Empty b (wiping what it held), keeping its memory. */
void wbuf_reset(struct wbuf *b);

/* Bytes left to read, and where they are. */
size_t wbuf_avail(const struct wbuf *b);
const uint8_t *wbuf_ptr(const struct wbuf *b);

/*
 * Room for len more bytes at the end; -EMSGSIZE past max.  The data may
 * move: pointers from wbuf_ptr() or an earlier reserve go stale.
 */
int wbuf_reserve(struct wbuf *b, size_t len, uint8_t **p);
int wbuf_put(struct wbuf *b, const void *p, size_t len);
int wbuf_put_u8(struct wbuf *b, uint8_t v);
int wbuf_put_u16le(struct wbuf *b, uint16_t v);
int wbuf_put_u16be(struct wbuf *b, uint16_t v);
int wbuf_put_u32le(struct wbuf *b, uint32_t v);
int wbuf_put_u64le(struct wbuf *b, uint64_t v);
int wbuf_put_u32be(struct wbuf *b, uint32_t v);
int wbuf_put_u64be(struct wbuf *b, uint64_t v);
/* Zero bytes up to the next multiple of align (a power of two). */
int wbuf_pad(struct wbuf *b, size_t align);

/* Take bytes from the front; -EBADMSG when fewer than asked are left. */
int wbuf_get(struct wbuf *b, void *p, size_t len);
int wbuf_skip(struct wbuf *b, size_t len);
/* Point at len bytes at the front and consume them (no copy). */
int wbuf_get_ptr(struct wbuf *b, const uint8_t **p, size_t len);
int wbuf_get_u8(struct wbuf *b, uint8_t *v);
int wbuf_get_u16le(struct wbuf *b, uint16_t *v);
int wbuf_get_u16be(struct wbuf *b, uint16_t *v);
int wbuf_get_u32le(struct wbuf *b, uint32_t *v);
int wbuf_get_u64le(struct wbuf *b, uint64_t *v);
int wbuf_get_u32be(struct wbuf *b, uint32_t *v);
int wbuf_get_u64be(struct wbuf *b, uint64_t *v);

#endif /* __ENCMIG_WBUF_H__ */
