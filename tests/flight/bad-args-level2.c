/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bad-args-level2 DOMID: the level-2 sub-ops (identity, offer, accept,
 * the l2 key formats, end) on a real hypervisor with an identity: each
 * hostile call fails with the -errno of tests/check_level2.c, and one
 * agreement of this hypervisor with itself goes through, offer to claim,
 * so that the refusals are not all there is.
 *
 * It pins the hypervisor's own key (a migration to localhost) but does
 * not lock the pins: a locked hypervisor refuses level 1, which the rest
 * of the flight uses.
 *
 * bad-args-level2 --lock DOMID, at the end of the flight: locks the pins,
 * as an operator does at boot, and then a pin and a level-1 setup are
 * refused (-EPERM) while a level-2 agreement still goes through.
 */

#include "flight-util.h"

/* A session's level, or -errno. */
static int level_of(struct encmig_hc *hc, uint32_t domid)
{
    struct xen_encmig_status st;

    if ( encmig_hc_status(hc, domid, &st) )
        return -errno;
    return st.level;
}

static int identity(struct encmig_hc *hc, uint32_t domid, uint32_t cmd,
                    const uint8_t *pub, struct xen_encmig_identity *out)
{
    struct xen_encmig_identity id = { 0 };
    int rc;

    if ( pub )
        memcpy(id.pub, pub, sizeof(id.pub));
    rc = err_of(encmig_hc_identity(hc, domid, cmd, &id));
    if ( out )
        *out = id;
    return rc;
}

static int accept_offer(struct encmig_hc *hc, const uint8_t *peer,
                        const struct xen_encmig_offer *off,
                        const uint8_t *bind, struct xen_encmig_l2_accept *io)
{
    memset(io, 0, sizeof(*io));
    memcpy(io->peer, peer, sizeof(io->peer));
    memcpy(io->peer_eph, off->eph, sizeof(io->peer_eph));
    memcpy(io->bind, bind, sizeof(io->bind));
    return err_of(encmig_hc_accept(hc, io));
}

static int l2_export(struct encmig_hc *hc, uint32_t domid, const uint8_t *peer,
                     const struct xen_encmig_l2_accept *io)
{
    struct xen_encmig_l2_export ex;

    memset(&ex, 0, sizeof(ex));
    memcpy(ex.peer, peer, sizeof(ex.peer));
    memcpy(ex.bind, io->bind, sizeof(ex.bind));
    memcpy(ex.blob, io->blob, sizeof(ex.blob));
    return err_of(encmig_hc_setup_l2_export(hc, domid, 1, &ex));
}

/* One agreement of this hypervisor with itself, offer to export. */
static void agree_with_self(struct encmig_hc *hc, uint32_t domid,
                            const uint8_t *self, const uint8_t *bind,
                            struct xen_encmig_l2_accept *io)
{
    struct xen_encmig_offer off;

    expect("offer", err_of(encmig_hc_offer(hc, domid, &off)), 0);
    expect("accept", accept_offer(hc, self, &off, bind, io), 0);
    expect("l2_export", l2_export(hc, domid, self, io), 0);
    expect("export session: level 2", level_of(hc, domid), 2);
}

/* Locked as at boot: no pin, no level 1, level 2 as before. */
static int locked(struct encmig_hc *hc, uint32_t domid)
{
    struct xen_encmig_identity id;
    struct xen_encmig_l2_accept io;
    struct xen_encmig_keymat km;
    uint8_t self[32], bind[32], other[32] = { 9 };

    memset(bind, 0x6b, sizeof(bind));
    memset(&km, 0x5a, sizeof(km));
    km.pad = 0;
    expect("identity get", identity(hc, 0, XEN_ENCMIG_ID_get, NULL, &id), 0);
    memcpy(self, id.pub, sizeof(self));
    expect("lock", identity(hc, 0, XEN_ENCMIG_ID_lock, NULL, &id), 0);
    expect("locked flag", id.flags == XEN_ENCMIG_ID_LOCKED ? 0 : EINVAL, 0);
    expect("pin after lock", identity(hc, 0, XEN_ENCMIG_ID_pin, other, NULL),
           EPERM);
    expect("level-1 setup after lock",
           err_of(encmig_hc_setup(hc, domid, XEN_ENCMIG_DIR_EXPORT, 1, &km)),
           EPERM);
    agree_with_self(hc, domid, self, bind, &io);
    expect("teardown", err_of(encmig_hc_teardown(hc, domid)), 0);
    printf("%u passed, %u failed\n", expect_passed, expect_failed);
    return expect_failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    static const uint8_t zero[32], one[32] = { 1 };
    struct xen_domctl_encmig_op op;
    struct xen_encmig_identity id;
    struct xen_encmig_offer off;
    struct xen_encmig_l2_accept io;
    struct xen_encmig_keymat km;
    struct encmig_hc *hc;
    uint8_t self[32], stranger[32], bind[32], th[32], mac[32];
    uint64_t records;
    uint32_t domid;
    void *buf;
    unsigned int i;

    if ( argc == 3 && !strcmp(argv[1], "--lock") )
    {
        hc = encmig_hc_open_xen();
        if ( !hc )
        {
            fprintf(stderr, "cannot open the Xen interfaces: %s\n",
                    strerror(errno));
            return 1;
        }
        return locked(hc, strtoul(argv[2], NULL, 10));
    }
    if ( argc != 2 )
    {
        fprintf(stderr, "usage: bad-args-level2 [--lock] DOMID\n");
        return 2;
    }
    domid = strtoul(argv[1], NULL, 10);
    hc = encmig_hc_open_xen();
    buf = hc ? encmig_hc_buf_alloc(hc, sizeof(io)) : NULL;
    if ( !hc || !buf )
    {
        fprintf(stderr, "cannot open the Xen interfaces: %s\n",
                strerror(errno));
        return 1;
    }
    for ( i = 0; i < 32; i++ )
    {
        bind[i] = 0xb0 + i;
        th[i] = 0x70 + i;
        /* X25519's base point times something: a key of full order. */
        stranger[i] = i == 0 ? 9 : 0;
    }

    /* identity: only on the caller's own domain; arguments. */
    expect("identity of a guest's domain",
           identity(hc, domid, XEN_ENCMIG_ID_get, NULL, NULL), EINVAL);
    expect("identity get", identity(hc, 0, XEN_ENCMIG_ID_get, NULL, &id), 0);
    memcpy(self, id.pub, sizeof(self));
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_ENCMIG_OP_identity;
    op.u.identity.pad = 1;
    expect("identity pad != 0", raw(hc, 0, &op), EINVAL);
    op.u.identity.pad = 0;
    op.u.identity.cmd = 3;
    expect("identity cmd 3", raw(hc, 0, &op), EOPNOTSUPP);
    expect("pin a key of order 1 (0)",
           identity(hc, 0, XEN_ENCMIG_ID_pin, zero, NULL), EINVAL);
    expect("pin a key of order 1 (1)",
           identity(hc, 0, XEN_ENCMIG_ID_pin, one, NULL), EINVAL);
    expect("pin this hypervisor", identity(hc, 0, XEN_ENCMIG_ID_pin, self,
                                           &id), 0);
    expect("pin it again", identity(hc, 0, XEN_ENCMIG_ID_pin, self, NULL),
           EEXIST);

    /* accept: target, size, pad, buffer, offer, pin. */
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_ENCMIG_OP_accept;
    op.u.accept.size = sizeof(io);
    set_xen_guest_handle_raw(op.u.accept.buf, buf);
    memset(buf, 0, sizeof(io));
    expect("accept on a guest's domain", raw(hc, domid, &op), EINVAL);
    op.u.accept.size = sizeof(io) - 1;
    expect("accept size - 1", raw(hc, 0, &op), EINVAL);
    op.u.accept.size = sizeof(io);
    op.u.accept.pad = 1;
    expect("accept pad != 0", raw(hc, 0, &op), EINVAL);
    op.u.accept.pad = 0;
    set_xen_guest_handle_raw(op.u.accept.buf, NULL);
    expect("accept null buffer", raw(hc, 0, &op), EFAULT);
    memset(&off, 0, sizeof(off));
    expect("accept an offer of order 1",
           accept_offer(hc, self, &off, bind, &io), EINVAL);
    memcpy(off.eph, stranger, sizeof(off.eph));
    expect("accept from a hypervisor not pinned",
           accept_offer(hc, stranger, &off, bind, &io), EACCES);

    /* claim and l2_export with nothing to take; end with no session. */
    expect("claim nothing accepted",
           err_of(encmig_hc_setup_l2_claim(hc, domid, 1, io.session_id)),
           ENOENT);
    expect("l2_export without an offer", l2_export(hc, domid, self, &io),
           ENOENT);
    expect("end without a session",
           err_of(encmig_hc_end(hc, domid, th, mac, NULL)), ENOENT);

    /* An offer is not a session. */
    expect("offer", err_of(encmig_hc_offer(hc, domid, &off)), 0);
    expect("offer again", err_of(encmig_hc_offer(hc, domid, &off)), EEXIST);
    expect("offer: level 0", level_of(hc, domid), 0);
    expect("end on an offer",
           err_of(encmig_hc_end(hc, domid, th, mac, NULL)), ENOENT);
    memset(&km, 0x5a, sizeof(km));
    km.pad = 0;
    expect("level-1 setup over an offer",
           err_of(encmig_hc_setup(hc, domid, XEN_ENCMIG_DIR_EXPORT, 1, &km)),
           EEXIST);

    /* A blob changed in transit: refused, and the offer is gone. */
    expect("accept this hypervisor's offer",
           accept_offer(hc, self, &off, bind, &io), 0);
    io.blob[40] ^= 1;
    expect("l2_export a changed blob", l2_export(hc, domid, self, &io),
           EBADMSG);
    expect("the offer went with it", level_of(hc, domid), -ENOENT);

    /* Under another bind, or from a destination not pinned. */
    expect("offer", err_of(encmig_hc_offer(hc, domid, &off)), 0);
    expect("accept", accept_offer(hc, self, &off, bind, &io), 0);
    io.bind[0] ^= 1;
    expect("l2_export under another bind", l2_export(hc, domid, self, &io),
           EBADMSG);
    expect("offer", err_of(encmig_hc_offer(hc, domid, &off)), 0);
    expect("accept", accept_offer(hc, self, &off, bind, &io), 0);
    expect("l2_export from a peer not pinned",
           l2_export(hc, domid, stranger, &io), EACCES);

    /* One agreement that goes through: export, end, then the claim. */
    agree_with_self(hc, domid, self, bind, &io);
    expect("end (export)",
           err_of(encmig_hc_end(hc, domid, th, mac, &records)), 0);
    expect("no records yet", records == 0 ? 0 : EINVAL, 0);
    expect("claim over a session",
           err_of(encmig_hc_setup_l2_claim(hc, domid, 1, io.session_id)),
           EEXIST);
    expect("teardown export", err_of(encmig_hc_teardown(hc, domid)), 0);
    expect("claim",
           err_of(encmig_hc_setup_l2_claim(hc, domid, 1, io.session_id)), 0);
    expect("import session: level 2", level_of(hc, domid), 2);
    mac[0] ^= 1;
    expect("end (import), MAC changed",
           err_of(encmig_hc_end(hc, domid, th, mac, NULL)), EBADMSG);
    mac[0] ^= 1;
    expect("end (import)", err_of(encmig_hc_end(hc, domid, th, mac, NULL)), 0);
    expect("teardown import", err_of(encmig_hc_teardown(hc, domid)), 0);
    expect("claim it twice",
           err_of(encmig_hc_setup_l2_claim(hc, domid, 1, io.session_id)),
           ENOENT);

    /* Pins not locked: level 1 still works. */
    expect("level-1 setup, pins not locked",
           err_of(encmig_hc_setup(hc, domid, XEN_ENCMIG_DIR_EXPORT, 1, &km)),
           0);
    expect("teardown", err_of(encmig_hc_teardown(hc, domid)), 0);

    encmig_hc_buf_free(hc, buf, sizeof(io));
    encmig_hc_close(hc);
    printf("%u passed, %u failed\n", expect_passed, expect_failed);
    return expect_failed ? 1 : 0;
}
