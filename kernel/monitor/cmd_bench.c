// SPDX-License-Identifier: GPL-2.0
/*
 * `bench NAME`: measurements made inside the kernel, for `make bench` to collect. Each
 * prints one line of `key=value` pairs after its name, so the host side parses it without
 * guessing (`bench tlb` prints several, one per page count). Cycles are TSC cycles (under
 * TCG, QEMU's virtual TSC: compare ratios, not absolute numbers, with native figures).
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
#include <linux/vmalloc.h>
#include <linux/smp.h>
#include <asm/pgtable.h>
#include <asm/ptdump.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
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

/*
 * `bench tlb`: a scratch vmalloc area of TLB_BENCH_PAGES pages, of which the first N are
 * flushed, and a working set of TLB_BENCH_OTHER_PAGES other pages (vmalloc'd too, so each is
 * one 4 KiB translation natively as under TCG) that only a full flush drops.
 */
#define TLB_BENCH_PAGES 512
#define TLB_BENCH_OTHER_PAGES 64

static const unsigned int tlb_bench_counts[] = { 1, 2, 4, 8, 16, 32, 33, 64, 128, 256, 512 };

enum tlb_bench_how { TLB_BENCH_NONE, TLB_BENCH_INVLPG, TLB_BENCH_FULL, NR_TLB_BENCH_HOW };

/* One byte read from each of n pages from base: a TLB hit, or a walk that refills it. */
static void touch_pages(const u8 *base, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		(void)READ_ONCE(base[i << PAGE_SHIFT]);
}

/*
 * Cycles to flush the first n scratch pages `how` (one invlpg each, one full flush, or not
 * at all), then read them and the other working set again; all of it cached before, and
 * interrupts off on this CPU. This CPU's TLB only: no shootdown, whatever else is online.
 */
static u64 tlb_bench_round(u8 *scratch, u8 *other, unsigned long n, enum tlb_bench_how how)
{
	unsigned long start = (unsigned long)scratch, flags;
	u64 t0, dt;

	flags = local_irq_save();
	touch_pages(scratch, n);
	touch_pages(other, TLB_BENCH_OTHER_PAGES);
	t0 = rdtsc();
	if (how == TLB_BENCH_FULL)
		__flush_tlb_all();
	else if (how == TLB_BENCH_INVLPG)
		for (unsigned long i = 0; i < n; i++)
			__flush_tlb_one_kernel(start + (i << PAGE_SHIFT));
	touch_pages(scratch, n);
	touch_pages(other, TLB_BENCH_OTHER_PAGES);
	dt = rdtsc() - t0;
	local_irq_restore(flags);
	return dt;
}

/* The median cycles of BENCH_ROUNDS rounds of each `how` for n pages, interleaved, in med[]. */
static void tlb_bench_measure(u8 *scratch, u8 *other, unsigned long n, u64 *med)
{
	u64 rounds[NR_TLB_BENCH_HOW][BENCH_ROUNDS];

	for (int r = 0; r < BENCH_ROUNDS; r++)
		for (int how = 0; how < NR_TLB_BENCH_HOW; how++)
			rounds[how][r] = tlb_bench_round(scratch, other, n, how);
	for (int how = 0; how < NR_TLB_BENCH_HOW; how++) {
		sort_u64(rounds[how], BENCH_ROUNDS);
		med[how] = rounds[how][BENCH_ROUNDS / 2];
	}
}

/*
 * invlpg per page against one full flush, each with the refill after it, for the page counts
 * of tlb_bench_counts[]: where tlb_single_page_flush_ceiling belongs on this machine. Local
 * only (no entry changes, so no other CPU needs a shootdown): with other CPUs online the
 * figures are the same as with one.
 */
static int bench_tlb(void)
{
	unsigned long ceiling = tlb_single_page_flush_ceiling;
	unsigned int cpus = num_online_cpus(), crossover = 0, below = 0;
	u8 *other, *scratch;
	int err = -ENOMEM;

	/*
	 * The working set first, the scratch area after it (vmalloc's lowest fit): under TCG,
	 * whose software TLB is a table indexed by page number (256 slots to start with, resized
	 * by use), the two then share no slot while the table can hold both.
	 */
	other = vmalloc(TLB_BENCH_OTHER_PAGES << PAGE_SHIFT);
	scratch = vmalloc(TLB_BENCH_PAGES << PAGE_SHIFT);
	if (!scratch || !other)
		goto out_free;
	tlb_ensure_setup();
	con_printf("bench tlb: cpu=%d cpus=%u shootdowns=%s full_flush=%s pcid=%s "
		   "other_pages=%d rounds=%d ceiling=%lu tsc_khz=%lu\n",
		   smp_processor_id(), cpus, "none",
		   tlb_mode_names[tlb_flush_mode], tlb_pcid_enabled ? "on" : "off",
		   TLB_BENCH_OTHER_PAGES, BENCH_ROUNDS, ceiling, tsc_khz);
	for (unsigned int k = 0; k < ARRAY_SIZE(tlb_bench_counts); k++) {
		unsigned int n = tlb_bench_counts[k];
		u64 c[NR_TLB_BENCH_HOW], x100;

		tlb_bench_measure(scratch, other, n, c);
		x100 = c[TLB_BENCH_FULL] ? c[TLB_BENCH_INVLPG] * 100 / c[TLB_BENCH_FULL] : 0;
		con_printf("bench tlb: pages=%u invlpg_cycles=%llu full_cycles=%llu "
			   "invlpg_per_full=%llu.%02llu no_flush_cycles=%llu\n",
			   n, c[TLB_BENCH_INVLPG], c[TLB_BENCH_FULL], x100 / 100, x100 % 100,
			   c[TLB_BENCH_NONE]);
		/* The crossover: the first count from which the full flush is never dearer. */
		if (c[TLB_BENCH_FULL] > c[TLB_BENCH_INVLPG]) {
			crossover = 0;
			below = n;
		} else if (!crossover) {
			crossover = n;
		}
	}
	if (crossover)
		con_printf("bench tlb: crossover_pages=%u invlpg_cheaper_up_to=%u ceiling=%lu\n",
			   crossover, below, ceiling);
	else
		con_printf("bench tlb: crossover_pages=none invlpg_cheaper_up_to=%u ceiling=%lu\n",
			   below, ceiling);
	err = 0;
out_free:
	vfree(other);
	vfree(scratch);
	return err;
}

#define SHOOTDOWN_CALLS 200

static u64 avg_u64(const u64 *v, int n)
{
	u64 sum = 0;

	for (int i = 0; i < n; i++)
		sum += v[i];
	return n ? sum / n : 0;
}

/*
 * SHOOTDOWN_CALLS flush_tlb_kernel_range() calls of one page, each timed with interrupts
 * off: with other CPUs online, the local invlpg plus the shootdown's round trip; alone, the
 * local flush only (the baseline). Also the round trips the sender's counters saw.
 */
static int bench_shootdown(void)
{
	int cpu = smp_processor_id();
	u64 *t = kmalloc(SHOOTDOWN_CALLS * sizeof(*t), GFP_KERNEL);
	u8 *page = vmalloc(PAGE_SIZE);
	unsigned long va = (unsigned long)page, sent, cycles;
	int err = -ENOMEM;

	if (!t || !page)
		goto out_free;
	flush_tlb_kernel_range(va, va + PAGE_SIZE); /* the first: code and data warm */
	sent = tlb_stat_cpu(cpu, NR_TLB_REMOTE_FLUSH);
	cycles = tlb_stat_cpu(cpu, TLB_SHOOTDOWN_CYCLES);
	for (int i = 0; i < SHOOTDOWN_CALLS; i++) {
		unsigned long flags = local_irq_save();
		u64 t0 = rdtsc();

		flush_tlb_kernel_range(va, va + PAGE_SIZE);
		t[i] = rdtsc() - t0;
		local_irq_restore(flags);
	}
	sent = tlb_stat_cpu(cpu, NR_TLB_REMOTE_FLUSH) - sent;
	cycles = tlb_stat_cpu(cpu, TLB_SHOOTDOWN_CYCLES) - cycles;
	sort_u64(t, SHOOTDOWN_CALLS);
	con_printf("bench shootdown: cpu=%d cpus=%u calls=%d shootdowns=%lu%s tsc_khz=%lu\n", cpu,
		   num_online_cpus(), SHOOTDOWN_CALLS, sent,
		   tlb_skip_shootdown ? " held_off=1" : "", tsc_khz);
	con_printf("bench shootdown: cycles_min=%llu cycles_median=%llu cycles_avg=%llu "
		   "cycles_max=%llu\n",
		   t[0], t[SHOOTDOWN_CALLS / 2], avg_u64(t, SHOOTDOWN_CALLS),
		   t[SHOOTDOWN_CALLS - 1]);
	con_printf("bench shootdown: ns_min=%llu ns_median=%llu ns_avg=%llu ns_max=%llu\n",
		   cycles_to_ns(t[0]), cycles_to_ns(t[SHOOTDOWN_CALLS / 2]),
		   cycles_to_ns(avg_u64(t, SHOOTDOWN_CALLS)), cycles_to_ns(t[SHOOTDOWN_CALLS - 1]));
	/* The sender's counters: round trips alone (no local flush); min and max since `tlb reset`. */
	con_printf("bench shootdown: roundtrip_cycles_avg=%lu roundtrip_ns_avg=%llu "
		   "counter_min=%lu counter_max=%lu\n",
		   sent ? cycles / sent : 0, sent ? cycles_to_ns(cycles / sent) : 0,
		   tlb_stat_cpu(cpu, TLB_SHOOTDOWN_CYCLES_MIN),
		   tlb_stat_cpu(cpu, TLB_SHOOTDOWN_CYCLES_MAX));
	err = 0;
out_free:
	vfree(page);
	kfree(t);
	return err;
}

static const struct {
	const char *name;
	int (*fn)(void);
} benches[] = {
	{ "buddy", bench_buddy }, /* order-0 alloc+free pairs */
	{ "ptwalk", bench_ptwalk }, /* a walk of the kernel half */
	{ "ptmem", bench_ptmem }, /* direct-map tables per GiB */
	{ "slab", bench_slab }, /* kmalloc+kfree pairs per size */
	{ "tlb", bench_tlb }, /* invlpg against full flush, by pages */
	{ "shootdown", bench_shootdown }, /* shootdown round trips */
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
