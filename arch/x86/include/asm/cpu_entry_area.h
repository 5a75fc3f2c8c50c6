/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cpu_entry_area (Linux's asm/cpu_entry_area.h): per CPU, the GDT (read-only), the TSS
 * and the IST exception stacks, each stack between unmapped guard pages, at a fixed address
 * in the cpu_entry_area row of the layout table. The IDT is mapped read-only in front.
 */
#ifndef _ASM_X86_CPU_ENTRY_AREA_H
#define _ASM_X86_CPU_ENTRY_AREA_H

#include <asm/page_types.h>
#include <asm/desc.h>
#include <linux/percpu.h>

#define EXCEPTION_STKSZ PAGE_SIZE

struct cea_exception_stacks {
	char DF_stack_guard[PAGE_SIZE];
	char DF_stack[EXCEPTION_STKSZ];
	char NMI_stack_guard[PAGE_SIZE];
	char NMI_stack[EXCEPTION_STKSZ];
	char MCE_stack_guard[PAGE_SIZE];
	char MCE_stack[EXCEPTION_STKSZ];
	char IST_top_guard[PAGE_SIZE];
};

struct cpu_entry_area {
	char gdt[PAGE_SIZE];
	char tss[PAGE_SIZE];
	struct cea_exception_stacks estacks;
};

#define CPU_ENTRY_AREA_RO_IDT CPU_ENTRY_AREA_BASE
#define CPU_ENTRY_AREA_PER_CPU (CPU_ENTRY_AREA_RO_IDT + PAGE_SIZE)
#define CPU_ENTRY_AREA_TOTAL_SIZE (PAGE_SIZE + NR_CPUS * sizeof(struct cpu_entry_area))

static inline struct cpu_entry_area *get_cpu_entry_area(int cpu)
{
	return (struct cpu_entry_area *)(CPU_ENTRY_AREA_PER_CPU +
					 cpu * sizeof(struct cpu_entry_area));
}

/* Each CPU's tables: per-CPU variables, page-aligned, each in pages of its own. */
struct gdt_page {
	u64 gdt[PAGE_SIZE / 8];
} __aligned(PAGE_SIZE);
struct exception_stacks {
	u8 stack[N_EXCEPTION_STACKS][EXCEPTION_STKSZ];
};
DECLARE_PER_CPU_PAGE_ALIGNED(struct gdt_page, gdt_page);
DECLARE_PER_CPU_PAGE_ALIGNED(struct tss_struct, cpu_tss_rw);
DECLARE_PER_CPU_PAGE_ALIGNED(struct exception_stacks, exception_stacks);
extern u8 idt_page[PAGE_SIZE];

/* Map CPU cpu's area in the tables under pgd_pa; 0 or -ENOMEM. */
int setup_cpu_entry_area(phys_addr_t pgd_pa, int cpu);
/* Switch the running CPU to its area's GDT, TSS, IST stacks and IDT. */
void load_cpu_entry_area(int cpu);

#endif /* _ASM_X86_CPU_ENTRY_AREA_H */
