// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for the layout table (arch/x86/include/asm/layout.def, as arch/x86/mm/layout.c
 * builds it) against Linux v4.19's mm.txt tables.
 *
 * The reference is read from tests/data/linux-4.19-x86_64-mm-table.txt (or the path given
 * as the second argument), and from ../shared/reference/ when that is there too. Row by
 * row, for the 4-level and the 5-level table: kind, start, end, size column, description,
 * and layout_format_row() reproducing the reference line byte for byte. Then the table's
 * own consistency (address order, no overlap, holes filling their gaps, sizes matching the
 * "(=N bits)" / "(=N TB)" columns), the ptdump markers (linux-formats.md §3), and fixed
 * Linux facts (linux-formats.md §1) through the generated constants.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* glibc's <sys/cdefs.h> has its own; the kernel's compiler.h defines it again. */
#undef __always_inline

/* scnprintf from the kernel's lib/vsprintf.c; its snprintf family renamed away from libc's. */
#define vsnprintf carto_vsnprintf
#define snprintf carto_snprintf
#define scnprintf carto_scnprintf
#include "../../lib/vsprintf.c"

#include "../../arch/x86/mm/layout.c"

#include <asm/page_types.h>
#include <asm/pgtable.h>

#define REF_COPY "tests/data/linux-4.19-x86_64-mm-table.txt"
#define REF_SHARED "../shared/reference/linux-4.19-x86_64-mm-table.txt"
#define FORMATS_SHARED "../shared/reference/linux-formats.md"
#define REF_MAX_ROWS 64
#define REF_LINE 256

#include "check.h"

/* ------------------------------------------------------------- the reference, parsed */

/* One line of a reference table, taken apart the way mm.txt writes it. */
struct ref_row {
	enum layout_kind kind;
	unsigned long start, end; /* RANGE: both; FIXMAP: end */
	char size[32]; /* "(=47 bits)", "(1520 MB)", or "" */
	char what[REF_LINE]; /* the description; TEXT and MARKER: the whole line */
	char line[REF_LINE]; /* the line as written, without its newline */
};

struct ref_table {
	const char *title;
	struct ref_row rows[REF_MAX_ROWS];
	unsigned int n;
};

static bool parse_hex16(const char *s, unsigned long *v)
{
	*v = 0;
	for (int i = 0; i < 16; i++) {
		char c = s[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			return false;
		*v = *v << 4 | d;
	}
	return true;
}

/* Take one table line apart. False if it is none of the four shapes. */
static bool parse_row(const char *line, struct ref_row *r)
{
	static const char fixmap[] = "[fixmap start]   - ";
	const char *rest;

	memset(r, 0, sizeof(*r));
	if (strlen(line) >= sizeof(r->line))
		return false;
	strcpy(r->line, line);
	if (parse_hex16(line, &r->start) && !strncmp(line + 16, " - ", 3) &&
	    parse_hex16(line + 19, &r->end) && line[35] == ' ') {
		r->kind = LAYOUT_KIND_RANGE;
		rest = line + 36;
	} else if (!strncmp(line, fixmap, strlen(fixmap)) &&
		   parse_hex16(line + strlen(fixmap), &r->end) &&
		   line[strlen(fixmap) + 16] == ' ') {
		r->kind = LAYOUT_KIND_FIXMAP;
		rest = line + strlen(fixmap) + 17;
	} else {
		r->kind =
			(line[0] == ' ' || line[0] == '\t') ? LAYOUT_KIND_MARKER : LAYOUT_KIND_TEXT;
		strcpy(r->what, line);
		return true;
	}
	if (rest[0] == '(') { /* the size column */
		const char *close = strchr(rest, ')');

		if (!close || (size_t)(close - rest + 1) >= sizeof(r->size))
			return false;
		memcpy(r->size, rest, close - rest + 1);
		rest = close + 1;
		while (*rest == ' ')
			rest++;
	}
	strcpy(r->what, rest);
	return *r->what;
}

/*
 * Read both tables of the reference: the lines after each "Virtual memory map with N
 * level page tables:" header, blank lines and '#' comments skipped.
 */
static bool parse_reference(const char *path, struct ref_table *t4, struct ref_table *t5)
{
	char buf[REF_LINE + 2];
	struct ref_table *cur = NULL;
	bool ok = true;
	FILE *f = fopen(path, "r");

	t4->n = t5->n = 0;
	if (!f)
		return false;
	while (fgets(buf, sizeof(buf), f)) {
		size_t len = strlen(buf);

		if (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		if (!len || buf[0] == '#')
			continue;
		if (!strcmp(buf, "Virtual memory map with 4 level page tables:")) {
			cur = t4;
			continue;
		}
		if (!strcmp(buf, "Virtual memory map with 5 level page tables:")) {
			cur = t5;
			continue;
		}
		if (!cur || cur->n == REF_MAX_ROWS || !parse_row(buf, &cur->rows[cur->n])) {
			printf("     %s: cannot read \"%s\"\n", path, buf);
			ok = false;
			continue;
		}
		cur->n++;
	}
	fclose(f);
	return ok && t4->n && t5->n;
}

/* ------------------------------------------------------------------- sizes as written */

/* "(=47 bits)", "(=64 TB)", "(1520 MB)", "(1TB)", "(12800 TB)", "(8PB)": the bytes meant. */
static bool parse_size(const char *s, unsigned long *bytes)
{
	static const struct {
		const char *unit;
		unsigned int shift;
	} units[] = { { "kB", 10 }, { "MB", 20 }, { "GB", 30 }, { "TB", 40 }, { "PB", 50 } };
	unsigned long n = 0;
	const char *p = strchr(s, '(');

	if (!p)
		return false;
	p++;
	if (*p == '=')
		p++;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		n = n * 10 + (*p++ - '0');
	while (*p == ' ')
		p++;
	if (!strncmp(p, "bits)", 5)) {
		*bytes = n < 64 ? 1UL << n : 0;
		return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		size_t ul = strlen(units[i].unit);

		if (!strncmp(p, units[i].unit, ul) && p[ul] == ')') {
			*bytes = n << units[i].shift;
			return true;
		}
	}
	return false;
}

/*
 * Where mm.txt itself does not add up (5-level table): vmalloc is 12800 TB, not the 2^54
 * its "(=54 bits)" says; the kasan row ends at fffffc0000000000, the first byte of the
 * hole after it, so neither "(=53 bits)" nor "(8PB)" is its size and it overlaps the hole.
 * The table copies mm.txt; these are the only rows allowed to disagree with themselves.
 */
enum { Q_SIZE = 1, Q_OVERLAPS_NEXT = 2 };
static const struct {
	bool five;
	const char *id;
	unsigned int what;
} ref_quirks[] = { { true, "VMALLOC", Q_SIZE }, { true, "KASAN", Q_SIZE | Q_OVERLAPS_NEXT } };

static bool is_quirk(bool five, const struct layout_region *r, unsigned int what)
{
	for (size_t i = 0; r && i < ARRAY_SIZE(ref_quirks); i++)
		if (ref_quirks[i].five == five && !strcmp(ref_quirks[i].id, r->id) &&
		    (ref_quirks[i].what & what))
			return true;
	return false;
}

/* --------------------------------------------------------------------------- the cases */

static const char *const kind_name[] = { "RANGE", "TEXT", "FIXMAP", "MARKER" };

/* Each row of the table against the reference's, and formatted back into its line. */
static void compare_rows(const struct layout_region *regions, unsigned int n,
			 const struct ref_table *ref, const char *path)
{
	char buf[REF_LINE];

	if (!check(n == ref->n, "as many rows as the reference", __FILE__, __LINE__))
		printf("     %s (%s): %u rows, reference %u\n", ref->title, path, n, ref->n);
	for (unsigned int i = 0; i < n && i < ref->n; i++) {
		const struct layout_region *r = &regions[i];
		const struct ref_row *w = &ref->rows[i];
		char size[32];
		size_t sl = strlen(r->size);
		int len;
		bool ok = r->kind == w->kind;

		/* the size column as printed: "(=512 MB) " keeps mm.txt's double space */
		while (sl && r->size[sl - 1] == ' ')
			sl--;
		snprintf(size, sizeof(size), "%.*s", (int)sl, r->size);
		if (w->kind == LAYOUT_KIND_RANGE)
			ok = ok && r->start == w->start;
		if (w->kind == LAYOUT_KIND_RANGE || w->kind == LAYOUT_KIND_FIXMAP)
			ok = ok && r->end == w->end && !strcmp(size, w->size);
		ok = ok && !strcmp(r->what, w->what);
		if (!check(ok, "row matches the reference", __FILE__, __LINE__))
			printf("     %s row %u (%s): %s %016lx-%016lx \"%s\" \"%s\"; want %s %016lx-%016lx \"%s\" \"%s\"\n",
			       ref->title, i, r->id, kind_name[r->kind], r->start, r->end, size,
			       r->what, kind_name[w->kind], w->start, w->end, w->size, w->what);
		len = layout_format_row(r, buf, sizeof(buf));
		if (!check(!strcmp(buf, w->line) && len == (int)strlen(w->line),
			   "layout_format_row reproduces the line", __FILE__, __LINE__))
			printf("     %s row %u (%s):\n     got  \"%s\" (%d)\n     want \"%s\"\n",
			       ref->title, i, r->id, buf, len, w->line);
	}
}

/* The regions around row i that are not markers (NULL at either end). */
static const struct layout_region *neighbour(const struct layout_region *regions, unsigned int n,
					     unsigned int i, int dir)
{
	for (int j = (int)i + dir; j >= 0 && j < (int)n; j += dir)
		if (regions[j].kind != LAYOUT_KIND_MARKER)
			return &regions[j];
	return NULL;
}

/*
 * The table's own consistency: start <= end, address order without overlap, holes (TEXT)
 * exactly filling the gap between their neighbours, markers at the next row's start, and
 * each stated size (size column and description) equal to end - start + 1.
 */
static void check_consistency(const struct layout_region *regions, unsigned int n, bool five)
{
	const char *title = five ? "5-level" : "4-level";
	unsigned int quirks_seen = 0;

	for (unsigned int i = 0; i < n; i++) {
		const struct layout_region *r = &regions[i];
		const struct layout_region *prev = neighbour(regions, n, i, -1);
		const struct layout_region *next = neighbour(regions, n, i, 1);
		bool quirk = is_quirk(five, prev, Q_OVERLAPS_NEXT);
		unsigned long bytes;
		bool ok = r->start <= r->end, sizes_ok = true;

		if (r->kind == LAYOUT_KIND_MARKER) {
			ok = ok && r->start == r->end && next && next->start == r->start &&
			     (!prev || prev->end < r->start);
		} else {
			ok = ok &&
			     (!prev || prev->end < r->start || (quirk && prev->end == r->start));
			if (r->kind == LAYOUT_KIND_TEXT)
				ok = ok && prev && next && next->start - 1 == r->end &&
				     (prev->end + 1 == r->start ||
				      (quirk && prev->end == r->start));
		}
		if (!check(ok, "rows in order, holes fill their gaps", __FILE__, __LINE__))
			printf("     %s row %u (%s): %016lx-%016lx\n", title, i, r->id, r->start,
			       r->end);
		if (r->kind != LAYOUT_KIND_RANGE)
			continue;
		if (*r->size && (!parse_size(r->size, &bytes) || bytes != r->end - r->start + 1))
			sizes_ok = false;
		if (parse_size(r->what, &bytes) && bytes != r->end - r->start + 1)
			sizes_ok = false;
		if (!sizes_ok && is_quirk(five, r, Q_SIZE)) {
			quirks_seen++;
			continue;
		}
		if (!check(sizes_ok, "stated sizes match the range", __FILE__, __LINE__))
			printf("     %s row %u (%s): %016lx-%016lx is 0x%lx bytes; says \"%s\" \"%s\"\n",
			       title, i, r->id, r->start, r->end, r->end - r->start + 1, r->size,
			       r->what);
	}
	/* the quirks are still there: if mm.txt's rows were corrected, so must this list be */
	if (five)
		CHECK(quirks_seen == ARRAY_SIZE(ref_quirks));
}

static void layout_test_reference(const char *path)
{
	static struct ref_table t4 = { .title = "4-level" }, t5 = { .title = "5-level" };
	static struct ref_table s4 = { .title = "4-level" }, s5 = { .title = "5-level" };
	bool shared;

	if (!check(parse_reference(path, &t4, &t5), "reference parsed", __FILE__, __LINE__)) {
		printf("     %s\n", path);
		return;
	}
	compare_rows(layout_regions, NR_LAYOUT_ROWS, &t4, path);
	compare_rows(layout5_regions, nr_layout5_regions, &t5, path);

	/* the shared reference beside the repository, when it is there: same rows */
	shared = parse_reference(REF_SHARED, &s4, &s5);
	if (!shared) {
		printf("layout: %s not found: checked %s only\n", REF_SHARED, path);
		return;
	}
	compare_rows(layout_regions, NR_LAYOUT_ROWS, &s4, REF_SHARED);
	compare_rows(layout5_regions, nr_layout5_regions, &s5, REF_SHARED);
	CHECK(s4.n == t4.n && s5.n == t5.n && !memcmp(s4.rows, t4.rows, sizeof(t4.rows)) &&
	      !memcmp(s5.rows, t5.rows, sizeof(t5.rows)));
}

/* Linux's ptdump region headers (linux-formats.md §3), in address order. */
static const char *const ptdump_names[] = {
	"User Space",  "Kernel Space",	       "Low Kernel Mapping",  "vmalloc() Area",
	"Vmemmap",     "KASAN shadow",	       "CPU entry Area",      "LDT remap",
	"ESPfix Area", "EFI Runtime Services", "High Kernel Mapping", "Modules",
	"End Modules", "Fixmap Area",
};

/* The "---[ name ]---" headers of §3 of linux-formats.md, if that file is there. */
static unsigned int read_formats_names(const char *path, char names[][64], unsigned int max)
{
	char buf[1024];
	bool in3 = false, list = false;
	unsigned int n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	while (fgets(buf, sizeof(buf), f)) {
		if (!strncmp(buf, "## ", 3))
			in3 = !strncmp(buf, "## 3.", 5);
		list = in3 && (list || strstr(buf, "Region headers"));
		if (!list)
			continue;
		for (char *p = buf; (p = strstr(p, "---[ ")) && n < max;) {
			char *end = strstr(p, " ]---");

			if (!end || end - p - 5 >= 64)
				break;
			memcpy(names[n], p + 5, end - p - 5);
			names[n][end - p - 5] = '\0';
			n++;
			p = end;
		}
		if (strstr(buf, "One line per run"))
			break;
	}
	fclose(f);
	return n;
}

static void layout_test_markers(void)
{
	char from_doc[32][64];
	unsigned int n = 0, nd;
	unsigned long prev = 0;

	layout_init();
	for (; address_markers[n].name; n++) {
		const struct addr_marker *m = &address_markers[n];
		unsigned long want = 1; /* no row of that name */

		if (!check(n < ARRAY_SIZE(ptdump_names), "no more markers than Linux's", __FILE__,
			   __LINE__))
			break;
		CHECK_STR(m->name, ptdump_names[n]);
		for (unsigned int i = 0; i < NR_LAYOUT_ROWS; i++)
			if (!strcmp(layout_regions[i].ptdump, m->name))
				want = layout_regions[i].start;
		if (!strcmp(m->name, "End Modules"))
			want = LAYOUT_MODULES_END + 1;
		if (!check(m->start_address == want && (n == 0 || m->start_address > prev),
			   "marker at its row's start, in address order", __FILE__, __LINE__))
			printf("     \"%s\" at 0x%016lx, want 0x%016lx (previous 0x%016lx)\n",
			       m->name, m->start_address, want, prev);
		prev = m->start_address;
	}
	CHECK_EQ(n, ARRAY_SIZE(ptdump_names));
	CHECK_EQ(address_markers[0].start_address, 0);

	nd = read_formats_names(FORMATS_SHARED, from_doc, ARRAY_SIZE(from_doc));
	if (!nd) {
		printf("layout: %s not found: markers checked against the list in this test\n",
		       FORMATS_SHARED);
		return;
	}
	CHECK_EQ(nd, ARRAY_SIZE(ptdump_names));
	for (unsigned int i = 0; i < nd && i < ARRAY_SIZE(ptdump_names); i++)
		CHECK_STR(ptdump_names[i], from_doc[i]);
}

/* The enum, the ids and the generated constants are the same rows. */
static void layout_test_generated(void)
{
	unsigned int rows = 0;

#define LAYOUT_ROW(row, k, s, e, sz, w, pd)                                         \
	do {                                                                        \
		CHECK_STR(layout_regions[LAYOUT_##row].id, #row);                   \
		CHECK_EQ(layout_regions[LAYOUT_##row].start, LAYOUT_##row##_START); \
		CHECK_EQ(layout_regions[LAYOUT_##row].end, LAYOUT_##row##_END);     \
		rows++;                                                             \
	} while (0);
#include <asm/layout.def>
	CHECK_EQ(rows, NR_LAYOUT_ROWS);
}

/* x86-64 4-level: the pgd slot of an address (bits 47..39). */
static unsigned int slot(unsigned long va)
{
	return (va >> 39) & 511;
}

/* Linux v4.19 facts (linux-formats.md §1). */
static void layout_test_linux_facts(void)
{
	static const struct {
		const char *what;
		unsigned long va;
		unsigned int slot;
	} slots[] = {
		{ "direct map", LAYOUT_DIRECT_MAP_START, 272 },
		{ "vmalloc", VMALLOC_START, 402 },
		{ "vmemmap", VMEMMAP_START, 468 },
		{ "cpu_entry_area", CPU_ENTRY_AREA_BASE, 508 },
		{ "cpu_entry_area end", LAYOUT_CPU_ENTRY_AREA_END, 508 },
		{ "LDT", LAYOUT_LDT_REMAP_START, 509 },
		{ "LDT end", LAYOUT_LDT_REMAP_END, 509 },
		{ "espfix", LAYOUT_ESPFIX_START, 510 },
		{ "espfix end", LAYOUT_ESPFIX_END, 510 },
		{ "EFI", LAYOUT_EFI_START, 511 },
		{ "kernel text", __START_KERNEL_map, 511 },
		{ "modules", MODULES_VADDR, 511 },
		{ "modules end", MODULES_END - 1, 511 },
		{ "fixmap", LAYOUT_FIXMAP_START, 511 },
		{ "fixmap top", FIXADDR_TOP, 511 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(slots); i++) {
		if (!check(slot(slots[i].va) == slots[i].slot &&
				   pgd_index(slots[i].va) == slots[i].slot,
			   "pgd slot", __FILE__, __LINE__))
			printf("     %s 0x%016lx: slot %u (pgd_index %lu), want %u\n",
			       slots[i].what, slots[i].va, slot(slots[i].va),
			       pgd_index(slots[i].va), slots[i].slot);
	}
	CHECK_EQ(LOAD_PHYSICAL_ADDR, 0x1000000);
	CHECK_EQ(PHYSICAL_ALIGN, 0x200000);
	CHECK_EQ(LOAD_PHYSICAL_ADDR % PHYSICAL_ALIGN, 0);
	CHECK_EQ(__START_KERNEL_map, 0xffffffff80000000UL);
	CHECK_EQ(__PAGE_OFFSET, 0xffff880000000000UL);
	CHECK_EQ(layout5_regions[3].start, 0xff10000000000000UL); /* 5-level __PAGE_OFFSET */
	CHECK_STR(layout5_regions[3].id, "DIRECT_MAP");
	CHECK_EQ(__START_KERNEL, 0xffffffff81000000UL);
	CHECK_EQ(KERNEL_IMAGE_SIZE, 0x20000000UL);
	CHECK_EQ(MODULES_VADDR, 0xffffffffa0000000UL);
	CHECK_EQ(MODULES_END, 0xffffffffff000000UL);
	CHECK_EQ(MODULES_END - MODULES_VADDR, 1520UL << 20);
	CHECK_EQ(VMALLOC_START, 0xffffc90000000000UL);
	CHECK_EQ(VMALLOC_END, 0xffffe8ffffffffffUL);
	CHECK_EQ(VMALLOC_END - VMALLOC_START + 1, 32UL << 40);
	CHECK_EQ(VMEMMAP_START, 0xffffea0000000000UL);
	CHECK_EQ(CPU_ENTRY_AREA_BASE, 0xfffffe0000000000UL);
	CHECK_EQ(LAYOUT_LDT_REMAP_START, 0xfffffe8000000000UL);
	CHECK_EQ(LAYOUT_ESPFIX_START, 0xffffff0000000000UL);
	CHECK_EQ(LAYOUT_EFI_START, 0xffffffef00000000UL);
	CHECK_EQ(LAYOUT_EFI_END, 0xfffffffeffffffffUL);
	CHECK_EQ(FIXADDR_TOP, 0xffffffffff7ff000UL);
	CHECK_EQ(VSYSCALL_ADDR, 0xffffffffff600000UL);
	CHECK_EQ(LAYOUT_KASAN_START, 0xffffec0000000000UL);
	CHECK_EQ(LAYOUT_KASAN_END, 0xfffffbffffffffffUL);
	CHECK_EQ(PGDIR_SHIFT, 39);

	/* layout_find: the row of an address; markers and the gaps between rows are none */
	CHECK_STR(layout_find(0xffff880000000000UL)->id, "DIRECT_MAP");
	CHECK_STR(layout_find(0xffffffff81000000UL)->id, "KERNEL_TEXT");
	CHECK_STR(layout_find(0xfffffe0000000000UL)->id, "CPU_ENTRY_AREA");
	CHECK_STR(layout_find(0x0000800000000000UL)->id, "SIGN_HOLE");
	CHECK_STR(layout_find(0x00007fffffffffffUL)->id, "USER");
	CHECK_STR(layout_find(0xffffffffffffffffUL)->id, "TOP_HOLE");
	CHECK_STR(layout_find(0xffffffffff600fffUL)->id, "VSYSCALL");
	CHECK(!layout_find(0xffffffffff000000UL)); /* between the modules and the fixmap */
}

int main(int argc, char **argv)
{
	const char *ref = argc > 2 ? argv[2] : REF_COPY;

	layout_test_reference(ref);
	check_consistency(layout_regions, NR_LAYOUT_ROWS, false);
	check_consistency(layout5_regions, nr_layout5_regions, true);
	layout_test_markers();
	layout_test_generated();
	layout_test_linux_facts();
	return check_summary("layout");
}
