/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz-handshake.c: the parsers of what a peer sends, and the source's
 * side of the handshake.
 *
 * The first input byte picks the parser (fuzz-handshake.h), the rest is
 * its input: the handshake messages, the migration request, FAILED, the
 * stream's record headers and headers, message framing, a public key in
 * base64, the source's whole handshake against what a hostile
 * destination (or anyone in the middle) sends, the destination's against
 * what a hostile source sends, known_hosts and authorized_sources.
 *
 * Besides not crashing, a parser that accepts must have produced a value
 * that encodes back to exactly the bytes it read (the wire format has one
 * spelling of each message), within the limits its documentation states,
 * and the length check applied before a body is read must agree with what
 * the parser accepts.  Neither end's handshake may ever succeed (a
 * REPLY cannot carry a valid signature of the pinned key, a SOURCE_AUTH
 * none over the destination's fresh keys), and a failed one must leave
 * its result all zero.
 */

#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <unistd.h>

#include "fuzz-handshake.h"
#include "fuzz-util.h"
#include "../../sim/sim.h"
#include "../../tools/libxl-encmig/driver/migrate.h"
#include "../../tools/libxl-encmig/protocol/handshake-msg.h"
#include "../../tools/libxl-encmig/protocol/handshake.h"
#include "../../tools/libxl-encmig/protocol/hostkey.h"
#include "../../tools/libxl-encmig/protocol/msg.h"
#include "../../tools/libxl-encmig/protocol/request.h"
#include "../../tools/libxl-encmig/protocol/stream.h"

static const uint8_t pinned[ENCMIG_PUBKEY_SIZE] = FH_PINNED_KEY;
static char dir[512], known[600], authorized[600], scratch[600];
static int devnull = -1;

/* A wbuf holding a copy of the input, limited to its size. */
static void load(struct wbuf *b, const uint8_t *data, size_t size)
{
    wbuf_init(b, size);
    FUZZ_CHECK(wbuf_put(b, data, size) == 0, "wbuf_put of %zu bytes", size);
}

/* The encoder's output equals the input the parser accepted. */
static void same(const struct wbuf *enc, const uint8_t *data, size_t size,
                 const char *what)
{
    FUZZ_CHECK(wbuf_avail(enc) == size &&
               (size == 0 || !memcmp(wbuf_ptr(enc), data, size)),
               "%s: %zu bytes parsed, re-encoded as %zu different bytes",
               what, size, wbuf_avail(enc));
}

static void hello(const uint8_t *data, size_t size)
{
    struct encmig_hs_hello h;
    struct wbuf b, enc;

    load(&b, data, size);
    if (encmig_hs_parse_hello(&b, &h) == 0) {
        FUZZ_CHECK(h.nr_suites >= 1 && h.nr_suites <= ENCMIG_HS_MAX_SUITES &&
                   h.min_version >= 1 && h.min_version <= h.max_version,
                   "HELLO accepted with %u suites, versions %u..%u",
                   h.nr_suites, h.min_version, h.max_version);
        FUZZ_CHECK(encmig_hs_check_len(ENCMIG_HS_MSG_HELLO, size) == 0,
                   "a HELLO of %zu bytes parses, but its length is refused",
                   size);
        wbuf_init(&enc, ENCMIG_HS_MAX_BODY);
        FUZZ_CHECK(encmig_hs_put_hello(&enc, &h) == 0, "encoding HELLO");
        same(&enc, data, size, "HELLO");
        wbuf_free(&enc);
    }
    wbuf_free(&b);
}

static void reply(const uint8_t *data, size_t size)
{
    struct encmig_hs_reply r;
    struct wbuf b, enc;

    load(&b, data, size);
    if (encmig_hs_parse_reply(&b, &r) == 0) {
        FUZZ_CHECK(encmig_hs_check_len(ENCMIG_HS_MSG_REPLY, size) == 0,
                   "a REPLY of %zu bytes parses, but its length is refused",
                   size);
        wbuf_init(&enc, ENCMIG_HS_MAX_BODY);
        FUZZ_CHECK(encmig_hs_put_reply(&enc, &r) == 0, "encoding REPLY");
        same(&enc, data, size, "REPLY");
        wbuf_free(&enc);
    }
    wbuf_free(&b);
}

static void error(const uint8_t *data, size_t size)
{
    struct encmig_hs_error e;
    struct wbuf b, enc;
    size_t i, len;
    bool ascii = true;

    load(&b, data, size);
    if (encmig_hs_parse_error(&b, &e) == 0) {
        len = strnlen(e.msg, sizeof(e.msg));
        FUZZ_CHECK(len < sizeof(e.msg) && len <= ENCMIG_HS_MAX_ERRMSG,
                   "ERROR text not terminated");
        FUZZ_CHECK(size == 8 + len,
                   "ERROR of %zu bytes parsed to a text of %zu", size, len);
        FUZZ_CHECK(e.code >= 1 && e.code <= 4095, "ERROR code %u", e.code);
        FUZZ_CHECK(encmig_hs_check_len(ENCMIG_HS_MSG_ERROR, size) == 0,
                   "an ERROR of %zu bytes parses, but its length is refused",
                   size);
        for (i = 0; i < len; i++) {
            uint8_t c = e.msg[i];

            FUZZ_CHECK(c >= 0x20 && c != 0x7f,
                       "control character %#x in an accepted ERROR", c);
            if (c >= 0x80)
                ascii = false;
        }
        /* The encoder only writes ASCII: compare what it can spell. */
        if (ascii) {
            wbuf_init(&enc, ENCMIG_HS_ERROR_MAX_SIZE);
            FUZZ_CHECK(encmig_hs_put_error(&enc, e.code, e.msg) == 0,
                       "encoding ERROR");
            same(&enc, data, size, "ERROR");
            wbuf_free(&enc);
        }
    }
    wbuf_free(&b);
}

static void keymat(const uint8_t *data, size_t size)
{
    struct xen_encmig_keymat km;
    struct wbuf b, enc;

    load(&b, data, size);
    if (encmig_hs_parse_keymat(&b, &km) == 0) {
        FUZZ_CHECK(km.pad == 0, "key material with pad %#x", km.pad);
        wbuf_init(&enc, ENCMIG_HS_KEYMAT_SIZE);
        FUZZ_CHECK(encmig_hs_put_keymat(&enc, &km) == 0, "encoding keymat");
        same(&enc, data, size, "keymat");
        wbuf_free(&enc);
    }
    wbuf_free(&b);
}

static void header(const uint8_t *data, size_t size)
{
    uint32_t type = 0, len = 0;
    struct wbuf b, enc;
    int rc;

    load(&b, data, size);
    rc = encmig_hs_parse_header(&b, &type, &len);
    if (rc == 0) {
        FUZZ_CHECK(len <= ENCMIG_HS_MAX_BODY, "header of length %u", len);
        wbuf_init(&enc, ENCMIG_HS_HEADER_SIZE);
        FUZZ_CHECK(encmig_hs_put_header(&enc, type, len) == 0,
                   "encoding a header");
        same(&enc, data, size, "header");
        wbuf_free(&enc);
        if (encmig_hs_check_len(type, len) == 0)
            FUZZ_CHECK(type >= ENCMIG_HS_MSG_HELLO &&
                       type <= ENCMIG_HS_MSG_SOURCE_AUTH &&
                       len <= ENCMIG_HS_MAX_BODY,
                       "type %u of length %u allowed", type, len);
    }
    wbuf_free(&b);
}

static void source_auth(const uint8_t *data, size_t size)
{
    struct encmig_hs_source_auth a;
    struct wbuf b, enc;

    load(&b, data, size);
    if (encmig_hs_parse_source_auth(&b, &a) == 0) {
        FUZZ_CHECK(encmig_hs_check_len(ENCMIG_HS_MSG_SOURCE_AUTH, size) == 0,
                   "a SOURCE_AUTH of %zu bytes parses, but its length is "
                   "refused", size);
        wbuf_init(&enc, ENCMIG_HS_SOURCE_AUTH_SIZE);
        FUZZ_CHECK(encmig_hs_put_source_auth(&enc, &a) == 0,
                   "encoding SOURCE_AUTH");
        same(&enc, data, size, "SOURCE_AUTH");
        wbuf_free(&enc);
    }
    wbuf_free(&b);
}

static void request(const uint8_t *data, size_t size)
{
    static const uint64_t limits[] = { 1, 64, MIGRATE_MAX_FRAMES, UINT64_MAX };
    struct migrate_req req;
    struct wbuf b, enc;
    char err[200];
    uint64_t max;

    if (size < 1)
        return;
    max = limits[data[0] % 4];
    load(&b, data + 1, size - 1);
    memset(err, 0x55, sizeof(err));
    if (migrate_req_get(&b, max, &req, err, sizeof(err)) == 0) {
        FUZZ_CHECK(req.version == MIGRATE_REQ_VERSION &&
                   (req.mode == MIGRATE_MODE_ENCRYPTED ||
                    req.mode == MIGRATE_MODE_PLAIN) &&
                   req.nr_frames >= 1 && req.nr_frames <= max &&
                   req.nr_streams >= 1 &&
                   req.nr_streams <= XEN_ENCMIG_MAX_STREAMS &&
                   (req.mode == MIGRATE_MODE_ENCRYPTED ||
                    req.nr_streams == 1) && req.batch >= 1 &&
                   req.batch <= XEN_ENCMIG_MAX_BATCH,
                   "request accepted out of range");
        wbuf_init(&enc, MIGRATE_REQ_SIZE);
        FUZZ_CHECK(migrate_req_put(&enc, &req) == 0, "encoding a request");
        same(&enc, data + 1, size - 1, "request");
        wbuf_free(&enc);
    } else {
        FUZZ_CHECK(memchr(err, '\0', sizeof(err)),
                   "request refused without a terminated reason");
    }
    wbuf_free(&b);
}

static void failed(const uint8_t *data, size_t size)
{
    char reason[300];
    struct wbuf b;
    size_t len, i;
    int code = -1;

    if (size < 2)
        return;
    /* The caller's buffer may be as small as nothing. */
    len = (data[0] | (size_t)data[1] << 8) % (sizeof(reason) + 1);
    load(&b, data + 2, size - 2);
    memset(reason, 0x55, sizeof(reason));
    if (encmig_msg_parse_failed(&b, &code, reason, len) == 0) {
        FUZZ_CHECK(code >= 0 && code <= 4095, "FAILED code %d", code);
        if (len) {
            FUZZ_CHECK(memchr(reason, '\0', len), "reason not terminated");
            for (i = 0; reason[i]; i++)
                FUZZ_CHECK(reason[i] >= 0x20 && reason[i] < 0x7f,
                           "unprintable %#x in a FAILED reason",
                           (uint8_t)reason[i]);
        }
        FUZZ_CHECK(wbuf_avail(&b) == 0, "FAILED body not consumed");
    }
    for (i = len; i < sizeof(reason); i++)
        FUZZ_CHECK(reason[i] == 0x55, "FAILED reason written past %zu", len);
    wbuf_free(&b);
}

/* Known record types and the bounds docs/stream.md gives their bodies. */
static bool record_ok(uint32_t type, uint32_t len)
{
    switch (type) {
    case REC_TYPE_END:
        return len == 0;
    case REC_TYPE_PAGE_DATA:
        return len >= 16 && len <= 8 + ENCMIG_MAX_BATCH *
                                    (8 + XEN_ENCMIG_PAGE_SIZE);
    case REC_TYPE_ENCMIG_PAGES:
        return len >= 8 + XEN_ENCMIG_REC_SIZE && len <= REC_BODY_MAX;
    case REC_TYPE_ENCMIG_STATE:
        return len >= XEN_ENCMIG_STATE_OVERHEAD &&
               len <= XEN_ENCMIG_MAX_STATE + XEN_ENCMIG_STATE_OVERHEAD;
    case REC_TYPE_ENCMIG_END:
        return len >= 80 && len <= 8 + 8 * ENCMIG_MAX_STREAMS + 64;
    case REC_TYPE_ENCMIG_SIM_VCPU:
        return len == SIM_VCPU_STATE_SIZE;
    }
    return false;
}

static uint8_t body[REC_BODY_MAX];

static void records(const uint8_t *data, size_t size)
{
    struct stream_reader r;
    struct iovec iov;
    uint32_t type, len;
    char err[200];
    int fd = fuzz_memfd(data, size), rc;

    stream_reader_init(&r, fd);
    for (;;) {
        memset(err, 0x55, sizeof(err));
        rc = stream_read_record_header(&r, &type, &len, err, sizeof(err));
        FUZZ_CHECK(r.bytes <= size, "read %llu of %zu bytes",
                   (unsigned long long)r.bytes, size);
        if (rc) {
            FUZZ_CHECK(rc < 0 && memchr(err, '\0', sizeof(err)) && err[0],
                       "record header refused (%d) without a reason", rc);
            break;
        }
        FUZZ_CHECK(record_ok(type, len), "record %#x of %u bytes accepted",
                   type, len);
        if (type == REC_TYPE_END)
            break;
        iov.iov_base = body;
        iov.iov_len = len;
        if (stream_read_record_body(&r, type, len, &iov, 1))
            break;
        FUZZ_CHECK(r.bytes <= size && r.bytes % REC_ALIGN == 0,
                   "at %llu after a body", (unsigned long long)r.bytes);
    }
    close(fd);
}

static void stream_headers(const uint8_t *data, size_t size)
{
    struct stream_reader r;
    uint32_t type = 0;
    int fd = fuzz_memfd(data, size), rc;

    stream_reader_init(&r, fd);
    rc = stream_read_headers(&r, &type);
    if (rc == 0) {
        FUZZ_CHECK(size >= IHDR_SIZE + DHDR_SIZE &&
                   !memcmp(r.headers, data, sizeof(r.headers)),
                   "headers accepted but not kept as read");
        FUZZ_CHECK(type == ((uint32_t)data[IHDR_SIZE] |
                            (uint32_t)data[IHDR_SIZE + 1] << 8 |
                            (uint32_t)data[IHDR_SIZE + 2] << 16 |
                            (uint32_t)data[IHDR_SIZE + 3] << 24),
                   "domain type %#x is not the one sent", type);
    }
    close(fd);
}

static void msg_recv(const uint8_t *data, size_t size)
{
    struct wbuf b;
    uint32_t type;
    size_t max;
    int fd, rc;

    if (size < 2)
        return;
    max = (data[0] | (size_t)data[1] << 8) % (MSG_BODY_MAX + 64);
    fd = fuzz_memfd(data + 2, size - 2);
    wbuf_init(&b, MSG_BODY_MAX);
    /* Twice: the second message reuses the buffer, as receivers do. */
    rc = encmig_msg_recv(fd, &type, &b, max);
    if (rc == 0)
        rc = encmig_msg_recv(fd, &type, &b, max);
    if (rc == 0)
        FUZZ_CHECK(wbuf_avail(&b) <= max && wbuf_avail(&b) <= MSG_BODY_MAX,
                   "message of %zu bytes accepted, max %zu",
                   wbuf_avail(&b), max);
    wbuf_free(&b);
    close(fd);
}

static void pubkey_b64(const uint8_t *data, size_t size)
{
    char s[64], again[ENCMIG_PUBKEY_B64_SIZE];
    uint8_t pub[ENCMIG_PUBKEY_SIZE];

    if (size >= sizeof(s))
        return;
    memcpy(s, data, size);
    s[size] = '\0';
    if (encmig_pubkey_from_b64(s, pub) == 0) {
        FUZZ_CHECK(encmig_pubkey_to_b64(pub, again) == 0 && !strcmp(again, s),
                   "public key \"%s\" accepted, spelt \"%s\"", s, again);
    }
}

/* One end of the handshake reading data; what it writes is dropped. */
static void one_end(bool dest, const uint8_t *data, size_t size)
{
    static const uint8_t zero[sizeof(struct encmig_hs_result)];
    struct encmig_hs_config cfg;
    struct encmig_hs_result res;
    char err[512];
    int fd = fuzz_memfd(data, size), rc;

    encmig_hs_config_init(&cfg);
    cfg.keydir = dir;
    cfg.known_hosts = known;
    cfg.authorized_sources = authorized;
    cfg.accept_new = false;
    memset(&res, 0x55, sizeof(res));
    memset(err, 0x55, sizeof(err));
    if (dest)
        rc = encmig_hs_dest(fd, devnull, &cfg, &res, err, sizeof(err));
    else
        rc = encmig_hs_source(fd, devnull, &cfg, FH_PINNED_HOST, &res, err,
                              sizeof(err));
    close(fd);
    FUZZ_CHECK(rc < 0, "the %s accepted (%d)", dest ? "destination" :
               "source", rc);
    FUZZ_CHECK(!memcmp(&res, zero, sizeof(res)),
               "a failed handshake left its result behind");
    FUZZ_CHECK(memchr(err, '\0', sizeof(err)) && err[0],
               "the handshake failed (%d) without a reason", rc);
    if (fuzz_verbose())
        fprintf(stderr, "%s: %d: %s\n", dest ? "dest" : "source", rc, err);
}

/* A known_hosts (or, with by_key, an authorized_sources) of data. */
static void key_file(bool by_key, const uint8_t *data, size_t size)
{
    char err[512], name[ENCMIG_MAX_HOSTNAME + 1];
    int fd, rc;

    fd = open(scratch, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    FUZZ_CHECK(fd >= 0, "cannot write %s", scratch);
    FUZZ_CHECK(write(fd, data, size) == (ssize_t)size, "write");
    close(fd);
    memset(err, 0x55, sizeof(err));
    if (by_key) {
        rc = encmig_authorized_sources_check(scratch, pinned, name, err,
                                             sizeof(err));
        FUZZ_CHECK(rc == 0 || rc == -EACCES || rc == -EINVAL,
                   "authorized_sources check: %d", rc);
        FUZZ_CHECK(memchr(name, '\0', sizeof(name)) && !!rc == !name[0],
                   "authorized_sources: name and verdict disagree");
    } else {
        rc = encmig_known_hosts_check(scratch, FH_PINNED_HOST, pinned, false,
                                      err, sizeof(err));
        FUZZ_CHECK(rc == 0 || rc == -ENOENT || rc == -EKEYREJECTED ||
                   rc == -EINVAL, "known_hosts check: %d", rc);
    }
    if (rc)
        FUZZ_CHECK(memchr(err, '\0', sizeof(err)) && err[0],
                   "key file refused (%d) without a reason", rc);
}

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *f)
{
    return remove(p);
}

static void cleanup(void)
{
    if (dir[0])
        nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *tmp = getenv("TMPDIR");
    char b64[ENCMIG_PUBKEY_B64_SIZE], err[256];
    FILE *f;

    signal(SIGPIPE, SIG_IGN);
    snprintf(dir, sizeof(dir), "%s/encmig-fuzz-handshake-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        dir[0] = '\0';
        fuzz_die("mkdtemp failed");
    }
    atexit(cleanup);
    snprintf(known, sizeof(known), "%s/known_hosts", dir);
    snprintf(scratch, sizeof(scratch), "%s/scratch", dir);
    FUZZ_CHECK(encmig_pubkey_to_b64(pinned, b64) == 0, "base64");
    f = fopen(known, "w");
    FUZZ_CHECK(f, "cannot write %s", known);
    fprintf(f, "# the destination\n%s %s %s fuzz\n", FH_PINNED_HOST,
            ENCMIG_KEYTYPE, b64);
    fclose(f);
    snprintf(authorized, sizeof(authorized), "%s/authorized_sources", dir);
    f = fopen(authorized, "w");
    FUZZ_CHECK(f, "cannot write %s", authorized);
    fprintf(f, "%s %s %s\n", FH_PINNED_HOST, ENCMIG_KEYTYPE, b64);
    fclose(f);
    /* Both ends sign: without a key of its own neither reads a byte. */
    FUZZ_CHECK(encmig_hostkey_generate(dir, "fuzz", false, err,
                                       sizeof(err)) == 0, "keygen: %s", err);
    devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    FUZZ_CHECK(devnull >= 0, "cannot open /dev/null");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] % FH_COUNT) {
    case FH_HELLO:          hello(data + 1, size - 1); break;
    case FH_REPLY:          reply(data + 1, size - 1); break;
    case FH_ERROR:          error(data + 1, size - 1); break;
    case FH_KEYMAT:         keymat(data + 1, size - 1); break;
    case FH_HEADER:         header(data + 1, size - 1); break;
    case FH_REQUEST:        request(data + 1, size - 1); break;
    case FH_FAILED:         failed(data + 1, size - 1); break;
    case FH_RECORDS:        records(data + 1, size - 1); break;
    case FH_STREAM_HEADERS: stream_headers(data + 1, size - 1); break;
    case FH_MSG_RECV:       msg_recv(data + 1, size - 1); break;
    case FH_B64:            pubkey_b64(data + 1, size - 1); break;
    case FH_SOURCE:         one_end(false, data + 1, size - 1); break;
    case FH_KNOWN_HOSTS:    key_file(false, data + 1, size - 1); break;
    case FH_SOURCE_AUTH:    source_auth(data + 1, size - 1); break;
    case FH_DEST:           one_end(true, data + 1, size - 1); break;
    case FH_AUTHORIZED:     key_file(true, data + 1, size - 1); break;
    }
    return 0;
}
