/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host tests' one check harness: every CHECK counts a result; failures print where and
 * what (the first 50 in full), and check_summary() prints the runner line
 * "NAME: N passed, M failed" and gives the exit status.
 */
#ifndef _TESTS_HOST_CHECK_H
#define _TESTS_HOST_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define CHECK_PRINT_MAX 50

static unsigned int passed, failed;

/* Count one result; print the failing expression and where. Returns ok. */
static inline bool check(bool ok, const char *what, const char *file, int line)
{
	if (ok) {
		passed++;
	} else if (++failed <= CHECK_PRINT_MAX) {
		printf("FAIL %s:%d: %s\n", file, line, what);
	}
	return ok;
}

static inline bool check_printing(void)
{
	return failed <= CHECK_PRINT_MAX;
}

#define CHECK(cond) check(!!(cond), #cond, __FILE__, __LINE__)
/* Expressions: true when the check held; both values printed when not. */
#define CHECK_EQ(a, b)                                                                         \
	({                                                                                     \
		unsigned long long _a = (unsigned long long)(a), _b = (unsigned long long)(b); \
		bool _ok = check(_a == _b, #a " == " #b, __FILE__, __LINE__);                  \
		if (!_ok && check_printing())                                                  \
			printf("     got 0x%llx (%llu), want 0x%llx (%llu)\n", _a, _a, _b, _b);    \
		_ok;                                                                           \
	})
#define CHECK_INT(a, b)                                                     \
	({                                                                  \
		long _a = (long)(a), _b = (long)(b);                        \
		bool _ok = check(_a == _b, #a " == " #b, __FILE__, __LINE__); \
		if (!_ok && check_printing())                               \
			printf("     got %ld, want %ld\n", _a, _b);         \
		_ok;                                                        \
	})
#define CHECK_STR(a, b)                                                                        \
	({                                                                                     \
		const char *_a = (a), *_b = (b);                                               \
		bool _ok = check(_a && _b && !strcmp(_a, _b), #a " == " #b, __FILE__, __LINE__); \
		if (!_ok && check_printing())                                                  \
			printf("     got \"%s\", want \"%s\"\n", _a ? _a : "(null)",              \
			       _b ? _b : "(null)");                                            \
		_ok;                                                                           \
	})

/* The runner line and the exit status. */
static inline int check_summary(const char *name)
{
	printf("%s: %u passed, %u failed\n", name, passed, failed);
	return failed ? 1 : 0;
}

#endif /* _TESTS_HOST_CHECK_H */
