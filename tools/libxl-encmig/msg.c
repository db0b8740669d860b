/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * msg.c: message framing on the migration connection.
 */

#include <errno.h>
#include <string.h>

#include "io.h"
#include "msg.h"

int encmig_msg_send(int fd, uint32_t type, const void *body, size_t len)
{
    struct wbuf b;
    int rc;

    if (len > MSG_BODY_MAX)
        return -EMSGSIZE;
    wbuf_init(&b, MSG_HDR_SIZE + MSG_BODY_MAX);
    if (!(rc = wbuf_put_u32be(&b, type)) &&
         !(rc = wbuf_put_u32be(&b, len)) &&
         !(rc = wbuf_put(&b, body, len)))
        rc = encmig_write_full(fd, wbuf_ptr(&b), wbuf_avail(&b));
    wbuf_free(&b);
    return rc;
}

int encmig_msg_recv(int fd, uint32_t *type, struct wbuf *body, size_t max)
{
    uint8_t hdr[MSG_HDR_SIZE], *p;
    uint32_t t = 0, len = 0;
    unsigned int i;
    int rc;

    wbuf_reset(body);
    rc = encmig_read_full(fd, hdr, sizeof(hdr));
    if (rc)
        return rc;
    for (i = 0; i < 4; i++) {
        t = (t << 8) | hdr[i];
        len = (len << 8) | hdr[4 + i];
    }
    if (len > max || len > MSG_BODY_MAX)
        return -EMSGSIZE;
    if (len == 0) {
        *type = t;
        return 0;
    }
    rc = wbuf_reserve(body, len, &p);
    if (!rc)
        rc = encmig_read_full(fd, p, len);
    if (!rc)
        *type = t;
    return rc;
}

void encmig_msg_send_failed(int fd, int code, const char *reason)
{
    struct wbuf b;
    size_t len = strnlen(reason, 256);

    wbuf_init(&b, MSG_BODY_MAX);
    if (!wbuf_put_u32be(&b, code) && !wbuf_put_u32be(&b, len) &&
         !wbuf_put(&b, reason, len))
        encmig_msg_send(fd, MSG_FAILED, wbuf_ptr(&b), wbuf_avail(&b));
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
    if (n > 256 || n != wbuf_avail(body))
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
