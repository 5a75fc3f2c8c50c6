/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct page and addresses (Linux's mm.h, page-flags.h, page_ref.h and asm/page.h):
 *
 *   pfn_to_page(pfn)     vmemmap + pfn: the struct page of a page frame (SPARSEMEM_VMEMMAP)
 *   __va(pa)             pa + __PAGE_OFFSET: the direct map
 *   __pa(va)             va - __START_KERNEL_map for the image, va - __PAGE_OFFSET otherwise
 *   page_address(page)   __va of the page's frame; virt_to_page(va) the reverse
 *
 * vmemmap, __va, __pa and mm_zero_struct_page are only defined here when not defined yet,
 * so that tests/host can put struct pages and "physical memory" in ordinary host memory.
 */
#ifndef _LINUX_MM_H
#define _LINUX_MM_H

#include <linux/types.h>
#include <linux/const.h>
#include <linux/string.h>
#include <linux/mm_types.h>
#include <linux/mmzone.h>
#include <asm/page_types.h>

#ifndef BITS_PER_LONG
#define BITS_PER_LONG 64
#endif

#define PFN_UP(x) ((unsigned long)(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT))
#define PFN_DOWN(x) ((unsigned long)((x) >> PAGE_SHIFT))
#define PFN_PHYS(x) ((phys_addr_t)(x) << PAGE_SHIFT)
#define PHYS_PFN(x) ((unsigned long)((x) >> PAGE_SHIFT))

#ifndef vmemmap
#define vmemmap ((struct page *)VMEMMAP_START)
#endif
#define pfn_to_page(pfn) (vmemmap + (pfn))
#define page_to_pfn(page) ((unsigned long)((page)-vmemmap))
#define page_to_phys(page) PFN_PHYS(page_to_pfn(page))

#ifndef __va
#define __va(pa) ((void *)((unsigned long)(pa) + __PAGE_OFFSET))
#endif
#ifndef __pa
static inline unsigned long __phys_addr(unsigned long va)
{
	if (va >= __START_KERNEL_map)
		return va - __START_KERNEL_map;
	return va - __PAGE_OFFSET;
}
#define __pa(va) __phys_addr((unsigned long)(va))
#endif

static inline void *page_address(const struct page *page)
{
	return __va(page_to_phys(page));
}
#define virt_to_pfn(va) PHYS_PFN(__pa(va))
#define virt_to_page(va) pfn_to_page(virt_to_pfn(va))

/* The first thing done to a struct page: its memory is not cleared beforehand. */
#ifndef mm_zero_struct_page
#define mm_zero_struct_page(pp) ((void)memset((pp), 0, sizeof(struct page)))
#endif

/*
 * page->flags: PG_* bits from bit 0; the zone number in the top ZONES_SHIFT bits; below
 * it, on the head page of an allocated block, the order it was allocated with (carto:
 * lets __free_pages() catch a wrong order).
 */
enum pageflags {
	PG_reserved, /* never the buddy's: firmware, the image, memblock allocations, holes */
	PG_buddy, /* head of a free block on a free list; page->private is its order */
	PG_slab, /* owned by the slab allocator */
	PG_table, /* a page-table page */
	__NR_PAGEFLAGS
};
#define ZONES_PGSHIFT (BITS_PER_LONG - ZONES_SHIFT)
#define ZONES_MASK ((1UL << ZONES_SHIFT) - 1)
#define PG_ORDER_BITS 4
#define PG_ORDER_PGSHIFT (ZONES_PGSHIFT - PG_ORDER_BITS)
#define PG_ORDER_MASK ((1UL << PG_ORDER_BITS) - 1)

#define PAGEFLAG(uname, lname)                                   \
	static inline bool Page##uname(const struct page *page)  \
	{                                                        \
		return page->flags & BIT(PG_##lname);            \
	}                                                        \
	static inline void __SetPage##uname(struct page *page)   \
	{                                                        \
		page->flags |= BIT(PG_##lname);                  \
	}                                                        \
	static inline void __ClearPage##uname(struct page *page) \
	{                                                        \
		page->flags &= ~BIT(PG_##lname);                 \
	}
PAGEFLAG(Reserved, reserved)
PAGEFLAG(Buddy, buddy)
PAGEFLAG(Slab, slab)
PAGEFLAG(Table, table)
#undef PAGEFLAG

static inline enum zone_type page_zonenum(const struct page *page)
{
	return (enum zone_type)((page->flags >> ZONES_PGSHIFT) & ZONES_MASK);
}

static inline void set_page_zone(struct page *page, enum zone_type zone)
{
	page->flags &= ~(ZONES_MASK << ZONES_PGSHIFT);
	page->flags |= (unsigned long)zone << ZONES_PGSHIFT;
}

static inline struct zone *page_zone(const struct page *page)
{
	return &contig_page_data.node_zones[page_zonenum(page)];
}

/* Reference count: 1 from alloc_pages(); the block goes back to the buddy at 0. */
static inline int page_ref_count(const struct page *page)
{
	return __atomic_load_n(&page->refcount, __ATOMIC_RELAXED);
}

static inline void set_page_count(struct page *page, int v)
{
	__atomic_store_n(&page->refcount, v, __ATOMIC_RELAXED);
}

static inline void get_page(struct page *page)
{
	__atomic_add_fetch(&page->refcount, 1, __ATOMIC_RELAXED);
}

static inline bool put_page_testzero(struct page *page)
{
	return __atomic_sub_fetch(&page->refcount, 1, __ATOMIC_ACQ_REL) == 0;
}

/* Highest RAM pfn + 1 (Linux's max_pfn), set by mem_init(). */
extern unsigned long max_pfn;

/* pfn is RAM (inside a memblock.memory region): its struct page memory exists. */
bool pfn_valid(unsigned long pfn);
/*
 * The struct page of a valid pfn for looking at it: initialises its deferred unit first
 * (under the zone lock) if the buddy has not done so yet. NULL when !pfn_valid(pfn).
 */
struct page *pfn_to_page_init(unsigned long pfn);

/* Hand memblock's free memory to the buddy; once, after the vmemmap is mapped. */
void mem_init(void);

/* Pages the buddy manages (RAM minus what was reserved at boot), and free now. */
unsigned long totalram_pages(void);
unsigned long nr_free_pages(void);

/* Reports on the console: /proc/buddyinfo, and one struct page decoded (`page PFN`). */
void show_buddyinfo(void);
void show_page(unsigned long pfn);

#endif /* _LINUX_MM_H */
