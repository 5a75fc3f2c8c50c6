// SPDX-License-Identifier: GPL-2.0
/*
 * The boot CPU's GDT, TSS and IST stacks (Linux's cpu/common.c cpu_init()), and their
 * cpu_entry_area aliases. At first the CPU uses them where they lie in the image; once the
 * final page tables are up, load_cpu_entry_area() moves it to the aliases: the GDT read-only,
 * the IST stacks between guard pages, the IDT read-only.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/desc.h>
#include <asm/segment.h>
#include <asm/pgtable.h>
#include <asm/cpu_entry_area.h>

u64 gdt_page[PAGE_SIZE / 8] __aligned(PAGE_SIZE) = {
	[GDT_ENTRY_KERNEL32_CS] = 0x00cf9b000000ffff,
	[GDT_ENTRY_KERNEL_CS] = 0x00af9b000000ffff,
	[GDT_ENTRY_KERNEL_DS] = 0x00cf93000000ffff,
	[GDT_ENTRY_DEFAULT_USER32_CS] = 0x00cffb000000ffff,
	[GDT_ENTRY_DEFAULT_USER_DS] = 0x00cff3000000ffff,
	[GDT_ENTRY_DEFAULT_USER_CS] = 0x00affb000000ffff,
};

struct tss_struct boot_tss __aligned(PAGE_SIZE);
u8 exception_stacks[N_EXCEPTION_STACKS][EXCEPTION_STKSZ] __aligned(PAGE_SIZE);

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

static void set_ist(const u8 *const stacks[N_EXCEPTION_STACKS])
{
	for (int i = 0; i < N_EXCEPTION_STACKS; i++)
		boot_tss.ist[i] = (u64)(stacks[i] + EXCEPTION_STKSZ);
}

void cpu_init_gdt_tss(void)
{
	const u8 *stacks[N_EXCEPTION_STACKS];

	for (int i = 0; i < N_EXCEPTION_STACKS; i++)
		stacks[i] = exception_stacks[i];
	set_ist(stacks);
	boot_tss.io_bitmap_base = sizeof(boot_tss); /* no I/O bitmap */
	set_tss_desc(&gdt_page[GDT_ENTRY_TSS], (unsigned long)&boot_tss, sizeof(boot_tss) - 1);
	load_gdt(gdt_page);
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
	int err;

	if (cpu == 0) {
		err = pt_map_range(pgd_pa, CPU_ENTRY_AREA_RO_IDT, __pa_symbol(idt_page), PAGE_SIZE,
				   PAGE_KERNEL_RO, PAGE_SIZE);
		if (err)
			return err;
	}
	err = pt_map_range(pgd_pa, (unsigned long)cea->gdt, __pa_symbol(gdt_page), PAGE_SIZE,
			   PAGE_KERNEL_RO, PAGE_SIZE);
	err = err   ?:
		      pt_map_range(pgd_pa, (unsigned long)cea->tss, __pa_symbol(&boot_tss),
				   PAGE_SIZE, PAGE_KERNEL, PAGE_SIZE);
	for (int i = 0; i < N_EXCEPTION_STACKS && !err; i++)
		err = pt_map_range(pgd_pa, (unsigned long)stack_va[i],
				   __pa_symbol(exception_stacks[i]), EXCEPTION_STKSZ, PAGE_KERNEL,
				   PAGE_SIZE);
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
	const u8 *const stacks[N_EXCEPTION_STACKS] = { (u8 *)cea->estacks.DF_stack,
						       (u8 *)cea->estacks.NMI_stack,
						       (u8 *)cea->estacks.MCE_stack };
	struct {
		u16 limit;
		u64 base;
	} __packed idtr = { PAGE_SIZE - 1, CPU_ENTRY_AREA_RO_IDT };

	set_ist(stacks);
	set_tss_desc(&gdt_page[GDT_ENTRY_TSS], (unsigned long)cea->tss, sizeof(boot_tss) - 1);
	load_tr();
	load_gdt(cea->gdt);
	asm volatile("lidt %0" : : "m"(idtr));
}
