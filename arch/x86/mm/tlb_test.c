// SPDX-License-Identifier: GPL-2.0
/*
 * Suite x86_tlb: the flush counters move by exact amounts (on C online CPUs: the asking CPU
 * counts the local flush and one shootdown sent, each other CPU one received and its own
 * invlpg or full flush); a flushed remap is seen at once.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/ktest.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>
#include <asm/special_insns.h>

/* A scratch address in the vmalloc area, away from vmalloc's and x86_pgtable's. */
#define TLB_TEST_VA (VMALLOC_END + 1 - 128 * PMD_SIZE)

static unsigned long snap[NR_TLB_STATS];

static void take_snapshot(void)
{
	for (int i = 0; i < NR_TLB_STATS; i++)
		snap[i] = tlb_stat_total(i);
}

static unsigned long delta(enum tlb_stat_item i)
{
	return tlb_stat_total(i) - snap[i];
}

static enum tlb_stat_item full_cause(void)
{
	if (tlb_flush_mode == TLB_MODE_INVPCID)
		return TLB_FLUSH_ALL_INVPCID;
	return (read_cr4() & X86_CR4_PGE) ? TLB_FLUSH_ALL_PGE : TLB_FLUSH_ALL_CR3;
}

/* The mechanism follows CPUID (the boot parameters can only turn things off). */
static void tlb_test_mechanism(struct ktest *t)
{
	u32 a, b, c, d;

	tlb_ensure_setup();
	cpuid(1, &a, &b, &c, &d);
	if (!(c & (1U << 17)))
		KTEST_EXPECT_TRUE(t, !tlb_pcid_enabled);
	KTEST_EXPECT_EQ(t, !!(read_cr4() & X86_CR4_PCIDE), tlb_pcid_enabled);
	if (tlb_pcid_enabled)
		KTEST_EXPECT_EQ(t, read_cr3() & 0xfff, 0); /* PCID 0 */
	KTEST_EXPECT_TRUE(t, tlb_flush_mode != TLB_MODE_CR3);
}

static void tlb_test_counts(struct ktest *t)
{
	unsigned long va = TLB_TEST_VA, saved = tlb_single_page_flush_ceiling;
	enum tlb_stat_item cause = full_cause();
	unsigned long cpus = num_online_cpus(), others = cpus - 1;

	tlb_single_page_flush_ceiling = 33;
	take_snapshot();
	flush_tlb_kernel_range(va, va + PAGE_SIZE);		/* 1 page: invlpg */
	flush_tlb_kernel_range(va, va + 33 * PAGE_SIZE);	/* 33: still invlpg */
	flush_tlb_kernel_range(va, va + 34 * PAGE_SIZE);	/* 34: a full flush */
	KTEST_EXPECT_EQ(t, delta(NR_TLB_LOCAL_FLUSH_ONE), 34);
	KTEST_EXPECT_EQ(t, delta(TLB_INVLPG), 34 * cpus);
	KTEST_EXPECT_EQ(t, delta(NR_TLB_LOCAL_FLUSH_ALL), 1);
	KTEST_EXPECT_EQ(t, delta(cause), cpus);
	KTEST_EXPECT_EQ(t, delta(TLB_PAGES_ASKED), 68);
	KTEST_EXPECT_EQ(t, delta(TLB_PAGES_FLUSHED), 34);
	KTEST_EXPECT_EQ(t, delta(NR_TLB_REMOTE_FLUSH), others ? 3 : 0);
	KTEST_EXPECT_EQ(t, delta(NR_TLB_REMOTE_FLUSH_RECEIVED), 3 * others);

	/* Raised ceiling: 34 pages go one by one; ceiling 0: even one page is a full flush. */
	take_snapshot();
	KTEST_EXPECT_EQ(t, tlb_set_ceiling(40), 0);
	flush_tlb_kernel_range(va, va + 34 * PAGE_SIZE);
	KTEST_EXPECT_EQ(t, tlb_set_ceiling(0), 0);
	flush_tlb_kernel_range(va, va + PAGE_SIZE);
	flush_tlb_kernel_range(va + 5, va + 4); /* empty: nothing */
	KTEST_EXPECT_EQ(t, delta(NR_TLB_LOCAL_FLUSH_ONE), 34);
	KTEST_EXPECT_EQ(t, delta(NR_TLB_LOCAL_FLUSH_ALL), 1);
	KTEST_EXPECT_EQ(t, delta(TLB_PAGES_ASKED), 35);
	KTEST_EXPECT_EQ(t, delta(TLB_PAGES_FLUSHED), 34);
	tlb_single_page_flush_ceiling = 33;

	/* flush_tlb_all and flush_tlb_one_kernel; an unaligned range covers both pages. */
	take_snapshot();
	flush_tlb_all();
	flush_tlb_one_kernel(va);
	flush_tlb_kernel_range(va + PAGE_SIZE - 8, va + PAGE_SIZE + 8);
	KTEST_EXPECT_EQ(t, delta(NR_TLB_LOCAL_FLUSH_ALL), 1);
	KTEST_EXPECT_EQ(t, delta(cause), cpus);
	KTEST_EXPECT_EQ(t, delta(NR_TLB_LOCAL_FLUSH_ONE), 3);
	KTEST_EXPECT_EQ(t, delta(TLB_INVLPG), 3 * cpus);
	KTEST_EXPECT_EQ(t, delta(TLB_PAGES_ASKED), 3);
	KTEST_EXPECT_EQ(t, delta(NR_TLB_REMOTE_FLUSH), others ? 3 : 0);
	KTEST_EXPECT_EQ(t, delta(NR_TLB_REMOTE_FLUSH_RECEIVED), 3 * others);
	KTEST_EXPECT_EQ(t, tlb_set_ceiling(~0UL), -EINVAL);
	tlb_single_page_flush_ceiling = saved;
}

/* Remap the scratch page from one page to another: after the flush a read sees the new one. */
static void tlb_test_stale(struct ktest *t)
{
	unsigned long p1 = get_zeroed_page(GFP_KERNEL), p2 = get_zeroed_page(GFP_KERNEL);
	unsigned long pgd = read_cr3() & PTE_PFN_MASK;
	volatile u64 *alias = (volatile u64 *)TLB_TEST_VA;

	KTEST_EXPECT_TRUE(t, p1 && p2);
	if (!p1 || !p2)
		goto out;
	*(u64 *)p1 = 0x1111111111111111ULL;
	*(u64 *)p2 = 0x2222222222222222ULL;
	KTEST_EXPECT_EQ(t, pt_map_range(pgd, TLB_TEST_VA, __pa(p1), PAGE_SIZE, PAGE_KERNEL,
					PAGE_SIZE), 0);
	flush_tlb_one_kernel(TLB_TEST_VA);
	KTEST_EXPECT_EQ(t, *alias, 0x1111111111111111ULL); /* the translation is cached now */
	KTEST_EXPECT_EQ(t, pt_unmap_range(pgd, TLB_TEST_VA, PAGE_SIZE), 0);
	KTEST_EXPECT_EQ(t, pt_map_range(pgd, TLB_TEST_VA, __pa(p2), PAGE_SIZE, PAGE_KERNEL,
					PAGE_SIZE), 0);
	flush_tlb_kernel_range(TLB_TEST_VA, TLB_TEST_VA + PAGE_SIZE);
	KTEST_EXPECT_EQ(t, *alias, 0x2222222222222222ULL);
	/* and through a full flush, back to the first page */
	KTEST_EXPECT_EQ(t, pt_unmap_range(pgd, TLB_TEST_VA, PAGE_SIZE), 0);
	KTEST_EXPECT_EQ(t, pt_map_range(pgd, TLB_TEST_VA, __pa(p1), PAGE_SIZE, PAGE_KERNEL,
					PAGE_SIZE), 0);
	flush_tlb_all();
	KTEST_EXPECT_EQ(t, *alias, 0x1111111111111111ULL);
	KTEST_EXPECT_EQ(t, pt_unmap_range(pgd, TLB_TEST_VA, PAGE_SIZE), 0);
	flush_tlb_one_kernel(TLB_TEST_VA);
out:
	if (p1)
		free_page(p1);
	if (p2)
		free_page(p2);
}

/* A batch window: overlapping and adjacent ranges merge; one flush, one shootdown. */
static void tlb_test_batch(struct ktest *t)
{
	unsigned long va = TLB_TEST_VA, cpus = num_online_cpus(), others = cpus - 1;

	tlb_single_page_flush_ceiling = 33;
	take_snapshot();
	flush_tlb_batch_begin();
	flush_tlb_kernel_range(va, va + 4 * PAGE_SIZE);			/* 0..3 */
	flush_tlb_kernel_range(va + 2 * PAGE_SIZE, va + 6 * PAGE_SIZE);	/* 2..5: overlaps */
	flush_tlb_kernel_range(va + 6 * PAGE_SIZE, va + 7 * PAGE_SIZE);	/* 6: adjacent */
	flush_tlb_kernel_range(va + 20 * PAGE_SIZE, va + 21 * PAGE_SIZE); /* 20: apart */
	KTEST_EXPECT_EQ(t, delta(TLB_INVLPG), 0); /* nothing flushed yet */
	flush_tlb_batch_end();
	KTEST_EXPECT_EQ(t, delta(TLB_PAGES_ASKED), 10);
	KTEST_EXPECT_EQ(t, delta(TLB_PAGES_FLUSHED), 8);
	KTEST_EXPECT_EQ(t, delta(NR_TLB_LOCAL_FLUSH_ONE), 8);
	KTEST_EXPECT_EQ(t, delta(TLB_INVLPG), 8 * cpus);
	KTEST_EXPECT_EQ(t, delta(NR_TLB_REMOTE_FLUSH), others ? 1 : 0);
	KTEST_EXPECT_EQ(t, delta(NR_TLB_REMOTE_FLUSH_RECEIVED), others);

	/* Past the ceiling the batch becomes one full flush. */
	take_snapshot();
	flush_tlb_batch_begin();
	for (int i = 0; i < 5; i++)
		flush_tlb_kernel_range(va + i * 10 * PAGE_SIZE, va + (i * 10 + 8) * PAGE_SIZE);
	flush_tlb_batch_end();
	KTEST_EXPECT_EQ(t, delta(TLB_PAGES_ASKED), 40);
	KTEST_EXPECT_EQ(t, delta(NR_TLB_LOCAL_FLUSH_ALL), 1);
	KTEST_EXPECT_EQ(t, delta(full_cause()), cpus);
	KTEST_EXPECT_EQ(t, delta(TLB_INVLPG), 0);
	KTEST_EXPECT_EQ(t, delta(NR_TLB_REMOTE_FLUSH), others ? 1 : 0);
}

static const struct ktest_case tlb_test_cases[] = {
	KTEST_CASE(tlb_test_mechanism), KTEST_CASE(tlb_test_counts), KTEST_CASE(tlb_test_stale),
	KTEST_CASE(tlb_test_batch), {}
};

static const struct ktest_suite tlb_test_suite = {
	.name = "x86_tlb",
	.cases = tlb_test_cases,
};
KTEST_SUITE(tlb_test_suite);
