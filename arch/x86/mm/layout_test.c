// SPDX-License-Identifier: GPL-2.0
/* Suite x86_layout: the running kernel against its layout table. */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/ktest.h>
#include <linux/mm.h>
#include <asm/layout.h>
#include <asm/fixmap.h>
#include <asm/cpu_entry_area.h>
#include <asm/pgtable.h>
#include <asm/special_insns.h>

extern const char _text[], _end[];

static void layout_test_rows(struct ktest *t)
{
	unsigned long prev_end = 0;
	int overlaps = 0;

	for (unsigned int i = 1; i < NR_LAYOUT_ROWS; i++) {
		const struct layout_region *r = &layout_regions[i];

		if (r->kind == LAYOUT_KIND_MARKER)
			continue;
		overlaps += r->start <= prev_end;
		prev_end = r->end;
	}
	KTEST_EXPECT_EQ(t, overlaps, 0);
	KTEST_EXPECT_STREQ(t, layout_find(VMALLOC_START)->id, "VMALLOC");
	KTEST_EXPECT_STREQ(t, layout_find((unsigned long)_text)->id, "KERNEL_TEXT");
	KTEST_EXPECT_STREQ(t, layout_find(VSYSCALL_ADDR)->id, "VSYSCALL");
	KTEST_EXPECT_EQ(t, pgd_index(__PAGE_OFFSET), 272);
	KTEST_EXPECT_EQ(t, pgd_index(VMALLOC_START), 402);
	KTEST_EXPECT_EQ(t, pgd_index(VMEMMAP_START), 468);
	KTEST_EXPECT_EQ(t, pgd_index(CPU_ENTRY_AREA_BASE), 508);
	KTEST_EXPECT_EQ(t, pgd_index(__START_KERNEL_map), 511);
}

/* The image, the fixmap enum and the cpu_entry_area all sit where their rows say. */
static void layout_test_derived(struct ktest *t)
{
	KTEST_EXPECT_EQ(t, (unsigned long)_text, __START_KERNEL);
	KTEST_EXPECT_EQ(t, __pa_symbol(_text), LOAD_PHYSICAL_ADDR);
	KTEST_EXPECT_TRUE(t, (unsigned long)_end <= LAYOUT_KERNEL_TEXT_END);
	KTEST_EXPECT_EQ(t, __fix_to_virt(VSYSCALL_PAGE), VSYSCALL_ADDR);
	KTEST_EXPECT_EQ(t, FIXADDR_TOT_START, LAYOUT_FIXMAP_START);
	KTEST_EXPECT_TRUE(t, NR_FIX_BTMAPS >= 64);
	KTEST_EXPECT_TRUE(t, CPU_ENTRY_AREA_BASE + CPU_ENTRY_AREA_TOTAL_SIZE - 1 <=
				     LAYOUT_CPU_ENTRY_AREA_END);
}

static void layout_test_markers(struct ktest *t)
{
	int n = 0, unsorted = 0;

	for (; address_markers[n].name; n++)
		unsorted += n &&
			    address_markers[n - 1].start_address > address_markers[n].start_address;
	KTEST_EXPECT_EQ(t, unsorted, 0);
	KTEST_EXPECT_EQ(t, n, 14); /* the 14 headers of Linux's x86_64 ptdump */
	KTEST_EXPECT_STREQ(t, address_markers[0].name, "User Space");
	KTEST_EXPECT_STREQ(t, address_markers[n - 1].name, "Fixmap Area");
}

/* early_ioremap of the kernel's first page reads what the direct map reads. */
static void layout_test_early_ioremap(struct ktest *t)
{
	phys_addr_t pa = __pa_symbol(_text) + 0x123;
	const u8 *a = early_ioremap(pa, 3 * PAGE_SIZE), *b = early_ioremap(pa, 16);

	KTEST_EXPECT_TRUE(t, a && b && a != b);
	if (!a || !b)
		return;
	KTEST_EXPECT_TRUE(t, (unsigned long)a >= LAYOUT_FIXMAP_START &&
				     (unsigned long)a <= LAYOUT_FIXMAP_END);
	KTEST_EXPECT_TRUE(t, !memcmp(a, __va(pa), 3 * PAGE_SIZE - 0x123));
	KTEST_EXPECT_TRUE(t, !memcmp(b, _text + 0x123, 16));
	early_iounmap((void *)b, 16);
	early_iounmap((void *)a, 3 * PAGE_SIZE);
	KTEST_EXPECT_TRUE(t, early_ioremap(pa, 16) == a); /* the slots are free again */
	early_iounmap((void *)a, 16);
	KTEST_EXPECT_TRUE(t, early_ioremap(pa, (NR_FIX_BTMAPS + 1) * PAGE_SIZE) == NULL);
}

static const struct ktest_case layout_test_cases[] = { KTEST_CASE(layout_test_rows),
						       KTEST_CASE(layout_test_derived),
						       KTEST_CASE(layout_test_markers),
						       KTEST_CASE(layout_test_early_ioremap),
						       {} };

static const struct ktest_suite layout_test_suite = {
	.name = "x86_layout",
	.cases = layout_test_cases,
};
KTEST_SUITE(layout_test_suite);
