/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupt vectors (Linux's asm/irq_vectors.h): 0..31 exceptions, the 16 legacy ISA IRQs
 * at 0x30..0x3f (by the IOAPIC, or the 8259 pair when ACPI gave no IOAPIC), the local APIC
 * timer and the IPIs at the top.
 */
#ifndef _ASM_X86_IRQ_VECTORS_H
#define _ASM_X86_IRQ_VECTORS_H

#define NR_VECTORS 256
#define FIRST_EXTERNAL_VECTOR 0x20
#define IRQ0_VECTOR (FIRST_EXTERNAL_VECTOR + 0x10)
#define ISA_IRQ_VECTOR(irq) (IRQ0_VECTOR + (irq))
#define NR_IRQS_LEGACY 16

#define LOCAL_TIMER_VECTOR 0xec
#define CALL_FUNCTION_SINGLE_VECTOR 0xfb
#define CALL_FUNCTION_VECTOR 0xfc
#define RESCHEDULE_VECTOR 0xfd
#define ERROR_APIC_VECTOR 0xfe
#define SPURIOUS_APIC_VECTOR 0xff

#endif /* _ASM_X86_IRQ_VECTORS_H */
