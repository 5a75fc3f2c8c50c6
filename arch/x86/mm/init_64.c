// SPDX-License-Identifier: GPL-2.0
/*
 * The final kernel page tables, init_top_pgt, built in C from the layout table (Linux's
 * arch/x86/mm/init_64.c and init.c):
 *
 *   direct map    __PAGE_OFFSET + pa for every 2 MiB page holding RAM, RW NX GLB
 *   kernel image  its own pages at __START_KERNEL_map + pa: text RX, rodata RO NX,
 *                 data and bss RW NX; nothing else of the 512 MiB text window
 *   vmemmap       struct pages for every RAM pfn, backed by 2 MiB pages
 *   fixmap        its page tables, the vsyscall page, slots for early_ioremap
 *   cpu_entry_area  the boot CPU's GDT, TSS and IST stacks (guard pages between)
 *
 * Tables are built while the CPU still runs on early_top_pgt, from memory memblock gives
 * below KERNEL_IMAGE_SIZE (reachable through the text mapping); then CR3 switches, the
 * identity map is gone, and from then on tables are reached through the direct map.
 */
#define pr_fmt(fmt) "x86/mm: " fmt
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/printk.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/oops.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <carto/multiboot2.h>
#include <asm/pgtable.h>
#include <asm/fixmap.h>
#include <asm/cpu_entry_area.h>
#include <asm/tlbflush.h>
#include <asm/ptdump.h>
#include <asm/special_insns.h>

pgd_t init_top_pgt[PTRS_PER_PGD] __aligned(PAGE_SIZE);

extern const char _text[], _etext[], __start_rodata[], _erodata[], _sdata[], _end[];
extern const u8 __vsyscall_page[];
extern struct mb2_info boot_mb2;

/* Where boot-time page tables come from: this much above the image (64 TiB needs 32 MiB). */
#define EARLY_PGTABLE_WINDOW (64UL << 20)

bool smap_enabled;
static bool direct_map_live; /* CR3 is init_top_pgt: tables are reached through __va() */
static bool buddy_live; /* page-table pages come from the buddy allocator */
static phys_addr_t direct_map_end; /* first byte past the direct map's highest page */

void *pt_table_va(phys_addr_t pa)
{
	if (!direct_map_live)
		return pa < KERNEL_IMAGE_SIZE ? __va_kimage(pa) : NULL;
	return pa < direct_map_end ? __va(pa) : NULL;
}

phys_addr_t pt_alloc_table(void)
{
	phys_addr_t pa;

	if (buddy_live) {
		unsigned long page = get_zeroed_page(GFP_KERNEL);

		return page ? __pa(page) : 0;
	}
	/*
	 * Just above the image first: memory the stub wrote only as data. The top of low RAM,
	 * where memblock would look first, is where GRUB ran, and QEMU's TCG pays for every
	 * store to a page it still holds translated code for.
	 */
	pa = memblock_alloc_range(PAGE_SIZE, PAGE_SIZE, __pa_symbol(_end),
				  __pa_symbol(_end) + EARLY_PGTABLE_WINDOW);
	if (!pa)
		pa = memblock_alloc_range(PAGE_SIZE, PAGE_SIZE, 0, KERNEL_IMAGE_SIZE);
	if (pa)
		memset(pt_table_va(pa), 0, PAGE_SIZE);
	return pa;
}

/* Tables from memblock at boot stay: only pages the buddy gave go back to it. */
void pt_free_table(phys_addr_t pa)
{
	struct page *page = pfn_to_page(pa >> PAGE_SHIFT);

	if (buddy_live && !PageReserved(page))
		free_page((unsigned long)__va(pa));
}

phys_addr_t init_pgd_pa(void)
{
	return __pa_symbol(init_top_pgt);
}

/* Boot-time mapping: failing here leaves no kernel to run, so it stops with the reason. */
static void map_or_panic(unsigned long va, phys_addr_t pa, unsigned long size, pgprot_t prot,
			 unsigned long page_size, const char *what)
{
	int err = pt_map_range(init_pgd_pa(), va, pa, size, prot, page_size);

	if (err)
		panic("x86/mm: cannot map %s at va=0x%016lx (error %d)", what, va, err);
}

/* The memory memblock must not hand out: what is already in use before the buddy exists. */
static void reserve_boot_memory(void)
{
	memblock_reserve(0, 1UL << 20, "low 1M");
	memblock_reserve(__pa_symbol(_text), _end - _text, "kernel");
	memblock_reserve(boot_info_pa, boot_mb2.total_size, "multiboot2 info");
	for (u32 i = 0; i < boot_mb2.nr_modules; i++) {
		struct mb2_module mod;

		if (!mb2_module(&boot_mb2, i, &mod) && mod.end > mod.start)
			memblock_reserve(mod.start, mod.end - mod.start, "module");
	}
}

/*
 * The direct map: each RAM region rounded out to 2 MiB pages. A 2 MiB page that holds any
 * RAM is mapped whole (so the odd firmware bytes around RAM edges are mapped, as Linux's
 * early mapping does); a 2 MiB range with no RAM at all (the PCI hole) is not.
 */
static void map_direct(void)
{
	struct memblock_region *r;

	for_each_memblock(memory, r) {
		phys_addr_t start = ALIGN_DOWN(r->base, PMD_SIZE);
		phys_addr_t end = ALIGN(r->base + r->size, PMD_SIZE);

		map_or_panic((unsigned long)__va(start), start, end - start, PAGE_KERNEL, PMD_SIZE,
			     "the direct map");
		direct_map_end = max(direct_map_end, end);
	}
}

/* The image in 4 KiB pages with strict permissions. */
static void map_kernel_image(void)
{
	static const struct {
		const char *start, *end;
		pgprot_t prot;
		const char *what;
	} parts[] = {
		{ _text, _etext, __pgprot(__PAGE_KERNEL_RX), "kernel text" },
		{ __start_rodata, _erodata, __pgprot(__PAGE_KERNEL_RO), "kernel rodata" },
		{ _sdata, _end, __pgprot(__PAGE_KERNEL), "kernel data" },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(parts); i++) {
		unsigned long start = (unsigned long)parts[i].start;
		unsigned long end = ALIGN((unsigned long)parts[i].end, PAGE_SIZE);

		map_or_panic(start, __pa_symbol(start), end - start, parts[i].prot, PAGE_SIZE,
			     parts[i].what);
	}
}

/*
 * vmemmap: the struct pages of every RAM pfn, in 2 MiB pages of memblock memory. The
 * memory is not cleared: the buddy initialises struct pages as it needs them.
 */
static void map_vmemmap(void)
{
	struct memblock_region *r;

	for_each_memblock(memory, r) {
		unsigned long start = (unsigned long)pfn_to_page(r->base >> PAGE_SHIFT);
		unsigned long end = (unsigned long)pfn_to_page((r->base + r->size) >> PAGE_SHIFT);

		for (unsigned long va = ALIGN_DOWN(start, PMD_SIZE); va < end; va += PMD_SIZE) {
			struct pt_translation t;
			phys_addr_t pa;

			pt_translate(init_pgd_pa(), va, &t);
			if (t.mapped)
				continue;
			pa = memblock_alloc_range(PMD_SIZE, PMD_SIZE, 0, memblock_end_of_RAM());
			if (!pa)
				panic("x86/mm: no memory for the vmemmap at va=0x%016lx", va);
			map_or_panic(va, pa, PMD_SIZE, PAGE_KERNEL, PMD_SIZE, "the vmemmap");
		}
	}
}

/*
 * The tables above the vsyscall page get _PAGE_USER too (Linux's
 * set_vsyscall_pgtable_user_bits()), so a user access reaches the leaf's protection.
 */
static void set_vsyscall_pgtable_user_bits(void)
{
	struct pt_translation t;

	pt_translate(init_pgd_pa(), VSYSCALL_ADDR, &t);
	for (int i = 0; i < t.nr_steps; i++) {
		const struct pt_entry *e = &t.steps[i];
		unsigned long *table = pt_table_va(e->table_pa);

		if (e->level != PT_P4D && e->present && !e->leaf)
			table[e->index] |= _PAGE_USER;
	}
}

static void map_fixmap(void)
{
	/* The tables for every slot, so __set_fixmap() never allocates. */
	for (unsigned long va = ALIGN_DOWN(FIXADDR_TOT_START, PMD_SIZE); va < FIXADDR_TOP;
	     va += PMD_SIZE)
		if (pt_populate(init_pgd_pa(), va))
			panic("x86/mm: no memory for the fixmap's page tables");
	map_or_panic(__fix_to_virt(VSYSCALL_PAGE), __pa_symbol(__vsyscall_page), PAGE_SIZE,
		     PAGE_KERNEL_VVAR, PAGE_SIZE, "the vsyscall page");
	set_vsyscall_pgtable_user_bits();
}

static void enable_cpu_protections(void)
{
	u32 a, b, c, d, max;
	unsigned long cr4 = read_cr4() | X86_CR4_PGE;

	cpuid(0, &max, &b, &c, &d);
	if (max >= 7) {
		cpuid_count(7, 0, &a, &b, &c, &d);
		if (b & (1U << 7))
			cr4 |= X86_CR4_SMEP;
		if (b & (1U << 20))
			cr4 |= X86_CR4_SMAP;
	}
	write_cr4(cr4);
	smap_enabled = cr4 & X86_CR4_SMAP;
	write_cr0(read_cr0() | X86_CR0_WP);
	pr_info("CR4 PGE%s%s, CR0 WP, EFER NX on\n", (cr4 & X86_CR4_SMEP) ? " SMEP" : "",
		(cr4 & X86_CR4_SMAP) ? " SMAP" : "");
}

void init_mem_mapping(void)
{
	if (memblock_init_from_mb2(&boot_mb2))
		panic("x86/mm: no usable memory map from the boot loader");
	reserve_boot_memory();
	map_direct();
	map_kernel_image();
	map_vmemmap();
	map_fixmap();
	if (setup_cpu_entry_area(init_pgd_pa(), 0))
		panic("x86/mm: cannot map the cpu_entry_area");

	write_cr3(init_pgd_pa());
	direct_map_live = true;
	enable_cpu_protections();
	load_cpu_entry_area(0);
	pr_info("init_top_pgt at pa=0x%llx: direct map of %llu MiB, %lu page-table pages\n",
		init_pgd_pa(), direct_map_end >> 20, nr_pagetable_pages);
}

/* After mem_init(): new page-table pages come from the buddy allocator. */
void pgtable_use_buddy(void)
{
	buddy_live = true;
}

int __set_fixmap(enum fixed_addresses idx, phys_addr_t pa, pgprot_t prot)
{
	unsigned long va = __fix_to_virt(idx);
	int err;

	if (idx >= __end_of_fixed_addresses)
		return -EINVAL;
	err = pt_map_range(read_cr3() & PTE_PFN_MASK, va, pa & PAGE_MASK, PAGE_SIZE, prot,
			   PAGE_SIZE);
	flush_tlb_one_kernel(va);
	return err;
}

int clear_fixmap(enum fixed_addresses idx)
{
	unsigned long va = __fix_to_virt(idx);
	int err = pt_unmap_range(read_cr3() & PTE_PFN_MASK, va, PAGE_SIZE);

	flush_tlb_one_kernel(va);
	return err;
}
