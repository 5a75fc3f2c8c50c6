// SPDX-License-Identifier: GPL-2.0
/*
 * TLB flushing for kernel mappings (Linux's arch/x86/mm/tlb.c, kernel half).
 *
 * A range of up to tlb_single_page_flush_ceiling pages is flushed by invlpg per page, a
 * larger one whole. Kernel mappings are global, so a full flush is INVPCID type 2 (all
 * contexts, globals too) when the CPU has it, else a CR4.PGE toggle; a bare CR3 write (kept
 * only for when PGE is off) would keep them. PCID (CR4.PCIDE) is enabled when present; the
 * kernel runs with PCID 0.
 *
 * Every CPU shares the kernel's page tables, so after the local flush the other online CPUs
 * get a shootdown: a cross-call (kernel/smp.c) carrying the ranges, and the sender waits for
 * every acknowledgement. Requests are batched twice: between flush_tlb_batch_begin() and
 * _end() a CPU's flushes collect into one (ranges merged, up to TLB_BATCH_RANGES, or one full
 * flush past the ceiling) and go out as one shootdown; and a CPU that finds several
 * shootdowns queued when its IPI arrives merges them the same way into one flush, then
 * acknowledges them all.
 *
 * Counting follows Linux: the CPU that asks counts nr_tlb_local_flush_one (pages) or
 * nr_tlb_local_flush_all, and nr_tlb_remote_flush once per shootdown it sends; each CPU that
 * takes one counts nr_tlb_remote_flush_received and its TLB interrupt row. carto's own:
 * the invlpg instructions and full flushes by cause on every CPU that runs them, pages asked
 * for against pages flushed one by one (by the asking CPU), shootdown requests merged into
 * another's flush, and shootdown round trips in TSC cycles (sum, min, max per sender).
 */
#define pr_fmt(fmt) "x86/tlb: " fmt
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/errno.h>
#include <linux/smp.h>
#include <asm/page_types.h>
#include <asm/tlbflush.h>
#include <asm/hardirq.h>
#include <asm/special_insns.h>

unsigned long tlb_single_page_flush_ceiling = 33;

const char *const tlb_stat_names[NR_TLB_STATS] = {
	[NR_TLB_REMOTE_FLUSH] = "nr_tlb_remote_flush",
	[NR_TLB_REMOTE_FLUSH_RECEIVED] = "nr_tlb_remote_flush_received",
	[NR_TLB_LOCAL_FLUSH_ALL] = "nr_tlb_local_flush_all",
	[NR_TLB_LOCAL_FLUSH_ONE] = "nr_tlb_local_flush_one",
	[TLB_INVLPG] = "tlb_invlpg",
	[TLB_FLUSH_ALL_CR3] = "tlb_flush_all_cr3",
	[TLB_FLUSH_ALL_PGE] = "tlb_flush_all_pge",
	[TLB_FLUSH_ALL_INVPCID] = "tlb_flush_all_invpcid",
	[TLB_PAGES_ASKED] = "tlb_pages_asked",
	[TLB_PAGES_FLUSHED] = "tlb_pages_flushed",
	[TLB_SHOOTDOWN_BATCHED] = "tlb_shootdown_batched",
	[TLB_SHOOTDOWN_CYCLES] = "tlb_shootdown_cycles",
	[TLB_SHOOTDOWN_CYCLES_MIN] = "tlb_shootdown_cycles_min",
	[TLB_SHOOTDOWN_CYCLES_MAX] = "tlb_shootdown_cycles_max",
};

const char *const tlb_mode_names[TLB_MODE_INVPCID + 1] = {
	[TLB_MODE_CR3] = "cr3",
	[TLB_MODE_PGE] = "pge",
	[TLB_MODE_INVPCID] = "invpcid",
};

DEFINE_PER_CPU(unsigned long[NR_TLB_STATS], tlb_stats);
enum tlb_flush_mode tlb_flush_mode = TLB_MODE_PGE;
bool tlb_pcid_enabled;
bool tlb_skip_shootdown;

/* Ranges flushed together: a sender's batch window, a shootdown, a receiver's queue. */
static DEFINE_PER_CPU(struct tlb_batch, tlb_pending);	/* shootdowns received, to flush */
static DEFINE_PER_CPU(struct tlb_batch, tlb_batch);	/* this CPU's flush_tlb_batch_begin() */
static DEFINE_PER_CPU(int, tlb_batch_depth);

static bool tlb_ready, no_pcid, no_invpcid;

#define INVPCID_TYPE_ALL_INCL_GLOBAL 2UL

static inline void count(enum tlb_stat_item item, unsigned long n)
{
	this_cpu_add(tlb_stats[item], n);
}

static bool cpu_has_pcid(void)
{
	u32 a, b, c, d;

	cpuid(1, &a, &b, &c, &d);
	return c & (1U << 17);
}

static bool cpu_has_invpcid(void)
{
	u32 max, a, b, c, d;

	cpuid(0, &max, &b, &c, &d);
	if (max < 7)
		return false;
	cpuid_count(7, 0, &a, &b, &c, &d);
	return b & (1U << 10);
}

static void invpcid_flush_all(void)
{
	struct {
		u64 pcid, addr;
	} desc = { 0, 0 };

	asm volatile("invpcid %0, %1" : : "m"(desc), "r"(INVPCID_TYPE_ALL_INCL_GLOBAL) : "memory");
}

/* Choose PCID and the full-flush mechanism from CPUID and the boot parameters. */
static void tlb_choose(void)
{
	unsigned long flags = local_irq_save(), cr4 = read_cr4();

	if (cpu_has_pcid() && !no_pcid) {
		if (!(cr4 & X86_CR4_PCIDE)) {
			/* CR4.PCIDE may only be set while CR3[11:0] == 0: PCID 0 from here on. */
			write_cr3(read_cr3() & ~0xfffUL);
			write_cr4(cr4 | X86_CR4_PCIDE);
		}
		tlb_pcid_enabled = true;
	} else {
		if (cr4 & X86_CR4_PCIDE)
			write_cr4(cr4 & ~X86_CR4_PCIDE);
		tlb_pcid_enabled = false;
	}
	tlb_flush_mode = cpu_has_invpcid() && !no_invpcid ? TLB_MODE_INVPCID : TLB_MODE_PGE;
	local_irq_restore(flags);
}

/* Once, silently, on the first flush (after the command line is parsed). */
static void tlb_setup(void)
{
	if (tlb_ready)
		return;
	tlb_ready = true;
	tlb_choose();
}

/* The boot hook (start_kernel, after parse_boot_params()): set up, and say so in one line. */
void tlb_init(void)
{
	static bool said;

	tlb_setup();
	if (said)
		return;
	said = true;
	pr_info("PCID %s, full flushes by %s, single-page flush ceiling %lu\n",
		tlb_pcid_enabled ? "on" : "off",
		tlb_flush_mode == TLB_MODE_INVPCID ? "INVPCID" : "CR4.PGE toggle",
		tlb_single_page_flush_ceiling);
}

/* An AP, in long mode on init_top_pgt (CR3[11:0] = 0): the boot CPU's PCID choice. */
void tlb_cpu_init(void)
{
	if (tlb_pcid_enabled)
		write_cr4(read_cr4() | X86_CR4_PCIDE);
}

int tlb_param_nopcid(const char *val)
{
	(void)val;
	no_pcid = true;
	if (tlb_ready)
		tlb_choose();
	return 0;
}

int tlb_param_noinvpcid(const char *val)
{
	(void)val;
	no_invpcid = true;
	if (tlb_ready)
		tlb_choose();
	return 0;
}

static inline void invlpg(unsigned long addr)
{
	asm volatile("invlpg (%0)" : : "r"(addr) : "memory");
	count(TLB_INVLPG, 1);
}

static void invlpg_range(unsigned long start, unsigned long end)
{
	for (unsigned long a = start & PAGE_MASK; a < end; a += PAGE_SIZE)
		invlpg(a);
}

static unsigned long range_pages(unsigned long start, unsigned long end)
{
	return end > start ? (ALIGN(end, PAGE_SIZE) - (start & PAGE_MASK)) >> PAGE_SHIFT : 0;
}

/* This CPU's whole TLB, global entries included, counted by cause. */
static void local_flush_all(void)
{
	unsigned long flags = local_irq_save(), cr4 = read_cr4();

	if (tlb_flush_mode == TLB_MODE_INVPCID) {
		invpcid_flush_all();
		count(TLB_FLUSH_ALL_INVPCID, 1);
	} else if (cr4 & X86_CR4_PGE) {
		write_cr4(cr4 & ~X86_CR4_PGE);
		write_cr4(cr4);
		count(TLB_FLUSH_ALL_PGE, 1);
	} else {
		write_cr3(read_cr3());
		count(TLB_FLUSH_ALL_CR3, 1);
	}
	local_irq_restore(flags);
}

/*
 * Add [start, end) to b, merging with a range it touches or overlaps. Past the ceiling, or
 * out of slots, the batch becomes one full flush.
 */
static void batch_add(struct tlb_batch *b, unsigned long start, unsigned long end)
{
	unsigned long pages;

	start &= PAGE_MASK;
	end = ALIGN(end, PAGE_SIZE);
	if (b->full || end <= start)
		return;
	for (unsigned int i = 0; i < b->nr; i++) {
		if (start > b->range[i].end || end < b->range[i].start)
			continue;
		b->pages -= (b->range[i].end - b->range[i].start) >> PAGE_SHIFT;
		start = min(start, b->range[i].start);
		end = max(end, b->range[i].end);
		b->range[i] = b->range[--b->nr]; /* take it out; re-check the grown range */
		i = -1U;
	}
	pages = (end - start) >> PAGE_SHIFT;
	if (b->nr == TLB_BATCH_RANGES || b->pages + pages > tlb_single_page_flush_ceiling) {
		b->full = true;
		return;
	}
	b->range[b->nr].start = start;
	b->range[b->nr].end = end;
	b->nr++;
	b->pages += pages;
}

/* Run b on this CPU: one full flush, or invlpg over each range. */
static void batch_run_local(const struct tlb_batch *b)
{
	if (b->full) {
		local_flush_all();
		return;
	}
	for (unsigned int i = 0; i < b->nr; i++)
		invlpg_range(b->range[i].start, b->range[i].end);
}

/* A shootdown arriving (cross-call context, interrupts off): add it to this CPU's queue. */
static void flush_tlb_func_remote(void *data)
{
	const struct tlb_batch *b = data;
	struct tlb_batch *p = this_cpu_ptr(&tlb_pending);

	count(NR_TLB_REMOTE_FLUSH_RECEIVED, 1);
	inc_irq_stat(irq_tlb_count);
	if (!p->full && !p->nr) {
		*p = *b; /* a lone request runs as its sender chose */
		return;
	}
	count(TLB_SHOOTDOWN_BATCHED, 1);
	if (b->full)
		p->full = true;
	for (unsigned int i = 0; i < b->nr; i++)
		batch_add(p, b->range[i].start, b->range[i].end);
}

/* kernel/smp.c, after a CPU ran its queued cross-calls and before it acknowledges them. */
void arch_smp_call_batch_end(void)
{
	struct tlb_batch *p = this_cpu_ptr(&tlb_pending);

	if (!p->full && !p->nr)
		return;
	batch_run_local(p);
	*p = (struct tlb_batch){};
}

/* Send b to every other online CPU and wait for all of them; time the round trip. */
static void flush_tlb_others(const struct tlb_batch *b)
{
	cpumask_t others = READ_ONCE(cpu_online_mask) & ~(1ULL << smp_processor_id());
	unsigned long t0, dt;

	if (!others || tlb_skip_shootdown)
		return;
	count(NR_TLB_REMOTE_FLUSH, 1);
	t0 = rdtsc();
	smp_call_function_many(others, flush_tlb_func_remote, (void *)b, true);
	dt = rdtsc() - t0;
	count(TLB_SHOOTDOWN_CYCLES, dt);
	if (!this_cpu_read(tlb_stats[TLB_SHOOTDOWN_CYCLES_MIN]) ||
	    dt < this_cpu_read(tlb_stats[TLB_SHOOTDOWN_CYCLES_MIN]))
		this_cpu_write(tlb_stats[TLB_SHOOTDOWN_CYCLES_MIN], dt);
	if (dt > this_cpu_read(tlb_stats[TLB_SHOOTDOWN_CYCLES_MAX]))
		this_cpu_write(tlb_stats[TLB_SHOOTDOWN_CYCLES_MAX], dt);
}

/* The asking CPU: flush b here (counted as Linux counts), then shoot it down everywhere. */
static void flush_batch(const struct tlb_batch *b)
{
	if (unlikely(!tlb_ready))
		tlb_setup();
	batch_run_local(b);
	if (b->full) {
		count(NR_TLB_LOCAL_FLUSH_ALL, 1);
	} else {
		count(NR_TLB_LOCAL_FLUSH_ONE, b->pages);
		count(TLB_PAGES_FLUSHED, b->pages);
	}
	flush_tlb_others(b);
}

static void flush_range(unsigned long start, unsigned long end, bool ceiling)
{
	unsigned long pages = range_pages(start, end);
	struct tlb_batch b = {};

	if (!pages)
		return;
	count(TLB_PAGES_ASKED, pages);
	if (this_cpu_read(tlb_batch_depth)) {
		batch_add(this_cpu_ptr(&tlb_batch), start, end);
		return;
	}
	if (ceiling && pages > tlb_single_page_flush_ceiling) {
		b.full = true;
	} else {
		b.nr = 1;
		b.pages = pages;
		b.range[0].start = start & PAGE_MASK;
		b.range[0].end = ALIGN(end, PAGE_SIZE);
	}
	flush_batch(&b);
}

/* This CPU only, no shootdown and no Linux counter (Linux's __flush_tlb_one_kernel/_all). */
void __flush_tlb_one_kernel(unsigned long addr)
{
	invlpg(addr);
}

void __flush_tlb_all(void)
{
	local_flush_all();
}

/* One page, one invlpg whatever the ceiling (fixmap slots, single PTE changes). */
void flush_tlb_one_kernel(unsigned long addr)
{
	flush_range(addr, addr + 1, false);
}

void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	flush_range(start, end, true);
}

void flush_tlb_all(void)
{
	struct tlb_batch b = { .full = true };

	if (this_cpu_read(tlb_batch_depth)) {
		this_cpu_ptr(&tlb_batch)->full = true;
		return;
	}
	flush_batch(&b);
}

void flush_tlb_batch_begin(void)
{
	this_cpu_inc(tlb_batch_depth);
}

void flush_tlb_batch_end(void)
{
	struct tlb_batch *b = this_cpu_ptr(&tlb_batch), copy;

	this_cpu_add(tlb_batch_depth, -1);
	if (this_cpu_read(tlb_batch_depth) || (!b->full && !b->nr))
		return;
	copy = *b;
	*b = (struct tlb_batch){};
	flush_batch(&copy);
}

unsigned long tlb_stat_cpu(int cpu, enum tlb_stat_item item)
{
	return per_cpu(tlb_stats, cpu)[item];
}

/* The sum over CPUs; for the min and max round trips, the min and max over CPUs that sent. */
unsigned long tlb_stat_total(enum tlb_stat_item item)
{
	unsigned long v = 0;

	for_each_possible_cpu(cpu) {
		unsigned long c = tlb_stat_cpu(cpu, item);

		if (item == TLB_SHOOTDOWN_CYCLES_MIN)
			v = c && (!v || c < v) ? c : v;
		else if (item == TLB_SHOOTDOWN_CYCLES_MAX)
			v = c > v ? c : v;
		else
			v += c;
	}
	return v;
}

/* Zero every CPU's counters: each CPU zeroes its own, by cross-call. */
static void tlb_stats_reset_local(void *unused)
{
	(void)unused;
	for (int i = 0; i < NR_TLB_STATS; i++)
		this_cpu_write(tlb_stats[i], 0);
}

void tlb_stats_reset(void)
{
	on_each_cpu(tlb_stats_reset_local, NULL, true);
}

/* For readers that want the mechanism settled without a flush (the monitor, tests). */
void tlb_ensure_setup(void)
{
	tlb_setup();
}

int tlb_set_ceiling(unsigned long pages)
{
	if (pages > (1UL << 20))
		return -EINVAL;
	tlb_single_page_flush_ceiling = pages;
	return 0;
}
