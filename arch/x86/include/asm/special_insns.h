/* SPDX-License-Identifier: GPL-2.0 */
/* Control registers, MSRs, CPUID, TSC and interrupt-flag helpers. */
#ifndef _ASM_X86_SPECIAL_INSNS_H
#define _ASM_X86_SPECIAL_INSNS_H

#include <linux/types.h>
#include <asm/processor-flags.h>

#define DEFINE_READ_CR(n)                                              \
	static inline unsigned long read_cr##n(void)                   \
	{                                                              \
		unsigned long v;                                       \
		asm volatile("mov %%cr" #n ", %0" : "=r"(v));          \
		return v;                                              \
	}                                                              \
	static inline void write_cr##n(unsigned long v)                \
	{                                                              \
		asm volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); \
	}
DEFINE_READ_CR(0)
DEFINE_READ_CR(2)
DEFINE_READ_CR(3)
DEFINE_READ_CR(4)
#undef DEFINE_READ_CR

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (u64)hi << 32 | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}

static inline void cpuid_count(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
	cpuid_count(leaf, 0, a, b, c, d);
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (u64)hi << 32 | lo;
}

static inline unsigned long native_save_fl(void)
{
	unsigned long flags;

	asm volatile("pushfq; popq %0" : "=rm"(flags) : : "memory");
	return flags;
}

static inline void local_irq_enable(void)
{
	asm volatile("sti" : : : "memory");
}

static inline void local_irq_disable(void)
{
	asm volatile("cli" : : : "memory");
}

static inline unsigned long local_irq_save(void)
{
	unsigned long flags = native_save_fl();

	local_irq_disable();
	return flags;
}

static inline void local_irq_restore(unsigned long flags)
{
	if (flags & X86_EFLAGS_IF)
		local_irq_enable();
}

/* Wait for an interrupt with interrupts enabled: sti;hlt has no window in between. */
static inline void safe_halt(void)
{
	asm volatile("sti; hlt" : : : "memory");
}

/* SMAP: the kernel may touch user-accessible pages only between stac and clac. */
extern bool smap_enabled;

static inline void stac(void)
{
	if (smap_enabled)
		asm volatile("stac" : : : "memory");
}

static inline void clac(void)
{
	if (smap_enabled)
		asm volatile("clac" : : : "memory");
}

static inline void cpu_relax(void)
{
	asm volatile("pause" : : : "memory");
}

#endif /* _ASM_X86_SPECIAL_INSNS_H */
