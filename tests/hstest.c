/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hstest.c: the handshake tests' fixture (hstest.h).
 */

/* nftw() */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "hstest.h"
#include "../tools/libxl-encmig/io.h"


/* ---- fixture: a scratch directory per test ------------------------- */

/* Made by hst_main(); each test's tdir lies in it. */
static char base_dir[PATH_MAX - 64];
char tdir[PATH_MAX];
char src_dir[PATH_MAX + 8];  /* the source's keydir: known_hosts */
char dst_dir[PATH_MAX + 8];  /* the destination's host key */
char kh[PATH_MAX + 32];      /* src_dir/known_hosts */
char as[PATH_MAX + 32];      /* dst_dir/authorized_sources */
uint8_t src_pub[ENCMIG_PUBKEY_SIZE];

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *f)
{
    return remove(p);
}

static void rm_tree(const char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void setup(void)
{
    snprintf(tdir, sizeof(tdir), "%s/t-XXXXXX", base_dir);
    ck_assert_ptr_nonnull(mkdtemp(tdir));
    snprintf(src_dir, sizeof(src_dir), "%s/src", tdir);
    snprintf(dst_dir, sizeof(dst_dir), "%s/dst", tdir);
    snprintf(kh, sizeof(kh), "%s/%s", src_dir, ENCMIG_KNOWN_HOSTS_FILE);
    snprintf(as, sizeof(as), "%s/%s", dst_dir,
             ENCMIG_AUTHORIZED_SOURCES_FILE);
    ck_assert_int_eq(mkdir(src_dir, 0700), 0);
    ck_assert_int_eq(mkdir(dst_dir, 0700), 0);
    keygen(src_dir);
    load_pub(src_dir, src_pub);
    list_key(as, SOURCE, src_pub);
}

void teardown(void)
{
    rm_tree(tdir);
}

/* ---- helpers --------------------------------------------------------- */

size_t read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    ssize_t n;

    ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
    n = read(fd, buf, size - 1);
    ck_assert_int_ge(n, 0);
    buf[n] = '\0';
    close(fd);
    return n;
}

void write_file(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(encmig_write_full(fd, data, len), 0);
    close(fd);
}

void keygen(const char *dir)
{
    char err[256] = "";
    int rc = encmig_hostkey_generate(dir, "test key", false, err,
                                     sizeof(err));

    ck_assert_msg(rc == 0, "keygen in %s: %d %s", dir, rc, err);
}

void load_pub(const char *dir, uint8_t pub[ENCMIG_PUBKEY_SIZE])
{
    char err[256] = "";
    int rc = encmig_hostkey_load_public(dir, pub, err, sizeof(err));

    ck_assert_msg(rc == 0, "load public key of %s: %d %s", dir, rc, err);
}

void fingerprint(const uint8_t pub[ENCMIG_PUBKEY_SIZE],
                 char fp[ENCMIG_FINGERPRINT_SIZE])
{
    ck_assert_int_eq(encmig_hostkey_fingerprint(pub, fp), 0);
}

void pin(const char *host, const uint8_t pub[ENCMIG_PUBKEY_SIZE])
{
    list_key(kh, host, pub);
}

void list_key(const char *path, const char *name,
              const uint8_t pub[ENCMIG_PUBKEY_SIZE])
{
    char b64[ENCMIG_PUBKEY_B64_SIZE];
    FILE *f;

    ck_assert_int_eq(encmig_pubkey_to_b64(pub, b64), 0);
    f = fopen(path, "a");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%s %s %s\n", name, ENCMIG_KEYTYPE, b64);
    fclose(f);
}

void configs(struct encmig_hs_config *s, struct encmig_hs_config *d)
{
    encmig_hs_config_init(s);
    encmig_hs_config_init(d);
    s->keydir = src_dir;        /* known_hosts defaults to src_dir's */
    d->keydir = dst_dir;
}

void set_timeout(int fd)
{
    struct timeval tv = { .tv_sec = 20 };

    ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
                                sizeof(tv)), 0);
}

/* ---- running both ends ----------------------------------------------- */

static void *dest_main(void *arg)
{
    struct end *e = arg;

    e->rc = encmig_hs_dest(e->fd, e->fd, e->cfg, &e->res, e->err,
                           sizeof(e->err));
    close(e->fd);
    return NULL;
}

const struct tamper no_tamper = {
    .s2d_flip = -1, .s2d_cut = -1, .d2s_flip = -1, .d2s_cut = -1,
};

struct pump {
    int in, out;
    long flip, cut;
    uint8_t mask;
    const uint8_t *splice;
    long splice_at;
    size_t splice_len;
    struct recording *record;
};

static void *pump_main(void *arg)
{
    struct pump *p = arg;
    uint8_t buf[1024];
    long pos = 0, i;

    for (;;) {
        ssize_t n = read(p->in, buf, sizeof(buf));

        if (n <= 0)
            break;
        if (p->record && p->record->len + n <= sizeof(p->record->buf)) {
            memcpy(p->record->buf + p->record->len, buf, n);
            p->record->len += n;
        }
        for (i = 0; i < n; i++)
            if (pos + i >= p->splice_at &&
                pos + i < p->splice_at + (long)p->splice_len)
                buf[i] = p->splice[pos + i - p->splice_at];
        if (p->flip >= pos && p->flip < pos + n)
            buf[p->flip - pos] ^= p->mask;
        if (p->cut >= 0 && pos + n >= p->cut) {
            n = p->cut - pos;
            if (n > 0)
                encmig_write_full(p->out, buf, n);
            break;
        }
        if (encmig_write_full(p->out, buf, n))
            break;
        pos += n;
    }
    shutdown(p->out, SHUT_WR);
    return NULL;
}

void run_hs(const struct encmig_hs_config *scfg,
            const struct encmig_hs_config *dcfg,
            const struct tamper *t, struct end *s, struct end *d)
{
    struct pump s2d, d2s;
    pthread_t td, tp1, tp2;
    int a[2], b[2];

    memset(s, 0, sizeof(*s));
    memset(d, 0, sizeof(*d));
    s->cfg = scfg;
    d->cfg = dcfg;
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
    s->fd = a[0];
    d->fd = a[1];
    if (t) {
        ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
        d->fd = b[1];
        s2d = (struct pump){ a[1], b[0], t->s2d_flip, t->s2d_cut, t->mask,
                             t->splice, t->splice_at, t->splice_len,
                             t->record };
        d2s = (struct pump){ .in = b[0], .out = a[1], .flip = t->d2s_flip,
                             .cut = t->d2s_cut, .mask = t->mask };
        if (t->record)
            t->record->len = 0;
        ck_assert_int_eq(pthread_create(&tp1, NULL, pump_main, &s2d), 0);
        ck_assert_int_eq(pthread_create(&tp2, NULL, pump_main, &d2s), 0);
    }
    set_timeout(s->fd);
    set_timeout(d->fd);
    ck_assert_int_eq(pthread_create(&td, NULL, dest_main, d), 0);

    s->rc = encmig_hs_source(s->fd, s->fd, scfg, HOST, &s->res, s->err,
                             sizeof(s->err));
    close(s->fd);
    ck_assert_int_eq(pthread_join(td, NULL), 0);
    if (t) {
        ck_assert_int_eq(pthread_join(tp1, NULL), 0);
        ck_assert_int_eq(pthread_join(tp2, NULL), 0);
        close(a[1]);
        close(b[0]);
    }
}

void assert_ok(const struct end *s, const struct end *d)
{
    ck_assert_msg(s->rc == 0, "source: %d %s", s->rc, s->err);
    ck_assert_msg(d->rc == 0, "destination: %d %s", d->rc, d->err);
    ck_assert_mem_eq(&s->res.km, &d->res.km, sizeof(s->res.km));
    ck_assert_mem_eq(s->res.transcript, d->res.transcript,
                     sizeof(s->res.transcript));
    ck_assert(!all_zero(s->res.km.key, sizeof(s->res.km.key)));
    ck_assert(!all_zero(s->res.km.session_id, sizeof(s->res.km.session_id)));
    ck_assert(!all_zero(s->res.km.nonce_base, sizeof(s->res.km.nonce_base)));
    ck_assert(!all_zero(s->res.transcript, sizeof(s->res.transcript)));
    ck_assert_uint_eq(s->res.km.pad, 0);
    ck_assert_uint_eq(s->res.version, 2);
    ck_assert_uint_eq(s->res.suite, ENCMIG_HS_SUITE_X25519_AESGCM);
    ck_assert_uint_eq(d->res.version, 2);
    ck_assert_uint_eq(d->res.suite, ENCMIG_HS_SUITE_X25519_AESGCM);
    /* Each end knows who the other is. */
    ck_assert_mem_eq(d->res.peer_pub, src_pub, sizeof(src_pub));
    ck_assert_str_eq(d->res.peer_name, d->cfg->any_source ? "" : SOURCE);
}

void assert_refused(const struct end *e)
{
    ck_assert_int_lt(e->rc, 0);
    ck_assert_msg(e->err[0], "refused without a reason");
    ck_assert_msg(!strchr(e->err, '\n'), "reason not one line: %s", e->err);
    ck_assert_msg(all_zero((const uint8_t *)&e->res, sizeof(e->res)),
                  "result not wiped after failure");
}

int hst_main(const char *name, Suite *s)
{
    const char *tmp = getenv("TMPDIR");
    SRunner *sr;
    int failed;

    /* A peer that goes away must give -EPIPE, not kill us (see io.h). */
    signal(SIGPIPE, SIG_IGN);
    snprintf(base_dir, sizeof(base_dir), "%s/%s-XXXXXX",
             tmp && tmp[0] ? tmp : "/tmp", name);
    if (!mkdtemp(base_dir)) {
        fprintf(stderr, "%s: mkdtemp: %s\n", name, strerror(errno));
        return EXIT_FAILURE;
    }

    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    rm_tree(base_dir);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
