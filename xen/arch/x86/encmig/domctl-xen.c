/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * domctl-xen.c: XEN_DOMCTL_encmig_op's entry point in Xen, and the lock
 * that keeps a domain's session whole.
 *
 * arch_do_domctl() has copied the op in and holds an RCU reference to d,
 * and XSM has let the domctl through.  The page batches (export, import)
 * come without the domctl lock (xen/patches/0008) and hold d's session
 * lock for reading: batches of different streams, and of different
 * domains, run side by side, and the engine admits one batch per stream
 * at a time (-EBUSY).  Every other sub-op comes under the domctl lock and
 * holds the session lock for writing, as does the session's end when d
 * dies.  Here XSM is asked again, under the session lock, about the
 * direction the sub-op acts in (the dummy module: the control domain
 * only; FLASK: domain2 encmig_export, or encmig_import with domain
 * setvcpucontext, over d).  arch_do_domctl() copies the op back after
 * every call and turns -ERESTART into a continuation.
 */

#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xsm/xsm.h>
#include <asm/atomic.h>
#include <asm/encmig.h>

#include "engine.h"

/* Batches that yielded and continued, for the log. */
static atomic_t continuations = ATOMIC_INIT(0);

bool encmig_domctl_unlocked(const struct xen_domctl_encmig_op *op)
{
    return op->cmd == XEN_ENCMIG_OP_export || op->cmd == XEN_ENCMIG_OP_import;
}

void encmig_domain_init(struct domain *d)
{
    d->arch.encmig = NULL;
    rwlock_init(&d->arch.encmig_lock);
}

void encmig_domain_teardown(struct domain *d)
{
    write_lock(&d->arch.encmig_lock);
    encmig_domain_destroy(d);
    write_unlock(&d->arch.encmig_lock);
}

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
    bool batch = encmig_domctl_unlocked(op);
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

    if ( batch )
        read_lock(&d->arch.encmig_lock);
    else
        write_lock(&d->arch.encmig_lock);

    /*
     * A dying domain's session is gone, and no new one may start: checked
     * under the lock that its teardown takes for writing.
     */
    if ( d->is_dying )
        rc = -ESRCH;
    else
        rc = xsm_encmig_op(XSM_PRIV, d, op_direction(d, op));
    if ( !rc )
        rc = encmig_do_op(d, op);

    if ( rc == -ERESTART )
        atomic_inc(&continuations);
    else if ( !rc && op->cmd == XEN_ENCMIG_OP_setup )
        printk(XENLOG_G_INFO
               "%pd: encmig %s session (level %u), %u stream(s), %s cipher\n",
               d, op->u.setup.direction == XEN_ENCMIG_DIR_EXPORT ? "export"
                                                                 : "import",
               (*encmig_domain_session(d))->level, op->u.setup.nr_streams,
               encmig_domain_cipher(d)->name);
    else if ( !rc && op->cmd == XEN_ENCMIG_OP_teardown )
        printk(XENLOG_G_INFO
               "%pd: encmig session ended (%d batch continuations since boot)\n",
               d, atomic_read(&continuations));

    if ( batch )
        read_unlock(&d->arch.encmig_lock);
    else
        write_unlock(&d->arch.encmig_lock);

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
