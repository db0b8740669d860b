/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * guest-check.c: what `xl migrate --encrypted` refuses to move.
 *
 * The hypervisor seals a guest's pages and its HVM context; the
 * toolstack seals libxl's records.  State that lives anywhere else would
 * cross in the clear or not at all: a device assigned to the guest keeps
 * its state in hardware (and Xen does not migrate one anyway), a vTPM
 * keeps its secrets in another domain, and an HVM guest's device model
 * (QEMU) hands its saved state to libxl, which encmig does not seal yet.
 * Each is refused before anything of the guest crosses.
 */

#include <stdio.h>

#include "guest-check.h"

int encmig_guest_check(const libxl_domain_config *c, char *why, size_t len)
{
    const libxl_domain_build_info *b = &c->b_info;

    if (c->c_info.type == LIBXL_DOMAIN_TYPE_HVM) {
        snprintf(why, len, "an HVM guest: its device model's saved state "
                 "would cross unsealed (PV and PVH guests can be moved)");
        return -1;
    }
    if (c->num_pcidevs || c->num_dtdevs) {
        snprintf(why, len, "%d assigned device(s): their state is in the "
                 "hardware", c->num_pcidevs + c->num_dtdevs);
        return -1;
    }
    if (c->c_info.passthrough != LIBXL_PASSTHROUGH_DEFAULT &&
        c->c_info.passthrough != LIBXL_PASSTHROUGH_DISABLED) {
        snprintf(why, len, "passthrough is enabled for the guest (%s)",
                 libxl_passthrough_to_string(c->c_info.passthrough));
        return -1;
    }
    if (b->num_ioports || b->num_irqs || b->num_iomem) {
        snprintf(why, len, "the guest has direct access to I/O ports, IRQs "
                 "or I/O memory");
        return -1;
    }
    if (c->num_usbdevs) {
        snprintf(why, len, "%d host USB device(s) assigned",
                 c->num_usbdevs);
        return -1;
    }
    if (c->num_vtpms) {
        snprintf(why, len, "a vTPM, whose state lives in another domain");
        return -1;
    }
    return 0;
}
