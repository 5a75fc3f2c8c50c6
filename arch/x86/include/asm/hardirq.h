/* SPDX-License-Identifier: GPL-2.0 */
/* Per-CPU interrupt counts (Linux's asm/hardirq.h irq_cpustat_t): the interrupts view. */
#ifndef _ASM_X86_HARDIRQ_H
#define _ASM_X86_HARDIRQ_H

#include <linux/types.h>
#include <linux/percpu.h>
#include <asm/irq_vectors.h>

typedef struct {
	unsigned int __nmi_count;
	unsigned int apic_timer_irqs;
	unsigned int irq_spurious_count;
	unsigned int apic_error_irqs;
	unsigned int irq_resched_count;
	unsigned int irq_call_count;	/* function-call IPIs taken (shootdowns included) */
	unsigned int irq_tlb_count;	/* of the requests they carried, TLB shootdowns */
	unsigned int legacy_irqs[NR_IRQS_LEGACY];
} irq_cpustat_t;

DECLARE_PER_CPU(irq_cpustat_t, irq_stat);
#define inc_irq_stat(member) this_cpu_inc(irq_stat.member)

struct pt_regs;
/* The dispatcher for vectors FIRST_EXTERNAL_VECTOR and up (arch/x86/kernel/irq.c). */
void do_IRQ(struct pt_regs *regs);

/* Print the /proc/interrupts table through out (the monitor's `interrupts`). */
void arch_show_interrupts(int (*out)(const char *fmt, ...));

#endif /* _ASM_X86_HARDIRQ_H */
