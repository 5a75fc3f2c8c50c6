// SPDX-License-Identifier: GPL-2.0
/* Suite kallsyms: the embedded symbol table against the linker's own symbols. */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/init.h>
#include <linux/kallsyms.h>
#include <linux/ktest.h>

extern const char _text[], _etext[], _end[];

static void kallsyms_test_by_name(struct ktest *t)
{
	KTEST_EXPECT_EQ(t, kallsyms_lookup_name("start_kernel"), (unsigned long)start_kernel);
	KTEST_EXPECT_EQ(t, kallsyms_lookup_name("carto_banner"), (unsigned long)carto_banner);
	KTEST_EXPECT_EQ(t, kallsyms_lookup_name("boot_command_line"),
			(unsigned long)boot_command_line);
	KTEST_EXPECT_EQ(t, kallsyms_lookup_name("startup_64"), (unsigned long)_text);
	KTEST_EXPECT_EQ(t, kallsyms_lookup_name("no_such_symbol_anywhere"), 0);
}

static void kallsyms_test_by_address(struct ktest *t)
{
	unsigned long size = 0, off = 0;
	char type = 0;
	const char *name = kallsyms_lookup((unsigned long)start_kernel + 3, &size, &off, &type);
	char buf[KSYM_SYMBOL_LEN], want[KSYM_SYMBOL_LEN];

	KTEST_EXPECT_STREQ(t, name, "start_kernel");
	KTEST_EXPECT_EQ(t, off, 3);
	KTEST_EXPECT_TRUE(t, size > 3);
	KTEST_EXPECT_EQ(t, type, 'T');
	sprint_symbol(buf, sizeof(buf), (unsigned long)start_kernel + 3);
	snprintf(want, sizeof(want), "start_kernel+0x3/0x%lx", size);
	KTEST_EXPECT_STREQ(t, buf, want);
	name = kallsyms_lookup((unsigned long)boot_command_line + 10, NULL, &off, &type);
	KTEST_EXPECT_STREQ(t, name, "boot_command_line");
	KTEST_EXPECT_EQ(t, off, 10);
	KTEST_EXPECT_TRUE(t, type == 'B' || type == 'b');
}

static void kallsyms_test_outside(struct ktest *t)
{
	char buf[KSYM_SYMBOL_LEN];

	KTEST_EXPECT_TRUE(t, kallsyms_lookup((unsigned long)_text - 1, NULL, NULL, NULL) == NULL);
	KTEST_EXPECT_TRUE(t, kallsyms_lookup((unsigned long)_end, NULL, NULL, NULL) == NULL);
	sprint_symbol(buf, sizeof(buf), 0x1234);
	KTEST_EXPECT_STREQ(t, buf, "0x1234");
}

/* Sorted, inside the image, and every name finds its own address back. */
static void kallsyms_test_table(struct ktest *t)
{
	unsigned long n = kallsyms_count(), prev = 0, bad_order = 0, bad_range = 0;

	KTEST_EXPECT_TRUE(t, n > 100);
	for (unsigned long i = 0; i < n; i++) {
		unsigned long addr;

		kallsyms_symbol(i, &addr, NULL, NULL);
		bad_order += addr < prev;
		bad_range += addr < (unsigned long)_text || addr > (unsigned long)_end;
		prev = addr;
	}
	KTEST_EXPECT_EQ(t, bad_order, 0);
	KTEST_EXPECT_EQ(t, bad_range, 0);
	for (unsigned long i = 0; i < n; i += 37) {
		unsigned long addr;
		const char *name = kallsyms_symbol(i, &addr, NULL, NULL);

		KTEST_EXPECT_EQ(t, kallsyms_lookup_name(name), addr);
	}
}

static const struct ktest_case kallsyms_test_cases[] = { KTEST_CASE(kallsyms_test_by_name),
							 KTEST_CASE(kallsyms_test_by_address),
							 KTEST_CASE(kallsyms_test_outside),
							 KTEST_CASE(kallsyms_test_table),
							 {} };

static const struct ktest_suite kallsyms_test_suite = {
	.name = "kallsyms",
	.cases = kallsyms_test_cases,
};
KTEST_SUITE(kallsyms_test_suite);
