// SPDX-License-Identifier: GPL-2.0
/*
 * From startup_64 to the monitor: the boot CPU's per-CPU area and tables, the console, the
 * clock, the boot information and command line, the final page tables (init_mem_mapping)
 * and the page allocator, ACPI, the APICs and interrupts, the other CPUs, then the monitor
 * shell.
 */
#define pr_fmt(fmt) fmt
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/printk.h>
#include <linux/serial.h>
#include <linux/timekeeping.h>
#include <linux/init.h>
#include <linux/moduleparam.h>
#include <linux/ktest.h>
#include <carto/multiboot2.h>
#include <carto/acpi.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/desc.h>
#include <asm/layout.h>
#include <asm/ptdump.h>
#include <asm/extable.h>
#include <asm/i8259.h>
#include <asm/apic.h>
#include <asm/io_apic.h>
#include <linux/smp.h>
#include <asm/pgtable.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>

unsigned long boot_info_pa;
const void *boot_info;
struct mb2_info boot_mb2;

extern pgd_t early_top_pgt[PTRS_PER_PGD];
void x86_64_start_kernel(unsigned long info_pa);

/*
 * Drop the identity map startup_64 needed for its jump: from here on only the kernel
 * text mapping is there, so a stray low pointer faults as it should.
 */
static void zap_identity_mappings(void)
{
	early_top_pgt[0].pgd = 0;
	write_cr3(read_cr3());
}

/* Parse the multiboot2 info the stub left at boot_info_pa, seen at va. */
static int parse_boot_info(const void *va)
{
	struct mb2_error err;

	boot_info = va;
	if (mb2_parse(boot_info, *(const u32 *)boot_info, &boot_mb2, &err)) {
		pr_err("multiboot2: %s at offset %u; no command line, no memory map\n", err.reason,
		       err.offset);
		return -EINVAL;
	}
	return 0;
}

static void setup_boot_info(void)
{
	/* The stub's copy lies low, inside the early text mapping's 512 MiB. */
	if (boot_info_pa >= KERNEL_IMAGE_SIZE) {
		pr_err("multiboot2: info at pa=0x%lx is outside the kernel text mapping\n",
		       boot_info_pa);
		return;
	}
	if (parse_boot_info(__va_kimage(boot_info_pa)))
		return;
	if (boot_mb2.cmdline)
		strlcpy(boot_command_line, boot_mb2.cmdline, sizeof(boot_command_line));
	pr_info("multiboot2: info at pa=0x%lx, %u bytes, loader '%s'\n", boot_info_pa,
		boot_mb2.total_size, boot_mb2.loader_name ? boot_mb2.loader_name : "?");
}

void start_kernel(void)
{
	setup_boot_percpu();
	serial8250_init();
	cpu_init();
	idt_setup();
	sort_main_extable();
	pr_notice("%s\n", carto_banner);
	tsc_init();
	setup_boot_info();
	pr_notice("Command line: %s\n", boot_command_line);
	parse_boot_params();
	tlb_init();

	layout_init();
	init_mem_mapping();
	parse_boot_info(__va(boot_info_pa)); /* the text mapping now holds only the image */
	mem_init();
	pgtable_use_buddy();
	kmem_cache_init();
	acpi_boot_init();
	vmalloc_init();
	ptdump_check_wx();

	init_8259A(); /* every line masked before the LAPIC masks LINT0, as Linux orders it */
	apic_bsp_setup();
	setup_IO_APIC();
	legacy_irq_unmask(IRQ_COM1);
	serial8250_enable_rx_irq();
	local_irq_enable();
	smp_init();

	if (boot_selftest && ktest_run(boot_selftest) == -ENOENT)
		pr_warn("selftest: no suite '%s'\n", boot_selftest);
	monitor_main();
}

void x86_64_start_kernel(unsigned long info_pa)
{
	boot_info_pa = info_pa;
	zap_identity_mappings();
	start_kernel();
}
