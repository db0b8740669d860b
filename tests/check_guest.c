/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_guest.c: what `xl migrate --encrypted` refuses before anything
 * crosses (guest-check.c), on libxl's own configuration structures.
 */

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../tools/libxl-encmig/xl/guest-check.h"

static libxl_domain_config c;
static char why[256];

static void config_new(libxl_domain_type type)
{
    libxl_domain_config_init(&c);
    c.c_info.type = type;
    libxl_domain_build_info_init_type(&c.b_info, type);
    why[0] = '\0';
}

static void config_free(void)
{
    libxl_domain_config_dispose(&c);
}

/* Refused, and the reason names what. */
static void assert_refused(const char *what)
{
    ck_assert_int_eq(encmig_guest_check(&c, why, sizeof(why)), -1);
    ck_assert_msg(strstr(why, what), "\"%s\" does not say \"%s\"", why, what);
}

START_TEST(test_pv_and_pvh_move)
{
    config_new(LIBXL_DOMAIN_TYPE_PV);
    ck_assert_int_eq(encmig_guest_check(&c, why, sizeof(why)), 0);
    config_free();
    config_new(LIBXL_DOMAIN_TYPE_PVH);
    ck_assert_int_eq(encmig_guest_check(&c, why, sizeof(why)), 0);
    c.c_info.passthrough = LIBXL_PASSTHROUGH_DISABLED;
    ck_assert_int_eq(encmig_guest_check(&c, why, sizeof(why)), 0);
    config_free();
}
END_TEST

START_TEST(test_hvm_with_qemu_xen_moves)
{
    config_new(LIBXL_DOMAIN_TYPE_HVM);
    ck_assert_int_eq(encmig_guest_check(&c, why, sizeof(why)), 0);
    c.b_info.device_model_version = LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN;
    libxl_defbool_set(&c.b_info.device_model_stubdomain, false);
    ck_assert_int_eq(encmig_guest_check(&c, why, sizeof(why)), 0);
    config_free();
}
END_TEST

START_TEST(test_hvm_other_device_model_refused)
{
    config_new(LIBXL_DOMAIN_TYPE_HVM);
    c.b_info.device_model_version =
        LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN_TRADITIONAL;
    assert_refused("qemu_xen_traditional device model");
    config_free();

    config_new(LIBXL_DOMAIN_TYPE_HVM);
    libxl_defbool_set(&c.b_info.device_model_stubdomain, true);
    assert_refused("stub domain");
    config_free();

    config_new(LIBXL_DOMAIN_TYPE_HVM);
    c.b_info.device_model = strdup("/opt/qemu/bin/qemu-system-i386");
    ck_assert_ptr_nonnull(c.b_info.device_model);
    assert_refused("own device model binary");
    config_free();
}
END_TEST

START_TEST(test_assigned_devices_refused)
{
    config_new(LIBXL_DOMAIN_TYPE_PVH);
    c.num_pcidevs = 1;
    c.pcidevs = calloc(1, sizeof(*c.pcidevs));
    ck_assert_ptr_nonnull(c.pcidevs);
    libxl_device_pci_init(&c.pcidevs[0]);
    assert_refused("assigned device");
    config_free();

    config_new(LIBXL_DOMAIN_TYPE_PV);
    c.num_dtdevs = 1;
    c.dtdevs = calloc(1, sizeof(*c.dtdevs));
    ck_assert_ptr_nonnull(c.dtdevs);
    libxl_device_dtdev_init(&c.dtdevs[0]);
    assert_refused("assigned device");
    config_free();

    config_new(LIBXL_DOMAIN_TYPE_PV);
    c.c_info.passthrough = LIBXL_PASSTHROUGH_SHARE_PT;
    assert_refused("passthrough");
    config_free();

    config_new(LIBXL_DOMAIN_TYPE_PV);
    c.num_usbdevs = 1;
    c.usbdevs = calloc(1, sizeof(*c.usbdevs));
    ck_assert_ptr_nonnull(c.usbdevs);
    libxl_device_usbdev_init(&c.usbdevs[0]);
    assert_refused("USB");
    config_free();
}
END_TEST

START_TEST(test_hardware_access_refused)
{
    config_new(LIBXL_DOMAIN_TYPE_PV);
    c.b_info.num_irqs = 1;
    c.b_info.irqs = calloc(1, sizeof(*c.b_info.irqs));
    ck_assert_ptr_nonnull(c.b_info.irqs);
    assert_refused("direct access");
    config_free();

    config_new(LIBXL_DOMAIN_TYPE_PVH);
    c.b_info.num_iomem = 1;
    c.b_info.iomem = calloc(1, sizeof(*c.b_info.iomem));
    ck_assert_ptr_nonnull(c.b_info.iomem);
    assert_refused("direct access");
    config_free();
}
END_TEST

START_TEST(test_vtpm_refused)
{
    config_new(LIBXL_DOMAIN_TYPE_PVH);
    c.num_vtpms = 1;
    c.vtpms = calloc(1, sizeof(*c.vtpms));
    ck_assert_ptr_nonnull(c.vtpms);
    libxl_device_vtpm_init(&c.vtpms[0]);
    assert_refused("vTPM");
    config_free();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("guest-check");
    TCase *tc = tcase_create("guest-check");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_pv_and_pvh_move);
    tcase_add_test(tc, test_hvm_with_qemu_xen_moves);
    tcase_add_test(tc, test_hvm_other_device_model_refused);
    tcase_add_test(tc, test_assigned_devices_refused);
    tcase_add_test(tc, test_hardware_access_refused);
    tcase_add_test(tc, test_vtpm_refused);
    suite_add_tcase(s, tc);

    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
