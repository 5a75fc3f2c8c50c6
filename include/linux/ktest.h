/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-kernel tests in KUnit's style: a suite is a named table of cases ending in {}; each
 * case gets a struct ktest and reports through the KTEST_EXPECT_* macros. Suites register
 * by KTEST_SUITE(), which puts a pointer in section .ktest_suites. Results print as KTAP
 * version 1 on the console: `selftest [SUITE]` in the monitor, or the boot parameter.
 */
#ifndef _LINUX_KTEST_H
#define _LINUX_KTEST_H

#include <linux/types.h>
#include <linux/compiler.h>

struct ktest {
	const char *name;
	int failures;
};

struct ktest_case {
	const char *name;
	void (*run)(struct ktest *t);
};

struct ktest_suite {
	const char *name;
	const struct ktest_case *cases;
};

#define KTEST_CASE(fn)                 \
	{                              \
		.name = #fn, .run = fn \
	}

#define KTEST_SUITE(s)                                                                             \
	static const struct ktest_suite *const __ktest_ptr_##s __used __section(".ktest_suites") = \
		&s

__printf(4, 5) void ktest_fail(struct ktest *t, const char *file, int line, const char *fmt, ...);

#define KTEST_EXPECT_TRUE(t, cond)                                                          \
	do {                                                                                \
		if (!(cond))                                                                \
			ktest_fail(t, __FILE__, __LINE__, "Expected %s to be true", #cond); \
	} while (0)
#define KTEST_EXPECT_EQ(t, a, b)                                                                   \
	do {                                                                                       \
		long long __a = (long long)(a), __b = (long long)(b);                              \
		if (__a != __b)                                                                    \
			ktest_fail(                                                                \
				t, __FILE__, __LINE__,                                             \
				"Expected %s == %s, but %s == %lld (0x%llx), %s == %lld (0x%llx)", \
				#a, #b, #a, __a, (unsigned long long)__a, #b, __b,                 \
				(unsigned long long)__b);                                          \
	} while (0)
#define KTEST_EXPECT_STREQ(t, a, b)                                                   \
	do {                                                                          \
		const char *__a = (a), *__b = (b);                                    \
		if (!__a || !__b || strcmp(__a, __b))                                 \
			ktest_fail(t, __FILE__, __LINE__,                             \
				   "Expected %s == %s, but \"%s\" != \"%s\"", #a, #b, \
				   __a ? __a : "(null)", __b ? __b : "(null)");       \
	} while (0)

/* Run every suite whose name matches `filter` (NULL or "" for all; a trailing '*' is a
 * prefix match). Returns the number of failed suites, or -ENOENT when none matched. */
int ktest_run(const char *filter);
/* Print the registered suites' names, one a line. */
void ktest_list(void);

#endif /* _LINUX_KTEST_H */
