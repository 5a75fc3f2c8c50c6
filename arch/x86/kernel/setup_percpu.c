// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU areas (Linux's arch/x86/kernel/setup_percpu.c, one page-granular chunk per CPU).
 * See <linux/percpu.h>: the template is copied, never written, and GS base is the offset
 * from the template to the running CPU's copy.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/smp.h>
#include <asm/special_insns.h>
#include <asm/processor-flags.h>

extern char __per_cpu_boot_area[];

unsigned long __per_cpu_offset[NR_CPUS];
DEFINE_PER_CPU(unsigned long, this_cpu_off);
DEFINE_PER_CPU(int, cpu_number);

static unsigned long percpu_size(void)
{
	return __per_cpu_end - __per_cpu_start;
}

void load_percpu_segment(int cpu)
{
	wrmsr(MSR_GS_BASE, __per_cpu_offset[cpu]);
}

/* Copy the template to area and make it cpu's. */
static void percpu_install(int cpu, char *area)
{
	memcpy(area, __per_cpu_start, percpu_size());
	__per_cpu_offset[cpu] = (unsigned long)area - (unsigned long)__per_cpu_start;
	per_cpu(this_cpu_off, cpu) = __per_cpu_offset[cpu];
	per_cpu(cpu_number, cpu) = cpu;
}

/* Before anything touches a per-CPU variable: until now GS base 0 would hit the template. */
void setup_boot_percpu(void)
{
	percpu_install(0, __per_cpu_boot_area);
	load_percpu_segment(0);
}

int setup_percpu_area(int cpu)
{
	unsigned int order = 0;
	unsigned long area;

	if (cpu <= 0 || cpu >= NR_CPUS)
		return -EINVAL;
	if (__per_cpu_offset[cpu])
		return 0; /* kept from an earlier attempt */
	while ((PAGE_SIZE << order) < percpu_size())
		order++;
	area = __get_free_pages(GFP_KERNEL, order);
	if (!area)
		return -ENOMEM;
	percpu_install(cpu, (char *)area);
	return 0;
}

phys_addr_t per_cpu_pa(const void *ptr, int cpu)
{
	return __pa(per_cpu_ptr(ptr, cpu));
}
