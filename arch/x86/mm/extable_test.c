// SPDX-License-Identifier: GPL-2.0
/* Suite x86_extable: faulting reads continue at their fixup; the table is sorted. */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/uaccess.h>
#include <linux/ktest.h>
#include <asm/extable.h>
#include <asm/page_types.h>

extern struct exception_table_entry __start___ex_table[], __stop___ex_table[];
extern const char _end[];

static void extable_test_mapped(struct ktest *t)
{
	char buf[32];

	KTEST_EXPECT_EQ(t, copy_from_kernel_nofault(buf, carto_banner + 1, 17), 0);
	KTEST_EXPECT_TRUE(t, !memcmp(buf, carto_banner + 1, 17));
}

static void extable_test_unmapped(struct ktest *t)
{
	u64 v = 0x5a5a;

	KTEST_EXPECT_EQ(t, copy_from_kernel_nofault(&v, (void *)LAYOUT_KASAN_START, 8), -EFAULT);
	KTEST_EXPECT_EQ(t, copy_from_kernel_nofault(&v, (void *)(MODULES_VADDR + 3), 1), -EFAULT);
	KTEST_EXPECT_EQ(t, copy_from_kernel_nofault(&v, NULL, 8), -EFAULT);
}

/* A non-canonical address is a #GP, not a #PF: the same fixup must catch it. */
static void extable_test_noncanonical(struct ktest *t)
{
	u64 v;

	KTEST_EXPECT_EQ(t, copy_from_kernel_nofault(&v, (void *)(1UL << 63), 8), -EFAULT);
	KTEST_EXPECT_EQ(t, copy_from_kernel_nofault(&v, (void *)LAYOUT_SIGN_HOLE_START, 1),
			-EFAULT);
}

/* A read running off the end of the image's mapping: its first bytes are there, the rest not. */
static void extable_test_partial(struct ktest *t)
{
	const char *end = (const char *)ALIGN((unsigned long)_end, PAGE_SIZE);
	char buf[16];

	KTEST_EXPECT_EQ(t, copy_from_kernel_nofault(buf, end - 16, 16), 0);
	KTEST_EXPECT_EQ(t, copy_from_kernel_nofault(buf, end - 4, 16), -EFAULT);
}

static void extable_test_sorted(struct ktest *t)
{
	long n = __stop___ex_table - __start___ex_table, unsorted = 0;

	KTEST_EXPECT_TRUE(t, n >= 2);
	for (long i = 1; i < n; i++)
		unsorted += __start___ex_table[i - 1].insn > __start___ex_table[i].insn;
	KTEST_EXPECT_EQ(t, unsorted, 0);
	for (long i = 0; i < n; i++)
		KTEST_EXPECT_TRUE(t, search_exception_tables(__start___ex_table[i].insn) ==
					     &__start___ex_table[i]);
	KTEST_EXPECT_TRUE(t, search_exception_tables((unsigned long)start_kernel) == NULL);
}

static const struct ktest_case extable_test_cases[] = {
	KTEST_CASE(extable_test_mapped),       KTEST_CASE(extable_test_unmapped),
	KTEST_CASE(extable_test_noncanonical), KTEST_CASE(extable_test_partial),
	KTEST_CASE(extable_test_sorted),       {}
};

static const struct ktest_suite extable_test_suite = {
	.name = "x86_extable",
	.cases = extable_test_cases,
};
KTEST_SUITE(extable_test_suite);
