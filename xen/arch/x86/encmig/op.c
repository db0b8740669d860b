/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * op.c: XEN_DOMCTL_encmig_op dispatch.
 *
 * The caller (arch_do_domctl in Xen, the simulator's domctl otherwise) has
 * checked privilege and XSM, looked the domain up and copied the op in.
 * Every field is still hostile here: each sub-op checks its own arguments
 * before it touches anything.
 */

#include "engine.h"
#include "identity.h"
#include "mem.h"

static int probe(struct domain *d, struct xen_encmig_probe *arg)
{
    const struct encmig_mem *mem = encmig_domain_mem(d);

    memset(arg, 0, sizeof(*arg));
    arg->version = XEN_ENCMIG_INTERFACE_VERSION;
    arg->caps = XEN_ENCMIG_CAP_EXPORT | XEN_ENCMIG_CAP_IMPORT |
                XEN_ENCMIG_CAP_PREEMPT | XEN_ENCMIG_CAP_STATE;
    arg->caps |= encmig_domain_cipher(d)->probe_caps;
    if ( encmig_identity_get(d)->ready )
        arg->caps |= XEN_ENCMIG_CAP_IDENTITY;
    encmig_identity_put(d);
    arg->mem_backend = mem->ops->id;
    arg->max_batch = XEN_ENCMIG_MAX_BATCH;
    arg->max_streams = XEN_ENCMIG_MAX_STREAMS;
    arg->rec_size = XEN_ENCMIG_REC_SIZE;
    arg->max_gfn = encmig_domain_max_gfn(d);
    return 0;
}

int encmig_do_op(struct domain *d, struct xen_domctl_encmig_op *op)
{
    if ( XEN_ENCMIG_VERSION_MAJOR(op->version) !=
         XEN_ENCMIG_VERSION_MAJOR(XEN_ENCMIG_INTERFACE_VERSION) )
        return -EPROTONOSUPPORT;

    switch ( op->cmd )
    {
    case XEN_ENCMIG_OP_probe:
        return probe(d, &op->u.probe);

    case XEN_ENCMIG_OP_setup:
        return encmig_session_setup(d, &op->u.setup);

    case XEN_ENCMIG_OP_export:
        return encmig_export(d, &op->u.export);

    case XEN_ENCMIG_OP_import:
        return encmig_import(d, &op->u.import);

    case XEN_ENCMIG_OP_status:
        return encmig_session_status(d, &op->u.status);

    case XEN_ENCMIG_OP_teardown:
        return encmig_session_teardown(d);

    case XEN_ENCMIG_OP_save_state:
        return encmig_save_state(d, &op->u.state);

    case XEN_ENCMIG_OP_load_state:
        return encmig_load_state(d, &op->u.state);

    case XEN_ENCMIG_OP_identity:
        return encmig_identity_op(d, &op->u.identity);

    case XEN_ENCMIG_OP_offer:
        return encmig_offer(d, &op->u.offer);

    case XEN_ENCMIG_OP_accept:
        return encmig_accept(d, &op->u.accept);

    case XEN_ENCMIG_OP_end:
        return encmig_end(d, &op->u.end);
    }

    return -EOPNOTSUPP;
}
