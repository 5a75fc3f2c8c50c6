/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU variables (Linux's linux/percpu-defs.h, x86's asm/percpu.h).
 *
 * DEFINE_PER_CPU puts a variable in .data..percpu, the template: it is never used in place.
 * Each CPU gets a copy (the boot CPU's reserved in the image's bss by the linker script, the
 * others allocated at bring-up), and __per_cpu_offset[cpu] is the copy minus the template.
 * GS base holds the running CPU's offset, so `%gs:var` (a sign-extended 32-bit address under
 * -mcmodel=kernel, or a RIP-relative one) lands in this CPU's copy of var: this_cpu_read()
 * and friends are one instruction each, safe against interrupts without disabling them.
 */
#ifndef _LINUX_PERCPU_H
#define _LINUX_PERCPU_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <asm/page_types.h>

#define NR_CPUS 64

#define DEFINE_PER_CPU(type, name) __section(".data..percpu") __typeof__(type) name
#define DEFINE_PER_CPU_PAGE_ALIGNED(type, name) \
	__section(".data..percpu..page_aligned") __aligned(PAGE_SIZE) __typeof__(type) name
#define DECLARE_PER_CPU(type, name) extern __typeof__(type) name
#define DECLARE_PER_CPU_PAGE_ALIGNED(type, name) extern __typeof__(type) name

extern char __per_cpu_start[], __per_cpu_end[];
extern unsigned long __per_cpu_offset[NR_CPUS];
DECLARE_PER_CPU(unsigned long, this_cpu_off);
DECLARE_PER_CPU(int, cpu_number);

/* The copy of *ptr (a per-CPU variable's address) that belongs to cpu. */
#define per_cpu_ptr(ptr, cpu) \
	((__typeof__(ptr))((unsigned long)(ptr) + __per_cpu_offset[(cpu)]))
#define per_cpu(var, cpu) (*per_cpu_ptr(&(var), (cpu)))

#define __percpu_size_check(var)                                                          \
	BUILD_BUG_ON(sizeof(var) != 1 && sizeof(var) != 2 && sizeof(var) != 4 &&        \
		     sizeof(var) != 8)

/* One mov from %gs: the running CPU's value of var (1, 2, 4 or 8 bytes). */
#define this_cpu_read(var)                                                        \
	({                                                                        \
		__typeof__(var) __v;                                              \
		__percpu_size_check(var);                                         \
		asm volatile("mov %%gs:%1, %0" : "=r"(__v) : "m"(var));           \
		__v;                                                              \
	})

#define this_cpu_write(var, val)                                                     \
	do {                                                                         \
		__typeof__(var) __v = (val);                                         \
		__percpu_size_check(var);                                            \
		asm volatile("mov %1, %%gs:%0" : "+m"(var) : "r"(__v) : "memory");  \
	} while (0)

/* One add to %gs:var: an interrupt on this CPU cannot split it. */
#define this_cpu_add(var, val)                                                       \
	do {                                                                         \
		__typeof__(var) __v = (val);                                         \
		__percpu_size_check(var);                                            \
		asm volatile("add %1, %%gs:%0" : "+m"(var) : "r"(__v) : "memory");  \
	} while (0)
#define this_cpu_inc(var) this_cpu_add(var, 1)

#define this_cpu_ptr(ptr) ((__typeof__(ptr))((unsigned long)(ptr) + this_cpu_read(this_cpu_off)))

/* The boot CPU, first thing in start_kernel: its copy of the template, GS base on it. */
void setup_boot_percpu(void);
/* A zeroed-then-templated copy for cpu (not the boot CPU): 0 or -ENOMEM. */
int setup_percpu_area(int cpu);
/* Load GS base with cpu's offset (the running CPU becomes cpu for this_cpu_*). */
void load_percpu_segment(int cpu);
/* The physical address of cpu's copy of the per-CPU object at ptr. */
phys_addr_t per_cpu_pa(const void *ptr, int cpu);

#endif /* _LINUX_PERCPU_H */
