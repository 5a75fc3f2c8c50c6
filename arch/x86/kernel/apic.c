// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC (Linux's arch/x86/kernel/apic/apic.c, x2apic_phys.c): xAPIC registers in
 * the MMIO page ioremap()ed at boot (lapic_base), or x2APIC MSRs 0x800 + reg/16 when the CPU
 * has x2APIC. Each CPU enables its own, masks LINT0/LINT1 and the error LVT's noise, and
 * ticks at HZ by its timer in periodic mode, the period measured once against the TSC.
 */
#define pr_fmt(fmt) "APIC: " fmt
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/errno.h>
#include <linux/oops.h>
#include <linux/smp.h>
#include <linux/vmalloc.h>
#include <linux/timekeeping.h>
#include <asm/apic.h>
#include <asm/hardirq.h>
#include <asm/irq_vectors.h>
#include <asm/special_insns.h>
#include <asm/processor-flags.h>

#define APIC_BASE_MSR 0x800
#define X86_FEATURE_X2APIC_ECX (1U << 21) /* CPUID.1:ECX */

bool x2apic_mode;
static bool nox2apic;
u32 boot_cpu_apic_id;
u32 x86_cpu_to_apicid[NR_CPUS];
unsigned long lapic_timer_period;
volatile unsigned long jiffies;

int apic_param_nox2apic(const char *val)
{
	(void)val;
	nox2apic = true;
	return 0;
}

u32 apic_read(u32 reg)
{
	if (x2apic_mode)
		return rdmsr(APIC_BASE_MSR + (reg >> 4));
	return *(volatile u32 *)((char *)lapic_base + reg);
}

void apic_write(u32 reg, u32 v)
{
	if (x2apic_mode)
		wrmsr(APIC_BASE_MSR + (reg >> 4), v);
	else
		*(volatile u32 *)((char *)lapic_base + reg) = v;
}

u32 read_apic_id(void)
{
	u32 id = apic_read(APIC_ID);

	return x2apic_mode ? id : id >> 24;
}

/*
 * xAPIC: destination in ICR2 bits 24..31, then the low word sends; wait for the previous
 * IPI to leave first. x2APIC: one 64-bit MSR write, no busy bit.
 */
void apic_icr_write(u32 icr_low, u32 dest)
{
	if (x2apic_mode) {
		asm volatile("mfence" ::: "memory"); /* the MSR write is not serializing */
		wrmsr(APIC_BASE_MSR + (APIC_ICR >> 4), (u64)dest << 32 | icr_low);
		return;
	}
	while (apic_read(APIC_ICR) & APIC_ICR_BUSY)
		cpu_relax();
	apic_write(APIC_ICR2, dest << 24);
	apic_write(APIC_ICR, icr_low);
}

void apic_send_IPI(int cpu, u32 vector)
{
	unsigned long flags = local_irq_save();

	apic_icr_write(APIC_DM_FIXED | vector, x86_cpu_to_apicid[cpu]);
	local_irq_restore(flags);
}

void apic_send_IPI_allbutself(u32 vector)
{
	unsigned long flags = local_irq_save();

	apic_icr_write(APIC_DEST_ALLBUT | APIC_DM_FIXED | vector, 0);
	local_irq_restore(flags);
}

void apic_send_NMI_allbutself(void)
{
	apic_icr_write(APIC_DEST_ALLBUT | APIC_DM_NMI, 0);
}

static int apic_wait_icr_idle(void)
{
	if (x2apic_mode)
		return 0;
	for (int i = 0; i < 1000; i++) {
		if (!(apic_read(APIC_ICR) & APIC_ICR_BUSY))
			return 0;
		udelay(100);
	}
	return -ETIMEDOUT;
}

/* The universal startup algorithm (Intel SDM 8.4.4.1; Linux's wakeup_secondary_cpu_via_init). */
int wakeup_secondary_cpu_via_init(u32 apicid, u32 sipi_page)
{
	apic_write(APIC_ESR, 0);
	apic_icr_write(APIC_INT_LEVELTRIG | APIC_INT_ASSERT | APIC_DM_INIT, apicid);
	if (apic_wait_icr_idle())
		return -ETIMEDOUT;
	udelay(10000);
	apic_icr_write(APIC_INT_LEVELTRIG | APIC_DM_INIT, apicid); /* deassert */
	if (apic_wait_icr_idle())
		return -ETIMEDOUT;
	for (int i = 0; i < 2; i++) {
		apic_write(APIC_ESR, 0);
		apic_icr_write(APIC_DM_STARTUP | sipi_page, apicid);
		udelay(200);
		if (apic_wait_icr_idle())
			return -ETIMEDOUT;
	}
	return 0;
}

static void x2apic_enable(void)
{
	u64 base = rdmsr(MSR_IA32_APICBASE);

	if (!(base & MSR_IA32_APICBASE_EXTD))
		wrmsr(MSR_IA32_APICBASE, base | MSR_IA32_APICBASE_ENABLE | MSR_IA32_APICBASE_EXTD);
}

/* Periodic at HZ: LAPIC_TIMER_VECTOR, divide by 16, lapic_timer_period counts. */
static void lapic_timer_start(void)
{
	apic_write(APIC_TDCR, APIC_TDR_DIV_16);
	apic_write(APIC_LVTT, APIC_LVT_TIMER_PERIODIC | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TMICT, lapic_timer_period);
}

/* Count the timer down for 10 ms of TSC time, masked. */
static unsigned long lapic_calibrate(void)
{
	u32 left;

	apic_write(APIC_TDCR, APIC_TDR_DIV_16);
	apic_write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TMICT, 0xffffffff);
	udelay(10000);
	left = apic_read(APIC_TMCCT);
	apic_write(APIC_TMICT, 0);
	return (0xffffffffUL - left) * 100 / HZ;
}

void setup_local_APIC(void)
{
	if (x2apic_mode)
		x2apic_enable();
	apic_write(APIC_TASKPRI, 0);
	apic_write(APIC_SPIV, APIC_SPIV_APIC_ENABLED | SPURIOUS_APIC_VECTOR);
	/* LINT0 (ExtINT from the 8259) and LINT1 (NMI) unused: the IOAPIC routes the ISA IRQs. */
	apic_write(APIC_LVT0, APIC_LVT_MASKED | APIC_DM_EXTINT);
	apic_write(APIC_LVT1, APIC_LVT_MASKED | APIC_DM_NMI);
	apic_write(APIC_LVTERR, ERROR_APIC_VECTOR);
	apic_write(APIC_ESR, 0);
	apic_write(APIC_ESR, 0);
	apic_eoi(); /* anything left in service from before */
	if (lapic_timer_period)
		lapic_timer_start();
}

void apic_bsp_setup(void)
{
	u32 a, b, c, d;

	cpuid(1, &a, &b, &c, &d);
	x2apic_mode = (c & X86_FEATURE_X2APIC_ECX) && !nox2apic;
	if (x2apic_mode)
		x2apic_enable();
	else if (!lapic_base)
		panic("APIC: the local APIC page could not be mapped");
	boot_cpu_apic_id = read_apic_id();
	x86_cpu_to_apicid[0] = boot_cpu_apic_id;
	setup_local_APIC();
	lapic_timer_period = lapic_calibrate();
	lapic_timer_start();
	pr_info("%s mode, boot CPU APIC ID 0x%x, version 0x%02x; timer %lu counts/tick (HZ=%u)\n",
		x2apic_mode ? "x2APIC" : "xAPIC", boot_cpu_apic_id, apic_read(APIC_LVR) & 0xff,
		lapic_timer_period, HZ);
}

void smp_apic_timer_interrupt(void)
{
	inc_irq_stat(apic_timer_irqs);
	if (smp_processor_id() == 0)
		jiffies++;
}

void smp_error_interrupt(void)
{
	u32 esr;

	apic_write(APIC_ESR, 0);
	esr = apic_read(APIC_ESR);
	inc_irq_stat(apic_error_irqs);
	pr_err("APIC error on CPU%d: %02x\n", smp_processor_id(), esr);
}
