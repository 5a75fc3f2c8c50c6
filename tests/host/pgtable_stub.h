/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The environment arch/x86/mm/{walk,pgtable,pte_bits}.c need, for host tests: simulated
 * physical memory. FAKE_MEM_SIZE bytes of heap stand for pa [FAKE_PA_BASE, FAKE_PA_BASE +
 * FAKE_MEM_SIZE); page-table pages come from it, from a free list first and then by bumping,
 * and the allocator can be told to fail. A freed page is poisoned for ASan until it is handed
 * out again, so a table used after pt_free_table() is caught; freeing a page twice, or one
 * the allocator never gave, is counted. Addresses outside the memory are not reachable:
 * pt_table_va() gives NULL for them and copy_from_kernel_nofault() refuses them, as the
 * kernel's would for an unmapped address.
 */
#ifndef _TESTS_HOST_PGTABLE_STUB_H
#define _TESTS_HOST_PGTABLE_STUB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sanitizer/asan_interface.h>

/* glibc's <sys/cdefs.h> has its own; the kernel's compiler.h defines it again. */
#undef __always_inline

/*
 * scnprintf comes from the kernel's own lib/vsprintf.c; its vsnprintf and snprintf are
 * renamed so that they do not replace libc's under the test's printf.
 */
#define vsnprintf carto_vsnprintf
#define snprintf carto_snprintf
#define scnprintf carto_scnprintf
#include "../../lib/vsprintf.c"

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/uaccess.h>
#include <asm/pgtable.h>

#define FAKE_PA_BASE 0x10000000UL /* 256 MiB: pa 0 stays "no memory" */
#define FAKE_MEM_SIZE (64UL << 20)

#define FAKE_PAGES (FAKE_MEM_SIZE / PAGE_SIZE)

static unsigned char *fake_mem;
static unsigned long fake_used; /* bytes handed out by bumping */
static long fake_alloc_budget = -1; /* allocations that may still succeed; -1: no limit */
static unsigned long fake_nr_allocs, fake_nr_frees, fake_nr_bad_frees;
static unsigned int fake_free_list[FAKE_PAGES], fake_nr_free; /* page numbers */
static bool fake_page_free[FAKE_PAGES];

/* Tables in use: handed out and not given back. */
static unsigned long fake_nr_live(void)
{
	return fake_nr_allocs - fake_nr_frees;
}

/* Start over: all of the simulated memory free and zeroed, no failure pending. */
static void fake_mem_reset(void)
{
	if (!fake_mem) {
		fake_mem = aligned_alloc(PAGE_SIZE, FAKE_MEM_SIZE);
		if (!fake_mem) {
			fprintf(stderr, "pgtable_stub: no memory for the simulated RAM\n");
			exit(2);
		}
		fake_used = FAKE_MEM_SIZE;
	}
	ASAN_UNPOISON_MEMORY_REGION(fake_mem, FAKE_MEM_SIZE);
	memset(fake_mem, 0, fake_used);
	memset(fake_page_free, 0, sizeof(fake_page_free));
	fake_used = 0;
	fake_nr_free = 0;
	fake_alloc_budget = -1;
	fake_nr_allocs = fake_nr_frees = fake_nr_bad_frees = 0;
	nr_pagetable_pages = 0;
}

/* Let n more table allocations succeed, then fail every one (n < 0: never fail). */
static void fake_alloc_fail_after(long n)
{
	fake_alloc_budget = n;
}

static bool fake_pa_valid(phys_addr_t pa)
{
	return pa >= FAKE_PA_BASE && pa - FAKE_PA_BASE < FAKE_MEM_SIZE;
}

void *pt_table_va(phys_addr_t pa)
{
	return fake_pa_valid(pa) ? fake_mem + (pa - FAKE_PA_BASE) : NULL;
}

phys_addr_t pt_alloc_table(void)
{
	unsigned long off;

	if (fake_alloc_budget == 0 || (!fake_nr_free && fake_used + PAGE_SIZE > FAKE_MEM_SIZE))
		return 0;
	if (fake_alloc_budget > 0)
		fake_alloc_budget--;
	if (fake_nr_free) {
		unsigned int page = fake_free_list[--fake_nr_free];

		fake_page_free[page] = false;
		off = (unsigned long)page * PAGE_SIZE;
		ASAN_UNPOISON_MEMORY_REGION(fake_mem + off, PAGE_SIZE);
	} else {
		off = fake_used;
		fake_used += PAGE_SIZE;
	}
	memset(fake_mem + off, 0, PAGE_SIZE);
	fake_nr_allocs++;
	return FAKE_PA_BASE + off;
}

void pt_free_table(phys_addr_t pa)
{
	unsigned long page = (pa - FAKE_PA_BASE) / PAGE_SIZE;

	if (!fake_pa_valid(pa) || pa & (PAGE_SIZE - 1) || pa - FAKE_PA_BASE >= fake_used ||
	    fake_page_free[page]) {
		fake_nr_bad_frees++;
		return;
	}
	fake_page_free[page] = true;
	fake_free_list[fake_nr_free++] = page;
	fake_nr_frees++;
	ASAN_POISON_MEMORY_REGION(fake_mem + page * PAGE_SIZE, PAGE_SIZE);
}

/* The host has no faults to catch: refuse what lies outside the simulated memory instead. */
long copy_from_kernel_nofault(void *dst, const void *src, size_t size)
{
	const unsigned char *s = src;

	if (!fake_mem || s < fake_mem || size > FAKE_MEM_SIZE ||
	    (size_t)(s - fake_mem) > FAKE_MEM_SIZE - size)
		return -EFAULT;
	memcpy(dst, src, size);
	return 0;
}

/* The raw entry `index` of the table at pa, read without the code under test. */
static unsigned long fake_entry(phys_addr_t table_pa, unsigned int index)
{
	unsigned long e;

	if (!fake_pa_valid(table_pa) || index >= 512) {
		fprintf(stderr, "pgtable_stub: no table at pa=0x%016llx\n",
			(unsigned long long)table_pa);
		exit(2);
	}
	memcpy(&e, fake_mem + (table_pa - FAKE_PA_BASE) + index * sizeof(e), sizeof(e));
	return e;
}

static void fake_set_entry(phys_addr_t table_pa, unsigned int index, unsigned long e)
{
	if (!fake_pa_valid(table_pa) || index >= 512) {
		fprintf(stderr, "pgtable_stub: no table at pa=0x%016llx\n",
			(unsigned long long)table_pa);
		exit(2);
	}
	memcpy(fake_mem + (table_pa - FAKE_PA_BASE) + index * sizeof(e), &e, sizeof(e));
}

#endif /* _TESTS_HOST_PGTABLE_STUB_H */
