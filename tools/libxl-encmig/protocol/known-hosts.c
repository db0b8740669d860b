/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * known-hosts.c: look a destination's host key up in known_hosts, and pin
 * it there on first use when asked to.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "known-hosts.h"
#include "../io.h"
#include "../util.h"

/* Visible ASCII, no blank, not a comment: what a line can hold. */
static bool valid_host(const char *h)
{
    size_t i, len = strlen(h);

    if (len == 0 || len > ENCMIG_MAX_HOSTNAME || h[0] == '#')
        return false;
    for (i = 0; i < len; i++)
        if (h[i] <= 0x20 || h[i] >= 0x7f)
            return false;
    return true;
}

/*
 * One line into buf, without its newline.  1: a line; 0: end of file;
 * -EINVAL: longer than the limit or holding a NUL; -EIO: read error.
 * *nl tells whether the line was ended by a newline.
 */
static int read_line(FILE *f, char *buf, size_t size, bool *nl)
{
    size_t len = 0;
    int c;

    *nl = false;
    while ((c = getc(f)) != EOF) {
        if (c == '\n') {
            *nl = true;
            break;
        }
        if (c == '\0' || len == size - 1) {
            /* Skip the rest so that the line count stays right. */
            while ((c = getc(f)) != EOF && c != '\n')
                ;
            return -EINVAL;
        }
        buf[len++] = c;
    }
    if (ferror(f))
        return -EIO;
    if (c == EOF && len == 0)
        return 0;
    buf[len] = '\0';
    return 1;
}

struct kh_scan {
    bool missing;               /* there is no such file */
    bool match;                 /* a line pins host to pub */
    char name[ENCMIG_MAX_HOSTNAME + 1]; /* the first matching line's */
    unsigned int other_line;    /* first line pinning host to another key */
    uint8_t other[ENCMIG_PUBKEY_SIZE];
    bool ends_nl;               /* the file is empty or ends in a newline */
};

/* Parse one line; on a malformed one, why goes to *why. */
static int scan_line(char *line, const char *host,
                     const uint8_t pub[ENCMIG_PUBKEY_SIZE],
                     unsigned int lineno, struct kh_scan *s, const char **why)
{
    static const char blanks[] = " \t\r";
    uint8_t key[ENCMIG_PUBKEY_SIZE];
    char *save = NULL, *h, *type, *b64;

    h = strtok_r(line, blanks, &save);
    if (!h || h[0] == '#')
        return 0;
    type = strtok_r(NULL, blanks, &save);
    b64 = type ? strtok_r(NULL, blanks, &save) : NULL;
    /* Anything after b64 is a comment, as in ssh. */
    if (!b64) {
        *why = "expected 'HOST " ENCMIG_KEYTYPE " BASE64'";
        return -EINVAL;
    }
    if (!valid_host(h)) {
        *why = "bad host name";
        return -EINVAL;
    }
    if (strcmp(type, ENCMIG_KEYTYPE)) {
        *why = "unknown key type (expected " ENCMIG_KEYTYPE ")";
        return -EINVAL;
    }
    if (encmig_pubkey_from_b64(b64, key)) {
        *why = "bad public key (not 32 bytes of canonical base64)";
        return -EINVAL;
    }
    /* Without a host, any line with this key is a match (a source's
     * name is only a label for logs). */
    if (host && strcasecmp(h, host))
        return 0;
    if (!CRYPTO_memcmp(key, pub, sizeof(key))) {
        if (!s->match)
            snprintf(s->name, sizeof(s->name), "%s", h);
        s->match = true;
    } else if (host && !s->other_line) {
        s->other_line = lineno;
        memcpy(s->other, key, sizeof(key));
    }
    return 0;
}

static int scan_file(const char *path, const char *host,
                     const uint8_t pub[ENCMIG_PUBKEY_SIZE], struct kh_scan *s,
                     char *err, size_t errlen)
{
    char line[ENCMIG_KNOWN_HOSTS_MAX_LINE + 1];
    const char *why = NULL;
    unsigned int lineno = 0;
    FILE *f;
    bool nl = true;
    int r, rc;

    memset(s, 0, sizeof(*s));
    s->ends_nl = true;
    f = fopen(path, "re");
    if (!f) {
        if (errno == ENOENT) {
            s->missing = true;
            return 0;
        }
        rc = -errno;
        encmig_seterr(err, errlen, "cannot read %s: %s", path, strerror(-rc));
        return rc;
    }
    for (;;) {
        r = read_line(f, line, sizeof(line), &nl);
        if (r == 0)
            break;
        lineno++;
        if (r == -EINVAL) {
            rc = -EINVAL;
            encmig_seterr(err, errlen, "%s:%u: malformed line: longer than %d "
                   "characters or holding a NUL", path, lineno,
                   ENCMIG_KNOWN_HOSTS_MAX_LINE);
            goto out;
        }
        if (r < 0) {
            rc = r;
            encmig_seterr(err, errlen, "cannot read %s: %s", path, strerror(-rc));
            goto out;
        }
        s->ends_nl = nl;
        rc = scan_line(line, host, pub, lineno, s, &why);
        if (rc) {
            encmig_seterr(err, errlen, "%s:%u: malformed line: %s", path, lineno,
                   why);
            goto out;
        }
    }
    rc = 0;

out:
    fclose(f);
    return rc;
}

static int append(const char *path, const char *host,
                  const uint8_t pub[ENCMIG_PUBKEY_SIZE], bool need_nl,
                  char *err, size_t errlen)
{
    char b64[ENCMIG_PUBKEY_B64_SIZE];
    char line[ENCMIG_KNOWN_HOSTS_MAX_LINE + 2];
    int fd = -1, n, rc;

    rc = encmig_pubkey_to_b64(pub, b64);
    if (rc) {
        encmig_seterr(err, errlen, "cannot encode the host key of '%s'", host);
        return rc;
    }
    n = snprintf(line, sizeof(line), "%s%s %s %s\n", need_nl ? "\n" : "",
                 host, ENCMIG_KEYTYPE, b64);
    if (n < 0 || (size_t)n >= sizeof(line))
        return -EINVAL;     /* valid_host() bounds it: cannot happen */

    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
              0644);
    if (fd < 0) {
        rc = -errno;
        goto out;
    }
    /* One write with O_APPEND: a concurrent appender cannot interleave. */
    rc = encmig_write_full(fd, line, n);
    if (rc)
        goto out;
    if (fsync(fd))
        rc = -errno;

out:
    if (fd >= 0 && close(fd) && !rc)
        rc = -errno;
    if (rc)
        encmig_seterr(err, errlen, "cannot record the host key of '%s' in %s: %s",
               host, path, strerror(-rc));
    return rc;
}

int encmig_known_hosts_check(const char *path, const char *host,
                             const uint8_t pub[ENCMIG_PUBKEY_SIZE],
                             bool accept_new, char *err, size_t errlen)
{
    char fp[ENCMIG_FINGERPRINT_SIZE], oldfp[ENCMIG_FINGERPRINT_SIZE];
    struct kh_scan s;
    int rc;

    if (!valid_host(host)) {
        encmig_seterr(err, errlen, "invalid host name for %s", path);
        return -EINVAL;
    }
    rc = encmig_hostkey_fingerprint(pub, fp);
    if (rc) {
        encmig_seterr(err, errlen, "cannot compute a host key fingerprint");
        return rc;
    }
    rc = scan_file(path, host, pub, &s, err, errlen);
    if (rc)
        return rc;

    if (s.match)
        return 0;
    if (s.other_line) {
        rc = encmig_hostkey_fingerprint(s.other, oldfp);
        if (rc) {
            encmig_seterr(err, errlen, "cannot compute a host key fingerprint");
            return rc;
        }
        encmig_seterr(err, errlen, "WARNING: HOST KEY OF '%s' HAS CHANGED: %s:%u "
               "pins %s but the host offered %s; someone may be "
               "intercepting the migration (if the host was re-keyed, "
               "remove line %u); refusing",
               host, path, s.other_line, oldfp, fp, s.other_line);
        return -EKEYREJECTED;
    }
    if (!accept_new) {
        encmig_seterr(err, errlen, "host '%s' is not in %s; its host key "
               "fingerprint is %s: verify it and add the key, or accept "
               "new host keys", host, path, fp);
        return -ENOENT;
    }
    return append(path, host, pub, !s.ends_nl, err, errlen);
}

int encmig_authorized_sources_check(const char *path,
                                    const uint8_t pub[ENCMIG_PUBKEY_SIZE],
                                    char name[ENCMIG_MAX_HOSTNAME + 1],
                                    char *err, size_t errlen)
{
    char fp[ENCMIG_FINGERPRINT_SIZE];
    struct kh_scan s;
    int rc;

    name[0] = '\0';
    rc = encmig_hostkey_fingerprint(pub, fp);
    if (rc) {
        encmig_seterr(err, errlen, "cannot compute a host key fingerprint");
        return rc;
    }
    rc = scan_file(path, NULL, pub, &s, err, errlen);
    if (rc)
        return rc;
    if (s.missing) {
        encmig_seterr(err, errlen, "source key %s refused: %s does not exist; "
               "list each source allowed to migrate here as 'NAME "
               ENCMIG_KEYTYPE " BASE64' (its host_ed25519_key.pub)", fp,
               path);
        return -EACCES;
    }
    if (!s.match) {
        encmig_seterr(err, errlen, "source key %s is not in %s: refused; if "
               "this source may migrate here, add its host_ed25519_key.pub "
               "as 'NAME " ENCMIG_KEYTYPE " BASE64'", fp, path);
        return -EACCES;
    }
    memcpy(name, s.name, sizeof(s.name));
    return 0;
}
