/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bad-args DOMID: hostile arguments to XEN_DOMCTL_encmig_op on a real
 * hypervisor.  Each call must fail with the -errno the simulator gives
 * (tests/check_sim.c, test_bad_arguments) and harm nothing; a few proper
 * calls in between must still work.
 *
 * Where the simulator's case cannot mean the same on Xen, the case here is
 * the nearest one that does: Xen copies through the caller's page tables,
 * so "not a hypercall buffer" becomes "an address with nothing mapped".
 */

#include <sys/mman.h>

#include "flight-util.h"

#define ONE XEN_ENCMIG_REC_SIZE

int main(int argc, char **argv)
{
    struct xen_domctl_encmig_op op;
    struct xen_encmig_keymat km;
    struct xen_encmig_probe probe;
    struct encmig_hc *hc;
    xc_interface *xch;
    xc_dominfo_t info;
    uint64_t *frames = NULL, *gfns, frame;
    uint8_t *buf, *hole;
    size_t nr, p2m_size;
    uint32_t domid, missing = 1000;
    int rc;

    if ( argc != 2 )
    {
        fprintf(stderr, "usage: bad-args DOMID\n");
        return 2;
    }
    domid = strtoul(argv[1], NULL, 10);

    xch = xc_interface_open(NULL, NULL, 0);
    hc = encmig_hc_open_xen();
    if ( !xch || !hc )
    {
        fprintf(stderr, "cannot open the Xen interfaces: %s\n",
                strerror(errno));
        return 1;
    }
    gfns = encmig_hc_buf_alloc(hc, 2048 * sizeof(*gfns));
    buf = encmig_hc_buf_alloc(hc, 2 * ONE);
    hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if ( !gfns || !buf || hole == MAP_FAILED )
    {
        fprintf(stderr, "no buffers: %s\n", strerror(errno));
        return 1;
    }
    memset(gfns, 0, 2048 * sizeof(*gfns));
    memset(buf, 0, 2 * ONE);

    if ( encmig_hc_probe(hc, domid, &probe) )
    {
        fprintf(stderr, "probe: %s\n", strerror(errno));
        return 1;
    }
    nr = flight_guest_frames(xch, domid, &frames, NULL, &p2m_size);
    if ( !nr )
        return 1;
    frame = frames[nr / 2];
    while ( xc_domain_getinfo(xch, missing, 1, &info) == 1 &&
            info.domid == missing )
        missing++;

    memset(&km, 0, sizeof(km));
    memset(km.key, 0x11, sizeof(km.key));
    memset(km.session_id, 0x22, sizeof(km.session_id));
    memset(km.nonce_base, 0x33, sizeof(km.nonce_base));

    /* Unknown sub-op, another interface major. */
    memset(&op, 0, sizeof(op));
    op.cmd = 99;
    expect("unknown sub-op", raw(hc, domid, &op), EOPNOTSUPP);
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_ENCMIG_OP_probe;
    op.version = 0x00020000;
    expect("interface major 2", -hc->ops->domctl(hc, domid, &op),
           EPROTONOSUPPORT);

    /* Bad targets. */
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_ENCMIG_OP_probe;
    expect("missing domain", raw(hc, missing, &op), ESRCH);
    expect("dom0 as target", raw(hc, 0, &op), EINVAL);

    /* No session yet. */
    expect("export without a session",
           err_of(encmig_hc_export(hc, domid, 0, 0, gfns, 1, buf, ONE)),
           ENOENT);
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_ENCMIG_OP_status;
    expect("status without a session", raw(hc, domid, &op), ENOENT);
    expect("teardown without a session",
           err_of(encmig_hc_teardown(hc, domid)), ENOENT);

    /* Setup: direction, stream counts, key material. */
    expect("setup direction 3",
           err_of(encmig_hc_setup(hc, domid, 3, 1, &km)), EINVAL);
    expect("setup 0 streams",
           err_of(encmig_hc_setup(hc, domid, XEN_ENCMIG_DIR_EXPORT, 0, &km)),
           EINVAL);
    expect("setup 17 streams",
           err_of(encmig_hc_setup(hc, domid, XEN_ENCMIG_DIR_EXPORT,
                                  XEN_ENCMIG_MAX_STREAMS + 1, &km)), E2BIG);
    km.pad = 1;
    expect("setup key material pad != 0",
           err_of(encmig_hc_setup(hc, domid, XEN_ENCMIG_DIR_EXPORT, 1, &km)),
           EINVAL);
    km.pad = 0;
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_ENCMIG_OP_setup;
    op.u.setup.direction = XEN_ENCMIG_DIR_EXPORT;
    op.u.setup.nr_streams = 1;
    op.u.setup.keymat_size = sizeof(km);
    expect("setup null key material", raw(hc, domid, &op), EFAULT);
    set_xen_guest_handle_raw(op.u.setup.keymat, hole);
    expect("setup key material unmapped", raw(hc, domid, &op), EFAULT);
    op.u.setup.keymat_size = sizeof(km) + 1;
    expect("setup key material size", raw(hc, domid, &op), EINVAL);
    op.u.setup.keymat_size = sizeof(km);
    op.u.setup.keymat_format = 7;
    expect("setup key material format 7", raw(hc, domid, &op), EOPNOTSUPP);

    /* Setup twice. */
    expect("setup",
           err_of(encmig_hc_setup(hc, domid, XEN_ENCMIG_DIR_EXPORT, 2, &km)),
           0);
    expect("setup twice",
           err_of(encmig_hc_setup(hc, domid, XEN_ENCMIG_DIR_EXPORT, 1, &km)),
           EEXIST);

    /* Export: stream, counts, buffer size and placement, gfns. */
    gfns[0] = frame;
    expect("export stream 2 of 2",
           err_of(encmig_hc_export(hc, domid, 2, 0, gfns, 1, buf, ONE)),
           EINVAL);
    expect("export 0 gfns",
           err_of(encmig_hc_export(hc, domid, 0, 0, gfns, 0, buf, ONE)),
           EINVAL);
    expect("export 1025 gfns (oversized batch)",
           err_of(encmig_hc_export(hc, domid, 0, 0, gfns,
                                   XEN_ENCMIG_MAX_BATCH + 1, buf,
                                   (size_t)2048 * ONE)), E2BIG);
    expect("export 2 gfns into 1 record (short buffer)",
           err_of(encmig_hc_export(hc, domid, 0, 0, gfns, 2, buf, ONE)),
           ENOSPC);
    expect("export into an unmapped buffer",
           err_of(encmig_hc_export(hc, domid, 0, 0, gfns, 1, hole, ONE)),
           EFAULT);
    expect("export from an unmapped gfn list",
           err_of(encmig_hc_export(hc, domid, 0, 0, (uint64_t *)hole, 1, buf,
                                   ONE)), EFAULT);
    gfns[0] = probe.max_gfn + 1;
    expect("export gfn max_gfn + 1 (out of range)",
           err_of(encmig_hc_export(hc, domid, 0, 0, gfns, 1, buf, ONE)),
           ERANGE);
    gfns[0] = UINT64_MAX;
    expect("export gfn 2^64 - 1",
           err_of(encmig_hc_export(hc, domid, 0, 0, gfns, 1, buf, ONE)),
           ERANGE);
    gfns[0] = 0;
    expect("export a frame not the guest's",
           err_of(encmig_hc_export(hc, domid, 0, 0, gfns, 1, buf, ONE)),
           ESRCH);

    /* Import on an export session. */
    expect("import on an export session",
           err_of(encmig_hc_import(hc, domid, 0, buf, 1, ONE, NULL)), EPERM);

    /* A proper export still works; then teardown, then use after it. */
    gfns[0] = frame;
    expect("export one frame",
           err_of(encmig_hc_export(hc, domid, 1, 0, gfns, 1, buf, ONE)), 0);
    expect("teardown", err_of(encmig_hc_teardown(hc, domid)), 0);
    expect("export after teardown",
           err_of(encmig_hc_export(hc, domid, 0, 0, gfns, 1, buf, ONE)),
           ENOENT);
    expect("teardown after teardown", err_of(encmig_hc_teardown(hc, domid)),
           ENOENT);

    /* Import into a running domain, then into the paused one. */
    expect("setup import",
           err_of(encmig_hc_setup(hc, domid, XEN_ENCMIG_DIR_IMPORT, 1, &km)),
           0);
    expect("import into a PV domain without naming frames",
           err_of(encmig_hc_import(hc, domid, 0, buf, 1, ONE, NULL)), EINVAL);
    gfns[0] = frame;
    expect("import into a running domain",
           err_of(encmig_hc_import_frames(hc, domid, 0, buf, 1, ONE, gfns,
                                          NULL)), EBUSY);
    if ( xc_domain_pause(xch, domid) )
    {
        fprintf(stderr, "pause: %s\n", strerror(errno));
        return 1;
    }
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_ENCMIG_OP_import;
    op.u.import.nr_recs = 1;
    op.u.import.pad = 1;
    op.u.import.buf_size = ONE;
    set_xen_guest_handle_raw(op.u.import.buf, buf);
    expect("import pad != 0", raw(hc, domid, &op), EINVAL);
    /* An all-zero record: a well-formed header, a tag that is wrong. */
    memset(buf, 0, ONE);
    ((struct xen_encmig_rec_hdr *)buf)->gfn = frame;
    expect("import a forged record",
           err_of(encmig_hc_import_frames(hc, domid, 0, buf, 1, ONE, gfns,
                                          NULL)), EBADMSG);
    ((struct xen_encmig_rec_hdr *)buf)->seq = 7;
    expect("import a record out of sequence",
           err_of(encmig_hc_import_frames(hc, domid, 0, buf, 1, ONE, gfns,
                                          NULL)), EILSEQ);
    expect("teardown import", err_of(encmig_hc_teardown(hc, domid)), 0);
    rc = xc_domain_unpause(xch, domid);
    if ( rc )
        fprintf(stderr, "unpause: %s\n", strerror(errno));

    printf("%u passed, %u failed\n", expect_passed, expect_failed);
    free(frames);
    encmig_hc_buf_free(hc, gfns, 2048 * sizeof(*gfns));
    encmig_hc_buf_free(hc, buf, 2 * ONE);
    encmig_hc_close(hc);
    xc_interface_close(xch);
    return expect_failed || rc ? 1 : 0;
}
