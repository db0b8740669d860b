/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * libxl-records.c: libxl's records sealed one by one, their order, and
 * the boundaries of the libxc stream among them (docs/stream.md, 6).
 */

#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "keys.h"
#include "libxl-records.h"
#include "records.h"
#include "stream.h"
#include "wbuf.h"
#include "../util.h"

/* Where the sequence stands: what it has taken last. */
enum {
    AT_START,           /* nothing yet: the header comes first */
    AT_HEADER,          /* the header: LIBXC_CONTEXT next */
    AT_LIBXC,           /* libxc's stream went by */
    AT_XENSTORE,        /* EMULATOR_XENSTORE_DATA */
    AT_EMULATOR,        /* EMULATOR_CONTEXT */
    AT_END,             /* END: nothing more */
    AT_DEAD,            /* wiped */
};

void encmig_lxr_init(struct encmig_lxr *x, const uint8_t key[32])
{
    memset(x, 0, sizeof(*x));
    memcpy(x->key, key, sizeof(x->key));
    x->at = AT_START;
}

void encmig_lxr_wipe(struct encmig_lxr *x)
{
    OPENSSL_cleanse(x->key, sizeof(x->key));
    x->at = AT_DEAD;
}

const char *encmig_lxr_type_str(uint32_t type)
{
    switch (type) {
    case LXR_TYPE_END:                      return "END";
    case LXR_TYPE_LIBXC_CONTEXT:            return "LIBXC_CONTEXT";
    case LXR_TYPE_EMULATOR_XENSTORE_DATA:   return "EMULATOR_XENSTORE_DATA";
    case LXR_TYPE_EMULATOR_CONTEXT:         return "EMULATOR_CONTEXT";
    case ENCMIG_LXR_STREAM_HDR:             return "the stream header";
    }
    return "unknown";
}

/* What each type's place in the order is, and the lengths it can have. */
static int type_rule(uint32_t type, unsigned int *at, uint32_t *min,
                     uint32_t *max)
{
    switch (type) {
    case ENCMIG_LXR_STREAM_HDR:
        *at = AT_HEADER;
        *min = *max = LXR_HDR_SIZE;
        return 0;
    case LXR_TYPE_LIBXC_CONTEXT:
        *at = AT_LIBXC;
        *min = *max = 0;
        return 0;
    case LXR_TYPE_EMULATOR_XENSTORE_DATA:
        *at = AT_XENSTORE;
        *min = LXR_EMULATOR_HDR_SIZE;
        *max = LXR_EMULATOR_MAX;
        return 0;
    case LXR_TYPE_EMULATOR_CONTEXT:
        *at = AT_EMULATOR;
        *min = LXR_EMULATOR_HDR_SIZE;
        *max = LXR_EMULATOR_MAX;
        return 0;
    case LXR_TYPE_END:
        *at = AT_END;
        *min = *max = 0;
        return 0;
    }
    return -EOPNOTSUPP;
}

int encmig_lxr_next(struct encmig_lxr *x, uint32_t type, uint32_t length,
                    char *err, size_t errlen)
{
    unsigned int at;
    uint32_t min, max;
    bool in_order;

    if (x->at == AT_DEAD)
        return encmig_fail(err, errlen, -EPROTO, "the sequence is closed");
    if (type_rule(type, &at, &min, &max))
        return encmig_fail(err, errlen, -EOPNOTSUPP,
                           "libxl record type %#x is not one an "
                           "encrypted migration carries", type);
    if (length < min || length > max)
        return encmig_fail(err, errlen, -EMSGSIZE,
                           "libxl record %s of %u bytes (takes %u to %u)",
                           encmig_lxr_type_str(type), length, min, max);
    /*
     * The header, then LIBXC_CONTEXT, each exactly once, then the
     * emulator records, optional, in libxl's order, then END.
     */
    switch (at) {
    case AT_HEADER:
    case AT_LIBXC:
        in_order = x->at == at - 1;
        break;
    default:
        in_order = x->at >= AT_LIBXC && x->at < at && x->at != AT_END;
        break;
    }
    if (!in_order)
        return encmig_fail(err, errlen, -EBADMSG,
                           "libxl record %s out of order (frame %llu)",
                           encmig_lxr_type_str(type),
                           (unsigned long long)x->seq);
    x->at = at;
    return 0;
}

bool encmig_lxr_done(const struct encmig_lxr *x)
{
    return x->at == AT_END;
}

/* The frame's nonce and AAD, from its number, type and length. */
static int frame_iv_aad(uint64_t seq, uint32_t type, uint32_t length,
                        uint8_t iv[12], uint8_t aad[16])
{
    struct wbuf b;
    int rc = wbuf_init(&b, 12 + 16);

    if (!rc && !(rc = wbuf_put_u32be(&b, 0)) &&
        !(rc = wbuf_put_u64be(&b, seq)) &&
        !(rc = wbuf_put_u64le(&b, seq)) &&
        !(rc = wbuf_put_u32le(&b, type)) &&
        !(rc = wbuf_put_u32le(&b, length))) {
        memcpy(iv, wbuf_ptr(&b), 12);
        memcpy(aad, wbuf_ptr(&b) + 12, 16);
    }
    wbuf_free(&b);
    return rc;
}

int encmig_lxr_seal(struct encmig_lxr *x, uint32_t type, uint32_t length,
                    const void *body, uint8_t hdr[8], uint8_t *ct,
                    uint8_t tag[ENCMIG_LXR_TAG_SIZE])
{
    uint8_t iv[12], aad[16];

    int rc;

    if (x->at == AT_DEAD || x->seq == UINT64_MAX)
        return -EPROTO;
    if ((rc = frame_iv_aad(x->seq++, type, length, iv, aad)))
        return rc;
    encmig_hdr8_put(hdr, type, length);
    return encmig_seal(x->key, iv, aad, sizeof(aad), body, length, ct, tag);
}

int encmig_lxr_open(struct encmig_lxr *x, uint32_t type, uint32_t length,
                    const void *ct, const uint8_t tag[ENCMIG_LXR_TAG_SIZE],
                    void *out, char *err, size_t errlen)
{
    uint8_t iv[12], aad[16];
    uint64_t n = x->seq;
    int rc;

    if (x->at == AT_DEAD || x->seq == UINT64_MAX)
        return encmig_fail(err, errlen, -EPROTO, "the sequence is closed");
    rc = frame_iv_aad(x->seq++, type, length, iv, aad);
    if (!rc)
        rc = encmig_open(x->key, iv, aad, sizeof(aad), ct, length, tag, out);
    if (rc == -EBADMSG)
        return encmig_fail(err, errlen, rc, "libxl record %s (frame %llu) "
                           "failed authentication: altered, replayed or "
                           "out of place", encmig_lxr_type_str(type),
                           (unsigned long long)n);
    if (rc)
        return encmig_fail(err, errlen, rc, "opening libxl record %s: %s",
                           encmig_lxr_type_str(type), strerror(-rc));
    return 0;
}

int encmig_lxr_stream_hdr_check(const uint8_t hdr[LXR_HDR_SIZE],
                                char *err, size_t errlen)
{
    struct wbuf b;
    uint64_t ident;
    uint32_t version, options;

    wbuf_from(&b, hdr, LXR_HDR_SIZE);
    if (wbuf_get_u64be(&b, &ident) || wbuf_get_u32be(&b, &version) ||
        wbuf_get_u32be(&b, &options) || ident != LXR_IDENT)
        return encmig_fail(err, errlen, -EBADMSG,
                           "not a libxl migration stream");
    if (version != LXR_VERSION || options)
        return encmig_fail(err, errlen, -EPROTONOSUPPORT,
                           "libxl stream version %u, options %#x (takes "
                           "version 2, little-endian, not legacy)",
                           version, options);
    return 0;
}

int encmig_lxc_headers_check(const uint8_t h[IHDR_SIZE + DHDR_SIZE],
                             char *err, size_t errlen)
{
    uint32_t dom_type;
    int rc = stream_parse_headers(h, &dom_type);

    if (rc)
        return encmig_fail(err, errlen, rc, "libxc's stream headers: %s",
                           rc == -EBADMSG ? "not a libxc stream"
                                          : "an unsupported format");
    return 0;
}

int encmig_lxc_rec_check(const uint8_t hdr[REC_HDR_SIZE], uint32_t *type,
                         uint64_t *rest, char *err, size_t errlen)
{
    uint32_t length;

    encmig_hdr8_get(hdr, type, &length);
    if (length > LXC_REC_LENGTH_MAX)
        return encmig_fail(err, errlen, -EMSGSIZE, "libxc record %#x of %u "
                           "bytes (libxc takes at most %u)", *type, length,
                           LXC_REC_LENGTH_MAX);
    if (*type == REC_TYPE_END && length)
        return encmig_fail(err, errlen, -EBADMSG,
                           "libxc's END record with a body");
    *rest = ((uint64_t)length + REC_ALIGN - 1) & ~(uint64_t)(REC_ALIGN - 1);
    return 0;
}
