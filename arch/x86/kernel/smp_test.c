// SPDX-License-Identifier: GPL-2.0
/*
 * Suite x86_smp: every CPU the MADT lists is online with its own per-CPU area, GS base,
 * APIC ID and cpu_entry_area tables; cross-calls reach each online CPU exactly once; a
 * shootdown leaves no CPU reading a remapped page's old contents, and counts exactly.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/ktest.h>
#include <linux/smp.h>
#include <carto/acpi.h>
#include <asm/apic.h>
#include <asm/hardirq.h>
#include <asm/special_insns.h>
#include <asm/cpu_entry_area.h>
#include <asm/tlbflush.h>
#include <asm/tlbtest.h>
#include <asm/processor-flags.h>

struct cpu_view {
	int cpu_number;
	unsigned long gs_base, this_cpu_off;
	u32 apic_id;
	u64 gdt_base, idt_base, tss_ist0;
};

static struct cpu_view views[NR_CPUS];
static unsigned int calls[NR_CPUS];

static void look(void *unused)
{
	struct cpu_view *v = &views[smp_processor_id()];
	struct {
		u16 limit;
		u64 base;
	} __packed gdtr, idtr;

	(void)unused;
	asm volatile("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));
	v->cpu_number = this_cpu_read(cpu_number);
	v->gs_base = rdmsr(MSR_GS_BASE);
	v->this_cpu_off = this_cpu_read(this_cpu_off);
	v->apic_id = read_apic_id();
	v->gdt_base = gdtr.base;
	v->idt_base = idtr.base;
	v->tss_ist0 = this_cpu_ptr(&cpu_tss_rw)->ist[IST_INDEX_DF];
}

static void smp_test_online(struct ktest *t)
{
	unsigned int enabled = acpi_boot_ok ? acpi_boot.nr_enabled : 1;

	KTEST_EXPECT_EQ(t, cpu_online_mask, cpu_possible_mask);
	KTEST_EXPECT_EQ(t, num_online_cpus(), nr_cpu_ids);
	KTEST_EXPECT_TRUE(t, nr_cpu_ids <= enabled);
	KTEST_EXPECT_EQ(t, smp_processor_id(), 0);
	for_each_online_cpu(cpu) KTEST_EXPECT_EQ(t, cpu_state[cpu], CPU_ONLINE);
}

static void smp_test_per_cpu(struct ktest *t)
{
	memset(views, 0, sizeof(views));
	on_each_cpu(look, NULL, true);
	for_each_online_cpu(cpu) {
		const struct cpu_view *v = &views[cpu];
		struct cpu_entry_area *cea = get_cpu_entry_area(cpu);

		KTEST_EXPECT_EQ(t, v->cpu_number, cpu);
		KTEST_EXPECT_EQ(t, v->gs_base, __per_cpu_offset[cpu]);
		KTEST_EXPECT_EQ(t, v->this_cpu_off, __per_cpu_offset[cpu]);
		KTEST_EXPECT_EQ(t, v->apic_id, x86_cpu_to_apicid[cpu]);
		KTEST_EXPECT_EQ(t, v->gdt_base, (u64)cea->gdt);
		KTEST_EXPECT_EQ(t, v->idt_base, CPU_ENTRY_AREA_RO_IDT);
		KTEST_EXPECT_EQ(t, v->tss_ist0, (u64)cea->estacks.DF_stack + EXCEPTION_STKSZ);
		for_each_online_cpu(other) if (other != cpu)
			KTEST_EXPECT_TRUE(t, __per_cpu_offset[other] != __per_cpu_offset[cpu] &&
						     v->apic_id != x86_cpu_to_apicid[other]);
	}
}

static void count_call(void *unused)
{
	(void)unused;
	__atomic_add_fetch(&calls[smp_processor_id()], 1, __ATOMIC_RELAXED);
}

static void smp_test_cross_calls(struct ktest *t)
{
	unsigned long irqs[NR_CPUS];

	memset(calls, 0, sizeof(calls));
	for_each_online_cpu(cpu) irqs[cpu] = per_cpu(irq_stat, cpu).irq_call_count;
	on_each_cpu(count_call, NULL, true);
	smp_call_function_many(cpu_online_mask, count_call, NULL, true); /* skips this CPU */
	KTEST_EXPECT_EQ(t, smp_call_function_single(0, count_call, NULL, true), 0);
	KTEST_EXPECT_EQ(t, smp_call_function_single(NR_CPUS - 1, count_call, NULL, true),
			cpu_online(NR_CPUS - 1) ? 0 : -ENXIO);
	for_each_online_cpu(cpu) {
		KTEST_EXPECT_EQ(t, calls[cpu], 2);
		/* each remote request took at most one interrupt (a queue may share one) */
		if (cpu)
			KTEST_EXPECT_TRUE(t, per_cpu(irq_stat, cpu).irq_call_count - irqs[cpu] <= 2);
	}
}

static void smp_test_shootdown(struct ktest *t)
{
	struct tlb_stale_result r;
	unsigned long sent = tlb_stat_total(NR_TLB_REMOTE_FLUSH);
	unsigned long got = tlb_stat_total(NR_TLB_REMOTE_FLUSH_RECEIVED);
	unsigned int others = num_online_cpus() - 1;

	KTEST_EXPECT_EQ(t, tlb_skip_shootdown, false);
	KTEST_EXPECT_EQ(t, tlb_stale_check(&r), 0);
	KTEST_EXPECT_EQ(t, r.cpus, num_online_cpus());
	KTEST_EXPECT_EQ(t, r.fresh, r.cpus);
	KTEST_EXPECT_EQ(t, r.stale, 0);
	/* three flushes (map, remap, clean-up), each one shootdown to every other CPU */
	KTEST_EXPECT_EQ(t, tlb_stat_total(NR_TLB_REMOTE_FLUSH) - sent, others ? 3 : 0);
	KTEST_EXPECT_EQ(t, tlb_stat_total(NR_TLB_REMOTE_FLUSH_RECEIVED) - got, 3 * others);
}

static const struct ktest_case smp_test_cases[] = {
	KTEST_CASE(smp_test_online), KTEST_CASE(smp_test_per_cpu), KTEST_CASE(smp_test_cross_calls),
	KTEST_CASE(smp_test_shootdown), {}
};

static const struct ktest_suite smp_test_suite = {
	.name = "x86_smp",
	.cases = smp_test_cases,
};
KTEST_SUITE(smp_test_suite);
