/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exception fixup table (Linux's __ex_table): an instruction that may fault names the
 * place to continue at. Entries are absolute addresses, sorted once at boot.
 */
#ifndef _ASM_X86_EXTABLE_H
#define _ASM_X86_EXTABLE_H

#ifndef __ASSEMBLY__
#include <linux/types.h>

struct exception_table_entry {
	unsigned long insn, fixup;
};

#define _ASM_EXTABLE(from, to)              \
	" .pushsection __ex_table, \"a\"\n" \
	" .balign 8\n"                      \
	" .quad " #from ", " #to "\n"       \
	" .popsection\n"

struct pt_regs;
void sort_main_extable(void);
const struct exception_table_entry *search_exception_tables(unsigned long ip);
/* If regs->ip has a fixup, move regs->ip there and return true. */
bool fixup_exception(struct pt_regs *regs);
#endif

#endif /* _ASM_X86_EXTABLE_H */
