/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * msg.c: message framing on the migration connection.
 */

#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "handshake-msg.h"
#include "msg.h"
#include "request.h"
#include "../io.h"

/* The bodies each type can have; handshake types are checked by their
 * own parser (handshake-msg.c) within MSG_BODY_MAX.  An unknown type is
 * -EPROTO, so that -EBADMSG from a control message means its MAC. */
static int body_limits(uint32_t type, uint32_t *min, uint32_t *max)
{
    switch (type) {
    case MSG_MIGRATE_REQ:
        /* From 24, so that a version 2 source hears which we speak. */
        *min = 24;
        *max = MIGRATE_REQ_SIZE;
        return 0;
    case MSG_READY:
    case MSG_RESUMED:
    case MSG_ACCEPT:
    case MSG_STREAM_DONE:
    case MSG_RECEIVED:
    case MSG_GO:
        *min = *max = 0;
        return 0;
    case MSG_VERIFY:
    case MSG_CONFIG:
        *min = *max = 32;
        return 0;
    case MSG_FAILED:
        *min = 8;
        *max = 8 + MSG_FAILED_TEXT_MAX;
        return 0;
    }
    if (type >= 1 && type <= 15) {
        *min = 0;
        *max = MSG_BODY_MAX;
        return 0;
    }
    return -EBADMSG;
}

static int frame(struct wbuf *b, uint32_t type, const void *body, size_t len)
{
    int rc;

    if (len > MSG_BODY_MAX)
        return -EMSGSIZE;
    /* Room for a control MAC after the frame. */
    wbuf_init(b, MSG_HDR_SIZE + MSG_BODY_MAX + ENCMIG_MAC_SIZE);
    if ((rc = wbuf_put_u32be(b, type)) || (rc = wbuf_put_u32be(b, len)) ||
        (rc = wbuf_put(b, body, len)))
        wbuf_free(b);
    return rc;
}

int encmig_msg_send(int fd, uint32_t type, const void *body, size_t len)
{
    struct wbuf b;
    int rc = frame(&b, type, body, len);

    if (rc)
        return rc;
    rc = encmig_write_full(fd, wbuf_ptr(&b), wbuf_avail(&b));
    wbuf_free(&b);
    return rc;
}

/* The header, checked; the body into body.  hdr keeps the header's bytes
 * for the control MAC. */
static int recv_frame(int fd, uint8_t hdr[MSG_HDR_SIZE], uint32_t *type,
                      struct wbuf *body, size_t max)
{
    struct wbuf h;
    uint32_t t, len, min, lim;
    uint8_t *p;
    int rc;

    wbuf_reset(body);
    rc = encmig_read_full(fd, hdr, MSG_HDR_SIZE);
    if (rc)
        return rc;
    wbuf_from(&h, hdr, MSG_HDR_SIZE);
    if ((rc = wbuf_get_u32be(&h, &t)) || (rc = wbuf_get_u32be(&h, &len)))
        return rc;
    if (body_limits(t, &min, &lim))
        return -EPROTO;
    if (len > max || len > lim)
        return -EMSGSIZE;
    if (len < min)
        return -EBADMSG;
    if (len) {
        rc = wbuf_reserve(body, len, &p);
        if (!rc)
            rc = encmig_read_full(fd, p, len);
        if (rc)
            return rc;
    }
    *type = t;
    return 0;
}

int encmig_msg_recv(int fd, uint32_t *type, struct wbuf *body, size_t max)
{
    uint8_t hdr[MSG_HDR_SIZE];

    return recv_frame(fd, hdr, type, body, max);
}

int encmig_msg_send_ctl(int fd, struct encmig_core *c, uint32_t type,
                        const void *body, size_t len)
{
    uint8_t *mac;
    const void *parts[1];
    size_t lens[1];
    struct wbuf b;
    int rc;

    if (!c || !c->keyed)
        return encmig_msg_send(fd, type, body, len);
    if ((rc = frame(&b, type, body, len)))
        return rc;
    /* The MAC covers the frame as sent: type, length and body. */
    if (!(rc = wbuf_reserve(&b, ENCMIG_MAC_SIZE, &mac))) {
        parts[0] = wbuf_ptr(&b);
        lens[0] = wbuf_avail(&b) - ENCMIG_MAC_SIZE;
        rc = encmig_core_ctl_seal(c, parts, lens, 1, mac);
    }
    if (!rc)
        rc = encmig_write_full(fd, wbuf_ptr(&b), wbuf_avail(&b));
    wbuf_free(&b);
    return rc;
}

int encmig_msg_recv_ctl(int fd, struct encmig_core *c, uint32_t *type,
                        struct wbuf *body, size_t max)
{
    uint8_t hdr[MSG_HDR_SIZE], mac[ENCMIG_MAC_SIZE];
    const void *parts[2];
    size_t lens[2];
    int rc;

    rc = recv_frame(fd, hdr, type, body, max);
    if (rc || !c || !c->keyed)
        return rc;
    /* A destination that refused the source's half of the handshake
     * answers with the handshake's ERROR, which has no MAC. */
    if (*type == ENCMIG_HS_MSG_ERROR)
        return -ECONNREFUSED;
    rc = encmig_read_full(fd, mac, sizeof(mac));
    if (!rc) {
        parts[0] = hdr;
        lens[0] = sizeof(hdr);
        parts[1] = wbuf_ptr(body);
        lens[1] = wbuf_avail(body);
        rc = encmig_core_ctl_check(c, parts, lens, 2, mac);
    }
    if (rc)
        wbuf_reset(body);
    return rc;
}

void encmig_msg_send_failed(int fd, struct encmig_core *c, int code,
                            const char *reason)
{
    struct wbuf b;
    size_t len = strnlen(reason, MSG_FAILED_TEXT_MAX);

    wbuf_init(&b, MSG_BODY_MAX);
    if (!wbuf_put_u32be(&b, code) && !wbuf_put_u32be(&b, len) &&
        !wbuf_put(&b, reason, len))
        encmig_msg_send_ctl(fd, c, MSG_FAILED, wbuf_ptr(&b),
                            wbuf_avail(&b));
    wbuf_free(&b);
}

int encmig_msg_parse_failed(struct wbuf *body, int *code, char *reason,
                            size_t len)
{
    uint32_t c, n;
    const uint8_t *p;
    size_t i;
    int rc;

    if ((rc = wbuf_get_u32be(body, &c)) || (rc = wbuf_get_u32be(body, &n)))
        return rc;
    if (n > MSG_FAILED_TEXT_MAX || n != wbuf_avail(body))
        return -EBADMSG;
    if ((rc = wbuf_get_ptr(body, &p, n)))
        return rc;
    /* A peer's text is printed: keep it to one line of printable ASCII. */
    for (i = 0; i < n && i + 1 < len; i++)
        reason[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? p[i] : '?';
    if (len)
        reason[i] = '\0';
    *code = c > 4095 ? EPROTO : (int)c;
    return 0;
}
