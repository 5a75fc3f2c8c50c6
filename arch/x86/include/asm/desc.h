/* SPDX-License-Identifier: GPL-2.0 */
/* GDT, TSS and IDT: descriptors and the per-CPU setup. */
#ifndef _ASM_X86_DESC_H
#define _ASM_X86_DESC_H

#include <linux/types.h>
#include <linux/compiler.h>

#include <asm/irq_vectors.h>

/* IST slots (Linux's numbering): the double fault runs on a stack of its own. */
#define IST_INDEX_DF 0
#define IST_INDEX_NMI 1
#define IST_INDEX_MCE 2
#define N_EXCEPTION_STACKS 3

struct tss_struct {
	u32 reserved0;
	u64 sp0, sp1, sp2;
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 io_bitmap_base;
} __packed;

/* Load the running CPU's GDT and TSS from its per-CPU copy (GS base set). */
void cpu_init(void);
void idt_setup(void);

#endif /* _ASM_X86_DESC_H */
