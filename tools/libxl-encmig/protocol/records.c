/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * records.c: page record bodies.
 */

#include <endian.h>
#include <errno.h>
#include <string.h>

#include "records.h"
#include "wbuf.h"

void encmig_hdr8_put(uint8_t hdr[8], uint32_t a, uint32_t b)
{
    struct wbuf w;

    wbuf_init(&w, 8);
    /* Cannot fail: 8 bytes into a buffer of 8. */
    if (!wbuf_put_u32le(&w, a) && !wbuf_put_u32le(&w, b))
        memcpy(hdr, wbuf_ptr(&w), 8);
    wbuf_free(&w);
}

void encmig_hdr8_get(const uint8_t hdr[8], uint32_t *a, uint32_t *b)
{
    struct wbuf w;

    wbuf_from(&w, hdr, 8);
    wbuf_get_u32le(&w, a);
    wbuf_get_u32le(&w, b);
}

int encmig_pages_parse_split(const uint8_t hdr[ENCMIG_PAGES_HDR_SIZE],
                             size_t recs_len, uint32_t max, uint32_t stream,
                             uint32_t *count)
{
    struct wbuf b;
    uint32_t n, s;

    wbuf_from(&b, hdr, ENCMIG_PAGES_HDR_SIZE);
    if (wbuf_get_u32le(&b, &n) || wbuf_get_u32le(&b, &s) ||
        n == 0 || n > max || s != stream ||
        recs_len != (uint64_t)n * XEN_ENCMIG_REC_SIZE)
        return -EBADMSG;
    *count = n;
    return 0;
}

int encmig_pages_parse(const void *body, size_t len, uint32_t max,
                       uint32_t stream, uint32_t *count,
                       const uint8_t **recs)
{
    if (len < ENCMIG_PAGES_HDR_SIZE ||
        encmig_pages_parse_split(body, len - ENCMIG_PAGES_HDR_SIZE, max,
                                 stream, count))
        return -EBADMSG;
    *recs = (const uint8_t *)body + ENCMIG_PAGES_HDR_SIZE;
    return 0;
}

uint64_t encmig_rec_name(const uint8_t *recs, uint32_t i)
{
    struct wbuf b;
    uint64_t name = 0;

    wbuf_from(&b, recs + (size_t)i * XEN_ENCMIG_REC_SIZE,
              XEN_ENCMIG_REC_HDR_SIZE);
    wbuf_get_u64le(&b, &name);
    return name;
}

uint32_t encmig_rec_round(const uint8_t *recs, uint32_t i)
{
    struct wbuf b;
    uint64_t skip;
    uint32_t stream, round = 0;

    wbuf_from(&b, recs + (size_t)i * XEN_ENCMIG_REC_SIZE,
              XEN_ENCMIG_REC_HDR_SIZE);
    if (!wbuf_get_u64le(&b, &skip) && !wbuf_get_u64le(&b, &skip) &&
        !wbuf_get_u32le(&b, &stream))
        wbuf_get_u32le(&b, &round);
    return round;
}

uint32_t encmig_batch_count(size_t len, size_t item)
{
    size_t n;

    if (len <= ENCMIG_PAGES_HDR_SIZE || !item)
        return 0;
    n = (len - ENCMIG_PAGES_HDR_SIZE) / item;
    if (n > ENCMIG_MAX_BATCH ||
        ENCMIG_PAGES_HDR_SIZE + n * item != len)
        return 0;
    return n;
}

void encmig_pfns_to_le(uint64_t *pfns, uint32_t n)
{
    uint32_t i;

    for (i = 0; i < n; i++)
        pfns[i] = htole64(pfns[i]);
}

void encmig_pfns_from_le(uint64_t *pfns, uint32_t n)
{
    uint32_t i;

    for (i = 0; i < n; i++)
        pfns[i] = le64toh(pfns[i]);
}
