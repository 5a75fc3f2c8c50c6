// SPDX-License-Identifier: GPL-2.0
/*
 * The CPUs: `cpus` (each CPU's number, APIC ID, state and the features it runs with, read
 * on that CPU by a cross-call), `interrupts` (Linux's /proc/interrupts) and `tlbtest`
 * (arch/x86/mm/tlbtest.c's workloads, what they moved).
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/printk.h>
#include <linux/smp.h>
#include <asm/apic.h>
#include <asm/hardirq.h>
#include <asm/special_insns.h>
#include <asm/processor-flags.h>
#include <asm/tlbflush.h>
#include <asm/tlbtest.h>
#include "monitor.h"

struct cpu_snapshot {
	u32 apic_id;
	unsigned long cr4;
	u64 apicbase;
};

static void take_cpu_snapshot(void *data)
{
	struct cpu_snapshot *s = data;

	s->apic_id = read_apic_id();
	s->cr4 = read_cr4();
	s->apicbase = rdmsr(MSR_IA32_APICBASE);
}

static const char *on_off(bool on)
{
	return on ? "on" : "off";
}

int cmd_cpus(int argc, char **argv)
{
	if (argc != 1)
		return monitor_usage(argv[0]);
	con_printf("CPU  APIC ID  state    PCID  INVPCID  x2APIC  SMEP  SMAP\n");
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct cpu_snapshot s = { .apic_id = x86_cpu_to_apicid[cpu] };
		bool online = cpu_online(cpu);

		if (cpu_state[cpu] == CPU_ABSENT)
			continue;
		if (!online) {
			con_printf("%3d  %7u  %-7s  -     -        -       -     -\n", cpu, s.apic_id,
				   cpu_state_names[cpu_state[cpu]]);
			continue;
		}
		smp_call_function_single(cpu, take_cpu_snapshot, &s, true);
		con_printf("%3d  %7u  %-7s  %-4s  %-7s  %-6s  %-4s  %s\n", cpu, s.apic_id,
			   cpu_state_names[cpu_state[cpu]], on_off(s.cr4 & X86_CR4_PCIDE),
			   on_off(tlb_flush_mode == TLB_MODE_INVPCID),
			   on_off(s.apicbase & MSR_IA32_APICBASE_EXTD), on_off(s.cr4 & X86_CR4_SMEP),
			   on_off(s.cr4 & X86_CR4_SMAP));
	}
	con_printf("%u of %u CPUs online\n", num_online_cpus(), nr_cpu_ids);
	return 0;
}

int cmd_interrupts(int argc, char **argv)
{
	if (argc != 1)
		return monitor_usage(argv[0]);
	arch_show_interrupts(con_printf);
	return 0;
}

static int tlbtest_stale(void)
{
	struct tlb_stale_result r;
	int err = tlb_stale_check(&r);

	if (err) {
		con_printf("tlbtest: stale: cannot map the scratch page (%d)\n", err);
		return err;
	}
	con_printf("tlbtest stale: %u CPU%s read the remapped page: %u new, %u stale%s\n", r.cpus,
		   r.cpus == 1 ? "" : "s", r.fresh, r.stale,
		   tlb_skip_shootdown ? " (shootdowns off)" : "");
	return 0;
}

int cmd_tlbtest(int argc, char **argv)
{
	struct tlbtest_result r;
	unsigned long n;
	int err;

	if (argc == 2 && !strcmp(argv[1], "stale"))
		return tlbtest_stale();
	if (argc != 2 || kstrtoul(argv[1], 0, &n))
		return monitor_usage(argv[0]);
	if (!n || n > 65536) {
		con_printf("tlbtest: %s: pages must be 1..65536\n", argv[1]);
		return -EINVAL;
	}
	err = tlbtest_run(n, &r);
	if (err) {
		con_printf("tlbtest: cannot vmalloc %lu pages\n", n);
		return err;
	}
	con_printf("tlbtest: %lu pages at 0x%016lx mapped, read by %u other CPU%s (%lu wrong), unmapped\n",
		   r.pages, r.addr, r.touchers, r.touchers == 1 ? "" : "s", r.touch_errors);
	for (int i = 0; i < TLB_SHOOTDOWN_CYCLES; i++)
		con_printf("%s %lu\n", tlb_stat_names[i], r.delta[i]);
	con_printf("tlb_shootdown_irqs %lu\n", r.tlb_irqs);
	con_printf("call_function_irqs %lu\n", r.call_irqs);
	con_printf("stale_cpus_after_unmap %u\n", r.stale_cpus);
	return 0;
}
