// SPDX-License-Identifier: GPL-2.0
/*
 * Suite mm_memblock: memblock as boot left it. Reserved memory covers the low 1 MiB and
 * the kernel image; memory is the firmware map's usable entries, page-aligned; the arrays
 * are sorted and consistent; after mem_init() memblock refuses to allocate.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/printk.h>
#include <linux/ktest.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <carto/multiboot2.h>

extern const char _text[], _end[];

/* Every byte of [base, base + size) lies in some reserved region. */
static bool reserved_covers(phys_addr_t base, phys_addr_t size)
{
	phys_addr_t pos = base, end = base + size;
	struct memblock_region *r;

	for_each_memblock(reserved, r) {
		if (r->base > pos)
			break;
		if (r->base + r->size > pos)
			pos = r->base + r->size;
		if (pos >= end)
			return true;
	}
	return pos >= end;
}

static void mm_memblock_reserved_boot(struct ktest *t)
{
	phys_addr_t text = __pa_symbol(_text), end = __pa_symbol(_end);

	KTEST_EXPECT_TRUE(t, reserved_covers(0, 1UL << 20));
	KTEST_EXPECT_TRUE(t, reserved_covers(text, end - text));
	KTEST_EXPECT_TRUE(t, memblock_reserved_region(text) != NULL);
	KTEST_EXPECT_EQ(t, text, LOAD_PHYSICAL_ADDR);
}

/*
 * The usable entries of the firmware map, each trimmed to whole pages, touching ones
 * merged, below MAX_PHYSMEM: exactly memblock.memory. (Assumes the firmware lists no
 * reserved range over a usable one, as QEMU and real BIOSes do.)
 */
static void mm_memblock_memory_is_usable(struct ktest *t)
{
	const struct memblock_type *m = &memblock.memory;
	phys_addr_t cur_base = 0, cur_end = 0;
	unsigned long n = 0;

	KTEST_EXPECT_TRUE(t, e820_table_firmware.nr_entries > 0);
	for (u32 i = 0; i <= e820_table_firmware.nr_entries; i++) {
		const struct e820_entry *e = &e820_table_firmware.entries[i];
		phys_addr_t base = 0, end = 0;

		if (i < e820_table_firmware.nr_entries) {
			if (e->type != MB2_MEMORY_AVAILABLE)
				continue;
			base = ALIGN(e->addr, PAGE_SIZE);
			end = min(ALIGN_DOWN(e->addr + e->size, PAGE_SIZE), MAX_PHYSMEM);
			if (end <= base)
				continue;
			if (base == cur_end && cur_end) {
				cur_end = end;
				continue;
			}
		}
		if (cur_end) {
			KTEST_EXPECT_TRUE(t, n < m->cnt);
			if (n < m->cnt) {
				KTEST_EXPECT_EQ(t, m->regions[n].base, cur_base);
				KTEST_EXPECT_EQ(t, m->regions[n].base + m->regions[n].size,
						cur_end);
			}
			n++;
		}
		cur_base = base;
		cur_end = end;
	}
	KTEST_EXPECT_EQ(t, n, m->cnt);
}

/* Sorted, disjoint, totals right; memory page-aligned and never touching. */
static void mm_memblock_consistent(struct ktest *t)
{
	const struct memblock_type *types[] = { &memblock.memory, &memblock.reserved };

	for (unsigned int k = 0; k < ARRAY_SIZE(types); k++) {
		const struct memblock_type *type = types[k];
		phys_addr_t total = 0;

		for (unsigned long i = 0; i < type->cnt; i++) {
			const struct memblock_region *r = &type->regions[i];

			KTEST_EXPECT_TRUE(t, r->size > 0);
			total += r->size;
			if (i)
				KTEST_EXPECT_TRUE(t, r[-1].base + r[-1].size <= r->base);
			if (type == &memblock.memory) {
				KTEST_EXPECT_TRUE(t, IS_ALIGNED(r->base | r->size, PAGE_SIZE));
				KTEST_EXPECT_TRUE(t, !i || r[-1].base + r[-1].size < r->base);
			}
		}
		KTEST_EXPECT_EQ(t, total, type->total_size);
	}
	KTEST_EXPECT_EQ(t, memblock_phys_mem_size(), memblock.memory.total_size);
	KTEST_EXPECT_EQ(t, memblock_end_of_RAM(),
			memblock.memory.regions[memblock.memory.cnt - 1].base +
				memblock.memory.regions[memblock.memory.cnt - 1].size);
	KTEST_EXPECT_EQ(t, max_pfn, PFN_DOWN(memblock_end_of_RAM()));
}

/* Free ranges are memory and not reserved; the buddy got exactly their whole pages. */
static void mm_memblock_free_ranges(struct ktest *t)
{
	unsigned long pages = 0;
	phys_addr_t s, e;
	u64 i;

	for_each_free_mem_range(i, &s, &e) {
		KTEST_EXPECT_TRUE(t, memblock_is_region_memory(s, e - s));
		KTEST_EXPECT_TRUE(t, !memblock_is_region_reserved(s, e - s));
		if (PFN_DOWN(e) > PFN_UP(s))
			pages += PFN_DOWN(e) - PFN_UP(s);
	}
	KTEST_EXPECT_EQ(t, pages, totalram_pages());
}

/* After mem_init() the buddy owns free memory: memblock says no. */
static void mm_memblock_frozen(struct ktest *t)
{
	KTEST_EXPECT_TRUE(t, memblock.frozen);
	con_printf("        # a refused memblock allocation on purpose:\n");
	KTEST_EXPECT_EQ(t, memblock_alloc_range(PAGE_SIZE, PAGE_SIZE, 0, memblock_end_of_RAM()), 0);
	KTEST_EXPECT_EQ(t, memblock_reserve(0, PAGE_SIZE, "late"), -EBUSY);
}

static const struct ktest_case mm_memblock_cases[] = {
	KTEST_CASE(mm_memblock_reserved_boot), KTEST_CASE(mm_memblock_memory_is_usable),
	KTEST_CASE(mm_memblock_consistent),    KTEST_CASE(mm_memblock_free_ranges),
	KTEST_CASE(mm_memblock_frozen),	       {}
};

static const struct ktest_suite mm_memblock_suite = {
	.name = "mm_memblock",
	.cases = mm_memblock_cases,
};
KTEST_SUITE(mm_memblock_suite);
