// SPDX-License-Identifier: GPL-2.0
/*
 * memblock: physical memory at boot, before the buddy allocator (Linux's mm/memblock.c).
 *
 * memblock.memory and memblock.reserved are sorted arrays of disjoint regions. Adding a
 * range inserts only the parts no region covers yet (an overlap keeps the existing
 * region, and its name), then merges neighbours that touch and have the same name.
 * Removing a range first splits the regions straddling its ends ("isolates" it), then
 * deletes the regions inside. Every change checks for room first, so a full array leaves
 * the arrays as they were and returns -ENOMEM.
 */
#define pr_fmt(fmt) "memblock: " fmt
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/printk.h>
#include <linux/errno.h>
#include <linux/memblock.h>
#include <carto/multiboot2.h>

static struct memblock_region memory_regions[INIT_MEMBLOCK_REGIONS];
static struct memblock_region reserved_regions[INIT_MEMBLOCK_REGIONS];

struct memblock memblock = {
	.memory = { .max = INIT_MEMBLOCK_REGIONS, .regions = memory_regions, .name = "memory" },
	.reserved = { .max = INIT_MEMBLOCK_REGIONS,
		      .regions = reserved_regions,
		      .name = "reserved" },
};

struct e820_table e820_table_firmware;

/* The largest size that keeps base + size from wrapping. */
static phys_addr_t memblock_cap_size(phys_addr_t base, phys_addr_t size)
{
	return min(size, PHYS_ADDR_MAX - base);
}

static void memblock_set_name(struct memblock_region *r, const char *name)
{
	size_t i = 0;

	if (name)
		for (; i < MEMBLOCK_NAME_LEN - 1 && name[i]; i++)
			r->name[i] = name[i];
	r->name[i] = '\0';
}

static bool memblock_same_name(const struct memblock_region *a, const struct memblock_region *b)
{
	return !strncmp(a->name, b->name, MEMBLOCK_NAME_LEN);
}

/* Insert [base, base + size) at index idx; the caller checked there is room. */
static void memblock_insert_region(struct memblock_type *type, unsigned long idx, phys_addr_t base,
				   phys_addr_t size, const char *name)
{
	struct memblock_region *r = &type->regions[idx];

	memmove(r + 1, r, (type->cnt - idx) * sizeof(*r));
	r->base = base;
	r->size = size;
	memblock_set_name(r, name);
	type->cnt++;
	type->total_size += size;
}

static void memblock_remove_region(struct memblock_type *type, unsigned long idx)
{
	struct memblock_region *r = &type->regions[idx];

	type->total_size -= r->size;
	memmove(r, r + 1, (type->cnt - idx - 1) * sizeof(*r));
	type->cnt--;
}

/* Merge each pair of neighbouring regions that touch and have the same name. */
static void memblock_merge_regions(struct memblock_type *type)
{
	unsigned long i = 0;

	while (i + 1 < type->cnt) {
		struct memblock_region *this = &type->regions[i], *next = this + 1;

		if (this->base + this->size != next->base || !memblock_same_name(this, next)) {
			i++;
			continue;
		}
		this->size += next->size;
		memmove(next, next + 1, (type->cnt - i - 2) * sizeof(*next));
		type->cnt--;
	}
}

/*
 * memblock_add_range - add the parts of [base, base + size) no region of type covers
 * yet, named name. Two passes over the same walk: the first counts the new regions (and
 * gives up with -ENOMEM if they do not fit), the second inserts them.
 */
static int memblock_add_range(struct memblock_type *type, phys_addr_t base, phys_addr_t size,
			      const char *name)
{
	unsigned long i, nr_new = 0;
	phys_addr_t end, pos;

	if (memblock.frozen)
		return -EBUSY;
	size = memblock_cap_size(base, size);
	if (!size)
		return 0;
	end = base + size;
	for (int insert = 0; insert < 2; insert++) {
		pos = base;
		for (i = 0; i < type->cnt && pos < end; i++) {
			phys_addr_t rbase = type->regions[i].base;
			phys_addr_t rend = rbase + type->regions[i].size;

			if (rbase >= end)
				break;
			if (rend <= pos)
				continue;
			if (rbase > pos) {
				if (insert)
					memblock_insert_region(type, i++, pos, rbase - pos, name);
				else
					nr_new++;
			}
			pos = rend;
		}
		if (pos < end) {
			if (insert)
				memblock_insert_region(type, i, pos, end - pos, name);
			else
				nr_new++;
		}
		if (!insert && type->cnt + nr_new > type->max) {
			pr_err("%s: no room for [0x%016llx-0x%016llx] (%lu regions)\n", type->name,
			       base, end - 1, type->cnt);
			return -ENOMEM;
		}
	}
	memblock_merge_regions(type);
	return 0;
}

/*
 * memblock_isolate_range - split the regions of type straddling base or base + size, so
 * that the range is covered by whole regions: [*start_rgn, *end_rgn). 0, or -ENOMEM.
 */
static int memblock_isolate_range(struct memblock_type *type, phys_addr_t base, phys_addr_t size,
				  unsigned long *start_rgn, unsigned long *end_rgn)
{
	phys_addr_t end = base + memblock_cap_size(base, size);
	unsigned long i, nr_split = 0;

	*start_rgn = *end_rgn = 0;
	for (i = 0; i < type->cnt; i++) {
		phys_addr_t rbase = type->regions[i].base;
		phys_addr_t rend = rbase + type->regions[i].size;

		nr_split += rbase < base && base < rend;
		nr_split += rbase < end && end < rend;
	}
	if (type->cnt + nr_split > type->max) {
		pr_err("%s: no room to split at [0x%016llx-0x%016llx]\n", type->name, base,
		       end - 1);
		return -ENOMEM;
	}
	for (i = 0; i < type->cnt; i++) {
		struct memblock_region *r = &type->regions[i];
		phys_addr_t rbase = r->base, rend = r->base + r->size;
		char name[MEMBLOCK_NAME_LEN];

		if (rbase >= end)
			break;
		if (rend <= base)
			continue;
		memcpy(name, r->name, sizeof(name));
		if (rbase < base) {
			/* [rbase, base) stays; [base, rend) is looked at next. */
			r->size = base - rbase;
			type->total_size -= rend - base;
			memblock_insert_region(type, i + 1, base, rend - base, name);
			continue;
		}
		if (rend > end) {
			r->size = end - rbase;
			type->total_size -= rend - end;
			memblock_insert_region(type, i + 1, end, rend - end, name);
		}
		if (*end_rgn == 0)
			*start_rgn = i;
		*end_rgn = i + 1;
	}
	return 0;
}

static int memblock_remove_range(struct memblock_type *type, phys_addr_t base, phys_addr_t size)
{
	unsigned long start_rgn, end_rgn;
	int err;

	if (memblock.frozen)
		return -EBUSY;
	if (!memblock_cap_size(base, size))
		return 0;
	err = memblock_isolate_range(type, base, size, &start_rgn, &end_rgn);
	if (err)
		return err;
	while (end_rgn > start_rgn)
		memblock_remove_region(type, --end_rgn);
	return 0;
}

int memblock_add(phys_addr_t base, phys_addr_t size)
{
	return memblock_add_range(&memblock.memory, base, size, NULL);
}

int memblock_remove(phys_addr_t base, phys_addr_t size)
{
	return memblock_remove_range(&memblock.memory, base, size);
}

int memblock_reserve(phys_addr_t base, phys_addr_t size, const char *name)
{
	return memblock_add_range(&memblock.reserved, base, size, name);
}

int memblock_free(phys_addr_t base, phys_addr_t size)
{
	return memblock_remove_range(&memblock.reserved, base, size);
}

void memblock_freeze(void)
{
	memblock.frozen = true;
}

bool __next_mem_range(u64 *idx, struct memblock_type *type, phys_addr_t *out_start,
		      phys_addr_t *out_end)
{
	if (*idx >= type->cnt)
		return false;
	*out_start = type->regions[*idx].base;
	*out_end = type->regions[*idx].base + type->regions[*idx].size;
	(*idx)++;
	return true;
}

/*
 * __next_free_mem_range - the next piece of memory not reserved. *idx packs two cursors:
 * the low 32 bits index memblock.memory, the high 32 bits the gaps between reserved
 * regions (gap b lies between reserved region b - 1 and region b). Both lists are sorted,
 * so each step advances whichever of the two intersecting ranges ends first.
 */
bool __next_free_mem_range(u64 *idx, phys_addr_t *out_start, phys_addr_t *out_end)
{
	struct memblock_type *mem = &memblock.memory, *rsv = &memblock.reserved;
	unsigned long a = (u32)*idx, b = (u32)(*idx >> 32);

	for (; a < mem->cnt; a++) {
		phys_addr_t m_start = mem->regions[a].base;
		phys_addr_t m_end = m_start + mem->regions[a].size;

		for (; b <= rsv->cnt; b++) {
			phys_addr_t r_start =
				b ? rsv->regions[b - 1].base + rsv->regions[b - 1].size : 0;
			phys_addr_t r_end = b < rsv->cnt ? rsv->regions[b].base : PHYS_ADDR_MAX;

			if (r_start >= m_end)
				break;
			if (m_start >= r_end || r_start == r_end) /* touching reserved regions */
				continue;
			*out_start = max(m_start, r_start);
			*out_end = min(m_end, r_end);
			if (m_end <= r_end)
				a++;
			else
				b++;
			*idx = (u64)b << 32 | a;
			return true;
		}
	}
	*idx = (u64)b << 32 | a;
	return false;
}

phys_addr_t memblock_alloc_range_name(phys_addr_t size, phys_addr_t align, phys_addr_t start,
				      phys_addr_t end, const char *name)
{
	phys_addr_t s, e, cand, found = 0;
	u64 i;

	if (memblock.frozen) {
		pr_err("alloc of %llu bytes after mem_init(): use the page allocator\n", size);
		return 0;
	}
	if (!size || (align & (align - 1)))
		return 0;
	align = max(align, (phys_addr_t)1);
	start = max(start, (phys_addr_t)PAGE_SIZE); /* 0 means failure: never hand it out */
	for_each_free_mem_range(i, &s, &e) {
		s = max(s, start);
		e = min(e, end);
		if (s >= e || e - s < size)
			continue;
		cand = ALIGN_DOWN(e - size, align);
		if (cand >= s)
			found = cand; /* ranges ascend: the last fit is the highest */
	}
	if (!found || memblock_reserve(found, size, name))
		return 0;
	return found;
}

phys_addr_t memblock_alloc_range(phys_addr_t size, phys_addr_t align, phys_addr_t start,
				 phys_addr_t end)
{
	return memblock_alloc_range_name(size, align, start, end, "memblock");
}

phys_addr_t memblock_phys_mem_size(void)
{
	return memblock.memory.total_size;
}

phys_addr_t memblock_reserved_size(void)
{
	return memblock.reserved.total_size;
}

phys_addr_t memblock_start_of_RAM(void)
{
	return memblock.memory.cnt ? memblock.memory.regions[0].base : 0;
}

phys_addr_t memblock_end_of_RAM(void)
{
	const struct memblock_type *m = &memblock.memory;

	return m->cnt ? m->regions[m->cnt - 1].base + m->regions[m->cnt - 1].size : 0;
}

/* Binary search: the index of the region of type containing addr, or -1. */
static long memblock_search(const struct memblock_type *type, phys_addr_t addr)
{
	unsigned long lo = 0, hi = type->cnt;

	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;
		const struct memblock_region *r = &type->regions[mid];

		if (addr < r->base)
			hi = mid;
		else if (addr - r->base >= r->size)
			lo = mid + 1;
		else
			return (long)mid;
	}
	return -1;
}

bool memblock_is_memory(phys_addr_t addr)
{
	return memblock_search(&memblock.memory, addr) >= 0;
}

bool memblock_is_reserved(phys_addr_t addr)
{
	return memblock_search(&memblock.reserved, addr) >= 0;
}

bool memblock_is_region_memory(phys_addr_t base, phys_addr_t size)
{
	long i = memblock_search(&memblock.memory, base);
	const struct memblock_region *r;

	if (i < 0)
		return false;
	r = &memblock.memory.regions[i];
	return base + memblock_cap_size(base, size) <= r->base + r->size;
}

bool memblock_is_region_reserved(phys_addr_t base, phys_addr_t size)
{
	phys_addr_t end = base + memblock_cap_size(base, size);
	const struct memblock_region *r;

	for_each_memblock(reserved, r)
		if (r->base < end && base < r->base + r->size)
			return true;
	return false;
}

const struct memblock_region *memblock_reserved_region(phys_addr_t addr)
{
	long i = memblock_search(&memblock.reserved, addr);

	return i >= 0 ? &memblock.reserved.regions[i] : NULL;
}

/* ---------------------------------------------------------------- the firmware map */

/* Record one entry, keeping the table sorted by address (ties keep the loader's order). */
static void e820_record(u64 addr, u64 size, u32 type)
{
	struct e820_table *t = &e820_table_firmware;
	u32 i;

	size = min(size, ~(u64)0 - addr);
	if (!size)
		return;
	if (t->nr_entries == E820_MAX_ENTRIES) {
		pr_warn("firmware map full: entry [mem 0x%016llx-0x%016llx] type %u ignored\n",
			addr, addr + size - 1, type);
		return;
	}
	for (i = t->nr_entries; i > 0 && t->entries[i - 1].addr > addr; i--)
		t->entries[i] = t->entries[i - 1];
	t->entries[i] = (struct e820_entry){ .addr = addr, .size = size, .type = type };
	t->nr_entries++;
}

/* Linux's e820_print_type() words. */
static void e820_print_type(u32 type, bool console)
{
	static const char *const names[] = {
		[MB2_MEMORY_AVAILABLE] = "usable",
		[MB2_MEMORY_RESERVED] = "reserved",
		[MB2_MEMORY_ACPI_RECLAIMABLE] = "ACPI data",
		[MB2_MEMORY_NVS] = "ACPI NVS",
		[MB2_MEMORY_BADRAM] = "unusable",
	};
	const char *name = type < ARRAY_SIZE(names) ? names[type] : NULL;

	if (console && name)
		con_printf("%s\n", name);
	else if (console)
		con_printf("type %u\n", type);
	else if (name)
		pr_cont("%s\n", name);
	else
		pr_cont("type %u\n", type);
}

static void e820_print_table(bool console)
{
	const struct e820_table *t = &e820_table_firmware;

	for (u32 i = 0; i < t->nr_entries; i++) {
		const struct e820_entry *e = &t->entries[i];

		if (console)
			con_printf("BIOS-e820: [mem 0x%016llx-0x%016llx] ", e->addr,
				   e->addr + e->size - 1);
		else
			printk(KERN_INFO "BIOS-e820: [mem 0x%016llx-0x%016llx] ", e->addr,
			       e->addr + e->size - 1);
		e820_print_type(e->type, console);
	}
}

/* Shrink every memory region to the whole pages inside it; drop those with none. */
static void memblock_trim_memory(void)
{
	struct memblock_type *m = &memblock.memory;

	for (unsigned long i = m->cnt; i-- > 0;) {
		struct memblock_region *r = &m->regions[i];
		phys_addr_t base = ALIGN(r->base, PAGE_SIZE);
		phys_addr_t end = ALIGN_DOWN(r->base + r->size, PAGE_SIZE);

		if (r->base > PHYS_ADDR_MAX - (PAGE_SIZE - 1) || end <= base) {
			memblock_remove_region(m, i);
			continue;
		}
		m->total_size -= r->size - (end - base);
		r->base = base;
		r->size = end - base;
	}
}

/* No memory map: the basic meminfo tag's two ranges (KiB below 640K, KiB above 1M). */
static void e820_from_meminfo(const struct mb2_info *info)
{
	pr_warn("no memory map from the boot loader: using its basic meminfo\n");
	e820_record(0, (u64)info->mem_lower << 10, MB2_MEMORY_AVAILABLE);
	e820_record(1ULL << 20, (u64)info->mem_upper << 10, MB2_MEMORY_AVAILABLE);
}

/*
 * memblock_init_from_mb2 - memblock.memory from the boot loader's memory map. The
 * firmware's types are e820's: only type 1 (available) is RAM. Entries may come in any
 * order and overlap: RAM is the union of the available ranges minus the union of all the
 * other ranges, so a byte some entry calls reserved is never RAM. Then partial pages are
 * dropped, and RAM above MAX_PHYSMEM, which the direct map cannot reach.
 */
int memblock_init_from_mb2(const struct mb2_info *info)
{
	const struct e820_table *t = &e820_table_firmware;
	const struct mb2_mmap_entry *me;
	phys_addr_t total;
	u32 i;

	memblock.memory.cnt = 0;
	memblock.memory.total_size = 0;
	e820_table_firmware.nr_entries = 0;
	for (i = 0; (me = mb2_mmap_entry(info, i)); i++)
		e820_record(me->base_addr, me->length, me->type);
	if (!info->mmap && info->has_meminfo)
		e820_from_meminfo(info);

	for (i = 0; i < t->nr_entries; i++)
		if (t->entries[i].type == MB2_MEMORY_AVAILABLE)
			memblock_add(t->entries[i].addr, t->entries[i].size);
	for (i = 0; i < t->nr_entries; i++)
		if (t->entries[i].type != MB2_MEMORY_AVAILABLE)
			memblock_remove(t->entries[i].addr, t->entries[i].size);
	memblock_trim_memory();

	total = memblock_phys_mem_size();
	memblock_remove(MAX_PHYSMEM, PHYS_ADDR_MAX - MAX_PHYSMEM);
	if (memblock_phys_mem_size() != total)
		pr_warn("ignoring %llu MiB of RAM above %llu TiB (the size of the direct map)\n",
			(total - memblock_phys_mem_size()) >> 20, MAX_PHYSMEM >> 40);

	printk(KERN_INFO "BIOS-provided physical RAM map:\n");
	e820_print_table(false);
	if (!memblock.memory.cnt) {
		pr_err("no RAM in the boot loader's memory map\n");
		return -ENOENT;
	}
	return 0;
}

/* ---------------------------------------------------------------- the view */

static void memblock_dump_type(const struct memblock_type *type)
{
	const struct memblock_region *r = type->regions;

	con_printf("%s: %lu regions, total 0x%016llx (%lluK)\n", type->name, type->cnt,
		   type->total_size, type->total_size >> 10);
	for (unsigned long i = 0; i < type->cnt; i++, r++) {
		con_printf("%4lu: 0x%016llx..0x%016llx%s%s\n", i, r->base, r->base + r->size - 1,
			   r->name[0] ? " " : "", r->name);
	}
}

/*
 * `memblock`: the firmware map as Linux's e820 prints it, then memblock.memory and
 * memblock.reserved as Linux's debugfs memblock files list them ("%4d: %pa..%pa",
 * inclusive ends), reserved regions followed by their names.
 */
void memblock_dump(void)
{
	e820_print_table(true);
	memblock_dump_type(&memblock.memory);
	memblock_dump_type(&memblock.reserved);
}
