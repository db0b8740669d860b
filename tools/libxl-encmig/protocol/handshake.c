/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * handshake.c: the two ends of the key handshake: message I/O and the
 * order of checks.  The codec is in handshake-msg.c, the key schedule in
 * handshake-crypto.c.
 */

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "handshake.h"
#include "msg.h"
#include "../io.h"
#include "../util.h"

#define TYPE_BIT(t)         (1U << (t))

static const char *type_name(uint32_t type)
{
    switch (type) {
    case ENCMIG_HS_MSG_HELLO: return "HELLO";
    case ENCMIG_HS_MSG_REPLY: return "REPLY";
    case ENCMIG_HS_MSG_ERROR: return "ERROR";
    case ENCMIG_HS_MSG_SOURCE_AUTH: return "SOURCE_AUTH";
    }
    return "unknown";
}

void encmig_hs_config_init(struct encmig_hs_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->keydir = ENCMIG_DEFAULT_KEYDIR;
    cfg->min_version = ENCMIG_HS_VERSION_MIN;
    cfg->max_version = ENCMIG_HS_VERSION_MAX;
    cfg->nr_suites = 1;
    cfg->suites[0] = ENCMIG_HS_SUITE_X25519_AESGCM;
}

void encmig_hs_result_wipe(struct encmig_hs_result *r)
{
    OPENSSL_cleanse(r, sizeof(*r));
}

static int check_config(const struct encmig_hs_config *cfg, char *err,
                        size_t errlen)
{
    if (cfg->min_version < 1 || cfg->min_version > cfg->max_version ||
        cfg->nr_suites < 1 || cfg->nr_suites > ENCMIG_HS_MAX_SUITES) {
        encmig_seterr(err, errlen, "invalid handshake configuration: versions "
               "%u..%u, %u suites", cfg->min_version, cfg->max_version,
               cfg->nr_suites);
        return -EINVAL;
    }
    return 0;
}

static const char *keydir_of(const struct encmig_hs_config *cfg)
{
    return cfg->keydir ? cfg->keydir : ENCMIG_DEFAULT_KEYDIR;
}

/* The file the caller named, or KEYDIR/name. */
static int trust_file(const struct encmig_hs_config *cfg, const char *given,
                      const char *name, char *path, size_t size, char *err,
                      size_t errlen)
{
    int n;

    if (given)
        n = snprintf(path, size, "%s", given);
    else
        n = snprintf(path, size, "%s/%s", keydir_of(cfg), name);
    if (n < 0 || (size_t)n >= size) {
        encmig_seterr(err, errlen, "%s path too long", name);
        return -ENAMETOOLONG;
    }
    return 0;
}

/* The highest version both ends accept and this build implements. */
static uint32_t top_version(const struct encmig_hs_config *cfg)
{
    return cfg->max_version < ENCMIG_HS_VERSION_MAX ?
           cfg->max_version : ENCMIG_HS_VERSION_MAX;
}

static bool suite_listed(uint32_t suite, const uint32_t *list, uint32_t n)
{
    uint32_t i;

    for (i = 0; i < n; i++)
        if (list[i] == suite)
            return true;
    return false;
}

static bool suite_implemented(uint32_t suite)
{
    return suite == ENCMIG_HS_SUITE_X25519_AESGCM;
}

static void fmt_suites(char *buf, size_t size, const uint32_t *s, uint32_t n)
{
    size_t used = 0;
    uint32_t i;

    buf[0] = '\0';
    for (i = 0; i < n && used < size; i++) {
        int r = snprintf(buf + used, size - used, "%s%u", i ? "," : "", s[i]);

        if (r < 0)
            break;
        used += r;
    }
}

/*
 * The destination's choice: the highest common version and its most
 * preferred common suite, both implemented here.  Nothing lower is ever
 * picked when something higher is common, and the source checks that
 * the choice was offered; the signature over HELLO keeps anyone in the
 * middle from editing the offer.
 */
static int negotiate(const struct encmig_hs_config *cfg,
                     const struct encmig_hs_hello *h, uint32_t *version,
                     uint32_t *suite, char *msg, size_t msglen)
{
    uint32_t lo = cfg->min_version > h->min_version ?
                  cfg->min_version : h->min_version;
    uint32_t hi = top_version(cfg) < h->max_version ?
                  top_version(cfg) : h->max_version;
    char mine[ENCMIG_HS_MAX_SUITES * 11], theirs[ENCMIG_HS_MAX_SUITES * 11];
    uint32_t i;

    if (lo > hi) {
        encmig_seterr(msg, msglen, "no common protocol version: the source offers "
               "%u..%u, the destination supports %u..%u", h->min_version,
               h->max_version, cfg->min_version, top_version(cfg));
        return -EPROTONOSUPPORT;
    }
    for (i = 0; i < cfg->nr_suites; i++) {
        if (suite_implemented(cfg->suites[i]) &&
            suite_listed(cfg->suites[i], h->suites, h->nr_suites)) {
            *version = hi;
            *suite = cfg->suites[i];
            return 0;
        }
    }
    fmt_suites(theirs, sizeof(theirs), h->suites, h->nr_suites);
    fmt_suites(mine, sizeof(mine), cfg->suites, cfg->nr_suites);
    encmig_seterr(msg, msglen, "no common cipher suite: the source offers %s, the "
           "destination supports %s", theirs, mine);
    return -EPROTONOSUPPORT;
}

/*
 * Whether the source's key may migrate here.  tell gets what the source
 * is told: its key's fingerprint and the file's name, not its path.
 */
static int authorize(const struct encmig_hs_config *cfg, const char *path,
                     const uint8_t pub[ENCMIG_HS_PUB_SIZE],
                     char name[ENCMIG_MAX_HOSTNAME + 1], char *tell,
                     size_t tellen, char *err, size_t errlen)
{
    char fp[ENCMIG_FINGERPRINT_SIZE];
    int rc;

    if (cfg->any_source)
        return 0;
    rc = encmig_authorized_sources_check(path, pub, name, err, errlen);
    if (!rc)
        return 0;
    if (encmig_hostkey_fingerprint(pub, fp))
        snprintf(fp, sizeof(fp), "(unknown)");
    snprintf(tell, tellen, "source key %s is not authorized: it is not in "
             "the destination's %s", fp, ENCMIG_AUTHORIZED_SOURCES_FILE);
    /* Missing, malformed or unreadable: no source is authorized. */
    return -EACCES;
}

/* One message, header and body, in one write: the connection's framing. */
static int send_msg(int fd, uint32_t type, const struct wbuf *body)
{
    return encmig_msg_send(fd, type, wbuf_ptr(body), wbuf_avail(body));
}

/* Best effort: the connection may already be gone, and we are failing. */
static void send_error(int fd, int code, const char *msg)
{
    struct wbuf b;

    wbuf_init(&b, ENCMIG_HS_ERROR_MAX_SIZE);
    if (!encmig_hs_put_error(&b, code, msg))
        (void)send_msg(fd, ENCMIG_HS_MSG_ERROR, &b);
    wbuf_free(&b);
}

static void io_failed(int rc, const char *peer, char *err, size_t errlen)
{
    if (rc == -EPIPE)
        encmig_seterr(err, errlen, "the %s closed the connection during the "
               "handshake", peer);
    else
        encmig_seterr(err, errlen, "cannot read from the %s: %s", peer,
               strerror(-rc));
}

/*
 * Read one message of a type in want (TYPE_BIT mask) into body.  The
 * header is judged whole, its type and the exact length that type allows,
 * before the body is read: a hostile length never reaches the allocator.
 */
static int recv_msg(int fd, unsigned int want, const char *peer,
                    uint32_t *type, struct wbuf *body, char *err,
                    size_t errlen)
{
    struct wbuf h;
    uint32_t len = 0;
    uint8_t *p;
    int rc;

    wbuf_init(&h, ENCMIG_HS_HEADER_SIZE);
    rc = wbuf_reserve(&h, ENCMIG_HS_HEADER_SIZE, &p);
    if (rc) {
        encmig_seterr(err, errlen, "cannot allocate a handshake buffer");
        goto out;
    }
    rc = encmig_read_full(fd, p, ENCMIG_HS_HEADER_SIZE);
    if (rc) {
        io_failed(rc, peer, err, errlen);
        goto out;
    }
    rc = encmig_hs_parse_header(&h, type, &len);
    if (rc == -EMSGSIZE) {
        encmig_seterr(err, errlen, "the %s sent a handshake message of %u bytes, "
               "more than the limit of %u", peer, len, ENCMIG_HS_MAX_BODY);
        goto out;
    }
    if (rc) {
        encmig_seterr(err, errlen, "malformed handshake header from the %s", peer);
        goto out;
    }
    if (*type >= 32 || !(want & TYPE_BIT(*type))) {
        rc = -EPROTO;
        encmig_seterr(err, errlen, "the %s sent an unexpected handshake message "
               "(type %u, %s)", peer, *type, type_name(*type));
        goto out;
    }
    rc = encmig_hs_check_len(*type, len);
    if (rc) {
        encmig_seterr(err, errlen, "the %s sent a %s of impossible length %u",
               peer, type_name(*type), len);
        goto out;
    }
    rc = wbuf_reserve(body, len, &p);
    if (rc) {
        encmig_seterr(err, errlen, "cannot allocate a handshake buffer");
        goto out;
    }
    rc = encmig_read_full(fd, p, len);
    if (rc)
        io_failed(rc, peer, err, errlen);

out:
    wbuf_free(&h);
    return rc;
}

int encmig_hs_source(int rfd, int wfd, const struct encmig_hs_config *cfg,
                     const char *peer_host, struct encmig_hs_result *out,
                     char *err, size_t errlen)
{
    struct encmig_hs_hello hello;
    struct encmig_hs_reply reply;
    struct encmig_hs_source_auth sauth;
    struct encmig_hs_error herr;
    struct encmig_hs_result res;
    struct wbuf hbody, rbody, prefix, abody;
    EVP_PKEY *eph = NULL, *hostkey = NULL;
    uint8_t shared[ENCMIG_HS_SHARED_SIZE];
    uint8_t kek[ENCMIG_HS_KEK_SIZE];
    uint8_t th[ENCMIG_HS_HASH_SIZE];
    char khpath[PATH_MAX], why[384] = "";
    uint32_t type = 0;
    bool pin = false;
    int rc;

    memset(out, 0, sizeof(*out));
    memset(&res, 0, sizeof(res));
    memset(&hello, 0, sizeof(hello));
    wbuf_init(&hbody, ENCMIG_HS_MAX_BODY);
    wbuf_init(&rbody, ENCMIG_HS_MAX_BODY);
    wbuf_init(&prefix, ENCMIG_HS_REPLY_PREFIX_SIZE);
    wbuf_init(&abody, ENCMIG_HS_SOURCE_AUTH_SIZE);

    rc = check_config(cfg, err, errlen);
    if (rc)
        goto out;
    rc = trust_file(cfg, cfg->known_hosts, ENCMIG_KNOWN_HOSTS_FILE, khpath,
                    sizeof(khpath), err, errlen);
    if (rc)
        goto out;
    if (!peer_host) {
        rc = -EINVAL;
        encmig_seterr(err, errlen, "no destination host name to check its key");
        goto out;
    }
    /* Before a byte is sent: a source that cannot sign has nothing to
     * offer, and -ENOENT would read as "unknown destination". */
    if (encmig_hostkey_load(keydir_of(cfg), &hostkey, why, sizeof(why)) ||
        encmig_hostkey_public(hostkey, hello.host_pub)) {
        rc = -ENOKEY;
        encmig_seterr(err, errlen, "this source has no usable host key (%s); "
               "make one with 'encmig keygen' and list its .pub in the "
               "destination's authorized_sources", why);
        goto out;
    }

    hello.min_version = cfg->min_version;
    hello.max_version = cfg->max_version;
    hello.nr_suites = cfg->nr_suites;
    memcpy(hello.suites, cfg->suites, sizeof(hello.suites));
    rc = encmig_hs_eph_new(&eph, hello.eph_pub);
    if (rc) {
        encmig_seterr(err, errlen, "cannot generate an X25519 key");
        goto out;
    }
    if (RAND_bytes(hello.nonce, sizeof(hello.nonce)) != 1) {
        rc = -EIO;
        encmig_seterr(err, errlen, "no randomness for the handshake nonce");
        goto out;
    }
    rc = encmig_hs_put_hello(&hbody, &hello);
    if (rc) {
        encmig_seterr(err, errlen, "cannot encode HELLO: %s", strerror(-rc));
        goto out;
    }
    rc = send_msg(wfd, ENCMIG_HS_MSG_HELLO, &hbody);
    if (rc) {
        encmig_seterr(err, errlen, "cannot send HELLO to %s: %s", peer_host,
               strerror(-rc));
        goto out;
    }

    rc = recv_msg(rfd, TYPE_BIT(ENCMIG_HS_MSG_REPLY) |
                  TYPE_BIT(ENCMIG_HS_MSG_ERROR), "destination", &type,
                  &rbody, err, errlen);
    if (rc)
        goto out;
    if (type == ENCMIG_HS_MSG_ERROR) {
        rc = encmig_hs_parse_error(&rbody, &herr);
        if (rc) {
            encmig_seterr(err, errlen, "destination %s refused the handshake with "
                   "a malformed ERROR", peer_host);
            goto out;
        }
        encmig_seterr(err, errlen, "destination %s refused the handshake: %s (%s)",
               peer_host, herr.msg, strerror(herr.code));
        /*
         * The peer's errno is shown, not returned as ours: -ENOENT or
         * -EKEYREJECTED from here must only ever mean what known_hosts
         * said.  Only "no common version or suite" and "this source is
         * not authorized" keep their codes.
         */
        rc = herr.code == EPROTONOSUPPORT ? -EPROTONOSUPPORT :
             herr.code == EACCES ? -EACCES : -ECONNREFUSED;
        goto out;
    }
    rc = encmig_hs_parse_reply(&rbody, &reply);
    if (rc) {
        encmig_seterr(err, errlen, "malformed REPLY from %s", peer_host);
        goto out;
    }

    /* Only what was offered, and only what this build implements. */
    if (reply.version < cfg->min_version || reply.version > top_version(cfg) ||
        !suite_listed(reply.suite, cfg->suites, cfg->nr_suites) ||
        !suite_implemented(reply.suite)) {
        rc = -EPROTO;
        encmig_seterr(err, errlen, "destination %s chose version %u, suite %u, "
               "which were not offered", peer_host, reply.version,
               reply.suite);
        goto out;
    }

    /*
     * The host key first: nothing in the REPLY means anything until we
     * know whose it is.  An unknown host with accept_new is pinned only
     * once its signature verifies and the key unwraps, so that a
     * corrupted REPLY can never plant a wrong pin.
     */
    rc = encmig_known_hosts_check(khpath, peer_host, reply.host_pub, false,
                                  err, errlen);
    if (rc == -ENOENT && cfg->accept_new)
        pin = true;
    else if (rc)
        goto out;

    rc = encmig_hs_put_reply_prefix(&prefix, &reply);
    if (rc) {
        encmig_seterr(err, errlen, "cannot encode the transcript");
        goto out;
    }
    rc = encmig_hs_transcript(wbuf_ptr(&hbody), wbuf_avail(&hbody),
                              wbuf_ptr(&prefix), wbuf_avail(&prefix), th);
    if (rc) {
        encmig_seterr(err, errlen, "cannot hash the transcript");
        goto out;
    }
    rc = encmig_hs_verify(reply.host_pub, th, reply.wrapped, reply.sig);
    if (rc) {
        encmig_seterr(err, errlen, "the signature of destination %s does not "
               "verify: the handshake was altered in transit", peer_host);
        goto out;
    }
    rc = encmig_hs_eph_derive(eph, reply.eph_pub, shared);
    if (rc) {
        encmig_seterr(err, errlen, "destination %s sent an unusable X25519 key",
               peer_host);
        goto out;
    }
    rc = encmig_hs_kek(shared, th, kek);
    if (rc) {
        encmig_seterr(err, errlen, "cannot derive the key-encryption key");
        goto out;
    }
    rc = encmig_hs_unwrap(kek, th, reply.wrapped, &res.km);
    if (rc) {
        encmig_seterr(err, errlen, "cannot unwrap the migration key from %s: %s",
               peer_host, rc == -EBADMSG ? "authentication failed" :
               strerror(-rc));
        goto out;
    }
    /* Our signature covers the destination's, and so the whole exchange. */
    rc = encmig_hs_source_sign(hostkey, th, reply.wrapped, reply.sig,
                               sauth.sig);
    if (!rc)
        rc = encmig_hs_put_source_auth(&abody, &sauth);
    if (!rc)
        rc = encmig_hs_final_hash(th, reply.wrapped, reply.sig, sauth.sig,
                                  res.transcript);
    if (rc) {
        encmig_seterr(err, errlen, "cannot sign the handshake");
        goto out;
    }
    rc = send_msg(wfd, ENCMIG_HS_MSG_SOURCE_AUTH, &abody);
    if (rc) {
        encmig_seterr(err, errlen, "cannot send SOURCE_AUTH to %s: %s",
               peer_host, strerror(-rc));
        goto out;
    }
    if (pin) {
        rc = encmig_known_hosts_check(khpath, peer_host, reply.host_pub, true,
                                      err, errlen);
        if (rc)
            goto out;
        res.pinned_new = true;
    }
    memcpy(res.peer_pub, reply.host_pub, sizeof(res.peer_pub));
    res.version = reply.version;
    res.suite = reply.suite;
    *out = res;

out:
    OPENSSL_cleanse(&res, sizeof(res));
    OPENSSL_cleanse(shared, sizeof(shared));
    OPENSSL_cleanse(kek, sizeof(kek));
    OPENSSL_cleanse(th, sizeof(th));
    EVP_PKEY_free(eph);
    EVP_PKEY_free(hostkey);
    wbuf_free(&hbody);
    wbuf_free(&rbody);
    wbuf_free(&prefix);
    wbuf_free(&abody);
    return rc;
}

int encmig_hs_dest(int rfd, int wfd, const struct encmig_hs_config *cfg,
                   struct encmig_hs_result *out, char *err, size_t errlen)
{
    struct encmig_hs_hello hello;
    struct encmig_hs_reply reply;
    struct encmig_hs_source_auth sauth;
    struct encmig_hs_result res;
    struct wbuf hbody, rbody, prefix, abody;
    const uint8_t *hello_raw = NULL;
    size_t hello_len = 0;
    EVP_PKEY *hostkey = NULL, *eph = NULL;
    uint8_t shared[ENCMIG_HS_SHARED_SIZE];
    uint8_t kek[ENCMIG_HS_KEK_SIZE];
    uint8_t th[ENCMIG_HS_HASH_SIZE];
    /* What the source is told on failure: never a path or a secret. */
    const char *tell = NULL;
    char msg[ENCMIG_HS_MAX_ERRMSG], aspath[PATH_MAX];
    uint32_t type = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    memset(&res, 0, sizeof(res));
    memset(&reply, 0, sizeof(reply));
    wbuf_init(&hbody, ENCMIG_HS_MAX_BODY);
    wbuf_init(&rbody, ENCMIG_HS_MAX_BODY);
    wbuf_init(&prefix, ENCMIG_HS_REPLY_PREFIX_SIZE);
    wbuf_init(&abody, ENCMIG_HS_SOURCE_AUTH_SIZE);

    rc = check_config(cfg, err, errlen);
    if (rc)
        goto out;
    rc = trust_file(cfg, cfg->authorized_sources,
                    ENCMIG_AUTHORIZED_SOURCES_FILE, aspath, sizeof(aspath),
                    err, errlen);
    if (rc)
        goto out;

    rc = recv_msg(rfd, TYPE_BIT(ENCMIG_HS_MSG_HELLO), "source", &type,
                  &hbody, err, errlen);
    if (rc) {
        /* Only what the source sent is worth an answer, not I/O errors. */
        tell = rc == -EMSGSIZE ? "handshake message too large" :
               rc == -EBADMSG ? "malformed handshake message (this "
                                "destination speaks handshake version 2 "
                                "only)" :
               rc == -EPROTO ? "unexpected handshake message" : NULL;
        goto out;
    }
    /* The transcript covers HELLO exactly as it arrived. */
    hello_raw = wbuf_ptr(&hbody);
    hello_len = wbuf_avail(&hbody);
    rc = encmig_hs_parse_hello(&hbody, &hello);
    if (rc) {
        encmig_seterr(err, errlen, "malformed HELLO from the source");
        tell = "malformed HELLO";
        goto out;
    }
    /* Who is asking comes first: an unlisted source learns nothing more. */
    rc = authorize(cfg, aspath, hello.host_pub, res.peer_name, msg,
                   sizeof(msg), err, errlen);
    if (rc) {
        tell = msg;
        goto out;
    }
    rc = negotiate(cfg, &hello, &reply.version, &reply.suite, msg,
                   sizeof(msg));
    if (rc) {
        encmig_seterr(err, errlen, "%s", msg);
        tell = msg;
        goto out;
    }

    rc = encmig_hostkey_load(keydir_of(cfg), &hostkey, err, errlen);
    if (rc) {
        tell = "the destination cannot load its host key";
        goto out;
    }
    rc = encmig_hostkey_public(hostkey, reply.host_pub);
    if (rc) {
        encmig_seterr(err, errlen, "cannot export the host public key");
        tell = "internal error on the destination";
        goto out;
    }
    rc = encmig_hs_eph_new(&eph, reply.eph_pub);
    if (rc) {
        encmig_seterr(err, errlen, "cannot generate an X25519 key");
        tell = "internal error on the destination";
        goto out;
    }
    /* A fresh key, nonce base and session for every migration. */
    if (RAND_bytes(reply.nonce, sizeof(reply.nonce)) != 1 ||
        RAND_bytes(res.km.key, sizeof(res.km.key)) != 1 ||
        RAND_bytes(res.km.session_id, sizeof(res.km.session_id)) != 1 ||
        RAND_bytes(res.km.nonce_base, sizeof(res.km.nonce_base)) != 1) {
        rc = -EIO;
        encmig_seterr(err, errlen, "no randomness for the migration key");
        tell = "internal error on the destination";
        goto out;
    }
    res.km.pad = 0;

    rc = encmig_hs_put_reply_prefix(&prefix, &reply);
    if (!rc)
        rc = encmig_hs_transcript(hello_raw, hello_len, wbuf_ptr(&prefix),
                                  wbuf_avail(&prefix), th);
    if (rc) {
        encmig_seterr(err, errlen, "cannot hash the transcript");
        tell = "internal error on the destination";
        goto out;
    }
    rc = encmig_hs_eph_derive(eph, hello.eph_pub, shared);
    if (rc) {
        encmig_seterr(err, errlen, "the source sent an unusable X25519 key");
        tell = "unusable X25519 key";
        goto out;
    }
    rc = encmig_hs_kek(shared, th, kek);
    if (!rc)
        rc = encmig_hs_wrap(kek, th, &res.km, reply.wrapped);
    if (!rc)
        rc = encmig_hs_sign(hostkey, th, reply.wrapped, reply.sig);
    if (rc) {
        encmig_seterr(err, errlen, "cannot wrap and sign the migration key");
        tell = "internal error on the destination";
        goto out;
    }
    rc = encmig_hs_put_reply(&rbody, &reply);
    if (rc) {
        encmig_seterr(err, errlen, "cannot encode REPLY");
        tell = "internal error on the destination";
        goto out;
    }
    rc = send_msg(wfd, ENCMIG_HS_MSG_REPLY, &rbody);
    if (rc) {
        encmig_seterr(err, errlen, "cannot send REPLY to the source: %s",
               strerror(-rc));
        goto out;
    }

    /* The source's proof that it holds the key HELLO named. */
    rc = recv_msg(rfd, TYPE_BIT(ENCMIG_HS_MSG_SOURCE_AUTH), "source", &type,
                  &abody, err, errlen);
    if (rc) {
        tell = rc == -EBADMSG ? "malformed SOURCE_AUTH" :
               rc == -EPROTO ? "unexpected handshake message" : NULL;
        goto out;
    }
    rc = encmig_hs_parse_source_auth(&abody, &sauth);
    if (!rc)
        rc = encmig_hs_source_verify(hello.host_pub, th, reply.wrapped,
                                     reply.sig, sauth.sig);
    if (rc == -EBADMSG) {
        encmig_seterr(err, errlen, "the source's signature does not verify: "
               "the handshake was altered in transit or the source does not "
               "hold its key");
        tell = "the source's signature does not verify";
        goto out;
    }
    if (!rc)
        rc = encmig_hs_final_hash(th, reply.wrapped, reply.sig, sauth.sig,
                                  res.transcript);
    if (rc) {
        encmig_seterr(err, errlen, "cannot check the source's signature");
        tell = "internal error on the destination";
        goto out;
    }
    memcpy(res.peer_pub, hello.host_pub, sizeof(res.peer_pub));
    res.version = reply.version;
    res.suite = reply.suite;
    *out = res;

out:
    if (rc && tell)
        send_error(wfd, -rc, tell);
    OPENSSL_cleanse(&res, sizeof(res));
    OPENSSL_cleanse(shared, sizeof(shared));
    OPENSSL_cleanse(kek, sizeof(kek));
    OPENSSL_cleanse(th, sizeof(th));
    EVP_PKEY_free(hostkey);
    EVP_PKEY_free(eph);
    wbuf_free(&hbody);
    wbuf_free(&rbody);
    wbuf_free(&prefix);
    wbuf_free(&abody);
    return rc;
}
