/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page tables: pgd -> p4d (folded in 4-level mode) -> pud -> pmd -> pte.
 * (Intel: PML4, -, PDPT, PD, PT.) The one walker, the mapper, and the entry-flag table.
 */
#ifndef _ASM_X86_PGTABLE_H
#define _ASM_X86_PGTABLE_H

#include <linux/types.h>
#include <asm/page_types.h>
#include <asm/pgtable_types.h>

typedef struct {
	unsigned long pgd;
} pgd_t;
typedef struct {
	unsigned long pud;
} pud_t;
typedef struct {
	unsigned long pmd;
} pmd_t;
typedef struct {
	unsigned long pte;
} pte_t;
typedef struct {
	unsigned long pgprot;
} pgprot_t;

#define __pgprot(x) ((pgprot_t){ (x) })
#define pgprot_val(p) ((p).pgprot)

/* Kernel protections (Linux's __PAGE_KERNEL_*), all global. */
#define __PAGE_KERNEL_BASE (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL)
#define __PAGE_KERNEL (__PAGE_KERNEL_BASE | _PAGE_RW | _PAGE_DIRTY | _PAGE_NX)
#define __PAGE_KERNEL_RO (__PAGE_KERNEL_BASE | _PAGE_NX)
#define __PAGE_KERNEL_RX (__PAGE_KERNEL_BASE)
#define __PAGE_KERNEL_VVAR (__PAGE_KERNEL_RO | _PAGE_USER)
#define PAGE_KERNEL __pgprot(__PAGE_KERNEL)
#define PAGE_KERNEL_RO __pgprot(__PAGE_KERNEL_RO)
#define PAGE_KERNEL_RX __pgprot(__PAGE_KERNEL_RX)
#define PAGE_KERNEL_VVAR __pgprot(__PAGE_KERNEL_VVAR)
#define PAGE_KERNEL_NOCACHE __pgprot(__PAGE_KERNEL | _PAGE_PCD | _PAGE_PWT)

/* The flags of an entry (everything but the frame address). */
#define PTE_FLAGS_MASK (~PTE_PFN_MASK)

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
	int shift = 64 - (__VIRTUAL_MASK_SHIFT + 1);

	return (unsigned long)((long)(va << shift) >> shift) == va;
}

/* Sign-extend a 48-bit address, as walking by indices produces them. */
static inline unsigned long normalize_addr(unsigned long va)
{
	int shift = 64 - (__VIRTUAL_MASK_SHIFT + 1);

	return (unsigned long)((long)(va << shift) >> shift);
}

enum pt_level { PT_PGD, PT_P4D, PT_PUD, PT_PMD, PT_PTE, PT_NR_LEVELS };
extern const char *const pt_level_name[PT_NR_LEVELS];
extern const unsigned int pt_level_shift[PT_NR_LEVELS];

static inline unsigned long pt_level_size(enum pt_level l)
{
	return 1UL << pt_level_shift[l];
}

/* A leaf: a pte, or an entry with PSE at pud or pmd level. */
static inline bool pt_entry_leaf(enum pt_level l, unsigned long e)
{
	return (e & _PAGE_PRESENT) &&
	       (l == PT_PTE || ((l == PT_PUD || l == PT_PMD) && (e & _PAGE_PSE)));
}

/* The physical frame an entry points at (a table, or a page of its level's size). */
static inline phys_addr_t pt_entry_pa(enum pt_level l, unsigned long e)
{
	if (pt_entry_leaf(l, e) && l != PT_PTE)
		return e & PTE_PFN_MASK & ~(pt_level_size(l) - 1);
	return e & PTE_PFN_MASK;
}

/* ---- the one walker ---- */

/* One entry met by a walk. */
struct pt_entry {
	enum pt_level level;
	unsigned long va; /* first address the entry translates (sign-extended) */
	unsigned long entry; /* raw value (0 when unreadable) */
	phys_addr_t table_pa; /* the table holding it */
	unsigned int index; /* its index in that table */
	bool present, leaf;
	bool readable; /* false: the table is not reachable memory */
};

enum { PT_WALK_CONTINUE, PT_WALK_SKIP /* do not descend */, PT_WALK_STOP };
typedef int (*pt_visit_t)(const struct pt_entry *e, void *arg);

/*
 * Visit, in address order, every entry of the tables under pgd_pa whose span meets
 * [start, last] (last inclusive, so the top of the address space can be named), present
 * or not, descending into present non-leaf entries. Under a present pgd entry the folded
 * p4d is visited too, with the pgd's value (visitors that print Linux's "PGD .. P4D .." want it; ptdump skips it).
 * Returns PT_WALK_STOP if a visitor stopped the walk, else 0.
 */
int pt_walk(phys_addr_t pgd_pa, unsigned long start, unsigned long last, pt_visit_t visit,
	    void *arg);

/* The walk of one address: fills steps[] (one per level met) and returns how many. */
struct pt_translation {
	struct pt_entry steps[PT_NR_LEVELS];
	int nr_steps;
	bool mapped;
	phys_addr_t pa; /* when mapped */
	unsigned long page_size;
};
void pt_translate(phys_addr_t pgd_pa, unsigned long va, struct pt_translation *t);

/* ---- table memory (provided by the environment: kernel, or a host test) ---- */

/* A pointer to the table at pa, or NULL if it is not reachable memory. */
void *pt_table_va(phys_addr_t pa);
/* A zeroed page for a new table: its physical address, or 0 when out of memory. */
phys_addr_t pt_alloc_table(void);
/* Give back a table page pt_alloc_table() returned (a boot-time one may be kept). */
void pt_free_table(phys_addr_t pa);
extern unsigned long nr_pagetable_pages;

/* ---- the mapper ---- */

/*
 * Map [va, va + size) to [pa, pa + size) with prot, using pages of page_size (PAGE_SIZE or
 * PMD_SIZE; va, pa and size aligned to it). Tables are allocated as needed; a 2 MiB page in
 * the way of a 4 KiB mapping is split first, an empty pte table in the way of a 2 MiB one
 * freed. An existing mapping of a different page or with different flags is replaced.
 * 0, -EINVAL (alignment), -EEXIST (4 KiB pages mapped where a 2 MiB one goes), -ENOMEM.
 */
int pt_map_range(phys_addr_t pgd_pa, unsigned long va, phys_addr_t pa, unsigned long size,
		 pgprot_t prot, unsigned long page_size);
/* Allocate the tables down to the pte table covering va (splitting a 2 MiB page there). */
int pt_populate(phys_addr_t pgd_pa, unsigned long va);
/* Unmap [va, va + size) (4 KiB aligned), splitting 2 MiB pages it covers in part. */
int pt_unmap_range(phys_addr_t pgd_pa, unsigned long va, unsigned long size);
/* Replace the flags of every leaf in [va, va + size): flags = (flags & ~clear) | set. */
int pt_change_prot(phys_addr_t pgd_pa, unsigned long va, unsigned long size, unsigned long set,
		   unsigned long clear);
/* Split the 2 MiB leaf at (pmd table, index) into 512 ptes with the same translation. */
int pt_split_pmd(phys_addr_t pmd_table_pa, unsigned int index);

/* ---- the entry-flag table ---- */

/* One bit (or field) of an entry: how every decoder names it. */
struct pte_bit_desc {
	const char *name; /* short name: pte/pagewalk decoders */
	const char *what; /* what it means */
	unsigned long mask_pte; /* its mask in a 4 KiB pte (0: not there) */
	unsigned long mask_upper; /* its mask in a pgd/p4d/pud/pmd entry (0: not there) */
	const char *set, *clear; /* ptdump column text, NULL when not a ptdump column */
};
extern const struct pte_bit_desc pte_bits[];
extern const unsigned int nr_pte_bits;
/* The bit's mask in entry e at level (0 when the bit has no meaning there). */
unsigned long pte_bit_mask(const struct pte_bit_desc *b, enum pt_level level, unsigned long e);
/* "RW NX GLB ..." : the names of the set bits of e at level, into buf. */
int pte_flags_string(unsigned long e, enum pt_level level, char *buf, size_t size);

#endif /* _ASM_X86_PGTABLE_H */
