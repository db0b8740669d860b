/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vectors.c: the recorded handshake, worked through.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "vectors.h"
#include "../../tools/libxl-encmig/protocol/msg.h"
#include "../../tools/libxl-encmig/protocol/wbuf.h"

/* The body of the first message of type in a run of frames. */
static int find(const uint8_t *d, size_t n, uint32_t type, struct wbuf *body)
{
    struct wbuf b;
    uint32_t t, len;
    const uint8_t *p;

    wbuf_from(&b, d, n);
    while (!wbuf_get_u32be(&b, &t) && !wbuf_get_u32be(&b, &len) &&
           !wbuf_get_ptr(&b, &p, len)) {
        if (t == type) {
            wbuf_from(body, p, len);
            return 0;
        }
        /* Control messages carry a MAC; none comes before the stream's
         * handshake messages, so none is met here. */
    }
    return -ENOENT;
}

int vectors_handshake(const uint8_t *to_dst, size_t n0, const uint8_t *to_src,
                      size_t n1, const uint8_t spriv[32],
                      struct vectors_hs *v, char *err, size_t errlen)
{
    struct wbuf hb, rb, sb;
    EVP_PKEY *eph = NULL;
    int rc;

    memset(v, 0, sizeof(*v));
    if (find(to_dst, n0, ENCMIG_HS_MSG_HELLO, &hb) ||
        find(to_src, n1, ENCMIG_HS_MSG_REPLY, &rb) ||
        find(to_dst, n0, ENCMIG_HS_MSG_SOURCE_AUTH, &sb)) {
        snprintf(err, errlen, "a handshake message is missing");
        return -ENOENT;
    }
    rc = encmig_hs_transcript(wbuf_ptr(&hb), wbuf_avail(&hb), wbuf_ptr(&rb),
                              ENCMIG_HS_REPLY_PREFIX_SIZE, v->th);
    if (!rc && ((rc = encmig_hs_parse_hello(&hb, &v->hello)) ||
                (rc = encmig_hs_parse_reply(&rb, &v->reply)) ||
                (rc = encmig_hs_parse_source_auth(&sb, &v->sauth))))
        snprintf(err, errlen, "a handshake message does not parse");
    else if (!rc && (rc = encmig_hs_verify(v->reply.host_pub, v->th,
                                            v->reply.wrapped,
                                            v->reply.sig)))
        snprintf(err, errlen, "the destination's signature");
    else if (!rc && (rc = encmig_hs_source_verify(v->hello.host_pub, v->th,
                                                   v->reply.wrapped,
                                                   v->reply.sig,
                                                   v->sauth.sig)))
        snprintf(err, errlen, "the source's signature");
    if (rc)
        goto out;

    eph = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, spriv, 32);
    rc = -EINVAL;
    if (!eph) {
        snprintf(err, errlen, "the source's ephemeral key");
        goto out;
    }
    if ((rc = encmig_hs_eph_derive(eph, v->reply.eph_pub, v->shared)) ||
        (rc = encmig_hs_kek(v->shared, v->th, v->kek)) ||
        (rc = encmig_hs_unwrap(v->kek, v->th, v->reply.wrapped, &v->km)) ||
        (rc = encmig_hs_final_hash(v->th, v->reply.wrapped, v->reply.sig,
                                   v->sauth.sig, v->fth)))
        snprintf(err, errlen, "the key schedule: %s", strerror(-rc));

 out:
    EVP_PKEY_free(eph);
    return rc;
}

void vectors_put_hex(FILE *f, const char *name, const uint8_t *p, size_t len)
{
    size_t i;

    fprintf(f, "%s ", name);
    for (i = 0; i < len; i++)
        fprintf(f, "%02x", p[i]);
    fputc('\n', f);
}
