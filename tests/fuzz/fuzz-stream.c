/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz-stream.c: the receiver end to end.
 *
 * The input is everything a source would send to encmig_migrate_receive()
 * on a simulated host: MIGRATE_REQ, in encrypted mode HELLO, the stream,
 * STREAM_DONE.  It is read from a memfd, so it ends in end of file; what
 * the receiver answers goes to /dev/null.  The host and its key directory
 * are made once and reused: a receive must leave the host as it found it.
 *
 * The receiver's randomness is deterministic (fuzz-stream.h), so that a
 * recorded encrypted session replays and the fuzzer can work on a stream
 * whose records authenticate: reordered, dropped, repeated, cut.
 *
 * Invariants checked after every input:
 *  - a failed receive leaves no domain behind and says why;
 *  - a receive that succeeds leaves exactly one domain, running, which
 *    the harness then destroys;
 *  - a plain one holds the memory and vCPU that an independent reading of
 *    the input says it must;
 *  - an encrypted one holds exactly the recorded source's guest: whatever
 *    the fuzzer does to an authentic stream, it must never make the
 *    receiver accept a guest the source did not send;
 *  - no hypercall buffer and no file descriptor is left behind.
 */

#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "fuzz-stream.h"
#include "fuzz-util.h"
#include "../../sim/sim.h"
#include "../../tools/libxl-encmig/driver/migrate.h"
#include "../../tools/libxl-encmig/protocol/hostkey.h"
#include "../../tools/libxl-encmig/protocol/msg.h"
#include "../../tools/libxl-encmig/protocol/request.h"

#define FUZZ_MAX_FRAMES FUZZ_STREAM_MAX_FRAMES

static struct sim_host *host;
static char keydir[512];
static int devnull = -1;
static int first_fd = -1;

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *f)
{
    return remove(p);
}

static void cleanup(void)
{
    if (keydir[0])
        nftw(keydir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *tmp = getenv("TMPDIR");
    char err[256];
    int rc;

    signal(SIGPIPE, SIG_IGN);
    FUZZ_CHECK(fuzz_rand_install() == 0, "cannot install the RAND method");
    snprintf(keydir, sizeof(keydir), "%s/encmig-fuzz-stream-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(keydir)) {
        keydir[0] = '\0';
        fuzz_die("mkdtemp failed");
    }
    atexit(cleanup);
    /* The recorded sessions were made against this very key. */
    fuzz_rand_start(FUZZ_RAND_HOSTKEY);
    rc = encmig_hostkey_generate(keydir, "fuzz", false, err, sizeof(err));
    fuzz_rand_stop();
    FUZZ_CHECK(rc == 0, "host key: %s", err);
    host = sim_host_new(2, NULL);
    FUZZ_CHECK(host, "sim_host_new failed");
    devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    FUZZ_CHECK(devnull >= 0, "cannot open /dev/null");
    return 0;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The migration mode the input asks for, or 0 if it has no request. */
static uint32_t input_mode(const uint8_t *data, size_t size)
{
    if (size < MSG_HDR_SIZE + MIGRATE_REQ_SIZE ||
        be32(data) != MSG_MIGRATE_REQ)
        return 0;
    return be32(data + MSG_HDR_SIZE + 4);
}

/*
 * The guest a successful plain receive must have built, read from the
 * input independently of the receiver: the memory's SHA-256, the vCPU
 * state and the number of pages written.  0, or -1 if the input is not a
 * plain session this reading understands.
 */
static int expected_guest(const uint8_t *data, size_t size, uint64_t *frames,
                          uint8_t hash[32], uint8_t vcpu[SIM_VCPU_STATE_SIZE],
                          uint64_t *pages)
{
    size_t off = MSG_HDR_SIZE + MIGRATE_REQ_SIZE + IHDR_SIZE + DHDR_SIZE;
    uint8_t *mem;
    bool have_vcpu = false;
    unsigned int len_out;
    EVP_MD_CTX *md;
    int rc = -1;

    if (size < off || be32(data + 4) != MIGRATE_REQ_SIZE)
        return -1;
    *frames = be64(data + MSG_HDR_SIZE + 8);
    *pages = 0;
    if (*frames == 0 || *frames > FUZZ_MAX_FRAMES)
        return -1;
    mem = calloc(*frames, SIM_PAGE_SIZE);
    if (!mem)
        return -1;

    for (;;) {
        uint32_t type, len, count, i;
        size_t padded;
        const uint8_t *body;

        if (size - off < REC_HDR_SIZE)
            goto out;
        type = le32(data + off);
        len = le32(data + off + 4);
        off += REC_HDR_SIZE;
        padded = ((size_t)len + REC_ALIGN - 1) & ~(size_t)(REC_ALIGN - 1);
        if (size - off < padded)
            goto out;
        body = data + off;
        off += padded;

        if (type == REC_TYPE_END)
            break;
        if (type == REC_TYPE_PAGE_DATA) {
            if (len < 8)
                goto out;
            count = le32(body);
            if ((uint64_t)len != 8 + (uint64_t)count * (8 + SIM_PAGE_SIZE))
                goto out;
            for (i = 0; i < count; i++) {
                uint64_t pfn = le64(body + 8 + 8 * (size_t)i);

                if (pfn >= *frames)
                    goto out;
                memcpy(mem + pfn * SIM_PAGE_SIZE,
                       body + 8 + 8 * (size_t)count +
                       (size_t)i * SIM_PAGE_SIZE, SIM_PAGE_SIZE);
            }
            *pages += count;
        } else if (type == REC_TYPE_ENCMIG_SIM_VCPU) {
            if (len != SIM_VCPU_STATE_SIZE || have_vcpu)
                goto out;
            memcpy(vcpu, body, SIM_VCPU_STATE_SIZE);
            have_vcpu = true;
        } else if (!(type & REC_TYPE_OPTIONAL)) {
            goto out;
        }
    }
    if (!have_vcpu)
        goto out;

    md = EVP_MD_CTX_new();
    if (md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
        EVP_DigestUpdate(md, mem, *frames * SIM_PAGE_SIZE) == 1 &&
        EVP_DigestFinal_ex(md, hash, &len_out) == 1)
        rc = 0;
    EVP_MD_CTX_free(md);

 out:
    free(mem);
    return rc;
}

static void check_success(const uint8_t *data, size_t size,
                          const struct encmig_recv_stats *st)
{
    uint8_t want_hash[32], got_hash[32];
    uint8_t want_vcpu[SIM_VCPU_STATE_SIZE], got_vcpu[SIM_VCPU_STATE_SIZE];
    uint64_t frames, got_frames, pages;
    bool paused = true;

    if (input_mode(data, size) == MIGRATE_MODE_ENCRYPTED) {
        /* Only the recorded source's guest can arrive whole. */
        frames = st->guest_bytes / SIM_PAGE_SIZE;
        FUZZ_CHECK(fuzz_guest_hash(frames, want_hash) == 0, "hash");
        fuzz_guest_vcpu(want_vcpu);
        pages = st->pages;
    } else {
        FUZZ_CHECK(input_mode(data, size) == MIGRATE_MODE_PLAIN,
                   "a receive of mode %u succeeded",
                   input_mode(data, size));
        FUZZ_CHECK(expected_guest(data, size, &frames, want_hash, want_vcpu,
                                  &pages) == 0,
                   "the receiver accepted a stream that an independent "
                   "reading refuses");
    }
    FUZZ_CHECK(sim_domain_info(host, st->domid, &got_frames, &paused) == 0,
               "success, but domain %u does not exist", st->domid);
    FUZZ_CHECK(got_frames == frames && !paused,
               "domain %u: %llu frames (want %llu), paused %d", st->domid,
               (unsigned long long)got_frames, (unsigned long long)frames,
               paused);
    FUZZ_CHECK(st->guest_bytes == frames * SIM_PAGE_SIZE &&
               st->pages == pages,
               "stats: %llu bytes, %llu pages (want %llu pages)",
               (unsigned long long)st->guest_bytes,
               (unsigned long long)st->pages, (unsigned long long)pages);
    FUZZ_CHECK(sim_domain_hash(host, st->domid, got_hash) == 0 &&
               !memcmp(got_hash, want_hash, 32) &&
               !memcmp(st->hash, want_hash, 32),
               "the received guest's memory is not what was sent");
    FUZZ_CHECK(sim_vcpu_get(host, st->domid, got_vcpu) == 0 &&
               !memcmp(got_vcpu, want_vcpu, sizeof(got_vcpu)),
               "the received vCPU state is not what was sent");
    FUZZ_CHECK(sim_domain_destroy(host, st->domid) == 0,
               "cannot destroy the received domain");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct encmig_recv_cfg cfg;
    struct encmig_recv_stats st;
    char err[512];
    unsigned int i;
    void *probe;
    int fd, rc;

    fd = fuzz_memfd(data, size);
    /*
     * The receiver opens nothing that outlives it, so the memfd gets about
     * the same number every time (libFuzzer's own threads open files now
     * and then, hence the slack).  A leak shows within a few inputs; the
     * input that trips this need not be the one that leaks.
     */
    if (first_fd < 0)
        first_fd = fd;
    FUZZ_CHECK(fd < first_fd + 8, "file descriptor leak: got %d, first %d",
               fd, first_fd);

    memset(&cfg, 0, sizeof(cfg));
    cfg.platform = encmig_platform_sim(host);
    cfg.rfd = fd;
    cfg.wfd = devnull;
    cfg.plain_only = false;
    cfg.trust.keydir = keydir;
    /* Plain seeds as well as encrypted ones; the list is another
     * target's (fuzz-handshake), the source's signature still checked. */
    cfg.trust.any_source = true;
    cfg.max_frames = FUZZ_MAX_FRAMES;
    cfg.ring_slots = FUZZ_STREAM_RING_SLOTS;
    memset(err, 0x55, sizeof(err));
    fuzz_rand_start(FUZZ_RAND_RECEIVER);
    rc = encmig_migrate_receive(&cfg, &st, err, sizeof(err));
    fuzz_rand_stop();
    close(fd);

    FUZZ_CHECK(memchr(err, '\0', sizeof(err)), "err is not terminated");
    if (fuzz_verbose())
        fprintf(stderr, "receive: %d (%s)%s%s\n", rc, strerror(-rc),
                err[0] ? ": " : "", err);
    FUZZ_CHECK(rc <= 0, "receive returned %d", rc);
    if (rc == 0)
        check_success(data, size, &st);
    else
        FUZZ_CHECK(err[0], "receive failed with %d and no reason", rc);

    for (i = 1; i < SIM_MAX_DOMAINS; i++)
        FUZZ_CHECK(sim_domain_info(host, i, NULL, NULL) == -ESRCH,
                   "domain %u left behind after a receive that returned %d"
                   " (%s)", i, rc, err);

    /* The model's buffer registry is finite: a leak exhausts it. */
    probe = sim_buf_alloc(1);
    FUZZ_CHECK(probe, "hypercall buffers leaked: none left");
    sim_buf_free(probe, 1);
    return 0;
}
