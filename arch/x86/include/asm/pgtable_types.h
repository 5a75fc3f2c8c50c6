/* SPDX-License-Identifier: GPL-2.0 */
/* Page-table entry bits (Intel SDM vol. 3, 4.5), numbers and masks as Linux names them. */
#ifndef _ASM_X86_PGTABLE_TYPES_H
#define _ASM_X86_PGTABLE_TYPES_H

#include <linux/const.h>

#define _PAGE_BIT_PRESENT 0
#define _PAGE_BIT_RW 1
#define _PAGE_BIT_USER 2
#define _PAGE_BIT_PWT 3
#define _PAGE_BIT_PCD 4
#define _PAGE_BIT_ACCESSED 5
#define _PAGE_BIT_DIRTY 6
#define _PAGE_BIT_PSE 7 /* 2 MiB / 1 GiB leaf in a pmd / pud */
#define _PAGE_BIT_PAT 7 /* in a 4 KiB pte */
#define _PAGE_BIT_GLOBAL 8
#define _PAGE_BIT_SOFTW1 9
#define _PAGE_BIT_SOFTW2 10
#define _PAGE_BIT_SOFTW3 11
#define _PAGE_BIT_PAT_LARGE 12
#define _PAGE_BIT_PKEY_BIT0 59
#define _PAGE_BIT_NX 63

#define _PAGE_PRESENT _BITUL(_PAGE_BIT_PRESENT)
#define _PAGE_RW _BITUL(_PAGE_BIT_RW)
#define _PAGE_USER _BITUL(_PAGE_BIT_USER)
#define _PAGE_PWT _BITUL(_PAGE_BIT_PWT)
#define _PAGE_PCD _BITUL(_PAGE_BIT_PCD)
#define _PAGE_ACCESSED _BITUL(_PAGE_BIT_ACCESSED)
#define _PAGE_DIRTY _BITUL(_PAGE_BIT_DIRTY)
#define _PAGE_PSE _BITUL(_PAGE_BIT_PSE)
#define _PAGE_PAT _BITUL(_PAGE_BIT_PAT)
#define _PAGE_GLOBAL _BITUL(_PAGE_BIT_GLOBAL)
#define _PAGE_PAT_LARGE _BITUL(_PAGE_BIT_PAT_LARGE)
#define _PAGE_NX _BITUL(_PAGE_BIT_NX)

/* Physical address field: bits 12..51. */
#define __PHYSICAL_MASK_SHIFT 52
#define __PHYSICAL_MASK ((_AC(1, UL) << __PHYSICAL_MASK_SHIFT) - 1)
#define PTE_PFN_MASK (__PHYSICAL_MASK & PAGE_MASK_4K)
#define PAGE_MASK_4K (~_AC(0xfff, UL))

/* A table entry pointing to a lower table, and a kernel leaf: Linux's _KERNPG_TABLE. */
#define _KERNPG_TABLE (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define __PAGE_KERNEL_LARGE_EXEC \
	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_PSE | _PAGE_GLOBAL)

#endif /* _ASM_X86_PGTABLE_TYPES_H */
