// SPDX-License-Identifier: GPL-2.0
/*
 * TLB workloads across CPUs: tlbtest_run() maps N fresh pages in vmalloc space, has every
 * other online CPU read them all (so their TLBs hold the translations), unmaps them (one
 * flush_tlb_kernel_range: the local flush and one shootdown), then has every CPU probe the
 * old addresses: a CPU that can still read one kept a stale translation. tlb_stale_check()
 * remaps one page under every CPU's cached translation and reads it back everywhere.
 * Both report what moved; `tlb shootdown off` (tests only) makes the stale cases show.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/vmalloc.h>
#include <linux/uaccess.h>
#include <linux/smp.h>
#include <asm/pgtable.h>
#include <asm/hardirq.h>
#include <asm/tlbtest.h>

/* A scratch page address in the vmalloc area, away from vmalloc's and the suites' own. */
#define TLB_STALE_VA (VMALLOC_END + 1 - 96 * PMD_SIZE)
#define TLBTEST_MAGIC 0x746c627465737400ULL /* "tlbtest\0" */

struct touch_desc {
	const u64 *base;
	unsigned long pages;
	unsigned long errors;	/* summed atomically by the touchers */
	unsigned int touchers;
	u64 stale_mask;		/* CPUs that read an unmapped page */
};

static void touch_pages(void *data)
{
	struct touch_desc *d = data;
	unsigned long bad = 0;

	/*
	 * Read as the probe after the unmap will (copy_from_kernel_nofault, EFLAGS.AC set under
	 * SMAP): QEMU keeps separate TLBs for AC=0 and AC=1 kernel accesses, and the probe must
	 * hit the entries these reads leave.
	 */
	for (unsigned long i = 0; i < d->pages; i++) {
		u64 v;

		if (copy_from_kernel_nofault(&v, &d->base[i * (PAGE_SIZE / 8)], sizeof(v)) ||
		    v != (TLBTEST_MAGIC | i))
			bad++;
	}
	__atomic_add_fetch(&d->errors, bad, __ATOMIC_RELAXED);
	__atomic_add_fetch(&d->touchers, 1, __ATOMIC_RELAXED);
}

static void probe_unmapped(void *data)
{
	struct touch_desc *d = data;

	for (unsigned long i = 0; i < d->pages; i++) {
		u64 v;

		if (!copy_from_kernel_nofault(&v, &d->base[i * (PAGE_SIZE / 8)], sizeof(v))) {
			__atomic_or_fetch(&d->stale_mask, 1ULL << smp_processor_id(),
					  __ATOMIC_RELAXED);
			return;
		}
	}
}

static void snapshot(unsigned long *stats, unsigned long *tlb_irqs, unsigned long *call_irqs)
{
	*tlb_irqs = *call_irqs = 0;
	for (int i = 0; i < NR_TLB_STATS; i++)
		stats[i] = tlb_stat_total(i);
	for_each_possible_cpu(cpu) {
		*tlb_irqs += per_cpu(irq_stat, cpu).irq_tlb_count;
		*call_irqs += per_cpu(irq_stat, cpu).irq_call_count;
	}
}

int tlbtest_run(unsigned long pages, struct tlbtest_result *r)
{
	unsigned long before[NR_TLB_STATS], after[NR_TLB_STATS], tlb0, call0, tlb1, call1;
	cpumask_t others = READ_ONCE(cpu_online_mask) & ~(1ULL << smp_processor_id());
	struct touch_desc d = { .pages = pages };
	u64 *base;

	memset(r, 0, sizeof(*r));
	if (!pages || pages > (1UL << 16))
		return -EINVAL;
	base = vmalloc(pages * PAGE_SIZE);
	if (!base)
		return -ENOMEM;
	for (unsigned long i = 0; i < pages; i++)
		base[i * (PAGE_SIZE / 8)] = TLBTEST_MAGIC | i;
	d.base = base;
	snapshot(before, &tlb0, &call0);
	smp_call_function_many(others, touch_pages, &d, true);
	vfree(base);
	on_each_cpu(probe_unmapped, &d, true);
	snapshot(after, &tlb1, &call1);

	r->pages = pages;
	r->addr = (unsigned long)base;
	r->cpus = num_online_cpus();
	r->touchers = d.touchers;
	r->touch_errors = d.errors;
	r->stale_cpus = hweight64(d.stale_mask);
	for (int i = 0; i < NR_TLB_STATS; i++)
		r->delta[i] = after[i] - before[i];
	/* min/max are not sums: report the current values */
	r->delta[TLB_SHOOTDOWN_CYCLES_MIN] = after[TLB_SHOOTDOWN_CYCLES_MIN];
	r->delta[TLB_SHOOTDOWN_CYCLES_MAX] = after[TLB_SHOOTDOWN_CYCLES_MAX];
	r->tlb_irqs = tlb1 - tlb0;
	r->call_irqs = call1 - call0;
	return 0;
}

struct stale_desc {
	volatile const u64 *va;
	struct tlb_stale_result *r;
};

static void read_alias(void *data)
{
	struct stale_desc *s = data;

	s->r->cpu_value[smp_processor_id()] = *s->va;
}

int tlb_stale_check(struct tlb_stale_result *r)
{
	unsigned long p1 = get_zeroed_page(GFP_KERNEL), p2 = get_zeroed_page(GFP_KERNEL);
	unsigned long pgd = read_cr3() & PTE_PFN_MASK, va = TLB_STALE_VA;
	struct stale_desc s = { (volatile const u64 *)TLB_STALE_VA, r };
	int err = -ENOMEM;

	memset(r, 0, sizeof(*r));
	if (!p1 || !p2)
		goto out;
	*(u64 *)p1 = 0x1111111111111111ULL;
	*(u64 *)p2 = 0x2222222222222222ULL;
	err = pt_map_range(pgd, va, __pa(p1), PAGE_SIZE, PAGE_KERNEL, PAGE_SIZE);
	if (err)
		goto out;
	flush_tlb_kernel_range(va, va + PAGE_SIZE);
	on_each_cpu(read_alias, &s, true); /* every CPU caches va -> p1 */
	err = pt_unmap_range(pgd, va, PAGE_SIZE) ?:
	      pt_map_range(pgd, va, __pa(p2), PAGE_SIZE, PAGE_KERNEL, PAGE_SIZE);
	flush_tlb_kernel_range(va, va + PAGE_SIZE); /* the shootdown under test */
	if (!err) {
		memset(r->cpu_value, 0, sizeof(r->cpu_value));
		on_each_cpu(read_alias, &s, true);
		for_each_online_cpu(cpu) {
			r->cpus++;
			if (r->cpu_value[cpu] == *(u64 *)p2)
				r->fresh++;
			else
				r->stale++;
		}
	}
	pt_unmap_range(pgd, va, PAGE_SIZE);
	/* Whatever the switch says, leave no CPU with the scratch page cached. */
	{
		bool skip = tlb_skip_shootdown;

		tlb_skip_shootdown = false;
		flush_tlb_kernel_range(va, va + PAGE_SIZE);
		tlb_skip_shootdown = skip;
	}
out:
	if (p1)
		free_page(p1);
	if (p2)
		free_page(p2);
	return err;
}
