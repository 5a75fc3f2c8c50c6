// SPDX-License-Identifier: GPL-2.0
/* ACPI at boot: parse the tables from boot_mb2's RSDP through early_ioremap, print, keep. */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/printk.h>
#include <linux/mm.h>
#include <carto/multiboot2.h>
#include <carto/acpi.h>
#include <asm/fixmap.h>

extern struct mb2_info boot_mb2;

struct acpi_info acpi_boot;
bool acpi_boot_ok;

/* Copy [pa, pa + len) a page at a time through early_ioremap. */
static int acpi_early_read(void *ctx, u64 pa, void *buf, u32 len)
{
	u8 *dst = buf;

	(void)ctx;
	while (len) {
		u32 n = PAGE_SIZE - (pa & ~PAGE_MASK);
		void *va;

		if (n > len)
			n = len;
		va = early_ioremap(pa, n);
		if (!va)
			return -1;
		memcpy(dst, va, n);
		early_iounmap(va, n);
		dst += n;
		pa += n;
		len -= n;
	}
	return 0;
}

static void acpi_print_table(const struct acpi_table_desc *d)
{
	pr_info("ACPI: %s 0x%016llX %06X (v%02u %-6s)\n", d->sig, (unsigned long long)d->pa,
		d->length, d->revision, d->oem_id);
}

void acpi_boot_init(void)
{
	struct acpi_info *a = &acpi_boot;
	u64 rsdp_pa = boot_mb2.rsdp ? __pa(boot_mb2.rsdp) : 0;

	acpi_boot_ok = !acpi_parse(boot_mb2.rsdp, boot_mb2.rsdp_len, rsdp_pa, acpi_early_read,
				   NULL, a);
	if (a->rsdp.length)
		acpi_print_table(&a->rsdp);
	if (a->root.length)
		acpi_print_table(&a->root);
	if (a->madt.length)
		acpi_print_table(&a->madt);
	if (!acpi_boot_ok) {
		pr_warn("ACPI: %s: %s; continuing on one CPU\n", a->bad_table,
			acpi_strerror(a->error));
		return;
	}
	for (u32 i = 0; i < a->nr_cpus; i++) {
		const struct acpi_cpu *c = &a->cpus[i];

		pr_info("ACPI: %s (acpi_id[0x%02x] %s_id[0x%02x] %s)\n",
			c->type == ACPI_MADT_X2APIC ? "X2APIC" : "LAPIC", c->acpi_id,
			c->type == ACPI_MADT_X2APIC ? "x2apic" : "lapic", c->apic_id,
			c->flags & ACPI_MADT_ENABLED ? "enabled" : "disabled");
	}
	for (u32 i = 0; i < a->nr_ioapics; i++)
		pr_info("ACPI: IOAPIC (id[0x%02x] address[0x%08x] gsi_base[%u])\n", a->ioapics[i].id,
			a->ioapics[i].address, a->ioapics[i].gsi_base);
	for (u32 i = 0; i < a->nr_overrides; i++) {
		static const char *const pol[] = { "dfl", "high", "res", "low" };
		static const char *const trig[] = { "dfl", "edge", "res", "level" };
		const struct acpi_override *o = &a->overrides[i];

		pr_info("ACPI: INT_SRC_OVR (bus %u bus_irq %u global_irq %u %s %s)\n", o->bus,
			o->bus_irq, o->gsi, pol[o->flags & 3], trig[(o->flags >> 2) & 3]);
	}
	if (a->nr_dropped)
		pr_warn("ACPI: APIC: %u entries beyond carto's limits ignored\n", a->nr_dropped);
	pr_info("ACPI: %u CPU(s) enabled, %u IOAPIC(s), LAPIC at 0x%08x\n", a->nr_enabled,
		a->nr_ioapics, a->lapic_address);
}
