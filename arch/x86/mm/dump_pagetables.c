// SPDX-License-Identifier: GPL-2.0
/*
 * ptdump (Linux's arch/x86/mm/dump_pagetables.c output, as a visitor of the one walker):
 * entries in a row with the same protections at the same level are grouped into one line,
 * a line per break, a header when a region of the layout table begins. The same visitor
 * with check_wx counts writable-and-executable pages instead of printing.
 */
#define pr_fmt(fmt) "x86/mm: " fmt
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <asm/pgtable.h>
#include <asm/layout.h>
#include <asm/ptdump.h>
#include <asm/special_insns.h>

struct pg_state {
	enum pt_level level; /* of the run being grouped; PT_NR_LEVELS before the first */
	unsigned long prot, eff; /* its flags and effective flags */
	unsigned long start_address, current_address;
	unsigned long range_start; /* a run starts no lower: ptdump START END cuts at START */
	const struct addr_marker *marker;
	unsigned long eff_above[PT_NR_LEVELS]; /* effective flags of the tables we are in */
	bool print, check_wx, started;
	unsigned long wx_pages;
};

/* Linux's effective_prot(): user and write need every level, NX on any level wins. */
static unsigned long effective_prot(unsigned long above, unsigned long prot)
{
	return (above & prot & (_PAGE_USER | _PAGE_RW)) | ((above | prot) & _PAGE_NX);
}

/* The flag columns: each ptdump column of the entry-flag table, then the level name. */
static void print_prot(unsigned long prot, enum pt_level level)
{
	char buf[64];
	int n = 0;

	if (!(prot & _PAGE_PRESENT)) {
		n = scnprintf(buf, sizeof(buf), "%30s", "");
	} else {
		for (unsigned int i = 0; i < nr_pte_bits; i++) {
			const struct pte_bit_desc *b = &pte_bits[i];
			/* Only leaves are printed: read bit 12 as PAT above the pte level. */
			unsigned long m = pte_bit_mask(b, level, prot | _PAGE_PSE);
			int w;

			if (!b->set)
				continue;
			w = max(strlen(b->set), strlen(b->clear));
			n += scnprintf(buf + n, sizeof(buf) - n, "%-*s ", w,
				       (m && (prot & m)) ? b->set : b->clear);
		}
	}
	con_printf("%s%s\n", buf, pt_level_name[level]);
}

static void print_run(struct pg_state *st)
{
	static const char units[] = "BKMGTPE";
	unsigned long delta = st->current_address - st->start_address;
	const char *unit = units;

	while (!(delta & 1023) && unit[1]) {
		delta >>= 10;
		unit++;
	}
	con_printf("0x%016lx-0x%016lx   %9lu%c ", st->start_address, st->current_address, delta,
		   *unit);
	print_prot(st->prot, st->level);
}

/* The header of the region containing address, advancing past earlier markers. */
static void advance_marker(struct pg_state *st, unsigned long address, bool always)
{
	bool moved = always;

	while (st->marker[1].name && address >= st->marker[1].start_address &&
	       st->marker[1].start_address >= st->marker[0].start_address) {
		st->marker++;
		moved = true;
	}
	if (moved && st->print)
		con_printf("---[ %s ]---\n", st->marker->name);
}

/* Linux's note_page(): close the current run when something changes, then start anew. */
static void note_page(struct pg_state *st, unsigned long address, unsigned long prot,
		      unsigned long eff, enum pt_level level)
{
	st->current_address = address;
	if (!st->started) {
		st->started = true;
		advance_marker(st, address, true);
	} else if (prot != st->prot || eff != st->eff || level != st->level ||
		   (st->marker[1].name && address >= st->marker[1].start_address)) {
		if (st->check_wx && (st->eff & _PAGE_RW) && !(st->eff & _PAGE_NX))
			st->wx_pages += (address - st->start_address) / PAGE_SIZE;
		if (st->print)
			print_run(st);
		advance_marker(st, address, false);
	} else {
		return;
	}
	st->start_address = max(address, st->range_start);
	st->prot = prot;
	st->eff = eff;
	st->level = level;
}

static bool is_hypervisor_range(unsigned long va)
{
	return va >= LAYOUT_GUARD_HOLE_START && va <= LAYOUT_GUARD_HOLE_END;
}

static int ptdump_visit(const struct pt_entry *e, void *arg)
{
	struct pg_state *st = arg;
	unsigned long prot = e->entry & PTE_FLAGS_MASK, above, eff;

	if (e->level == PT_P4D)
		return PT_WALK_CONTINUE; /* folded: the pgd entry stands for it */
	above = e->level == PT_PGD ? prot :
				     st->eff_above[e->level == PT_PUD ? PT_PGD : e->level - 1];
	if (!e->present || (e->level == PT_PGD && is_hypervisor_range(e->va))) {
		note_page(st, e->va, 0, 0, e->level);
		return PT_WALK_SKIP;
	}
	eff = effective_prot(above, prot);
	if (e->leaf) {
		note_page(st, e->va, prot, eff, e->level);
		return PT_WALK_SKIP;
	}
	st->eff_above[e->level] = eff;
	return PT_WALK_CONTINUE;
}

static unsigned long walk_state(struct pg_state *st, phys_addr_t pgd_pa, unsigned long start,
				unsigned long last)
{
	st->level = PT_NR_LEVELS;
	st->marker = address_markers;
	st->range_start = start;
	pt_walk(pgd_pa, start, last, ptdump_visit, st);
	/* Flush the last run, ending just past `last` (0 at the top of the space). */
	note_page(st, last + 1, ~0UL, 0, PT_NR_LEVELS - 1);
	return st->wx_pages;
}

void ptdump_walk(phys_addr_t pgd_pa, unsigned long start, unsigned long last)
{
	struct pg_state st = { .print = true };

	walk_state(&st, pgd_pa, start, last);
}

unsigned long ptdump_check_wx(void)
{
	struct pg_state st = { .check_wx = true };
	unsigned long n = walk_state(&st, read_cr3(), 0, ~0UL);

	if (n)
		pr_info("Checked W+X mappings: FAILED, %lu W+X pages found.\n", n);
	else
		pr_info("Checked W+X mappings: passed, no W+X pages found.\n");
	return n;
}

static int count_visit(const struct pt_entry *e, void *arg)
{
	struct pt_mapped *m = arg;

	if (e->level == PT_PGD && e->present)
		m->pgd_slots++;
	if (!e->leaf)
		return e->present ? PT_WALK_CONTINUE : PT_WALK_SKIP;
	if (e->level == PT_PTE)
		m->bytes_4k += PAGE_SIZE;
	else if (e->level == PT_PMD)
		m->bytes_2m += PMD_SIZE;
	else
		m->bytes_1g += PUD_SIZE;
	return PT_WALK_SKIP;
}

void pt_count_mapped(phys_addr_t pgd_pa, unsigned long start, unsigned long last,
		     struct pt_mapped *m)
{
	*m = (struct pt_mapped){ 0 };
	pt_walk(pgd_pa, start, last, count_visit, m);
}
