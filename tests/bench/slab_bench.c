// SPDX-License-Identifier: GPL-2.0
/*
 * Host benchmark: carto's slab core (mm/slab.c, built for the host over
 * tests/host/kernel_stub.h, without sanitizers) against glibc malloc/free, in the same loop:
 * N kmalloc+kfree (resp. malloc+free) pairs of one size, for sizes 8 ... 4096; 9 rounds,
 * the median printed in TSC cycles and ns per pair.
 *
 *	slab_bench
 *
 * The pages come from a small aligned-block allocator over one host mapping (as in
 * tests/host/slab_test.c); the fast path measured never reaches it. Interrupt masking is the
 * stub's (a variable), so the host figure leaves out the pushf/cli/popf the kernel pays.
 */
#include <sys/mman.h>
#include <x86intrin.h>
#include "kernel_stub.h"
#include <linux/mm.h>
#include <linux/gfp.h>

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t c = n >= size ? size - 1 : n;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

int sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	return snprintf(buf, size, "0x%lx", addr);
}

#define HOST_PAGES 4096UL /* 16 MiB */
static unsigned char page_used[HOST_PAGES];

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	unsigned long n = 1UL << order;

	(void)gfp;
	for (unsigned long pfn = 0; pfn + n <= HOST_PAGES; pfn += n) {
		unsigned long i;

		for (i = 0; i < n && !page_used[pfn + i]; i++)
			;
		if (i < n)
			continue;
		memset(page_used + pfn, 1, n);
		for (i = 0; i < n; i++)
			mm_zero_struct_page(pfn_to_page(pfn + i));
		return pfn_to_page(pfn);
	}
	return NULL;
}

void __free_pages(struct page *page, unsigned int order)
{
	memset(page_used + page_to_pfn(page), 0, 1UL << order);
}

#undef pr_fmt
#include "../../mm/slab.c"

#define PAIRS 1000000
#define ROUNDS 9

static void *volatile sink;

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Median over the rounds of cycles (and ns) per pair. */
static void measure(size_t size, bool slab, double *cycles, double *ns)
{
	u64 c[ROUNDS], t[ROUNDS];

	for (int r = 0; r < ROUNDS; r++) {
		u64 t0 = sched_clock(), c0 = __rdtsc();

		if (slab) {
			for (int i = 0; i < PAIRS; i++) {
				void *p = kmalloc(size, GFP_KERNEL);

				sink = p;
				kfree(p);
			}
		} else {
			for (int i = 0; i < PAIRS; i++) {
				void *p = malloc(size);

				sink = p;
				free(p);
			}
		}
		c[r] = __rdtsc() - c0;
		t[r] = sched_clock() - t0;
	}
	qsort(c, ROUNDS, sizeof(c[0]), cmp_u64);
	qsort(t, ROUNDS, sizeof(t[0]), cmp_u64);
	*cycles = (double)c[ROUNDS / 2] / PAIRS;
	*ns = (double)t[ROUNDS / 2] / PAIRS;
}

int main(void)
{
	static const size_t sizes[] = { 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096 };
	int wins = 0;

	host_phys = mmap(NULL, HOST_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	host_vmemmap = calloc(HOST_PAGES, sizeof(struct page));
	if (host_phys == MAP_FAILED || !host_vmemmap)
		return 2;
	kmem_cache_init();
	printf("kmalloc+kfree vs malloc+free pairs on the host: median of %d rounds of %d pairs\n",
	       ROUNDS, PAIRS);
	printf("%6s  %14s  %14s  %14s  %14s  %s\n", "size", "slab cycles", "glibc cycles",
	       "slab ns", "glibc ns", "slab/glibc");
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		double sc, sn, gc, gn;

		measure(sizes[i], true, &sc, &sn);
		measure(sizes[i], false, &gc, &gn);
		wins += sc < gc;
		printf("%6zu  %14.1f  %14.1f  %14.2f  %14.2f  %.2f\n", sizes[i], sc, gc, sn, gn,
		       sc / gc);
	}
	printf("Linux SLUB, published: 42-47 cycles per kmalloc+kfree pair (native)\n");
	printf("slab faster than glibc at %d of %zu sizes\n", wins, ARRAY_SIZE(sizes));
	return 0;
}
