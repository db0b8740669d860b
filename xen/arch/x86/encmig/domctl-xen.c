/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * domctl-xen.c: XEN_DOMCTL_encmig_op's entry point in Xen.
 *
 * arch_do_domctl() has copied the op in, holds the domctl lock and an RCU
 * reference to d, and XSM has let the caller through (the dummy module:
 * the control domain only; FLASK: domain2 encmig over d).  It copies the
 * op back after every call and turns -ERESTART into a continuation.
 */

#include <xen/lib.h>
#include <xen/sched.h>

/*
 * Not <asm/encmig.h>, which declares this file's entry point for the rest
 * of Xen: it also declares encmig_domain_destroy(), as engine.h does, and
 * Xen builds with -Wredundant-decls.
 */
#include "engine.h"

int encmig_domctl(struct domain *d, struct xen_domctl_encmig_op *op);

/* Batches that yielded and continued, for the log. */
static unsigned long continuations;

int encmig_domctl(struct domain *d, struct xen_domctl_encmig_op *op)
{
    int rc;

    /* The target is a guest: never the caller, never the control domain. */
    if ( d == current->domain || is_control_domain(d) )
        return -EINVAL;

    /* A dying domain's session is gone, and no new one may start. */
    if ( d->is_dying )
        return -ESRCH;

    rc = encmig_do_op(d, op);

    if ( rc == -ERESTART )
        continuations++;
    else if ( !rc && op->cmd == XEN_ENCMIG_OP_setup )
        printk(XENLOG_G_INFO "%pd: encmig %s session, %u stream(s), %s cipher\n",
               d, op->u.setup.direction == XEN_ENCMIG_DIR_EXPORT ? "export"
                                                                 : "import",
               op->u.setup.nr_streams, encmig_domain_cipher(d)->name);
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
