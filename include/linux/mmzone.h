/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Zones and their free lists (Linux's mmzone.h, one node).
 *
 * Physical memory is split by address into ZONE_DMA (< 16 MiB, ISA DMA), ZONE_DMA32
 * (< 4 GiB, 32-bit devices) and ZONE_NORMAL. Each zone has a buddy allocator: for every
 * order 0..MAX_ORDER-1 a list of free blocks of 2^order pages, aligned to their size,
 * and per-CPU lists of order-0 pages in front of it (struct per_cpu_pages).
 */
#ifndef _LINUX_MMZONE_H
#define _LINUX_MMZONE_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <asm/page_types.h>

#define MAX_ORDER 11 /* orders 0..10: the largest block is 4 MiB */
#define MAX_ORDER_NR_PAGES (1UL << (MAX_ORDER - 1))

/* Zone limits (Linux's asm/dma.h), as the first pfn above the zone. */
#define MAX_DMA_PFN ((16UL << 20) >> PAGE_SHIFT)
#define MAX_DMA32_PFN ((1UL << 32) >> PAGE_SHIFT)

#ifdef __KERNEL__
#include <linux/smp.h>
#else /* tests/host: one CPU */
#define NR_CPUS 64
#define smp_processor_id() 0
#endif

enum zone_type { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, MAX_NR_ZONES };
#define ZONES_SHIFT 2 /* bits of page->flags holding the zone number */

struct free_area {
	struct list_head free_list; /* heads of free blocks of this order (page->lru) */
	unsigned long nr_free; /* free blocks: on free_list, and at order 10 deferred units */
};

/* Order-0 pages kept per CPU: taken and given back to the buddy `batch` at a time. */
struct per_cpu_pages {
	int count; /* pages on list */
	int high; /* drain down by batch when count reaches high */
	int batch; /* refill and drain size */
	struct list_head list;
};

struct zone {
	spinlock_t lock; /* free_area[], free_pages, the deferred-init bitmap of the zone */
	struct free_area free_area[MAX_ORDER];
	unsigned long free_pages; /* in free_area[] (Linux's NR_FREE_PAGES) */
	struct per_cpu_pages pcp[NR_CPUS];
	unsigned long zone_start_pfn;
	unsigned long spanned_pages; /* zone_start_pfn up to the zone's last RAM pfn */
	unsigned long present_pages; /* RAM pages (memblock.memory) in the zone */
	unsigned long managed_pages; /* pages the buddy was given: present - reserved */
	/*
	 * Whole free MAX_ORDER blocks whose struct pages are not initialised yet (deferred
	 * units, mm/page_alloc.c): counted in free_area[MAX_ORDER - 1].nr_free and free_pages,
	 * not on the list; the buddy takes them from the lowest, starting at deferred_cursor.
	 */
	unsigned long deferred_units;
	unsigned long deferred_cursor;
	const char *name;
};

/* The one node (Linux's contig_page_data with !CONFIG_NUMA). */
struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
};
extern struct pglist_data contig_page_data;
#define NODE_DATA(nid) (&contig_page_data)

static inline bool populated_zone(const struct zone *zone)
{
	return zone->present_pages != 0;
}

static inline enum zone_type zone_idx(const struct zone *zone)
{
	return (enum zone_type)(zone - contig_page_data.node_zones);
}

static inline unsigned long zone_end_pfn(const struct zone *zone)
{
	return zone->zone_start_pfn + zone->spanned_pages;
}

static inline unsigned long zone_managed_pages(const struct zone *zone)
{
	return zone->managed_pages;
}

#define for_each_zone(zone)                      \
	for (zone = contig_page_data.node_zones; \
	     zone < contig_page_data.node_zones + MAX_NR_ZONES; zone++)
/* clang-format off */
#define for_each_populated_zone(zone)		\
	for_each_zone(zone)			\
		if (!populated_zone(zone))	\
			;			\
		else
/* clang-format on */

/* Free pages of a zone: its free lists plus its per-CPU lists. */
unsigned long zone_free_pages(const struct zone *zone);

/*
 * Allocator events, counted per CPU (Linux's vm_event_item names, /proc/vmstat): one enum,
 * one name table (vm_event_names[]), summed over CPUs by vm_event_sum().
 */
enum vm_event_item {
	PGALLOC_DMA, /* pages allocated from each zone, in zone order */
	PGALLOC_DMA32,
	PGALLOC_NORMAL,
	PGFREE, /* pages freed */
	PGALLOC_FAIL, /* allocations that found no block (carto) */
	PCP_REFILL, /* per-CPU list refills from the buddy (carto) */
	PCP_DRAIN, /* per-CPU list drains to the buddy (carto) */
	MEMMAP_INIT, /* struct pages initialised, at boot and deferred (carto) */
	DEFERRED_UNIT_INIT, /* MAX_ORDER units initialised after boot (carto) */
	BAD_PAGE, /* bad frees reported and ignored (carto) */
	NR_VM_EVENT_ITEMS
};
extern const char *const vm_event_names[NR_VM_EVENT_ITEMS];
unsigned long vm_event_sum(enum vm_event_item item);

#endif /* _LINUX_MMZONE_H */
