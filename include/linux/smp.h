/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPUs and cross-calls (Linux's linux/smp.h, linux/cpumask.h, kernel/smp.c).
 *
 * NR_CPUS is 64, so a cpumask is one u64. A CPU is possible when ACPI's MADT lists it
 * enabled, present once its bring-up began, online once it runs start_secondary's idle
 * loop and takes cross-calls.
 */
#ifndef _LINUX_SMP_H
#define _LINUX_SMP_H

#include <linux/types.h>
#include <linux/percpu.h>

typedef u64 cpumask_t;

extern cpumask_t cpu_possible_mask, cpu_online_mask;
extern unsigned int nr_cpu_ids; /* one more than the highest possible CPU number */

#define smp_processor_id() this_cpu_read(cpu_number)
#define for_each_cpu(cpu, mask) \
	for (int cpu = 0; cpu < NR_CPUS; cpu++) if ((mask) & (1ULL << cpu))
#define for_each_possible_cpu(cpu) for_each_cpu(cpu, cpu_possible_mask)
#define for_each_online_cpu(cpu) for_each_cpu(cpu, READ_ONCE(cpu_online_mask))

static inline bool cpu_online(int cpu)
{
	return cpu >= 0 && cpu < NR_CPUS && (READ_ONCE(cpu_online_mask) >> cpu) & 1;
}

/* The number of bits set (no popcnt in the baseline instruction set). */
static inline unsigned int hweight64(u64 w)
{
	w -= (w >> 1) & 0x5555555555555555ULL;
	w = (w & 0x3333333333333333ULL) + ((w >> 2) & 0x3333333333333333ULL);
	w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (w * 0x0101010101010101ULL) >> 56;
}

static inline unsigned int num_online_cpus(void)
{
	return hweight64(READ_ONCE(cpu_online_mask));
}

/* What the cpus view shows for each CPU (arch/x86/kernel/smpboot.c). */
enum cpu_state { CPU_ABSENT, CPU_BOOTING, CPU_ONLINE, CPU_FAILED, CPU_HALTED };
extern enum cpu_state cpu_state[NR_CPUS];
extern const char *const cpu_state_names[];

typedef void (*smp_call_func_t)(void *info);

/*
 * A cross-call request queued on one CPU (Linux's call_single_data). The sender owns it
 * until the target clears CSD_FLAG_LOCK after running func: that is the acknowledgement.
 */
struct call_single_data {
	struct call_single_data *next;
	smp_call_func_t func;
	void *info;
	unsigned int flags;
};
#define CSD_FLAG_LOCK 1U

/*
 * Run func(info) on every CPU in mask that is online, but not this one; wait until all
 * have run it when wait. Requests queue per CPU, and an IPI is sent only to a CPU whose
 * queue was empty: one interrupt serves every request queued before it runs. A sender
 * spinning for acknowledgements serves its own queue, so two CPUs calling each other
 * with interrupts off do not deadlock.
 */
void smp_call_function_many(cpumask_t mask, smp_call_func_t func, void *info, bool wait);
/* The same on one CPU (cpu may be this one: then func runs here, interrupts off). */
int smp_call_function_single(int cpu, smp_call_func_t func, void *info, bool wait);
/* func on every online CPU, this one included (first the others' requests, then here). */
void on_each_cpu(smp_call_func_t func, void *info, bool wait);
/* The cross-call interrupt's handler, and the same work done by a waiting CPU. */
void generic_smp_call_function_interrupt(void);
void flush_smp_call_function_queue(void);
/* After a CPU ran a batch of requests, before it acknowledges them (arch/x86/mm/tlb.c). */
void arch_smp_call_batch_end(void);

/* Boot: bring up every possible CPU (arch/x86/kernel/smpboot.c). */
void smp_init(void);
/* Stop the other CPUs (NMI): panic's first step. */
void smp_send_stop(void);
/* Boot parameters nosmp and maxcpus=N. */
int smp_param_nosmp(const char *val);
int smp_param_maxcpus(const char *val);

#endif /* _LINUX_SMP_H */
