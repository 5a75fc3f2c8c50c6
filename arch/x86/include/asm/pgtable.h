/* SPDX-License-Identifier: GPL-2.0 */
/* Page-table levels and the one single-address walker. */
#ifndef _ASM_X86_PGTABLE_H
#define _ASM_X86_PGTABLE_H

#include <linux/types.h>
#include <asm/page_types.h>
#include <asm/pgtable_types.h>

typedef struct { unsigned long pgd; } pgd_t;
typedef struct { unsigned long pud; } pud_t;
typedef struct { unsigned long pmd; } pmd_t;
typedef struct { unsigned long pte; } pte_t;

static inline unsigned long pgd_index(unsigned long va)
{
	return (va >> PGDIR_SHIFT) & (PTRS_PER_PGD - 1);
}
static inline unsigned long pud_index(unsigned long va)
{
	return (va >> PUD_SHIFT) & (PTRS_PER_PUD - 1);
}
static inline unsigned long pmd_index(unsigned long va)
{
	return (va >> PMD_SHIFT) & (PTRS_PER_PMD - 1);
}
static inline unsigned long pte_index(unsigned long va)
{
	return (va >> PAGE_SHIFT) & (PTRS_PER_PTE - 1);
}

/* Canonical: bits 63..47 all equal (4-level paging). */
static inline bool is_canonical_address(unsigned long va)
{
	return ((long)(va << (64 - (__VIRTUAL_MASK_SHIFT + 1))) >> (64 - (__VIRTUAL_MASK_SHIFT + 1))) ==
	       (long)va;
}

enum pt_level { PT_PGD, PT_P4D, PT_PUD, PT_PMD, PT_PTE, PT_NR_LEVELS };
extern const char *const pt_level_name[PT_NR_LEVELS];

/* One step of a walk: the entry found at `level` for the address being walked. */
struct pt_step {
	enum pt_level level;
	unsigned int index; /* the entry's index in its table */
	phys_addr_t table_pa; /* physical address of the table */
	unsigned long entry; /* the raw entry */
	bool readable; /* false: the table could not be read (entry is 0) */
	bool leaf; /* maps a page: a pte, or PSE at pud/pmd */
};

typedef void (*pt_step_fn)(const struct pt_step *step, void *arg);
/*
 * Walk va from the top table at pgd_pa, calling fn at each level (p4d is folded: it is
 * visited with the pgd's entry, as Linux prints it). Stops at a non-present entry or a
 * leaf. Returns the last step's level; *pa gets the physical address when va is mapped.
 */
enum pt_level pt_walk_va(phys_addr_t pgd_pa, unsigned long va, pt_step_fn fn, void *arg,
			 phys_addr_t *pa, bool *mapped);
/* A kernel pointer to page-table memory at pa, or NULL if not reachable. */
void *pt_table_va(phys_addr_t pa);

#endif /* _ASM_X86_PGTABLE_H */
