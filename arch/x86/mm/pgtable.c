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
 * A range the mapper may touch: not empty, not wrapping past 2^64, canonical at both ends
 * and on one side of the non-canonical hole.
 */
static bool range_ok(unsigned long va, unsigned long size)
{
	unsigned long last = va + size - 1;

	return size && last >= va && is_canonical_address(va) && is_canonical_address(last) &&
	       (long)va >> 63 == (long)last >> 63;
}

/* Split a large leaf at table[index] (a pud's 1 GiB or a pmd's 2 MiB) into a lower table. */
static int split_leaf(phys_addr_t table_pa, enum pt_level level, unsigned int index)
{
	unsigned long *t = table_at(table_pa), e = t[index], *lower, flags, step;
	phys_addr_t pa, lower_pa;

	if ((level != PT_PUD && level != PT_PMD) || !pt_entry_leaf(level, e))
		return -EINVAL;
	lower_pa = pt_alloc_table();
	if (!lower_pa)
		return -ENOMEM;
	nr_pagetable_pages++;
	lower = table_at(lower_pa);
	pa = pt_entry_pa(level, e);
	/* A 1 GiB page becomes 2 MiB pages (flags as they are), a 2 MiB page 4 KiB ptes. */
	flags = level == PT_PUD ? e & PTE_FLAGS_MASK & ~_PAGE_PAT_LARGE : small_flags(e);
	step = level == PT_PUD ? PMD_SIZE : PAGE_SIZE;
	for (unsigned int i = 0; i < 512; i++)
		lower[i] = (pa + i * step) | flags | (level == PT_PUD ? e & _PAGE_PAT_LARGE : 0);
	t[index] = lower_pa | _KERNPG_TABLE | (e & _PAGE_USER);
	return 0;
}

int pt_split_pmd(phys_addr_t pmd_table_pa, unsigned int index)
{
	return split_leaf(pmd_table_pa, PT_PMD, index);
}

/*
 * The table below entry `index` of the table at table_pa: allocated and linked when absent
 * and alloc is set; a large leaf in the way split when split is set. Returns the lower
 * table's pa, or 0 (absent, a leaf left alone, unreachable, or no memory).
 */
static phys_addr_t lower_table(phys_addr_t table_pa, enum pt_level level, unsigned int index,
			       bool alloc, bool split)
{
	unsigned long *t = table_at(table_pa);
	phys_addr_t pa;

	if (!t)
		return 0;
	if (t[index] & _PAGE_PRESENT) {
		if (pt_entry_leaf(level, t[index]) &&
		    (!split || split_leaf(table_pa, level, index)))
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

/*
 * Make room for a 2 MiB leaf at pmd[index]: a pte table there that maps nothing (left by
 * an earlier unmap) is freed. Returns false when the pte table still holds entries.
 */
static bool pmd_drop_empty_table(unsigned long *pmd, unsigned int index)
{
	unsigned long e = pmd[index];
	const unsigned long *pte;

	if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
		return true;
	pte = table_at(e & PTE_PFN_MASK);
	for (unsigned int i = 0; pte && i < PTRS_PER_PTE; i++)
		if (pte[i])
			return false;
	pmd[index] = 0;
	pt_free_table(e & PTE_PFN_MASK);
	nr_pagetable_pages--;
	return true;
}

/* The pmd table covering va, allocated (and 1 GiB pages split) on the way down if alloc. */
static phys_addr_t pmd_table(phys_addr_t pgd_pa, unsigned long va, bool alloc)
{
	phys_addr_t pud = lower_table(pgd_pa & PTE_PFN_MASK, PT_PGD, pgd_index(va), alloc, false);

	return pud ? lower_table(pud, PT_PUD, pud_index(va), alloc, alloc) : 0;
}

int pt_populate(phys_addr_t pgd_pa, unsigned long va)
{
	phys_addr_t pmd_pa;

	if (!range_ok(va, PAGE_SIZE))
		return -EINVAL;
	pmd_pa = pmd_table(pgd_pa, va, true);
	return pmd_pa && lower_table(pmd_pa, PT_PMD, pmd_index(va), true, true) ? 0 : -ENOMEM;
}

int pt_map_range(phys_addr_t pgd_pa, unsigned long va, phys_addr_t pa, unsigned long size,
		 pgprot_t prot, unsigned long page_size)
{
	unsigned long flags = pgprot_val(prot) & PTE_FLAGS_MASK;

	if ((page_size != PAGE_SIZE && page_size != PMD_SIZE) || (va | pa | size) & (page_size - 1))
		return -EINVAL;
	if (!size)
		return 0;
	if (!range_ok(va, size))
		return -EINVAL;
	phys_addr_t pmd_pa = 0;

	for (unsigned long off = 0; off < size; off += page_size) {
		unsigned long a = va + off, *pmd, *pte;
		phys_addr_t pte_pa;

		/* Descend again only when a new pud entry (1 GiB) begins. */
		if (!pmd_pa || !(a & ~PUD_MASK))
			pmd_pa = pmd_table(pgd_pa, a, true);
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

typedef void (*leaf_fn)(unsigned long *t, unsigned int i, enum pt_level level, void *arg);

/*
 * Apply fn to every present leaf in [va, va + size), whatever its size: a large leaf the
 * range covers whole is passed as it is, one it covers in part is split first. Descends
 * from the pgd at every step, so a split is seen at once.
 */
static int for_each_leaf(phys_addr_t pgd_pa, unsigned long va, unsigned long size, leaf_fn fn,
			 void *arg)
{
	unsigned long a = va, left = size; /* counting what is left copes with the top of memory */

	if ((va | size) & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!size)
		return 0;
	if (!range_ok(va, size))
		return -EINVAL;
	while (left) {
		phys_addr_t table = pgd_pa & PTE_PFN_MASK;
		enum pt_level level = PT_PGD;
		unsigned long step;

		for (;;) {
			unsigned long lsize = pt_level_size(level), *t = table_at(table);
			unsigned int i = (a >> pt_level_shift[level]) & 511;

			step = min(left, lsize - (a & (lsize - 1)));
			if (!t || !(t[i] & _PAGE_PRESENT))
				break; /* nothing mapped up to the entry's end */
			if (pt_entry_leaf(level, t[i])) {
				if (step == lsize) {
					fn(t, i, level, arg);
					break;
				}
				if (split_leaf(table, level, i))
					return -ENOMEM;
			}
			table = t[i] & PTE_PFN_MASK;
			level = level == PT_PGD ? PT_PUD : level + 1;
		}
		a += step;
		left -= step;
	}
	return 0;
}

static void clear_leaf(unsigned long *t, unsigned int i, enum pt_level level, void *arg)
{
	(void)level;
	(void)arg;
	t[i] = 0;
}

int pt_unmap_range(phys_addr_t pgd_pa, unsigned long va, unsigned long size)
{
	return for_each_leaf(pgd_pa, va, size, clear_leaf, NULL);
}

struct prot_change {
	unsigned long set, clear; /* 4 KiB-style: PAT in bit 7 */
};

/* Apply a 4 KiB-style change: in a large leaf PAT is bit 12 and bit 7 (PSE) stays set. */
static void change_leaf(unsigned long *t, unsigned int i, enum pt_level level, void *arg)
{
	const struct prot_change *c = arg;
	unsigned long set = c->set, clear = c->clear;

	if (level != PT_PTE) {
		set = (set & _PAGE_PAT) ? (set & ~_PAGE_PAT) | _PAGE_PAT_LARGE : set;
		clear = (clear & _PAGE_PAT) ? (clear & ~_PAGE_PAT) | _PAGE_PAT_LARGE : clear;
	}
	t[i] = (t[i] & ~clear) | set;
}

int pt_change_prot(phys_addr_t pgd_pa, unsigned long va, unsigned long size, unsigned long set,
		   unsigned long clear)
{
	/* The frame address and the present bit are not protections. */
	unsigned long mask = PTE_FLAGS_MASK & ~_PAGE_PRESENT;
	struct prot_change c = { set & mask, clear & mask };

	return for_each_leaf(pgd_pa, va, size, change_leaf, &c);
}
