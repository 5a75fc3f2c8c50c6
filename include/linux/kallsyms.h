/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's own symbol table, embedded at build time (scripts/kallsyms, two link passes). */
#ifndef _LINUX_KALLSYMS_H
#define _LINUX_KALLSYMS_H

#include <linux/types.h>

#define KSYM_NAME_LEN 128
#define KSYM_SYMBOL_LEN (KSYM_NAME_LEN + 48)

/*
 * The symbol containing addr (or, for an address past a symbol's end, the nearest one below
 * it within the kernel image). Returns its name (NUL-terminated, in the table) and fills
 * *size, *offset and *type when not NULL, or NULL when addr is outside the image.
 */
const char *kallsyms_lookup(unsigned long addr, unsigned long *size, unsigned long *offset,
			    char *type);
/* The address of a symbol by exact name, or 0. */
unsigned long kallsyms_lookup_name(const char *name);
/* "name+0x1a/0x40" (Linux's %pS) into buf, or the bare hex address; returns the length. */
int sprint_symbol(char *buf, size_t size, unsigned long addr);
/* Number of symbols, and the i-th (sorted by address), for listing and tests. */
unsigned long kallsyms_count(void);
const char *kallsyms_symbol(unsigned long i, unsigned long *addr, unsigned long *size, char *type);

#endif /* _LINUX_KALLSYMS_H */
