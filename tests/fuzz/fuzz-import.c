/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz-import.c: the hypervisor's argument checks, on the simulator.
 *
 * Each input (layout in fuzz-import.h) sets up a session on a domain of a
 * few pages, or none, under a random key (OpenSSL's, the portable or the
 * AES-NI cipher), then issues up to FI_MAX_OPS
 * XEN_DOMCTL_encmig_op calls built from its bytes, with handles into
 * hypercall buffers filled from the input, NULL, or just outside them,
 * re-issuing each on -ERESTART as Xen's continuation would.
 *
 * Invariants:
 *  - every call returns 0 or one of the errors docs/abi.md lists, and a
 *    preempted batch makes progress before it asks to be continued;
 *  - under the harness's key, which the input cannot know, no import ever
 *    writes a record;
 *  - the guest's memory is unchanged: without the key nothing can be
 *    imported, and with a key of the input's own (its own setup), a record
 *    can only come from an export of this domain's own page, which puts
 *    the same page back;
 *  - afterwards no stream is left busy: teardown succeeds, and leaves
 *    nothing behind for the next input.
 */

#define _GNU_SOURCE

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "fuzz-import.h"
#include "fuzz-util.h"
#include "../../sim/cipher-openssl.h"
#include "../../sim/sim.h"
#include "../../xen/arch/x86/encmig/aesni.h"

#define ABSENT_DOMID 40

static struct sim_host *host;
static domid_t domid;
static uint8_t hash0[32];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    uint8_t page[SIM_PAGE_SIZE];
    unsigned int gfn, i;

    host = sim_host_new(1, NULL);
    FUZZ_CHECK(host, "sim_host_new failed");
    FUZZ_CHECK(sim_domain_create(host, FI_DOMAIN_PAGES, &domid) == 0,
               "cannot create the domain");
    FUZZ_CHECK(domid != ABSENT_DOMID, "the absent domain exists");
    for (gfn = 0; gfn < FI_DOMAIN_PAGES; gfn++) {
        for (i = 0; i < SIM_PAGE_SIZE; i++)
            page[i] = (uint8_t)(gfn * 131 + i * 7 + (i >> 8));
        FUZZ_CHECK(sim_guest_write(host, domid, gfn, page) == 0,
                   "cannot fill the domain");
    }
    FUZZ_CHECK(sim_domain_hash(host, domid, hash0) == 0, "hash");
    return 0;
}

struct fbuf {
    uint8_t *p;
    size_t size;
};

static void buf_new(struct fbuf *b, struct fuzz_in *in, uint8_t *mode)
{
    unsigned int nrec = fuzz_u8(in) % (FI_MAX_RECS + 1);
    int8_t delta = (int8_t)fuzz_u8(in);
    long size = (long)nrec * XEN_ENCMIG_REC_SIZE + delta;

    *mode = fuzz_u8(in);
    b->size = size < 1 ? 1 : size;
    b->p = sim_buf_alloc(b->size);
    FUZZ_CHECK(b->p, "sim_buf_alloc(%zu) failed", b->size);
}

/* Every record slot starts with the tail of the input; zero after it. */
static void buf_fill(struct fbuf *b, uint8_t mode, const uint8_t *tail,
                     size_t tail_len)
{
    size_t off, n;
    uint64_t seq;

    memset(b->p, 0, b->size);
    for (off = 0, seq = 0; off < b->size; off += XEN_ENCMIG_REC_SIZE, seq++) {
        n = b->size - off;
        if (n > tail_len)
            n = tail_len;
        if (n > XEN_ENCMIG_REC_SIZE)
            n = XEN_ENCMIG_REC_SIZE;
        memcpy(b->p + off, tail, n);
        if ((mode & FI_BUF_SEQ) && b->size - off >= 16)
            memcpy(b->p + off + 8, &seq, 8);
    }
}

struct fop {
    unsigned int target;
    uint8_t h[2];
    int16_t off[2];
    struct xen_domctl_encmig_op op;
};

static void op_read(struct fop *o, struct fuzz_in *in)
{
    uint8_t vsel;

    memset(o, 0, sizeof(*o));
    o->target = fuzz_u8(in) % 16;
    o->op.cmd = fuzz_u8(in);
    vsel = fuzz_u8(in);
    o->op.version = (vsel & 1) ? fuzz_u32(in) : XEN_ENCMIG_INTERFACE_VERSION;
    o->h[0] = fuzz_u8(in) % 4;
    o->h[1] = fuzz_u8(in) % 4;
    o->off[0] = (int16_t)fuzz_u16(in);
    o->off[1] = (int16_t)fuzz_u16(in);
    fuzz_take(in, &o->op.u, sizeof(o->op.u));
}

/* A handle: into a buffer (maybe just outside it), NULL, or as it was. */
static void *handle(uint8_t sel, int16_t off, const struct fbuf *b,
                    void *raw)
{
    switch (sel) {
    case FI_HANDLE_BUF0:
    case FI_HANDLE_BUF1:
        return (void *)((uintptr_t)b[sel].p + (intptr_t)off);
    case FI_HANDLE_NULL:
        return NULL;
    }
    return raw;
}

static void op_handles(struct fop *o, const struct fbuf *b)
{
    struct xen_domctl_encmig_op *op = &o->op;

    switch (op->cmd) {
    case XEN_ENCMIG_OP_setup:
        op->u.setup.keymat.p = handle(o->h[0], o->off[0], b,
                                      op->u.setup.keymat.p);
        break;
    case XEN_ENCMIG_OP_export:
        op->u.export.gfns.p = handle(o->h[0], o->off[0], b,
                                     op->u.export.gfns.p);
        op->u.export.buf.p = handle(o->h[1], o->off[1], b,
                                    op->u.export.buf.p);
        break;
    case XEN_ENCMIG_OP_import:
        op->u.import.buf.p = handle(o->h[0], o->off[0], b,
                                    op->u.import.buf.p);
        break;
    }
}

static bool known_error(int rc)
{
    switch (-rc) {
    case 0: case EPERM: case ENOENT: case ESRCH: case E2BIG: case ENOMEM:
    case EFAULT: case EBUSY: case EEXIST: case EINVAL: case ENOSPC:
    case ERANGE: case EBADMSG: case EILSEQ: case EOPNOTSUPP:
    case EPROTONOSUPPORT: case EACCES: case ENODEV:
        return true;
    }
    return false;
}

static uint32_t *done_of(struct xen_domctl_encmig_op *op)
{
    if (op->cmd == XEN_ENCMIG_OP_export)
        return &op->u.export.done;
    if (op->cmd == XEN_ENCMIG_OP_import)
        return &op->u.import.done;
    return NULL;
}

/* Issue the op as Xen would, continuations included; 0 or -errno. */
static int issue(struct fop *o)
{
    struct xen_domctl_encmig_op *op = &o->op;
    uint32_t *done = done_of(op), before;
    bool privileged = o->target != FI_TARGET_UNPRIV;
    domid_t target = o->target == FI_TARGET_DOM0 ? 0 :
                     o->target == FI_TARGET_ABSENT ? ABSENT_DOMID : domid;
    unsigned int restarts = 0;
    int rc;

    for (;;) {
        before = done ? *done : 0;
        rc = sim_domctl_encmig(host, privileged, target, op);
        if (rc != -ERESTART)
            break;
        FUZZ_CHECK(done && *done > before,
                   "cmd %u: -ERESTART without progress (done %u)", op->cmd,
                   done ? *done : 0);
        FUZZ_CHECK(++restarts <= XEN_ENCMIG_MAX_BATCH,
                   "cmd %u: restarted %u times", op->cmd, restarts);
    }
    FUZZ_CHECK(known_error(rc), "cmd %u returned %d", op->cmd, rc);
    return rc;
}

/* The harness's own ops: must work. */
static int simple_op(uint32_t cmd, struct xen_domctl_encmig_op *op)
{
    op->cmd = cmd;
    op->version = XEN_ENCMIG_INTERFACE_VERSION;
    return sim_domctl_encmig(host, true, domid, op);
}

static void session_setup(unsigned int direction, unsigned int streams)
{
    struct xen_domctl_encmig_op op;
    struct xen_encmig_keymat *km = sim_buf_alloc(sizeof(*km));
    int rc;

    FUZZ_CHECK(km, "sim_buf_alloc for the key material");
    FUZZ_CHECK(RAND_bytes((uint8_t *)km, sizeof(*km)) == 1, "RAND_bytes");
    km->pad = 0;
    memset(&op, 0, sizeof(op));
    op.u.setup.direction = direction;
    op.u.setup.nr_streams = streams;
    op.u.setup.keymat_format = XEN_ENCMIG_KEYMAT_raw;
    op.u.setup.keymat_size = sizeof(*km);
    op.u.setup.keymat.p = (uint8_t *)km;
    rc = simple_op(XEN_ENCMIG_OP_setup, &op);
    FUZZ_CHECK(rc == 0, "harness setup: %d", rc);
    explicit_bzero(km, sizeof(*km));
    sim_buf_free(km, sizeof(*km));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    struct fop ops[FI_MAX_OPS];
    struct fbuf b[2];
    struct xen_domctl_encmig_op op;
    const struct encmig_cipher_ops *cipher = &encmig_cipher_openssl;
    uint8_t cfg, streams, mode[2], hash[32];
    unsigned int session, nops, i;
    bool secret_key, import_session;
    int rc;

    cfg = fuzz_u8(&in);
    streams = fuzz_u8(&in);
    if (cfg & FI_CFG_PORTABLE)
        cipher = &encmig_cipher_portable;
    if ((streams & FI_STREAMS_AESNI) && encmig_cpu_has_aesni())
        cipher = &encmig_cipher_aesni;
    streams = (streams & 15) + 1;
    buf_new(&b[0], &in, &mode[0]);
    buf_new(&b[1], &in, &mode[1]);
    nops = fuzz_u8(&in) % FI_MAX_OPS + 1;
    for (i = 0; i < nops; i++)
        op_read(&ops[i], &in);
    buf_fill(&b[0], mode[0], in.p, in.left);
    buf_fill(&b[1], mode[1], in.p, in.left);

    sim_host_set_cipher(host, cipher);
    sim_host_set_preempt(host, cfg >> 5);
    /* An input may lock the pins, which refuses level 1 to the next. */
    sim_host_reboot_identity(host);
    session = cfg & 3;
    if (session == 3)
        session = FI_SESSION_IMPORT;
    if (session != FI_SESSION_NONE)
        session_setup(session == FI_SESSION_EXPORT ? XEN_ENCMIG_DIR_EXPORT :
                      XEN_ENCMIG_DIR_IMPORT, streams);
    if (cfg & FI_CFG_RUNNING)
        FUZZ_CHECK(sim_domain_unpause(host, domid) == 0, "unpause");

    /* The key is the harness's secret until the input sets its own. */
    secret_key = true;
    for (i = 0; i < nops; i++) {
        struct fop *o = &ops[i];
        uint32_t done0 = o->op.u.import.done;
        bool to_domain = o->target >= FI_TARGET_DOMAIN;
        /* The hypervisor's identity and accept are asked of dom0. */
        bool own = o->target == FI_TARGET_DOM0 &&
                   (o->op.cmd == XEN_ENCMIG_OP_identity ||
                    o->op.cmd == XEN_ENCMIG_OP_accept);

        op_handles(o, b);
        rc = issue(o);
        if (fuzz_verbose())
            fprintf(stderr, "op %u: cmd %u target %u: %d (%s)\n", i,
                    o->op.cmd, o->target, rc, strerror(-rc));
        if (!to_domain && !own)
            FUZZ_CHECK(rc == (o->target == FI_TARGET_DOM0 ? -EINVAL :
                              o->target == FI_TARGET_UNPRIV ? -EPERM :
                              -ESRCH),
                       "op on target %u returned %d", o->target, rc);
        if (to_domain && o->op.cmd == XEN_ENCMIG_OP_setup && rc == 0)
            secret_key = false;
        if (to_domain && o->op.cmd == XEN_ENCMIG_OP_import && secret_key)
            FUZZ_CHECK(rc != 0 && o->op.u.import.done == done0,
                       "import under a key the input cannot know: rc %d, "
                       "done %u -> %u", rc, done0, o->op.u.import.done);
    }

    /* A session the harness keyed must not have accepted a record. */
    memset(&op, 0, sizeof(op));
    rc = simple_op(XEN_ENCMIG_OP_status, &op);
    FUZZ_CHECK(rc == 0 || rc == -ENOENT, "status: %d", rc);
    import_session = rc == 0 && op.u.status.direction == XEN_ENCMIG_DIR_IMPORT;
    if (import_session && secret_key)
        FUZZ_CHECK(op.u.status.records == 0,
                   "%llu records imported under the harness's key",
                   (unsigned long long)op.u.status.records);

    /* Nothing is left running: teardown works, and leaves no session. */
    memset(&op, 0, sizeof(op));
    rc = simple_op(XEN_ENCMIG_OP_teardown, &op);
    FUZZ_CHECK(rc == 0 || rc == -ENOENT, "teardown: %d (a stream left busy?)",
               rc);
    memset(&op, 0, sizeof(op));
    FUZZ_CHECK(simple_op(XEN_ENCMIG_OP_status, &op) == -ENOENT,
               "a session survived teardown");

    FUZZ_CHECK(sim_domain_pause(host, domid) == 0, "pause");
    FUZZ_CHECK(sim_domain_hash(host, domid, hash) == 0, "hash");
    FUZZ_CHECK(!memcmp(hash, hash0, sizeof(hash)),
               "the guest's memory changed");

    sim_host_set_preempt(host, 0);
    sim_host_set_cipher(host, &encmig_cipher_openssl);
    sim_buf_free(b[0].p, b[0].size);
    sim_buf_free(b[1].p, b[1].size);
    return 0;
}
