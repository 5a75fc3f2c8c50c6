// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for lib/multiboot2.c, built with ASan and UBSan.
 *
 * A small builder lays out boot information the way GRUB does (tags padded
 * to 8 bytes, end tag last). One full sample is checked field by field; a
 * case table breaks it one way at a time and expects the matching reason
 * and offset; a fuzz loop mutates and truncates it and places each result
 * in an exactly-sized heap block, so any read past the end trips ASan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* glibc's <sys/cdefs.h> has its own; the kernel's compiler.h defines it again. */
#undef __always_inline

#include "../../lib/multiboot2.c"

#define FUZZ_ITERATIONS 20000
#define FUZZ_SEED 0x6d623266757a7aULL
#define BUILDER_CAP 1024

#include "check.h"

/* ------------------------------------------------------------------ builder */

/* Boot information under construction; open is the offset of the open tag. */
struct mb2_builder {
	u8 buf[BUILDER_CAP] __aligned(8);
	u32 len;
	u32 open;
};

static void b_bytes(struct mb2_builder *b, const void *p, u32 n)
{
	if (b->len + n > BUILDER_CAP) {
		fprintf(stderr, "builder overflow\n");
		exit(2);
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static void b_u32(struct mb2_builder *b, u32 v)
{
	b_bytes(b, &v, sizeof(v));
}

static void b_u64(struct mb2_builder *b, u64 v)
{
	b_bytes(b, &v, sizeof(v));
}

static void b_str(struct mb2_builder *b, const char *s)
{
	b_bytes(b, s, strlen(s) + 1);
}

static void put32(struct mb2_builder *b, u32 off, u32 v)
{
	memcpy(b->buf + off, &v, sizeof(v));
}

static u32 get32(const void *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* b_init - an empty info: header only, total_size written by b_finish(). */
static void b_init(struct mb2_builder *b)
{
	memset(b, 0, sizeof(*b));
	b_u32(b, 0);
	b_u32(b, 0);
}

/* b_open - start a tag of the given type; returns its offset. */
static u32 b_open(struct mb2_builder *b, u32 type)
{
	b->open = b->len;
	b_u32(b, type);
	b_u32(b, 0);
	return b->open;
}

/* b_close - write the open tag's size and pad with zeros to 8 bytes. */
static void b_close(struct mb2_builder *b)
{
	static const u8 zeros[MB2_TAG_ALIGN];

	put32(b, b->open + 4, b->len - b->open);
	b_bytes(b, zeros, (MB2_TAG_ALIGN - b->len % MB2_TAG_ALIGN) % MB2_TAG_ALIGN);
}

/* b_finish - append the end tag and set total_size; returns the end tag's offset. */
static u32 b_finish(struct mb2_builder *b)
{
	u32 off = b_open(b, MB2_TAG_END);

	b_close(b);
	put32(b, 0, b->len);
	return off;
}

/* ------------------------------------------------------------------ sample */

struct sample_mmap {
	u64 base, length;
	u32 type;
	const char *name;
};

static const struct sample_mmap sample_mmap[] = {
	{ 0x0, 0x9fc00, MB2_MEMORY_AVAILABLE, "available" },
	{ 0xf0000, 0x10000, MB2_MEMORY_RESERVED, "reserved" },
	{ 0x7fe0000, 0x10000, MB2_MEMORY_ACPI_RECLAIMABLE, "ACPI reclaimable" },
	{ 0x7ff0000, 0x10000, MB2_MEMORY_NVS, "ACPI NVS" },
	{ 0x8000000, 0x100000, MB2_MEMORY_BADRAM, "bad" },
	{ 0xfd00000000ULL, 0x300000000ULL, 7, "reserved" },
};

struct sample_module {
	u32 start, end;
	const char *cmdline;
};

static const struct sample_module sample_modules[] = {
	{ 0x200000, 0x234567, "initrd" },
	{ 0x300000, 0x300000, "symbols.map verbose" },
};

#define SAMPLE_CMDLINE "console=ttyS0 loglevel=7"
#define SAMPLE_LOADER "GRUB 2.06"
#define SAMPLE_MEM_LOWER 639
#define SAMPLE_MEM_UPPER 130048
#define SAMPLE_LOAD_BASE 0x1000000
#define SAMPLE_BIOSDEV 0x80
#define SAMPLE_UNKNOWN_TYPE 0x4242

/* RSDP copies: v1 is 20 bytes, v2 36; only their bytes matter here. */
static const u8 rsdp_v1[MB2_RSDP_V1_SIZE] = "RSD PTR " /* signature */
					    "\x51" /* checksum */
					    "CARTO\0" /* OEM id */
					    "\x00" /* revision */
					    "\x00\x10\xfe\x07"; /* RSDT */
static const u8 rsdp_v2[MB2_RSDP_V2_SIZE] = "RSD PTR " /* signature */
					    "\x52" /* checksum */
					    "CARTO\0" /* OEM id */
					    "\x02" /* revision */
					    "\x00\x10\xfe\x07" /* RSDT */
					    "\x24\0\0\0" /* length */
					    "\x00\x20\xfe\x07\0\0\0\0" /* XSDT */
					    "\x33"; /* extended checksum, 3 reserved */

/* A full info as GRUB would lay it out, with the offset of every tag. */
struct sample {
	struct mb2_builder b;
	u32 load_base, cmdline, loader, mod[2], meminfo, bootdev, mmap, unknown;
	u32 acpi_old, acpi_new, end;
};

static void build_mmap(struct mb2_builder *b, u32 entry_size)
{
	static const u8 zeros[8];
	u32 i;

	b_u32(b, entry_size);
	b_u32(b, 0);
	for (i = 0; i < ARRAY_SIZE(sample_mmap); i++) {
		b_u64(b, sample_mmap[i].base);
		b_u64(b, sample_mmap[i].length);
		b_u32(b, sample_mmap[i].type);
		b_u32(b, 0);
		b_bytes(b, zeros, entry_size - MB2_MMAP_ENTRY_MIN_SIZE);
	}
	b_close(b);
}

static void build_sample(struct sample *s)
{
	struct mb2_builder *b = &s->b;
	u32 i;

	b_init(b);
	s->load_base = b_open(b, MB2_TAG_LOAD_BASE_ADDR);
	b_u32(b, SAMPLE_LOAD_BASE);
	b_close(b);
	s->cmdline = b_open(b, MB2_TAG_CMDLINE);
	b_str(b, SAMPLE_CMDLINE);
	b_close(b);
	s->loader = b_open(b, MB2_TAG_BOOT_LOADER_NAME);
	b_str(b, SAMPLE_LOADER);
	b_close(b);
	for (i = 0; i < ARRAY_SIZE(sample_modules); i++) {
		s->mod[i] = b_open(b, MB2_TAG_MODULE);
		b_u32(b, sample_modules[i].start);
		b_u32(b, sample_modules[i].end);
		b_str(b, sample_modules[i].cmdline);
		b_close(b);
	}
	s->meminfo = b_open(b, MB2_TAG_BASIC_MEMINFO);
	b_u32(b, SAMPLE_MEM_LOWER);
	b_u32(b, SAMPLE_MEM_UPPER);
	b_close(b);
	s->bootdev = b_open(b, MB2_TAG_BOOTDEV);
	b_u32(b, SAMPLE_BIOSDEV);
	b_u32(b, 0);
	b_u32(b, 0xffffffff);
	b_close(b);
	s->mmap = b_open(b, MB2_TAG_MMAP);
	build_mmap(b, MB2_MMAP_ENTRY_MIN_SIZE);
	s->unknown = b_open(b, SAMPLE_UNKNOWN_TYPE);
	b_bytes(b, "12345", 5);
	b_close(b);
	s->acpi_old = b_open(b, MB2_TAG_ACPI_OLD);
	b_bytes(b, rsdp_v1, sizeof(rsdp_v1));
	b_close(b);
	s->acpi_new = b_open(b, MB2_TAG_ACPI_NEW);
	b_bytes(b, rsdp_v2, sizeof(rsdp_v2));
	b_close(b);
	s->end = b_finish(b);
}

/* ------------------------------------------------------------- valid input */

static void check_sample_mmap(const struct mb2_info *info)
{
	const struct mb2_mmap_entry *e;
	u32 i;

	CHECK_EQ(info->nr_mmap, ARRAY_SIZE(sample_mmap));
	for (i = 0; i < ARRAY_SIZE(sample_mmap); i++) {
		e = mb2_mmap_entry(info, i);
		if (!CHECK(e))
			continue;
		CHECK_EQ(e->base_addr, sample_mmap[i].base);
		CHECK_EQ(e->length, sample_mmap[i].length);
		CHECK_EQ(e->type, sample_mmap[i].type);
		CHECK_STR(mb2_memory_type_name(e->type), sample_mmap[i].name);
	}
	CHECK(!mb2_mmap_entry(info, ARRAY_SIZE(sample_mmap)));
	CHECK(!mb2_mmap_entry(info, 0xffffffff));
}

static void check_sample_modules(const struct mb2_info *info)
{
	struct mb2_module mod;
	u32 i;

	CHECK_EQ(info->nr_modules, ARRAY_SIZE(sample_modules));
	for (i = 0; i < ARRAY_SIZE(sample_modules); i++) {
		if (!CHECK(mb2_module(info, i, &mod) == 0))
			continue;
		CHECK_EQ(mod.start, sample_modules[i].start);
		CHECK_EQ(mod.end, sample_modules[i].end);
		CHECK_STR(mod.cmdline, sample_modules[i].cmdline);
	}
	CHECK_EQ(mb2_module(info, ARRAY_SIZE(sample_modules), &mod), -ENOENT);
}

/* The full sample parses and every value comes back. */
static void mb2_test_full_sample(void)
{
	const struct mb2_tag_load_base_addr *lb;
	const struct mb2_tag_bootdev *bd;
	const struct mb2_tag *tag;
	struct mb2_error err;
	struct mb2_info info;
	struct sample s;

	build_sample(&s);
	if (!CHECK(mb2_parse(s.b.buf, s.b.len, &info, &err) == 0)) {
		printf("     %s at %u\n", err.reason, err.offset);
		return;
	}
	CHECK(!err.reason);
	CHECK(info.base == s.b.buf);
	CHECK_EQ(info.total_size, s.b.len);
	CHECK_STR(info.cmdline, SAMPLE_CMDLINE);
	CHECK(info.cmdline == (const char *)s.b.buf + s.cmdline + 8);
	CHECK_STR(info.loader_name, SAMPLE_LOADER);
	CHECK(info.has_meminfo);
	CHECK_EQ(info.mem_lower, SAMPLE_MEM_LOWER);
	CHECK_EQ(info.mem_upper, SAMPLE_MEM_UPPER);
	CHECK(info.mmap == (const void *)(s.b.buf + s.mmap));
	CHECK_EQ(info.mmap->entry_size, MB2_MMAP_ENTRY_MIN_SIZE);
	CHECK_EQ(info.mmap->entry_version, 0);
	check_sample_mmap(&info);
	check_sample_modules(&info);
	CHECK_EQ(info.rsdp_type, MB2_TAG_ACPI_NEW);
	CHECK_EQ(info.rsdp_len, MB2_RSDP_V2_SIZE);
	CHECK(info.rsdp == s.b.buf + s.acpi_new + 8);
	CHECK(info.rsdp && !memcmp(info.rsdp, rsdp_v2, sizeof(rsdp_v2)));

	lb = (const void *)mb2_find_tag(&info, MB2_TAG_LOAD_BASE_ADDR, 0);
	CHECK(lb && lb->load_base_addr == SAMPLE_LOAD_BASE);
	bd = (const void *)mb2_find_tag(&info, MB2_TAG_BOOTDEV, 0);
	CHECK(bd && bd->biosdev == SAMPLE_BIOSDEV && bd->sub_partition == 0xffffffff);
	tag = mb2_find_tag(&info, SAMPLE_UNKNOWN_TYPE, 0);
	CHECK(tag && tag->size == 13 && (const u8 *)tag == s.b.buf + s.unknown);
	tag = mb2_find_tag(&info, MB2_TAG_MODULE, 1);
	CHECK(tag && (const u8 *)tag == s.b.buf + s.mod[1]);
	CHECK(!mb2_find_tag(&info, MB2_TAG_MODULE, 2));
	CHECK(!mb2_find_tag(&info, MB2_TAG_FRAMEBUFFER, 0));
	CHECK(!mb2_find_tag(&info, MB2_TAG_END, 0));
}

/*
 * The sample in an exactly-sized heap block, with avail far larger (as the
 * stub passes): nothing past total_size may be read, which ASan enforces.
 */
static void mb2_test_generous_avail(void)
{
	struct mb2_info info;
	struct sample s;
	u8 *heap;

	build_sample(&s);
	heap = malloc(s.b.len);
	memcpy(heap, s.b.buf, s.b.len);
	CHECK(mb2_parse(heap, 1 << 20, &info, NULL) == 0);
	CHECK_EQ(info.total_size, s.b.len);
	check_sample_mmap(&info);
	check_sample_modules(&info);
	free(heap);
}

/* Header plus end tag only: valid, with everything absent. */
static void mb2_test_minimal(void)
{
	struct mb2_builder b;
	struct mb2_module mod;
	struct mb2_error err;
	struct mb2_info info;

	b_init(&b);
	b_finish(&b);
	CHECK_EQ(b.len, MB2_INFO_MIN_SIZE);
	CHECK(mb2_parse(b.buf, b.len, &info, &err) == 0);
	CHECK(!info.cmdline && !info.loader_name && !info.mmap && !info.rsdp);
	CHECK(!info.has_meminfo);
	CHECK_EQ(info.nr_mmap + info.nr_modules + info.rsdp_len + info.rsdp_type, 0);
	CHECK(!mb2_mmap_entry(&info, 0));
	CHECK_EQ(mb2_module(&info, 0, &mod), -ENOENT);
	CHECK(!mb2_find_tag(&info, MB2_TAG_CMDLINE, 0));
}

/* Policy cases: what is accepted, and which copy wins. */
static void mb2_test_policy(void)
{
	const struct mb2_mmap_entry *e;
	struct mb2_builder b;
	struct mb2_info info;
	struct sample s;

	/* reserved must be ignored (spec); bytes after the end tag too */
	build_sample(&s);
	put32(&s.b, 4, 0xdeadbeef);
	put32(&s.b, 0, s.b.len + 24);
	CHECK(mb2_parse(s.b.buf, s.b.len + 24, &info, NULL) == 0);
	CHECK_EQ(info.total_size, s.b.len + 24);

	/* an empty cmdline is fine; the second of each tag is ignored */
	b_init(&b);
	b_open(&b, MB2_TAG_CMDLINE);
	b_str(&b, "");
	b_close(&b);
	b_open(&b, MB2_TAG_CMDLINE);
	b_str(&b, "second");
	b_close(&b);
	b_open(&b, MB2_TAG_ACPI_OLD);
	b_bytes(&b, rsdp_v1, sizeof(rsdp_v1));
	b_close(&b);
	b_open(&b, MB2_TAG_ACPI_OLD);
	b_bytes(&b, rsdp_v2, sizeof(rsdp_v1));
	b_close(&b);
	b_open(&b, MB2_TAG_MMAP);
	build_mmap(&b, 32);
	b_open(&b, MB2_TAG_MMAP);
	b_u32(&b, 24);
	b_u32(&b, 0);
	b_close(&b);
	b_finish(&b);
	CHECK(mb2_parse(b.buf, b.len, &info, NULL) == 0);
	CHECK_STR(info.cmdline, "");
	CHECK_EQ(info.rsdp_type, MB2_TAG_ACPI_OLD);
	CHECK_EQ(info.rsdp_len, MB2_RSDP_V1_SIZE);
	CHECK(info.rsdp && !memcmp(info.rsdp, rsdp_v1, sizeof(rsdp_v1)));

	/* a longer, future entry_size is stepped over correctly */
	CHECK_EQ(info.nr_mmap, ARRAY_SIZE(sample_mmap));
	e = mb2_mmap_entry(&info, 5);
	CHECK(e && e->base_addr == sample_mmap[5].base && e->type == 7);

	/* ACPI_NEW wins even when ACPI_OLD comes after it */
	b_init(&b);
	b_open(&b, MB2_TAG_ACPI_NEW);
	b_bytes(&b, rsdp_v2, sizeof(rsdp_v2));
	b_close(&b);
	b_open(&b, MB2_TAG_ACPI_OLD);
	b_bytes(&b, rsdp_v1, sizeof(rsdp_v1));
	b_close(&b);
	b_finish(&b);
	CHECK(mb2_parse(b.buf, b.len, &info, NULL) == 0);
	CHECK_EQ(info.rsdp_type, MB2_TAG_ACPI_NEW);
	CHECK(info.rsdp == b.buf + 16);
}

/* Name tables: every spec value, and unknown values. */
static void mb2_test_names(void)
{
	CHECK_STR(mb2_memory_type_name(MB2_MEMORY_AVAILABLE), "available");
	CHECK_STR(mb2_memory_type_name(MB2_MEMORY_RESERVED), "reserved");
	CHECK_STR(mb2_memory_type_name(MB2_MEMORY_ACPI_RECLAIMABLE), "ACPI reclaimable");
	CHECK_STR(mb2_memory_type_name(MB2_MEMORY_NVS), "ACPI NVS");
	CHECK_STR(mb2_memory_type_name(MB2_MEMORY_BADRAM), "bad");
	CHECK_STR(mb2_memory_type_name(0), "reserved");
	CHECK_STR(mb2_memory_type_name(6), "reserved");
	CHECK_STR(mb2_memory_type_name(0xffffffff), "reserved");
	CHECK_STR(mb2_tag_name(MB2_TAG_MMAP), "memory map");
	CHECK_STR(mb2_tag_name(MB2_TAG_ACPI_NEW), "ACPI new RSDP");
	CHECK_STR(mb2_tag_name(MB2_TAG_LOAD_BASE_ADDR), "image load base address");
	CHECK_STR(mb2_tag_name(22), "unknown");
}

/* ----------------------------------------------------------- invalid input */

/*
 * One way to break the sample: mutate edits s (and *avail, preset to the
 * sample's length) and returns the offset the rejection must report.
 */
struct bad_case {
	const char *name;
	u32 (*mutate)(struct sample *s, u32 *avail);
	const char *reason;
};

static u32 bad_avail_short(struct sample *s, u32 *avail)
{
	(void)s;
	*avail = 7;
	return 0;
}

static u32 bad_total_small(struct sample *s, u32 *avail)
{
	(void)avail;
	put32(&s->b, 0, 15);
	return 0;
}

static u32 bad_total_past_avail(struct sample *s, u32 *avail)
{
	*avail = s->b.len - 1;
	return 0;
}

static u32 bad_total_huge(struct sample *s, u32 *avail)
{
	(void)avail;
	put32(&s->b, 0, 0xffffffff);
	return 0;
}

static u32 bad_size_below_8(struct sample *s, u32 *avail)
{
	(void)avail;
	put32(&s->b, s->cmdline + 4, 7);
	return s->cmdline + 4;
}

static u32 bad_size_zero(struct sample *s, u32 *avail)
{
	(void)avail;
	put32(&s->b, s->mmap + 4, 0);
	return s->mmap + 4;
}

static u32 bad_size_past_end(struct sample *s, u32 *avail)
{
	(void)avail;
	put32(&s->b, s->mod[0] + 4, s->b.len - s->mod[0] + 1);
	return s->mod[0] + 4;
}

static u32 bad_size_wraps(struct sample *s, u32 *avail)
{
	(void)avail;
	put32(&s->b, s->acpi_new + 4, 0xfffffffc);
	return s->acpi_new + 4;
}

static u32 bad_no_end_tag(struct sample *s, u32 *avail)
{
	(void)avail;
	put32(&s->b, 0, s->end);
	return s->end;
}

static u32 bad_end_tag_size(struct sample *s, u32 *avail)
{
	put32(&s->b, s->end + 4, 16);
	put32(&s->b, 0, s->b.len + 8);
	*avail = s->b.len + 8;
	return s->end + 4;
}

static u32 bad_header_crosses(struct sample *s, u32 *avail)
{
	(void)avail;
	put32(&s->b, 0, s->end + 4);
	return s->end;
}

/* Tags packed without padding: the walker looks for the next one at 24, not 21. */
static u32 bad_unpadded(struct sample *s, u32 *avail)
{
	struct mb2_builder *b = &s->b;

	b_init(b);
	b_u32(b, MB2_TAG_CMDLINE);
	b_u32(b, 13);
	b_str(b, "abcd");
	b_u32(b, MB2_TAG_END);
	b_u32(b, 8);
	put32(b, 0, b->len);
	*avail = b->len;
	return 24;
}

/* A tag claiming 8 more bytes: the next "header" is the loader name's text. */
static u32 bad_overlap(struct sample *s, u32 *avail)
{
	(void)avail;
	put32(&s->b, s->cmdline + 4, get32(s->b.buf + s->cmdline + 4) + 8);
	return s->loader + 8 + 4;
}

static u32 bad_cmdline_unterminated(struct sample *s, u32 *avail)
{
	(void)avail;
	s->b.buf[s->cmdline + 8 + strlen(SAMPLE_CMDLINE)] = 'x';
	return s->cmdline + 8;
}

static u32 bad_cmdline_empty_tag(struct sample *s, u32 *avail)
{
	(void)avail;
	put32(&s->b, s->cmdline + 4, 8);
	return s->cmdline + 8;
}

static u32 bad_loader_unterminated(struct sample *s, u32 *avail)
{
	(void)avail;
	s->b.buf[s->loader + 8 + strlen(SAMPLE_LOADER)] = '!';
	return s->loader + 8;
}

static u32 bad_mmap_entry_small(struct sample *s, u32 *avail)
{
	(void)avail;
	put32(&s->b, s->mmap + 8, 20);
	return s->mmap + 8;
}

static u32 bad_mmap_entry_zero(struct sample *s, u32 *avail)
{
	(void)avail;
	put32(&s->b, s->mmap + 8, 0);
	return s->mmap + 8;
}

static u32 bad_mmap_entry_odd(struct sample *s, u32 *avail)
{
	(void)avail;
	put32(&s->b, s->mmap + 8, 28);
	return s->mmap + 8;
}

static u32 bad_mmap_entry_large(struct sample *s, u32 *avail)
{
	(void)avail;
	put32(&s->b, s->mmap + 8, 32);
	return s->mmap + 4;
}

static u32 bad_mmap_short(struct sample *s, u32 *avail)
{
	(void)avail;
	put32(&s->b, s->mmap + 4, get32(s->b.buf + s->mmap + 4) - 8);
	return s->mmap + 4;
}

static u32 bad_mmap_header(struct sample *s, u32 *avail)
{
	(void)avail;
	put32(&s->b, s->mmap + 4, 12);
	return s->mmap + 4;
}

static u32 bad_module_reversed(struct sample *s, u32 *avail)
{
	(void)avail;
	put32(&s->b, s->mod[0] + 12, sample_modules[0].start - 1);
	return s->mod[0] + 12;
}

static u32 bad_module_unterminated(struct sample *s, u32 *avail)
{
	(void)avail;
	s->b.buf[s->mod[1] + 16 + strlen(sample_modules[1].cmdline)] = '?';
	return s->mod[1] + 16;
}

static u32 bad_module_short(struct sample *s, u32 *avail)
{
	(void)avail;
	put32(&s->b, s->mod[0] + 4, 12);
	return s->mod[0] + 4;
}

static u32 bad_meminfo_short(struct sample *s, u32 *avail)
{
	(void)avail;
	put32(&s->b, s->meminfo + 4, 12);
	return s->meminfo + 4;
}

static u32 bad_rsdp_new_short(struct sample *s, u32 *avail)
{
	(void)avail;
	put32(&s->b, s->acpi_new + 4, 8 + MB2_RSDP_V1_SIZE);
	return s->acpi_new + 4;
}

static u32 bad_rsdp_old_short(struct sample *s, u32 *avail)
{
	(void)avail;
	put32(&s->b, s->acpi_old + 4, 8 + MB2_RSDP_V1_SIZE - 1);
	return s->acpi_old + 4;
}

static const struct bad_case bad_cases[] = {
	{ "avail below header", bad_avail_short, "buffer smaller than the info header" },
	{ "total_size below 16", bad_total_small, "total_size below 16" },
	{ "total_size past avail", bad_total_past_avail, "total_size beyond the buffer" },
	{ "total_size 0xffffffff", bad_total_huge, "total_size beyond the buffer" },
	{ "tag size 7", bad_size_below_8, "tag size below 8" },
	{ "tag size 0", bad_size_zero, "tag size below 8" },
	{ "tag past the end", bad_size_past_end, "tag runs past total_size" },
	{ "tag size wraps", bad_size_wraps, "tag runs past total_size" },
	{ "no end tag", bad_no_end_tag, "missing end tag" },
	{ "end tag size 16", bad_end_tag_size, "end tag size is not 8" },
	{ "tag header crosses end", bad_header_crosses, "tag header crosses total_size" },
	{ "unpadded tags", bad_unpadded, "tag header crosses total_size" },
	{ "overlapping tags", bad_overlap, "tag runs past total_size" },
	{ "cmdline unterminated", bad_cmdline_unterminated,
	  "string not NUL-terminated within its tag" },
	{ "cmdline tag of 8", bad_cmdline_empty_tag, "string not NUL-terminated within its tag" },
	{ "loader unterminated", bad_loader_unterminated,
	  "string not NUL-terminated within its tag" },
	{ "mmap entry_size 20", bad_mmap_entry_small, "mmap entry_size below 24" },
	{ "mmap entry_size 0", bad_mmap_entry_zero, "mmap entry_size below 24" },
	{ "mmap entry_size 28", bad_mmap_entry_odd, "mmap entry_size not a multiple of 8" },
	{ "mmap entry_size 32", bad_mmap_entry_large, "mmap entries do not fill the tag" },
	{ "mmap size short", bad_mmap_short, "mmap entries do not fill the tag" },
	{ "mmap size 12", bad_mmap_header, "tag too small for its type" },
	{ "module end < start", bad_module_reversed, "module mod_end below mod_start" },
	{ "module unterminated", bad_module_unterminated, "module cmdline not NUL-terminated" },
	{ "module size 12", bad_module_short, "tag too small for its type" },
	{ "meminfo size 12", bad_meminfo_short, "tag too small for its type" },
	{ "ACPI new of 20 bytes", bad_rsdp_new_short, "tag too small for its type" },
	{ "ACPI old of 19 bytes", bad_rsdp_old_short, "tag too small for its type" },
	{}
};

/* Each case, in an exactly-sized heap block: -EINVAL, its reason, its offset, info cleared. */
static void mb2_test_bad_cases(void)
{
	const struct bad_case *c;
	struct mb2_error err;
	struct mb2_info info;
	struct sample s;
	u32 avail, want;
	u8 *heap;
	int ret;

	for (c = bad_cases; c->name; c++) {
		build_sample(&s);
		avail = s.b.len;
		want = c->mutate(&s, &avail);
		heap = malloc(avail);
		memcpy(heap, s.b.buf, avail);
		ret = mb2_parse(heap, avail, &info, &err);
		if (!check(ret == -EINVAL && err.reason && !strcmp(err.reason, c->reason) &&
				   err.offset == want,
			   c->name, __FILE__, __LINE__))
			printf("     ret %d, \"%s\" at %u; want \"%s\" at %u\n", ret,
			       err.reason ? err.reason : "(null)", err.offset, c->reason, want);
		CHECK(!info.base && !info.cmdline && !info.mmap && !info.nr_modules);
		free(heap);
	}
}

/* Arguments the walk never sees: NULL, and a base that is not 8-byte aligned. */
static void mb2_test_bad_args(void)
{
	struct mb2_error err;
	struct mb2_info info;
	struct sample s;

	CHECK(mb2_parse(NULL, 4096, &info, &err) == -EINVAL);
	CHECK_STR(err.reason, "no buffer");
	build_sample(&s);
	memmove(s.b.buf + 4, s.b.buf, s.b.len);
	CHECK(mb2_parse(s.b.buf + 4, s.b.len, &info, &err) == -EINVAL);
	CHECK_STR(err.reason, "info not 8-byte aligned");
	CHECK_EQ(err.offset, 0);
	CHECK(mb2_parse(s.b.buf + 4, s.b.len, &info, NULL) == -EINVAL);
}

/* -------------------------------------------------------------------- fuzz */

static u64 prng_state = FUZZ_SEED;

/* xorshift64*: deterministic, good enough to pick bytes and offsets. */
static u64 prng(void)
{
	prng_state ^= prng_state >> 12;
	prng_state ^= prng_state << 25;
	prng_state ^= prng_state >> 27;
	return prng_state * 0x2545f4914f6cdd1dULL;
}

static u32 prng_below(u32 n)
{
	return n ? (u32)(prng() % n) : 0;
}

/* in_buf - does [p, p + n) lie inside [buf, buf + len)? */
static bool in_buf(const void *p, u64 n, const u8 *buf, u32 len)
{
	const u8 *q = p;

	return q >= buf && q <= buf + len && n <= (u64)(buf + len - q);
}

/* str_in_buf - is s a string whose NUL lies inside the buffer? Reads only inside. */
static bool str_in_buf(const char *s, const u8 *buf, u32 len)
{
	return in_buf(s, 0, buf, len) && memchr(s, 0, buf + len - (const u8 *)s);
}

static unsigned int fuzz_reports;

static bool fuzz_fail(u32 iter, const char *what)
{
	if (fuzz_reports++ < 10)
		printf("FAIL fuzz iteration %u: %s\n", iter, what);
	return false;
}

/* fuzz_check_ok - after a successful parse, every accessor stays in the buffer. */
static bool fuzz_check_ok(u32 iter, const struct mb2_info *info, const u8 *buf, u32 len)
{
	const struct mb2_mmap_entry *e;
	const struct mb2_tag *tag;
	struct mb2_module mod;
	u32 i, type, sum = 0, min_rsdp;

	min_rsdp = info->rsdp_type == MB2_TAG_ACPI_NEW ? MB2_RSDP_V2_SIZE : MB2_RSDP_V1_SIZE;
	if (info->base != buf || info->total_size > len || info->total_size < MB2_INFO_MIN_SIZE)
		return fuzz_fail(iter, "base or total_size");
	if (info->cmdline && !str_in_buf(info->cmdline, buf, info->total_size))
		return fuzz_fail(iter, "cmdline");
	if (info->loader_name && !str_in_buf(info->loader_name, buf, info->total_size))
		return fuzz_fail(iter, "loader name");
	for (i = 0; i < info->nr_mmap; i++) {
		e = mb2_mmap_entry(info, i);
		if (!e || !in_buf(e, sizeof(*e), buf, info->total_size))
			return fuzz_fail(iter, "mmap entry");
		sum += e->type + (u32)e->base_addr + (u32)e->length;
		if (!mb2_memory_type_name(e->type))
			return fuzz_fail(iter, "memory type name");
	}
	if (mb2_mmap_entry(info, info->nr_mmap))
		return fuzz_fail(iter, "mmap entry past nr_mmap");
	for (i = 0; i < info->nr_modules; i++) {
		if (mb2_module(info, i, &mod) || mod.end < mod.start ||
		    !str_in_buf(mod.cmdline, buf, info->total_size))
			return fuzz_fail(iter, "module");
	}
	if (mb2_module(info, info->nr_modules, &mod) != -ENOENT)
		return fuzz_fail(iter, "module past nr_modules");
	if (info->rsdp) {
		if (!in_buf(info->rsdp, info->rsdp_len, buf, info->total_size) ||
		    info->rsdp_len < min_rsdp)
			return fuzz_fail(iter, "rsdp");
		for (i = 0; i < info->rsdp_len; i++)
			sum += ((const u8 *)info->rsdp)[i];
	}
	for (type = 0; type <= MB2_TAG_LOAD_BASE_ADDR + 1; type++) {
		for (i = 0; i < 3; i++) {
			tag = mb2_find_tag(info, type, i);
			if (tag && (!in_buf(tag, sizeof(*tag), buf, info->total_size) ||
				    !in_buf(tag, tag->size, buf, info->total_size)))
				return fuzz_fail(iter, "find_tag");
		}
	}
	(void)sum;
	return true;
}

/* fuzz_word - a value likely to sit on a boundary the parser checks. */
static u32 fuzz_word(void)
{
	static const u32 sizes[] = { 0, 1, 7, 8, 9, 12, 15, 16, 17, 20, 23, 24, 28, 32, 36, 44 };

	switch (prng_below(3)) {
	case 0:
		return sizes[prng_below(ARRAY_SIZE(sizes))];
	case 1:
		return 0xffffffff - prng_below(8);
	default:
		return 0x7ffffffc + prng_below(8);
	}
}

/* fuzz_mutate - apply one random damage to b; returns the bytes to keep. */
static u32 fuzz_mutate(struct mb2_builder *b)
{
	u32 len = b->len, n, i, off;

	switch (prng_below(6)) {
	case 0: /* flip bits */
		n = 1 + prng_below(4);
		for (i = 0; i < n; i++)
			b->buf[prng_below(len)] ^= 1 << prng_below(8);
		break;
	case 1: /* an interesting word at an aligned offset */
		off = prng_below(len / 4) * 4;
		put32(b, off, prng_below(2) ? fuzz_word() : len - off + prng_below(16) - 8);
		break;
	case 2: /* truncate and say so in total_size */
		len = prng_below(len + 1);
		if (len >= 4)
			put32(b, 0, len);
		break;
	case 3: /* truncate without telling */
		len = prng_below(len + 1);
		break;
	case 4: /* a word, then a truncation */
		if (len < MB2_INFO_HEADER_SIZE)
			break;
		off = prng_below(len / 4) * 4;
		put32(b, off, fuzz_word());
		len = MB2_INFO_HEADER_SIZE + prng_below(len - MB2_INFO_HEADER_SIZE + 1);
		put32(b, 0, len);
		break;
	default: /* random bytes over a random range */
		off = prng_below(len);
		n = prng_below(len - off + 1);
		for (i = 0; i < n; i++)
			b->buf[off + i] = (u8)prng();
		break;
	}
	return len;
}

/*
 * fuzz_one - mutate the sample, copy it to the end of an exactly-sized heap
 * block and parse it. avail is sometimes a generous bound, which is only
 * honest when the block holds the header and total_size fits in it.
 * Returns whether the invariants held.
 */
static bool fuzz_one(u32 iter, bool *parsed)
{
	struct mb2_error err;
	struct mb2_info info;
	struct sample s;
	u32 len, total, bound;
	bool ok, honest;
	size_t avail;
	u8 *heap;
	int ret;

	build_sample(&s);
	s.b.len = fuzz_mutate(&s.b);
	if (prng_below(4) == 0)
		s.b.len = fuzz_mutate(&s.b);
	len = s.b.len;
	heap = malloc(len);
	if (!heap)
		return fuzz_fail(iter, "malloc");
	memcpy(heap, s.b.buf, len);
	total = len >= 4 ? get32(heap) : 0;
	honest = len >= MB2_INFO_HEADER_SIZE && total <= len;
	avail = (honest && prng_below(2)) ? (size_t)1 << 20 : len;
	ret = mb2_parse(heap, avail, &info, &err);
	*parsed = ret == 0;
	if (ret == 0) {
		ok = fuzz_check_ok(iter, &info, heap, len);
	} else {
		bound = len >= 4 ? (total < len ? total : len) : 0;
		ok = ret == -EINVAL && err.reason && err.offset <= bound && !info.base &&
		     !info.cmdline && !info.mmap && !info.rsdp && !info.nr_modules;
		if (!ok)
			fuzz_fail(iter, err.reason ? err.reason : "rejected without a reason");
	}
	free(heap);
	return ok;
}

/* Many mutations of the sample; each counts as one check. */
static void mb2_test_fuzz(void)
{
	u32 i, accepted = 0;
	bool parsed;

	for (i = 0; i < FUZZ_ITERATIONS; i++) {
		if (!check(fuzz_one(i, &parsed), "fuzz invariants", __FILE__, __LINE__))
			printf("     iteration %u\n", i);
		accepted += parsed;
	}
	printf("fuzz: %u iterations, %u parsed, %u rejected\n", FUZZ_ITERATIONS, accepted,
	       FUZZ_ITERATIONS - accepted);
	CHECK(accepted > 0 && accepted < FUZZ_ITERATIONS);
}

/* -------------------------------------------------------------------- main */

static void (*const mb2_test_cases[])(void) = {
	mb2_test_full_sample, mb2_test_generous_avail, mb2_test_minimal,
	mb2_test_policy,      mb2_test_names,	       mb2_test_bad_cases,
	mb2_test_bad_args,    mb2_test_fuzz,	       NULL,
};

int main(void)
{
	unsigned int i;

	for (i = 0; mb2_test_cases[i]; i++)
		mb2_test_cases[i]();
	return check_summary("multiboot2");
}
