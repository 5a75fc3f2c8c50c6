/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_PTDUMP_H
#define _ASM_X86_PTDUMP_H

#include <linux/types.h>

/*
 * Print the page tables under pgd_pa for [start, last] in Linux's ptdump format, with
 * the region headers (CONFIG_X86_PTDUMP's /sys/kernel/debug/page_tables/kernel).
 */
void ptdump_walk(phys_addr_t pgd_pa, unsigned long start, unsigned long last);
/* The W+X check over the kernel's tables: Linux's message; returns the W+X page count. */
unsigned long ptdump_check_wx(void);

/* Bytes mapped by leaves of each size in [start, last]: meminfo's DirectMap counts. */
struct pt_mapped {
	unsigned long bytes_4k, bytes_2m, bytes_1g;
	unsigned long pgd_slots; /* pgd entries present */
};
void pt_count_mapped(phys_addr_t pgd_pa, unsigned long start, unsigned long last,
		     struct pt_mapped *m);

#endif /* _ASM_X86_PTDUMP_H */
