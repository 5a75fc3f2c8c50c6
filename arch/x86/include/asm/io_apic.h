/* SPDX-License-Identifier: GPL-2.0 */
/* The IOAPIC (Linux's asm/io_apic.h): the ISA IRQs routed to a CPU's local APIC. */
#ifndef _ASM_X86_IO_APIC_H
#define _ASM_X86_IO_APIC_H

#include <linux/types.h>

#define IO_APIC_REG_VERSION 0x01

extern bool ioapic_in_use;

/* Read IOAPIC register reg through ioapic_base (arch/x86/mm/ioremap.c maps it). */
u32 io_apic_read(u32 reg); /* else the 8259 pair through LINT0 (virtual wire) */

/* From ACPI's MADT: mask every pin, or fall back to the 8259 when ACPI gave no IOAPIC. */
void setup_IO_APIC(void);
/* Unmask ISA irq (after MADT overrides) to vector ISA_IRQ_VECTOR(irq) on cpu: 0 or -errno. */
int ioapic_route_isa_irq(unsigned int irq, int cpu);
/* The GSI an ISA IRQ arrives on, and the "4-edge"-style trigger name for the interrupts view. */
u32 isa_irq_to_gsi(unsigned int irq);
const char *isa_irq_trigger(unsigned int irq);
/* Unmask a legacy IRQ on the boot CPU through whichever controller is in use. */
void legacy_irq_unmask(unsigned int irq);

#endif /* _ASM_X86_IO_APIC_H */
