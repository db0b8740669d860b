/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * known-hosts.h: the source's pins of destination host keys, as ssh's
 * known_hosts, and the destination's list of the sources it accepts,
 * authorized_sources, in the same format and through the same parser.
 *
 * One key per line:
 *
 *   HOST encmig-ed25519 BASE64 [COMMENT]
 *
 * HOST is the destination exactly as the operator names it to migrate
 * (compared without regard to case, as host names are); BASE64 is the
 * padded base64 of the 32-byte Ed25519 public key, in its one canonical
 * spelling.  Blank lines and lines starting with '#' are ignored.  Any
 * other line that does not fit is refused, with its number, and the whole
 * file with it: a mangled line may be the pin that matters.
 */

#ifndef __ENCMIG_KNOWN_HOSTS_H__
#define __ENCMIG_KNOWN_HOSTS_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hostkey.h"

#define ENCMIG_KNOWN_HOSTS_FILE      "known_hosts"
#define ENCMIG_AUTHORIZED_SOURCES_FILE "authorized_sources"
/* Longest line accepted, newline excluded. */
#define ENCMIG_KNOWN_HOSTS_MAX_LINE  1024
#define ENCMIG_MAX_HOSTNAME          255

/*
 * Check that host's key is pub.
 *
 *   0              pinned with this key, or (accept_new) it was unknown
 *                  and has now been appended (the file created 0644)
 *   -ENOENT        host unknown and !accept_new
 *   -EKEYREJECTED  host pinned with a different key: refused whatever
 *                  accept_new says (someone may be in the middle)
 *   -EINVAL        malformed file (line number in err) or host name
 *   other -errno   the file could not be read or appended to
 *
 * A missing file holds no hosts.  A host may be listed more than once
 * (key rotation): any matching line accepts it.  err receives a one-line
 * reason naming the host and fingerprints.
 */
int encmig_known_hosts_check(const char *path, const char *host,
                             const uint8_t pub[ENCMIG_PUBKEY_SIZE],
                             bool accept_new, char *err, size_t errlen);

/*
 * Look a source's key up in an authorized_sources file, where the first
 * field is a name for logs and the key is what counts.
 *
 *   0              listed; name receives the first matching line's NAME
 *   -EACCES        not listed, or there is no such file: a destination
 *                  that lists no source accepts none
 *   -EINVAL        malformed file (line number in err)
 *   other -errno   the file could not be read
 *
 * err receives a one-line reason naming the file and the key's
 * fingerprint.
 */
int encmig_authorized_sources_check(const char *path,
                                    const uint8_t pub[ENCMIG_PUBKEY_SIZE],
                                    char name[ENCMIG_MAX_HOSTNAME + 1],
                                    char *err, size_t errlen);

#endif /* __ENCMIG_KNOWN_HOSTS_H__ */
