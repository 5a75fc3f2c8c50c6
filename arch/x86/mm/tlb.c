// SPDX-License-Identifier: GPL-2.0
/*
 * TLB flushing for kernel mappings, local part: invlpg per page up to
 * tlb_single_page_flush_ceiling pages, else a full flush. Kernel mappings are global, so a
 * full flush is INVPCID type 2 (all contexts, globals too) when the CPU has it, else a
 * CR4.PGE toggle; a bare CR3 write (kept only for when PGE is off) would keep them.
 * PCID (CR4.PCIDE) is enabled when present; the kernel runs with PCID 0.
 *
 * Every flush is counted per CPU (tlb_stats); the remote counters stay 0 until SMP brings
 * shootdown IPIs (and with them the /proc/interrupts `TLB:` row).
 */
#define pr_fmt(fmt) "x86/tlb: " fmt
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/errno.h>
#include <asm/page_types.h>
#include <asm/tlbflush.h>
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
};

const char *const tlb_mode_names[TLB_MODE_INVPCID + 1] = {
	[TLB_MODE_CR3] = "cr3",
	[TLB_MODE_PGE] = "pge",
	[TLB_MODE_INVPCID] = "invpcid",
};

unsigned long tlb_stats[NR_CPUS][NR_TLB_STATS];
enum tlb_flush_mode tlb_flush_mode = TLB_MODE_PGE;
bool tlb_pcid_enabled;

static bool tlb_ready, no_pcid, no_invpcid;

#define INVPCID_TYPE_ALL_INCL_GLOBAL 2UL

static inline void count(enum tlb_stat_item item, unsigned long n)
{
	tlb_stats[smp_processor_id()][item] += n;
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

void flush_tlb_one_kernel(unsigned long addr)
{
	if (unlikely(!tlb_ready))
		tlb_setup();
	invlpg(addr);
	count(NR_TLB_LOCAL_FLUSH_ONE, 1);
	count(TLB_PAGES_ASKED, 1);
	count(TLB_PAGES_FLUSHED, 1);
}

void flush_tlb_all(void)
{
	unsigned long flags, cr4;

	if (unlikely(!tlb_ready))
		tlb_setup();
	flags = local_irq_save();
	cr4 = read_cr4();
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
	count(NR_TLB_LOCAL_FLUSH_ALL, 1);
	local_irq_restore(flags);
}

void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	unsigned long first = start & PAGE_MASK, pages;

	if (end <= start)
		return;
	pages = (ALIGN(end, PAGE_SIZE) - first) >> PAGE_SHIFT;
	count(TLB_PAGES_ASKED, pages);
	if (pages > tlb_single_page_flush_ceiling) {
		flush_tlb_all();
		return;
	}
	if (unlikely(!tlb_ready))
		tlb_setup();
	for (unsigned long a = first; a < end; a += PAGE_SIZE)
		invlpg(a);
	count(NR_TLB_LOCAL_FLUSH_ONE, pages);
	count(TLB_PAGES_FLUSHED, pages);
}

unsigned long tlb_stat_total(enum tlb_stat_item item)
{
	unsigned long sum = 0;

	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		sum += tlb_stats[cpu][item];
	return sum;
}

void tlb_stats_reset(void)
{
	unsigned long flags = local_irq_save();

	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		for (int i = 0; i < NR_TLB_STATS; i++)
			tlb_stats[cpu][i] = 0;
	local_irq_restore(flags);
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
