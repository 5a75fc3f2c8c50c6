// SPDX-License-Identifier: GPL-2.0
/*
 * The mapper: map, unmap and change kernel mappings in a page-table tree given by its pgd's
 * physical address. Table memory comes from pt_alloc_table() and is reached through
 * pt_table_va(), so the same code builds init_top_pgt at boot, edits it afterwards, and
 * runs in host tests over simulated physical memory. TLB flushing is the caller's.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <asm/pgtable.h>

unsigned long nr_pagetable_pages;

static unsigned long *table_at(phys_addr_t pa)
{
	return pt_table_va(pa);
}

/* Flags of a large leaf from 4 KiB-style prot: PSE set, PAT moved from bit 7 to bit 12. */
static unsigned long large_flags(unsigned long prot)
{
	unsigned long f = (prot & ~_PAGE_PAT) | _PAGE_PSE;

	return (prot & _PAGE_PAT) ? f | _PAGE_PAT_LARGE : f;
}

/* Flags of the 4 KiB ptes that replace a large leaf: the reverse of large_flags(). */
static unsigned long small_flags(unsigned long large)
{
	unsigned long f = large & PTE_FLAGS_MASK & ~(_PAGE_PSE | _PAGE_PAT_LARGE);

	return (large & _PAGE_PAT_LARGE) ? f | _PAGE_PAT : f;
}

/*
 * The table below entry `index` of the table at table_pa (a pgd, pud or pmd): allocated
 * and linked when absent and alloc is set. A 2 MiB leaf in the way is split when split
 * is set. Returns the lower table's pa, or 0 (absent, a leaf left alone, or no memory).
 */
static phys_addr_t lower_table(phys_addr_t table_pa, enum pt_level level, unsigned int index,
			       bool alloc, bool split)
{
	unsigned long *t = table_at(table_pa);
	unsigned long e = t[index];
	phys_addr_t pa;

	if (e & _PAGE_PRESENT) {
		if (!pt_entry_leaf(level, e))
			return e & PTE_PFN_MASK;
		if (level != PT_PMD || !split || pt_split_pmd(table_pa, index))
			return 0;
		return t[index] & PTE_PFN_MASK;
	}
	if (!alloc)
		return 0;
	pa = pt_alloc_table();
	if (!pa)
		return 0;
	nr_pagetable_pages++;
	t[index] = pa | _KERNPG_TABLE;
	return pa;
}

int pt_split_pmd(phys_addr_t pmd_table_pa, unsigned int index)
{
	unsigned long *pmd = table_at(pmd_table_pa), e = pmd[index], *pte, flags;
	phys_addr_t pa, pte_pa;

	if (!pt_entry_leaf(PT_PMD, e))
		return -EINVAL;
	pte_pa = pt_alloc_table();
	if (!pte_pa)
		return -ENOMEM;
	nr_pagetable_pages++;
	pte = table_at(pte_pa);
	pa = pt_entry_pa(PT_PMD, e);
	flags = small_flags(e);
	for (unsigned int i = 0; i < PTRS_PER_PTE; i++)
		pte[i] = (pa + i * PAGE_SIZE) | flags;
	pmd[index] = pte_pa | _KERNPG_TABLE | (e & _PAGE_USER);
	return 0;
}

/*
 * Make room for a 2 MiB leaf at pmd[index]: a pte table there that maps nothing (left by
 * an earlier unmap) is freed. Returns false when the pte table still maps something.
 */
static bool pmd_drop_empty_table(unsigned long *pmd, unsigned int index)
{
	unsigned long e = pmd[index];
	const unsigned long *pte;

	if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
		return true;
	pte = table_at(e & PTE_PFN_MASK);
	for (unsigned int i = 0; i < PTRS_PER_PTE; i++)
		if (pte[i])
			return false;
	pmd[index] = 0;
	pt_free_table(e & PTE_PFN_MASK);
	nr_pagetable_pages--;
	return true;
}

/* The pmd table covering va, allocated on the way down when alloc is set. */
static phys_addr_t pmd_table(phys_addr_t pgd_pa, unsigned long va, bool alloc)
{
	phys_addr_t pud = lower_table(pgd_pa & PTE_PFN_MASK, PT_PGD, pgd_index(va), alloc, false);

	return pud ? lower_table(pud, PT_PUD, pud_index(va), alloc, false) : 0;
}

int pt_populate(phys_addr_t pgd_pa, unsigned long va)
{
	phys_addr_t pmd_pa = pmd_table(pgd_pa, va, true);

	return pmd_pa && lower_table(pmd_pa, PT_PMD, pmd_index(va), true, true) ? 0 : -ENOMEM;
}

int pt_map_range(phys_addr_t pgd_pa, unsigned long va, phys_addr_t pa, unsigned long size,
		 pgprot_t prot, unsigned long page_size)
{
	unsigned long flags = pgprot_val(prot) & PTE_FLAGS_MASK;

	if ((page_size != PAGE_SIZE && page_size != PMD_SIZE) || (va | pa | size) & (page_size - 1))
		return -EINVAL;
	for (unsigned long off = 0; off < size; off += page_size) {
		unsigned long a = va + off, *pmd, *pte;
		phys_addr_t pmd_pa = pmd_table(pgd_pa, a, true), pte_pa;

		if (!pmd_pa)
			return -ENOMEM;
		pmd = table_at(pmd_pa);
		if (page_size == PMD_SIZE) {
			if (!pmd_drop_empty_table(pmd, pmd_index(a)))
				return -EEXIST; /* ptes still mapped there: unmap them first */
			pmd[pmd_index(a)] = (pa + off) | large_flags(flags);
			continue;
		}
		pte_pa = lower_table(pmd_pa, PT_PMD, pmd_index(a), true, true);
		if (!pte_pa)
			return -ENOMEM;
		pte = table_at(pte_pa);
		pte[pte_index(a)] = (pa + off) | flags;
	}
	return 0;
}

/*
 * Apply fn to every present leaf in [va, va + size), splitting 2 MiB leaves the range
 * covers in part. fn gets the table and index of the leaf.
 */
static int for_each_leaf(phys_addr_t pgd_pa, unsigned long va, unsigned long size,
			 void (*fn)(unsigned long *t, unsigned int i, void *arg), void *arg)
{
	unsigned long a = va, left = size; /* counting what is left copes with the top of memory */

	if ((va | size) & (PAGE_SIZE - 1))
		return -EINVAL;
	while (left) {
		phys_addr_t pmd_pa = pmd_table(pgd_pa, a, false), pte_pa;
		unsigned long in_pmd = PMD_SIZE - (a & ~PMD_MASK), *pmd, step;

		if (!pmd_pa) { /* nothing mapped up to the next pud boundary */
			step = min(left, PUD_SIZE - (a & ~PUD_MASK));
			a += step;
			left -= step;
			continue;
		}
		pmd = table_at(pmd_pa);
		step = min(left, in_pmd);
		if (pt_entry_leaf(PT_PMD, pmd[pmd_index(a)]) && step == PMD_SIZE) {
			fn(pmd, pmd_index(a), arg);
		} else {
			pte_pa = lower_table(pmd_pa, PT_PMD, pmd_index(a), false, true);
			if (!pte_pa && pt_entry_leaf(PT_PMD, pmd[pmd_index(a)]))
				return -ENOMEM; /* the split failed */
			for (unsigned long off = 0; pte_pa && off < step; off += PAGE_SIZE) {
				unsigned long *pte = table_at(pte_pa);

				if (pte[pte_index(a + off)] & _PAGE_PRESENT)
					fn(pte, pte_index(a + off), arg);
			}
		}
		a += step;
		left -= step;
	}
	return 0;
}

static void clear_leaf(unsigned long *t, unsigned int i, void *arg)
{
	(void)arg;
	t[i] = 0;
}

int pt_unmap_range(phys_addr_t pgd_pa, unsigned long va, unsigned long size)
{
	return for_each_leaf(pgd_pa, va, size, clear_leaf, NULL);
}

struct prot_change {
	unsigned long set, clear;
};

static void change_leaf(unsigned long *t, unsigned int i, void *arg)
{
	const struct prot_change *c = arg;

	t[i] = (t[i] & ~c->clear) | c->set;
}

int pt_change_prot(phys_addr_t pgd_pa, unsigned long va, unsigned long size, unsigned long set,
		   unsigned long clear)
{
	struct prot_change c = { set & PTE_FLAGS_MASK, clear & PTE_FLAGS_MASK };

	return for_each_leaf(pgd_pa, va, size, change_leaf, &c);
}
