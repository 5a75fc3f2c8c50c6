// SPDX-License-Identifier: GPL-2.0
/*
 * Suite mm_buddy: the buddy allocator on the machine's real memory. Every case gives back
 * all it takes, and the coalescing case checks the free lists end as they began.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/printk.h>
#include <linux/ktest.h>
#include <linux/mm.h>
#include <linux/gfp.h>

#define NR_BLOCKS 256

struct free_counts {
	unsigned long nr_free[MAX_NR_ZONES][MAX_ORDER];
	unsigned long free;
};

/* Drain the per-CPU lists, then note every zone's free blocks per order. */
static void snapshot(struct free_counts *c)
{
	struct zone *zone;

	drain_all_pages(NULL);
	for_each_zone(zone) for (int o = 0; o < MAX_ORDER; o++) c->nr_free[zone_idx(zone)][o] =
		READ_ONCE(zone->free_area[o].nr_free);
	c->free = nr_free_pages();
}

static void mm_buddy_every_order(struct ktest *t)
{
	for (unsigned int order = 0; order < MAX_ORDER; order++) {
		struct page *page = alloc_pages(GFP_KERNEL, order);
		unsigned long pfn;

		KTEST_EXPECT_TRUE(t, page != NULL);
		if (!page)
			continue;
		pfn = page_to_pfn(page);
		KTEST_EXPECT_EQ(t, pfn & ((1UL << order) - 1), 0);
		KTEST_EXPECT_TRUE(t, pfn_valid(pfn) && pfn_valid(pfn + (1UL << order) - 1));
		KTEST_EXPECT_EQ(t, page_ref_count(page), 1);
		KTEST_EXPECT_EQ(t, (unsigned long)page_address(page),
				__PAGE_OFFSET + PFN_PHYS(pfn));
		KTEST_EXPECT_TRUE(t, virt_to_page(page_address(page)) == page);
		/* The whole block is mapped and writable through the direct map. */
		memset(page_address(page), 0x6b, PAGE_SIZE << order);
		__free_pages(page, order);
	}
	KTEST_EXPECT_TRUE(t, alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER) == NULL);
}

/* The zone is the highest one the flags allow that has memory, and below its limit. */
static void mm_buddy_zones(struct ktest *t)
{
	static const struct {
		gfp_t gfp;
		unsigned long limit;
	} cases[] = {
		{ GFP_DMA, MAX_DMA_PFN },
		{ GFP_DMA32, MAX_DMA32_PFN },
		{ GFP_KERNEL, ~0UL },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct page *page = alloc_pages(cases[i].gfp, 1);
		enum zone_type want = gfp_zone(cases[i].gfp);

		while (want > ZONE_DMA && !zone_free_pages(&contig_page_data.node_zones[want]))
			want--;
		KTEST_EXPECT_TRUE(t, page != NULL);
		if (!page)
			continue;
		KTEST_EXPECT_TRUE(t, page_to_pfn(page) + 1 < cases[i].limit);
		KTEST_EXPECT_EQ(t, page_zonenum(page), want);
		KTEST_EXPECT_EQ(t, page_zonenum(page + 1), want);
		__free_pages(page, 1);
	}
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned long *w = p;

	for (size_t i = 0; i < n / sizeof(*w); i++)
		if (w[i])
			return false;
	return true;
}

static void mm_buddy_zero(struct ktest *t)
{
	unsigned long va;

	for (unsigned int order = 0; order < MAX_ORDER; order += 2) {
		struct page *page = alloc_pages(GFP_KERNEL, order);

		if (!page) {
			KTEST_EXPECT_TRUE(t, page != NULL);
			continue;
		}
		memset(page_address(page), 0x5a, PAGE_SIZE << order);
		__free_pages(page, order);
		page = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
		KTEST_EXPECT_TRUE(t, page && all_zero(page_address(page), PAGE_SIZE << order));
		if (page)
			__free_pages(page, order);
	}
	va = get_zeroed_page(GFP_KERNEL);
	KTEST_EXPECT_TRUE(t, va && all_zero((void *)va, PAGE_SIZE));
	free_page(va);
}

/*
 * Blocks of mixed orders and zones, freed in another order: afterwards every zone has the
 * same free blocks per order as before (full coalescing), and the same free pages.
 */
static void mm_buddy_coalesce(struct ktest *t)
{
	static struct page *pages[NR_BLOCKS];
	static struct free_counts before, after;
	static const gfp_t gfps[] = { GFP_KERNEL, GFP_DMA32, GFP_KERNEL, GFP_DMA };
	unsigned int got = 0;

	snapshot(&before);
	for (unsigned int i = 0; i < NR_BLOCKS; i++) {
		pages[i] = alloc_pages(gfps[i % ARRAY_SIZE(gfps)] | __GFP_NOWARN, (i * 7) % 6);
		got += pages[i] != NULL;
	}
	KTEST_EXPECT_TRUE(t, got > NR_BLOCKS / 2);
	KTEST_EXPECT_TRUE(t, nr_free_pages() < before.free);
	for (unsigned int i = 1; i < NR_BLOCKS; i += 2) /* odd ones first, then even */
		if (pages[i])
			__free_pages(pages[i], (i * 7) % 6);
	for (unsigned int i = 0; i < NR_BLOCKS; i += 2)
		if (pages[i])
			__free_pages(pages[i], (i * 7) % 6);
	snapshot(&after);
	KTEST_EXPECT_EQ(t, after.free, before.free);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (int o = 0; o < MAX_ORDER; o++)
			KTEST_EXPECT_EQ(t, after.nr_free[z][o], before.nr_free[z][o]);
}

/* Order-0 frees stay on this CPU's list until it is drained; counts include them. */
static void mm_buddy_pcp(struct ktest *t)
{
	struct page *page = alloc_page(GFP_KERNEL);
	struct per_cpu_pages *pcp;
	unsigned long free, buddy;
	struct zone *zone;

	KTEST_EXPECT_TRUE(t, page != NULL);
	if (!page)
		return;
	zone = page_zone(page);
	pcp = &zone->pcp[0];
	__free_page(page);
	free = nr_free_pages();
	KTEST_EXPECT_TRUE(t, pcp->count > 0 || pcp->high == 0);
	KTEST_EXPECT_TRUE(t, pcp->count <= pcp->high || pcp->high == 0);
	drain_all_pages(zone);
	KTEST_EXPECT_EQ(t, pcp->count, 0);
	KTEST_EXPECT_EQ(t, nr_free_pages(), free);
	/* Drained everywhere, the free lists hold every free page (what buddyinfo shows). */
	drain_all_pages(NULL);
	buddy = 0;
	for_each_zone(zone) for (int o = 0; o < MAX_ORDER; o++) buddy += zone->free_area[o].nr_free
									 << o;
	KTEST_EXPECT_EQ(t, buddy, nr_free_pages());
}

struct log_search {
	u64 from;
	const char *needle;
	unsigned int hits;
};

static void count_hits(const struct printk_record *r, void *arg)
{
	struct log_search *s = arg;
	size_t n = strlen(s->needle);

	if (r->seq < s->from)
		return;
	for (size_t i = 0; i + n <= r->len; i++)
		if (!memcmp(r->text + i, s->needle, n)) {
			s->hits++;
			return;
		}
}

/* A double free and a free of a reserved page: one "Bad page state" line each. */
static void mm_buddy_bad_free(struct ktest *t)
{
	extern const char _text[];
	struct log_search s = { printk_next_seq(), "BUG: Bad page state", 0 };
	unsigned long bad = vm_event_sum(BAD_PAGE), free;
	struct page *page = alloc_page(GFP_KERNEL);

	KTEST_EXPECT_TRUE(t, page != NULL);
	if (!page)
		return;
	__free_page(page);
	free = nr_free_pages();
	con_printf("        # two bad frees on purpose:\n");
	__free_page(page); /* double free */
	free_page((unsigned long)__va(__pa_symbol(_text))); /* the kernel image */
	KTEST_EXPECT_EQ(t, vm_event_sum(BAD_PAGE), bad + 2);
	KTEST_EXPECT_EQ(t, nr_free_pages(), free);
	printk_for_each(count_hits, &s);
	KTEST_EXPECT_EQ(t, s.hits, 2);
}

static void mm_buddy_counters(struct ktest *t)
{
	unsigned long sum = 0, managed = 0;
	struct zone *zone;

	for_each_zone(zone)
	{
		sum += zone_free_pages(zone);
		managed += zone_managed_pages(zone);
		KTEST_EXPECT_TRUE(t, zone->managed_pages <= zone->present_pages);
		KTEST_EXPECT_TRUE(t, zone->present_pages <= zone->spanned_pages);
	}
	KTEST_EXPECT_EQ(t, sum, nr_free_pages());
	KTEST_EXPECT_EQ(t, managed, totalram_pages());
	KTEST_EXPECT_TRUE(t, nr_free_pages() <= totalram_pages());
	KTEST_EXPECT_TRUE(t, totalram_pages() > 0);
	KTEST_EXPECT_EQ(t, contig_page_data.node_present_pages,
			contig_page_data.node_zones[ZONE_DMA].present_pages +
				contig_page_data.node_zones[ZONE_DMA32].present_pages +
				contig_page_data.node_zones[ZONE_NORMAL].present_pages);
}

static const struct ktest_case mm_buddy_cases[] = {
	KTEST_CASE(mm_buddy_every_order), KTEST_CASE(mm_buddy_zones),
	KTEST_CASE(mm_buddy_zero),	  KTEST_CASE(mm_buddy_coalesce),
	KTEST_CASE(mm_buddy_pcp),	  KTEST_CASE(mm_buddy_bad_free),
	KTEST_CASE(mm_buddy_counters),	  {}
};

static const struct ktest_suite mm_buddy_suite = {
	.name = "mm_buddy",
	.cases = mm_buddy_cases,
};
KTEST_SUITE(mm_buddy_suite);
