// SPDX-License-Identifier: GPL-2.0
/*
 * The boot CPU's GDT and TSS (Linux's arch/x86/kernel/cpu/common.c, cpu_init()). The TSS
 * carries the IST stacks, so a double fault (or an NMI, a machine check) gets a known good
 * stack even when the kernel stack is what went wrong.
 */
#include <linux/kernel.h>
#include <asm/desc.h>
#include <asm/segment.h>

static u64 gdt_table[GDT_ENTRIES] __aligned(16) = {
	[GDT_ENTRY_KERNEL32_CS] = 0x00cf9b000000ffff,
	[GDT_ENTRY_KERNEL_CS] = 0x00af9b000000ffff,
	[GDT_ENTRY_KERNEL_DS] = 0x00cf93000000ffff,
	[GDT_ENTRY_DEFAULT_USER32_CS] = 0x00cffb000000ffff,
	[GDT_ENTRY_DEFAULT_USER_DS] = 0x00cff3000000ffff,
	[GDT_ENTRY_DEFAULT_USER_CS] = 0x00affb000000ffff,
};

static struct tss_struct boot_tss __aligned(64);
static u8 exception_stacks[N_EXCEPTION_STACKS][EXCEPTION_STACK_SIZE] __aligned(16);

/* A 16-byte available 64-bit TSS descriptor (type 9) for base/limit. */
static void set_tss_desc(u64 *desc, unsigned long base, u32 limit)
{
	desc[0] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89UL << 40 |
		  (u64)((limit >> 16) & 0xf) << 48 | (u64)((base >> 24) & 0xff) << 56;
	desc[1] = base >> 32;
}

void cpu_init_gdt_tss(void)
{
	struct {
		u16 limit;
		u64 base;
	} __packed gdtr = { sizeof(gdt_table) - 1, (u64)gdt_table };

	for (int i = 0; i < N_EXCEPTION_STACKS; i++)
		boot_tss.ist[i] = (u64)(exception_stacks[i] + EXCEPTION_STACK_SIZE);
	boot_tss.io_bitmap_base = sizeof(boot_tss); /* no I/O bitmap */
	set_tss_desc(&gdt_table[GDT_ENTRY_TSS], (unsigned long)&boot_tss, sizeof(boot_tss) - 1);

	asm volatile("lgdt %0\n\t"
		     "pushq %1\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\n\t"
		     "movl %2, %%eax\n\t"
		     "movl %%eax, %%ds\n\t"
		     "movl %%eax, %%es\n\t"
		     "movl %%eax, %%ss\n\t"
		     "ltr %w3"
		     :
		     : "m"(gdtr), "i"(__KERNEL_CS), "i"(__KERNEL_DS), "r"(GDT_ENTRY_TSS_SEL)
		     : "rax", "memory");
}
