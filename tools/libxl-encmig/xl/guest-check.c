/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * guest-check.c: what `xl migrate --encrypted` refuses to move.
 *
 * The hypervisor seals a guest's pages and its vCPU and HVM context; the
 * toolstack seals libxl's records, the device model's saved state among
 * them.  State that lives anywhere else would cross in the clear or not
 * at all: a device assigned to the guest keeps its state in hardware
 * (and Xen does not migrate one anyway), a vTPM keeps its secrets in
 * another domain, a device model in a stub domain or other than the
 * qemu-xen that libxl runs in dom0 saves its state where the relay does
 * not see it or in a form nobody here has checked.  Each is refused
 * before anything of the guest crosses.
 */

#include <stdio.h>

#include "guest-check.h"

int encmig_guest_check(const libxl_domain_config *c, char *why, size_t len)
{
    const libxl_domain_build_info *b = &c->b_info;

    if (c->c_info.type == LIBXL_DOMAIN_TYPE_HVM) {
        /* Unset: libxl chose its default, which is qemu-xen in 4.17. */
        if (b->device_model_version != LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN &&
            b->device_model_version != LIBXL_DEVICE_MODEL_VERSION_UNKNOWN) {
            snprintf(why, len, "an HVM guest with the %s device model "
                     "(only qemu-xen's saved state is sealed)",
                     libxl_device_model_version_to_string(
                         b->device_model_version));
            return -1;
        }
        if (!libxl_defbool_is_default(b->device_model_stubdomain) &&
            libxl_defbool_val(b->device_model_stubdomain)) {
            snprintf(why, len, "an HVM guest whose device model runs in a "
                     "stub domain (only a device model in dom0 is sealed)");
            return -1;
        }
        if (b->device_model) {
            snprintf(why, len, "an HVM guest with its own device model "
                     "binary (%s)", b->device_model);
            return -1;
        }
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
