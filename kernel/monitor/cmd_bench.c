// SPDX-License-Identifier: GPL-2.0
/*
 * `bench NAME`: measurements made inside the kernel, for `make bench` to collect. Each
 * prints one line of `key=value` pairs after its name, so the host side parses it without
 * guessing. Cycles are TSC cycles (under TCG, QEMU's virtual TSC: compare ratios, not
 * absolute numbers, with native figures).
 */
#define pr_fmt(fmt) "monitor: " fmt
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/printk.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <asm/pgtable.h>
#include <asm/ptdump.h>
#include <asm/special_insns.h>
#include "monitor.h"

#define BENCH_ROUNDS 9

static void sort_u64(u64 *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			u64 t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/* Order-0 alloc+free pairs: the buddy's hot path (Linux: 158-199 cycles per pair). */
static int bench_buddy(void)
{
	enum { N = 20000 };
	u64 rounds[BENCH_ROUNDS];

	for (int r = 0; r < BENCH_ROUNDS; r++) {
		u64 t0 = rdtsc();

		for (int i = 0; i < N; i++) {
			struct page *p = alloc_page(GFP_KERNEL);

			if (!p)
				return -ENOMEM;
			__free_page(p);
		}
		rounds[r] = (rdtsc() - t0) / N;
	}
	sort_u64(rounds, BENCH_ROUNDS);
	con_printf(
		"bench buddy: order0_alloc_free_cycles_min=%llu median=%llu max=%llu pairs=%d tsc_khz=%lu\n",
		rounds[0], rounds[BENCH_ROUNDS / 2], rounds[BENCH_ROUNDS - 1], N, tsc_khz);
	return 0;
}

/* A whole walk of the kernel's half of the tables, as ptdump makes it, without printing. */
static int bench_ptwalk(void)
{
	struct pt_mapped m;
	u64 rounds[BENCH_ROUNDS];

	for (int r = 0; r < BENCH_ROUNDS; r++) {
		u64 t0 = rdtsc();

		pt_count_mapped(read_cr3(), LAYOUT_GUARD_HOLE_START, ~0UL, &m);
		rounds[r] = rdtsc() - t0;
	}
	sort_u64(rounds, BENCH_ROUNDS);
	con_printf("bench ptwalk: kernel_walk_us_min=%llu median=%llu mapped_kb=%lu\n",
		   cycles_to_ns(rounds[0]) / 1000, cycles_to_ns(rounds[BENCH_ROUNDS / 2]) / 1000,
		   (m.bytes_4k + m.bytes_2m + m.bytes_1g) >> 10);
	return 0;
}

static int count_tables(const struct pt_entry *e, void *arg)
{
	unsigned long *tables = arg;

	if (e->level != PT_P4D && e->present && !e->leaf)
		(*tables)++;
	return PT_WALK_CONTINUE;
}

/* Page-table pages under the direct map, per GiB of RAM mapped (the floor: one). */
static int bench_ptmem(void)
{
	unsigned long tables = 0;
	struct pt_mapped m;
	unsigned long gib_x1000;

	/* Each present non-leaf entry points at one table: the pud and pmd tables. */
	pt_walk(read_cr3(), LAYOUT_DIRECT_MAP_START, LAYOUT_DIRECT_MAP_END, count_tables, &tables);
	pt_count_mapped(read_cr3(), LAYOUT_DIRECT_MAP_START, LAYOUT_DIRECT_MAP_END, &m);
	gib_x1000 = ((m.bytes_4k + m.bytes_2m + m.bytes_1g) >> 20) * 1000 / 1024;
	con_printf("bench ptmem: direct_map_mib=%lu pagetable_pages=%lu pages_per_gib_x1000=%lu\n",
		   (m.bytes_4k + m.bytes_2m + m.bytes_1g) >> 20, tables,
		   gib_x1000 ? tables * 1000 * 1000 / gib_x1000 : 0);
	return 0;
}

/* kmalloc+kfree pairs per size: the slab fast path (Linux: 42-47 cycles per pair). */
static int bench_slab(void)
{
	enum { N = 20000 };
	static const unsigned int sizes[] = { 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096 };

	con_printf("bench slab: kmalloc_kfree_cycles");
	for (unsigned int k = 0; k < ARRAY_SIZE(sizes); k++) {
		u64 rounds[BENCH_ROUNDS];

		kfree(kmalloc(sizes[k], GFP_KERNEL)); /* the CPU slab in place */
		for (int r = 0; r < BENCH_ROUNDS; r++) {
			u64 t0 = rdtsc();

			for (int i = 0; i < N; i++) {
				void *p = kmalloc(sizes[k], GFP_KERNEL);

				if (!p)
					return -ENOMEM;
				kfree(p);
			}
			rounds[r] = (rdtsc() - t0) / N;
		}
		sort_u64(rounds, BENCH_ROUNDS);
		con_printf(" %u=%llu", sizes[k], rounds[BENCH_ROUNDS / 2]);
	}
	con_printf(" pairs=%d tsc_khz=%lu\n", N, tsc_khz);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(void);
} benches[] = {
	{ "buddy", bench_buddy },
	{ "ptwalk", bench_ptwalk },
	{ "ptmem", bench_ptmem },
	{ "slab", bench_slab },
};

int cmd_bench(int argc, char **argv)
{
	if (argc != 2)
		return monitor_usage(argv[0]);
	for (unsigned int i = 0; i < ARRAY_SIZE(benches); i++)
		if (!strcmp(argv[1], benches[i].name))
			return benches[i].fn();
	con_printf("bench: no benchmark '%s'\n", argv[1]);
	return -ENOENT;
}
