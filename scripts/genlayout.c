// SPDX-License-Identifier: GPL-2.0
/*
 * genlayout: turn arch/x86/include/asm/layout.def into the headers that cannot include
 * an X-macro table themselves.
 *
 *   genlayout h    > layout.h    #defines for C and the preprocessed linker script
 *   genlayout inc  > layout.inc  %defines for NASM
 *
 * Each 4-level row gives LAYOUT_<id>_START and LAYOUT_<id>_END (inclusive, as the
 * table writes it); each LAYOUT_CONST gives its name. Values are printed in hex.
 */
#include <stdio.h>
#include <string.h>

struct row {
	const char *name;
	unsigned long long value;
};

static const struct row rows[] = {
#define LAYOUT_ROW(id, kind, start, end, size, what, ptdump) \
	{ "LAYOUT_" #id "_START", start##ULL }, { "LAYOUT_" #id "_END", end##ULL },
#define LAYOUT_CONST(name, value) { #name, value##ULL },
#include "asm/layout.def"
};

int main(int argc, char **argv)
{
	int nasm = argc > 1 && !strcmp(argv[1], "inc");
	size_t i;

	printf("%s Generated from arch/x86/include/asm/layout.def by scripts/genlayout. */\n",
	       nasm ? "; /*" : "/*");
	if (!nasm)
		printf("#ifndef _GENERATED_LAYOUT_H\n#define _GENERATED_LAYOUT_H\n"
		       "#include <linux/const.h>\n");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (nasm)
			printf("%%define %s 0x%016llx\n", rows[i].name, rows[i].value);
		else
			printf("#define %s _AC(0x%016llx, UL)\n", rows[i].name, rows[i].value);
	}
	if (!nasm)
		printf("#endif\n");
	return 0;
}
