/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xg-session.c: an encrypted migration inside libxenguest's stream.
 *
 * Memory is fixed: one buffer of a full batch of page records and one of
 * frame numbers, both hypercall buffers, allocated at begin and reused for
 * every batch (a batch is written out, or imported, before the next one
 * is read into them).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "io.h"
#include "keys.h"
#include "stream.h"
#include "util.h"
#include "xg-session.h"

#define BATCH_MAX          ENCMIG_MAX_BATCH
#define RECS_SIZE          ((size_t)BATCH_MAX * XEN_ENCMIG_REC_SIZE)
#define GFNS_SIZE          ((size_t)BATCH_MAX * sizeof(uint64_t))
/* ENCMIG_END with one stream: u32 nr_streams, u32 pad, u64 records,
 * the handshake's transcript hash, HMAC. */
#define END_BODY_SIZE      (8 + 8 + ENCMIG_TRANSCRIPT_SIZE)
#define END_SIZE           (END_BODY_SIZE + ENCMIG_END_MAC_SIZE)

struct encmig_xg {
    struct encmig_hc *hc;
    uint32_t direction;
    uint32_t domid;
    bool used;                        /* begin was called: only once */
    bool begun;                       /* the hypervisor has a session */
    bool ended;                       /* the transcript is closed */
    struct xen_encmig_keymat km;      /* until begin hands it to Xen */
    uint8_t hs_transcript[ENCMIG_HS_HASH_SIZE];
    uint8_t end_key[32];
    EVP_MD_CTX *th;                   /* the stream's transcript */
    uint8_t *recs;                    /* hypercall buffer, RECS_SIZE */
    uint64_t *gfns;                   /* hypercall buffer, GFNS_SIZE */
    uint64_t records;
    char err[256];
};

static int fail(struct encmig_xg *x, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct encmig_xg *x, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(x->err, sizeof(x->err), fmt, ap);
    va_end(ap);
    return rc;
}

static uint32_t get_le32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
    return get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = v;
    p[1] = v >> 8;
    p[2] = v >> 16;
    p[3] = v >> 24;
}

static void put_le64(uint8_t *p, uint64_t v)
{
    put_le32(p, v);
    put_le32(p + 4, v >> 32);
}

/* Taking over. */

static int read_blob(int fd, struct encmig_session_blob *b, char *err,
                     size_t errlen)
{
    static const uint8_t zero[sizeof(*b)];
    struct stat st;
    ssize_t n;
    int rc = 0;

    if (fstat(fd, &st)) {
        rc = -errno;
        encmig_seterr(err, errlen, "session fd %d: %s", fd, strerror(-rc));
        return rc;
    }
    if (!S_ISREG(st.st_mode) || st.st_size != (off_t)sizeof(*b)) {
        encmig_seterr(err, errlen, "session fd %d is not a session", fd);
        return -EINVAL;
    }
    n = pread(fd, b, sizeof(*b), 0);
    if (n != (ssize_t)sizeof(*b)) {
        encmig_seterr(err, errlen, "reading the session: %s",
                      n < 0 ? strerror(errno) : "short read");
        rc = n < 0 ? -errno : -EIO;
    }
    /* Nobody else is to find the key here: xl shares this file. */
    if (pwrite(fd, zero, sizeof(zero), 0) != (ssize_t)sizeof(zero) && !rc) {
        rc = -errno;
        encmig_seterr(err, errlen, "wiping the session: %s", strerror(-rc));
    }
    return rc;
}

int encmig_xg_take(int fd, struct encmig_hc *hc, struct encmig_xg **out,
                   char *err, size_t errlen)
{
    struct encmig_session_blob b;
    struct encmig_xg *x = NULL;
    int rc;

    *out = NULL;
    rc = read_blob(fd, &b, err, errlen);
    close(fd);
    if (rc)
        goto out;
    if (memcmp(b.magic, ENCMIG_SESSION_MAGIC, sizeof(b.magic)) || b.pad ||
        b.km.pad || (b.direction != XEN_ENCMIG_DIR_EXPORT &&
                     b.direction != XEN_ENCMIG_DIR_IMPORT)) {
        encmig_seterr(err, errlen, "the session handed over is malformed");
        rc = -EINVAL;
        goto out;
    }

    x = calloc(1, sizeof(*x));
    if (!x || !(x->th = EVP_MD_CTX_new()) ||
        !EVP_DigestInit_ex(x->th, EVP_sha256(), NULL)) {
        encmig_seterr(err, errlen, "out of memory");
        rc = -ENOMEM;
        goto out;
    }
    rc = encmig_derive_key(&b.km, ENCMIG_KEY_END, x->end_key);
    if (rc) {
        encmig_seterr(err, errlen, "deriving the end key: %s", strerror(-rc));
        goto out;
    }
    x->hc = hc;
    x->direction = b.direction;
    x->km = b.km;
    memcpy(x->hs_transcript, b.transcript, sizeof(x->hs_transcript));
    *out = x;
    x = NULL;

 out:
    OPENSSL_cleanse(&b, sizeof(b));
    if (x) {
        x->hc = NULL;               /* the caller keeps hc on failure */
        encmig_xg_free(x);
    }
    return rc;
}

void encmig_xg_free(struct encmig_xg *x)
{
    if (!x)
        return;
    encmig_xg_finish(x);
    EVP_MD_CTX_free(x->th);
    if (x->hc)
        encmig_hc_close(x->hc);
    OPENSSL_cleanse(x, sizeof(*x));
    free(x);
}

const char *encmig_xg_error(const struct encmig_xg *x)
{
    return x->err[0] ? x->err : "no reason given";
}

uint64_t encmig_xg_records(const struct encmig_xg *x)
{
    return x->records;
}

/* The hypervisor's session. */

int encmig_xg_begin(struct encmig_xg *x, uint32_t domid)
{
    int rc;

    if (x->used)
        return fail(x, -EALREADY, "the session has been used already");
    x->used = true;
    x->recs = encmig_hc_buf_alloc(x->hc, RECS_SIZE);
    x->gfns = encmig_hc_buf_alloc(x->hc, GFNS_SIZE);
    if (!x->recs || !x->gfns) {
        rc = -ENOMEM;
        goto fail_buf;
    }
    rc = encmig_hc_setup(x->hc, domid, x->direction, 1, &x->km) ? -errno : 0;
    OPENSSL_cleanse(&x->km, sizeof(x->km));
    if (rc)
        goto fail_buf;
    x->domid = domid;
    x->begun = true;
    return 0;

 fail_buf:
    if (x->recs)
        encmig_hc_buf_free(x->hc, x->recs, RECS_SIZE);
    if (x->gfns)
        encmig_hc_buf_free(x->hc, x->gfns, GFNS_SIZE);
    x->recs = NULL;
    x->gfns = NULL;
    OPENSSL_cleanse(&x->km, sizeof(x->km));
    return fail(x, rc, "starting the session on domain %u: %s", domid,
                rc == -EEXIST ? "it has one already" : strerror(-rc));
}

void encmig_xg_finish(struct encmig_xg *x)
{
    if (x->begun) {
        encmig_hc_teardown(x->hc, x->domid);
        x->begun = false;
    }
    if (x->recs) {
        /* Ciphertext only, but there is no reason to leave it about. */
        encmig_hc_buf_free(x->hc, x->recs, RECS_SIZE);
        encmig_hc_buf_free(x->hc, x->gfns, GFNS_SIZE);
        x->recs = NULL;
        x->gfns = NULL;
    }
    OPENSSL_cleanse(&x->km, sizeof(x->km));
    OPENSSL_cleanse(x->end_key, sizeof(x->end_key));
}

/* The transcript. */

void encmig_xg_stream_bytes(struct encmig_xg *x, const void *p, size_t len)
{
    if (!x->ended)
        EVP_DigestUpdate(x->th, p, len);
}

/*
 * A batch of page records enters the transcript by its header and, for
 * each record, its header and tag: the tag already binds the ciphertext
 * under the key, and hashing 4 MiB a batch would cost as much again.
 */
static void hash_pages(struct encmig_xg *x, const uint8_t *bhdr,
                       const uint8_t *recs, uint32_t count)
{
    uint32_t i;

    encmig_xg_stream_bytes(x, bhdr, ENCMIG_PAGES_HDR_SIZE);
    for (i = 0; i < count; i++) {
        const uint8_t *r = recs + (size_t)i * XEN_ENCMIG_REC_SIZE;

        encmig_xg_stream_bytes(x, r, XEN_ENCMIG_REC_HDR_SIZE);
        encmig_xg_stream_bytes(x, r + XEN_ENCMIG_REC_SIZE - XEN_ENCMIG_TAG_SIZE,
                               XEN_ENCMIG_TAG_SIZE);
    }
}

static void hash_rec_header(struct encmig_xg *x, uint32_t type,
                            uint32_t length)
{
    uint8_t h[REC_HDR_SIZE];

    put_le32(h, type);
    put_le32(h + 4, length);
    encmig_xg_stream_bytes(x, h, sizeof(h));
}

/* count of a well-formed ENCMIG_PAGES body of len bytes, else 0. */
static uint32_t pages_count(const uint8_t *body, uint32_t len)
{
    uint32_t count;

    if (len < ENCMIG_PAGES_HDR_SIZE)
        return 0;
    count = get_le32(body);
    if (count == 0 || count > BATCH_MAX || get_le32(body + 4) != 0 ||
        len != ENCMIG_PAGES_HDR_SIZE + (uint64_t)count * XEN_ENCMIG_REC_SIZE)
        return 0;
    return count;
}

void encmig_xg_stream_record(struct encmig_xg *x, uint32_t type,
                             uint32_t length, const struct iovec *body,
                             unsigned int n)
{
    unsigned int i;
    uint32_t count;

    hash_rec_header(x, type, length);
    if (type == REC_TYPE_ENCMIG_PAGES && n == 1 &&
        (count = pages_count(body[0].iov_base, length))) {
        const uint8_t *b = body[0].iov_base;

        hash_pages(x, b, b + ENCMIG_PAGES_HDR_SIZE, count);
        return;
    }
    /* Anything else, a malformed batch included, goes in whole. */
    for (i = 0; i < n; i++)
        encmig_xg_stream_bytes(x, body[i].iov_base, body[i].iov_len);
}

/* The end record's MAC: the stream's transcript, then the body. */
static int end_mac(struct encmig_xg *x, const uint8_t *body,
                   uint8_t mac[ENCMIG_END_MAC_SIZE])
{
    uint8_t th[32];
    const void *parts[2] = { th, body };
    size_t lens[2] = { sizeof(th), END_BODY_SIZE };
    unsigned int thlen = 0;
    int rc;

    if (x->ended || !EVP_DigestFinal_ex(x->th, th, &thlen) ||
        thlen != sizeof(th))
        return -EPROTO;
    x->ended = true;
    rc = encmig_hmac(x->end_key, parts, lens, 2, mac);
    OPENSSL_cleanse(th, sizeof(th));
    return rc;
}

/* Source. */

int encmig_xg_save_pages(struct encmig_xg *x, int fd, uint32_t round,
                         const uint64_t *pfns, const uint64_t *gfns,
                         unsigned int nr)
{
    struct stream_writer w;
    struct iovec iov[2];
    uint8_t bhdr[ENCMIG_PAGES_HDR_SIZE];
    size_t size = (size_t)nr * XEN_ENCMIG_REC_SIZE;
    unsigned int i;
    int rc;

    if (!x->begun || x->ended || x->direction != XEN_ENCMIG_DIR_EXPORT)
        return fail(x, -EPROTO, "no export session");
    if (nr == 0 || nr > BATCH_MAX)
        return fail(x, -E2BIG, "a batch of %u pages", nr);

    memcpy(x->gfns, gfns, (size_t)nr * sizeof(*gfns));
    if (encmig_hc_export(x->hc, x->domid, 0, round, x->gfns, nr, x->recs,
                         size)) {
        rc = -errno;
        return fail(x, rc, "the hypervisor's export of %u pages: %s", nr,
                    strerror(-rc));
    }

    /*
     * Xen names each page from the guest's M2P; the destination places it
     * by that name.  A name that is not the pfn libxc sent it as would
     * land the page elsewhere: stop rather than move guest memory about.
     */
    for (i = 0; i < nr; i++) {
        uint64_t name = get_le64(x->recs + (size_t)i * XEN_ENCMIG_REC_SIZE);

        if (name != pfns[i])
            return fail(x, -EPROTO, "pfn %#llx (frame %#llx): the guest's "
                        "M2P names it %#llx", (unsigned long long)pfns[i],
                        (unsigned long long)gfns[i],
                        (unsigned long long)name);
    }

    put_le32(bhdr, nr);
    put_le32(bhdr + 4, 0);                /* stream */
    iov[0].iov_base = bhdr;
    iov[0].iov_len = sizeof(bhdr);
    iov[1].iov_base = x->recs;
    iov[1].iov_len = size;
    stream_writer_init(&w, fd);
    rc = stream_write_record(&w, REC_TYPE_ENCMIG_PAGES, iov, 2);
    if (rc)
        return fail(x, rc, "writing %u encrypted pages: %s", nr,
                    strerror(-rc));

    hash_rec_header(x, REC_TYPE_ENCMIG_PAGES, sizeof(bhdr) + size);
    hash_pages(x, bhdr, x->recs, nr);
    x->records += nr;
    return 0;
}

int encmig_xg_save_end(struct encmig_xg *x, int fd)
{
    struct stream_writer w;
    struct iovec iov;
    uint8_t end[END_SIZE];
    int rc;

    if (!x->begun || x->direction != XEN_ENCMIG_DIR_EXPORT)
        return fail(x, -EPROTO, "no export session");
    put_le32(end, 1);                     /* nr_streams */
    put_le32(end + 4, 0);
    put_le64(end + 8, x->records);
    memcpy(end + 16, x->hs_transcript, ENCMIG_TRANSCRIPT_SIZE);
    rc = end_mac(x, end, end + END_BODY_SIZE);
    if (rc)
        return fail(x, rc, "sealing the end record: %s", strerror(-rc));

    iov.iov_base = end;
    iov.iov_len = sizeof(end);
    stream_writer_init(&w, fd);
    rc = stream_write_record(&w, REC_TYPE_ENCMIG_END, &iov, 1);
    if (rc)
        return fail(x, rc, "writing the end record: %s", strerror(-rc));
    return 0;
}

/* Destination. */

int encmig_xg_restore_names(struct encmig_xg *x, const void *body,
                            uint32_t len, uint64_t *pfns, unsigned int max,
                            unsigned int *nr)
{
    const uint8_t *b = body;
    uint32_t count = pages_count(b, len), i;

    *nr = 0;
    if (!count || count > max)
        return fail(x, -EBADMSG, "a malformed batch of encrypted pages "
                    "(%u bytes)", len);
    for (i = 0; i < count; i++)
        pfns[i] = get_le64(b + ENCMIG_PAGES_HDR_SIZE +
                           (size_t)i * XEN_ENCMIG_REC_SIZE);
    *nr = count;
    return 0;
}

int encmig_xg_restore_pages(struct encmig_xg *x, const void *body,
                            uint32_t len, const uint64_t *gfns,
                            unsigned int nr)
{
    const uint8_t *b = body;
    uint32_t count = pages_count(b, len), done = 0;
    int rc;

    if (!x->begun || x->ended || x->direction != XEN_ENCMIG_DIR_IMPORT)
        return fail(x, -EPROTO, "no import session");
    if (!count || count != nr)
        return fail(x, -EBADMSG, "a malformed batch of encrypted pages "
                    "(%u bytes)", len);

    memcpy(x->recs, b + ENCMIG_PAGES_HDR_SIZE,
           (size_t)nr * XEN_ENCMIG_REC_SIZE);
    memcpy(x->gfns, gfns, (size_t)nr * sizeof(*gfns));
    if (!encmig_hc_import_frames(x->hc, x->domid, 0, x->recs, nr,
                                 (size_t)nr * XEN_ENCMIG_REC_SIZE, x->gfns,
                                 &done)) {
        x->records += nr;
        return 0;
    }

    rc = -errno;
    x->records += done;
    switch (rc) {
    case -EBADMSG:
        return fail(x, rc, "page record %llu failed authentication: altered "
                    "in transit, or sealed under another key",
                    (unsigned long long)x->records);
    case -EILSEQ:
        return fail(x, rc, "page record %llu is out of order: records were "
                    "dropped, replayed or reordered",
                    (unsigned long long)x->records);
    case -EINVAL:
    case -ERANGE:
        return fail(x, rc, "page record %llu names a page other than the "
                    "frame it came for", (unsigned long long)x->records);
    default:
        return fail(x, rc, "importing page record %llu: %s",
                    (unsigned long long)x->records, strerror(-rc));
    }
}

int encmig_xg_restore_end(struct encmig_xg *x, const void *body,
                          uint32_t len)
{
    const uint8_t *b = body;
    uint8_t mac[ENCMIG_END_MAC_SIZE];
    struct xen_encmig_status st;
    uint64_t records;
    int rc;

    if (!x->begun || x->direction != XEN_ENCMIG_DIR_IMPORT)
        return fail(x, -EPROTO, "no import session");
    if (len != END_SIZE)
        return fail(x, -EBADMSG, "an end record of %u bytes", len);
    rc = end_mac(x, b, mac);
    if (rc)
        return fail(x, rc, "checking the end record: %s", strerror(-rc));
    if (CRYPTO_memcmp(mac, b + END_BODY_SIZE, sizeof(mac)))
        return fail(x, -EBADMSG, "the end record failed authentication: "
                    "the stream was altered");

    /* Authentic: its fields can be believed now. */
    if (get_le32(b) != 1 || get_le32(b + 4) != 0)
        return fail(x, -EBADMSG, "the end record is malformed");
    if (CRYPTO_memcmp(b + 16, x->hs_transcript, ENCMIG_TRANSCRIPT_SIZE))
        return fail(x, -EBADMSG, "the end record belongs to another session");
    records = get_le64(b + 8);
    if (encmig_hc_status(x->hc, x->domid, &st))
        return fail(x, -errno, "session status: %s", strerror(errno));
    if (st.records != records || x->records != records)
        return fail(x, -EBADMSG, "the source sent %llu page records, %llu "
                    "arrived: the stream was cut short",
                    (unsigned long long)records,
                    (unsigned long long)st.records);
    return 0;
}
