// SPDX-License-Identifier: GPL-2.0
/*
 * The layout table as data: the rows of Linux v4.19's mm.txt (4-level and 5-level) and the
 * ptdump region markers, all from asm/layout.def.
 */
#include <linux/kernel.h>
#include <asm/layout.h>
#include <generated/layout.h>

const struct layout_region layout_regions[NR_LAYOUT_ROWS] = {
#define LAYOUT_ROW(id, kind, start, end, size, what, ptdump) \
	{ #id, LAYOUT_KIND_##kind, start##UL, end##UL, size, what, ptdump },
#include <asm/layout.def>
};

const struct layout_region layout5_regions[] = {
#define LAYOUT5_ROW(id, kind, start, end, size, what) \
	{ #id, LAYOUT_KIND_##kind, start##UL, end##UL, size, what, "" },
#include <asm/layout.def>
};
const unsigned int nr_layout5_regions = ARRAY_SIZE(layout5_regions);

/* Markers at region starts (the rows are in address order), then the end markers. */
static const struct addr_marker markers[] = {
#define LAYOUT_ROW(id, kind, start, end, size, what, ptdump) { start##UL, ptdump },
#define LAYOUT_PTDUMP_END(id, name) { LAYOUT_##id##_END + 1, name },
#include <asm/layout.def>
};

static struct addr_marker sorted_markers[ARRAY_SIZE(markers) + 1];
const struct addr_marker *const address_markers = sorted_markers;

/* Merge the named markers into address order once, at boot (an insertion sort). */
void layout_init(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(markers); i++) {
		unsigned int j = n;

		if (!*markers[i].name)
			continue;
		for (; j && sorted_markers[j - 1].start_address > markers[i].start_address; j--)
			sorted_markers[j] = sorted_markers[j - 1];
		sorted_markers[j] = markers[i];
		n++;
	}
	sorted_markers[n] = (struct addr_marker){ 0, NULL };
}

const struct layout_region *layout_find(unsigned long va)
{
	for (unsigned int i = 0; i < NR_LAYOUT_ROWS; i++) {
		const struct layout_region *r = &layout_regions[i];

		if (r->kind != LAYOUT_KIND_MARKER && va >= r->start && va <= r->end)
			return r;
	}
	return NULL;
}

int layout_format_row(const struct layout_region *r, char *buf, size_t size)
{
	switch (r->kind) {
	case LAYOUT_KIND_TEXT:
	case LAYOUT_KIND_MARKER:
		return scnprintf(buf, size, "%s", r->what);
	case LAYOUT_KIND_FIXMAP:
		return scnprintf(buf, size, "[fixmap start]   - %016lx %s", r->end, r->what);
	default:
		return scnprintf(buf, size, "%016lx - %016lx %s %s", r->start, r->end, r->size,
				 r->what);
	}
}
