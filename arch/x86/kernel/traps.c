// SPDX-License-Identifier: GPL-2.0
/*
 * Exceptions and interrupts: the IDT, the dispatcher every entry stub calls, and the
 * Linux-style reports (arch/x86/kernel/traps.c, dumpstack.c, arch/x86/mm/fault.c).
 *
 * A faulting instruction listed in __ex_table continues at its fixup. Anything else in
 * kernel mode is an oops: the report, then the monitor's recovery (see <linux/oops.h>) or,
 * outside process context, a panic. A double fault runs on its own IST stack and panics.
 */
#define pr_fmt(fmt) fmt
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/kallsyms.h>
#include <linux/uaccess.h>
#include <linux/oops.h>
#include <linux/serial.h>
#include <asm/desc.h>
#include <asm/segment.h>
#include <asm/ptrace.h>
#include <asm/extable.h>
#include <linux/smp.h>
#include <asm/apic.h>
#include <asm/hardirq.h>
#include <asm/pgtable.h>
#include <asm/special_insns.h>
#include <asm/cpu_entry_area.h>
#include <generated/compile.h>

enum {
	X86_TRAP_DE,
	X86_TRAP_DB,
	X86_TRAP_NMI,
	X86_TRAP_BP,
	X86_TRAP_OF,
	X86_TRAP_BR,
	X86_TRAP_UD,
	X86_TRAP_NM,
	X86_TRAP_DF,
	X86_TRAP_OLD_MF,
	X86_TRAP_TS,
	X86_TRAP_NP,
	X86_TRAP_SS,
	X86_TRAP_GP,
	X86_TRAP_PF,
	X86_TRAP_SPURIOUS,
	X86_TRAP_MF,
	X86_TRAP_AC,
	X86_TRAP_MC,
	X86_TRAP_XF,
	X86_TRAP_VE,
	X86_TRAP_CP,
};

/* Page-fault error code bits. */
#define X86_PF_PROT BIT(0)
#define X86_PF_WRITE BIT(1)
#define X86_PF_USER BIT(2)
#define X86_PF_RSVD BIT(3)
#define X86_PF_INSTR BIT(4)
#define X86_PF_PK BIT(5)

/* Linux's names for the vectors (the "do_error_trap" strings). */
static const char *const trap_name[32] = {
	[X86_TRAP_DE] = "divide error",
	[X86_TRAP_DB] = "debug",
	[X86_TRAP_NMI] = "nmi",
	[X86_TRAP_BP] = "int3",
	[X86_TRAP_OF] = "overflow",
	[X86_TRAP_BR] = "bounds",
	[X86_TRAP_UD] = "invalid opcode",
	[X86_TRAP_NM] = "device not available",
	[X86_TRAP_DF] = "double fault",
	[X86_TRAP_OLD_MF] = "coprocessor segment overrun",
	[X86_TRAP_TS] = "invalid TSS",
	[X86_TRAP_NP] = "segment not present",
	[X86_TRAP_SS] = "stack segment",
	[X86_TRAP_GP] = "general protection fault",
	[X86_TRAP_PF] = "page fault",
	[X86_TRAP_SPURIOUS] = "spurious interrupt bug",
	[X86_TRAP_MF] = "coprocessor error",
	[X86_TRAP_AC] = "alignment check",
	[X86_TRAP_MC] = "machine check",
	[X86_TRAP_XF] = "simd exception",
	[X86_TRAP_VE] = "virtualization exception",
	[X86_TRAP_CP] = "control protection",
};

struct idt_gate {
	u16 offset_low, segment;
	u8 ist, type_attr;
	u16 offset_mid;
	u32 offset_high, reserved;
} __packed;

/* The IDT fills exactly one page: the cpu_entry_area maps it read-only. */
u8 idt_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static struct idt_gate *const idt_table = (struct idt_gate *)idt_page;
extern const unsigned long vector_stubs[NR_VECTORS];

int oops_count;
static void (*recover_fn)(void);
static void *recover_sp;
static int oops_depth;
static bool cpus_stopping; /* panic: an NMI now means "halt" */
DECLARE_PER_CPU(int, irq_count);
/* CR2 as the page fault left it: reading it later could see a fault of the report itself. */
static unsigned long fault_cr2;

void idt_setup(void)
{
	struct {
		u16 limit;
		u64 base;
	} __packed idtr = { NR_VECTORS * sizeof(struct idt_gate) - 1, (u64)idt_table };

	for (int v = 0; v < NR_VECTORS; v++) {
		unsigned long a = vector_stubs[v];

		idt_table[v] = (struct idt_gate){
			.offset_low = a & 0xffff,
			.segment = __KERNEL_CS,
			.ist = v == X86_TRAP_DF	 ? IST_INDEX_DF + 1 :
			       v == X86_TRAP_NMI ? IST_INDEX_NMI + 1 :
			       v == X86_TRAP_MC	 ? IST_INDEX_MCE + 1 :
						   0,
			.type_attr = 0x8e, /* present, DPL 0, 64-bit interrupt gate */
			.offset_mid = (a >> 16) & 0xffff,
			.offset_high = a >> 32,
		};
	}
	asm volatile("lidt %0" : : "m"(idtr));
}

void oops_set_recovery(void (*restart)(void), void *stack_top)
{
	recover_fn = restart;
	recover_sp = stack_top;
}

/* The "Code:" line: 42 bytes before RIP and 22 from it, the byte at RIP in <>. */
static void show_code(unsigned long ip)
{
	char line[256];
	int n = scnprintf(line, sizeof(line), "Code:");

	for (unsigned long a = ip - 42; a < ip + 22; a++) {
		u8 b;

		if (copy_from_kernel_nofault(&b, (void *)a, 1)) {
			n += scnprintf(line + n, sizeof(line) - n,
				       " Unable to access opcode bytes at RIP 0x%lx.", a);
			break;
		}
		n += scnprintf(line + n, sizeof(line) - n, a == ip ? " <%02x>" : " %02x", b);
	}
	pr_emerg("%s\n", line);
}

static void show_regs(const struct pt_regs *regs)
{
	char sym[KSYM_SYMBOL_LEN];

	sprint_symbol(sym, sizeof(sym), regs->ip);
	int cpu = smp_processor_id();

	pr_emerg("CPU: %d PID: 0 Comm: %s Not tainted %s #1\n", cpu, cpu ? "idle" : "monitor",
		 CARTO_VERSION);
	pr_emerg("RIP: %04lx:%s\n", regs->cs & 0xffff, sym);
	show_code(regs->ip);
	pr_emerg("RSP: %04lx:%016lx EFLAGS: %08lx\n", regs->ss & 0xffff, regs->sp, regs->flags);
	pr_emerg("RAX: %016lx RBX: %016lx RCX: %016lx\n", regs->ax, regs->bx, regs->cx);
	pr_emerg("RDX: %016lx RSI: %016lx RDI: %016lx\n", regs->dx, regs->si, regs->di);
	pr_emerg("RBP: %016lx R08: %016lx R09: %016lx\n", regs->bp, regs->r8, regs->r9);
	pr_emerg("R10: %016lx R11: %016lx R12: %016lx\n", regs->r10, regs->r11, regs->r12);
	pr_emerg("R13: %016lx R14: %016lx R15: %016lx\n", regs->r13, regs->r14, regs->r15);
	pr_emerg("CS:  %04lx DS: %04x ES: %04x CR0: %016lx\n", regs->cs & 0xffff, __KERNEL_DS,
		 __KERNEL_DS, read_cr0());
	pr_emerg("CR2: %016lx CR3: %016lx CR4: %016lx\n", fault_cr2, read_cr3(), read_cr4());
}

/*
 * The call trace by frame pointers: each frame holds the caller's rbp, then the return
 * address. Frames are read without trusting them and must climb the stack.
 */
static void show_trace(unsigned long bp)
{
	char sym[KSYM_SYMBOL_LEN];

	pr_emerg("Call Trace:\n");
	for (int depth = 0; bp && depth < 32; depth++) {
		unsigned long frame[2];

		if (copy_from_kernel_nofault(frame, (void *)bp, sizeof(frame)) || !frame[1])
			break;
		sprint_symbol(sym, sizeof(sym), frame[1]);
		pr_emerg(" %s\n", sym);
		if (frame[0] <= bp)
			break;
		bp = frame[0];
	}
}

/*
 * After the report: the monitor (CPU 0, process context) resumes on a fresh stack; an AP
 * leaves the online mask and halts (nothing waits on it any more); else stop the machine.
 */
static void oops_end(struct pt_regs *regs)
{
	int cpu = smp_processor_id();
	bool in_irq = this_cpu_read(irq_count) > 0;

	pr_emerg("---[ end trace %016x ]---\n", oops_count);
	oops_depth--;
	if (cpu != 0 && !oops_depth) {
		__atomic_and_fetch(&cpu_online_mask, ~(1ULL << cpu), __ATOMIC_SEQ_CST);
		WRITE_ONCE(cpu_state[cpu], CPU_HALTED);
		pr_emerg("CPU%d: halted after the oops, the other CPUs go on\n", cpu);
		for (;;)
			asm volatile("cli; hlt");
	}
	if (!recover_fn || in_irq || oops_depth)
		panic("Fatal exception%s", in_irq ? " in interrupt" : "");
	/* Enter as if called: a null return address on a 16-byte aligned stack top. */
	regs->ip = (unsigned long)recover_fn;
	regs->sp = (unsigned long)recover_sp - sizeof(unsigned long);
	*(unsigned long *)regs->sp = 0;
	regs->bp = 0;
	regs->cs = __KERNEL_CS;
	regs->ss = __KERNEL_DS;
	regs->flags = X86_EFLAGS_IF | 0x2;
}

static void oops_begin(void)
{
	if (oops_depth++)
		panic("Recursive fault while reporting an oops");
	oops_count++;
}

static void die(const char *str, struct pt_regs *regs, unsigned long err)
{
	oops_begin();
	pr_emerg("%s: %04lx [#%d] SMP\n", str, err & 0xffff, oops_count);
	show_regs(regs);
	show_trace(regs->bp);
	oops_end(regs);
}

/* Linux's dump_pagetable(): the entries that translate address, from CR3 down. */
static void dump_pagetable(unsigned long address)
{
	static const char *const upper[PT_NR_LEVELS] = { "PGD", "P4D", "PUD", "PMD", "PTE" };
	struct pt_translation t;
	char buf[160];
	int n = 0;

	pt_translate(read_cr3(), address, &t);
	for (int i = 0; i < t.nr_steps; i++) {
		const struct pt_entry *e = &t.steps[i];

		n += scnprintf(buf + n, sizeof(buf) - n, "%s%s %lx%s", n ? " " : "",
			       upper[e->level], e->entry, e->readable ? "" : " (unreadable)");
	}
	pr_emerg("%s\n", buf);
}

static void page_fault_oops(struct pt_regs *regs, unsigned long address)
{
	unsigned long err = regs->orig_ax;

	if ((err & X86_PF_INSTR) && (err & X86_PF_PROT))
		pr_emerg("kernel tried to execute NX-protected page - exploit attempt? (uid: 0)\n");
	if (address < PAGE_SIZE)
		pr_emerg("BUG: kernel NULL pointer dereference, address: %016lx\n", address);
	else
		pr_emerg("BUG: unable to handle page fault for address: %016lx\n", address);
	pr_emerg("#PF: %s %s in %s mode\n", (err & X86_PF_USER) ? "user" : "supervisor",
		 (err & X86_PF_INSTR) ? "instruction fetch" :
		 (err & X86_PF_WRITE) ? "write access" :
					"read access",
		 (regs->cs & 3) ? "user" : "kernel");
	pr_emerg("#PF: error_code(0x%04lx) - %s\n", err,
		 !(err & X86_PF_PROT) ? "not-present page" :
		 (err & X86_PF_RSVD)  ? "reserved bit violation" :
		 (err & X86_PF_PK)    ? "protection keys violation" :
					"permissions violation");
	dump_pagetable(address);
	die("Oops", regs, err);
}

static void do_double_fault(struct pt_regs *regs)
{
	pr_emerg("PANIC: double fault, error_code: 0x%lx\n", regs->orig_ax);
	show_regs(regs);
	panic("Machine halted.");
}

static void do_exception(struct pt_regs *regs)
{
	unsigned long v = regs->vector;
	/* Read before anything can fault again: the report's own reads may. */
	unsigned long cr2 = v == X86_TRAP_PF ? read_cr2() : 0;

	if (v == X86_TRAP_DF)
		do_double_fault(regs);
	if (v == X86_TRAP_NMI) {
		inc_irq_stat(__nmi_count);
		if (READ_ONCE(cpus_stopping))
			for (;;)
				asm volatile("cli; hlt");
		pr_emerg("Uhhuh. NMI received on CPU %d.\n", smp_processor_id());
		return;
	}
	if (fixup_exception(regs))
		return; /* a fixed-up fault inside a report leaves fault_cr2 alone */
	if (v == X86_TRAP_PF) {
		fault_cr2 = cr2;
		page_fault_oops(regs, cr2);
	} else {
		die(trap_name[v] ? trap_name[v] : "unknown exception", regs,
		    regs->orig_ax == ~0UL ? 0 : regs->orig_ax);
	}
}

/* Called by every entry stub (entry_64.asm) with the saved registers. */
void do_trap(struct pt_regs *regs);
void do_trap(struct pt_regs *regs)
{
	if (regs->vector < FIRST_EXTERNAL_VECTOR)
		do_exception(regs);
	else
		do_IRQ(regs);
}

/* NMI every other CPU into a halt (Linux's native_stop_other_cpus, by NMI). */
void smp_send_stop(void)
{
	if (__atomic_exchange_n(&cpus_stopping, true, __ATOMIC_SEQ_CST))
		return; /* a second panic, or another CPU's: already stopping */
	if (num_online_cpus() > 1)
		apic_send_NMI_allbutself();
}

void panic(const char *fmt, ...)
{
	char buf[256];
	va_list args;

	local_irq_disable();
	smp_send_stop();
	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	pr_emerg("Kernel panic - not syncing: %s\n", buf);
	pr_emerg("---[ end Kernel panic - not syncing: %s ]---\n", buf);
	for (;;)
		asm volatile("cli; hlt");
}
