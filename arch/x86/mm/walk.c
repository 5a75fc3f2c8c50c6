// SPDX-License-Identifier: GPL-2.0
/*
 * The page-table walker: pgd -> p4d (folded) -> pud -> pmd -> pte, with a visitor per
 * entry. ptdump, the W+X check, pagewalk, v2p, meminfo's DirectMap counts, the oops
 * report's walk and the tests are all visitors of this one walk. Tables are reached through
 * pt_table_va() and read without trusting them: a table outside reachable memory is
 * reported to the visitor as unreadable and not descended into.
 */
#include <linux/kernel.h>
#include <linux/uaccess.h>
#include <linux/string.h>
#include <asm/pgtable.h>

const char *const pt_level_name[PT_NR_LEVELS] = { "pgd", "p4d", "pud", "pmd", "pte" };
const unsigned int pt_level_shift[PT_NR_LEVELS] = { PGDIR_SHIFT, P4D_SHIFT, PUD_SHIFT, PMD_SHIFT,
						    PAGE_SHIFT };

/* Entries are read WALK_CHUNK at a time: one checked copy each, little stack per level. */
#define WALK_CHUNK 64

/* Read entries [first, first + n) of the table at table_pa; false if unreadable (zeroed). */
static bool read_entries(phys_addr_t table_pa, unsigned int first, unsigned int n,
			 unsigned long *buf)
{
	const unsigned long *table = pt_table_va(table_pa);

	if (table && !copy_from_kernel_nofault(buf, &table[first], n * sizeof(*buf)))
		return true;
	memset(buf, 0, n * sizeof(*buf));
	return false;
}

/*
 * Walk one table at `level` covering addresses from `base` (unnormalized), visiting the
 * entries whose span meets [start, last]. Returns PT_WALK_STOP or 0.
 */
static int walk_table(phys_addr_t table_pa, enum pt_level level, unsigned long base,
		      unsigned long start, unsigned long last, pt_visit_t visit, void *arg)
{
	unsigned long size = pt_level_size(level);
	unsigned int first = 0, end = 512;

	if (start > base)
		first = (start - base) >> pt_level_shift[level];
	if (last - base < 512 * size)
		end = ((last - base) >> pt_level_shift[level]) + 1;

	unsigned long chunk[WALK_CHUNK];
	bool readable = false;

	for (unsigned int i = first; i < end; i++) {
		struct pt_entry e = { .level = level, .table_pa = table_pa, .index = i };
		unsigned long span = base + i * size;
		int ret;

		if (i == first || i % WALK_CHUNK == 0) {
			unsigned int from = i, n = min(end, ALIGN(i + 1, WALK_CHUNK)) - i;

			readable = read_entries(table_pa, from, n, chunk + from % WALK_CHUNK);
		}
		e.va = normalize_addr(span);
		e.entry = chunk[i % WALK_CHUNK];
		e.readable = readable;
		e.present = e.entry & _PAGE_PRESENT;
		e.leaf = pt_entry_leaf(level, e.entry);
		ret = visit(&e, arg);
		if (level == PT_PGD && ret == PT_WALK_CONTINUE && e.present) { /* the folded p4d */
			e.level = PT_P4D;
			e.index = 0;
			ret = visit(&e, arg);
		}
		if (ret == PT_WALK_STOP)
			return PT_WALK_STOP;
		if (ret == PT_WALK_SKIP || !e.present || e.leaf || level == PT_PTE)
			continue;
		ret = walk_table(pt_entry_pa(level, e.entry), level == PT_PGD ? PT_PUD : level + 1,
				 span, max(start, span), min(last, span + size - 1), visit, arg);
		if (ret == PT_WALK_STOP)
			return ret;
	}
	return 0;
}

/*
 * The canonical parts of [start, last]: the lower half, then the upper half, each walked in
 * the 48-bit index space (the visitor sees sign-extended addresses).
 */
int pt_walk(phys_addr_t pgd_pa, unsigned long start, unsigned long last, pt_visit_t visit,
	    void *arg)
{
	const unsigned long lower_last = (1UL << __VIRTUAL_MASK_SHIFT) - 1,
			    upper_first = ~lower_last;
	const unsigned long mask = (1UL << (__VIRTUAL_MASK_SHIFT + 1)) - 1;
	phys_addr_t pgd = pgd_pa & PTE_PFN_MASK;

	if (start > last)
		return 0;
	if (start <= lower_last &&
	    walk_table(pgd, PT_PGD, 0, start, min(last, lower_last), visit, arg) == PT_WALK_STOP)
		return PT_WALK_STOP;
	if (last >= upper_first)
		return walk_table(pgd, PT_PGD, 0, max(start, upper_first) & mask, last & mask,
				  visit, arg);
	return 0;
}

static int translate_visit(const struct pt_entry *e, void *arg)
{
	struct pt_translation *t = arg;

	t->steps[t->nr_steps++] = *e;
	return PT_WALK_CONTINUE;
}

void pt_translate(phys_addr_t pgd_pa, unsigned long va, struct pt_translation *t)
{
	const struct pt_entry *last;

	*t = (struct pt_translation){ 0 };
	if (!is_canonical_address(va))
		return; /* no walk: the CPU raises #GP first */
	pt_walk(pgd_pa, va, va, translate_visit, t);
	if (!t->nr_steps)
		return;
	last = &t->steps[t->nr_steps - 1];
	if (last->leaf) {
		t->page_size = pt_level_size(last->level);
		t->pa = pt_entry_pa(last->level, last->entry) | (va & (t->page_size - 1));
		t->mapped = true;
	}
}
