// SPDX-License-Identifier: GPL-2.0
/*
 * Constants from the C headers for NASM (Linux's asm-offsets). Compiled to assembly only;
 * the Makefile turns each "->NAME value" marker into a %define in generated/asm-offsets.inc,
 * so no struct offset, bit or page-table index is typed twice.
 */
#include <linux/types.h>
#include <asm/page_types.h>
#include <asm/pgtable_types.h>
#include <asm/processor-flags.h>
#include <asm/segment.h>
#include <asm/ptrace.h>
#include <carto/multiboot2.h>

#define DEFINE(sym, val) asm volatile("\n.ascii \"->" #sym " %0\"" : : "i"(val))
#define OFFSET(sym, str, mem) DEFINE(sym, offsetof(struct str, mem))

void asm_offsets(void);
void asm_offsets(void)
{
	DEFINE(PAGE_SIZE, PAGE_SIZE);
	DEFINE(PMD_SIZE, PMD_SIZE);
	DEFINE(PTRS_PER_PMD, PTRS_PER_PMD);
	DEFINE(PGD_INDEX_KERNEL_MAP, (__START_KERNEL_map >> PGDIR_SHIFT) & (PTRS_PER_PGD - 1));
	DEFINE(PUD_INDEX_KERNEL_MAP, (__START_KERNEL_map >> PUD_SHIFT) & (PTRS_PER_PUD - 1));
	DEFINE(KERNEL_MAP_PMDS, KERNEL_IMAGE_SIZE / PMD_SIZE);
	DEFINE(_KERNPG_TABLE, _KERNPG_TABLE);
	DEFINE(__PAGE_KERNEL_LARGE_EXEC, __PAGE_KERNEL_LARGE_EXEC);
	DEFINE(_PAGE_PRESENT_RW_PSE, _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE);

	DEFINE(X86_CR0_PE, X86_CR0_PE);
	DEFINE(X86_CR0_PG, X86_CR0_PG);
	DEFINE(X86_CR4_PAE, X86_CR4_PAE);
	DEFINE(MSR_EFER, MSR_EFER);
	DEFINE(EFER_LME, EFER_LME);
	DEFINE(EFER_NX, EFER_NX);
	DEFINE(X86_EFLAGS_ID, X86_EFLAGS_ID);
	DEFINE(X86_FEATURE_PAE_BIT, X86_FEATURE_PAE_BIT);
	DEFINE(X86_FEATURE_NX_BIT, X86_FEATURE_NX_BIT);
	DEFINE(X86_FEATURE_LM_BIT, X86_FEATURE_LM_BIT);

	DEFINE(MULTIBOOT2_HEADER_MAGIC, MULTIBOOT2_HEADER_MAGIC);
	DEFINE(MULTIBOOT2_BOOTLOADER_MAGIC, MULTIBOOT2_BOOTLOADER_MAGIC);

	DEFINE(__KERNEL32_CS, __KERNEL32_CS);
	DEFINE(__KERNEL_CS, __KERNEL_CS);
	DEFINE(__KERNEL_DS, __KERNEL_DS);
	DEFINE(GDT_ENTRY_TSS, GDT_ENTRY_TSS);
	DEFINE(GDT_ENTRIES, GDT_ENTRIES);

	OFFSET(PTREGS_R15, pt_regs, r15);
	OFFSET(PTREGS_ORIG_AX, pt_regs, orig_ax);
	OFFSET(PTREGS_IP, pt_regs, ip);
	OFFSET(PTREGS_SP, pt_regs, sp);
	DEFINE(PTREGS_SIZE, sizeof(struct pt_regs));
}
