/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flushing kernel translations from the TLB, on this CPU and, by shootdown, on every other
 * online CPU (arch/x86/mm/tlb.c).
 */
#ifndef _ASM_X86_TLBFLUSH_H
#define _ASM_X86_TLBFLUSH_H

#include <linux/types.h>
#include <linux/percpu.h>

/* Ranges larger than this many pages are flushed whole (Linux's default: 33). */
extern unsigned long tlb_single_page_flush_ceiling;

/*
 * Ranges flushed together (arch/x86/mm/tlb.c): merged where they touch, up to
 * TLB_BATCH_RANGES of them, else (or past the ceiling) one full flush.
 */
#define TLB_BATCH_RANGES 8
struct tlb_batch {
	unsigned int nr;
	bool full;
	unsigned long pages; /* in range[] */
	struct {
		unsigned long start, end;
	} range[TLB_BATCH_RANGES];
};

void flush_tlb_one_kernel(unsigned long addr);
/* This CPU only (no shootdown; only carto's invlpg/full-flush counters move): for benches. */
void __flush_tlb_one_kernel(unsigned long addr);
void __flush_tlb_all(void);
void flush_tlb_kernel_range(unsigned long start, unsigned long end);
void flush_tlb_all(void);
/*
 * Between these, this CPU's flushes are collected and done at _end() as one flush and one
 * shootdown. Only for changes no CPU uses until _end() (a module being loaded, say).
 */
void flush_tlb_batch_begin(void);
void flush_tlb_batch_end(void);

/*
 * The TLB statistics: one enum, one name table (tlb_stat_names), counted per CPU.
 * The first four are Linux's /proc/vmstat names; the rest are carto's own.
 */
enum tlb_stat_item {
	NR_TLB_REMOTE_FLUSH,		/* shootdown requests sent (SMP) */
	NR_TLB_REMOTE_FLUSH_RECEIVED,	/* shootdown IPIs handled (SMP) */
	NR_TLB_LOCAL_FLUSH_ALL,		/* local full flushes */
	NR_TLB_LOCAL_FLUSH_ONE,		/* pages flushed one by one locally */
	TLB_INVLPG,			/* invlpg instructions */
	TLB_FLUSH_ALL_CR3,		/* full flushes by a CR3 write (no PGE) */
	TLB_FLUSH_ALL_PGE,		/* full flushes by toggling CR4.PGE */
	TLB_FLUSH_ALL_INVPCID,		/* full flushes by INVPCID type 2 (all, with globals) */
	TLB_PAGES_ASKED,		/* pages callers asked to flush */
	TLB_PAGES_FLUSHED,		/* of those, pages invalidated one by one */
	TLB_SHOOTDOWN_BATCHED,		/* shootdowns merged into an earlier one's flush */
	TLB_SHOOTDOWN_CYCLES,		/* shootdown round trips, TSC cycles summed */
	TLB_SHOOTDOWN_CYCLES_MIN,	/* the shortest round trip (not a sum) */
	TLB_SHOOTDOWN_CYCLES_MAX,	/* the longest (not a sum) */
	NR_TLB_STATS
};

/* The number of Linux's counters at the head of the enum (the /proc/vmstat block). */
#define NR_TLB_VMSTAT_ITEMS (NR_TLB_LOCAL_FLUSH_ONE + 1)

extern const char *const tlb_stat_names[NR_TLB_STATS];
DECLARE_PER_CPU(unsigned long[NR_TLB_STATS], tlb_stats);
/* For tests only (`tlb shootdown off`): flush locally, send no shootdown. */
extern bool tlb_skip_shootdown;

/* What a full flush uses and whether PCID is on (decided once: tlb_init or the first flush). */
enum tlb_flush_mode { TLB_MODE_CR3, TLB_MODE_PGE, TLB_MODE_INVPCID };
extern enum tlb_flush_mode tlb_flush_mode;
extern bool tlb_pcid_enabled;
extern const char *const tlb_mode_names[TLB_MODE_INVPCID + 1];

/* Boot hook: choose PCID/INVPCID and print the one boot line (start_kernel should call it). */
void tlb_init(void);
void tlb_ensure_setup(void);
void tlb_cpu_init(void);
unsigned long tlb_stat_cpu(int cpu, enum tlb_stat_item item);
unsigned long tlb_stat_total(enum tlb_stat_item item);
void tlb_stats_reset(void);
int tlb_set_ceiling(unsigned long pages);
/* The boot parameters nopcid and noinvpcid (kernel/params.c's boot_params[]). */
int tlb_param_nopcid(const char *val);
int tlb_param_noinvpcid(const char *val);

#endif /* _ASM_X86_TLBFLUSH_H */
