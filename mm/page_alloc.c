// SPDX-License-Identifier: GPL-2.0
/*
 * The buddy allocator (Linux's mm/page_alloc.c): zones DMA, DMA32 and Normal, each with
 * free lists of blocks of 2^order pages (order 0..MAX_ORDER-1), aligned to their size, and
 * per-CPU lists of order-0 pages in front of them.
 *
 * Allocating order k takes the first block of the smallest non-empty order >= k and
 * splits it, putting the upper halves back (expand). Freeing merges the block with its
 * buddy (the block whose pfn differs in bit `order`) while the buddy is a free block of
 * the same order (page_is_buddy), then lists the result (__free_one_page).
 *
 * Deferred struct page initialisation. The vmemmap is not cleared, and boot must not
 * write a struct page per page of RAM. The unit of deferral is a MAX_ORDER block ("unit":
 * 2^(MAX_ORDER-1) pages, 4 MiB, aligned), with two bits per unit: unit_deferred (its
 * struct pages are not initialised) and unit_free (it is one whole free block). At
 * mem_init():
 *   - a unit that is all free is a free order-10 block that only the bitmaps know: its
 *     bits are set, and it is counted in free_area[10].nr_free, free_pages and
 *     zone->deferred_units, but not linked on the list (which needs its head's lru);
 *   - a unit with no free page (reserved, or holes) is left alone: unit_deferred set;
 *   - a mixed unit is initialised page by page (reserved pages and holes PG_reserved),
 *     then its free pages are freed into the buddy.
 * So boot writes no struct page of a whole free unit, not even its head: under QEMU the
 * first write to a guest page costs ~17 us, one per unit was 80 ms at 16 GiB. A deferred
 * free unit is initialised (all 1024 struct pages) when the buddy needs an order-10 block
 * and its list is empty (__rmqueue_smallest), or when pfn_to_page_init() looks at one of
 * its pages, which puts it on the order-10 list like any other free block.
 *
 * Locking: zone->lock (irqsave) for free_area[], the zone's counters and the unit bitmaps
 * of its units; a CPU's per_cpu_pages only with local interrupts off, on that CPU.
 */
#define pr_fmt(fmt) fmt
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/printk.h>
#include <linux/errno.h>
#include <linux/oops.h>
#include <linux/spinlock.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <asm/pgtable_types.h>
#include <linux/gfp.h>
#include <linux/timekeeping.h>

/* The image's sections (vmlinux.lds.S), for the "Memory:" line. */
extern const char _text[], _etext[], __start_rodata[], _erodata[], _sdata[], _edata[],
	__bss_start[], __bss_stop[];

#define UNIT_SHIFT (MAX_ORDER - 1)
#define UNIT_PAGES MAX_ORDER_NR_PAGES
#define BITS_PER_WORD (8 * sizeof(unsigned long))

/* Zones never straddle a unit, so a block and its buddy are always in the same zone. */
BUILD_BUG_ON(MAX_DMA_PFN % UNIT_PAGES);
BUILD_BUG_ON(MAX_DMA32_PFN % UNIT_PAGES);
/*
 * The vmemmap is backed in 2 MiB pages of struct pages, each covering an aligned run of
 * PMD_SIZE / sizeof(struct page) pfns, for every run that holds RAM. A whole number of
 * units per run means: a unit with any RAM has all its struct pages backed.
 */
BUILD_BUG_ON(sizeof(struct page) != 64);
BUILD_BUG_ON((PMD_SIZE / sizeof(struct page)) % UNIT_PAGES);
BUILD_BUG_ON(MAX_ORDER - 1 > PG_ORDER_MASK);
BUILD_BUG_ON(__NR_PAGEFLAGS > PG_ORDER_PGSHIFT);

struct pglist_data contig_page_data;
unsigned long max_pfn;

static const char *const zone_names[MAX_NR_ZONES] = { "DMA", "DMA32", "Normal" };
static const unsigned long zone_low_pfn[MAX_NR_ZONES] = { 0, MAX_DMA_PFN, MAX_DMA32_PFN };
static const unsigned long zone_high_pfn[MAX_NR_ZONES] = { MAX_DMA_PFN, MAX_DMA32_PFN, ~0UL };

/* Unit bitmaps, one bit per unit up to max_pfn, allocated from memblock by mem_init(). */
static unsigned long *unit_deferred; /* struct pages not initialised yet */
static unsigned long *unit_free; /* deferred, and one free order-10 block */
static unsigned long nr_units;

const char *const vm_event_names[NR_VM_EVENT_ITEMS] = {
	[PGALLOC_DMA] = "pgalloc_dma",
	[PGALLOC_DMA32] = "pgalloc_dma32",
	[PGALLOC_NORMAL] = "pgalloc_normal",
	[PGFREE] = "pgfree",
	[PGALLOC_FAIL] = "pgalloc_fail",
	[PCP_REFILL] = "pcp_refill",
	[PCP_DRAIN] = "pcp_drain",
	[MEMMAP_INIT] = "memmap_init",
	[DEFERRED_UNIT_INIT] = "deferred_unit_init",
	[BAD_PAGE] = "bad_page",
};
static unsigned long vm_events[NR_CPUS][NR_VM_EVENT_ITEMS];

/* Count on this CPU; callers have interrupts off (the pcp section, or a zone lock). */
static inline void count_vm_events(enum vm_event_item item, unsigned long n)
{
	vm_events[smp_processor_id()][item] += n;
}

unsigned long vm_event_sum(enum vm_event_item item)
{
	unsigned long sum = 0;

	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		sum += READ_ONCE(vm_events[cpu][item]);
	return sum;
}

static inline bool unit_test(const unsigned long *map, unsigned long unit)
{
	return (READ_ONCE(map[unit / BITS_PER_WORD]) >> (unit % BITS_PER_WORD)) & 1;
}

/* Atomic: a word's 64 units can belong to two zones, changed under different locks. */
static inline void unit_set(unsigned long *map, unsigned long unit)
{
	__atomic_fetch_or(&map[unit / BITS_PER_WORD], 1UL << (unit % BITS_PER_WORD),
			  __ATOMIC_RELAXED);
}

static inline void unit_clear(unsigned long *map, unsigned long unit)
{
	__atomic_fetch_and(&map[unit / BITS_PER_WORD], ~(1UL << (unit % BITS_PER_WORD)),
			   __ATOMIC_RELEASE);
}

static enum zone_type pfn_zone(unsigned long pfn)
{
	if (pfn < MAX_DMA_PFN)
		return ZONE_DMA;
	return pfn < MAX_DMA32_PFN ? ZONE_DMA32 : ZONE_NORMAL;
}

static struct zone *pfn_to_zone(unsigned long pfn)
{
	return &contig_page_data.node_zones[pfn_zone(pfn)];
}

/* The order an allocated block's head was allocated with (page->flags). */
static inline unsigned int page_alloc_order(const struct page *page)
{
	return (page->flags >> PG_ORDER_PGSHIFT) & PG_ORDER_MASK;
}

static inline void set_page_alloc_order(struct page *page, unsigned int order)
{
	page->flags &= ~(PG_ORDER_MASK << PG_ORDER_PGSHIFT);
	page->flags |= (unsigned long)order << PG_ORDER_PGSHIFT;
}

bool pfn_valid(unsigned long pfn)
{
	return pfn < PHYS_PFN(PHYS_ADDR_MAX) && memblock_is_memory(PFN_PHYS(pfn));
}

/* ---------------------------------------------------------------- struct page init */

/* Linux's __init_single_page: the first write to a struct page. */
static void init_single_page(struct page *page, enum zone_type zone, bool reserved)
{
	mm_zero_struct_page(page);
	set_page_zone(page, zone);
	INIT_LIST_HEAD(&page->lru);
	if (reserved) {
		__SetPageReserved(page);
		set_page_count(page, 1);
	}
}

/* Every struct page of a unit, as reserved; the unit is no longer deferred. */
static void init_unit_reserved(unsigned long unit)
{
	unsigned long pfn = unit << UNIT_SHIFT;
	struct page *page = pfn_to_page(pfn);
	enum zone_type zone = pfn_zone(pfn);

	for (unsigned long i = 0; i < UNIT_PAGES; i++)
		init_single_page(page + i, zone, true);
	unit_clear(unit_deferred, unit);
	count_vm_events(MEMMAP_INIT, UNIT_PAGES);
}

/* The first unit_free bit in [start, end), or end; a word at a time over clear ones. */
static unsigned long find_next_free_unit(unsigned long start, unsigned long end)
{
	for (unsigned long u = start; u < end;) {
		unsigned long word = READ_ONCE(unit_free[u / BITS_PER_WORD]) >> (u % BITS_PER_WORD);

		if (word)
			return min(u + __builtin_ctzl(word), end);
		u = ALIGN(u + 1, BITS_PER_WORD);
	}
	return end;
}

/*
 * A deferred free unit leaves the bitmaps: every struct page initialised as a page of a
 * free block (not reserved, refcount 0), and uncounted from the zone; the caller lists it
 * or hands it out. zone->lock held.
 */
static struct page *take_deferred_unit(struct zone *zone, unsigned long unit)
{
	unsigned long pfn = unit << UNIT_SHIFT;
	struct page *page = pfn_to_page(pfn);

	for (unsigned long i = 0; i < UNIT_PAGES; i++)
		init_single_page(page + i, zone_idx(zone), false);
	unit_clear(unit_deferred, unit);
	unit_clear(unit_free, unit);
	zone->deferred_units--;
	zone->free_area[MAX_ORDER - 1].nr_free--;
	zone->free_pages -= UNIT_PAGES;
	count_vm_events(MEMMAP_INIT, UNIT_PAGES);
	count_vm_events(DEFERRED_UNIT_INIT, 1);
	return page;
}

/* The zone's lowest deferred free unit (the cursor never moves back: none come back). */
static struct page *rmqueue_deferred_unit(struct zone *zone)
{
	unsigned long end = DIV_ROUND_UP(zone_end_pfn(zone), UNIT_PAGES);
	unsigned long unit = find_next_free_unit(zone->deferred_cursor, end);

	zone->deferred_cursor = unit;
	if (unit == end)
		return NULL;
	return take_deferred_unit(zone, unit);
}

/* ---------------------------------------------------------------- the buddy core */

static inline void add_to_free_area(struct page *page, struct zone *zone, unsigned int order)
{
	struct free_area *area = &zone->free_area[order];

	list_add(&page->lru, &area->free_list);
	__SetPageBuddy(page);
	page->private = order;
	area->nr_free++;
	zone->free_pages += 1UL << order;
}

static inline void del_page_from_free_area(struct page *page, struct zone *zone, unsigned int order)
{
	list_del(&page->lru);
	__ClearPageBuddy(page);
	page->private = 0;
	zone->free_area[order].nr_free--;
	zone->free_pages -= 1UL << order;
}

/* buddy is the head of a free block of this order (so it can merge with its buddy). */
static inline bool page_is_buddy(const struct page *buddy, unsigned int order)
{
	return PageBuddy(buddy) && buddy->private == order;
}

/*
 * __free_one_page - put a block on its zone's free lists, merging it with its buddy as
 * long as the buddy is a free block of the same order. Called with zone->lock held.
 *
 * Coalescing never reads an uninitialised struct page. The block being freed lies in a
 * unit whose struct pages are initialised: it was allocated (allocation initialises a
 * deferred unit before splitting it or handing it out), or mem_init() is freeing the free
 * part of a mixed unit it has just initialised. The buddy of a block of order k < 10 is
 * pfn ^ 2^k: it differs from pfn only in bit k < UNIT_SHIFT, so it lies in the same unit,
 * hence its struct page is initialised too. The loop stops at order MAX_ORDER - 1 = 10,
 * the size of a unit: it never looks at the buddy of a whole unit, which may be deferred.
 * (And a unit, once initialised, never becomes deferred again.)
 */
static void __free_one_page(unsigned long pfn, struct zone *zone, unsigned int order)
{
	while (order < MAX_ORDER - 1) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page *buddy = pfn_to_page(buddy_pfn);

		if (!page_is_buddy(buddy, order))
			break;
		del_page_from_free_area(buddy, zone, order);
		pfn &= buddy_pfn;
		order++;
	}
	add_to_free_area(pfn_to_page(pfn), zone, order);
}

/* Split a block of order high down to order low, listing the upper halves. */
static inline void expand(struct zone *zone, struct page *page, unsigned int low, unsigned int high)
{
	unsigned long size = 1UL << high;

	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_area(page + size, zone, high);
	}
}

/*
 * The first block of the smallest order >= order, split to order; at order 10, listed
 * blocks before deferred units. zone->lock held.
 */
static struct page *__rmqueue_smallest(struct zone *zone, unsigned int order)
{
	for (unsigned int o = order; o < MAX_ORDER; o++) {
		struct free_area *area = &zone->free_area[o];
		struct page *page;

		if (!list_empty(&area->free_list)) {
			page = list_first_entry(&area->free_list, struct page, lru);
			del_page_from_free_area(page, zone, o);
		} else if (o == MAX_ORDER - 1 && zone->deferred_units) {
			page = rmqueue_deferred_unit(zone);
		} else {
			continue;
		}
		expand(zone, page, order, o);
		return page;
	}
	return NULL;
}

/* Give up to count pages of a per-CPU list back to the buddy, coldest first. */
static void free_pcppages_bulk(struct zone *zone, int count, struct per_cpu_pages *pcp)
{
	spin_lock(&zone->lock);
	while (count-- > 0 && !list_empty(&pcp->list)) {
		struct page *page = list_entry(pcp->list.prev, struct page, lru);

		list_del(&page->lru);
		pcp->count--;
		__free_one_page(page_to_pfn(page), zone, 0);
	}
	spin_unlock(&zone->lock);
	count_vm_events(PCP_DRAIN, 1);
}

/* An order-0 page from this CPU's list, refilled by batch from the buddy when empty. */
static struct page *rmqueue_pcplist(struct zone *zone)
{
	unsigned long flags = local_irq_save();
	struct per_cpu_pages *pcp = &zone->pcp[smp_processor_id()];
	struct page *page;

	if (list_empty(&pcp->list)) {
		int n;

		spin_lock(&zone->lock);
		for (n = 0; n < pcp->batch; n++) {
			page = __rmqueue_smallest(zone, 0);
			if (!page)
				break;
			list_add_tail(&page->lru, &pcp->list);
		}
		spin_unlock(&zone->lock);
		pcp->count += n;
		count_vm_events(PCP_REFILL, 1);
		if (!n) {
			local_irq_restore(flags);
			return NULL;
		}
	}
	page = list_first_entry(&pcp->list, struct page, lru);
	list_del(&page->lru);
	pcp->count--;
	count_vm_events(PGALLOC_DMA + zone_idx(zone), 1);
	local_irq_restore(flags);
	return page;
}

static struct page *rmqueue_buddy(struct zone *zone, unsigned int order)
{
	unsigned long flags;
	struct page *page;

	spin_lock_irqsave(&zone->lock, flags);
	page = __rmqueue_smallest(zone, order);
	if (page)
		count_vm_events(PGALLOC_DMA + zone_idx(zone), 1UL << order);
	spin_unlock_irqrestore(&zone->lock, flags);
	return page;
}

/* ---------------------------------------------------------------- allocation */

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = NULL;
	unsigned long flags;
	int z;

	if (unlikely(order >= MAX_ORDER))
		goto fail;
	/* The preferred zone, then the lower ones: Normal -> DMA32 -> DMA. */
	for (z = gfp_zone(gfp); z >= 0; z--) {
		struct zone *zone = &contig_page_data.node_zones[z];

		if (!zone->managed_pages)
			continue;
		page = order ? rmqueue_buddy(zone, order) : rmqueue_pcplist(zone);
		if (page)
			break;
	}
	if (unlikely(!page))
		goto fail;
	set_page_count(page, 1);
	set_page_alloc_order(page, order);
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE << order);
	return page;
fail:
	flags = local_irq_save();
	count_vm_events(PGALLOC_FAIL, 1);
	local_irq_restore(flags);
	if (!(gfp & __GFP_NOWARN))
		pr_warn("page allocation failure: order:%u, mode:%#x\n", order, gfp);
	return NULL;
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}

/* ---------------------------------------------------------------- freeing */

/* One line, Linux's "BUG: Bad page state" words; the free is then ignored. */
static void bad_page(const struct page *page, unsigned long pfn, unsigned int order, bool readable,
		     const char *reason)
{
	unsigned long flags = local_irq_save();

	count_vm_events(BAD_PAGE, 1);
	local_irq_restore(flags);
	if (readable)
		pr_err("BUG: Bad page state: pfn:%05lx order:%u flags:%#lx refcount:%d: %s\n", pfn,
		       order, page->flags, page_ref_count(page), reason);
	else
		pr_err("BUG: Bad page state: pfn:%05lx order:%u: %s\n", pfn, order, reason);
}

/*
 * free_pages_check - is this a block alloc_pages(.., order) returned and nobody freed?
 * Reads the struct page only once its unit is known to be initialised: a pfn past the
 * last unit, or in a deferred unit (free, reserved, or without RAM at all), was never
 * handed out. The holes of an initialised unit are PG_reserved.
 */
static bool free_pages_check(struct page *page, unsigned long pfn, unsigned int order)
{
	char why[64];

	if (unlikely(pfn >= max_pfn || order >= MAX_ORDER)) {
		bad_page(page, pfn, order, false, "not a RAM page, or order too large");
		return false;
	}
	if (unlikely(pfn & ((1UL << order) - 1))) {
		bad_page(page, pfn, order, false, "misaligned for its order");
		return false;
	}
	if (unlikely(unit_test(unit_deferred, pfn >> UNIT_SHIFT))) {
		bad_page(page, pfn, order, false,
			 unit_test(unit_free, pfn >> UNIT_SHIFT) ?
				 "already free (never allocated)" :
				 "reserved or not RAM (never allocated)");
		return false;
	}
	if (unlikely(PageReserved(page))) {
		bad_page(page, pfn, order, true, pfn_valid(pfn) ? "reserved page" : "not RAM");
		return false;
	}
	if (unlikely(page_ref_count(page) <= 0)) {
		bad_page(page, pfn, order, true,
			 PageBuddy(page) ?
				 "already free" :
				 "refcount 0: already free, or not the head of its block");
		return false;
	}
	if (unlikely(page_alloc_order(page) != order)) {
		snprintf(why, sizeof(why), "allocated with order %u, freed with order %u",
			 page_alloc_order(page), order);
		bad_page(page, pfn, order, true, why);
		return false;
	}
	if (unlikely(page->flags & (BIT(PG_buddy) | BIT(PG_slab) | BIT(PG_table)))) {
		bad_page(page, pfn, order, true, "still marked buddy, slab or page table");
		return false;
	}
	return true;
}

/* An order-0 page onto this CPU's list; a batch goes back to the buddy at pcp->high. */
static void free_unref_page(struct page *page, struct zone *zone)
{
	unsigned long flags = local_irq_save();
	struct per_cpu_pages *pcp = &zone->pcp[smp_processor_id()];

	list_add(&page->lru, &pcp->list);
	pcp->count++;
	count_vm_events(PGFREE, 1);
	if (pcp->count >= pcp->high)
		free_pcppages_bulk(zone, pcp->batch, pcp);
	local_irq_restore(flags);
}

void __free_pages(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page), flags;
	struct zone *zone;

	if (!free_pages_check(page, pfn, order))
		return;
	if (!put_page_testzero(page))
		return;
	set_page_alloc_order(page, 0);
	zone = page_zone(page);
	if (order == 0) {
		free_unref_page(page, zone);
		return;
	}
	spin_lock_irqsave(&zone->lock, flags);
	__free_one_page(pfn, zone, order);
	count_vm_events(PGFREE, 1UL << order);
	spin_unlock_irqrestore(&zone->lock, flags);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page(addr), order);
}

void drain_local_pages(struct zone *zone)
{
	struct zone *z;

	for_each_zone(z)
	{
		unsigned long flags;

		if (zone && z != zone)
			continue;
		flags = local_irq_save();
		if (z->pcp[smp_processor_id()].count)
			free_pcppages_bulk(z, z->pcp[smp_processor_id()].count,
					   &z->pcp[smp_processor_id()]);
		local_irq_restore(flags);
	}
}

/* One CPU for now; with SMP this becomes a drain on every CPU (Linux sends work). */
void drain_all_pages(struct zone *zone)
{
	drain_local_pages(zone);
}

/* ---------------------------------------------------------------- counters */

unsigned long zone_free_pages(const struct zone *zone)
{
	unsigned long n = READ_ONCE(zone->free_pages);

	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		n += READ_ONCE(zone->pcp[cpu].count);
	return n;
}

unsigned long totalram_pages(void)
{
	unsigned long n = 0;
	struct zone *zone;

	for_each_zone(zone) n += zone->managed_pages;
	return n;
}

unsigned long nr_free_pages(void)
{
	unsigned long n = 0;
	struct zone *zone;

	for_each_zone(zone) n += zone_free_pages(zone);
	return n;
}

/* ---------------------------------------------------------------- mem_init */

/* Zone spans and present pages from memblock.memory; empty free lists. */
static void zones_init(void)
{
	struct pglist_data *pgdat = &contig_page_data;
	phys_addr_t start, end;
	u64 i;

	memset(pgdat, 0, sizeof(*pgdat));
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];

		zone->name = zone_names[z];
		for (int o = 0; o < MAX_ORDER; o++)
			INIT_LIST_HEAD(&zone->free_area[o].free_list);
		for (int cpu = 0; cpu < NR_CPUS; cpu++)
			INIT_LIST_HEAD(&zone->pcp[cpu].list);
	}
	for_each_mem_range(i, &start, &end) {
		unsigned long s = PFN_UP(start), e = PFN_DOWN(end);

		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &pgdat->node_zones[z];
			unsigned long a = max(s, zone_low_pfn[z]), b = min(e, zone_high_pfn[z]);

			if (a >= b)
				continue;
			if (!zone->present_pages)
				zone->zone_start_pfn = a;
			zone->present_pages += b - a;
			zone->spanned_pages = b - zone->zone_start_pfn;
			pgdat->node_present_pages += b - a;
		}
	}
	pgdat->node_start_pfn = PFN_UP(memblock_start_of_RAM());
	pgdat->node_spanned_pages = max_pfn - pgdat->node_start_pfn;
}

/* The unit bitmaps, from memblock; every unit starts deferred (and not free). */
static void alloc_unit_maps(void)
{
	unsigned long words, bytes;
	phys_addr_t pa;

	nr_units = DIV_ROUND_UP(max_pfn, UNIT_PAGES);
	words = DIV_ROUND_UP(nr_units, BITS_PER_WORD);
	bytes = 2 * words * sizeof(unsigned long);
	pa = memblock_alloc_range_name(ALIGN(bytes, PAGE_SIZE), PAGE_SIZE, 0, memblock_end_of_RAM(),
				       "deferred init");
	if (!pa)
		panic("mem_init: no memory for the deferred-init bitmaps (%lu bytes)", bytes);
	unit_deferred = __va(pa);
	unit_free = unit_deferred + words;
	memset(unit_deferred, 0xff, words * sizeof(unsigned long));
	memset(unit_free, 0, words * sizeof(unsigned long));
}

/* A whole free unit: a free order-10 block in the bitmaps only, no struct page written. */
static void free_deferred_unit(unsigned long unit)
{
	struct zone *zone = pfn_to_zone(unit << UNIT_SHIFT);

	unit_set(unit_free, unit);
	if (!zone->deferred_units || unit < zone->deferred_cursor)
		zone->deferred_cursor = unit;
	zone->deferred_units++;
	zone->free_area[MAX_ORDER - 1].nr_free++;
	zone->free_pages += UNIT_PAGES;
	zone->managed_pages += UNIT_PAGES;
}

/* Free pages [start, end) of one initialised unit, in the largest aligned blocks. */
static void free_boot_pages(unsigned long start, unsigned long end)
{
	struct zone *zone = pfn_to_zone(start);

	for (unsigned long pfn = start; pfn < end; pfn++) {
		struct page *page = pfn_to_page(pfn);

		__ClearPageReserved(page);
		set_page_count(page, 0);
	}
	zone->managed_pages += end - start;
	while (start < end) {
		unsigned int order = start ? __builtin_ctzl(start) : MAX_ORDER - 1;

		order = min(order, (unsigned int)(63 - __builtin_clzl(end - start)));
		order = min(order, (unsigned int)(MAX_ORDER - 1));
		__free_one_page(start, zone, order);
		start += 1UL << order;
	}
}

/* Free pfns [start, end): whole units deferred, the pieces of mixed units page by page. */
static void free_boot_range(unsigned long start, unsigned long end)
{
	while (start < end) {
		unsigned long unit = start >> UNIT_SHIFT;
		unsigned long unit_start = unit << UNIT_SHIFT, unit_end = unit_start + UNIT_PAGES;
		unsigned long piece_end = min(end, unit_end);

		if (start == unit_start && piece_end == unit_end &&
		    unit_test(unit_deferred, unit)) {
			free_deferred_unit(unit);
		} else {
			if (unit_test(unit_deferred, unit))
				init_unit_reserved(unit);
			free_boot_pages(start, piece_end);
		}
		start = piece_end;
	}
}

/* Linux's zone_batchsize(): about 1/4096 of the zone, at most 31, 2^n - 1. */
static int zone_batchsize(const struct zone *zone)
{
	unsigned long batch = zone->managed_pages / 1024;

	batch = min(batch, (512UL << 10) / PAGE_SIZE) / 4;
	batch = max(batch, 1UL);
	return (int)((1UL << (63 - __builtin_clzl(batch + batch / 2))) - 1);
}

static void pcp_init(void)
{
	struct zone *zone;

	for_each_zone(zone)
	{
		int batch = zone_batchsize(zone);

		for (int cpu = 0; cpu < NR_CPUS; cpu++) {
			zone->pcp[cpu].high = 6 * batch;
			zone->pcp[cpu].batch = max(batch, 1);
		}
	}
}

static void print_zones(void)
{
	phys_addr_t start, end;
	struct zone *zone;
	u64 i;

	pr_info("Zone ranges:\n");
	for_each_zone(zone)
	{
		if (!populated_zone(zone)) {
			pr_info("  %-8s empty\n", zone->name);
			continue;
		}
		pr_info("  %-8s [mem 0x%016llx-0x%016llx]\n", zone->name,
			PFN_PHYS(zone->zone_start_pfn), PFN_PHYS(zone_end_pfn(zone)) - 1);
	}
	pr_info("Early memory node ranges\n");
	for_each_mem_range(i, &start, &end)
		pr_info("  node   0: [mem 0x%016llx-0x%016llx]\n", start, end - 1);
	for_each_populated_zone(zone) pr_info("  %s zone: %lu pages, LIFO batch:%d\n", zone->name,
					      zone->present_pages, zone_batchsize(zone));
}

static void mem_init_print_info(u64 ns)
{
	unsigned long physpages = contig_page_data.node_present_pages;
	unsigned long deferred = 0;

	for (unsigned long u = 0; u < nr_units; u++)
		deferred += unit_test(unit_deferred, u);
	pr_info("Memory: %luK/%luK available (%luK kernel code, %luK rwdata, %luK rodata, %luK bss, %luK reserved)\n",
		nr_free_pages() << (PAGE_SHIFT - 10), physpages << (PAGE_SHIFT - 10),
		((unsigned long)_etext - (unsigned long)_text) >> 10,
		((unsigned long)_edata - (unsigned long)_sdata) >> 10,
		((unsigned long)_erodata - (unsigned long)__start_rodata) >> 10,
		((unsigned long)__bss_stop - (unsigned long)__bss_start) >> 10,
		(physpages - totalram_pages()) << (PAGE_SHIFT - 10));
	pr_info("mem_init: %lu struct pages initialised, %lu of %lu units of %lu pages deferred, %llu us\n",
		vm_event_sum(MEMMAP_INIT), deferred, nr_units, UNIT_PAGES, ns / NSEC_PER_USEC);
}

/*
 * mem_init - hand every free memblock range to the buddy allocator. Once, after memblock
 * is final and the vmemmap is mapped; memblock refuses allocations afterwards. The work
 * is per unit and per memblock region, not per page: a whole free unit costs two bitmap
 * bits and no struct page write, and only the units where free and reserved memory meet
 * are walked.
 */
void mem_init(void)
{
	u64 i, t0 = sched_clock();
	phys_addr_t start, end;

	max_pfn = PHYS_PFN(memblock_end_of_RAM());
	zones_init();
	alloc_unit_maps();
	for_each_free_mem_range(i, &start, &end)
		free_boot_range(PFN_UP(start), PFN_DOWN(end));
	memblock_freeze();
	pcp_init();
	t0 = sched_clock() - t0;
	print_zones();
	mem_init_print_info(t0);
}

/* ---------------------------------------------------------------- looking at pages */

struct page *pfn_to_page_init(unsigned long pfn)
{
	unsigned long unit = pfn >> UNIT_SHIFT, flags;
	struct zone *zone;

	if (!pfn_valid(pfn) || !unit_deferred || unit >= nr_units)
		return NULL;
	if (unit_test(unit_deferred, unit)) {
		zone = pfn_to_zone(pfn);
		spin_lock_irqsave(&zone->lock, flags);
		if (unit_test(unit_free, unit)) {
			add_to_free_area(take_deferred_unit(zone, unit), zone, MAX_ORDER - 1);
		} else if (unit_test(unit_deferred, unit)) {
			init_unit_reserved(unit);
			count_vm_events(DEFERRED_UNIT_INIT, 1);
		}
		spin_unlock_irqrestore(&zone->lock, flags);
	}
	return pfn_to_page(pfn);
}

/* `buddyinfo`: /proc/buddyinfo. The per-CPU lists are drained first, so that the free
 * blocks listed add up to nr_free_pages(), which counts them. */
void show_buddyinfo(void)
{
	struct zone *zone;

	drain_all_pages(NULL);
	for_each_populated_zone(zone)
	{
		unsigned long nr[MAX_ORDER], flags;

		spin_lock_irqsave(&zone->lock, flags);
		for (int o = 0; o < MAX_ORDER; o++)
			nr[o] = zone->free_area[o].nr_free;
		spin_unlock_irqrestore(&zone->lock, flags);
		con_printf("Node 0, zone %8s ", zone->name);
		for (int o = 0; o < MAX_ORDER; o++)
			con_printf("%6lu ", nr[o]);
		con_printf("\n");
	}
}

static const struct {
	unsigned long mask;
	const char *name;
} pageflag_names[] = {
	{ BIT(PG_reserved), "reserved" },
	{ BIT(PG_buddy), "buddy" },
	{ BIT(PG_slab), "slab" },
	{ BIT(PG_table), "table" },
};

/* "reserved|buddy" for the PG_* bits of flags, as Linux's %pGp. */
static void format_pageflags(unsigned long flags, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < ARRAY_SIZE(pageflag_names); i++)
		if (flags & pageflag_names[i].mask)
			len += scnprintf(buf + len, size - len, "%s%s", len ? "|" : "",
					 pageflag_names[i].name);
}

/*
 * What a page is, in one line, into buf. Called with the zone lock held and interrupts
 * off: the free lists and this CPU's list do not change meanwhile. The blocks looked at
 * (pfn rounded down to 2^o, o <= 10) are in the page's unit, which is initialised.
 */
static void describe_page(const struct page *page, unsigned long pfn, char *buf, size_t size)
{
	const struct memblock_region *r;
	const struct page *p;

	if (PageReserved(page)) {
		r = memblock_reserved_region(PFN_PHYS(pfn));
		if (r)
			snprintf(buf, size,
				 "reserved: memblock region \"%s\" [0x%016llx-0x%016llx]", r->name,
				 r->base, r->base + r->size - 1);
		else
			snprintf(buf, size, "reserved");
		return;
	}
	if (PageBuddy(page)) {
		snprintf(buf, size, "free: head of an order-%lu block, pfn 0x%lx-0x%lx",
			 page->private, pfn, pfn + (1UL << page->private) - 1);
		return;
	}
	if (page_ref_count(page) > 0) {
		snprintf(buf, size, "allocated: head of an order-%u block, pfn 0x%lx-0x%lx",
			 page_alloc_order(page), pfn, pfn + (1UL << page_alloc_order(page)) - 1);
		return;
	}
	for (unsigned int o = 1; o < MAX_ORDER; o++) {
		unsigned long head = pfn & ~((1UL << o) - 1);

		p = pfn_to_page(head);
		if (PageBuddy(p) && p->private >= o) {
			snprintf(buf, size,
				 "free: in the order-%lu block at pfn 0x%lx (0x%lx-0x%lx)",
				 p->private, head, head, head + (1UL << p->private) - 1);
			return;
		}
		if (!PageReserved(p) && page_ref_count(p) > 0 && page_alloc_order(p) >= o) {
			snprintf(buf, size,
				 "allocated: in the order-%u block at pfn 0x%lx (0x%lx-0x%lx)",
				 page_alloc_order(p), head, head,
				 head + (1UL << page_alloc_order(p)) - 1);
			return;
		}
	}
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		list_for_each_entry(p, &page_zone(page)->pcp[cpu].list, lru) {
			if (p == page) {
				snprintf(buf, size, "free: on CPU %d's per-CPU list", cpu);
				return;
			}
		}
	}
	snprintf(buf, size, "unknown: refcount 0, in no free or allocated block");
}

/* `page PFN`: the struct page of a pfn, decoded (Linux's dump_page, and where it is). */
void show_page(unsigned long pfn)
{
	char flagbuf[64], state[128];
	struct page *page, copy;
	struct zone *zone;
	unsigned long flags;
	bool deferred;

	if (pfn > PHYS_PFN(__PHYSICAL_MASK)) {
		con_printf("page: pfn 0x%lx is beyond the %d-bit physical address space\n", pfn,
			   __PHYSICAL_MASK_SHIFT);
		return;
	}
	if (!pfn_valid(pfn)) {
		con_printf("page: pfn 0x%lx (pa=0x%016llx) is not RAM: no struct page\n", pfn,
			   PFN_PHYS(pfn));
		return;
	}
	deferred = unit_deferred && (pfn >> UNIT_SHIFT) < nr_units &&
		   unit_test(unit_deferred, pfn >> UNIT_SHIFT);
	page = pfn_to_page_init(pfn);
	if (!page) {
		con_printf("page: no struct pages before mem_init()\n");
		return;
	}
	zone = page_zone(page);
	spin_lock_irqsave(&zone->lock, flags);
	copy = *page;
	describe_page(page, pfn, state, sizeof(state));
	spin_unlock_irqrestore(&zone->lock, flags);

	format_pageflags(copy.flags, flagbuf, sizeof(flagbuf));
	con_printf("page:0x%016lx pfn:0x%lx pa=0x%016llx va=0x%016lx\n", (unsigned long)page, pfn,
		   PFN_PHYS(pfn), (unsigned long)page_address(page));
	con_printf("zone:%s flags:%#lx(%s) refcount:%d", zone->name, copy.flags, flagbuf,
		   copy.refcount);
	if (copy.flags & BIT(PG_buddy))
		con_printf(" order:%lu", copy.private);
	con_printf("\n%s\n", state);
	if (deferred)
		con_printf("(struct pages of this %lu-page unit were deferred: initialised now)\n",
			   UNIT_PAGES);
}
