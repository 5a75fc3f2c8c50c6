/* SPDX-License-Identifier: GPL-2.0 */
/* GDT, TSS and IDT of the boot CPU. */
#ifndef _ASM_X86_DESC_H
#define _ASM_X86_DESC_H

#include <linux/types.h>
#include <linux/compiler.h>

#define NR_VECTORS 256
#define FIRST_EXTERNAL_VECTOR 0x20
#define IRQ0_VECTOR FIRST_EXTERNAL_VECTOR /* legacy PIC IRQs 0..15 at 0x20..0x2f */
#define SPURIOUS_VECTOR 0xff

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

void cpu_init_gdt_tss(void);
void idt_setup(void);

#endif /* _ASM_X86_DESC_H */
