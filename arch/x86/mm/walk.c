// SPDX-License-Identifier: GPL-2.0
/*
 * The page-table walker for one address: pgd -> p4d (folded) -> pud -> pmd -> pte, with
 * a callback per level. The oops report's "PGD ... P4D ... PUD ... PMD ..." line, and the
 * monitor's views, are its visitors. Table memory is read without trusting it: an entry
 * pointing outside reachable memory ends the walk instead of faulting.
 */
#include <linux/kernel.h>
#include <linux/uaccess.h>
#include <asm/pgtable.h>

const char *const pt_level_name[PT_NR_LEVELS] = { "pgd", "p4d", "pud", "pmd", "pte" };

static const unsigned int level_shift[PT_NR_LEVELS] = { PGDIR_SHIFT, P4D_SHIFT, PUD_SHIFT,
							 PMD_SHIFT, PAGE_SHIFT };

/* Page-table pages live in the kernel image until the direct map exists. */
void *pt_table_va(phys_addr_t pa)
{
	if (pa >= KERNEL_IMAGE_SIZE)
		return NULL;
	return __va_kimage(pa);
}

static bool read_entry(phys_addr_t table_pa, unsigned int index, unsigned long *entry)
{
	const unsigned long *table = pt_table_va(table_pa);

	*entry = 0;
	return table && !copy_from_kernel_nofault(entry, &table[index], sizeof(*entry));
}

enum pt_level pt_walk_va(phys_addr_t pgd_pa, unsigned long va, pt_step_fn fn, void *arg,
			 phys_addr_t *pa, bool *mapped)
{
	phys_addr_t table = pgd_pa & PTE_PFN_MASK;
	struct pt_step s = { 0 };

	*mapped = false;
	for (enum pt_level l = PT_PGD; l < PT_NR_LEVELS; l++) {
		unsigned long size = 1UL << level_shift[l];

		s.level = l;
		if (l != PT_P4D) { /* the folded p4d repeats the pgd step */
			s.index = (va >> level_shift[l]) & 511;
			s.table_pa = table;
			s.readable = read_entry(table, s.index, &s.entry);
		} else {
			s.index = 0;
		}
		s.leaf = (s.entry & _PAGE_PRESENT) &&
			 (l == PT_PTE || ((l == PT_PUD || l == PT_PMD) && (s.entry & _PAGE_PSE)));
		if (fn)
			fn(&s, arg);
		if (!(s.entry & _PAGE_PRESENT) || !s.readable)
			return l;
		if (s.leaf) {
			*pa = (s.entry & PTE_PFN_MASK & ~(size - 1)) | (va & (size - 1));
			*mapped = true;
			return l;
		}
		table = s.entry & PTE_PFN_MASK;
	}
	return PT_PTE;
}
