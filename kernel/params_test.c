// SPDX-License-Identifier: GPL-2.0
/* Suite cmdline_parser: splitting words Linux's way and applying a parameter table. */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/ktest.h>
#include <linux/moduleparam.h>

static void params_test_next_arg(struct ktest *t)
{
	char line[] = "a=1 b  c=\"x y\" d= \"e f\" \"g=h i\"";
	static const char *const want[][2] = {
		{ "a", "1" }, { "b", NULL },   { "c", "x y" },
		{ "d", "" },  { "e f", NULL }, { "g", "h i" }, /* GRUB's quoting of g="h i" */
	};
	char *args = line, *param, *val;
	unsigned int n = 0;

	while (*args && n < ARRAY_SIZE(want)) {
		args = next_arg(args, &param, &val);
		KTEST_EXPECT_STREQ(t, param, want[n][0]);
		if (want[n][1])
			KTEST_EXPECT_STREQ(t, val, want[n][1]);
		else
			KTEST_EXPECT_TRUE(t, val == NULL);
		n++;
	}
	KTEST_EXPECT_EQ(t, n, ARRAY_SIZE(want));
	KTEST_EXPECT_EQ(t, *args, '\0');
}

static int level_seen, flag_seen;

static int test_set_level(const char *val)
{
	int v;

	if (!val || kstrtoint(val, 10, &v))
		return -EINVAL;
	level_seen = v;
	return 0;
}

static int test_set_flag(const char *val)
{
	flag_seen += val == NULL;
	return 0;
}

static const struct kernel_param test_params[] = { { "level", test_set_level },
						   { "flag", test_set_flag },
						   {} };

static void params_test_table(struct ktest *t)
{
	char unknown[128];
	int n;

	level_seen = -1;
	flag_seen = 0;
	n = parse_args("  level=5 flag foo=bar x flag foo=bar level=zz ", test_params, unknown,
		       sizeof(unknown));
	KTEST_EXPECT_EQ(t, level_seen, 5); /* the bad value later left it alone */
	KTEST_EXPECT_EQ(t, flag_seen, 2);
	KTEST_EXPECT_EQ(t, n, 3);
	KTEST_EXPECT_STREQ(t, unknown, "foo=bar x"); /* each unknown word once */
}

static void params_test_empty(struct ktest *t)
{
	char unknown[16] = "junk";

	KTEST_EXPECT_EQ(t, parse_args("", test_params, unknown, sizeof(unknown)), 0);
	KTEST_EXPECT_STREQ(t, unknown, "");
	KTEST_EXPECT_EQ(t, parse_args("   ", test_params, unknown, sizeof(unknown)), 0);
}

/* An unknown list longer than its buffer is cut at a word, never overflowed. */
static void params_test_unknown_overflow(struct ktest *t)
{
	char unknown[12];

	KTEST_EXPECT_EQ(t, parse_args("aaaa bbbb cccc dddd", test_params, unknown, sizeof(unknown)),
			4);
	KTEST_EXPECT_STREQ(t, unknown, "aaaa bbbb");
}

static void params_test_kstrto(struct ktest *t)
{
	unsigned long v = 0;
	int i = 0;

	KTEST_EXPECT_EQ(t, kstrtoul("0x1f", 0, &v), 0);
	KTEST_EXPECT_EQ(t, v, 31);
	KTEST_EXPECT_EQ(t, kstrtoul("ffffffffffffffff", 16, &v), 0);
	KTEST_EXPECT_EQ(t, v, ~0UL);
	KTEST_EXPECT_EQ(t, kstrtoul("10000000000000000", 16, &v), -ERANGE);
	KTEST_EXPECT_EQ(t, kstrtoul("12a", 10, &v), -EINVAL);
	KTEST_EXPECT_EQ(t, kstrtoul("", 10, &v), -EINVAL);
	KTEST_EXPECT_EQ(t, kstrtoint("-7", 10, &i), 0);
	KTEST_EXPECT_EQ(t, i, -7);
}

static const struct ktest_case params_test_cases[] = {
	KTEST_CASE(params_test_next_arg), KTEST_CASE(params_test_table),
	KTEST_CASE(params_test_empty),	  KTEST_CASE(params_test_unknown_overflow),
	KTEST_CASE(params_test_kstrto),	  {}
};

static const struct ktest_suite params_test_suite = {
	.name = "cmdline_parser",
	.cases = params_test_cases,
};
KTEST_SUITE(params_test_suite);
