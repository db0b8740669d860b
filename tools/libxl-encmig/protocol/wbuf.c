/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * wbuf.c: bounded wire buffer.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "wbuf.h"

int wbuf_init(struct wbuf *b, size_t max)
{
    memset(b, 0, sizeof(*b));
    b->max = max;
    return 0;
}

void wbuf_from(struct wbuf *b, const void *p, size_t len)
{
    memset(b, 0, sizeof(*b));
    /* alloc stays 0: the memory is the caller's, never written or freed. */
    b->d = (uint8_t *)p;
    b->len = b->max = len;
}

void wbuf_free(struct wbuf *b)
{
    if (b->alloc) {
        OPENSSL_cleanse(b->d, b->alloc);
        free(b->d);
    }
    memset(b, 0, sizeof(*b));
}

void wbuf_reset(struct wbuf *b)
{
    if (b->alloc)
        OPENSSL_cleanse(b->d, b->len);
    b->off = b->len = 0;
}

size_t wbuf_avail(const struct wbuf *b)
{
    return b->len - b->off;
}

const uint8_t *wbuf_ptr(const struct wbuf *b)
{
    /* Never offset a NULL: an empty buffer may have no memory yet. */
    return b->d ? b->d + b->off : NULL;
}

int wbuf_reserve(struct wbuf *b, size_t len, uint8_t **p)
{
    size_t need;

    if (len > b->max - b->len)
        return -EMSGSIZE;
    need = b->len + len;
    if (need > b->alloc) {
        size_t alloc = b->alloc ? b->alloc : 256;
        uint8_t *d;

        while (alloc < need)
            alloc = alloc > b->max / 2 ? b->max : alloc * 2;
        /* No realloc: the old block may hold secrets and must be wiped. */
        d = malloc(alloc);
        if (!d)
            return -ENOMEM;
        if (b->d)
            memcpy(d, b->d, b->len);
        if (b->alloc) {
            OPENSSL_cleanse(b->d, b->alloc);
            free(b->d);
        }
        b->d = d;
        b->alloc = alloc;
    }
    *p = b->d + b->len;
    b->len = need;
    return 0;
}

int wbuf_put(struct wbuf *b, const void *p, size_t len)
{
    uint8_t *dst;
    int rc;

    if (len == 0)
        return 0;
    rc = wbuf_reserve(b, len, &dst);
    if (!rc)
        memcpy(dst, p, len);
    return rc;
}

static int put_le(struct wbuf *b, uint64_t v, unsigned int n)
{
    uint8_t tmp[8];
    unsigned int i;

    for (i = 0; i < n; i++)
        tmp[i] = v >> (8 * i);
    return wbuf_put(b, tmp, n);
}

static int put_be(struct wbuf *b, uint64_t v, unsigned int n)
{
    uint8_t tmp[8];
    unsigned int i;

    for (i = 0; i < n; i++)
        tmp[i] = v >> (8 * (n - 1 - i));
    return wbuf_put(b, tmp, n);
}

int wbuf_put_u8(struct wbuf *b, uint8_t v)     { return wbuf_put(b, &v, 1); }
int wbuf_put_u16le(struct wbuf *b, uint16_t v) { return put_le(b, v, 2); }
int wbuf_put_u16be(struct wbuf *b, uint16_t v) { return put_be(b, v, 2); }
int wbuf_put_u32le(struct wbuf *b, uint32_t v) { return put_le(b, v, 4); }
int wbuf_put_u64le(struct wbuf *b, uint64_t v) { return put_le(b, v, 8); }
int wbuf_put_u32be(struct wbuf *b, uint32_t v) { return put_be(b, v, 4); }
int wbuf_put_u64be(struct wbuf *b, uint64_t v) { return put_be(b, v, 8); }

int wbuf_pad(struct wbuf *b, size_t align)
{
    static const uint8_t zero[64];
    size_t n = (align - (b->len & (align - 1))) & (align - 1);

    if (align == 0 || align > sizeof(zero) || (align & (align - 1)))
        return -EINVAL;
    return wbuf_put(b, zero, n);
}

int wbuf_get_ptr(struct wbuf *b, const uint8_t **p, size_t len)
{
    if (len > wbuf_avail(b))
        return -EBADMSG;
    *p = wbuf_ptr(b);
    b->off += len;
    return 0;
}

int wbuf_get(struct wbuf *b, void *p, size_t len)
{
    const uint8_t *src;
    int rc;

    if (len == 0)
        return 0;
    rc = wbuf_get_ptr(b, &src, len);
    if (!rc)
        memcpy(p, src, len);
    return rc;
}

int wbuf_skip(struct wbuf *b, size_t len)
{
    const uint8_t *p;

    return wbuf_get_ptr(b, &p, len);
}

static int get_le(struct wbuf *b, uint64_t *v, unsigned int n)
{
    const uint8_t *p;
    unsigned int i;
    int rc = wbuf_get_ptr(b, &p, n);

    if (rc)
        return rc;
    for (*v = 0, i = 0; i < n; i++)
        *v |= (uint64_t)p[i] << (8 * i);
    return 0;
}

static int get_be(struct wbuf *b, uint64_t *v, unsigned int n)
{
    const uint8_t *p;
    unsigned int i;
    int rc = wbuf_get_ptr(b, &p, n);

    if (rc)
        return rc;
    for (*v = 0, i = 0; i < n; i++)
        *v = (*v << 8) | p[i];
    return 0;
}

int wbuf_get_u8(struct wbuf *b, uint8_t *v)
{
    return wbuf_get(b, v, 1);
}

int wbuf_get_u16le(struct wbuf *b, uint16_t *v)
{
    uint64_t t;
    int rc = get_le(b, &t, 2);

    if (!rc)
        *v = t;
    return rc;
}

int wbuf_get_u16be(struct wbuf *b, uint16_t *v)
{
    uint64_t t;
    int rc = get_be(b, &t, 2);

    if (!rc)
        *v = t;
    return rc;
}

int wbuf_get_u32le(struct wbuf *b, uint32_t *v)
{
    uint64_t t;
    int rc = get_le(b, &t, 4);

    if (!rc)
        *v = t;
    return rc;
}

int wbuf_get_u64le(struct wbuf *b, uint64_t *v)
{
    return get_le(b, v, 8);
}

int wbuf_get_u32be(struct wbuf *b, uint32_t *v)
{
    uint64_t t;
    int rc = get_be(b, &t, 4);

    if (!rc)
        *v = t;
    return rc;
}

int wbuf_get_u64be(struct wbuf *b, uint64_t *v)
{
    return get_be(b, v, 8);
}
