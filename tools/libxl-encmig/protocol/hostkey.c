/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * hostkey.c: Ed25519 host identity keys: generation, loading, encoding
 * and fingerprints.
 */

/* mkostemp(), to create the key file close-on-exec in one step. */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/buffer.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "hostkey.h"
#include "../io.h"
#include "../util.h"

/* A PKCS#8 PEM Ed25519 key is about 120 bytes; anything past this is not
 * one of ours and is refused before it is read. */
#define HOSTKEY_MAX_FILE    4096
/* "encmig-ed25519 " + base64 + " " + comment + "\n" */
#define HOSTKEY_MAX_PUBLINE (sizeof(ENCMIG_KEYTYPE) + ENCMIG_PUBKEY_B64_LEN + \
                             1 + ENCMIG_HOSTKEY_MAX_COMMENT + 2)

static int path_join(char *out, size_t size, const char *dir, const char *name)
{
    int n = snprintf(out, size, "%s/%s", dir, name);

    if (n < 0 || (size_t)n >= size)
        return -ENAMETOOLONG;
    return 0;
}

int encmig_pubkey_to_b64(const uint8_t pub[ENCMIG_PUBKEY_SIZE],
                         char out[ENCMIG_PUBKEY_B64_SIZE])
{
    /* EVP_EncodeBlock writes 4 characters per 3 bytes and a NUL. */
    if (EVP_EncodeBlock((unsigned char *)out, pub, ENCMIG_PUBKEY_SIZE) !=
        ENCMIG_PUBKEY_B64_LEN)
        return -EIO;
    return 0;
}

int encmig_pubkey_from_b64(const char *s, uint8_t pub[ENCMIG_PUBKEY_SIZE])
{
    /* EVP_DecodeBlock pads its output to whole groups of 3 bytes. */
    uint8_t raw[ENCMIG_PUBKEY_SIZE + 1];
    char again[ENCMIG_PUBKEY_B64_SIZE];
    int rc;

    if (strlen(s) != ENCMIG_PUBKEY_B64_LEN)
        return -EINVAL;
    if (EVP_DecodeBlock(raw, (const unsigned char *)s,
                        ENCMIG_PUBKEY_B64_LEN) != sizeof(raw))
        return -EINVAL;
    /*
     * EVP_DecodeBlock tolerates blanks and non-zero trailing bits; only
     * the canonical encoding is accepted, so that one key has exactly one
     * spelling in a known_hosts file.
     */
    rc = encmig_pubkey_to_b64(raw, again);
    if (rc)
        return rc;
    if (strcmp(again, s))
        return -EINVAL;
    memcpy(pub, raw, ENCMIG_PUBKEY_SIZE);
    return 0;
}

int encmig_hostkey_fingerprint(const uint8_t pub[ENCMIG_PUBKEY_SIZE],
                               char out[ENCMIG_FINGERPRINT_SIZE])
{
    static const char prefix[] = "SHA256:";
    uint8_t md[32];
    unsigned int mdlen = 0;
    char *b64 = out + sizeof(prefix) - 1;
    int n;

    if (EVP_Digest(pub, ENCMIG_PUBKEY_SIZE, md, &mdlen, EVP_sha256(), NULL)
        != 1 || mdlen != sizeof(md))
        return -EIO;
    memcpy(out, prefix, sizeof(prefix) - 1);
    n = EVP_EncodeBlock((unsigned char *)b64, md, sizeof(md));
    if (n != 44)
        return -EIO;
    /* Unpadded, as ssh prints it. */
    while (n > 0 && b64[n - 1] == '=')
        b64[--n] = '\0';
    return 0;
}

int encmig_hostkey_public(EVP_PKEY *key, uint8_t pub[ENCMIG_PUBKEY_SIZE])
{
    size_t len = ENCMIG_PUBKEY_SIZE;

    if (!EVP_PKEY_is_a(key, "ED25519"))
        return -EINVAL;
    if (EVP_PKEY_get_raw_public_key(key, pub, &len) != 1 ||
        len != ENCMIG_PUBKEY_SIZE)
        return -EIO;
    return 0;
}

/* Printable ASCII, blanks included: it ends the .pub line. */
static int check_comment(const char *c)
{
    size_t i, len = strlen(c);

    if (len > ENCMIG_HOSTKEY_MAX_COMMENT)
        return -EINVAL;
    for (i = 0; i < len; i++)
        if (c[i] < 0x20 || c[i] > 0x7e)
            return -EINVAL;
    return 0;
}

/*
 * Write data to a new file "DIR/.NAME.XXXXXX" of the given mode and fsync
 * it.  mkostemp creates it 0600 and exclusively, so the private key is
 * never visible to others; the public one is opened up to its mode after.
 * On failure tmp is either empty or names a file the caller unlinks.
 */
static int write_tmp(const char *dir, const char *name, mode_t mode,
                     const void *data, size_t len, char *tmp, size_t tmpsize)
{
    int fd = -1, n, rc;

    n = snprintf(tmp, tmpsize, "%s/.%s.XXXXXX", dir, name);
    if (n < 0 || (size_t)n >= tmpsize) {
        tmp[0] = '\0';
        return -ENAMETOOLONG;
    }
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        rc = -errno;
        tmp[0] = '\0';
        goto out;
    }
    if (fchmod(fd, mode)) {
        rc = -errno;
        goto out;
    }
    rc = encmig_write_full(fd, data, len);
    if (rc)
        goto out;
    if (fsync(fd)) {
        rc = -errno;
        goto out;
    }
    rc = 0;

out:
    if (fd >= 0 && close(fd) && !rc)
        rc = -errno;
    return rc;
}

/*
 * Move tmp to its final name.  Without force link() does it: it fails
 * with EEXIST rather than replace, atomically, so two keygens racing
 * cannot both win.  With force rename() replaces atomically.
 */
static int install(const char *tmp, const char *final, bool force)
{
    if (force)
        return rename(tmp, final) ? -errno : 0;
    if (link(tmp, final))
        return -errno;
    unlink(tmp);
    return 0;
}

static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

    if (fd < 0)
        return -errno;
    if (fsync(fd))
        rc = -errno;
    close(fd);
    return rc;
}

int encmig_hostkey_generate(const char *dir, const char *comment, bool force,
                            char *err, size_t errlen)
{
    char kpath[PATH_MAX], ppath[PATH_MAX];
    char ktmp[PATH_MAX] = "", ptmp[PATH_MAX] = "";
    char host[HOST_NAME_MAX + 1];
    char b64[ENCMIG_PUBKEY_B64_SIZE];
    char line[HOSTKEY_MAX_PUBLINE];
    uint8_t pub[ENCMIG_PUBKEY_SIZE];
    EVP_PKEY *key = NULL;
    BIO *bio = NULL;
    BUF_MEM *pem = NULL;
    bool key_installed = false;
    struct stat st;
    int n, rc;

    if (!comment) {
        if (gethostname(host, sizeof(host)))
            host[0] = '\0';
        host[sizeof(host) - 1] = '\0';
        comment = host;
    }
    rc = check_comment(comment);
    if (rc) {
        encmig_seterr(err, errlen, "key comment must be printable ASCII of at most "
               "%d characters", ENCMIG_HOSTKEY_MAX_COMMENT);
        goto out;
    }
    rc = path_join(kpath, sizeof(kpath), dir, ENCMIG_HOSTKEY_FILE);
    if (!rc)
        rc = path_join(ppath, sizeof(ppath), dir, ENCMIG_HOSTKEY_PUB_FILE);
    if (rc) {
        encmig_seterr(err, errlen, "key directory name too long: %s", dir);
        goto out;
    }

    if (mkdir(dir, 0755) && errno != EEXIST) {
        rc = -errno;
        encmig_seterr(err, errlen, "cannot create %s: %s", dir, strerror(-rc));
        goto out;
    }
    /* Checked again, atomically, by install(); this only spares the work
     * and gives the clearer message. */
    if (!force && (!lstat(kpath, &st) || !lstat(ppath, &st))) {
        rc = -EEXIST;
        encmig_seterr(err, errlen, "a host key already exists in %s; refusing to "
               "overwrite it", dir);
        goto out;
    }

    key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (!key) {
        rc = -EIO;
        encmig_seterr(err, errlen, "cannot generate an Ed25519 key");
        goto out;
    }
    rc = encmig_hostkey_public(key, pub);
    if (!rc)
        rc = encmig_pubkey_to_b64(pub, b64);
    if (rc) {
        encmig_seterr(err, errlen, "cannot export the public key");
        goto out;
    }

    /* A secure-memory BIO: its buffer is wiped when it is freed. */
    bio = BIO_new(BIO_s_secmem());
    if (!bio || PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0,
                                         NULL, NULL) != 1 ||
        BIO_get_mem_ptr(bio, &pem) != 1 || !pem) {
        rc = -EIO;
        encmig_seterr(err, errlen, "cannot encode the private key");
        goto out;
    }

    n = snprintf(line, sizeof(line), "%s %s%s%s\n", ENCMIG_KEYTYPE, b64,
                 comment[0] ? " " : "", comment);
    if (n < 0 || (size_t)n >= sizeof(line)) {
        rc = -EINVAL;
        encmig_seterr(err, errlen, "public key line too long");
        goto out;
    }

    rc = write_tmp(dir, ENCMIG_HOSTKEY_FILE, 0600, pem->data, pem->length,
                   ktmp, sizeof(ktmp));
    if (rc) {
        encmig_seterr(err, errlen, "cannot write the private key into %s: %s",
               dir, strerror(-rc));
        goto out;
    }
    rc = write_tmp(dir, ENCMIG_HOSTKEY_PUB_FILE, 0644, line, n,
                   ptmp, sizeof(ptmp));
    if (rc) {
        encmig_seterr(err, errlen, "cannot write the public key into %s: %s",
               dir, strerror(-rc));
        goto out;
    }

    rc = install(ktmp, kpath, force);
    if (rc) {
        encmig_seterr(err, errlen, rc == -EEXIST ?
               "%s already exists; refusing to overwrite it" :
               "cannot install %s: %s", kpath, strerror(-rc));
        goto out;
    }
    key_installed = true;
    rc = install(ptmp, ppath, force);
    if (rc) {
        encmig_seterr(err, errlen, rc == -EEXIST ?
               "%s already exists; refusing to overwrite it" :
               "cannot install %s: %s", ppath, strerror(-rc));
        goto out;
    }
    rc = sync_dir(dir);
    if (rc) {
        encmig_seterr(err, errlen, "cannot sync %s: %s", dir, strerror(-rc));
        goto out;
    }

out:
    /* Without force the key we just linked in has no .pub: take it back
     * so that a retry starts clean.  With force it replaced the old one,
     * which is gone either way. */
    if (rc && key_installed && !force)
        unlink(kpath);
    if (ktmp[0])
        unlink(ktmp);
    if (ptmp[0])
        unlink(ptmp);
    BIO_free(bio);
    EVP_PKEY_free(key);
    if (rc)
        ERR_clear_error();
    return rc;
}

/*
 * Read a whole small file into buf (size bytes at most, NUL-terminated).
 * -EFBIG when it does not fit: nothing is allocated for what a file
 * claims.  st is filled from the opened file.
 */
static int read_small(const char *path, char *buf, size_t size, size_t *len,
                      struct stat *st)
{
    size_t done = 0;
    int fd, rc;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -errno;
    if (fstat(fd, st)) {
        rc = -errno;
        goto out;
    }
    if (!S_ISREG(st->st_mode)) {
        rc = -EINVAL;
        goto out;
    }
    if (st->st_size < 0 || (uint64_t)st->st_size >= size) {
        rc = -EFBIG;
        goto out;
    }
    /* The file may have grown since fstat: read until EOF, bounded. */
    for (;;) {
        ssize_t r;

        if (done == size - 1) {
            rc = -EFBIG;
            goto out;
        }
        r = read(fd, buf + done, size - 1 - done);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            rc = -errno;
            goto out;
        }
        if (r == 0)
            break;
        done += r;
    }
    buf[done] = '\0';
    *len = done;
    rc = 0;

out:
    close(fd);
    return rc;
}

/* An encrypted PEM would make OpenSSL prompt on the terminal: refuse. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    return -1;
}

int encmig_hostkey_load(const char *dir, EVP_PKEY **out,
                        char *err, size_t errlen)
{
    char path[PATH_MAX];
    char buf[HOSTKEY_MAX_FILE + 1];
    EVP_PKEY *key = NULL;
    BIO *bio = NULL;
    struct stat st;
    size_t len = 0;
    int rc;

    *out = NULL;
    rc = path_join(path, sizeof(path), dir, ENCMIG_HOSTKEY_FILE);
    if (rc) {
        encmig_seterr(err, errlen, "key directory name too long: %s", dir);
        goto out;
    }
    rc = read_small(path, buf, sizeof(buf), &len, &st);
    if (rc) {
        encmig_seterr(err, errlen, "cannot read host key %s: %s", path,
               rc == -EFBIG ? "file too large" :
               rc == -EINVAL ? "not a regular file" : strerror(-rc));
        goto out;
    }
    if (st.st_mode & 077) {
        rc = -EACCES;
        encmig_seterr(err, errlen, "permissions %04o of host key %s are too open: "
               "it must be readable by its owner only (chmod 600)",
               (unsigned int)(st.st_mode & 07777), path);
        goto out;
    }

    bio = BIO_new_mem_buf(buf, len);
    if (!bio) {
        rc = -ENOMEM;
        encmig_seterr(err, errlen, "cannot read host key %s: out of memory", path);
        goto out;
    }
    key = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
    if (!key) {
        rc = -EINVAL;
        encmig_seterr(err, errlen, "%s is not an unencrypted PEM private key", path);
        goto out;
    }
    if (!EVP_PKEY_is_a(key, "ED25519")) {
        rc = -EINVAL;
        encmig_seterr(err, errlen, "%s is not an Ed25519 key", path);
        goto out;
    }
    *out = key;
    key = NULL;
    rc = 0;

out:
    OPENSSL_cleanse(buf, sizeof(buf));
    BIO_free(bio);
    EVP_PKEY_free(key);
    if (rc)
        ERR_clear_error();
    return rc;
}

int encmig_hostkey_load_public(const char *dir,
                               uint8_t pub[ENCMIG_PUBKEY_SIZE],
                               char *err, size_t errlen)
{
    char path[PATH_MAX];
    char buf[HOSTKEY_MAX_PUBLINE + 1];
    char *type, *b64, *save = NULL;
    struct stat st;
    size_t len = 0;
    int rc;

    rc = path_join(path, sizeof(path), dir, ENCMIG_HOSTKEY_PUB_FILE);
    if (rc) {
        encmig_seterr(err, errlen, "key directory name too long: %s", dir);
        return rc;
    }
    rc = read_small(path, buf, sizeof(buf), &len, &st);
    if (rc) {
        encmig_seterr(err, errlen, "cannot read %s: %s", path,
               rc == -EFBIG ? "file too large" :
               rc == -EINVAL ? "not a regular file" : strerror(-rc));
        return rc;
    }
    if (strlen(buf) != len) {
        encmig_seterr(err, errlen, "%s: malformed public key file", path);
        return -EINVAL;
    }
    type = strtok_r(buf, " \t\r\n", &save);
    b64 = type ? strtok_r(NULL, " \t\r\n", &save) : NULL;
    if (!type || strcmp(type, ENCMIG_KEYTYPE) || !b64 ||
        encmig_pubkey_from_b64(b64, pub)) {
        encmig_seterr(err, errlen, "%s: not an %s public key", path, ENCMIG_KEYTYPE);
        return -EINVAL;
    }
    return 0;
}
