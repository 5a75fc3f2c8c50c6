// SPDX-License-Identifier: GPL-2.0
/*
 * External interrupts (Linux's arch/x86/kernel/irq.c): one dispatcher for every vector from
 * 0x20 up, per-CPU counts, and the /proc/interrupts table the monitor's `interrupts` prints.
 */
#define pr_fmt(fmt) fmt
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/serial.h>
#include <linux/smp.h>
#include <asm/ptrace.h>
#include <asm/apic.h>
#include <asm/io_apic.h>
#include <asm/i8259.h>
#include <asm/hardirq.h>
#include <asm/irq_vectors.h>

DEFINE_PER_CPU(irq_cpustat_t, irq_stat);
DEFINE_PER_CPU(int, irq_count); /* > 0 while this CPU handles an interrupt */

static void handle_legacy_irq(unsigned int irq)
{
	if (!ioapic_in_use && i8259_spurious(irq))
		return;
	inc_irq_stat(legacy_irqs[irq]);
	if (irq == IRQ_COM1)
		serial8250_interrupt();
	if (ioapic_in_use)
		apic_eoi();
	else
		i8259_eoi(irq);
}

/* Called by the entry stubs (via do_trap) for vectors FIRST_EXTERNAL_VECTOR and up. */
void do_IRQ(struct pt_regs *regs)
{
	unsigned long v = regs->vector;

	this_cpu_inc(irq_count);
	if (v >= IRQ0_VECTOR && v < IRQ0_VECTOR + NR_IRQS_LEGACY) {
		handle_legacy_irq(v - IRQ0_VECTOR);
	} else if (v == LOCAL_TIMER_VECTOR) {
		apic_eoi();
		smp_apic_timer_interrupt();
	} else if (v == CALL_FUNCTION_VECTOR) {
		apic_eoi();
		inc_irq_stat(irq_call_count);
		generic_smp_call_function_interrupt();
	} else if (v == RESCHEDULE_VECTOR) {
		apic_eoi();
		inc_irq_stat(irq_resched_count);
	} else if (v == ERROR_APIC_VECTOR) {
		apic_eoi();
		smp_error_interrupt();
	} else {
		/* SPURIOUS_APIC_VECTOR takes no EOI; anything else is unexpected but acked. */
		if (v != SPURIOUS_APIC_VECTOR)
			apic_eoi();
		inc_irq_stat(irq_spurious_count);
	}
	this_cpu_add(irq_count, -1);
}

/* Linux's format: prec 3, "%*s: ", then "%10u " per online CPU, then the description. */
#define show_row(out, name, member, desc)                                              \
	do {                                                                           \
		out("%3s: ", name);                                                    \
		for_each_online_cpu(cpu) out("%10u ", per_cpu(irq_stat, cpu).member); \
		out("  %s\n", desc);                                                   \
	} while (0)

void arch_show_interrupts(int (*out)(const char *fmt, ...))
{
	unsigned int err = 0;

	out("%11s", "");
	for_each_online_cpu(cpu) out("CPU%-8d", cpu);
	out("\n");
	for (unsigned int irq = 0; irq < NR_IRQS_LEGACY; irq++) {
		bool any = irq == IRQ_COM1; /* the one with a handler is always listed */

		for_each_online_cpu(cpu) any |= per_cpu(irq_stat, cpu).legacy_irqs[irq] != 0;
		if (!any)
			continue;
		out("%3u: ", irq);
		for_each_online_cpu(cpu) out("%10u ", per_cpu(irq_stat, cpu).legacy_irqs[irq]);
		out(" %8s %3u-%-8s  %s\n", ioapic_in_use ? "IO-APIC" : "XT-PIC",
		    ioapic_in_use ? isa_irq_to_gsi(irq) : irq, isa_irq_trigger(irq),
		    irq == IRQ_COM1 ? "ttyS0" : "");
	}
	show_row(out, "NMI", __nmi_count, "Non-maskable interrupts");
	show_row(out, "LOC", apic_timer_irqs, "Local timer interrupts");
	show_row(out, "SPU", irq_spurious_count, "Spurious interrupts");
	show_row(out, "RES", irq_resched_count, "Rescheduling interrupts");
	show_row(out, "CAL", irq_call_count, "Function call interrupts");
	show_row(out, "TLB", irq_tlb_count, "TLB shootdowns");
	for_each_possible_cpu(cpu) err += per_cpu(irq_stat, cpu).apic_error_irqs;
	out("%3s: %10u\n", "ERR", err);
}
