// SPDX-License-Identifier: GPL-2.0
/*
 * vmalloc, vzalloc, vmap, module_alloc and set_memory_*: areas in the vmalloc() area and the
 * module mapping space, placed by mm/vmap_area.c under vmap_lock, mapped with pt_map_range()
 * in the current page tables (carto has one kernel pgd), unmapped and flushed on free.
 *
 * Nodes (struct vm_struct) come from whole buddy pages carved into a free list; those pages
 * stay with vmalloc (a node is reused, never given back: at most one page per 50 areas).
 */
#define pr_fmt(fmt) "vmalloc: " fmt
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/printk.h>
#include <linux/spinlock.h>
#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/vmalloc.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>
#include <asm/special_insns.h>

static DEFINE_SPINLOCK(vmap_lock);
static struct vm_struct *node_pool; /* free nodes, linked through node.parent */
static unsigned long nr_vmalloc_pages;

/* A zeroed node, from the pool or a new buddy page; NULL when out of memory. Lock held. */
static struct vm_struct *node_alloc(void)
{
	struct vm_struct *va;

	if (!node_pool) {
		struct page *page = alloc_page(GFP_ATOMIC | __GFP_NOWARN);
		struct vm_struct *v;

		if (!page)
			return NULL;
		v = page_address(page);
		for (unsigned long i = 0; i < PAGE_SIZE / sizeof(*v); i++) {
			v[i].node.parent = (struct avl_node *)node_pool;
			node_pool = &v[i];
		}
	}
	va = node_pool;
	node_pool = (struct vm_struct *)va->node.parent;
	memset(va, 0, sizeof(*va));
	return va;
}

static void node_free(struct vm_struct *va)
{
	va->node.parent = (struct avl_node *)node_pool;
	node_pool = va;
}

/* The one tree of both spaces (vmalloc and modules): gdb's lx-vmallocinfo reads it too. */
struct vmap_space vmap_space = { .node_alloc = node_alloc, .node_free = node_free };

static phys_addr_t kernel_pgd(void)
{
	return read_cr3() & PTE_PFN_MASK;
}

/*
 * The free space: the whole vmalloc() area
 * and the module mapping space.
 */
void vmalloc_init(void)
{
	if (vmap_space_add(&vmap_space, VMALLOC_START, VMALLOC_END + 1) ||
	    vmap_space_add(&vmap_space, MODULES_VADDR, MODULES_END))
		pr_err("no memory for the free-space tree\n");
	x86_ioremap_init();
}

struct vm_struct *__get_vm_area(unsigned long size, unsigned long align, unsigned long start,
				unsigned long end, unsigned long flags, const void *caller)
{
	struct vm_struct *area;
	unsigned long irq;
	int err = -ENOMEM;

	char sym[KSYM_SYMBOL_LEN];

	if (!size || start >= end || size > end - start || !align || (align & (align - 1))) {
		sprint_symbol(sym, sizeof(sym), (unsigned long)caller);
		pr_err("bad request: size %lu align 0x%lx in [0x%016lx, 0x%016lx) from %s\n", size,
		       align, start, end, sym);
		return NULL;
	}
	size = ALIGN(size, PAGE_SIZE) + PAGE_SIZE; /* the guard page */
	align = max(align, PAGE_SIZE);
	spin_lock_irqsave(&vmap_lock, irq);
	area = node_alloc();
	if (area) {
		err = vmap_space_alloc(&vmap_space, area, size, align, start, end);
		if (err)
			node_free(area);
	}
	if (!err) {
		area->flags = flags;
		area->caller = caller;
	}
	spin_unlock_irqrestore(&vmap_lock, irq);
	if (err) {
		sprint_symbol(sym, sizeof(sym), (unsigned long)caller);
		pr_err("no room for %lu bytes in [0x%016lx, 0x%016lx) from %s\n", size, start, end,
		       sym);
		return NULL;
	}
	return area;
}

struct vm_struct *find_vm_area(const void *addr)
{
	struct vm_struct *va;
	unsigned long irq;

	spin_lock_irqsave(&vmap_lock, irq);
	va = vmap_space_find(&vmap_space, (unsigned long)addr);
	spin_unlock_irqrestore(&vmap_lock, irq);
	return va;
}

/* Unmap area's pages and flush; the range stays reserved. */
static void unmap_area(const struct vm_struct *area)
{
	unsigned long len = area->size - PAGE_SIZE;

	pt_unmap_range(kernel_pgd(), area->addr, len);
	flush_tlb_kernel_range(area->addr, area->addr + len);
}

/*
 * Take the area starting at addr, of a kind in kinds, out of the tree after unmapping it;
 * *copy gets its fields. false (and one line naming who) when there is none.
 */
static bool take_area(const void *addr, unsigned long kinds, const char *who,
		      struct vm_struct *copy)
{
	unsigned long va = (unsigned long)addr, irq, start = 0, end = 0, flags = 0;
	struct vm_struct *area;
	bool ok = false;

	spin_lock_irqsave(&vmap_lock, irq);
	area = vmap_space_find(&vmap_space, va);
	if (area) {
		start = area->addr;
		end = area->addr + area->size;
		flags = area->flags;
		ok = start == va && (flags & kinds);
		if (ok) {
			*copy = *area;
			area->flags = 0; /* claimed: a racing second free finds no kind to free */
		}
	}
	spin_unlock_irqrestore(&vmap_lock, irq);
	if (!area) {
		pr_err("%s(va=0x%016lx): no area there (never allocated, or freed already)\n", who,
		       va);
		return false;
	}
	if (!ok) {
		pr_err("%s(va=0x%016lx): not the start of an area %s frees (area 0x%016lx-0x%016lx, flags 0x%lx)\n",
		       who, va, who, start, end, flags);
		return false;
	}
	unmap_area(copy);
	spin_lock_irqsave(&vmap_lock, irq);
	vmap_space_free(&vmap_space, area);
	if (copy->flags & VM_ALLOC)
		nr_vmalloc_pages -= copy->nr_pages;
	spin_unlock_irqrestore(&vmap_lock, irq);
	return true;
}

struct vm_struct *remove_vm_area(const void *addr)
{
	static struct vm_struct last; /* the removed area's fields */

	return take_area(addr, ~0UL, "remove_vm_area", &last) ? &last : NULL;
}

/* The buddy order of a block holding nr page pointers. */
static unsigned int array_order(unsigned int nr)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < nr * sizeof(struct page *))
		order++;
	return order;
}

/* Give back the pages of a vmalloc area and the array holding them. */
static void free_area_pages(struct page **pages, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++)
		__free_page(pages[i]);
	free_pages((unsigned long)pages, array_order(nr));
}

/* Map area's nr pages (pages[i] at addr + i pages) with prot. 0 or -ENOMEM. */
static int map_area_pages(struct vm_struct *area, struct page **pages, unsigned int nr,
			  pgprot_t prot)
{
	for (unsigned int i = 0; i < nr; i++) {
		int err = pt_map_range(kernel_pgd(), area->addr + i * PAGE_SIZE,
				       page_to_phys(pages[i]), PAGE_SIZE, prot, PAGE_SIZE);
		if (err)
			return err;
	}
	return 0;
}

/* Back a reserved area with pages; false when out of memory (the caller frees the area). */
static bool vmalloc_fill(struct vm_struct *area, gfp_t gfp, pgprot_t prot)
{
	unsigned int nr = area->size / PAGE_SIZE - 1, order = array_order(nr);
	struct page **pages = (struct page **)__get_free_pages(GFP_KERNEL | __GFP_ZERO, order);
	unsigned long irq;

	if (!pages)
		return false;
	area->pages = pages;
	for (; area->nr_pages < nr; area->nr_pages++) {
		struct page *page = alloc_page((gfp & ~__GFP_ZERO) | __GFP_NOWARN);

		if (!page)
			break;
		if (gfp & __GFP_ZERO)
			memset(page_address(page), 0, PAGE_SIZE);
		pages[area->nr_pages] = page;
	}
	spin_lock_irqsave(&vmap_lock, irq);
	nr_vmalloc_pages += area->nr_pages; /* vfree() takes off as many */
	spin_unlock_irqrestore(&vmap_lock, irq);
	return area->nr_pages == nr && !map_area_pages(area, pages, nr, prot);
}

void *__vmalloc_node_range(unsigned long size, unsigned long align, unsigned long start,
			   unsigned long end, gfp_t gfp, pgprot_t prot, const void *caller)
{
	struct vm_struct *area = __get_vm_area(size, align, start, end, VM_ALLOC, caller);

	if (!area)
		return NULL;
	if (!vmalloc_fill(area, gfp, prot)) {
		pr_err("out of memory for %lu bytes at va=0x%016lx\n", size, area->addr);
		vfree((void *)area->addr);
		return NULL;
	}
	return (void *)area->addr;
}

/* noinline: __builtin_return_address(0) is the caller vmallocinfo names. */
noinline void *vmalloc(unsigned long size)
{
	return __vmalloc_node_range(size, PAGE_SIZE, VMALLOC_START, VMALLOC_END + 1, GFP_KERNEL,
				    PAGE_KERNEL, __builtin_return_address(0));
}

noinline void *vzalloc(unsigned long size)
{
	return __vmalloc_node_range(size, PAGE_SIZE, VMALLOC_START, VMALLOC_END + 1,
				    GFP_KERNEL | __GFP_ZERO, PAGE_KERNEL,
				    __builtin_return_address(0));
}

void vfree(const void *addr)
{
	struct vm_struct area;

	if (!addr)
		return;
	if (take_area(addr, VM_ALLOC, "vfree", &area) && area.pages)
		free_area_pages(area.pages, area.nr_pages);
}

noinline void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot)
{
	struct vm_struct *area;

	(void)flags;
	area = __get_vm_area((unsigned long)count * PAGE_SIZE, PAGE_SIZE, VMALLOC_START,
			     VMALLOC_END + 1, VM_MAP, __builtin_return_address(0));
	if (!area)
		return NULL;
	area->nr_pages = count;
	if (map_area_pages(area, pages, count, prot)) {
		vunmap((void *)area->addr);
		return NULL;
	}
	return (void *)area->addr;
}

void vunmap(const void *addr)
{
	struct vm_struct area;

	if (addr)
		take_area(addr, VM_MAP, "vunmap", &area);
}

noinline void *module_alloc(unsigned long size)
{
	return __vmalloc_node_range(size, PAGE_SIZE, MODULES_VADDR, MODULES_END, GFP_KERNEL,
				    PAGE_KERNEL, __builtin_return_address(0));
}

void module_memfree(void *addr)
{
	vfree(addr);
}

/* Change numpages pages at addr: flags = (flags & ~clear) | set, then flush. */
static int change_page_attr(unsigned long addr, int numpages, unsigned long set,
			    unsigned long clear)
{
	unsigned long len = (unsigned long)numpages * PAGE_SIZE;
	int err;

	if (!numpages)
		return 0;
	if (!IS_ALIGNED(addr, PAGE_SIZE) || numpages < 0) {
		pr_err("set_memory: bad range va=0x%016lx, %d pages\n", addr, numpages);
		return -EINVAL;
	}
	err = pt_change_prot(kernel_pgd(), addr, len, set, clear);
	flush_tlb_kernel_range(addr, addr + len);
	return err;
}

int set_memory_ro(unsigned long addr, int numpages)
{
	return change_page_attr(addr, numpages, 0, _PAGE_RW);
}

int set_memory_rw(unsigned long addr, int numpages)
{
	return change_page_attr(addr, numpages, _PAGE_RW, 0);
}

int set_memory_nx(unsigned long addr, int numpages)
{
	return change_page_attr(addr, numpages, _PAGE_NX, 0);
}

int set_memory_x(unsigned long addr, int numpages)
{
	return change_page_attr(addr, numpages, 0, _PAGE_NX);
}

/* Used by ioremap.c: reserve, then map a physical range into an area. */
void *vmap_phys_range(phys_addr_t pa, unsigned long size, pgprot_t prot, const void *caller)
{
	struct vm_struct *area =
		__get_vm_area(size, PAGE_SIZE, VMALLOC_START, VMALLOC_END + 1, VM_IOREMAP, caller);

	if (!area)
		return NULL;
	area->phys_addr = pa;
	area->nr_pages = 0;
	if (pt_map_range(kernel_pgd(), area->addr, pa, size, prot, PAGE_SIZE)) {
		struct vm_struct copy;

		take_area((void *)area->addr, VM_IOREMAP, "iounmap", &copy);
		return NULL;
	}
	return (void *)area->addr;
}

bool vunmap_phys_range(const void *addr)
{
	struct vm_struct area;

	return take_area(addr, VM_IOREMAP, "iounmap", &area);
}

unsigned long vmalloc_nr_pages(void)
{
	return READ_ONCE(nr_vmalloc_pages);
}

/* One /proc/vmallocinfo line. */
static void show_area(const struct vm_struct *va)
{
	char sym[KSYM_SYMBOL_LEN];

	con_printf("0x%016lx-0x%016lx %7ld", va->addr, va->addr + va->size, (long)va->size);
	if (va->caller) {
		sprint_symbol(sym, sizeof(sym), (unsigned long)va->caller);
		con_printf(" %s", sym);
	}
	if (va->nr_pages)
		con_printf(" pages=%u", va->nr_pages);
	if (va->phys_addr)
		con_printf(" phys=0x%016llx", (unsigned long long)va->phys_addr);
	if (va->flags & VM_IOREMAP)
		con_printf(" ioremap");
	if (va->flags & VM_ALLOC)
		con_printf(" vmalloc");
	if (va->flags & VM_MAP)
		con_printf(" vmap");
	con_printf("\n");
}

void vmallocinfo_show(void)
{
	unsigned long irq;

	/* Printing to the serial console under the lock: areas cannot change meanwhile. */
	spin_lock_irqsave(&vmap_lock, irq);
	for (struct avl_node *n = avl_first(&vmap_space.busy); n; n = avl_next(n))
		show_area(avl_entry(n, struct vm_struct, node));
	spin_unlock_irqrestore(&vmap_lock, irq);
}
