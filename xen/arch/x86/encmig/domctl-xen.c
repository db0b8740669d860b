/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * domctl-xen.c: XEN_DOMCTL_encmig_op's entry point in Xen.
 *
 * arch_do_domctl() has copied the op in, holds the domctl lock and an RCU
 * reference to d, and XSM has let the domctl through.  Here XSM is asked
 * again about the direction the sub-op acts in (the dummy module: the
 * control domain only; FLASK: domain2 encmig_export, or encmig_import
 * with domain setvcpucontext, over d).  arch_do_domctl() copies the op
 * back after every call and turns -ERESTART into a continuation.
 */

#include <xen/lib.h>
#include <xen/sched.h>
#include <xsm/xsm.h>

/*
 * Not <asm/encmig.h>, which declares this file's entry point for the rest
 * of Xen: it also declares encmig_domain_destroy(), as engine.h does, and
 * Xen builds with -Wredundant-decls.
 */
#include "engine.h"

int encmig_domctl(struct domain *d, struct xen_domctl_encmig_op *op);

/* Batches that yielded and continued, for the log. */
static unsigned long continuations;

/*
 * The direction op acts in: what it asks for, or what d's session is for
 * status and teardown; 0 for neither (probe, or no session).  An unknown
 * op or direction gets 0 here and its error from encmig_do_op().
 */
static unsigned int op_direction(struct domain *d,
                                 const struct xen_domctl_encmig_op *op)
{
    const struct encmig_session *s = *encmig_domain_session(d);

    switch ( op->cmd )
    {
    case XEN_ENCMIG_OP_setup:
        return op->u.setup.direction == XEN_ENCMIG_DIR_EXPORT ||
               op->u.setup.direction == XEN_ENCMIG_DIR_IMPORT
               ? op->u.setup.direction : 0;
    case XEN_ENCMIG_OP_export:
    case XEN_ENCMIG_OP_save_state:
    case XEN_ENCMIG_OP_offer:
        return XEN_ENCMIG_DIR_EXPORT;
    case XEN_ENCMIG_OP_import:
    case XEN_ENCMIG_OP_load_state:
    case XEN_ENCMIG_OP_accept:
        return XEN_ENCMIG_DIR_IMPORT;
    case XEN_ENCMIG_OP_status:
    case XEN_ENCMIG_OP_teardown:
    case XEN_ENCMIG_OP_end:
        return s ? s->direction : 0;
    default:
        return 0;
    }
}

int encmig_domctl(struct domain *d, struct xen_domctl_encmig_op *op)
{
    int rc;

    /*
     * The target is a guest: never the caller, never the control domain;
     * but the hypervisor's identity, and an agreement accepted for a
     * guest not yet built, belong to no guest, and the toolstack asks for
     * them on its own domain.
     */
    if ( op->cmd == XEN_ENCMIG_OP_identity || op->cmd == XEN_ENCMIG_OP_accept )
    {
        if ( d != current->domain )
            return -EINVAL;
    }
    else if ( d == current->domain || is_control_domain(d) )
        return -EINVAL;

    /* A dying domain's session is gone, and no new one may start. */
    if ( d->is_dying )
        return -ESRCH;

    rc = xsm_encmig_op(XSM_PRIV, d, op_direction(d, op));
    if ( rc )
        return rc;

    rc = encmig_do_op(d, op);

    if ( rc == -ERESTART )
        continuations++;
    else if ( !rc && op->cmd == XEN_ENCMIG_OP_setup )
        printk(XENLOG_G_INFO
               "%pd: encmig %s session (level %u), %u stream(s), %s cipher\n",
               d, op->u.setup.direction == XEN_ENCMIG_DIR_EXPORT ? "export"
                                                                 : "import",
               (*encmig_domain_session(d))->level, op->u.setup.nr_streams,
               encmig_domain_cipher(d)->name);
    else if ( !rc && op->cmd == XEN_ENCMIG_OP_teardown )
        printk(XENLOG_G_INFO
               "%pd: encmig session ended (%lu batch continuations since boot)\n",
               d, continuations);

    return rc;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
