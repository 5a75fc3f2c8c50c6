/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_TIMEKEEPING_H
#define _LINUX_TIMEKEEPING_H

#include <linux/types.h>

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_USEC 1000ULL

/* TSC frequency in kHz, 0 until calibrated; how it was found ("PIT", "CPUID 0x15", ...). */
extern unsigned long tsc_khz;
extern const char *tsc_calibration_source;
void tsc_init(void);
u64 sched_clock(void); /* nanoseconds since boot by the TSC, 0 before tsc_init() */
u64 cycles_to_ns(u64 cycles);
void udelay(unsigned long usecs);

#endif /* _LINUX_TIMEKEEPING_H */
