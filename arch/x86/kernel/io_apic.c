// SPDX-License-Identifier: GPL-2.0
/*
 * The IOAPIC (Linux's arch/x86/kernel/apic/io_apic.c, for the first IOAPIC of the MADT):
 * every pin masked at boot; an ISA IRQ is unmasked on demand, on the GSI and with the
 * polarity and trigger the MADT's interrupt source overrides give (ISA default: same
 * number, active high, edge), fixed delivery to one CPU's APIC ID. Without an IOAPIC from
 * ACPI, the 8259 pair stays the interrupt controller, wired to the boot CPU's LINT0.
 */
#define pr_fmt(fmt) "IOAPIC: " fmt
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/errno.h>
#include <linux/vmalloc.h>
#include <carto/acpi.h>
#include <asm/apic.h>
#include <asm/io_apic.h>
#include <asm/i8259.h>
#include <asm/irq_vectors.h>

#define IO_APIC_REGSEL 0x00
#define IO_APIC_WIN 0x10
#define IO_APIC_REDTBL(pin) (0x10 + 2 * (pin))
#define IO_APIC_POLARITY_LOW (1U << 13)
#define IO_APIC_TRIGGER_LEVEL (1U << 15)
#define IO_APIC_MASKED (1U << 16)

bool ioapic_in_use;
static unsigned int ioapic_pins;
static u32 ioapic_gsi_base;

u32 io_apic_read(u32 reg)
{
	*(volatile u32 *)((char *)ioapic_base + IO_APIC_REGSEL) = reg;
	return *(volatile u32 *)((char *)ioapic_base + IO_APIC_WIN);
}

static void io_apic_write(u32 reg, u32 v)
{
	*(volatile u32 *)((char *)ioapic_base + IO_APIC_REGSEL) = reg;
	*(volatile u32 *)((char *)ioapic_base + IO_APIC_WIN) = v;
}

static const struct acpi_override *isa_override(unsigned int irq)
{
	for (u32 i = 0; acpi_boot_ok && i < acpi_boot.nr_overrides; i++)
		if (acpi_boot.overrides[i].bus == 0 && acpi_boot.overrides[i].bus_irq == irq)
			return &acpi_boot.overrides[i];
	return NULL;
}

u32 isa_irq_to_gsi(unsigned int irq)
{
	const struct acpi_override *o = isa_override(irq);

	return o ? o->gsi : irq;
}

/* MPS INTI flags: polarity bits 0..1 (3 = low), trigger bits 2..3 (3 = level); 0 = ISA's. */
static bool isa_irq_level(unsigned int irq)
{
	const struct acpi_override *o = isa_override(irq);

	return o && ((o->flags >> 2) & 3) == 3;
}

static bool isa_irq_active_low(unsigned int irq)
{
	const struct acpi_override *o = isa_override(irq);

	return o && (o->flags & 3) == 3;
}

const char *isa_irq_trigger(unsigned int irq)
{
	return isa_irq_level(irq) ? "fasteoi" : "edge";
}

void setup_IO_APIC(void)
{
	const struct acpi_ioapic *io = acpi_boot_ok && acpi_boot.nr_ioapics ? &acpi_boot.ioapics[0] : NULL;
	u32 ver;

	if (!io) {
		/* Virtual wire: the 8259's INTR reaches the boot CPU through LINT0 as ExtINT. */
		apic_write(APIC_LVT0, APIC_DM_EXTINT);
		pr_warn("none from ACPI: the 8259 pair stays the interrupt controller\n");
		return;
	}
	if (!ioapic_base) {
		pr_err("IOAPIC at 0x%08x could not be mapped: the 8259 pair stays\n", io->address);
		apic_write(APIC_LVT0, APIC_DM_EXTINT);
		return;
	}
	ver = io_apic_read(IO_APIC_REG_VERSION);
	ioapic_pins = ((ver >> 16) & 0xff) + 1;
	ioapic_gsi_base = io->gsi_base;
	for (unsigned int pin = 0; pin < ioapic_pins; pin++) {
		io_apic_write(IO_APIC_REDTBL(pin), IO_APIC_MASKED);
		io_apic_write(IO_APIC_REDTBL(pin) + 1, 0);
	}
	ioapic_in_use = true;
	pr_info("IOAPIC[0]: apic_id %u, version %u, address 0x%08x, GSI %u-%u\n", io->id,
		ver & 0xff, io->address, io->gsi_base, io->gsi_base + ioapic_pins - 1);
}

int ioapic_route_isa_irq(unsigned int irq, int cpu)
{
	u32 gsi = isa_irq_to_gsi(irq), pin, lo;

	if (!ioapic_in_use || irq >= NR_IRQS_LEGACY)
		return -ENODEV;
	if (gsi < ioapic_gsi_base || gsi - ioapic_gsi_base >= ioapic_pins)
		return -ERANGE;
	pin = gsi - ioapic_gsi_base;
	lo = ISA_IRQ_VECTOR(irq) | (isa_irq_level(irq) ? IO_APIC_TRIGGER_LEVEL : 0) |
	     (isa_irq_active_low(irq) ? IO_APIC_POLARITY_LOW : 0);
	/* Destination first (physical mode, an 8-bit APIC ID even under x2APIC), then the
	 * unmasking low word. */
	io_apic_write(IO_APIC_REDTBL(pin) + 1, x86_cpu_to_apicid[cpu] << 24);
	io_apic_write(IO_APIC_REDTBL(pin), lo);
	return 0;
}

void legacy_irq_unmask(unsigned int irq)
{
	if (!ioapic_in_use || ioapic_route_isa_irq(irq, 0))
		i8259_unmask_irq(irq);
}
