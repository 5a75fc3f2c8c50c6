/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel definitions tests/host replaces, so that mm/memblock.c and mm/page_alloc.c
 * build unchanged as part of a host test (included first, before the real .c files):
 *
 *   asm/special_insns.h   no cli/sti in user space: the interrupt flag is a variable
 *   vmemmap, __va, __pa   struct pages and "physical memory" in host memory (host_vmemmap,
 *                         host_phys), set up by the test
 *   mm_zero_struct_page   also unpoisons the struct page for AddressSanitizer: a test
 *                         poisons the whole fake vmemmap, so any read of a struct page
 *                         before its first initialisation is an ASan report
 *   printk, con_printf    into buffers the test can search, echoed when HOST_VERBOSE is set
 *   panic                 prints and aborts
 *   sched_clock           CLOCK_MONOTONIC
 */
#ifndef _TESTS_HOST_KERNEL_STUB_H
#define _TESTS_HOST_KERNEL_STUB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <time.h>
#include <sanitizer/asan_interface.h>

/* glibc's <sys/cdefs.h> has its own; the kernel's compiler.h defines it again. */
#undef __always_inline

/* ---------------------------------------------------------------- interrupts */
#define _ASM_X86_SPECIAL_INSNS_H
int host_irqs_off; /* local interrupts disabled */

static inline unsigned long local_irq_save(void)
{
	unsigned long was_on = !host_irqs_off;

	host_irqs_off = 1;
	return was_on;
}

static inline void local_irq_restore(unsigned long was_on)
{
	if (was_on)
		host_irqs_off = 0;
}

static inline void local_irq_disable(void)
{
	host_irqs_off = 1;
}

static inline void local_irq_enable(void)
{
	host_irqs_off = 0;
}

static inline void cpu_relax(void)
{
}

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/mm_types.h>

/* ---------------------------------------------------------------- memory */
struct page *host_vmemmap;
char *host_phys;
#define vmemmap host_vmemmap
#define __va(pa) ((void *)(host_phys + (unsigned long)(pa)))
#define __pa(va) ((unsigned long)((const char *)(va)-host_phys))

static inline void host_zero_struct_page(struct page *page)
{
	ASAN_UNPOISON_MEMORY_REGION(page, sizeof(*page));
	memset(page, 0, sizeof(*page));
}
#define mm_zero_struct_page(pp) host_zero_struct_page(pp)

/* ---------------------------------------------------------------- output */
#define HOST_LOG_SIZE (1 << 16)
struct host_log {
	char buf[HOST_LOG_SIZE];
	size_t len;
	unsigned int lines; /* completed lines since the last host_log_clear() */
};
struct host_log host_printk, host_console;
int host_verbose = -1;

static inline void host_log_clear(struct host_log *log)
{
	log->len = 0;
	log->lines = 0;
	log->buf[0] = '\0';
}

/* Occurrences of s in the log since the last clear. */
static inline unsigned int host_log_count(const struct host_log *log, const char *s)
{
	unsigned int n = 0;

	for (const char *p = log->buf; (p = strstr(p, s)); p += strlen(s))
		n++;
	return n;
}

static inline void host_log_append(struct host_log *log, const char *text)
{
	size_t n = strlen(text);

	if (host_verbose < 0)
		host_verbose = getenv("HOST_VERBOSE") != NULL;
	if (host_verbose)
		fputs(text, stdout);
	if (log->len + n + 1 > HOST_LOG_SIZE)
		host_log_clear(log); /* keep the newest: tests clear before they look */
	memcpy(log->buf + log->len, text, n + 1);
	log->len += n;
	for (; *text; text++)
		log->lines += *text == '\n';
}

int vprintk(const char *fmt, va_list args)
{
	char line[1024];
	int n;

	if (fmt[0] == KERN_SOH[0] && fmt[1])
		fmt += 2;
	n = vsnprintf(line, sizeof(line), fmt, args);
	host_log_append(&host_printk, line);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vprintk(fmt, args);
	va_end(args);
	return n;
}

int vcon_printf(const char *fmt, va_list args)
{
	char line[1024];
	int n = vsnprintf(line, sizeof(line), fmt, args);

	host_log_append(&host_console, line);
	return n;
}

int con_printf(const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vcon_printf(fmt, args);
	va_end(args);
	return n;
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vsnprintf(buf, size, fmt, args);
	va_end(args);
	if (n < 0)
		return 0;
	return (size_t)n >= size ? (size ? (int)size - 1 : 0) : n;
}

u64 sched_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void panic(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	fputs("panic: ", stdout);
	vprintf(fmt, args);
	va_end(args);
	fputs("\n", stdout);
	abort();
}

#include "check.h"

/* A fixed-seed generator (splitmix64), so every run does the same operations. */
u64 host_rng_state;

static inline u64 host_rand(void)
{
	u64 z = (host_rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static inline u64 host_rand_below(u64 n)
{
	return n ? host_rand() % n : 0;
}

#endif /* _TESTS_HOST_KERNEL_STUB_H */
