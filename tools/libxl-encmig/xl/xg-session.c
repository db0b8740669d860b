/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xg-session.c: an encrypted migration inside libxenguest's stream.
 *
 * Memory is fixed: one buffer of a full batch of page records and one of
 * frame numbers, both hypercall buffers, allocated at begin and reused for
 * every batch (a batch is written out, or imported, before the next one
 * is read into them).
 *
 * With N streams the source cuts each of libxenguest's batches into up
 * to N ENCMIG_PAGES records, sealed side by side by exporter threads
 * (xg-exporters.h) into slices of that buffer, and writes them in order:
 * the session's record i is on stream i mod N.  The destination imports
 * them one after the other in that order, refusing any other stream, so
 * a page's later copy is always the one that stays.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "xg-exporters.h"
#include "xg-session.h"
#include "../io.h"
#include "../util.h"
#include "../protocol/core.h"
#include "../protocol/records.h"
#include "../protocol/state.h"
#include "../protocol/stream.h"

#define BATCH_MAX          ENCMIG_MAX_BATCH
#define RECS_SIZE          ((size_t)BATCH_MAX * XEN_ENCMIG_REC_SIZE)
#define GFNS_SIZE          ((size_t)BATCH_MAX * sizeof(uint64_t))

struct encmig_xg {
    struct encmig_hc *hc;
    uint32_t direction;
    uint32_t level;                   /* agreed by xl (xl-level.h) */
    uint32_t nr_streams;              /* agreed by xl */
    uint64_t batches;                 /* ENCMIG_PAGES records so far */
    struct xg_exporters *exporters;   /* source, more than one stream */
    uint8_t session_id[XEN_ENCMIG_SESSION_ID_SIZE]; /* level 2: to claim */
    uint32_t domid;
    bool used;                        /* begin was called: only once */
    bool begun;                       /* the hypervisor has a session */
    struct encmig_core core;          /* keys, transcript, end record */
    uint8_t *recs;                    /* hypercall buffer, RECS_SIZE */
    uint64_t *gfns;                   /* hypercall buffer, GFNS_SIZE */
    uint64_t records;
    unsigned int states;              /* state records sealed or loaded */
    char err[256];
};

#define fail(x, rc, ...) encmig_fail((x)->err, sizeof((x)->err), (rc), \
                                    __VA_ARGS__)

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
    if (memcmp(b.magic, ENCMIG_SESSION_MAGIC, sizeof(b.magic)) ||
        (b.level != 1 && b.level != 2) ||
        b.nr_streams == 0 || b.nr_streams > ENCMIG_MAX_STREAMS || b.pad ||
        b.km.pad || (b.direction != XEN_ENCMIG_DIR_EXPORT &&
                     b.direction != XEN_ENCMIG_DIR_IMPORT)) {
        encmig_seterr(err, errlen, "the session handed over is malformed");
        rc = -EINVAL;
        goto out;
    }

    x = calloc(1, sizeof(*x));
    if (!x) {
        encmig_seterr(err, errlen, "out of memory");
        rc = -ENOMEM;
        goto out;
    }
    rc = encmig_core_init(&x->core, b.direction == XEN_ENCMIG_DIR_EXPORT ?
                          ENCMIG_SIDE_SOURCE : ENCMIG_SIDE_DEST,
                          &b.km, b.transcript);
    if (rc) {
        encmig_seterr(err, errlen, "deriving the session's keys: %s",
                      strerror(-rc));
        goto out;
    }
    /* xl keeps the control, configuration and libxl keys; the helper has
     * no use for them. */
    OPENSSL_cleanse(x->core.k.config, sizeof(x->core.k.config));
    OPENSSL_cleanse(x->core.k.control, sizeof(x->core.k.control));
    OPENSSL_cleanse(x->core.k.libxl, sizeof(x->core.k.libxl));
    x->hc = hc;
    x->direction = b.direction;
    x->level = b.level;
    x->nr_streams = b.nr_streams;
    memcpy(x->session_id, b.session_id, sizeof(x->session_id));
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
    encmig_core_fini(&x->core);
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

unsigned int encmig_xg_states(const struct encmig_xg *x)
{
    return x->states;
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
    rc = x->level == 2
         ? encmig_core_l2_resume(&x->core, x->hc, domid, x->session_id,
                                 x->nr_streams)
         : encmig_core_hv_setup(&x->core, x->hc, domid, x->direction,
                                x->nr_streams);
    if (rc)
        goto fail_buf;
    x->domid = domid;
    x->begun = true;
    if (x->direction == XEN_ENCMIG_DIR_EXPORT && x->nr_streams > 1) {
        rc = xg_exporters_start(&x->exporters, x->hc, domid,
                                x->nr_streams - 1);
        if (rc) {
            encmig_xg_finish(x);
            return fail(x, rc, "starting %u exporter threads: %s",
                        x->nr_streams - 1, strerror(-rc));
        }
    }
    return 0;

 fail_buf:
    if (x->recs)
        encmig_hc_buf_free(x->hc, x->recs, RECS_SIZE);
    if (x->gfns)
        encmig_hc_buf_free(x->hc, x->gfns, GFNS_SIZE);
    x->recs = NULL;
    x->gfns = NULL;
    return fail(x, rc, "starting the level-%u session on domain %u: %s",
                x->level, domid,
                rc == -EEXIST ? "it has one already" :
                rc == -ENOENT && x->level == 2 ? "no agreement to take" :
                strerror(-rc));
}

void encmig_xg_finish(struct encmig_xg *x)
{
    /* No thread may still write into the buffers freed below. */
    xg_exporters_stop(x->exporters);
    x->exporters = NULL;
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
    OPENSSL_cleanse(&x->core.k, sizeof(x->core.k));
}

/* The transcript. */

void encmig_xg_stream_bytes(struct encmig_xg *x, const void *p, size_t len)
{
    encmig_core_stream_bytes(&x->core, p, len);
}

void encmig_xg_stream_record(struct encmig_xg *x, uint32_t type,
                             uint32_t length, const struct iovec *body,
                             unsigned int n)
{
    encmig_core_stream_record(&x->core, type, length, body, n);
}

/* Source. */

/*
 * Cut nr pages into at most nr_streams parts as equal as can be, the
 * session's next records, on their streams; seal them side by side.
 */
static int export_parts(struct encmig_xg *x, uint32_t round, unsigned int nr,
                        struct xg_export_job *jobs, unsigned int *nr_jobs)
{
    unsigned int k = nr < x->nr_streams ? nr : x->nr_streams;
    unsigned int i, off = 0;

    for (i = 0; i < k; i++) {
        struct xg_export_job *j = &jobs[i];

        j->stream = (x->batches + i) % x->nr_streams;
        j->round = round;
        j->nr = nr / k + (i < nr % k);
        j->gfns = x->gfns + off;
        j->recs = x->recs + (size_t)off * XEN_ENCMIG_REC_SIZE;
        j->size = (size_t)j->nr * XEN_ENCMIG_REC_SIZE;
        off += j->nr;
    }
    *nr_jobs = k;
    if (k == 1)
        jobs[0].rc = encmig_hc_export(x->hc, x->domid, jobs[0].stream, round,
                                      jobs[0].gfns, jobs[0].nr, jobs[0].recs,
                                      jobs[0].size) ? -errno : 0;
    else
        xg_exporters_run(x->exporters, jobs, k);

    for (i = 0; i < k; i++)
        if (jobs[i].rc)
            return fail(x, jobs[i].rc, "the hypervisor's export of %u pages "
                        "on stream %u: %s", jobs[i].nr, jobs[i].stream,
                        strerror(-jobs[i].rc));
    return 0;
}

int encmig_xg_save_pages(struct encmig_xg *x, int fd, uint32_t round,
                         const uint64_t *pfns, const uint64_t *gfns,
                         unsigned int nr)
{
    struct xg_export_job jobs[ENCMIG_MAX_STREAMS];
    struct stream_writer w;
    struct iovec iov[2];
    uint8_t bhdr[ENCMIG_PAGES_HDR_SIZE];
    unsigned int i, nr_jobs;
    int rc;

    if (!x->begun || x->direction != XEN_ENCMIG_DIR_EXPORT)
        return fail(x, -EPROTO, "no export session");
    if (nr == 0 || nr > BATCH_MAX)
        return fail(x, -E2BIG, "a batch of %u pages", nr);

    memcpy(x->gfns, gfns, (size_t)nr * sizeof(*gfns));
    rc = export_parts(x, round, nr, jobs, &nr_jobs);
    if (rc)
        return rc;

    /*
     * Xen names each page from the guest's M2P; the destination places it
     * by that name.  A name that is not the pfn libxc sent it as would
     * land the page elsewhere: stop rather than move guest memory about.
     */
    for (i = 0; i < nr; i++) {
        uint64_t name = encmig_rec_name(x->recs, i);

        if (name != pfns[i])
            return fail(x, -EPROTO, "pfn %#llx (frame %#llx): the guest's "
                        "M2P names it %#llx", (unsigned long long)pfns[i],
                        (unsigned long long)gfns[i],
                        (unsigned long long)name);
    }

    stream_writer_init(&w, fd);
    w.core = &x->core;
    for (i = 0; i < nr_jobs; i++) {
        encmig_hdr8_put(bhdr, jobs[i].nr, jobs[i].stream);
        iov[0].iov_base = bhdr;
        iov[0].iov_len = sizeof(bhdr);
        iov[1].iov_base = jobs[i].recs;
        iov[1].iov_len = jobs[i].size;
        rc = stream_write_record(&w, REC_TYPE_ENCMIG_PAGES, iov, 2);
        if (rc)
            return fail(x, rc, "writing %u encrypted pages: %s", jobs[i].nr,
                        strerror(-rc));
        x->records += jobs[i].nr;
        x->batches++;
    }
    return 0;
}

int encmig_xg_save_end(struct encmig_xg *x, int fd)
{
    struct stream_writer w;
    struct iovec iov;
    uint8_t end[ENCMIG_END_SIZE];
    int rc;

    if (!x->begun || x->direction != XEN_ENCMIG_DIR_EXPORT)
        return fail(x, -EPROTO, "no export session");
    rc = encmig_core_end_seal(&x->core, x->records, end);
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

/* The guest's state, which only the hypervisor opens (state.h). */
int encmig_xg_save_state(struct encmig_xg *x, int fd, uint32_t kind,
                         uint32_t instance)
{
    struct stream_writer w;
    int rc;

    if (!x->begun || x->direction != XEN_ENCMIG_DIR_EXPORT)
        return fail(x, -EPROTO, "no export session");
    stream_writer_init(&w, fd);
    w.core = &x->core;
    rc = encmig_state_send(&w, x->hc, x->domid, kind, instance, x->err,
                           sizeof(x->err));
    if (!rc)
        x->states++;
    return rc;
}

/* Destination. */

/*
 * The stream the session's next ENCMIG_PAGES record must be on.  One
 * that came on another was dropped, replayed or moved: say so, rather
 * than only that it is malformed.
 */
static int check_stream(struct encmig_xg *x, const void *body, uint32_t len,
                        uint32_t *stream)
{
    uint32_t count, theirs;

    *stream = x->batches % x->nr_streams;
    if (len < ENCMIG_PAGES_HDR_SIZE)
        return fail(x, -EBADMSG, "a malformed batch of encrypted pages "
                    "(%u bytes)", len);
    encmig_hdr8_get(body, &count, &theirs);
    if (theirs != *stream)
        return fail(x, -EILSEQ, "batch %llu came on stream %u, not %u: "
                    "batches were dropped, replayed or reordered",
                    (unsigned long long)x->batches, theirs, *stream);
    return 0;
}

int encmig_xg_restore_names(struct encmig_xg *x, const void *body,
                            uint32_t len, uint64_t *pfns, unsigned int max,
                            unsigned int *nr)
{
    const uint8_t *recs;
    uint32_t count, i, stream;
    int rc;

    *nr = 0;
    rc = check_stream(x, body, len, &stream);
    if (rc)
        return rc;
    if (encmig_pages_parse(body, len, max < BATCH_MAX ? max : BATCH_MAX,
                           stream, &count, &recs))
        return fail(x, -EBADMSG, "a malformed batch of encrypted pages "
                    "(%u bytes)", len);
    for (i = 0; i < count; i++)
        pfns[i] = encmig_rec_name(recs, i);
    *nr = count;
    return 0;
}

int encmig_xg_restore_pages(struct encmig_xg *x, const void *body,
                            uint32_t len, const uint64_t *gfns,
                            unsigned int nr)
{
    const uint8_t *recs;
    uint32_t count, done = 0, stream;
    int rc;

    if (!x->begun || x->direction != XEN_ENCMIG_DIR_IMPORT)
        return fail(x, -EPROTO, "no import session");
    rc = check_stream(x, body, len, &stream);
    if (rc)
        return rc;
    if (encmig_pages_parse(body, len, BATCH_MAX, stream, &count, &recs) ||
        count != nr)
        return fail(x, -EBADMSG, "a malformed batch of encrypted pages "
                    "(%u bytes)", len);

    memcpy(x->recs, recs, (size_t)nr * XEN_ENCMIG_REC_SIZE);
    memcpy(x->gfns, gfns, (size_t)nr * sizeof(*gfns));
    if (!encmig_hc_import_frames(x->hc, x->domid, stream, x->recs, nr,
                                 (size_t)nr * XEN_ENCMIG_REC_SIZE, x->gfns,
                                 &done)) {
        x->records += nr;
        x->batches++;
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

int encmig_xg_restore_state(struct encmig_xg *x, uint32_t kind,
                            uint32_t instance, const void *body,
                            uint32_t len)
{
    void *buf;
    int rc;

    if (!x->begun || x->direction != XEN_ENCMIG_DIR_IMPORT)
        return fail(x, -EPROTO, "no import session");
    if (len < ENCMIG_STATE_MIN || len > ENCMIG_STATE_MAX)
        return fail(x, -EBADMSG, "a sealed state of %u bytes", len);
    buf = encmig_hc_buf_alloc(x->hc, len);
    if (!buf)
        return fail(x, -ENOMEM, "a buffer of %u bytes for the guest's "
                    "state", len);
    memcpy(buf, body, len);
    rc = encmig_state_load(x->hc, x->domid, kind, instance, buf, len, x->err,
                           sizeof(x->err));
    encmig_hc_buf_free(x->hc, buf, len);
    if (!rc)
        x->states++;
    return rc;
}

int encmig_xg_restore_end(struct encmig_xg *x, const void *body,
                          uint32_t len)
{
    struct xen_encmig_status st;
    uint64_t records;
    int rc;

    if (!x->begun || x->direction != XEN_ENCMIG_DIR_IMPORT)
        return fail(x, -EPROTO, "no import session");
    rc = encmig_core_end_check(&x->core, body, len, &records, x->err,
                               sizeof(x->err));
    if (rc)
        return rc;
    if (encmig_hc_status(x->hc, x->domid, &st))
        return fail(x, -errno, "session status: %s", strerror(errno));
    if (st.records != records || x->records != records)
        return fail(x, -EBADMSG, "the source sent %llu page records, %llu "
                    "arrived: the stream was cut short",
                    (unsigned long long)records,
                    (unsigned long long)st.records);
    return 0;
}
