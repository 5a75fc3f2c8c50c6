// SPDX-License-Identifier: GPL-2.0
/* Suite x86_pgtable: the walker and the mapper on real memory and the live page tables. */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/uaccess.h>
#include <linux/ktest.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <asm/pgtable.h>
#include <asm/ptdump.h>
#include <asm/tlbflush.h>
#include <asm/special_insns.h>

/* A scratch address in the vmalloc area, far from anything vmalloc will hand out soon. */
#define TEST_VA (VMALLOC_END + 1 - 64 * PMD_SIZE)

static void pgtable_test_translate_live(struct ktest *t)
{
	struct pt_translation tr;

	pt_translate(read_cr3(), (unsigned long)start_kernel, &tr);
	KTEST_EXPECT_TRUE(t, tr.mapped);
	KTEST_EXPECT_EQ(t, tr.pa, __pa_symbol(start_kernel));
	KTEST_EXPECT_EQ(t, tr.page_size, PAGE_SIZE);
	KTEST_EXPECT_EQ(t, tr.nr_steps, 5); /* pgd, p4d, pud, pmd, pte */
	pt_translate(read_cr3(), (unsigned long)__va(0x200000), &tr);
	KTEST_EXPECT_TRUE(t, tr.mapped);
	KTEST_EXPECT_EQ(t, tr.pa, 0x200000);
	KTEST_EXPECT_EQ(t, tr.page_size, PMD_SIZE);
	pt_translate(read_cr3(), LAYOUT_KASAN_START, &tr);
	KTEST_EXPECT_TRUE(t, !tr.mapped);
	KTEST_EXPECT_EQ(t, tr.nr_steps, 1); /* carto has no KASAN: the pgd slot is empty */
}

/* Map a fresh page at TEST_VA in the live tables, use it, split around it, unmap it. */
static void pgtable_test_map_live(struct ktest *t)
{
	unsigned long page = get_zeroed_page(GFP_KERNEL), pgd = read_cr3() & PTE_PFN_MASK;
	volatile u64 *alias = (volatile u64 *)TEST_VA;
	struct pt_translation tr;
	u64 v;

	KTEST_EXPECT_TRUE(t, page != 0);
	if (!page)
		return;
	KTEST_EXPECT_EQ(
		t, pt_map_range(pgd, TEST_VA, __pa(page), PAGE_SIZE, PAGE_KERNEL, PAGE_SIZE), 0);
	flush_tlb_one_kernel(TEST_VA);
	*alias = 0x1122334455667788ULL;
	KTEST_EXPECT_EQ(t, *(u64 *)page, 0x1122334455667788ULL);
	KTEST_EXPECT_EQ(t, pt_change_prot(pgd, TEST_VA, PAGE_SIZE, 0, _PAGE_RW), 0);
	pt_translate(pgd, TEST_VA, &tr);
	KTEST_EXPECT_TRUE(t, tr.mapped && !(tr.steps[tr.nr_steps - 1].entry & _PAGE_RW));
	KTEST_EXPECT_EQ(t, pt_unmap_range(pgd, TEST_VA, PAGE_SIZE), 0);
	flush_tlb_one_kernel(TEST_VA);
	KTEST_EXPECT_EQ(t, copy_from_kernel_nofault(&v, (void *)TEST_VA, 8), -EFAULT);
	free_page(page);
}

/* A 2 MiB page split by a 4 KiB change keeps the other 511 translations. */
static void pgtable_test_split(struct ktest *t)
{
	unsigned long pgd = read_cr3() & PTE_PFN_MASK, before;
	unsigned long va = TEST_VA + PMD_SIZE;
	struct pt_translation tr;
	int bad = 0;

	/* Alias the first 2 MiB of RAM read-only: nothing writes through it. */
	KTEST_EXPECT_EQ(t, pt_map_range(pgd, va, 0, PMD_SIZE, PAGE_KERNEL_RO, PMD_SIZE), 0);
	before = nr_pagetable_pages;
	KTEST_EXPECT_EQ(t, pt_unmap_range(pgd, va + 5 * PAGE_SIZE, PAGE_SIZE), 0);
	for (unsigned long i = 0; i < PTRS_PER_PTE; i++) {
		pt_translate(pgd, va + i * PAGE_SIZE, &tr);
		bad += i == 5 ? tr.mapped :
				(!tr.mapped || tr.pa != i * PAGE_SIZE || tr.page_size != PAGE_SIZE);
	}
	KTEST_EXPECT_EQ(t, bad, 0);
	KTEST_EXPECT_EQ(t, nr_pagetable_pages, before + 1); /* the split's pte table */
	KTEST_EXPECT_EQ(t, pt_unmap_range(pgd, va, PMD_SIZE), 0);
	flush_tlb_kernel_range(va, va + PMD_SIZE);
	pt_translate(pgd, va + 7 * PAGE_SIZE, &tr);
	KTEST_EXPECT_TRUE(t, !tr.mapped);
}

static void pgtable_test_bad_args(struct ktest *t)
{
	unsigned long pgd = read_cr3() & PTE_PFN_MASK;

	KTEST_EXPECT_EQ(t, pt_map_range(pgd, TEST_VA + 1, 0, PAGE_SIZE, PAGE_KERNEL, PAGE_SIZE),
			-EINVAL);
	KTEST_EXPECT_EQ(t, pt_map_range(pgd, TEST_VA, 0, PAGE_SIZE, PAGE_KERNEL, PMD_SIZE),
			-EINVAL);
	KTEST_EXPECT_EQ(t, pt_unmap_range(pgd, TEST_VA, 3), -EINVAL);
}

/* The strict image permissions and the direct map, as the W+X check and meminfo see them. */
static void pgtable_test_wx_and_direct(struct ktest *t)
{
	struct pt_mapped m;

	KTEST_EXPECT_EQ(t, ptdump_check_wx(), 0);
	pt_count_mapped(read_cr3(), LAYOUT_DIRECT_MAP_START, LAYOUT_DIRECT_MAP_END, &m);
	KTEST_EXPECT_EQ(t, m.bytes_4k, 0);
	KTEST_EXPECT_EQ(t, m.bytes_1g, 0);
	KTEST_EXPECT_TRUE(t, m.bytes_2m >= totalram_pages() * PAGE_SIZE);
}

static const struct ktest_case pgtable_test_cases[] = {
	KTEST_CASE(pgtable_test_translate_live), KTEST_CASE(pgtable_test_map_live),
	KTEST_CASE(pgtable_test_split),		 KTEST_CASE(pgtable_test_bad_args),
	KTEST_CASE(pgtable_test_wx_and_direct),	 {}
};

static const struct ktest_suite pgtable_test_suite = {
	.name = "x86_pgtable",
	.cases = pgtable_test_cases,
};
KTEST_SUITE(pgtable_test_suite);
