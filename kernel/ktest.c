// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel test runner (KUnit's shape): suites from section .ktest_suites, results in
 * KTAP version 1 on the console, a suite's subtests indented by four spaces:
 *
 *   KTAP version 1
 *   1..2
 *       KTAP version 1
 *       # Subtest: printk_ringbuffer
 *       1..3
 *       ok 1 printk_test_basic
 *   ok 1 printk_ringbuffer
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/printk.h>
#include <linux/errno.h>
#include <linux/ktest.h>

extern const struct ktest_suite *const __start_ktest_suites[], *const __stop_ktest_suites[];

void ktest_fail(struct ktest *t, const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list args;

	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	con_printf("        # %s: EXPECTATION FAILED at %s:%d\n        %s\n", t->name, file, line,
		   msg);
	t->failures++;
}

static bool matches(const char *name, const char *filter)
{
	size_t n;

	if (!filter || !*filter)
		return true;
	n = strlen(filter);
	if (filter[n - 1] == '*')
		return !strncmp(name, filter, n - 1);
	return !strcmp(name, filter);
}

/* Run one suite's cases; returns true when all passed. */
static bool run_suite(const struct ktest_suite *s, int number)
{
	int ncases = 0, failed = 0;

	while (s->cases[ncases].name)
		ncases++;
	con_printf("    KTAP version 1\n    # Subtest: %s\n    1..%d\n", s->name, ncases);
	for (int i = 0; i < ncases; i++) {
		struct ktest t = { .name = s->cases[i].name };

		s->cases[i].run(&t);
		con_printf("    %s %d %s\n", t.failures ? "not ok" : "ok", i + 1, t.name);
		failed += t.failures != 0;
	}
	con_printf("# %s: pass:%d fail:%d skip:0 total:%d\n", s->name, ncases - failed, failed,
		   ncases);
	con_printf("%s %d %s\n", failed ? "not ok" : "ok", number, s->name);
	return !failed;
}

int ktest_run(const char *filter)
{
	const struct ktest_suite *const *s;
	int nsuites = 0, number = 0, failed = 0;

	for (s = __start_ktest_suites; s < __stop_ktest_suites; s++)
		nsuites += matches((*s)->name, filter);
	if (!nsuites)
		return -ENOENT;
	con_printf("KTAP version 1\n1..%d\n", nsuites);
	for (s = __start_ktest_suites; s < __stop_ktest_suites; s++)
		if (matches((*s)->name, filter))
			failed += !run_suite(*s, ++number);
	con_printf("# Totals: pass:%d fail:%d skip:0 total:%d\n", nsuites - failed, failed,
		   nsuites);
	return failed;
}

void ktest_list(void)
{
	for (const struct ktest_suite *const *s = __start_ktest_suites; s < __stop_ktest_suites;
	     s++)
		con_printf("%s\n", (*s)->name);
}
