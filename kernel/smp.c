// SPDX-License-Identifier: GPL-2.0
/*
 * Cross-calls (Linux's kernel/smp.c): each CPU has a lock-free queue of call_single_data
 * requests; a sender pushes one request per target and sends CALL_FUNCTION_VECTOR only to a
 * target whose queue was empty (an IPI already on its way serves what follows it). The
 * target runs every queued function, then arch_smp_call_batch_end() (the TLB code's batched
 * flush), and only then releases the requests: a sender that waits sees the work done.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/smp.h>
#include <asm/apic.h>
#include <asm/irq_vectors.h>
#include <asm/special_insns.h>

struct call_function_data {
	struct call_single_data csd[NR_CPUS]; /* this CPU's request to each CPU */
};

static DEFINE_PER_CPU(struct call_single_data *, call_single_queue);
static DEFINE_PER_CPU(struct call_function_data, cfd_data);

cpumask_t cpu_possible_mask = 1, cpu_online_mask = 1;
unsigned int nr_cpu_ids = 1;

/* Push csd on cpu's queue; true when the queue was empty (the target needs an IPI). */
static bool llist_add(struct call_single_data *csd, int cpu)
{
	struct call_single_data **head = per_cpu_ptr(&call_single_queue, cpu);
	struct call_single_data *first = READ_ONCE(*head);

	do {
		csd->next = first;
	} while (!__atomic_compare_exchange_n(head, &first, csd, true, __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
	return !first;
}

void flush_smp_call_function_queue(void)
{
	struct call_single_data *list, *rev = NULL, *csd, *next;

	list = __atomic_exchange_n(this_cpu_ptr(&call_single_queue), NULL, __ATOMIC_ACQUIRE);
	if (!list)
		return;
	for (csd = list; csd; csd = next) { /* LIFO to arrival order */
		next = csd->next;
		csd->next = rev;
		rev = csd;
	}
	for (csd = rev; csd; csd = csd->next)
		csd->func(csd->info);
	arch_smp_call_batch_end();
	for (csd = rev; csd; csd = next) {
		next = csd->next; /* read before the release: the sender may reuse csd at once */
		__atomic_store_n(&csd->flags, 0, __ATOMIC_RELEASE);
	}
}

void generic_smp_call_function_interrupt(void)
{
	flush_smp_call_function_queue();
}

/*
 * Wait for cpu to release csd, serving our own queue meanwhile (interrupts may be off
 * here). A CPU that went offline (halted after an oops) will never answer: stop waiting.
 */
static void csd_lock_wait(struct call_single_data *csd, int cpu)
{
	while (__atomic_load_n(&csd->flags, __ATOMIC_ACQUIRE) & CSD_FLAG_LOCK) {
		unsigned long flags;

		if (!cpu_online(cpu))
			return;
		flags = local_irq_save();
		flush_smp_call_function_queue();
		local_irq_restore(flags);
		cpu_relax();
	}
}

void smp_call_function_many(cpumask_t mask, smp_call_func_t func, void *info, bool wait)
{
	int this_cpu = smp_processor_id();
	struct call_function_data *cfd = this_cpu_ptr(&cfd_data);

	mask &= READ_ONCE(cpu_online_mask) & ~(1ULL << this_cpu);
	if (!mask)
		return;
	for_each_cpu(cpu, mask) {
		struct call_single_data *csd = &cfd->csd[cpu];

		csd_lock_wait(csd, cpu); /* still queued from an earlier call without wait */
		csd->func = func;
		csd->info = info;
		csd->flags = CSD_FLAG_LOCK;
		if (llist_add(csd, cpu))
			apic_send_IPI(cpu, CALL_FUNCTION_VECTOR);
	}
	if (wait)
		for_each_cpu(cpu, mask) csd_lock_wait(&cfd->csd[cpu], cpu);
}

int smp_call_function_single(int cpu, smp_call_func_t func, void *info, bool wait)
{
	unsigned long flags;

	if (!cpu_online(cpu))
		return -ENXIO;
	if (cpu != smp_processor_id()) {
		smp_call_function_many(1ULL << cpu, func, info, wait);
		return 0;
	}
	flags = local_irq_save();
	func(info);
	local_irq_restore(flags);
	return 0;
}

void on_each_cpu(smp_call_func_t func, void *info, bool wait)
{
	unsigned long flags;

	smp_call_function_many(READ_ONCE(cpu_online_mask), func, info, wait);
	flags = local_irq_save();
	func(info);
	local_irq_restore(flags);
}
