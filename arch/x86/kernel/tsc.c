// SPDX-License-Identifier: GPL-2.0
/*
 * The TSC as the clock of printk timestamps. Its frequency comes from CPUID leaf 0x15
 * (crystal ratio) or 0x16 (base MHz) when the CPU reports them, otherwise from the PIT:
 * channel 2 counts down a 10 ms window (its gate on port 0x61) while we read the TSC,
 * as Linux's pit_calibrate_tsc() does.
 */
#define pr_fmt(fmt) "tsc: " fmt
#include <linux/timekeeping.h>
#include <linux/printk.h>
#include <asm/io.h>
#include <asm/special_insns.h>

#define PIT_TICK_RATE 1193182UL
#define PIT_CH2 0x42
#define PIT_MODE 0x43
#define PIT_GATE 0x61
#define CAL_MS 10

unsigned long tsc_khz;
const char *tsc_calibration_source = "none";
static u64 tsc_boot;

static unsigned long calibrate_cpuid(void)
{
	u32 max, a, b, c, d;

	cpuid(0, &max, &b, &c, &d);
	if (max >= 0x15) {
		cpuid(0x15, &a, &b, &c, &d);
		if (a && b && c) {
			tsc_calibration_source = "CPUID 0x15";
			return (unsigned long)((u64)c * b / a / 1000);
		}
	}
	if (max >= 0x16) {
		cpuid(0x16, &a, &b, &c, &d);
		if (a & 0xffff) {
			tsc_calibration_source = "CPUID 0x16";
			return (a & 0xffff) * 1000UL;
		}
	}
	return 0;
}

static unsigned long calibrate_pit(void)
{
	unsigned long latch = PIT_TICK_RATE / (1000 / CAL_MS);
	u64 t0, t1;

	/* Gate high, speaker off; channel 2, mode 0, binary, lobyte/hibyte. */
	outb((inb(PIT_GATE) & ~0x02) | 0x01, PIT_GATE);
	outb(0xb0, PIT_MODE);
	outb(latch & 0xff, PIT_CH2);
	outb(latch >> 8, PIT_CH2);
	t0 = rdtsc();
	while (!(inb(PIT_GATE) & 0x20)) /* OUT2 goes high at terminal count */
		;
	t1 = rdtsc();
	tsc_calibration_source = "PIT";
	return (unsigned long)((t1 - t0) / CAL_MS);
}

void tsc_init(void)
{
	tsc_boot = rdtsc();
	tsc_khz = calibrate_cpuid();
	if (!tsc_khz)
		tsc_khz = calibrate_pit();
	pr_info("Detected %lu.%03lu MHz processor (calibrated by %s)\n", tsc_khz / 1000,
		tsc_khz % 1000, tsc_calibration_source);
}

u64 cycles_to_ns(u64 cycles)
{
	if (!tsc_khz)
		return 0;
	/* Split to keep cycles * 10^6 from overflowing for long uptimes. */
	return cycles / tsc_khz * 1000000ULL + cycles % tsc_khz * 1000000ULL / tsc_khz;
}

u64 sched_clock(void)
{
	return tsc_khz ? cycles_to_ns(rdtsc() - tsc_boot) : 0;
}

void udelay(unsigned long usecs)
{
	u64 end = rdtsc() + (u64)usecs * (tsc_khz ? tsc_khz : 1000000) / 1000;

	while (rdtsc() < end)
		cpu_relax();
}
