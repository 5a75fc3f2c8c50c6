/* SPDX-License-Identifier: GPL-2.0 */
/* The layout table (asm/layout.def) as C data: rows for `layout`, ptdump's markers. */
#ifndef _ASM_X86_LAYOUT_H
#define _ASM_X86_LAYOUT_H

#include <linux/types.h>

enum layout_kind { LAYOUT_KIND_RANGE, LAYOUT_KIND_TEXT, LAYOUT_KIND_FIXMAP, LAYOUT_KIND_MARKER };

enum layout_id {
#define LAYOUT_ROW(id, kind, start, end, size, what, ptdump) LAYOUT_##id,
#include <asm/layout.def>
	NR_LAYOUT_ROWS
};

struct layout_region {
	const char *id;
	enum layout_kind kind;
	unsigned long start, end; /* end inclusive */
	const char *size, *what, *ptdump;
};

extern const struct layout_region layout_regions[NR_LAYOUT_ROWS];
extern const struct layout_region layout5_regions[];
extern const unsigned int nr_layout5_regions;

/* A ptdump region header: Linux's address_markers. */
struct addr_marker {
	unsigned long start_address;
	const char *name;
};
/* In address order, ending with { 0, NULL }; valid after layout_init(). */
extern const struct addr_marker *const address_markers;
void layout_init(void);

/* The row containing va (a RANGE or FIXMAP row; holes named TEXT count too), or NULL. */
const struct layout_region *layout_find(unsigned long va);
/* Print one row as mm.txt prints it, into buf. */
int layout_format_row(const struct layout_region *r, char *buf, size_t size);

#endif /* _ASM_X86_LAYOUT_H */
