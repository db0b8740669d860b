/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * handshake.h: the key handshake of an encrypted migration.
 *
 * Before the migration stream starts, the two ends run this over the
 * migration connection.  Each end proves itself with its Ed25519 host
 * key: the destination's is checked against the source's known_hosts,
 * the source's against the destination's authorized_sources, before the
 * destination does anything else with the request.  The destination
 * supplies the key: it draws a fresh migration key, nonce base and
 * session id, wraps them under a key agreed by ephemeral X25519 and signs
 * the exchange; the source then signs all of it, the destination's
 * signature included.  docs/handshake.md has the protocol.
 *
 *   source                              destination
 *   HELLO  (versions, suites, eph, nonce, host key)  ->
 *                                       <-  REPLY (choice, host key, eph,
 *                                               nonce, wrapped keymat, sig)
 *                                       <-  or ERROR (errno, reason)
 *   SOURCE_AUTH (sig)  ->
 *                                       <-  on refusal, ERROR
 *
 * Both functions return 0 or -errno with a one-line reason in err (err
 * may be NULL).  On failure *out is all zero and every secret has been
 * wiped; on success the caller owns the key material in *out and wipes it
 * with encmig_hs_result_wipe() once it has been handed on.
 *
 * The fds must be blocking (rfd may equal wfd).  Nothing here times out:
 * a caller that must not wait forever sets SO_RCVTIMEO on the socket.
 * SIGPIPE must be ignored (see io.h).
 */

#ifndef __ENCMIG_HANDSHAKE_H__
#define __ENCMIG_HANDSHAKE_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "handshake-crypto.h"
#include "handshake-msg.h"
#include "hostkey.h"
#include "known-hosts.h"

/* What this build implements. */
#define ENCMIG_HS_VERSION_MIN        2
#define ENCMIG_HS_VERSION_MAX        2
/* X25519 + Ed25519 + HKDF-SHA256 + AES-256-GCM (+ AES-256-XTS memory) */
#define ENCMIG_HS_SUITE_X25519_AESGCM 1

struct encmig_hs_config {
    const char *keydir;         /* NULL: ENCMIG_DEFAULT_KEYDIR; both ends'
                                 * host key lives there */
    const char *known_hosts;    /* NULL: KEYDIR/known_hosts */
    bool accept_new;            /* source: pin an unknown destination's key */
    const char *authorized_sources; /* NULL: KEYDIR/authorized_sources */
    /*
     * Destination: take any source whose signature verifies, listed or
     * not.  The operator's explicit choice (encmig migrate-receive
     * --any-source); never the default.
     */
    bool any_source;
    /*
     * Versions and suites this end is willing to speak, suites in order
     * of preference.  Values this build does not implement may be listed
     * (tests use them to build a peer with no overlap) but are never
     * chosen: the handshake only ever settles on an implemented pair, and
     * never on less than both ends' best common one.
     */
    uint32_t min_version;
    uint32_t max_version;
    uint32_t nr_suites;         /* 1 .. ENCMIG_HS_MAX_SUITES */
    uint32_t suites[ENCMIG_HS_MAX_SUITES];
};

struct encmig_hs_result {
    struct xen_encmig_keymat km;                 /* the migration key */
    uint8_t transcript[ENCMIG_HS_HASH_SIZE];     /* FTH, for the end record */
    /* The other end's host key: the destination's on the source, the
     * source's on the destination. */
    uint8_t peer_pub[ENCMIG_HS_PUB_SIZE];
    /* Destination: the source's NAME in authorized_sources (empty with
     * any_source and an unlisted key), for logs. */
    char peer_name[ENCMIG_MAX_HOSTNAME + 1];
    uint32_t version;
    uint32_t suite;
    /* Source: the destination was unknown and has been added to
     * known_hosts (accept_new); worth telling the operator. */
    bool pinned_new;
};

/* The defaults: ENCMIG_DEFAULT_KEYDIR, everything this build implements,
 * no accept_new. */
void encmig_hs_config_init(struct encmig_hs_config *cfg);

/*
 * The source's side.  peer_host names the destination as in known_hosts.
 * The source signs with KEYDIR/host_ed25519_key.  Success means the
 * SOURCE_AUTH was sent: a destination that refuses it says so with an
 * ERROR where the next message was due.
 * Refused, among others, with:
 *   -ENOENT          unknown host and !accept_new (fingerprint in err)
 *   -EKEYREJECTED    host key changed
 *   -EBADMSG         malformed or tampered REPLY
 *   -EPROTO          unexpected message, or a choice that was not offered
 *   -EMSGSIZE        a length field past the limit
 *   -EPIPE           connection closed early
 *   -EPROTONOSUPPORT the destination's ERROR: no common version or suite
 *   -EACCES          the destination's ERROR: this source is not in its
 *                    authorized_sources
 *   -ENOKEY          this source's own host key cannot be loaded
 *   -ECONNREFUSED    any other ERROR from the destination
 * For an ERROR, err carries the destination's reason and errno text.
 */
int encmig_hs_source(int rfd, int wfd, const struct encmig_hs_config *cfg,
                     const char *peer_host, struct encmig_hs_result *out,
                     char *err, size_t errlen);

/*
 * The destination's side.  A HELLO it cannot serve is answered with an
 * ERROR carrying the reason before it returns:
 *   -EACCES          the source's key is not in authorized_sources, or
 *                    that file is missing or malformed (unless any_source)
 *   -EPROTONOSUPPORT no common version or suite
 *   -EBADMSG         malformed HELLO, or a SOURCE_AUTH that does not
 *                    verify
 *   -EPROTO          unexpected message
 * Success means the source proved its key over this very exchange.
 */
int encmig_hs_dest(int rfd, int wfd, const struct encmig_hs_config *cfg,
                   struct encmig_hs_result *out, char *err, size_t errlen);

/* Wipe all of *r. */
void encmig_hs_result_wipe(struct encmig_hs_result *r);

#endif /* __ENCMIG_HANDSHAKE_H__ */
