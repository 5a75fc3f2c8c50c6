// SPDX-License-Identifier: GPL-2.0
/*
 * TLB flushing for kernel mappings (Linux's arch/x86/mm/tlb.c, local part): invlpg per
 * page up to tlb_single_page_flush_ceiling pages, else a full flush. Kernel mappings are
 * global, so a full flush toggles CR4.PGE; a CR3 write would keep them.
 */
#include <linux/kernel.h>
#include <asm/page_types.h>
#include <asm/tlbflush.h>
#include <asm/special_insns.h>

unsigned long tlb_single_page_flush_ceiling = 33;

void flush_tlb_one_kernel(unsigned long addr)
{
	asm volatile("invlpg (%0)" : : "r"(addr) : "memory");
}

void flush_tlb_all(void)
{
	unsigned long flags = local_irq_save(), cr4 = read_cr4();

	if (cr4 & X86_CR4_PGE) {
		write_cr4(cr4 & ~X86_CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
	local_irq_restore(flags);
}

void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	if ((end - start) >> PAGE_SHIFT > tlb_single_page_flush_ceiling) {
		flush_tlb_all();
		return;
	}
	for (unsigned long a = start & PAGE_MASK; a < end; a += PAGE_SIZE)
		flush_tlb_one_kernel(a);
}
