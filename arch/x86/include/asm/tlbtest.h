/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TLB workloads across CPUs (arch/x86/mm/tlbtest.c), for `tlbtest`, the x86_smp suite and
 * the tests: what a scripted remap or map/unmap moves, and whether any CPU kept a stale
 * translation.
 */
#ifndef _ASM_X86_TLBTEST_H
#define _ASM_X86_TLBTEST_H

#include <linux/types.h>
#include <linux/smp.h>
#include <asm/tlbflush.h>

/* tlbtest N: counter and interrupt deltas of one map, touch, unmap round. */
struct tlbtest_result {
	unsigned long pages;
	unsigned long addr;		/* where the pages were mapped (vmalloc) */
	unsigned int cpus;		/* online CPUs, this one included */
	unsigned int touchers;		/* other CPUs that read every page while mapped */
	unsigned long touch_errors;	/* pages a toucher read wrong (0 expected) */
	unsigned int stale_cpus;	/* CPUs that could still read a page after the unmap */
	unsigned long delta[NR_TLB_STATS];
	unsigned long tlb_irqs;		/* TLB interrupt rows, all CPUs */
	unsigned long call_irqs;	/* function-call interrupts, all CPUs */
};
int tlbtest_run(unsigned long pages, struct tlbtest_result *r);

/* tlbtest stale: remap a page every CPU has cached; who reads the new contents after? */
struct tlb_stale_result {
	unsigned int cpus;
	unsigned int fresh;		/* CPUs that read the new page */
	unsigned int stale;		/* CPUs that still read the old one */
	u64 cpu_value[NR_CPUS];
};
int tlb_stale_check(struct tlb_stale_result *r);

#endif /* _ASM_X86_TLBTEST_H */
