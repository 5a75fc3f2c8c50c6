/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memblock: the boot-time physical memory manager (Linux's mm/memblock.c).
 *
 * Two sorted arrays of disjoint [base, base + size) regions: memblock.memory (RAM, from
 * the boot loader's memory map) and memblock.reserved (in use: the low 1 MiB, the image,
 * boot data, and what memblock_alloc_range() handed out). Free memory is memory minus
 * reserved. carto keeps a short name per reserved region for display; adjacent regions
 * merge only when their names are equal. mem_init() gives the free memory to the buddy
 * allocator, after which memblock only answers questions (pfn_valid, the views).
 */
#ifndef _LINUX_MEMBLOCK_H
#define _LINUX_MEMBLOCK_H

#include <linux/types.h>
#include <asm/page_types.h>

struct mb2_info;

#define INIT_MEMBLOCK_REGIONS 128
#define MEMBLOCK_NAME_LEN 16 /* names longer than 15 characters are cut */
#define PHYS_ADDR_MAX (~(phys_addr_t)0)

/* RAM beyond the direct map (64 TiB) cannot be reached, and is not added. */
#define MAX_PHYSMEM ((phys_addr_t)(LAYOUT_DIRECT_MAP_END - LAYOUT_DIRECT_MAP_START + 1))

struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
	char name[MEMBLOCK_NAME_LEN]; /* reserved regions: who reserved it; memory: "" */
};

struct memblock_type {
	unsigned long cnt;
	unsigned long max;
	phys_addr_t total_size;
	struct memblock_region *regions;
	const char *name;
};

struct memblock {
	struct memblock_type memory;
	struct memblock_type reserved;
	bool frozen; /* mem_init() ran: the buddy owns the free memory */
};
extern struct memblock memblock;

/*
 * The boot loader's memory map as it came (Linux's e820_table_firmware): non-empty
 * entries sorted by address, overlaps kept, for display. Types are multiboot2's, which are
 * e820's: 1 usable, 2 reserved, 3 ACPI data, 4 ACPI NVS, 5 unusable.
 */
#define E820_MAX_ENTRIES 128
struct e820_entry {
	u64 addr;
	u64 size;
	u32 type;
};
struct e820_table {
	u32 nr_entries;
	struct e820_entry entries[E820_MAX_ENTRIES];
};
extern struct e820_table e820_table_firmware;

/*
 * From the multiboot2 memory map: record every entry, add the available (type 1) ranges
 * to memblock.memory minus every other type's ranges, trim to whole pages, drop RAM above
 * MAX_PHYSMEM. Returns 0, or -ENOENT when there is no RAM.
 */
int memblock_init_from_mb2(const struct mb2_info *info);

/* 0, or -ENOMEM when the region arrays are full, -EBUSY after mem_init() (nothing done). */
int memblock_add(phys_addr_t base, phys_addr_t size);
int memblock_remove(phys_addr_t base, phys_addr_t size);
int memblock_reserve(phys_addr_t base, phys_addr_t size, const char *name);
int memblock_free(phys_addr_t base, phys_addr_t size);

/*
 * Allocate size bytes aligned to align (a power of two) from free memory inside
 * [start, end), the highest such address first, and reserve them (as "memblock", or as
 * name). Returns the physical address, or 0 on failure: the caller panics. The memory is
 * not cleared.
 */
phys_addr_t memblock_alloc_range(phys_addr_t size, phys_addr_t align, phys_addr_t start,
				 phys_addr_t end);
phys_addr_t memblock_alloc_range_name(phys_addr_t size, phys_addr_t align, phys_addr_t start,
				      phys_addr_t end, const char *name);

phys_addr_t memblock_phys_mem_size(void);
phys_addr_t memblock_reserved_size(void);
phys_addr_t memblock_start_of_RAM(void);
phys_addr_t memblock_end_of_RAM(void); /* first byte past the last RAM region */
bool memblock_is_memory(phys_addr_t addr);
bool memblock_is_reserved(phys_addr_t addr);
/* The whole range is memory (resp. some byte of it is reserved). */
bool memblock_is_region_memory(phys_addr_t base, phys_addr_t size);
bool memblock_is_region_reserved(phys_addr_t base, phys_addr_t size);
/* The reserved region containing addr, or NULL. */
const struct memblock_region *memblock_reserved_region(phys_addr_t addr);

/* After mem_init(): allocations fail, changes are refused. */
void memblock_freeze(void);

/* The `memblock` view: the firmware map as Linux prints it, then memory and reserved. */
void memblock_dump(void);

/* Iterators. */
#define for_each_memblock(memblock_type, region)      \
	for (region = memblock.memblock_type.regions; \
	     region < memblock.memblock_type.regions + memblock.memblock_type.cnt; region++)

bool __next_mem_range(u64 *idx, struct memblock_type *type, phys_addr_t *out_start,
		      phys_addr_t *out_end);
bool __next_free_mem_range(u64 *idx, phys_addr_t *out_start, phys_addr_t *out_end);

/* Every memory region as [*p_start, *p_end). */
#define for_each_mem_range(i, p_start, p_end) \
	for (i = 0; __next_mem_range(&i, &memblock.memory, p_start, p_end);)
/* Every reserved region as [*p_start, *p_end). */
#define for_each_reserved_mem_range(i, p_start, p_end) \
	for (i = 0; __next_mem_range(&i, &memblock.reserved, p_start, p_end);)
/* Free memory (memory minus reserved) as maximal ranges [*p_start, *p_end), ascending. */
#define for_each_free_mem_range(i, p_start, p_end) \
	for (i = 0; __next_free_mem_range(&i, p_start, p_end);)

#endif /* _LINUX_MEMBLOCK_H */
