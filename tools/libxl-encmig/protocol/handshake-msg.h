/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * handshake-msg.h: the messages of the key handshake, encoded into and
 * parsed from a struct wbuf.  No I/O and no cryptography here, so a fuzz
 * target can feed the parsers arbitrary bytes.  docs/handshake.md has the
 * layouts.
 *
 * Every message travels as
 *
 *   u32be type | u32be length | body[length]
 *
 * with length at most ENCMIG_HS_MAX_BODY.  Parsers take the body alone,
 * consume all of it, and return 0 or -EBADMSG for anything that is not
 * exactly a well-formed message (short, long, out of range).  All
 * integers are big-endian.
 */

#ifndef __ENCMIG_HANDSHAKE_MSG_H__
#define __ENCMIG_HANDSHAKE_MSG_H__

#include <stdint.h>

#include "wbuf.h"
#include "../../../hypercalls/include/public/encmig.h"

#define ENCMIG_HS_MSG_HELLO          1   /* source -> destination */
#define ENCMIG_HS_MSG_REPLY          2   /* destination -> source */
#define ENCMIG_HS_MSG_ERROR          3   /* destination -> source */
#define ENCMIG_HS_MSG_SOURCE_AUTH    4   /* source -> destination */

#define ENCMIG_HS_HEADER_SIZE        8
#define ENCMIG_HS_MAX_BODY           4096

#define ENCMIG_HS_MAGIC              "ENCMIGHS"
#define ENCMIG_HS_MAGIC_SIZE         8
#define ENCMIG_HS_MAX_SUITES         8
#define ENCMIG_HS_PUB_SIZE           32  /* X25519 and Ed25519 alike */
#define ENCMIG_HS_NONCE_SIZE         32
#define ENCMIG_HS_KEYMAT_SIZE        64  /* struct xen_encmig_keymat */
#define ENCMIG_HS_GCM_TAG_SIZE       16
#define ENCMIG_HS_WRAPPED_SIZE       (ENCMIG_HS_KEYMAT_SIZE + \
                                      ENCMIG_HS_GCM_TAG_SIZE)
#define ENCMIG_HS_SIG_SIZE           64
#define ENCMIG_HS_MAX_ERRMSG         256

#define ENCMIG_HS_HELLO_SIZE(n)      (ENCMIG_HS_MAGIC_SIZE + 3 * 4 + 4 * (n) + \
                                      2 * ENCMIG_HS_PUB_SIZE + \
                                      ENCMIG_HS_NONCE_SIZE)
/* The part of REPLY that the transcript hash covers. */
#define ENCMIG_HS_REPLY_PREFIX_SIZE  (2 * 4 + 2 * ENCMIG_HS_PUB_SIZE + \
                                      ENCMIG_HS_NONCE_SIZE)
#define ENCMIG_HS_REPLY_SIZE         (ENCMIG_HS_REPLY_PREFIX_SIZE + \
                                      ENCMIG_HS_WRAPPED_SIZE + \
                                      ENCMIG_HS_SIG_SIZE)
#define ENCMIG_HS_SOURCE_AUTH_SIZE   ENCMIG_HS_SIG_SIZE
#define ENCMIG_HS_ERROR_MIN_SIZE     8
#define ENCMIG_HS_ERROR_MAX_SIZE     (8 + ENCMIG_HS_MAX_ERRMSG)

struct encmig_hs_hello {
    uint32_t min_version;
    uint32_t max_version;
    uint32_t nr_suites;                         /* 1 .. ENCMIG_HS_MAX_SUITES */
    uint32_t suites[ENCMIG_HS_MAX_SUITES];      /* in order of preference */
    uint8_t eph_pub[ENCMIG_HS_PUB_SIZE];        /* source's X25519 */
    uint8_t nonce[ENCMIG_HS_NONCE_SIZE];
    uint8_t host_pub[ENCMIG_HS_PUB_SIZE];       /* source's Ed25519 */
};

struct encmig_hs_reply {
    uint32_t version;
    uint32_t suite;
    uint8_t host_pub[ENCMIG_HS_PUB_SIZE];       /* destination's Ed25519 */
    uint8_t eph_pub[ENCMIG_HS_PUB_SIZE];        /* destination's X25519 */
    uint8_t nonce[ENCMIG_HS_NONCE_SIZE];
    uint8_t wrapped[ENCMIG_HS_WRAPPED_SIZE];    /* GCM(keymat) || tag */
    uint8_t sig[ENCMIG_HS_SIG_SIZE];
};

struct encmig_hs_source_auth {
    uint8_t sig[ENCMIG_HS_SIG_SIZE];            /* source's Ed25519 */
};

struct encmig_hs_error {
    uint32_t code;                              /* a Linux errno value */
    char msg[ENCMIG_HS_MAX_ERRMSG + 1];         /* NUL-terminated */
};

/*
 * Frame header.  The parser refuses a length above ENCMIG_HS_MAX_BODY
 * with -EMSGSIZE, before anything is allocated for it.
 */
int encmig_hs_put_header(struct wbuf *b, uint32_t type, uint32_t len);
int encmig_hs_parse_header(struct wbuf *b, uint32_t *type, uint32_t *len);
/* Whether len is a possible body length of type: 0 or -EBADMSG. */
int encmig_hs_check_len(uint32_t type, uint32_t len);

int encmig_hs_put_hello(struct wbuf *b, const struct encmig_hs_hello *h);
int encmig_hs_parse_hello(struct wbuf *b, struct encmig_hs_hello *h);

int encmig_hs_put_reply_prefix(struct wbuf *b,
                               const struct encmig_hs_reply *r);
int encmig_hs_put_reply(struct wbuf *b, const struct encmig_hs_reply *r);
int encmig_hs_parse_reply(struct wbuf *b, struct encmig_hs_reply *r);

int encmig_hs_put_source_auth(struct wbuf *b,
                              const struct encmig_hs_source_auth *a);
int encmig_hs_parse_source_auth(struct wbuf *b,
                                struct encmig_hs_source_auth *a);

/*
 * code must be 1..4095.  msg is sent with anything but printable ASCII
 * replaced by '?' and cut to ENCMIG_HS_MAX_ERRMSG bytes.  The parser
 * accepts only valid UTF-8 without control characters, so the text can
 * be shown to an operator as it is.
 */
int encmig_hs_put_error(struct wbuf *b, uint32_t code, const char *msg);
int encmig_hs_parse_error(struct wbuf *b, struct encmig_hs_error *e);

/*
 * The 64 bytes of key material as they are wrapped: key | session_id |
 * nonce_base | u32be pad.  The parser refuses a non-zero pad.
 */
int encmig_hs_put_keymat(struct wbuf *b, const struct xen_encmig_keymat *km);
int encmig_hs_parse_keymat(struct wbuf *b, struct xen_encmig_keymat *km);

#endif /* __ENCMIG_HANDSHAKE_MSG_H__ */
