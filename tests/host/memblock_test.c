// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for mm/memblock.c, built with ASan and UBSan over tests/host/kernel_stub.h.
 *
 * Hand-built multiboot2 memory maps (a QEMU map; unsorted and overlapping entries; every
 * type; RAM above the direct map's reach; zero-length and unaligned entries) checked
 * region by region; memblock_alloc_range() against its bounds, alignment and the
 * reservations; then random operations checked after each one against a bitmap model:
 * the regions must be exactly the maximal runs of the model's cells.
 */
#include "kernel_stub.h"
#include "../../lib/multiboot2.c"
#undef pr_fmt
#include "../../mm/memblock.c"

/* Tables of ranges leave the name out when it does not matter. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define MIB (1ULL << 20)
#define GIB (1ULL << 30)

/* Forget everything, as before memblock_init_from_mb2() at boot. */
static void reset(void)
{
	memblock.memory.cnt = memblock.reserved.cnt = 0;
	memblock.memory.total_size = memblock.reserved.total_size = 0;
	memblock.frozen = false;
	e820_table_firmware.nr_entries = 0;
	host_log_clear(&host_printk);
	host_log_clear(&host_console);
}

struct range {
	u64 base, end; /* [base, end) */
	const char *name;
};

/* The regions of type equal want[] (n of them), names included when given. */
static bool regions_are(const struct memblock_type *type, const struct range *want, unsigned long n,
			int line)
{
	bool ok = type->cnt == n;
	u64 total = 0;

	for (unsigned long i = 0; ok && i < n; i++) {
		const struct memblock_region *r = &type->regions[i];

		ok = r->base == want[i].base && r->base + r->size == want[i].end &&
		     (!want[i].name || !strcmp(r->name, want[i].name));
		total += want[i].end - want[i].base;
	}
	ok = ok && type->total_size == total;
	if (!check(ok, "regions as expected", __FILE__, line)) {
		printf("     %s has %lu regions, total 0x%llx:\n", type->name, type->cnt,
		       type->total_size);
		for (unsigned long i = 0; i < type->cnt; i++)
			printf("       [0x%llx, 0x%llx) %s\n", type->regions[i].base,
			       type->regions[i].base + type->regions[i].size,
			       type->regions[i].name);
		printf("     want %lu:\n", n);
		for (unsigned long i = 0; i < n; i++)
			printf("       [0x%llx, 0x%llx) %s\n", want[i].base, want[i].end,
			       want[i].name ? want[i].name : "");
	}
	return ok;
}

#define CHECK_REGIONS(type, ...)                                                 \
	do {                                                                     \
		static const struct range _want[] = { __VA_ARGS__ };             \
		regions_are(&memblock.type, _want, ARRAY_SIZE(_want), __LINE__); \
	} while (0)
#define CHECK_NO_REGIONS(type) regions_are(&memblock.type, NULL, 0, __LINE__)

/* ---------------------------------------------------------------- multiboot2 maps */

struct map_entry {
	u64 base, len;
	u32 type;
};

/* A multiboot2 info with only an mmap tag, as mb2_parse() would describe it. */
struct fake_mb2 {
	struct mb2_info info;
	u8 *tag;
};

static void fake_mb2_build(struct fake_mb2 *f, const struct map_entry *e, unsigned int n)
{
	struct mb2_tag_mmap *t;

	memset(f, 0, sizeof(*f));
	f->tag = calloc(1, sizeof(*t) + n * sizeof(struct mb2_mmap_entry));
	t = (struct mb2_tag_mmap *)f->tag;
	t->hdr.type = MB2_TAG_MMAP;
	t->hdr.size = sizeof(*t) + n * sizeof(struct mb2_mmap_entry);
	t->entry_size = sizeof(struct mb2_mmap_entry);
	for (unsigned int i = 0; i < n; i++) {
		struct mb2_mmap_entry me = { .base_addr = e[i].base,
					     .length = e[i].len,
					     .type = e[i].type };

		memcpy(t->entries + i * sizeof(me), &me, sizeof(me));
	}
	f->info.mmap = t;
	f->info.nr_mmap = n;
}

/* Reset, then memblock_init_from_mb2() over these entries; returns its result. */
static int init_from(const struct map_entry *e, unsigned int n)
{
	struct fake_mb2 f;
	int ret;

	reset();
	fake_mb2_build(&f, e, n);
	ret = memblock_init_from_mb2(&f.info);
	free(f.tag);
	return ret;
}

#define INIT_FROM(...)                                                \
	({                                                            \
		static const struct map_entry _e[] = { __VA_ARGS__ }; \
		init_from(_e, ARRAY_SIZE(_e));                        \
	})

/* QEMU's map at -m 512M (SeaBIOS), as GRUB passes it on. */
static void test_qemu_map(void)
{
	CHECK_EQ(INIT_FROM({ 0x0, 0x9fc00, 1 }, { 0x9fc00, 0x400, 2 }, { 0xf0000, 0x10000, 2 },
			   { 0x100000, 0x1fee0000, 1 }, { 0x1ffe0000, 0x20000, 2 },
			   { 0xfeffc000, 0x4000, 2 }, { 0xfffc0000, 0x40000, 2 }),
		 0);
	CHECK_REGIONS(memory, { 0x0, 0x9f000 }, { 0x100000, 0x1ffe0000 });
	CHECK_NO_REGIONS(reserved);
	CHECK_EQ(memblock_phys_mem_size(), 0x9f000 + 0x1fee0000);
	CHECK_EQ(memblock_end_of_RAM(), 0x1ffe0000);
	CHECK_EQ(memblock_start_of_RAM(), 0);
	CHECK_EQ(e820_table_firmware.nr_entries, 7);

	/* The boot log and the view print Linux's e820 lines. */
	CHECK(strstr(host_printk.buf,
		     "BIOS-provided physical RAM map:\n"
		     "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
		     "BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"));
	memblock_reserve(0, MIB, "low 1M");
	memblock_reserve(0x1000000, 0x234567, "kernel");
	host_log_clear(&host_console);
	memblock_dump();
	CHECK(strstr(host_console.buf,
		     "BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved\n"
		     "memory: 2 regions, total 0x000000001ff7f000 (523772K)\n"
		     "   0: 0x0000000000000000..0x000000000009efff\n"
		     "   1: 0x0000000000100000..0x000000001ffdffff\n"
		     "reserved: 2 regions, total 0x0000000000334567 (3281K)\n"
		     "   0: 0x0000000000000000..0x00000000000fffff low 1M\n"
		     "   1: 0x0000000001000000..0x0000000001234566 kernel\n"));
	if (failed)
		fputs(host_console.buf, stdout);
}

/* Out of order, overlapping, every type: RAM is available minus everything else. */
static void test_unsorted_overlapping(void)
{
	CHECK_EQ(INIT_FROM({ 0x600000, 0x100000, 1 }, /* touches the next one */
			   { 0x400000, 0x1000, 2 }, /* a hole in RAM */
			   { 0x200000, 0x400000, 1 }, /* overlaps the one after */
			   { 0x100000, 0x200000, 1 },
			   { 0x6ff800, 0x1000, 3 }, /* ACPI data over RAM's end, unaligned */
			   { 0x150000, 0x10000, 4 }, /* ACPI NVS */
			   { 0x300000, 0x2000, 5 }, /* bad RAM */
			   { 0x500000, 0x3000, 9 }, /* an unknown type is not RAM */
			   { 0x800000, 0x100000, 3 }), /* ACPI data alone */
		 0);
	CHECK_REGIONS(memory, { 0x100000, 0x150000 }, { 0x160000, 0x300000 },
		      { 0x302000, 0x400000 }, { 0x401000, 0x500000 }, { 0x503000, 0x6ff000 });
	CHECK_EQ(e820_table_firmware.nr_entries, 9);
	for (u32 i = 1; i < e820_table_firmware.nr_entries; i++)
		CHECK(e820_table_firmware.entries[i - 1].addr <=
		      e820_table_firmware.entries[i].addr);
	host_log_clear(&host_console);
	memblock_dump();
	CHECK(strstr(host_console.buf, "[mem 0x0000000000150000-0x000000000015ffff] ACPI NVS\n"));
	CHECK(strstr(host_console.buf, "[mem 0x00000000006ff800-0x00000000007007ff] ACPI data\n"));
	CHECK(strstr(host_console.buf, "[mem 0x0000000000300000-0x0000000000301fff] unusable\n"));
	CHECK(strstr(host_console.buf, "[mem 0x0000000000500000-0x0000000000502fff] type 9\n"));
	CHECK(strstr(host_console.buf, "[mem 0x0000000000100000-0x00000000002fffff] usable\n"));
}

/*
 * An available range overlapping a reserved one loses the overlap, whichever comes first
 * in the map, even when the firmware lists the same bytes as both.
 */
static void test_available_loses_overlap(void)
{
	CHECK_EQ(INIT_FROM({ 0x0, 0x10000, 1 }, { 0x8000, 0x18000, 2 }), 0);
	CHECK_REGIONS(memory, { 0x0, 0x8000 });
	CHECK_EQ(INIT_FROM({ 0x8000, 0x18000, 2 }, { 0x0, 0x10000, 1 }), 0);
	CHECK_REGIONS(memory, { 0x0, 0x8000 });
	CHECK_EQ(INIT_FROM({ 0x100000, 0x100000, 2 }, { 0x100000, 0x100000, 1 }), -ENOENT);
	CHECK_NO_REGIONS(memory);
	/* A reserved entry inside RAM, and one sticking out below it. */
	CHECK_EQ(
		INIT_FROM({ 0x200000, 0x200000, 1 }, { 0x1ff000, 0x2800, 2 }, { 0x300000, 0x1, 2 }),
		0);
	CHECK_REGIONS(memory, { 0x202000, 0x300000 }, { 0x301000, 0x400000 });
}

/* Partial pages are not RAM; adjacent pieces merge first, then are trimmed. */
static void test_unaligned(void)
{
	CHECK_EQ(INIT_FROM({ 0x1001, 0x2ffe, 1 }, /* [0x1001, 0x3fff): one whole page */
			   { 0x5800, 0x1000, 1 }, /* no whole page */
			   { 0x10000, 0x800, 1 }, { 0x10800, 0x1800, 1 }), /* two halves */
		 0);
	CHECK_REGIONS(memory, { 0x2000, 0x3000 }, { 0x10000, 0x12000 });
	CHECK_EQ(INIT_FROM({ 0x1800, 0x1000, 1 }), -ENOENT);
	CHECK_EQ(memblock_end_of_RAM(), 0);
}

/* Zero-length entries are neither RAM nor holes, and are not recorded. */
static void test_zero_length(void)
{
	CHECK_EQ(INIT_FROM({ 0x100000, 0, 1 }, { 0x200000, 0x100000, 1 }, { 0x250000, 0, 2 }), 0);
	CHECK_REGIONS(memory, { 0x200000, 0x300000 });
	CHECK_EQ(e820_table_firmware.nr_entries, 1);
}

/* RAM the direct map cannot reach is dropped, with one message saying how much. */
static void test_above_limit(void)
{
	CHECK_EQ(MAX_PHYSMEM, 1ULL << 46);
	CHECK_EQ(INIT_FROM({ 0x100000, 0x100000, 1 }, { MAX_PHYSMEM - 2 * MIB, 2 * MIB + GIB, 1 },
			   { 1ULL << 50, 4 * GIB, 1 }, { ~0ULL - 0xfff, 0x10000, 1 }),
		 0);
	CHECK_REGIONS(memory, { 0x100000, 0x200000 }, { MAX_PHYSMEM - 2 * MIB, MAX_PHYSMEM });
	CHECK_EQ(host_log_count(&host_printk, "ignoring 5120 MiB of RAM above 64 TiB"), 1);
	CHECK_EQ(memblock_end_of_RAM(), MAX_PHYSMEM);
	/* Nothing above: no message. */
	CHECK_EQ(INIT_FROM({ 0x100000, 0x100000, 1 }), 0);
	CHECK_EQ(host_log_count(&host_printk, "ignoring"), 0);
}

/* No mmap tag: GRUB's basic meminfo (KiB below 640K, KiB above 1M). */
static void test_meminfo_fallback(void)
{
	struct mb2_info info = { .has_meminfo = true, .mem_lower = 639, .mem_upper = 130048 };

	reset();
	CHECK_EQ(memblock_init_from_mb2(&info), 0);
	CHECK_REGIONS(memory, { 0x0, 0x9f000 }, { 0x100000, 0x100000 + 130048ULL * 1024 });
	CHECK_EQ(host_log_count(&host_printk, "no memory map"), 1);
	info.has_meminfo = false;
	reset();
	CHECK_EQ(memblock_init_from_mb2(&info), -ENOENT);
}

/* Reservation names: equal names merge, different ones do not; overlaps keep the first. */
static void test_reserve_names(void)
{
	reset();
	memblock_add(0, 64 * MIB);
	CHECK_EQ(memblock_reserve(0x1000, 0x1000, "a"), 0);
	CHECK_EQ(memblock_reserve(0x2000, 0x1000, "a"), 0);
	CHECK_EQ(memblock_reserve(0x3000, 0x1000, "b"), 0);
	CHECK_REGIONS(reserved, { 0x1000, 0x3000, "a" }, { 0x3000, 0x4000, "b" });
	CHECK_EQ(memblock_reserve(0x800, 0x4000, "c"), 0); /* around both */
	CHECK_REGIONS(reserved, { 0x800, 0x1000, "c" }, { 0x1000, 0x3000, "a" },
		      { 0x3000, 0x4000, "b" }, { 0x4000, 0x4800, "c" });
	CHECK_EQ(memblock_reserve(0x10000, 0x1000, "a-name-longer-than-fifteen"), 0);
	CHECK_EQ(strlen(memblock.reserved.regions[4].name), MEMBLOCK_NAME_LEN - 1);
	CHECK(!strcmp(memblock.reserved.regions[4].name, "a-name-longer-t"));
	CHECK_EQ(memblock_reserve(0x11000, 0x1000, "a-name-longer-than-sixteen"), 0);
	CHECK_EQ(memblock.reserved.cnt, 5); /* merged: the stored names are equal */
	CHECK_EQ(memblock_reserve(0x20000, 0x1000, NULL), 0);
	CHECK(!strcmp(memblock.reserved.regions[5].name, ""));
	CHECK(memblock_reserved_region(0x2fff) == &memblock.reserved.regions[1]);
	CHECK(!memblock_reserved_region(0x4800));
	/* Freeing from the middle splits, keeping the name on both sides. */
	CHECK_EQ(memblock_free(0x1800, 0x1000), 0);
	CHECK_REGIONS(reserved, { 0x800, 0x1000, "c" }, { 0x1000, 0x1800, "a" },
		      { 0x2800, 0x3000, "a" }, { 0x3000, 0x4000, "b" }, { 0x4000, 0x4800, "c" },
		      { 0x10000, 0x12000, "a-name-longer-t" }, { 0x20000, 0x21000, "" });
	CHECK(memblock_is_region_reserved(0x17ff, 1));
	CHECK(!memblock_is_region_reserved(0x1800, 0x1000));
	CHECK(memblock_is_region_reserved(0x1800, 0x1001));
}

static void test_remove(void)
{
	reset();
	memblock_add(0x100000, 0x300000);
	CHECK_EQ(memblock_remove(0x200000, 0x1000), 0);
	CHECK_REGIONS(memory, { 0x100000, 0x200000 }, { 0x201000, 0x400000 });
	CHECK_EQ(memblock_remove(0x0, 0x101000), 0);
	CHECK_EQ(memblock_remove(0x3ff000, ~0ULL), 0); /* size capped, no wrap */
	CHECK_REGIONS(memory, { 0x101000, 0x200000 }, { 0x201000, 0x3ff000 });
	CHECK(memblock_is_memory(0x101000));
	CHECK(!memblock_is_memory(0x200000));
	CHECK(memblock_is_region_memory(0x201000, 0x1fe000));
	CHECK(!memblock_is_region_memory(0x201000, 0x1fe001));
	CHECK(!memblock_is_region_memory(0x1ff000, 0x2000));
	CHECK_EQ(memblock_add(0x200000, 0x1000), 0); /* fills the hole: one region again */
	CHECK_REGIONS(memory, { 0x101000, 0x3ff000 });
}

/* Full arrays refuse, leaving everything as it was. */
static void test_full(void)
{
	struct memblock_region before[INIT_MEMBLOCK_REGIONS];

	reset();
	for (u64 i = 0; i < INIT_MEMBLOCK_REGIONS; i++)
		CHECK_EQ(memblock_add(i * 0x2000, 0x1000), 0);
	memcpy(before, memblock.memory.regions, sizeof(before));
	CHECK_EQ(memblock_add(0x1000000, 0x1000), -ENOMEM);
	CHECK_EQ(memblock_add(0x800, 0x2000), -ENOMEM); /* fills a gap and needs one more */
	CHECK_EQ(memblock_remove(0x800, 0x100), -ENOMEM); /* a split */
	CHECK_EQ(memblock.memory.cnt, INIT_MEMBLOCK_REGIONS);
	CHECK(!memcmp(before, memblock.memory.regions, sizeof(before)));
	CHECK_EQ(memblock_remove(0, 0x1000), 0); /* a whole region: no split needed */
	CHECK_EQ(memblock.memory.cnt, INIT_MEMBLOCK_REGIONS - 1);
	CHECK_EQ(memblock_add(0x3000, 0x1000), 0); /* room for the piece, which then merges */
	CHECK_EQ(memblock.memory.cnt, INIT_MEMBLOCK_REGIONS - 2);
	CHECK_EQ(host_log_count(&host_printk, "no room"), 3);
}

/* Top-down inside [start, end), aligned, around reservations; 0 when nothing fits. */
static void test_alloc_range(void)
{
	phys_addr_t a, b, c;

	reset();
	memblock_add(0, 0x100000);
	memblock_add(0x200000, 0x200000);
	memblock_reserve(0x3f0000, 0x10000, "top");

	a = memblock_alloc_range(0x1000, 0x1000, 0, ~0ULL);
	CHECK_EQ(a, 0x3ef000);
	b = memblock_alloc_range(0x1000, 0x1000, 0, ~0ULL);
	CHECK_EQ(b, 0x3ee000);
	CHECK_REGIONS(reserved, { 0x3ee000, 0x3f0000, "memblock" }, { 0x3f0000, 0x400000, "top" });
	/* Alignment: the highest 1 MiB-aligned 0x800 bytes below 0x3ee000. */
	CHECK_EQ(memblock_alloc_range(0x800, MIB, 0, ~0ULL), 0x300000);
	/* An end below RAM's top, a start above the bottom. */
	CHECK_EQ(memblock_alloc_range(0x1000, 0x1000, 0, 0x180000), 0xff000);
	CHECK_EQ(memblock_alloc_range(0x1000, 0x1000, 0x250000, 0x251000), 0x250000);
	CHECK_EQ(memblock_alloc_range(0x1000, 0x1000, 0x250000, 0x251000), 0);
	/* Nothing fits between the bounds; more than a region holds; bad arguments. */
	CHECK_EQ(memblock_alloc_range(0x1000, 0x1000, 0x100000, 0x200000), 0);
	CHECK_EQ(memblock_alloc_range(0x200001, 1, 0, ~0ULL), 0);
	CHECK_EQ(memblock_alloc_range(0x1000, 0x3000, 0, ~0ULL), 0);
	CHECK_EQ(memblock_alloc_range(0, 0x1000, 0, ~0ULL), 0);
	/* Never address 0, even when free. */
	c = memblock_alloc_range_name(0x1000, 0x1000, 0, 0x2000, "low");
	CHECK_EQ(c, 0x1000);
	CHECK_EQ(memblock_alloc_range(0x1000, 0x1000, 0, 0x2000), 0);
	CHECK(!strcmp(memblock_reserved_region(0x1000)->name, "low"));
	/* After mem_init(), memblock refuses. */
	memblock_freeze();
	CHECK_EQ(memblock_alloc_range(0x1000, 0x1000, 0, ~0ULL), 0);
	CHECK_EQ(memblock_reserve(0x10000, 0x1000, "late"), -EBUSY);
	CHECK_EQ(memblock_add(0x10000000, 0x1000), -EBUSY);
	CHECK(memblock_is_memory(0x1000)); /* questions still answered */
}

/* Free ranges: memory minus reserved, maximal, in order. */
static void test_free_ranges(void)
{
	static const struct range want[] = {
		{ 0x1000, 0x9f000 },
		{ 0x100000, 0x1000000 },
		{ 0x1200000, 0x1ffe0000 },
	};
	phys_addr_t s, e;
	unsigned long n = 0;
	u64 i;

	CHECK_EQ(INIT_FROM({ 0x0, 0x9fc00, 1 }, { 0x100000, 0x1fee0000, 1 }), 0);
	memblock_reserve(0, 0x1000, "zero");
	memblock_reserve(0x1000000, 0x100000, "a");
	memblock_reserve(0x1100000, 0x100000, "b"); /* touching, different names */
	memblock_reserve(0x1ffe0000, 0x1000, "beyond RAM");
	for_each_free_mem_range(i, &s, &e) {
		CHECK(n < ARRAY_SIZE(want) && s == want[n].base && e == want[n].end);
		n++;
	}
	CHECK_EQ(n, ARRAY_SIZE(want));
	n = 0;
	for_each_reserved_mem_range(i, &s, &e)
		n++;
	CHECK_EQ(n, 4);
}

/* ---------------------------------------------------------------- random, vs a model */

#define CELL 16 /* model granularity in bytes: every address and size is a multiple */
#define NCELLS 4096 /* 64 KiB of address space */
#define RANDOM_OPS 30000

static const char *const model_names[] = { NULL, "kernel", "initrd", "memblock",
					   "an-overlong-region-name" };
static bool model_mem[NCELLS];
static u8 model_rsv[NCELLS]; /* index into model_names, 0: not reserved */

/* The regions a type must have: maximal runs of equal non-zero values of cell(). */
static bool model_matches(const struct memblock_type *type, int (*cell)(unsigned long c))
{
	unsigned long n = 0, c = 0;
	u64 total = 0;

	while (c < NCELLS) {
		int v = cell(c);
		unsigned long start = c;
		const struct memblock_region *r;
		char name[MEMBLOCK_NAME_LEN] = "";

		if (!v) {
			c++;
			continue;
		}
		while (c < NCELLS && cell(c) == v)
			c++;
		if (n >= type->cnt)
			return false;
		r = &type->regions[n++];
		if (type == &memblock.reserved && model_names[v])
			snprintf(name, sizeof(name), "%s", model_names[v]);
		if (r->base != start * CELL || r->size != (c - start) * CELL ||
		    strcmp(r->name, name))
			return false;
		total += (c - start) * CELL;
	}
	return n == type->cnt && total == type->total_size;
}

static int cell_mem(unsigned long c)
{
	return model_mem[c];
}

static int cell_rsv(unsigned long c)
{
	return model_rsv[c];
}

static void dump_state(void)
{
	for (unsigned long i = 0; i < memblock.memory.cnt; i++)
		printf("  memory   [0x%llx, 0x%llx)\n", memblock.memory.regions[i].base,
		       memblock.memory.regions[i].base + memblock.memory.regions[i].size);
	for (unsigned long i = 0; i < memblock.reserved.cnt; i++)
		printf("  reserved [0x%llx, 0x%llx) %s\n", memblock.reserved.regions[i].base,
		       memblock.reserved.regions[i].base + memblock.reserved.regions[i].size,
		       memblock.reserved.regions[i].name);
}

/* The free ranges the iterator gives are the maximal runs of memory-and-not-reserved. */
static bool free_ranges_match(void)
{
	phys_addr_t s, e;
	unsigned long c = 0;
	u64 i;

	for_each_free_mem_range(i, &s, &e) {
		while (c < NCELLS && !(model_mem[c] && !model_rsv[c]))
			c++;
		if (c == NCELLS || s != c * CELL)
			return false;
		while (c < NCELLS && model_mem[c] && !model_rsv[c])
			c++;
		if (e != c * CELL)
			return false;
	}
	while (c < NCELLS && !(model_mem[c] && !model_rsv[c]))
		c++;
	return c == NCELLS;
}

/* What memblock_alloc_range() must return, by brute force over the model. */
static u64 model_alloc(u64 size, u64 align, u64 start, u64 end)
{
	static unsigned int prefix[NCELLS + 1]; /* free cells before c */
	u64 top, lo = max(start, (u64)PAGE_SIZE);

	for (unsigned long c = 0; c < NCELLS; c++)
		prefix[c + 1] = prefix[c] + (model_mem[c] && !model_rsv[c]);
	top = min(end, (u64)NCELLS * CELL);
	if (top < size)
		return 0;
	for (u64 a = ALIGN_DOWN(top - size, align);; a -= align) {
		if (a < lo)
			return 0;
		if (prefix[(a + size) / CELL] - prefix[a / CELL] == size / CELL)
			return a;
		if (a < align)
			return 0;
	}
}

static void test_random_model(void)
{
	struct memblock_region mem_before[INIT_MEMBLOCK_REGIONS], rsv_before[INIT_MEMBLOCK_REGIONS];
	unsigned long nomem = 0, allocs = 0, ok_before = failed;

	reset();
	memset(model_mem, 0, sizeof(model_mem));
	memset(model_rsv, 0, sizeof(model_rsv));
	host_rng_state = 0x6d656d626c6f636bULL;

	for (unsigned long op = 0; op < RANDOM_OPS && failed == ok_before; op++) {
		u64 c0 = host_rand_below(NCELLS),
		    n = 1 + host_rand_below(host_rand() & 1 ? 16 : 600);
		u64 base = c0 * CELL, size = min(n, NCELLS - c0) * CELL;
		unsigned int kind = host_rand_below(6), name = 1 + host_rand_below(4);
		unsigned long mcnt = memblock.memory.cnt, rcnt = memblock.reserved.cnt;
		int ret = 0;

		memcpy(mem_before, memblock.memory.regions, sizeof(mem_before));
		memcpy(rsv_before, memblock.reserved.regions, sizeof(rsv_before));
		switch (kind) {
		case 0:
		case 1:
			ret = memblock_add(base, size);
			if (!ret)
				for (u64 c = c0; c < c0 + size / CELL; c++)
					model_mem[c] = true;
			break;
		case 2:
			ret = memblock_remove(base, size);
			if (!ret)
				for (u64 c = c0; c < c0 + size / CELL; c++)
					model_mem[c] = false;
			break;
		case 3:
			ret = memblock_reserve(base, size, model_names[name]);
			if (!ret)
				for (u64 c = c0; c < c0 + size / CELL; c++)
					model_rsv[c] = model_rsv[c] ? model_rsv[c] : name;
			break;
		case 4:
			ret = memblock_free(base, size);
			if (!ret)
				for (u64 c = c0; c < c0 + size / CELL; c++)
					model_rsv[c] = 0;
			break;
		default: {
			u64 align = (u64)CELL << host_rand_below(9);
			u64 start = host_rand_below(NCELLS) * CELL,
			    end = host_rand_below(NCELLS + 1) * CELL;
			u64 want, got;

			if (host_rand() & 1)
				start = 0, end = ~0ULL;
			size = (1 + host_rand_below(64)) * CELL;
			want = model_alloc(size, align, start, end);
			got = memblock_alloc_range(size, align, start, end);
			CHECK_EQ(got, want);
			if (got != want)
				printf("     alloc size 0x%llx align 0x%llx in [0x%llx, 0x%llx)\n",
				       size, align, start, end);
			if (got) {
				allocs++;
				for (u64 c = got / CELL; c < (got + size) / CELL; c++)
					model_rsv[c] = 3;
			}
			break;
		}
		}
		if (ret == -ENOMEM) {
			/* Refused: nothing changed. */
			nomem++;
			CHECK(memblock.memory.cnt == mcnt && memblock.reserved.cnt == rcnt &&
			      !memcmp(mem_before, memblock.memory.regions, sizeof(mem_before)) &&
			      !memcmp(rsv_before, memblock.reserved.regions, sizeof(rsv_before)));
		} else {
			CHECK_EQ(ret, 0);
		}
		if (!CHECK(model_matches(&memblock.memory, cell_mem)) ||
		    !CHECK(model_matches(&memblock.reserved, cell_rsv)) ||
		    !CHECK(free_ranges_match())) {
			printf("     after operation %lu (kind %u, [0x%llx, 0x%llx))\n", op, kind,
			       base, base + size);
			dump_state();
		}
		/* Point queries. */
		for (int q = 0; q < 4; q++) {
			u64 c = host_rand_below(NCELLS);
			const struct memblock_region *r = memblock_reserved_region(c * CELL);

			CHECK_EQ(memblock_is_memory(c * CELL), model_mem[c]);
			CHECK_EQ(memblock_is_reserved(c * CELL), model_rsv[c] != 0);
			CHECK_EQ(r != NULL, model_rsv[c] != 0);
		}
	}
	printf("memblock: random: %d operations, %lu allocations, %lu refused for room\n",
	       RANDOM_OPS, allocs, nomem);
}

int main(void)
{
	test_qemu_map();
	test_unsorted_overlapping();
	test_available_loses_overlap();
	test_unaligned();
	test_zero_length();
	test_above_limit();
	test_meminfo_fallback();
	test_reserve_names();
	test_remove();
	test_full();
	test_alloc_range();
	test_free_ranges();
	test_random_model();
	return check_summary("memblock");
}
