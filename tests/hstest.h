/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hstest.h: the fixture shared by the handshake, host key and known_hosts
 * tests: a scratch directory per test, key and pin helpers, and both ends
 * of the handshake run over socketpairs, through a relay that can corrupt
 * or cut the bytes in transit.
 */

#ifndef __ENCMIG_TEST_HSTEST_H__
#define __ENCMIG_TEST_HSTEST_H__

#include <check.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cryptotest.h"
#include "../tools/libxl-encmig/protocol/handshake.h"

#define HOST            "dest.example"
#define SOURCE          "src.example"
#define REPLY_STREAM    (ENCMIG_HS_HEADER_SIZE + ENCMIG_HS_REPLY_SIZE)
#define HELLO_STREAM    (ENCMIG_HS_HEADER_SIZE + ENCMIG_HS_HELLO_SIZE(1))
#define AUTH_STREAM     (ENCMIG_HS_HEADER_SIZE + ENCMIG_HS_SOURCE_AUTH_SIZE)

/* This test's directory, and the two hosts' key directories in it. */
extern char tdir[PATH_MAX];
extern char src_dir[PATH_MAX + 8];  /* the source's keydir: known_hosts */
extern char dst_dir[PATH_MAX + 8];  /* the destination's host key */
extern char kh[PATH_MAX + 32];      /* src_dir/known_hosts */
extern char as[PATH_MAX + 32];      /* dst_dir/authorized_sources */
extern uint8_t src_pub[ENCMIG_PUBKEY_SIZE];    /* the source's host key */

/*
 * The checked fixture: a fresh tdir with src_dir and dst_dir in it, a
 * host key in src_dir, listed as SOURCE in the destination's as.
 */
void setup(void);
void teardown(void);

size_t read_file(const char *path, char *buf, size_t size);
void write_file(const char *path, const char *data, size_t len);
void keygen(const char *dir);
void load_pub(const char *dir, uint8_t pub[ENCMIG_PUBKEY_SIZE]);
void fingerprint(const uint8_t pub[ENCMIG_PUBKEY_SIZE],
                 char fp[ENCMIG_FINGERPRINT_SIZE]);
/* Pin host to pub in known_hosts, as an operator would by hand. */
void pin(const char *host, const uint8_t pub[ENCMIG_PUBKEY_SIZE]);
/* Append "name encmig-ed25519 BASE64" to path. */
void list_key(const char *path, const char *name,
              const uint8_t pub[ENCMIG_PUBKEY_SIZE]);
/* Both ends' defaults, with their own key directories. */
void configs(struct encmig_hs_config *s, struct encmig_hs_config *d);
/* A test never hangs: a read that waits this long fails with -EAGAIN. */
void set_timeout(int fd);

/* One end of a handshake and what came of it. */
struct end {
    int fd;
    const struct encmig_hs_config *cfg;
    struct encmig_hs_result res;
    char err[512];
    int rc;
};

/*
 * What the relay does to each direction: flip byte flip with mask, or
 * cut the stream after cut bytes; -1 for neither.  Towards the
 * destination it can also write splice_len bytes of splice over the
 * stream from splice_at, and keep a copy of what the source sent in
 * record.
 */
struct tamper {
    long s2d_flip, s2d_cut;
    long d2s_flip, d2s_cut;
    uint8_t mask;
    const uint8_t *splice;
    long splice_at;
    size_t splice_len;
    struct recording *record;
};

struct recording {
    uint8_t buf[4096];
    size_t len;
};

extern const struct tamper no_tamper;

/*
 * The destination in a thread, the source here; with t, through a relay
 * of two pump threads that tampers with the bytes in transit.
 */
void run_hs(const struct encmig_hs_config *scfg,
            const struct encmig_hs_config *dcfg,
            const struct tamper *t, struct end *s, struct end *d);

void assert_ok(const struct end *s, const struct end *d);
/* Failed, with a one-line reason, and nothing left in the result. */
void assert_refused(const struct end *e);

/*
 * Run suite s in a base directory under TMPDIR that holds every test's
 * tdir and is removed at the end: a failing test leaves its forked
 * process without running the teardown.  The exit status for main().
 */
int hst_main(const char *name, Suite *s);

#endif /* __ENCMIG_TEST_HSTEST_H__ */
