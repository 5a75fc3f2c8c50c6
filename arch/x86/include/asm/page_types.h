/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page sizes and the fixed points of the kernel address space, derived from the layout
 * table (asm/layout.def through generated/layout.h). Safe for C, NASM-generated includes
 * and the preprocessed linker script.
 */
#ifndef _ASM_X86_PAGE_TYPES_H
#define _ASM_X86_PAGE_TYPES_H

#include <linux/const.h>
#include <generated/layout.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (_AC(1, UL) << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

/* Intel: PML4 (pgd), PDPT (pud), PD (pmd), PT (pte). p4d is folded in 4-level mode. */
#define PGDIR_SHIFT 39
#define P4D_SHIFT 39
#define PUD_SHIFT 30
#define PMD_SHIFT 21
#define PTRS_PER_PGD 512
#define PTRS_PER_P4D 1
#define PTRS_PER_PUD 512
#define PTRS_PER_PMD 512
#define PTRS_PER_PTE 512

#define PGDIR_SIZE (_AC(1, UL) << PGDIR_SHIFT)
#define PGDIR_MASK (~(PGDIR_SIZE - 1))
#define PUD_SIZE (_AC(1, UL) << PUD_SHIFT)
#define PUD_MASK (~(PUD_SIZE - 1))
#define PMD_SIZE (_AC(1, UL) << PMD_SHIFT)
#define PMD_MASK (~(PMD_SIZE - 1))

#define __VIRTUAL_MASK_SHIFT 47

/* Linux's names for the fixed points, each one row of the layout table. */
#define __PAGE_OFFSET LAYOUT_DIRECT_MAP_START
#define __START_KERNEL_map LAYOUT_KERNEL_TEXT_START
#define KERNEL_IMAGE_SIZE (LAYOUT_KERNEL_TEXT_END - LAYOUT_KERNEL_TEXT_START + 1)
#define __START_KERNEL (__START_KERNEL_map + LOAD_PHYSICAL_ADDR)
#define VMALLOC_START LAYOUT_VMALLOC_START
#define VMALLOC_END LAYOUT_VMALLOC_END
#define VMEMMAP_START LAYOUT_VMEMMAP_START
#define CPU_ENTRY_AREA_BASE LAYOUT_CPU_ENTRY_AREA_START
#define MODULES_VADDR LAYOUT_MODULES_START
#define MODULES_END (LAYOUT_MODULES_END + 1)
#define VSYSCALL_ADDR LAYOUT_VSYSCALL_START

#ifndef __ASSEMBLY__
/* Kernel image virtual address <-> physical address, through the text mapping. */
#define __pa_symbol(x) ((unsigned long)(x)-__START_KERNEL_map)
#define __va_kimage(pa) ((void *)((unsigned long)(pa) + __START_KERNEL_map))
#endif

#endif /* _ASM_X86_PAGE_TYPES_H */
