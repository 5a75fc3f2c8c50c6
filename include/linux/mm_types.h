/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct page: one per physical page frame, in the virtual memory map at VMEMMAP_START
 * (pfn_to_page(pfn) == vmemmap + pfn). 64 bytes, as Linux's.
 */
#ifndef _LINUX_MM_TYPES_H
#define _LINUX_MM_TYPES_H

#include <linux/types.h>
#include <linux/list.h>

struct page {
	unsigned long flags; /* PG_* bits, and the zone number in the top bits */
	struct list_head lru; /* free lists (buddy), per-CPU lists, slab lists */
	unsigned long private; /* buddy: the order of a free block's head */
	void *slab_cache; /* owner when the page belongs to slab (later issues) */
	void *freelist;
	int refcount;
	int mapcount;
	unsigned long pad;
};

#endif /* _LINUX_MM_TYPES_H */
