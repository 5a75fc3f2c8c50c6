/* SPDX-License-Identifier: GPL-2.0 */
/* Flushing kernel translations from the TLB (local CPU; shootdowns come with SMP). */
#ifndef _ASM_X86_TLBFLUSH_H
#define _ASM_X86_TLBFLUSH_H

#include <linux/types.h>

/* Ranges larger than this many pages are flushed whole (Linux's default: 33). */
extern unsigned long tlb_single_page_flush_ceiling;

void flush_tlb_one_kernel(unsigned long addr);
void flush_tlb_kernel_range(unsigned long start, unsigned long end);
void flush_tlb_all(void);

#endif /* _ASM_X86_TLBFLUSH_H */
