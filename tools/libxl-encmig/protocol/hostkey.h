/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * hostkey.h: Ed25519 host identity keys, in the manner of ssh host keys.
 *
 * A host has one key pair in its key directory:
 *
 *   DIR/host_ed25519_key      the private key, PKCS#8 PEM, mode 0600
 *   DIR/host_ed25519_key.pub  one line: "encmig-ed25519 BASE64 COMMENT"
 *
 * where BASE64 is the padded base64 of the 32-byte raw public key.  The
 * destination of a migration signs the handshake with its private key; the
 * source pins the public key in its known_hosts (see known-hosts.h).
 *
 * Every function returns 0 or -errno; those taking err write a one-line
 * reason there on failure (err may be NULL).  Nothing here ever prints or
 * logs key material.
 */

#ifndef __ENCMIG_HOSTKEY_H__
#define __ENCMIG_HOSTKEY_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#ifndef ENCMIG_DEFAULT_KEYDIR
#define ENCMIG_DEFAULT_KEYDIR        "/etc/encmig"
#endif
#define ENCMIG_HOSTKEY_FILE          "host_ed25519_key"
#define ENCMIG_HOSTKEY_PUB_FILE      "host_ed25519_key.pub"
#define ENCMIG_KEYTYPE               "encmig-ed25519"

#define ENCMIG_PUBKEY_SIZE           32
/* Padded base64 of a public key, with its NUL. */
#define ENCMIG_PUBKEY_B64_LEN        44
#define ENCMIG_PUBKEY_B64_SIZE       (ENCMIG_PUBKEY_B64_LEN + 1)
/* "SHA256:" + 43 characters of unpadded base64, with room to pad + NUL. */
#define ENCMIG_FINGERPRINT_SIZE      52

/* The longest comment that keygen writes into the .pub file. */
#define ENCMIG_HOSTKEY_MAX_COMMENT   255

/*
 * Make a new key pair in dir (created, mode 0755, if missing).  comment
 * goes into the .pub file (NULL: this host's name; printable ASCII only).
 * Without force an existing key file is never touched: -EEXIST.  Both
 * files are written under temporary names and moved into place, so a
 * crash leaves no half-written key and the private key is never readable
 * by anyone but its owner, even for a moment.
 */
int encmig_hostkey_generate(const char *dir, const char *comment, bool force,
                            char *err, size_t errlen);

/*
 * Load dir's private key.  A key file that group or others may read is
 * refused with -EACCES, as ssh does.  *out must be freed by
 * EVP_PKEY_free(), which wipes it.
 */
int encmig_hostkey_load(const char *dir, EVP_PKEY **out,
                        char *err, size_t errlen);

/* The raw 32-byte public key of an Ed25519 key. */
int encmig_hostkey_public(EVP_PKEY *key, uint8_t pub[ENCMIG_PUBKEY_SIZE]);

/* Read the public key from dir's .pub file. */
int encmig_hostkey_load_public(const char *dir,
                               uint8_t pub[ENCMIG_PUBKEY_SIZE],
                               char *err, size_t errlen);

/*
 * "SHA256:" + unpadded base64 of SHA-256(raw public key), as ssh prints
 * fingerprints (the hash input differs from ssh's, so the values do too).
 */
int encmig_hostkey_fingerprint(const uint8_t pub[ENCMIG_PUBKEY_SIZE],
                               char out[ENCMIG_FINGERPRINT_SIZE]);

/* Padded base64 of a public key, and back.  Decoding accepts exactly the
 * canonical 44-character form and nothing else: -EINVAL. */
int encmig_pubkey_to_b64(const uint8_t pub[ENCMIG_PUBKEY_SIZE],
                         char out[ENCMIG_PUBKEY_B64_SIZE]);
int encmig_pubkey_from_b64(const char *s, uint8_t pub[ENCMIG_PUBKEY_SIZE]);

#endif /* __ENCMIG_HOSTKEY_H__ */
