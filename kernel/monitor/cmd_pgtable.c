// SPDX-License-Identifier: GPL-2.0
/*
 * The monitor's page-table views: layout, ptdump, pagewalk, pte, v2p, p2v and meminfo.
 * Every one of them is a visitor of the one walker (asm/pgtable.h) and decodes entries
 * through the one entry-flag table.
 */
#define pr_fmt(fmt) "monitor: " fmt
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/printk.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/vmalloc.h>
#include <asm/pgtable.h>
#include <asm/layout.h>
#include <asm/ptdump.h>
#include <asm/special_insns.h>
#include "monitor.h"

/* ---- layout ---- */

static void layout_print_table(const struct layout_region *rows, unsigned int n, int levels)
{
	char line[160];

	con_printf("Virtual memory map with %d level page tables:\n\n", levels);
	for (unsigned int i = 0; i < n; i++) {
		layout_format_row(&rows[i], line, sizeof(line));
		con_printf("%s\n", line);
	}
}

static void print_size(char *buf, size_t size, unsigned long bytes)
{
	static const char units[] = "KMGTP";
	const char *unit = units;
	unsigned long v = bytes >> 10;

	if (!bytes) {
		scnprintf(buf, size, "-");
		return;
	}
	while (v >= 1024 && !(v & 1023) && unit[1]) {
		v >>= 10;
		unit++;
	}
	scnprintf(buf, size, "%lu%c", v, *unit);
}

/* What the running page tables map in each region: bytes by page size, pgd slots. */
static void layout_print_live(void)
{
	con_printf("\nMapped now (cr3 pa=0x%lx):\n", read_cr3() & PTE_PFN_MASK);
	con_printf("%-36s %9s %9s %9s %9s  %s\n", "region", "mapped", "4K pages", "2M pages",
		   "1G pages", "pgd slots");
	for (unsigned int i = 0; i < NR_LAYOUT_ROWS; i++) {
		const struct layout_region *r = &layout_regions[i];
		struct pt_mapped m;
		char total[16];

		if (r->kind == LAYOUT_KIND_MARKER || r->kind == LAYOUT_KIND_TEXT)
			continue;
		pt_count_mapped(read_cr3(), r->start, r->end, &m);
		print_size(total, sizeof(total), m.bytes_4k + m.bytes_2m + m.bytes_1g);
		con_printf("%-36.36s %9s %9lu %9lu %9lu  ", r->what, total, m.bytes_4k / PAGE_SIZE,
			   m.bytes_2m / PMD_SIZE, m.bytes_1g / PUD_SIZE);
		if (m.pgd_slots)
			con_printf("%lu-%lu (%lu present)\n", pgd_index(r->start),
				   pgd_index(r->end), m.pgd_slots);
		else
			con_printf("%lu-%lu\n", pgd_index(r->start), pgd_index(r->end));
	}
}

int cmd_layout(int argc, char **argv)
{
	if (argc > 2)
		return monitor_usage(argv[0]);
	if (argc == 2 && !strcmp(argv[1], "5")) {
		layout_print_table(layout5_regions, nr_layout5_regions, 5);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "4") && strcmp(argv[1], "live"))
		return monitor_usage(argv[0]);
	if (argc == 1 || !strcmp(argv[1], "4"))
		layout_print_table(layout_regions, NR_LAYOUT_ROWS, 4);
	if (argc == 1 || !strcmp(argv[1], "live"))
		layout_print_live();
	return 0;
}

/* ---- ptdump ---- */

int cmd_ptdump(int argc, char **argv)
{
	unsigned long start = LAYOUT_GUARD_HOLE_START, last = ~0UL;

	if (argc == 2 && !strcmp(argv[1], "all"))
		start = 0;
	else if (argc == 3) {
		if (monitor_parse_addr(argv[1], &start) || monitor_parse_addr(argv[2], &last) ||
		    last < start)
			return monitor_usage(argv[0]);
		last--; /* END is exclusive, as the dump's own ranges */
	} else if (argc != 1 && !(argc == 2 && !strcmp(argv[1], "kernel")))
		return monitor_usage(argv[0]);
	ptdump_walk(read_cr3(), start, last);
	return 0;
}

/* ---- pagewalk ---- */

static void print_step(const struct pt_entry *e, unsigned long va)
{
	static const char *const bits[PT_NR_LEVELS] = { "47:39", "", "38:30", "29:21", "20:12" };
	char flags[96];

	if (e->level == PT_P4D) {
		con_printf("  p4d  (folded: 4-level paging, the pgd entry stands for it)\n");
		return;
	}
	pte_flags_string(e->entry, e->level, flags, sizeof(flags));
	con_printf("  %s  index %3u = va[%s] (0x%lx)  table pa=0x%016llx  entry 0x%016lx  %s\n",
		   pt_level_name[e->level], e->index, bits[e->level],
		   (va >> pt_level_shift[e->level]) & 511, (unsigned long long)e->table_pa,
		   e->entry, e->readable ? flags : "(table not in RAM: unreadable)");
}

static const char *region_name(unsigned long va)
{
	const struct layout_region *r = layout_find(va);

	return r ? r->what : "no region";
}

int cmd_pagewalk(int argc, char **argv)
{
	unsigned long va, cr3 = read_cr3();
	struct pt_translation t;
	const struct pt_entry *last;

	if (argc < 2 || argc > 3 || monitor_parse_addr(argv[1], &va) ||
	    (argc == 3 && monitor_parse_num(argv[2], &cr3)))
		return monitor_usage(argv[0]);
	if (!is_canonical_address(va)) {
		con_printf(
			"pagewalk: 0x%016lx: non-canonical address (bits 63..47 differ): the CPU raises #GP before any walk\n",
			va);
		return -EINVAL;
	}
	con_printf("pagewalk 0x%016lx (cr3 pa=0x%lx), region: %s\n", va, cr3 & PTE_PFN_MASK,
		   region_name(va));
	if (va <= LAYOUT_USER_END)
		con_printf(
			"  user address: carto has no user space; walking the kernel's tables\n");
	pt_translate(cr3, va, &t);
	for (int i = 0; i < t.nr_steps; i++)
		print_step(&t.steps[i], va);
	last = &t.steps[t.nr_steps - 1];
	if (t.mapped) {
		con_printf("  -> %lu KiB page at pa=0x%llx + offset 0x%lx = pa 0x%016llx\n",
			   t.page_size >> 10, (unsigned long long)(t.pa & ~(t.page_size - 1)),
			   va & (t.page_size - 1), (unsigned long long)t.pa);
		return 0;
	}
	if (!last->readable)
		con_printf("  -> stopped at %s: its table at pa=0x%llx is not RAM carto maps\n",
			   pt_level_name[last->level], (unsigned long long)last->table_pa);
	else
		con_printf("  -> not mapped: the %s entry is not present\n",
			   pt_level_name[last->level]);
	return -EFAULT;
}

/* ---- pte ---- */

static int parse_level(const char *s, enum pt_level *level)
{
	for (int l = 0; l < PT_NR_LEVELS; l++)
		if (!strcmp(s, pt_level_name[l])) {
			*level = l;
			return 0;
		}
	return -EINVAL;
}

int cmd_pte(int argc, char **argv)
{
	enum pt_level level = PT_PTE;
	unsigned long e;

	if (argc < 2 || argc > 3 || monitor_parse_num(argv[1], &e) ||
	    (argc == 3 && parse_level(argv[2], &level)))
		return monitor_usage(argv[0]);
	con_printf("%s entry 0x%016lx: %s", pt_level_name[level], e,
		   (e & _PAGE_PRESENT) ? "present" : "not present");
	if (e & _PAGE_PRESENT)
		con_printf(", %s pa=0x%llx",
			   pt_entry_leaf(level, e) ? "maps a page at" : "points to a table at",
			   (unsigned long long)pt_entry_pa(level, e));
	con_printf("\n");
	for (unsigned int i = 0; i < nr_pte_bits; i++) {
		const struct pte_bit_desc *b = &pte_bits[i];
		unsigned long m = pte_bit_mask(b, level, e);

		if (!m)
			continue;
		con_printf("  %-4s %-34s %s\n", b->name, b->what,
			   (e & m) ? ((m & (m - 1)) ? "set" : "1") : "0");
	}
	return 0;
}

/* ---- v2p, p2v ---- */

int cmd_v2p(int argc, char **argv)
{
	struct pt_translation t;
	unsigned long va;

	if (argc != 2 || monitor_parse_addr(argv[1], &va))
		return monitor_usage(argv[0]);
	if (!is_canonical_address(va)) {
		con_printf("v2p: 0x%016lx: non-canonical address\n", va);
		return -EINVAL;
	}
	pt_translate(read_cr3(), va, &t);
	if (!t.mapped) {
		con_printf("v2p: 0x%016lx: not mapped (%s)\n", va, region_name(va));
		return -EFAULT;
	}
	con_printf("0x%016lx -> pa 0x%016llx (%lu KiB page, %s)\n", va, (unsigned long long)t.pa,
		   t.page_size >> 10, region_name(va));
	return 0;
}

int cmd_p2v(int argc, char **argv)
{
	unsigned long pa;
	struct pt_translation t;
	unsigned long va;

	if (argc != 2 || monitor_parse_num(argv[1], &pa))
		return monitor_usage(argv[0]);
	va = (unsigned long)__va(pa);
	pt_translate(read_cr3(), va, &t);
	if (pa > LAYOUT_DIRECT_MAP_END - LAYOUT_DIRECT_MAP_START || !t.mapped || t.pa != pa) {
		con_printf("p2v: pa 0x%lx: not in the direct map (no RAM there)\n", pa);
		return -EFAULT;
	}
	con_printf("pa 0x%016lx -> 0x%016lx (direct mapping of all phys. memory)\n", pa, va);
	pt_translate(read_cr3(), __START_KERNEL_map + pa, &t);
	if (t.mapped && t.pa == pa)
		con_printf("pa 0x%016lx -> 0x%016lx (kernel text mapping, from phys 0)\n", pa,
			   __START_KERNEL_map + pa);
	return 0;
}

/* ---- meminfo ---- */

static void meminfo_line(const char *label, unsigned long kb)
{
	char l[20];

	scnprintf(l, sizeof(l), "%s:", label);
	con_printf("%-16s%8lu kB\n", l, kb);
}

int cmd_meminfo(int argc, char **argv)
{
	struct pt_mapped direct;

	if (argc != 1)
		return monitor_usage(argv[0]);
	pt_count_mapped(read_cr3(), LAYOUT_DIRECT_MAP_START, LAYOUT_DIRECT_MAP_END, &direct);
	meminfo_line("MemTotal", totalram_pages() << (PAGE_SHIFT - 10));
	meminfo_line("MemFree", nr_free_pages() << (PAGE_SHIFT - 10));
	meminfo_line("PageTables", nr_pagetable_pages << (PAGE_SHIFT - 10));
	meminfo_line("VmallocTotal", (VMALLOC_END - VMALLOC_START + 1) >> 10);
	meminfo_line("VmallocUsed", vmalloc_nr_pages() << (PAGE_SHIFT - 10));
	meminfo_line("DirectMap4k", direct.bytes_4k >> 10);
	meminfo_line("DirectMap2M", direct.bytes_2m >> 10);
	meminfo_line("DirectMap1G", direct.bytes_1g >> 10);
	return 0;
}
