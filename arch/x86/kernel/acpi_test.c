// SPDX-License-Identifier: GPL-2.0
/* Suite acpi_tables: what the boot parsed from QEMU's real tables. */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/ktest.h>
#include <carto/acpi.h>

static void acpi_test_boot(struct ktest *t)
{
	KTEST_EXPECT_TRUE(t, acpi_boot_ok);
	KTEST_EXPECT_EQ(t, acpi_boot.error, ACPI_OK);
	KTEST_EXPECT_TRUE(t, acpi_boot.nr_enabled >= 1);
	KTEST_EXPECT_EQ(t, acpi_boot.nr_ioapics, 1);
	KTEST_EXPECT_EQ(t, acpi_boot.ioapics[0].address, 0xfec00000);
	KTEST_EXPECT_TRUE(t, acpi_boot.madt.length >= ACPI_MADT_FIXED_SIZE);
	KTEST_EXPECT_TRUE(t, acpi_boot.lapic_address != 0);
	KTEST_EXPECT_STREQ(t, acpi_boot.madt.sig, "APIC");
}

static const struct ktest_case acpi_test_cases[] = { KTEST_CASE(acpi_test_boot), {} };

static const struct ktest_suite acpi_test_suite = {
	.name = "acpi_tables",
	.cases = acpi_test_cases,
};
KTEST_SUITE(acpi_test_suite);
