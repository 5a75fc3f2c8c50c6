/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The local APIC (Linux's asm/apic.h): xAPIC through its MMIO page, or x2APIC through MSRs
 * when the CPU has it (boot parameter nox2apic keeps xAPIC). IPIs, EOI and the timer tick.
 */
#ifndef _ASM_X86_APIC_H
#define _ASM_X86_APIC_H

#include <linux/types.h>
#include <linux/smp.h>

/* Register offsets in the xAPIC page (x2APIC MSR = 0x800 + offset / 16). */
#define APIC_ID 0x20
#define APIC_LVR 0x30
#define APIC_TASKPRI 0x80
#define APIC_EOI 0xb0
#define APIC_LDR 0xd0
#define APIC_DFR 0xe0
#define APIC_SPIV 0xf0
#define APIC_SPIV_APIC_ENABLED (1U << 8)
#define APIC_ESR 0x280
#define APIC_ICR 0x300
#define APIC_ICR2 0x310
#define APIC_LVTT 0x320
#define APIC_LVTTHMR 0x330
#define APIC_LVTPC 0x340
#define APIC_LVT0 0x350
#define APIC_LVT1 0x360
#define APIC_LVTERR 0x370
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0

#define APIC_LVT_MASKED (1U << 16)
#define APIC_LVT_TIMER_PERIODIC (1U << 17)
#define APIC_DM_FIXED 0x00000U
#define APIC_DM_NMI 0x00400U
#define APIC_DM_INIT 0x00500U
#define APIC_DM_STARTUP 0x00600U
#define APIC_DM_EXTINT 0x00700U
#define APIC_ICR_BUSY 0x01000U
#define APIC_INT_ASSERT 0x04000U
#define APIC_INT_LEVELTRIG 0x08000U
#define APIC_DEST_ALLBUT 0xc0000U
#define APIC_TDR_DIV_16 0x3U

#define HZ 250

extern bool x2apic_mode;
extern u32 boot_cpu_apic_id;
extern u32 x86_cpu_to_apicid[NR_CPUS];
extern unsigned long lapic_timer_period; /* LAPIC timer counts per tick (divide by 16) */
extern volatile unsigned long jiffies;

u32 apic_read(u32 reg);
void apic_write(u32 reg, u32 v);
u32 read_apic_id(void);
static inline void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

/* The boot CPU: x2APIC or xAPIC, enabled, its timer calibrated against the TSC. */
void apic_bsp_setup(void);
/* Each CPU (the boot CPU from apic_bsp_setup): enable, LVTs, the periodic tick at HZ. */
void setup_local_APIC(void);
/* Send vector to one APIC ID; icr_low carries the delivery mode and flags. */
void apic_icr_write(u32 icr_low, u32 dest);
void apic_send_IPI(int cpu, u32 vector);
void apic_send_IPI_allbutself(u32 vector);
void apic_send_NMI_allbutself(void);
/* INIT, then two STARTUP IPIs at page sipi_page: 0, or -ETIMEDOUT if the ICR stayed busy. */
int wakeup_secondary_cpu_via_init(u32 apicid, u32 sipi_page);
void smp_apic_timer_interrupt(void);
void smp_error_interrupt(void);
int apic_param_nox2apic(const char *val);

#endif /* _ASM_X86_APIC_H */
