/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * handshake-msg.c: encode and parse the handshake messages.  Everything
 * here treats its input as hostile: every field is range-checked, every
 * body must be consumed exactly.
 */

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "handshake-msg.h"

_Static_assert(sizeof(struct xen_encmig_keymat) == ENCMIG_HS_KEYMAT_SIZE,
               "the wrapped key material is struct xen_encmig_keymat");

/* A parser that leaves bytes behind saw a message it does not know. */
static int expect_end(const struct wbuf *b)
{
    return wbuf_avail(b) ? -EBADMSG : 0;
}

int encmig_hs_put_header(struct wbuf *b, uint32_t type, uint32_t len)
{
    int rc;

    if (len > ENCMIG_HS_MAX_BODY)
        return -EMSGSIZE;
    rc = wbuf_put_u32be(b, type);
    if (rc)
        return rc;
    return wbuf_put_u32be(b, len);
}

int encmig_hs_parse_header(struct wbuf *b, uint32_t *type, uint32_t *len)
{
    int rc;

    rc = wbuf_get_u32be(b, type);
    if (rc)
        return rc;
    rc = wbuf_get_u32be(b, len);
    if (rc)
        return rc;
    if (*len > ENCMIG_HS_MAX_BODY)
        return -EMSGSIZE;
    return expect_end(b);
}

int encmig_hs_check_len(uint32_t type, uint32_t len)
{
    switch (type) {
    case ENCMIG_HS_MSG_HELLO:
        /* A whole number of suites, 1 to ENCMIG_HS_MAX_SUITES of them. */
        if (len < ENCMIG_HS_HELLO_SIZE(1) ||
            len > ENCMIG_HS_HELLO_SIZE(ENCMIG_HS_MAX_SUITES) ||
            (len - ENCMIG_HS_HELLO_SIZE(0)) % 4)
            return -EBADMSG;
        return 0;
    case ENCMIG_HS_MSG_REPLY:
        return len == ENCMIG_HS_REPLY_SIZE ? 0 : -EBADMSG;
    case ENCMIG_HS_MSG_SOURCE_AUTH:
        return len == ENCMIG_HS_SOURCE_AUTH_SIZE ? 0 : -EBADMSG;
    case ENCMIG_HS_MSG_ERROR:
        return len >= ENCMIG_HS_ERROR_MIN_SIZE &&
               len <= ENCMIG_HS_ERROR_MAX_SIZE ? 0 : -EBADMSG;
    }
    return -EBADMSG;
}

int encmig_hs_put_hello(struct wbuf *b, const struct encmig_hs_hello *h)
{
    uint32_t i;
    int rc;

    if (h->nr_suites < 1 || h->nr_suites > ENCMIG_HS_MAX_SUITES)
        return -EINVAL;
    rc = wbuf_put(b, ENCMIG_HS_MAGIC, ENCMIG_HS_MAGIC_SIZE);
    if (rc)
        return rc;
    rc = wbuf_put_u32be(b, h->min_version);
    if (rc)
        return rc;
    rc = wbuf_put_u32be(b, h->max_version);
    if (rc)
        return rc;
    rc = wbuf_put_u32be(b, h->nr_suites);
    if (rc)
        return rc;
    for (i = 0; i < h->nr_suites; i++) {
        rc = wbuf_put_u32be(b, h->suites[i]);
        if (rc)
            return rc;
    }
    rc = wbuf_put(b, h->eph_pub, sizeof(h->eph_pub));
    if (rc)
        return rc;
    rc = wbuf_put(b, h->nonce, sizeof(h->nonce));
    if (rc)
        return rc;
    return wbuf_put(b, h->host_pub, sizeof(h->host_pub));
}

int encmig_hs_parse_hello(struct wbuf *b, struct encmig_hs_hello *h)
{
    uint8_t magic[ENCMIG_HS_MAGIC_SIZE];
    uint32_t i;
    int rc;

    memset(h, 0, sizeof(*h));
    rc = wbuf_get(b, magic, sizeof(magic));
    if (rc)
        return rc;
    if (memcmp(magic, ENCMIG_HS_MAGIC, sizeof(magic)))
        return -EBADMSG;
    rc = wbuf_get_u32be(b, &h->min_version);
    if (rc)
        return rc;
    rc = wbuf_get_u32be(b, &h->max_version);
    if (rc)
        return rc;
    if (h->min_version < 1 || h->min_version > h->max_version)
        return -EBADMSG;
    rc = wbuf_get_u32be(b, &h->nr_suites);
    if (rc)
        return rc;
    if (h->nr_suites < 1 || h->nr_suites > ENCMIG_HS_MAX_SUITES)
        return -EBADMSG;
    for (i = 0; i < h->nr_suites; i++) {
        rc = wbuf_get_u32be(b, &h->suites[i]);
        if (rc)
            return rc;
    }
    rc = wbuf_get(b, h->eph_pub, sizeof(h->eph_pub));
    if (rc)
        return rc;
    rc = wbuf_get(b, h->nonce, sizeof(h->nonce));
    if (rc)
        return rc;
    rc = wbuf_get(b, h->host_pub, sizeof(h->host_pub));
    if (rc)
        return rc;
    return expect_end(b);
}

int encmig_hs_put_reply_prefix(struct wbuf *b, const struct encmig_hs_reply *r)
{
    int rc;

    rc = wbuf_put_u32be(b, r->version);
    if (rc)
        return rc;
    rc = wbuf_put_u32be(b, r->suite);
    if (rc)
        return rc;
    rc = wbuf_put(b, r->host_pub, sizeof(r->host_pub));
    if (rc)
        return rc;
    rc = wbuf_put(b, r->eph_pub, sizeof(r->eph_pub));
    if (rc)
        return rc;
    return wbuf_put(b, r->nonce, sizeof(r->nonce));
}

int encmig_hs_put_reply(struct wbuf *b, const struct encmig_hs_reply *r)
{
    int rc;

    rc = encmig_hs_put_reply_prefix(b, r);
    if (rc)
        return rc;
    rc = wbuf_put(b, r->wrapped, sizeof(r->wrapped));
    if (rc)
        return rc;
    return wbuf_put(b, r->sig, sizeof(r->sig));
}

int encmig_hs_parse_reply(struct wbuf *b, struct encmig_hs_reply *r)
{
    int rc;

    memset(r, 0, sizeof(*r));
    rc = wbuf_get_u32be(b, &r->version);
    if (rc)
        return rc;
    rc = wbuf_get_u32be(b, &r->suite);
    if (rc)
        return rc;
    rc = wbuf_get(b, r->host_pub, sizeof(r->host_pub));
    if (rc)
        return rc;
    rc = wbuf_get(b, r->eph_pub, sizeof(r->eph_pub));
    if (rc)
        return rc;
    rc = wbuf_get(b, r->nonce, sizeof(r->nonce));
    if (rc)
        return rc;
    rc = wbuf_get(b, r->wrapped, sizeof(r->wrapped));
    if (rc)
        return rc;
    rc = wbuf_get(b, r->sig, sizeof(r->sig));
    if (rc)
        return rc;
    return expect_end(b);
}

int encmig_hs_put_source_auth(struct wbuf *b,
                              const struct encmig_hs_source_auth *a)
{
    return wbuf_put(b, a->sig, sizeof(a->sig));
}

int encmig_hs_parse_source_auth(struct wbuf *b,
                                struct encmig_hs_source_auth *a)
{
    int rc;

    memset(a, 0, sizeof(*a));
    rc = wbuf_get(b, a->sig, sizeof(a->sig));
    if (rc)
        return rc;
    return expect_end(b);
}

int encmig_hs_put_error(struct wbuf *b, uint32_t code, const char *msg)
{
    char text[ENCMIG_HS_MAX_ERRMSG];
    size_t i, len = strnlen(msg, sizeof(text));
    int rc;

    if (code < 1 || code > 4095)
        return -EINVAL;
    for (i = 0; i < len; i++)
        text[i] = msg[i] >= 0x20 && msg[i] <= 0x7e ? msg[i] : '?';
    rc = wbuf_put_u32be(b, code);
    if (rc)
        return rc;
    rc = wbuf_put_u32be(b, len);
    if (rc)
        return rc;
    return wbuf_put(b, text, len);
}

/*
 * Valid UTF-8 (no overlong forms, surrogates or code points past
 * U+10FFFF) holding no C0 or C1 control character and no DEL: text that
 * cannot move a terminal's cursor or start an escape sequence.
 */
static bool printable_utf8(const uint8_t *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        uint32_t cp;
        size_t n, k;

        if (s[i] < 0x80) {
            if (s[i] < 0x20 || s[i] == 0x7f)
                return false;
            i++;
            continue;
        }
        if ((s[i] & 0xe0) == 0xc0) {
            n = 1;
            cp = s[i] & 0x1f;
        } else if ((s[i] & 0xf0) == 0xe0) {
            n = 2;
            cp = s[i] & 0x0f;
        } else if ((s[i] & 0xf8) == 0xf0) {
            n = 3;
            cp = s[i] & 0x07;
        } else {
            return false;
        }
        if (n > len - i - 1)
            return false;
        for (k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
            (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
            return false;
        i += n + 1;
    }
    return true;
}

int encmig_hs_parse_error(struct wbuf *b, struct encmig_hs_error *e)
{
    uint32_t len;
    int rc;

    memset(e, 0, sizeof(*e));
    rc = wbuf_get_u32be(b, &e->code);
    if (rc)
        return rc;
    if (e->code < 1 || e->code > 4095)
        return -EBADMSG;
    rc = wbuf_get_u32be(b, &len);
    if (rc)
        return rc;
    if (len > ENCMIG_HS_MAX_ERRMSG)
        return -EBADMSG;
    rc = wbuf_get(b, e->msg, len);
    if (rc)
        return rc;
    if (!printable_utf8((const uint8_t *)e->msg, len)) {
        memset(e->msg, 0, sizeof(e->msg));
        return -EBADMSG;
    }
    return expect_end(b);
}

int encmig_hs_put_keymat(struct wbuf *b, const struct xen_encmig_keymat *km)
{
    int rc;

    rc = wbuf_put(b, km->key, sizeof(km->key));
    if (rc)
        return rc;
    rc = wbuf_put(b, km->session_id, sizeof(km->session_id));
    if (rc)
        return rc;
    rc = wbuf_put(b, km->nonce_base, sizeof(km->nonce_base));
    if (rc)
        return rc;
    return wbuf_put_u32be(b, km->pad);
}

int encmig_hs_parse_keymat(struct wbuf *b, struct xen_encmig_keymat *km)
{
    int rc;

    rc = wbuf_get(b, km->key, sizeof(km->key));
    if (rc)
        return rc;
    rc = wbuf_get(b, km->session_id, sizeof(km->session_id));
    if (rc)
        return rc;
    rc = wbuf_get(b, km->nonce_base, sizeof(km->nonce_base));
    if (rc)
        return rc;
    rc = wbuf_get_u32be(b, &km->pad);
    if (rc)
        return rc;
    if (km->pad)
        return -EBADMSG;
    return expect_end(b);
}
