/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compile-time virtual addresses (Linux's asm/fixmap.h): slot x is the page at
 * FIXADDR_TOP - x * PAGE_SIZE. The legacy vsyscall page is slot VSYSCALL_PAGE, so the
 * permanent slots after it and the early-ioremap (btmap) slots lie below VSYSCALL_ADDR,
 * down to the fixmap row of the layout table: its start decides how many btmap slots exist.
 */
#ifndef _ASM_X86_FIXMAP_H
#define _ASM_X86_FIXMAP_H

#include <asm/page_types.h>

#define MAX_IO_APICS 8

enum fixed_addresses {
	VSYSCALL_PAGE = (FIXADDR_TOP - VSYSCALL_ADDR) >> PAGE_SHIFT,
	FIX_APIC_BASE,
	FIX_IO_APIC_BASE_0,
	FIX_IO_APIC_BASE_END = FIX_IO_APIC_BASE_0 + MAX_IO_APICS - 1,
	FIX_TEXT_POKE1,
	FIX_TEXT_POKE0,
	__end_of_permanent_fixed_addresses,
	FIX_BTMAP_END = __end_of_permanent_fixed_addresses,
	FIX_BTMAP_BEGIN = ((FIXADDR_TOP - LAYOUT_FIXMAP_START) >> PAGE_SHIFT) - 1,
	__end_of_fixed_addresses
};

#define FIXADDR_SIZE ((unsigned long)__end_of_permanent_fixed_addresses << PAGE_SHIFT)
#define FIXADDR_START (FIXADDR_TOP - FIXADDR_SIZE)
#define FIXADDR_TOT_START (FIXADDR_TOP - ((unsigned long)__end_of_fixed_addresses << PAGE_SHIFT))
#define NR_FIX_BTMAPS (FIX_BTMAP_BEGIN - FIX_BTMAP_END + 1)

#define __fix_to_virt(x) (FIXADDR_TOP - ((unsigned long)(x) << PAGE_SHIFT))
#define __virt_to_fix(x) ((FIXADDR_TOP - ((x)&PAGE_MASK)) >> PAGE_SHIFT)

#ifndef __ASSEMBLY__
#include <linux/types.h>
#include <asm/pgtable.h>

/* Map slot idx to pa with prot (flushing the slot's old translation). 0 or -errno. */
int __set_fixmap(enum fixed_addresses idx, phys_addr_t pa, pgprot_t prot);
int clear_fixmap(enum fixed_addresses idx);
/* Map [pa, pa + size) through btmap slots for early use; NULL when out of slots. */
void *early_ioremap(phys_addr_t pa, unsigned long size);
void early_iounmap(void *va, unsigned long size);
#endif

#endif /* _ASM_X86_FIXMAP_H */
