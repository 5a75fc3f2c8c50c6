// SPDX-License-Identifier: GPL-2.0
/*
 * Bringing up the application processors (Linux's arch/x86/kernel/smpboot.c).
 *
 * The CPUs are the MADT's enabled local APICs, the boot CPU first (CPU 0), then the others
 * in MADT order, up to NR_CPUS. For each AP in turn: its per-CPU area, its cpu_entry_area
 * slot (GDT, TSS, IST stacks), a 16 KiB stack from vmalloc (a guard page below), then the
 * trampoline copied to the top of usable memory below 1 MiB, its header filled with the
 * boot CPU's CR0/CR4/EFER and a page table holding an identity map of the first 2 MiB and
 * the kernel half of init_top_pgt; INIT, STARTUP, STARTUP; and up to a second for the AP
 * to mark itself online from start_secondary(). An AP that does not answer is reported
 * and left out. Online APs wait in HLT for interrupts: the timer tick and cross-calls.
 */
#define pr_fmt(fmt) "smpboot: " fmt
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/printk.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/memblock.h>
#include <linux/vmalloc.h>
#include <linux/smp.h>
#include <linux/timekeeping.h>
#include <carto/acpi.h>
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/pgtable.h>
#include <asm/cpu_entry_area.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/processor-flags.h>

#define THREAD_SIZE (16 * 1024)
#define TRAMPOLINE_PAGES 4 /* code, PGD, PUD, PMD */
#define REAL_MODE_LIMIT (1UL << 20)
#define AP_ONLINE_TIMEOUT_US 1000000

/* The first 48 bytes of the trampoline (arch/x86/realmode/rm/trampoline_64.asm). */
struct trampoline_header {
	u8 jmp[8];
	u32 cr0, cr3, cr4, flags;
	u64 efer, stack, entry;
} __packed;

extern const u8 trampoline_blob[], trampoline_blob_end[];
extern const char secondary_startup_64[];
void start_secondary(void);

const char *const cpu_state_names[] = {
	[CPU_ABSENT] = "absent", [CPU_BOOTING] = "booting", [CPU_ONLINE] = "online",
	[CPU_FAILED] = "failed", [CPU_HALTED] = "halted",
};
enum cpu_state cpu_state[NR_CPUS];
static void *cpu_stack[NR_CPUS]; /* each AP's stack (vmalloc), kept for a retry */
static unsigned long trampoline_pa;

static int smpboot_cpu; /* the AP being started: start_secondary's cpu number */
static bool nosmp;
static unsigned int max_cpus = NR_CPUS;

int smp_param_nosmp(const char *val)
{
	(void)val;
	nosmp = true;
	return 0;
}

int smp_param_maxcpus(const char *val)
{
	unsigned long n = 0;
	const char *p = val;

	for (; p && *p >= '0' && *p <= '9'; p++)
		if (n <= NR_CPUS) /* saturate: any larger number means all */
			n = n * 10 + (*p - '0');
	if (!val || !*val || *p) {
		printk(KERN_WARNING "maxcpus: bad value '%s' (expected a number), ignored\n",
		       val ? val : "");
		return -EINVAL;
	}
	max_cpus = n ? (n < NR_CPUS ? n : NR_CPUS) : 1;
	return 0;
}

/* The highest TRAMPOLINE_PAGES of usable RAM below 1 MiB (all of it reserved as "low 1M"). */
static unsigned long find_trampoline_area(void)
{
	unsigned long size = TRAMPOLINE_PAGES * PAGE_SIZE;

	for (unsigned long base = REAL_MODE_LIMIT - size; base >= PAGE_SIZE; base -= PAGE_SIZE)
		if (memblock_is_region_memory(base, size))
			return base;
	return 0;
}

static void setup_trampoline(int cpu, void *stack_top)
{
	u8 *tr = __va(trampoline_pa);
	struct trampoline_header *h = (void *)tr;
	pgd_t *pgd = __va(trampoline_pa + PAGE_SIZE), *kpgd = __va(init_pgd_pa());
	u64 *pud = __va(trampoline_pa + 2 * PAGE_SIZE), *pmd = __va(trampoline_pa + 3 * PAGE_SIZE);

	memset(tr, 0, TRAMPOLINE_PAGES * PAGE_SIZE);
	memcpy(tr, trampoline_blob, trampoline_blob_end - trampoline_blob);
	/* Identity: the first 2 MiB, executable (the 32- and 64-bit trampoline code runs there). */
	pmd[0] = 0 | _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE;
	pud[0] = (trampoline_pa + 3 * PAGE_SIZE) | _KERNPG_TABLE;
	pgd[0].pgd = (trampoline_pa + 2 * PAGE_SIZE) | _KERNPG_TABLE;
	for (int i = PTRS_PER_PGD / 2; i < PTRS_PER_PGD; i++)
		pgd[i] = kpgd[i];
	h->cr0 = read_cr0();
	h->cr3 = trampoline_pa + PAGE_SIZE;
	h->cr4 = read_cr4() & ~X86_CR4_PCIDE; /* PCIDE only in long mode: start_secondary */
	h->efer = rdmsr(MSR_EFER) & ~EFER_LMA;
	h->stack = (unsigned long)stack_top;
	h->entry = (unsigned long)secondary_startup_64;
	smpboot_cpu = cpu;
	asm volatile("mfence" ::: "memory");
}

/* Runs on the new CPU, on its own stack, the trampoline's page table still in CR3. */
void start_secondary(void)
{
	int cpu = READ_ONCE(smpboot_cpu);
	u32 a, b, c, d;

	/* An AP that answers after its timeout must not take the next one's identity. */
	cpuid(1, &a, &b, &c, &d);
	if (READ_ONCE(cpu_state[cpu]) != CPU_BOOTING || (b >> 24) != (x86_cpu_to_apicid[cpu] & 0xff))
		for (;;)
			asm volatile("cli; hlt");
	write_cr3(init_pgd_pa());
	load_percpu_segment(cpu);
	cpu_init();
	load_cpu_entry_area(cpu);
	tlb_cpu_init();
	setup_local_APIC();
	__atomic_or_fetch(&cpu_online_mask, 1ULL << cpu, __ATOMIC_SEQ_CST);
	WRITE_ONCE(cpu_state[cpu], CPU_ONLINE);
	for (;;)
		safe_halt(); /* sti; hlt: interrupts bring the work */
}

static int do_boot_cpu(int cpu, u32 apicid)
{
	void *stack;
	int err;

	err = setup_percpu_area(cpu);
	err = err ?: setup_cpu_entry_area(init_pgd_pa(), cpu);
	if (err)
		return err;
	stack = cpu_stack[cpu] ?: vmalloc(THREAD_SIZE);
	if (!stack)
		return -ENOMEM;
	cpu_stack[cpu] = stack;
	x86_cpu_to_apicid[cpu] = apicid;
	cpu_state[cpu] = CPU_BOOTING;
	setup_trampoline(cpu, (char *)stack + THREAD_SIZE);
	err = wakeup_secondary_cpu_via_init(apicid, trampoline_pa >> PAGE_SHIFT);
	if (err)
		return err;
	for (int us = 0; us < AP_ONLINE_TIMEOUT_US; us += 100) {
		if (cpu_online(cpu))
			return 0;
		udelay(100);
	}
	return -ETIMEDOUT;
}

/* The MADT's enabled CPUs, the boot CPU as CPU 0: cpu_possible_mask and the APIC IDs. */
static unsigned int enumerate_cpus(u32 *apicids)
{
	unsigned int n = 1;

	apicids[0] = boot_cpu_apic_id;
	for (u32 i = 0; acpi_boot_ok && i < acpi_boot.nr_cpus; i++) {
		const struct acpi_cpu *c = &acpi_boot.cpus[i];

		if (!(c->flags & ACPI_MADT_ENABLED) || c->apic_id == boot_cpu_apic_id)
			continue;
		if (n >= max_cpus) {
			pr_info("maxcpus=%u: APIC 0x%x left out\n", max_cpus, c->apic_id);
			continue;
		}
		apicids[n++] = c->apic_id;
	}
	return n;
}

void smp_init(void)
{
	u32 apicids[NR_CPUS];
	unsigned int n, up = 1;

	cpu_state[0] = CPU_ONLINE;
	x86_cpu_to_apicid[0] = boot_cpu_apic_id;
	n = nosmp ? 1 : enumerate_cpus(apicids);
	cpu_possible_mask = n == 64 ? ~0ULL : (1ULL << n) - 1;
	nr_cpu_ids = n;
	if (nosmp)
		pr_info("nosmp: one CPU\n");
	trampoline_pa = n > 1 ? find_trampoline_area() : 0;
	if (n > 1 && !trampoline_pa) {
		pr_err("no usable page below 1 MiB for the trampoline: one CPU\n");
		n = nr_cpu_ids = 1;
		cpu_possible_mask = 1;
	}
	if (n == 1) {
		printk(KERN_INFO "smp: Brought up 1 node, 1 CPU\n");
		return;
	}
	pr_info("trampoline at pa=0x%lx\n", trampoline_pa);
	printk(KERN_INFO "smp: Bringing up secondary CPUs ...\n");
	printk(KERN_INFO "x86: Booting SMP configuration:\n");
	printk(KERN_INFO ".... node  #0, CPUs:    ");
	for (unsigned int cpu = 1; cpu < n; cpu++) {
		int err = do_boot_cpu(cpu, apicids[cpu]);

		if (err) {
			cpu_state[cpu] = CPU_FAILED;
			printk(KERN_CONT "\n");
			pr_err("CPU%u (APIC 0x%x) did not come online (%s): going on without it\n",
			       cpu, apicids[cpu], err == -ETIMEDOUT ? "timeout" : "no memory");
			continue;
		}
		printk(KERN_CONT " #%u", cpu);
		up++;
	}
	printk(KERN_CONT "\n");
	printk(KERN_INFO "smp: Brought up 1 node, %u CPU%s\n", up, up == 1 ? "" : "s");
	/* The trampoline page is not needed until the next bring-up; nothing else uses it. */
}
