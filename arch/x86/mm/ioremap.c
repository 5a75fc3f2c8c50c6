// SPDX-License-Identifier: GPL-2.0
/*
 * ioremap: device registers mapped uncached (PCD|PWT) into the vmalloc() area, and the
 * three platform devices mapped at boot: the local APIC (its base from IA32_APIC_BASE), the
 * IOAPIC (where ACPI's MADT puts it, else its default address) and the HPET at its default
 * address (carto does not read ACPI's HPET table).
 */
#define pr_fmt(fmt) "ioremap: " fmt
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/memblock.h>
#include <linux/vmalloc.h>
#include <asm/special_insns.h>
#include <carto/acpi.h>
#include <asm/apic.h>
#include <asm/io_apic.h>
#include <asm/processor-flags.h>

#define IO_APIC_DEFAULT_PHYS_BASE 0xfec00000UL
#define HPET_DEFAULT_PHYS_BASE 0xfed00000UL
#define HPET_ID 0x000 /* general capabilities and ID */

void __iomem *lapic_base, *ioapic_base, *hpet_base;

static inline u32 readl(const volatile void __iomem *addr)
{
	return *(const volatile u32 *)addr;
}

static inline u64 readq(const volatile void __iomem *addr)
{
	return *(const volatile u64 *)addr;
}

/* True when any page of [pa, pa + size) is RAM. */
static bool range_is_ram(phys_addr_t pa, unsigned long size)
{
	for (phys_addr_t p = pa; p < pa + size; p += PAGE_SIZE)
		if (memblock_is_memory(p))
			return true;
	return false;
}

static void __iomem *__ioremap_caller(phys_addr_t phys, unsigned long size, const void *caller)
{
	phys_addr_t base = phys & PAGE_MASK;
	unsigned long offset = phys & ~PAGE_MASK, len;
	void *va;

	if (!size || phys + size < phys) {
		pr_err("bad range pa=0x%016llx size %lu\n", (unsigned long long)phys, size);
		return NULL;
	}
	len = ALIGN(offset + size, PAGE_SIZE);
	if (range_is_ram(base, len)) {
		pr_err("refusing to map RAM pa=0x%016llx-0x%016llx: use the direct map\n",
		       (unsigned long long)base, (unsigned long long)(base + len));
		return NULL;
	}
	va = vmap_phys_range(base, len, PAGE_KERNEL_NOCACHE, caller);
	return va ? (char *)va + offset : NULL;
}

/* noinline: __builtin_return_address(0) is the caller vmallocinfo names. */
noinline void __iomem *ioremap(phys_addr_t phys, unsigned long size)
{
	return __ioremap_caller(phys, size, __builtin_return_address(0));
}

noinline void __iomem *ioremap_nocache(phys_addr_t phys, unsigned long size)
{
	return __ioremap_caller(phys, size, __builtin_return_address(0));
}

void iounmap(volatile void __iomem *addr)
{
	if (addr)
		vunmap_phys_range((const void *)((unsigned long)addr & PAGE_MASK));
}

void x86_ioremap_init(void)
{
	phys_addr_t lapic_pa = rdmsr(MSR_IA32_APICBASE) & MSR_IA32_APICBASE_BASE;
	unsigned long ioapic_pa = IO_APIC_DEFAULT_PHYS_BASE;
	u32 v;

	lapic_base = ioremap(lapic_pa, PAGE_SIZE);
	if (lapic_base) {
		v = readl((char *)lapic_base + APIC_ID);
		pr_info("LAPIC pa=0x%016llx va=0x%016lx: ID register 0x%08x (APIC ID %u)\n",
			(unsigned long long)lapic_pa, (unsigned long)lapic_base, v, v >> 24);
	}
	if (acpi_boot_ok && acpi_boot.nr_ioapics)
		ioapic_pa = acpi_boot.ioapics[0].address;
	ioapic_base = ioremap(ioapic_pa, PAGE_SIZE);
	if (ioapic_base) {
		v = io_apic_read(IO_APIC_REG_VERSION);
		pr_info("IOAPIC pa=0x%016lx va=0x%016lx: version register 0x%08x (version 0x%02x, %u pins)\n",
			ioapic_pa, (unsigned long)ioapic_base, v, v & 0xff,
			((v >> 16) & 0xff) + 1);
	}
	hpet_base = ioremap(HPET_DEFAULT_PHYS_BASE, PAGE_SIZE);
	if (hpet_base) {
		u64 cap = readq((char *)hpet_base + HPET_ID);

		pr_info("HPET pa=0x%016lx va=0x%016lx: capabilities 0x%016llx (%u timers, period %u fs)\n",
			HPET_DEFAULT_PHYS_BASE, (unsigned long)hpet_base, (unsigned long long)cap,
			(unsigned int)((cap >> 8) & 0x1f) + 1, (unsigned int)(cap >> 32));
	}
}
