// SPDX-License-Identifier: GPL-2.0
/*
 * Each CPU's GDT, TSS and IST stacks (Linux's cpu/common.c cpu_init()), per-CPU variables,
 * and their cpu_entry_area aliases. At first a CPU uses them where its per-CPU copy lies;
 * once its cpu_entry_area slot is mapped, load_cpu_entry_area() moves it to the aliases: the
 * GDT read-only, the IST stacks between guard pages, the IDT (one for all CPUs) read-only.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/smp.h>
#include <linux/mm.h>
#include <asm/desc.h>
#include <asm/segment.h>
#include <asm/pgtable.h>
#include <asm/cpu_entry_area.h>

DEFINE_PER_CPU_PAGE_ALIGNED(struct gdt_page, gdt_page) = { .gdt = {
	[GDT_ENTRY_KERNEL32_CS] = 0x00cf9b000000ffff,
	[GDT_ENTRY_KERNEL_CS] = 0x00af9b000000ffff,
	[GDT_ENTRY_KERNEL_DS] = 0x00cf93000000ffff,
	[GDT_ENTRY_DEFAULT_USER32_CS] = 0x00cffb000000ffff,
	[GDT_ENTRY_DEFAULT_USER_DS] = 0x00cff3000000ffff,
	[GDT_ENTRY_DEFAULT_USER_CS] = 0x00affb000000ffff,
} };
DEFINE_PER_CPU_PAGE_ALIGNED(struct tss_struct, cpu_tss_rw);
DEFINE_PER_CPU_PAGE_ALIGNED(struct exception_stacks, exception_stacks);

/* A 16-byte available 64-bit TSS descriptor (type 9) for base/limit. */
static void set_tss_desc(u64 *desc, unsigned long base, u32 limit)
{
	desc[0] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89UL << 40 |
		  (u64)((limit >> 16) & 0xf) << 48 | (u64)((base >> 24) & 0xff) << 56;
	desc[1] = base >> 32;
}

static void load_gdt(const void *gdt)
{
	struct {
		u16 limit;
		u64 base;
	} __packed gdtr = { GDT_ENTRIES * 8 - 1, (u64)gdt };

	asm volatile("lgdt %0" : : "m"(gdtr));
}

static void load_tr(void)
{
	asm volatile("ltr %w0" : : "r"(GDT_ENTRY_TSS_SEL));
}

static void set_ist(struct tss_struct *tss, const u8 *const stacks[N_EXCEPTION_STACKS])
{
	for (int i = 0; i < N_EXCEPTION_STACKS; i++)
		tss->ist[i] = (u64)(stacks[i] + EXCEPTION_STKSZ);
}

/* The running CPU (GS base already its own): its GDT and TSS from its per-CPU copy. */
void cpu_init(void)
{
	struct gdt_page *gdt = this_cpu_ptr(&gdt_page);
	struct tss_struct *tss = this_cpu_ptr(&cpu_tss_rw);
	struct exception_stacks *es = this_cpu_ptr(&exception_stacks);
	const u8 *stacks[N_EXCEPTION_STACKS];

	for (int i = 0; i < N_EXCEPTION_STACKS; i++)
		stacks[i] = es->stack[i];
	set_ist(tss, stacks);
	tss->io_bitmap_base = sizeof(*tss); /* no I/O bitmap */
	set_tss_desc(&gdt->gdt[GDT_ENTRY_TSS], (unsigned long)tss, sizeof(*tss) - 1);
	load_gdt(gdt->gdt);
	asm volatile("pushq %0\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\n\t"
		     "movl %1, %%eax\n\t"
		     "movl %%eax, %%ds\n\t"
		     "movl %%eax, %%es\n\t"
		     "movl %%eax, %%ss"
		     :
		     : "i"(__KERNEL_CS), "i"(__KERNEL_DS)
		     : "rax", "memory");
	load_tr();
}

int setup_cpu_entry_area(phys_addr_t pgd_pa, int cpu)
{
	struct cpu_entry_area *cea = get_cpu_entry_area(cpu);
	struct cea_exception_stacks *es = &cea->estacks;
	char *const stack_va[N_EXCEPTION_STACKS] = { es->DF_stack, es->NMI_stack, es->MCE_stack };
	const struct exception_stacks *stacks = per_cpu_ptr(&exception_stacks, cpu);
	int err = 0;

	if (cpu == 0)
		err = pt_map_range(pgd_pa, CPU_ENTRY_AREA_RO_IDT, __pa_symbol(idt_page), PAGE_SIZE,
				   PAGE_KERNEL_RO, PAGE_SIZE);
	err = err ?: pt_map_range(pgd_pa, (unsigned long)cea->gdt, per_cpu_pa(&gdt_page, cpu),
				  PAGE_SIZE, PAGE_KERNEL_RO, PAGE_SIZE);
	err = err ?: pt_map_range(pgd_pa, (unsigned long)cea->tss, per_cpu_pa(&cpu_tss_rw, cpu),
				  PAGE_SIZE, PAGE_KERNEL, PAGE_SIZE);
	for (int i = 0; i < N_EXCEPTION_STACKS && !err; i++)
		err = pt_map_range(pgd_pa, (unsigned long)stack_va[i], __pa(stacks->stack[i]),
				   EXCEPTION_STKSZ, PAGE_KERNEL, PAGE_SIZE);
	return err;
}

/*
 * LTR marks the TSS busy in the GDT, so it runs while the GDT is still the writable one;
 * then the CPU takes the read-only alias. Every descriptor is already marked accessed, so
 * loading segments never writes to the GDT again.
 */
void load_cpu_entry_area(int cpu)
{
	struct cpu_entry_area *cea = get_cpu_entry_area(cpu);
	struct gdt_page *gdt = this_cpu_ptr(&gdt_page);
	const u8 *const stacks[N_EXCEPTION_STACKS] = { (u8 *)cea->estacks.DF_stack,
						       (u8 *)cea->estacks.NMI_stack,
						       (u8 *)cea->estacks.MCE_stack };
	struct {
		u16 limit;
		u64 base;
	} __packed idtr = { PAGE_SIZE - 1, CPU_ENTRY_AREA_RO_IDT };

	set_ist(this_cpu_ptr(&cpu_tss_rw), stacks);
	set_tss_desc(&gdt->gdt[GDT_ENTRY_TSS], (unsigned long)cea->tss,
		     sizeof(struct tss_struct) - 1);
	load_tr();
	load_gdt(cea->gdt);
	asm volatile("lidt %0" : : "m"(idtr));
}
