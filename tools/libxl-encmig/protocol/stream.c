/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * stream.c: the migration stream's framing (docs/stream.md).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "records.h"
#include "stream.h"
#include "wbuf.h"
#include "../io.h"
#include "../util.h"
#include "../../../sim/sim.h"

#define OPTIONAL_BODY_MAX   (1U << 20)

_Static_assert(ENCMIG_STATE_MAX <= REC_BODY_MAX,
               "a record can carry the largest sealed state");

const char *encmig_rec_type_str(uint32_t type)
{
    switch (type) {
    case REC_TYPE_END:              return "END";
    case REC_TYPE_PAGE_DATA:        return "PAGE_DATA";
    case REC_TYPE_X86_PV_VCPU_BASIC: return "X86_PV_VCPU_BASIC";
    case REC_TYPE_VERIFY:           return "VERIFY";
    case REC_TYPE_STATIC_DATA_END:  return "STATIC_DATA_END";
    case REC_TYPE_X86_MSR_POLICY:   return "X86_MSR_POLICY";
    case REC_TYPE_ENCMIG_PAGES:     return "ENCMIG_PAGES";
    case REC_TYPE_ENCMIG_STATE:     return "ENCMIG_STATE";
    case REC_TYPE_ENCMIG_END:       return "ENCMIG_END";
    case REC_TYPE_ENCMIG_SIM_VCPU:  return "ENCMIG_SIM_VCPU";
    }
    return "unknown";
}

void stream_writer_init(struct stream_writer *w, int fd)
{
    memset(w, 0, sizeof(*w));
    w->fd = fd;
}

void stream_reader_init(struct stream_reader *r, int fd)
{
    memset(r, 0, sizeof(*r));
    r->fd = fd;
}

static int read_full(struct stream_reader *r, void *p, size_t len)
{
    return r->x ? xport_read(r->x, p, len) : encmig_read_full(r->fd, p, len);
}

/*
 * On a transport each message is one record, or the headers: what is
 * left of one when the next record should start was not sent by us.
 */
static int message_ended(struct stream_reader *r)
{
    return r->x && xport_msg_left(r->x) ? -EBADMSG : 0;
}

/*
 * Everything out, and done(cookie) once its memory may be reused: at once
 * on a socket, when the send completes on a transport.  0 or -errno.
 */
static int writev_full(struct stream_writer *w, struct iovec *iov, int n,
                       xport_done_fn *done, void *cookie)
{
    size_t total = 0;
    int i, rc;

    for (i = 0; i < n; i++)
        total += iov[i].iov_len;
    if (w->tap)
        for (i = 0; i < n; i++)
            w->tap(w->tap_opaque, iov[i].iov_base, iov[i].iov_len);

    if (w->x) {
        rc = xport_send(w->x, iov, n, done, cookie);
        if (!rc)
            __atomic_fetch_add(&w->bytes, total, __ATOMIC_RELAXED);
        return rc;
    }

    while (n > 0) {
        ssize_t out = writev(w->fd, iov, n);

        if (out < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        /* Read by the progress display while the sender thread writes. */
        __atomic_fetch_add(&w->bytes, out, __ATOMIC_RELAXED);
        while (n > 0 && (size_t)out >= iov->iov_len) {
            out -= iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (uint8_t *)iov->iov_base + out;
            iov->iov_len -= out;
        }
    }
    if (done)
        done(cookie);
    return 0;
}

int stream_flush(struct stream_writer *w)
{
    return w->x ? xport_flush(w->x) : 0;
}

int stream_write_headers(struct stream_writer *w, uint32_t dom_type)
{
    static const uint8_t rsvd[6];
    struct wbuf b;
    struct iovec iov;
    int rc;

    wbuf_init(&b, sizeof(w->headers));
    /* The image header is big-endian; the options say the rest is LE. */
    if ((rc = wbuf_put_u64be(&b, IHDR_MARKER)) ||
         (rc = wbuf_put_u32be(&b, IHDR_ID)) ||
         (rc = wbuf_put_u32be(&b, IHDR_VERSION)) ||
         (rc = wbuf_put_u16be(&b, 0)) ||
         (rc = wbuf_put(&b, rsvd, sizeof(rsvd))) ||
         (rc = wbuf_put_u32le(&b, dom_type)) ||
         (rc = wbuf_put_u16le(&b, 12)) ||             /* page_shift */
         (rc = wbuf_put_u16le(&b, 0)) ||
         (rc = wbuf_put_u32le(&b, 0)) ||              /* xen_major: none */
         (rc = wbuf_put_u32le(&b, 0)))
        goto out;
    memcpy(w->headers, wbuf_ptr(&b), sizeof(w->headers));
    if (w->core)
        encmig_core_stream_bytes(w->core, w->headers, sizeof(w->headers));
    iov.iov_base = w->headers;
    iov.iov_len = sizeof(w->headers);
    rc = writev_full(w, &iov, 1, NULL, NULL);

 out:
    wbuf_free(&b);
    return rc;
}

int stream_parse_headers(const uint8_t h[IHDR_SIZE + DHDR_SIZE],
                         uint32_t *dom_type)
{
    struct wbuf b;
    uint64_t marker;
    uint32_t id, version, type, major, minor;
    uint16_t options, shift, rsvd16;
    int rc;

    wbuf_from(&b, h, IHDR_SIZE + DHDR_SIZE);
    if ((rc = wbuf_get_u64be(&b, &marker)) ||
         (rc = wbuf_get_u32be(&b, &id)) ||
         (rc = wbuf_get_u32be(&b, &version)) ||
         (rc = wbuf_get_u16be(&b, &options)) ||
         (rc = wbuf_skip(&b, 6)) ||
         (rc = wbuf_get_u32le(&b, &type)) ||
         (rc = wbuf_get_u16le(&b, &shift)) ||
         (rc = wbuf_get_u16le(&b, &rsvd16)) ||
         (rc = wbuf_get_u32le(&b, &major)) ||
         (rc = wbuf_get_u32le(&b, &minor)))
        return rc;

    if (marker != IHDR_MARKER || id != IHDR_ID)
        return -EBADMSG;                    /* not a migration stream */
    if (version != IHDR_VERSION || (options & IHDR_OPT_BIG_ENDIAN) ||
         shift != 12)
        return -EPROTONOSUPPORT;
    *dom_type = type;
    return 0;
}

int stream_read_headers(struct stream_reader *r, uint32_t *dom_type)
{
    int rc = read_full(r, r->headers, sizeof(r->headers));

    if (!rc)
        rc = message_ended(r);
    if (rc)
        return rc;
    r->bytes += sizeof(r->headers);
    if (r->core)
        encmig_core_stream_bytes(r->core, r->headers, sizeof(r->headers));
    return stream_parse_headers(r->headers, dom_type);
}

int stream_write_record(struct stream_writer *w, uint32_t type,
                        const struct iovec *iov, int n)
{
    return stream_write_record_then(w, type, iov, n, NULL, NULL);
}

int stream_write_record_then(struct stream_writer *w, uint32_t type,
                             const struct iovec *iov, int n,
                             xport_done_fn *done, void *cookie)
{
    static const uint8_t zero[REC_ALIGN];
    struct iovec v[8];
    uint8_t hdr[REC_HDR_SIZE];
    uint64_t len = 0;
    int i;

    if (n < 0 || n > 6)
        return -EINVAL;
    for (i = 0; i < n; i++)
        len += iov[i].iov_len;
    if (len > REC_BODY_MAX)
        return -EMSGSIZE;

    /* Record headers are in the stream's (little) endianness. */
    encmig_hdr8_put(hdr, type, len);
    v[0].iov_base = hdr;
    v[0].iov_len = sizeof(hdr);
    if (n)
        memcpy(v + 1, iov, n * sizeof(*iov));
    v[n + 1].iov_base = (void *)zero;
    v[n + 1].iov_len = (REC_ALIGN - (len & (REC_ALIGN - 1))) & (REC_ALIGN - 1);
    if (w->core)
        encmig_core_stream_record(w->core, type, len, iov, n);
    return writev_full(w, v, n + 2, done, cookie);
}

/* Smallest and largest body of each known type. */
static int body_limits(uint32_t type, uint32_t *min, uint32_t *max)
{
    switch (type) {
    case REC_TYPE_END:
        *min = *max = 0;
        return 0;
    case REC_TYPE_PAGE_DATA:
        *min = 8 + 8;
        *max = 8 + ENCMIG_MAX_BATCH * (8 + XEN_ENCMIG_PAGE_SIZE);
        return 0;
    case REC_TYPE_ENCMIG_PAGES:
        *min = ENCMIG_PAGES_HDR_SIZE + XEN_ENCMIG_REC_SIZE;
        *max = REC_BODY_MAX;
        return 0;
    case REC_TYPE_ENCMIG_STATE:
        *min = ENCMIG_STATE_MIN;
        *max = ENCMIG_STATE_MAX;
        return 0;
    case REC_TYPE_ENCMIG_END:
        *min = 8 + 8 + ENCMIG_TRANSCRIPT_SIZE + ENCMIG_END_MAC_SIZE;
        *max = 8 + 8 * ENCMIG_MAX_STREAMS + ENCMIG_TRANSCRIPT_SIZE +
               ENCMIG_END_MAC_SIZE;
        return 0;
    case REC_TYPE_ENCMIG_SIM_VCPU:
        *min = *max = SIM_VCPU_STATE_SIZE;
        return 0;
    }
    return -ENOENT;
}

static int read_padding(struct stream_reader *r, uint32_t len)
{
    uint8_t pad[REC_ALIGN];
    size_t n = (REC_ALIGN - (len & (REC_ALIGN - 1))) & (REC_ALIGN - 1);
    size_t i;
    int rc;

    if (n == 0)
        return 0;
    rc = read_full(r, pad, n);
    if (rc)
        return rc;
    r->bytes += n;
    for (i = 0; i < n; i++)
        if (pad[i])
            return -EBADMSG;
    return 0;
}

int stream_read_record_body(struct stream_reader *r, uint32_t type,
                            uint32_t len, const struct iovec *iov,
                            unsigned int n)
{
    uint64_t total = 0;
    unsigned int i;
    int rc;

    for (i = 0; i < n; i++)
        total += iov[i].iov_len;
    if (total != len)
        return -EINVAL;
    for (i = 0; i < n; i++) {
        rc = read_full(r, iov[i].iov_base, iov[i].iov_len);
        if (rc)
            return rc;
        r->bytes += iov[i].iov_len;
    }
    rc = read_padding(r, len);
    if (!rc && r->core)
        encmig_core_stream_record(r->core, type, len, iov, n);
    return rc;
}

/* An unknown optional record: not understood, but in the transcript all
 * the same, so that nothing can be slipped in unnoticed. */
static int skip_body(struct stream_reader *r, uint32_t type, uint32_t len)
{
    uint8_t tmp[4096];
    uint32_t left = len;
    int rc;

    if (r->core)
        encmig_core_stream_rec_hdr(r->core, type, len);
    while (left) {
        uint32_t n = left < sizeof(tmp) ? left : sizeof(tmp);

        rc = read_full(r, tmp, n);
        if (rc)
            return rc;
        r->bytes += n;
        left -= n;
        if (r->core)
            encmig_core_stream_bytes(r->core, tmp, n);
    }
    return read_padding(r, len);
}

int stream_read_record_header(struct stream_reader *r, uint32_t *type,
                              uint32_t *len, char *err, size_t errlen)
{
    for (;;) {
        uint8_t hdr[REC_HDR_SIZE];
        uint32_t t, l, min, max;
        int rc;

        if (message_ended(r)) {
            encmig_seterr(err, errlen, "an RDMA message held more than one "
                          "record");
            return -EBADMSG;
        }
        rc = read_full(r, hdr, sizeof(hdr));
        if (rc) {
            encmig_seterr(err, errlen, "stream ended before its END record: %s",
                     strerror(-rc));
            return rc;
        }
        r->bytes += sizeof(hdr);
        encmig_hdr8_get(hdr, &t, &l);
        /* Nothing follows the END record in its message, nor at all. */
        if (t == REC_TYPE_END && message_ended(r)) {
            encmig_seterr(err, errlen, "bytes after the END record in its "
                          "RDMA message");
            return -EBADMSG;
        }

        if (body_limits(t, &min, &max) == 0) {
            if (l < min || l > max) {
                encmig_seterr(err, errlen, "%s record of %u bytes: want %u to %u",
                         encmig_rec_type_str(t), l, min, max);
                return -EBADMSG;
            }
            *type = t;
            *len = l;
            return 0;
        }

        if (!(t & REC_TYPE_OPTIONAL)) {
            encmig_seterr(err, errlen, "unknown mandatory record type %#x", t);
            return -EOPNOTSUPP;
        }
        /* Past the end record nothing is authenticated: skip nothing. */
        if (r->core && r->core->th_closed) {
            encmig_seterr(err, errlen, "record %#x after the end record", t);
            return -EBADMSG;
        }
        if (l > OPTIONAL_BODY_MAX) {
            encmig_seterr(err, errlen, "optional record %#x of %u bytes: too big",
                     t, l);
            return -EBADMSG;
        }
        rc = skip_body(r, t, l);
        if (rc) {
            encmig_seterr(err, errlen, "optional record %#x: %s", t, strerror(-rc));
            return rc;
        }
    }
}
