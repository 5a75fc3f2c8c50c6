// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for mm/page_alloc.c (with mm/memblock.c), built with ASan and UBSan over
 * tests/host/kernel_stub.h.
 *
 * A simulated machine: "physical memory" and the vmemmap are sparse host mappings
 * (MAP_NORESERVE), at the real zone limits (16 MiB, 4 GiB). Booting it does what the
 * kernel does: memblock from RAM ranges and reservations, vmemmap backing allocated from
 * memblock in 2 MiB pieces for every RAM region, then mem_init(). The vmemmap is filled
 * with 0xa5 garbage and poisoned for ASan: only the stub's mm_zero_struct_page() makes a
 * struct page readable, so reading one the kernel has not initialised aborts the test.
 *
 * A per-pfn model (hole / reserved / free / allocated) follows every operation; the
 * invariants walk every free list and per-CPU list against it. The random test does 10^6
 * allocations and frees of random orders and zones, with bad frees mixed in, then frees
 * everything and expects the free lists of the start, exactly.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "kernel_stub.h"

/*
 * The image's section symbols, for mem_init()'s "Memory:" line. The host's own linker
 * defines _etext, _edata and __bss_start: the kernel's names are renamed here.
 */
#define _text host_text
#define _etext host_etext
#define __start_rodata host_start_rodata
#define _erodata host_erodata
#define _sdata host_sdata
#define _edata host_edata
#define __bss_start host_bss_start
#define __bss_stop host_bss_stop
const char _text[4096], _etext[1], __start_rodata[1], _erodata[1], _sdata[1], _edata[1],
	__bss_start[1], __bss_stop[1];

#include "../../lib/multiboot2.c"
#undef pr_fmt
#include "../../mm/memblock.c"
#undef pr_fmt
#include "../../mm/page_alloc.c"

/* Ranges in tables leave the name out when it does not matter. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define KIB (1ULL << 10)
#define MIB (1ULL << 20)
#define GIB (1ULL << 30)
#define RANDOM_OPS 1000000
#define CHECK_EVERY 50000

/* ---------------------------------------------------------------- machines */

struct range {
	u64 base, end;
	const char *name;
};

struct machine {
	const char *name;
	struct range ram[8];
	struct range rsv[8];
	bool garbage; /* fill the vmemmap with 0xa5 and poison it for ASan */
};

/* A small machine over a large address space: holes, every zone, unaligned edges. */
static const struct machine sparse = {
	.name = "sparse",
	.ram = { { 0x1000, 0x9fc00 },
		 { 1 * MIB, 40 * MIB },
		 { 4 * GIB - 36 * MIB + 0x3000, 4 * GIB + 44 * MIB },
		 { 4 * GIB + 64 * MIB, 4 * GIB + 100 * MIB + 0x3000 } },
	.rsv = { { 0, 1 * MIB, "low 1M" },
		 { 16 * MIB, 16 * MIB + 2560 * KIB, "kernel" },
		 { 30 * MIB + 0x5000, 30 * MIB + 0x6000, "page" },
		 { 30 * MIB + 0x7000, 30 * MIB + 0x7800, "half" },
		 { 4 * GIB + 70 * MIB, 4 * GIB + 78 * MIB, "module" } },
	.garbage = true,
};

/* QEMU-like maps, for boot cost as RAM grows. */
static const struct machine qemu512 = {
	.name = "512M",
	.ram = { { 0, 0x9fc00 }, { 1 * MIB, 512 * MIB - 128 * KIB } },
	.rsv = { { 0, 1 * MIB, "low 1M" }, { 16 * MIB, 19 * MIB, "kernel" } },
	.garbage = true,
};
static const struct machine qemu16g = {
	.name = "16G",
	.ram = { { 0, 0x9fc00 }, { 1 * MIB, 3 * GIB - 128 * KIB }, { 4 * GIB, 17 * GIB } },
	.rsv = { { 0, 1 * MIB, "low 1M" }, { 16 * MIB, 19 * MIB, "kernel" } },
};
static const struct machine qemu64g = {
	.name = "64G",
	.ram = { { 0, 0x9fc00 }, { 1 * MIB, 3 * GIB - 128 * KIB }, { 4 * GIB, 65 * GIB } },
	.rsv = { { 0, 1 * MIB, "low 1M" }, { 16 * MIB, 19 * MIB, "kernel" } },
};

enum pfn_state { S_HOLE, S_RESERVED, S_FREE, S_ALLOC };

static const struct machine *booted;
static size_t phys_len, vmemmap_len;
static u8 *model; /* enum pfn_state per pfn, for machines with garbage (small ones) */
static unsigned long model_free; /* pages S_FREE */
static unsigned long boot_memmap_init; /* struct pages written by mem_init() */
static double boot_seconds;

/* Start state of the free lists: (zone, order, pfn) of every free block, sorted. */
struct block {
	unsigned long pfn;
	unsigned int zone, order;
};
static struct block *start_blocks;
static unsigned long nr_start_blocks;

static void *map_sparse(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	return p;
}

static void machine_teardown(void)
{
	if (host_vmemmap) {
		ASAN_UNPOISON_MEMORY_REGION(host_vmemmap, vmemmap_len);
		munmap(host_vmemmap, vmemmap_len);
		munmap(host_phys, phys_len);
	}
	host_vmemmap = NULL;
	free(model);
	model = NULL;
	free(start_blocks);
	start_blocks = NULL;
}

static int block_cmp(const void *a, const void *b)
{
	const struct block *x = a, *y = b;

	if (x->pfn != y->pfn)
		return x->pfn < y->pfn ? -1 : 1;
	return (int)x->order - (int)y->order;
}

/*
 * Every free block, on the buddy's lists or a deferred unit, sorted; returns how many
 * (out holds the first max).
 */
static unsigned long collect_blocks(struct block *out, unsigned long max)
{
	unsigned long n = 0;
	struct zone *zone;

	for_each_zone(zone)
		for (unsigned int o = 0; o < MAX_ORDER; o++) {
			struct page *page;

			list_for_each_entry(page, &zone->free_area[o].free_list, lru) {
				if (n < max)
					out[n] = (struct block){ page_to_pfn(page), zone_idx(zone),
								 o };
				n++;
			}
		}
	for (unsigned long u = 0; u < nr_units; u++)
		if (unit_test(unit_free, u)) {
			if (n < max)
				out[n] = (struct block){ u << UNIT_SHIFT, pfn_zone(u << UNIT_SHIFT),
							 MAX_ORDER - 1 };
			n++;
		}
	if (max)
		qsort(out, min(n, max), sizeof(*out), block_cmp);
	return n;
}

/*
 * machine_boot - what the kernel does up to mem_init(): memblock, the vmemmap backed in
 * 2 MiB pieces of memblock memory for every 2 MiB of struct pages covering RAM (as the
 * page-table code does), not cleared; then mem_init(). Builds the model afterwards.
 */
static void machine_boot(const struct machine *m)
{
	unsigned long pfns, windows_done = ~0UL;
	struct timespec t0, t1;
	phys_addr_t s, e;
	u64 i;

	machine_teardown();
	memblock.memory.cnt = memblock.reserved.cnt = 0;
	memblock.memory.total_size = memblock.reserved.total_size = 0;
	memblock.frozen = false;
	for (unsigned int r = 0; r < ARRAY_SIZE(m->ram) && m->ram[r].end; r++)
		memblock_add(m->ram[r].base, m->ram[r].end - m->ram[r].base);
	/* Partial pages are not RAM (memblock_init_from_mb2 does this at boot). */
	memblock_trim_memory();
	for (unsigned int r = 0; r < ARRAY_SIZE(m->rsv) && m->rsv[r].end; r++)
		memblock_reserve(m->rsv[r].base, m->rsv[r].end - m->rsv[r].base, m->rsv[r].name);

	pfns = PFN_DOWN(memblock_end_of_RAM());
	phys_len = ALIGN(memblock_end_of_RAM(), PMD_SIZE);
	vmemmap_len = ALIGN(pfns * sizeof(struct page), PMD_SIZE);
	host_phys = map_sparse(phys_len);
	host_vmemmap = map_sparse(vmemmap_len);
	for_each_mem_range(i, &s, &e) {
		unsigned long first = PFN_DOWN(s) * sizeof(struct page) / PMD_SIZE;
		unsigned long last = (PFN_DOWN(e) - 1) * sizeof(struct page) / PMD_SIZE;

		for (unsigned long w = first; w <= last; w++) {
			if (w == windows_done)
				continue;
			windows_done = w;
			if (!memblock_alloc_range(PMD_SIZE, PMD_SIZE, 0, memblock_end_of_RAM())) {
				printf("%s: no memory for the vmemmap\n", m->name);
				exit(2);
			}
			if (m->garbage)
				memset((char *)host_vmemmap + w * PMD_SIZE, 0xa5, PMD_SIZE);
		}
	}
	if (m->garbage)
		ASAN_POISON_MEMORY_REGION(host_vmemmap, vmemmap_len);

	memset(vm_events, 0, sizeof(vm_events));
	host_log_clear(&host_printk);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	mem_init();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	boot_seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	boot_memmap_init = vm_event_sum(MEMMAP_INIT);
	booted = m;

	if (!m->garbage)
		return;
	model = calloc(max_pfn, 1);
	model_free = 0;
	for_each_mem_range(i, &s, &e)
		memset(model + PFN_DOWN(s), S_RESERVED, PFN_DOWN(e) - PFN_DOWN(s));
	for_each_free_mem_range(i, &s, &e)
		for (unsigned long pfn = PFN_UP(s); pfn < PFN_DOWN(e); pfn++) {
			model[pfn] = S_FREE;
			model_free++;
		}
	nr_start_blocks = collect_blocks(NULL, 0);
	start_blocks = calloc(nr_start_blocks, sizeof(*start_blocks));
	collect_blocks(start_blocks, nr_start_blocks);
}

static bool unit_is_deferred(unsigned long pfn)
{
	return unit_test(unit_deferred, pfn >> UNIT_SHIFT);
}

static unsigned long zone_limit(enum zone_type z)
{
	return z == ZONE_DMA ? MAX_DMA_PFN : z == ZONE_DMA32 ? MAX_DMA32_PFN : ~0UL;
}

static unsigned long pcp_pages(void)
{
	unsigned long n = 0;
	struct zone *zone;

	for_each_zone(zone)
		n += zone->pcp[0].count;
	return n;
}

/* ---------------------------------------------------------------- invariants */

/*
 * check_invariants - the buddy's lists against the model. Every listed free block:
 * aligned, PageBuddy with its order, on its zone's list, in the zone, in an initialised
 * unit, every page free in the model and in no other block, its tails plain free pages.
 * Deferred free units: whole units, free in the model, counted by their zone, never
 * read. Per-CPU pages: free in the model, refcount 0. Counts: nr_free per order (with the
 * deferred units at order 10), zone free_pages, nr_free_pages() == the model's free
 * pages, and every free page of the model is in some block or per-CPU list.
 */
static bool check_invariants(void)
{
	unsigned int failed_before = failed;
	u8 *seen = calloc(max_pfn, 1);
	unsigned long total = 0;
	struct zone *zone;

	for_each_zone(zone) {
		unsigned long zone_pages = 0, deferred = 0;

		for (unsigned long u = 0; u < nr_units; u++) {
			unsigned long pfn = u << UNIT_SHIFT;

			if (!unit_test(unit_free, u) || pfn_zone(pfn) != zone_idx(zone))
				continue;
			deferred++;
			if (!CHECK(unit_test(unit_deferred, u) && u >= zone->deferred_cursor)) {
				printf("     deferred free unit at pfn 0x%lx\n", pfn);
				goto out;
			}
			for (unsigned long p = pfn; p < pfn + UNIT_PAGES; p++) {
				if (!CHECK(model[p] == S_FREE && !seen[p])) {
					printf("     pfn 0x%lx in deferred unit 0x%lx: model %u\n",
					       p, pfn, model[p]);
					goto out;
				}
				seen[p] = 1;
			}
		}
		CHECK_EQ(deferred, zone->deferred_units);
		zone_pages += deferred * UNIT_PAGES;

		for (unsigned int o = 0; o < MAX_ORDER; o++) {
			unsigned long count = 0;
			struct page *page, *tail;

			list_for_each_entry(page, &zone->free_area[o].free_list, lru) {
				unsigned long pfn = page_to_pfn(page), n = 1UL << o;
				bool deferred = unit_is_deferred(pfn);

				count++;
				if (!CHECK(pfn < max_pfn && !(pfn & (n - 1)) &&
					   pfn + n <= max_pfn) ||
				    !CHECK(PageBuddy(page) && page->private == o) ||
				    !CHECK(page_zonenum(page) == zone_idx(zone)) ||
				    !CHECK(pfn >= zone_low_pfn[zone_idx(zone)] &&
					   pfn + n <= zone_limit(zone_idx(zone))) ||
				    !CHECK(!deferred)) {
					printf("     zone %s order %u pfn 0x%lx\n", zone->name, o,
					       pfn);
					goto out;
				}
				for (unsigned long p = pfn; p < pfn + n; p++) {
					if (!CHECK(model[p] == S_FREE && !seen[p])) {
						printf("     pfn 0x%lx in block 0x%lx/%u: model %u seen %u\n",
						       p, pfn, o, model[p], seen[p]);
						goto out;
					}
					seen[p] = 1;
					if (p == pfn)
						continue;
					tail = pfn_to_page(p);
					if (!CHECK(!(tail->flags &
						     (BIT(PG_buddy) | BIT(PG_reserved))) &&
						   page_ref_count(tail) == 0 &&
						   page_zonenum(tail) == zone_idx(zone))) {
						printf("     tail pfn 0x%lx flags %#lx\n", p,
						       tail->flags);
						goto out;
					}
				}
				zone_pages += n;
			}
			if (o == MAX_ORDER - 1)
				count += zone->deferred_units;
			CHECK_EQ(count, zone->free_area[o].nr_free);
		}
		CHECK_EQ(zone_pages, zone->free_pages);
		total += zone_pages;

		for (int cpu = 0; cpu < NR_CPUS; cpu++) {
			struct per_cpu_pages *pcp = &zone->pcp[cpu];
			unsigned long count = 0;
			struct page *page;

			list_for_each_entry(page, &pcp->list, lru) {
				unsigned long pfn = page_to_pfn(page);

				count++;
				if (!CHECK(pfn < max_pfn && model[pfn] == S_FREE && !seen[pfn]) ||
				    !CHECK(page_ref_count(page) == 0 && !PageBuddy(page) &&
					   !PageReserved(page) &&
					   page_zonenum(page) == zone_idx(zone))) {
					printf("     pcp page pfn 0x%lx\n", pfn);
					goto out;
				}
				seen[pfn] = 2;
			}
			CHECK_EQ(count, pcp->count);
			CHECK(pcp->count <= max(pcp->high, 1));
			total += count;
		}
	}
	CHECK_EQ(total, model_free);
	CHECK_EQ(nr_free_pages(), model_free);
	for (unsigned long pfn = 0; pfn < max_pfn; pfn++)
		if (model[pfn] == S_FREE && !seen[pfn]) {
			CHECK(!"a free page in no block");
			printf("     pfn 0x%lx\n", pfn);
			break;
		}
	for_each_zone(zone)
		CHECK(!zone->lock.locked);
	CHECK(!host_irqs_off);
out:
	free(seen);
	return failed == failed_before;
}

/* After everything is freed and drained: the free lists of the start, block by block. */
static void check_start_state(void)
{
	struct block *now = calloc(nr_start_blocks + 1, sizeof(*now));
	unsigned long n;

	drain_all_pages(NULL);
	CHECK_EQ(pcp_pages(), 0);
	n = collect_blocks(now, nr_start_blocks + 1);
	CHECK_EQ(n, nr_start_blocks);
	if (n == nr_start_blocks)
		CHECK(!memcmp(now, start_blocks, n * sizeof(*now)));
	CHECK_EQ(nr_free_pages(), model_free);
	free(now);
}

/* ---------------------------------------------------------------- model-checked calls */

struct live {
	unsigned long pfn;
	unsigned int order;
};
static struct live *lives;
static unsigned long nr_lives, max_lives;

static u64 tag_of(unsigned long pfn)
{
	return (u64)pfn * 0x9e3779b97f4a7c15ULL;
}

/*
 * alloc_checked - alloc_pages() and every check of its result against the model: the
 * block is free in the model, aligned, in a zone gfp allows, and the preferred zones above
 * it had nothing of that order. Returns the pfn, or ~0UL on failure (which must be right).
 */
static unsigned long alloc_checked(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp | __GFP_NOWARN, order);
	unsigned long pfn, n = 1UL << order;
	enum zone_type got, z;

	if (!page) {
		/* Every zone allowed had no block of this order or larger, and no pcp page. */
		for (int zi = gfp_zone(gfp); zi >= 0; zi--) {
			struct zone *zone = &contig_page_data.node_zones[zi];

			for (unsigned int o = order; o < MAX_ORDER; o++)
				CHECK_EQ(zone->free_area[o].nr_free, 0);
			if (order == 0)
				CHECK_EQ(zone->pcp[0].count, 0);
		}
		return ~0UL;
	}
	pfn = page_to_pfn(page);
	got = pfn_zone(pfn);
	if (!CHECK(pfn < max_pfn && !(pfn & (n - 1)) && got <= gfp_zone(gfp) &&
		   pfn + n <= zone_limit(got))) {
		printf("     order %u gfp %#x pfn 0x%lx\n", order, gfp, pfn);
		return pfn;
	}
	for (z = got + 1; z <= gfp_zone(gfp); z++) {
		struct zone *zone = &contig_page_data.node_zones[z];

		for (unsigned int o = order; o < MAX_ORDER; o++)
			CHECK_EQ(zone->free_area[o].nr_free, 0);
	}
	CHECK(page_ref_count(page) == 1 && page_alloc_order(page) == order && !PageBuddy(page) &&
	      !PageReserved(page) && page_zonenum(page) == got);
	for (unsigned long p = pfn; p < pfn + n; p++) {
		if (!CHECK(model[p] == S_FREE)) {
			printf("     order %u pfn 0x%lx: page 0x%lx is %u in the model\n", order,
			       pfn, p, model[p]);
			break;
		}
		model[p] = S_ALLOC;
	}
	model_free -= n;
	if (gfp & __GFP_ZERO) {
		const u64 *w = page_address(page);

		for (unsigned long k = 0; k < (PAGE_SIZE << order) / 8; k++)
			if (w[k]) {
				CHECK(!"__GFP_ZERO block not zero");
				break;
			}
	}
	/* A tag in the first and last page: nobody may write into an allocated block. */
	*(u64 *)__va(PFN_PHYS(pfn)) = tag_of(pfn);
	*(u64 *)__va(PFN_PHYS(pfn + n - 1)) = tag_of(pfn + n - 1);
	return pfn;
}

static void free_checked(unsigned long pfn, unsigned int order, bool by_address)
{
	unsigned long n = 1UL << order;

	CHECK_EQ(*(u64 *)__va(PFN_PHYS(pfn)), tag_of(pfn));
	CHECK_EQ(*(u64 *)__va(PFN_PHYS(pfn + n - 1)), tag_of(pfn + n - 1));
	for (unsigned long p = pfn; p < pfn + n; p++) {
		CHECK(model[p] == S_ALLOC);
		model[p] = S_FREE;
	}
	model_free += n;
	if (by_address)
		free_pages((unsigned long)page_address(pfn_to_page(pfn)), order);
	else
		__free_pages(pfn_to_page(pfn), order);
}

static void live_add(unsigned long pfn, unsigned int order)
{
	if (nr_lives == max_lives) {
		max_lives = max_lives ? 2 * max_lives : 1024;
		lives = realloc(lives, max_lives * sizeof(*lives));
	}
	lives[nr_lives++] = (struct live){ pfn, order };
}

static struct live live_take(unsigned long i)
{
	struct live l = lives[i];

	lives[i] = lives[--nr_lives];
	return l;
}

static void free_all_lives(void)
{
	while (nr_lives) {
		struct live l = live_take(nr_lives - 1);

		free_checked(l.pfn, l.order, false);
	}
}

/* Expect exactly one "Bad page state" line (with why in it) and no change of state. */
static void expect_bad_free(struct page *page, unsigned int order, const char *why)
{
	unsigned long bad = vm_event_sum(BAD_PAGE), free = nr_free_pages();

	host_log_clear(&host_printk);
	__free_pages(page, order);
	if (!CHECK_EQ(host_log_count(&host_printk, "BUG: Bad page state"), 1) ||
	    !CHECK(strstr(host_printk.buf, why)))
		printf("     log: %s     want: %s\n", host_printk.buf, why);
	CHECK_EQ(host_printk.lines, 1);
	CHECK_EQ(vm_event_sum(BAD_PAGE), bad + 1);
	CHECK_EQ(nr_free_pages(), free);
}

/* ---------------------------------------------------------------- tests */

/* mem_init(): units classified, only mixed units walked, the report printed. */
static void test_boot_state(void)
{
	unsigned long full = 0, mixed = 0, none = 0, present = 0;
	struct zone *zone;

	machine_boot(&sparse);
	for (unsigned long u = 0; u < nr_units; u++) {
		unsigned long nfree = 0, nram = 0;

		for (unsigned long p = u << UNIT_SHIFT; p < (u + 1) << UNIT_SHIFT && p < max_pfn;
		     p++) {
			nfree += model[p] == S_FREE;
			nram += model[p] != S_HOLE;
		}
		if (nfree == UNIT_PAGES) {
			full++;
			CHECK(unit_test(unit_deferred, u) && unit_test(unit_free, u));
		} else if (nfree) {
			mixed++;
			CHECK(!unit_test(unit_deferred, u) && !unit_test(unit_free, u));
		} else {
			none++;
			CHECK(unit_test(unit_deferred, u) && !unit_test(unit_free, u));
		}
		present += nram;
	}
	CHECK(full > 10 && mixed > 5 && none > 100);
	CHECK_EQ(boot_memmap_init, mixed * UNIT_PAGES); /* not one of a whole free unit */
	CHECK_EQ(contig_page_data.node_present_pages, present);
	CHECK_EQ(totalram_pages(), model_free);
	CHECK_EQ(nr_free_pages(), model_free);
	CHECK_EQ(zone_managed_pages(&contig_page_data.node_zones[ZONE_DMA]) +
			 zone_managed_pages(&contig_page_data.node_zones[ZONE_DMA32]) +
			 zone_managed_pages(&contig_page_data.node_zones[ZONE_NORMAL]),
		 model_free);
	for_each_zone(zone)
		CHECK(populated_zone(zone) && zone->managed_pages && zone->free_pages);
	CHECK_EQ(contig_page_data.node_zones[ZONE_DMA].zone_start_pfn, 1);
	CHECK_EQ(contig_page_data.node_zones[ZONE_DMA32].zone_start_pfn, MAX_DMA_PFN);
	CHECK_EQ(zone_end_pfn(&contig_page_data.node_zones[ZONE_DMA32]), MAX_DMA32_PFN);
	CHECK_EQ(contig_page_data.node_zones[ZONE_NORMAL].zone_start_pfn, MAX_DMA32_PFN);
	CHECK(memblock.frozen);
	CHECK(strstr(host_printk.buf, "Zone ranges:\n"
				      "  DMA      [mem 0x0000000000001000-0x0000000000ffffff]\n"
				      "  DMA32    [mem 0x0000000001000000-0x00000000ffffffff]\n"
				      "  Normal   [mem 0x0000000100000000-"));
	{
		unsigned long avail, total;
		const char *line = strstr(host_printk.buf, "Memory: ");

		CHECK(line && sscanf(line, "Memory: %luK/%luK available (", &avail, &total) == 2 &&
		      avail == model_free * 4 && total == present * 4);
		CHECK(line && strstr(line, "K kernel code, ") && strstr(line, "K reserved)\n"));
	}
	check_invariants();
	printf("buddy: sparse machine: %lu pages free, units: %lu free, %lu mixed, %lu none\n",
	       model_free, full, mixed, none);
}

/* Every order, every zone: alloc, free, back to the start. */
static void test_every_order(void)
{
	static const gfp_t gfps[] = { GFP_KERNEL, GFP_DMA32, GFP_DMA };

	machine_boot(&sparse);
	for (unsigned int g = 0; g < ARRAY_SIZE(gfps); g++)
		for (unsigned int o = 0; o < MAX_ORDER; o++) {
			unsigned long pfn = alloc_checked(gfps[g], o);

			if (!CHECK(pfn != ~0UL))
				continue;
			CHECK_EQ(pfn_zone(pfn), gfp_zone(gfps[g]));
			free_checked(pfn, o, o & 1);
		}
	CHECK(alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER) == NULL);
	host_log_clear(&host_printk);
	CHECK(alloc_pages(GFP_KERNEL, MAX_ORDER) == NULL);
	CHECK(strstr(host_printk.buf, "page allocation failure: order:11, mode:0x6000c0"));
	CHECK_EQ(GFP_KERNEL, 0x6000c0);
	check_invariants();
	check_start_state();
}

/*
 * Exhaust each zone through the flags that reach it: GFP_DMA stays in DMA, GFP_DMA32
 * takes DMA32 then DMA, GFP_KERNEL Normal then DMA32 then DMA.
 */
static void test_zone_fallback(void)
{
	unsigned long n[MAX_NR_ZONES] = { 0 }, pfn;
	struct zone *zones = contig_page_data.node_zones;

	machine_boot(&sparse);
	pfn = alloc_checked(GFP_KERNEL, 0);
	CHECK_EQ(pfn_zone(pfn), ZONE_NORMAL);
	live_add(pfn, 0);
	while ((pfn = alloc_checked(GFP_DMA, 0)) != ~0UL) {
		CHECK(pfn < MAX_DMA_PFN);
		live_add(pfn, 0);
		n[ZONE_DMA]++;
	}
	CHECK_EQ(n[ZONE_DMA], zones[ZONE_DMA].managed_pages);
	CHECK_EQ(zone_free_pages(&zones[ZONE_DMA]), 0);
	while ((pfn = alloc_checked(GFP_DMA32, 3)) != ~0UL) {
		CHECK_EQ(pfn_zone(pfn), ZONE_DMA32);
		live_add(pfn, 3);
		n[ZONE_DMA32] += 8;
	}
	/* What is left in DMA32 is in blocks smaller than order 3, and on its pcp. */
	for (unsigned int o = 3; o < MAX_ORDER; o++)
		CHECK_EQ(zones[ZONE_DMA32].free_area[o].nr_free, 0);
	while ((pfn = alloc_checked(GFP_DMA32, 0)) != ~0UL) {
		CHECK_EQ(pfn_zone(pfn), ZONE_DMA32);
		live_add(pfn, 0);
		n[ZONE_DMA32]++;
	}
	CHECK_EQ(n[ZONE_DMA32], zones[ZONE_DMA32].managed_pages);
	/* One DMA page back: GFP_DMA32 and GFP_KERNEL can fall back to it... */
	free_checked(lives[1].pfn, 0, false);
	live_take(1);
	drain_all_pages(NULL);
	while ((pfn = alloc_checked(GFP_KERNEL, 0)) != ~0UL && pfn_zone(pfn) == ZONE_NORMAL)
		live_add(pfn, 0);
	CHECK_EQ(pfn_zone(pfn), ZONE_DMA);
	live_add(pfn, 0);
	CHECK_EQ(alloc_checked(GFP_KERNEL, 0), ~0UL);
	CHECK_EQ(nr_free_pages(), 0);
	CHECK_EQ(model_free, 0);
	check_invariants();
	free_all_lives();
	check_invariants();
	check_start_state();
}

/* __GFP_ZERO and get_zeroed_page() clear what a previous owner wrote. */
static void test_zeroing(void)
{
	unsigned long va, pfn;

	machine_boot(&sparse);
	for (unsigned int o = 0; o < MAX_ORDER; o += 3) {
		pfn = alloc_checked(GFP_KERNEL, o);
		memset(__va(PFN_PHYS(pfn)), 0x5a, PAGE_SIZE << o);
		*(u64 *)__va(PFN_PHYS(pfn)) = tag_of(pfn);
		*(u64 *)__va(PFN_PHYS(pfn + (1UL << o) - 1)) = tag_of(pfn + (1UL << o) - 1);
		free_checked(pfn, o, false);
		CHECK_EQ(alloc_checked(GFP_KERNEL | __GFP_ZERO, o), pfn); /* LIFO: the same */
		free_checked(pfn, o, false);
	}
	va = get_zeroed_page(GFP_KERNEL);
	CHECK(va && !(__pa(va) % PAGE_SIZE) && __pa(va) < PFN_PHYS(max_pfn));
	for (unsigned int k = 0; k < PAGE_SIZE / 8; k++)
		if (((u64 *)va)[k]) {
			CHECK(!"get_zeroed_page() not zero");
			break;
		}
	free_page(va);
	free_page(0); /* nothing */
	check_start_state();
}

/* Per-CPU lists: bounded by high, refilled and drained by batch, drained on demand. */
static void test_pcp(void)
{
	struct zone *normal = &contig_page_data.node_zones[ZONE_NORMAL];
	struct per_cpu_pages *pcp = &normal->pcp[0];
	unsigned long refills, drains, pfns[64];

	machine_boot(&sparse);
	CHECK(pcp->batch >= 1 && pcp->high == 6 * pcp->batch);
	CHECK_EQ(contig_page_data.node_zones[ZONE_DMA].pcp[0].high, 0); /* a small zone: off */
	refills = vm_event_sum(PCP_REFILL);
	pfns[0] = alloc_checked(GFP_KERNEL, 0);
	CHECK_EQ(vm_event_sum(PCP_REFILL), refills + 1);
	CHECK_EQ(pcp->count, pcp->batch - 1);
	free_checked(pfns[0], 0, false);
	CHECK_EQ(pcp->count, pcp->batch);
	CHECK_EQ(alloc_checked(GFP_KERNEL, 0), pfns[0]); /* hot page first */
	free_checked(pfns[0], 0, false);
	for (int i = 0; i < 64; i++)
		pfns[i] = alloc_checked(GFP_KERNEL, 0);
	drains = vm_event_sum(PCP_DRAIN);
	for (int i = 0; i < 64; i++) {
		free_checked(pfns[i], 0, false);
		CHECK(pcp->count < pcp->high);
	}
	CHECK(vm_event_sum(PCP_DRAIN) > drains);
	CHECK(pcp->count > 0);
	check_invariants();
	{
		unsigned long free = nr_free_pages();

		drain_local_pages(normal);
		CHECK_EQ(pcp->count, 0);
		CHECK_EQ(nr_free_pages(), free);
	}
	check_start_state();
}

/* Each kind of bad free: one line, counted, ignored. */
static void test_bad_frees(void)
{
	unsigned long pfn, unit_pfn = ~0UL;
	struct page *page;

	machine_boot(&sparse);
	pfn = alloc_checked(GFP_KERNEL, 0);
	free_checked(pfn, 0, false);
	expect_bad_free(pfn_to_page(pfn), 0, "refcount 0"); /* double free, on the pcp list */

	pfn = alloc_checked(GFP_DMA, 2); /* DMA has no pcp: back in the buddy */
	free_checked(pfn, 2, false);
	expect_bad_free(pfn_to_page(pfn), 2, "already free");

	pfn = alloc_checked(GFP_KERNEL, 3);
	expect_bad_free(pfn_to_page(pfn), 2, "allocated with order 3, freed with order 2");
	expect_bad_free(pfn_to_page(pfn), 4,
			pfn & 15 ? "misaligned" : "allocated with order 3, freed with order 4");
	expect_bad_free(pfn_to_page(pfn + 1), 0, "refcount 0"); /* a tail */
	expect_bad_free(pfn_to_page(pfn + 2), 1, "refcount 0");
	expect_bad_free(pfn_to_page(pfn + 4), 3, "misaligned");
	free_checked(pfn, 3, false); /* the right free still works */

	expect_bad_free(pfn_to_page(PFN_DOWN(16 * MIB)), 0, "reserved page"); /* kernel */
	expect_bad_free(pfn_to_page(0xa0), 0, "not RAM"); /* hole in an initialised unit */
	expect_bad_free(pfn_to_page(PFN_DOWN(2 * GIB)), 0, "never allocated"); /* no RAM */
	expect_bad_free(pfn_to_page(max_pfn), 0, "not a RAM page");
	for (unsigned long u = 0; u < nr_units; u++)
		if (unit_test(unit_free, u)) {
			unit_pfn = u << UNIT_SHIFT;
			break;
		}
	expect_bad_free(pfn_to_page(unit_pfn + 5), 0, "already free (never allocated)");
	CHECK(unit_is_deferred(unit_pfn)); /* and its struct pages were not touched */
	page = virt_to_page((char *)host_phys - PAGE_SIZE);
	expect_bad_free(page, 0, "not a RAM page");
	check_invariants();
	check_start_state();
}

/* Deferred units are initialised when split, and on demand for display. */
static void test_deferred(void)
{
	unsigned long u_free = ~0UL, u_rsv = PFN_DOWN(4 * GIB + 72 * MIB) >> UNIT_SHIFT;
	unsigned long pfn, inits;
	struct page *page;

	machine_boot(&sparse);
	/* A fully reserved unit with RAM ("module" covers 72..76 MiB above 4 GiB). */
	CHECK(unit_test(unit_deferred, u_rsv) && !unit_test(unit_free, u_rsv));
	host_log_clear(&host_console);
	show_page((u_rsv << UNIT_SHIFT) + 7);
	CHECK(!unit_test(unit_deferred, u_rsv));
	CHECK(strstr(host_console.buf, "reserved: memblock region \"module\""));
	CHECK(strstr(host_console.buf, "flags:0x8000000000000001(reserved) refcount:1"));
	CHECK(strstr(host_console.buf, "were deferred: initialised now"));
	page = pfn_to_page(u_rsv << UNIT_SHIFT);
	for (unsigned long i = 0; i < UNIT_PAGES; i++)
		CHECK(PageReserved(page + i) && page_zonenum(page + i) == ZONE_NORMAL);

	/* A free one: its tails are initialised as free tails, the head stays listed. */
	for (unsigned long u = nr_units; u-- > 0;)
		if (unit_test(unit_free, u) && pfn_zone(u << UNIT_SHIFT) == ZONE_DMA32) {
			u_free = u;
			break;
		}
	CHECK(u_free != ~0UL);
	pfn = (u_free << UNIT_SHIFT) + 77;
	inits = vm_event_sum(DEFERRED_UNIT_INIT);
	CHECK(pfn_to_page_init(pfn) == pfn_to_page(pfn));
	CHECK_EQ(vm_event_sum(DEFERRED_UNIT_INIT), inits + 1);
	CHECK(!unit_test(unit_deferred, u_free) && !unit_test(unit_free, u_free));
	host_log_clear(&host_console);
	show_page(pfn);
	{
		char want[96];

		snprintf(want, sizeof(want), "free: in the order-10 block at pfn 0x%lx",
			 u_free << UNIT_SHIFT);
		CHECK(strstr(host_console.buf, want));
	}
	host_log_clear(&host_console);
	show_page(u_free << UNIT_SHIFT);
	CHECK(strstr(host_console.buf, "order:10\nfree: head of an order-10 block"));
	check_invariants();

	/* Not RAM: no struct page, and no init. */
	CHECK(pfn_to_page_init(0x9f) == NULL);
	CHECK(pfn_to_page_init(PFN_DOWN(2 * GIB)) == NULL);
	host_log_clear(&host_console);
	show_page(PFN_DOWN(2 * GIB));
	CHECK(strstr(host_console.buf, "is not RAM: no struct page"));

	/* Order-10 allocations take deferred units, initialising them once. */
	inits = vm_event_sum(DEFERRED_UNIT_INIT);
	pfn = alloc_checked(GFP_KERNEL, MAX_ORDER - 1);
	CHECK(!unit_is_deferred(pfn));
	page = pfn_to_page(pfn);
	for (unsigned long i = 1; i < UNIT_PAGES; i++)
		CHECK(page_ref_count(page + i) == 0 && !(page[i].flags & BIT(PG_buddy)));
	CHECK_EQ(vm_event_sum(DEFERRED_UNIT_INIT), inits + 1);
	host_log_clear(&host_console);
	show_page(pfn + 1000);
	CHECK(strstr(host_console.buf, "allocated: in the order-10 block"));
	free_checked(pfn, MAX_ORDER - 1, true);
	CHECK_EQ(alloc_checked(GFP_KERNEL, MAX_ORDER - 1), pfn); /* same block, no init */
	CHECK_EQ(vm_event_sum(DEFERRED_UNIT_INIT), inits + 1);
	free_checked(pfn, MAX_ORDER - 1, false);
	check_start_state();
}

/*
 * The poisoned vmemmap catches what it should: a child process reading the struct page
 * of a deferred unit's tail dies of an ASan report.
 */
static void test_poison_works(void)
{
	unsigned long pfn = ~0UL;
	pid_t pid;
	int status;

	machine_boot(&sparse);
	for (unsigned long u = 0; u < nr_units; u++)
		if (unit_test(unit_free, u)) {
			pfn = (u << UNIT_SHIFT) + 1;
			break;
		}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 2);
		printf("%lx\n", READ_ONCE(pfn_to_page(pfn)->flags));
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid && !(WIFEXITED(status) && WEXITSTATUS(status) == 0));
}

/* Buddyinfo in /proc's format, matching the counts; drains the per-CPU lists first. */
static void test_buddyinfo(void)
{
	char want[256];
	int len;

	machine_boot(&sparse);
	free_checked(alloc_checked(GFP_KERNEL, 0), 0, false);
	CHECK(pcp_pages() > 0);
	host_log_clear(&host_console);
	show_buddyinfo();
	CHECK_EQ(pcp_pages(), 0);
	CHECK_EQ(host_console.lines, 3);
	len = snprintf(want, sizeof(want), "Node 0, zone %8s ", "DMA32");
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		len += snprintf(want + len, sizeof(want) - len, "%6lu ",
				contig_page_data.node_zones[ZONE_DMA32].free_area[o].nr_free);
	snprintf(want + len, sizeof(want) - len, "\n");
	CHECK(strstr(host_console.buf, want));
	CHECK(!strncmp(host_console.buf, "Node 0, zone      DMA ", 22));
	CHECK(strstr(host_console.buf, "Node 0, zone   Normal "));
	check_start_state();
}

/* 10^6 random operations with the invariants checked along the way. */
static void test_random(void)
{
	static const unsigned int order_pct[] = { 45, 15, 10, 8 }; /* orders 0..3, then 4..10 */
	unsigned long ops = 0, fails = 0, bad = 0, zero = 0, pages_used = 0;
	unsigned long bad_before;

	machine_boot(&sparse);
	host_rng_state = 0x627564647921ULL;
	bad_before = vm_event_sum(BAD_PAGE);
	for (; ops < RANDOM_OPS; ops++) {
		bool want_alloc = pages_used < model_free ? host_rand_below(100) < 55 :
							    host_rand_below(100) < 45;

		if (want_alloc || !nr_lives) {
			unsigned int r = host_rand_below(100), order = 0, acc = 0;
			gfp_t gfp = GFP_KERNEL;
			unsigned long pfn;

			for (; order < ARRAY_SIZE(order_pct); order++) {
				acc += order_pct[order];
				if (r < acc)
					break;
			}
			if (order == ARRAY_SIZE(order_pct))
				order = 4 + host_rand_below(MAX_ORDER - 4);
			r = host_rand_below(100);
			if (r < 20)
				gfp = GFP_DMA32;
			else if (r < 28)
				gfp = GFP_DMA;
			if (host_rand_below(100) < 3) {
				gfp |= __GFP_ZERO;
				zero++;
			}
			pfn = alloc_checked(gfp, order);
			if (pfn == ~0UL) {
				fails++;
				continue;
			}
			live_add(pfn, order);
			pages_used += 1UL << order;
		} else {
			struct live l = live_take(host_rand_below(nr_lives));

			free_checked(l.pfn, l.order, host_rand() & 1);
			pages_used -= 1UL << l.order;
		}

		if (ops % 997 == 0 && nr_lives) {
			/* A bad free: a wrong order, a tail, or a double free. */
			struct live *l = &lives[host_rand_below(nr_lives)];
			unsigned int kind = host_rand_below(3);

			if (kind == 0)
				expect_bad_free(pfn_to_page(l->pfn), l->order ^ 1, "");
			else if (kind == 1 && l->order)
				expect_bad_free(pfn_to_page(l->pfn + 1), 0, "refcount 0");
			else {
				struct live d = live_take(l - lives);

				free_checked(d.pfn, d.order, false);
				pages_used -= 1UL << d.order;
				expect_bad_free(pfn_to_page(d.pfn), d.order, "");
			}
			bad++;
		}
		if (ops % CHECK_EVERY == 0 && !check_invariants()) {
			printf("     after %lu operations\n", ops);
			break;
		}
	}
	CHECK_EQ(vm_event_sum(BAD_PAGE) - bad_before, bad);
	check_invariants();
	free_all_lives();
	check_invariants();
	check_start_state();
	printf("buddy: random: %lu operations, %lu failed allocations, %lu zeroed, %lu bad frees, "
	       "%lu deferred units initialised\n",
	       ops, fails, zero, bad, vm_event_sum(DEFERRED_UNIT_INIT));
}

/* Boot cost does not grow with RAM: struct pages written by mem_init(). */
static void test_boot_scaling(void)
{
	const struct machine *ms[] = { &qemu512, &qemu16g, &qemu64g };
	unsigned long inits[3], pages[3];
	double secs[3];

	for (int i = 0; i < 3; i++) {
		machine_boot(ms[i]);
		inits[i] = boot_memmap_init;
		pages[i] = contig_page_data.node_present_pages;
		secs[i] = boot_seconds;
		CHECK_EQ(nr_free_pages(), totalram_pages());
		/* Only the units where free and reserved memory meet. */
		CHECK(inits[i] <= 16 * UNIT_PAGES);
		printf("buddy: boot %-4s: %8lu pages, %6lu struct pages written, mem_init %.3f ms\n",
		       ms[i]->name, pages[i], inits[i], secs[i] * 1e3);
	}
	machine_teardown();
}

int main(void)
{
	test_boot_state();
	test_every_order();
	test_zone_fallback();
	test_zeroing();
	test_pcp();
	test_bad_frees();
	test_deferred();
	test_poison_works();
	test_buddyinfo();
	test_random();
	test_boot_scaling();
	return check_summary("buddy");
}
