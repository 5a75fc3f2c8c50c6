/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmalloc, vmap and ioremap: virtually contiguous kernel mappings in the vmalloc() area
 * [VMALLOC_START, VMALLOC_END] and, for module_alloc(), the module mapping space
 * [MODULES_VADDR, MODULES_END).
 *
 * Every area is followed by one unmapped guard page, counted in its size (as Linux's
 * vm_struct.size). Areas sit in an address-ordered AVL tree (lookup O(log n)); free address
 * space in a second one, augmented with each subtree's largest free block, so the lowest
 * fitting gap is found in O(log n) (mm/vmap_area.c).
 */
#ifndef _LINUX_VMALLOC_H
#define _LINUX_VMALLOC_H
#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/avltree.h>
#include <asm/pgtable.h>

struct page;

#ifndef __iomem
#define __iomem /* device memory: read and write it with volatile accesses */
#endif

/* vm_struct.flags: the kind of an area (Linux's values). */
#define VM_IOREMAP 0x00000001UL /* ioremap(): device memory, phys_addr set */
#define VM_ALLOC 0x00000002UL /* vmalloc(): pages from the buddy, pages[] owned */
#define VM_MAP 0x00000004UL /* vmap(): the caller's pages */

/*
 * One area, or (in the free tree) one free block. addr/size: the whole range, size
 * including the guard page for an area. A free block uses node, addr, size and
 * subtree_max_size only.
 */
struct vm_struct {
	struct avl_node node;
	unsigned long addr;
	unsigned long size;
	unsigned long subtree_max_size; /* free tree: largest block size in this subtree */
	unsigned long flags;
	unsigned int nr_pages; /* pages mapped (size / PAGE_SIZE - 1 for a whole area) */
	struct page **pages; /* VM_ALLOC: the pages, nr_pages of them */
	phys_addr_t phys_addr; /* VM_IOREMAP: the first page's physical address */
	const void *caller;
};

/* ---- the address-space core (mm/vmap_area.c; no locking, no page tables) ---- */

/* Busy areas and free blocks; node_alloc/node_free supply free-block nodes. */
struct vmap_space {
	struct avl_root busy; /* areas, by addr */
	struct avl_root free; /* free blocks, by addr, augmented */
	struct vm_struct *(*node_alloc)(void);
	void (*node_free)(struct vm_struct *);
};

/* Add [start, end) as free space (not overlapping anything there). 0 or -ENOMEM. */
int vmap_space_add(struct vmap_space *s, unsigned long start, unsigned long end);
/*
 * Place area (size bytes, a multiple of PAGE_SIZE) at the lowest address in [lo, hi) aligned
 * to align (a power of two, at least PAGE_SIZE) in the lowest free block of at least
 * size + align - PAGE_SIZE bytes that holds it (Linux's conservative first fit: one
 * descent). Sets area->addr, area->size and adds it to the busy tree. 0, -ENOMEM (no room,
 * or no node to split a block with).
 */
int vmap_space_alloc(struct vmap_space *s, struct vm_struct *area, unsigned long size,
		     unsigned long align, unsigned long lo, unsigned long hi);
/*
 * Take area out of the busy tree and give its range back, merged with its neighbours. The
 * area's node goes with it (kept as a free block, or node_free()d): read it before.
 */
void vmap_space_free(struct vmap_space *s, struct vm_struct *area);
/* The area containing addr, or NULL. */
struct vm_struct *vmap_space_find(const struct vmap_space *s, unsigned long addr);

/* ---- the allocator (mm/vmalloc.c) ---- */

/* Reserve an area (no pages mapped) of size rounded up to pages plus a guard page. NULL on error. */
struct vm_struct *__get_vm_area(unsigned long size, unsigned long align, unsigned long start,
				unsigned long end, unsigned long flags, const void *caller);
/* The area starting at addr (not containing: starting), taken out; NULL when there is none. */
struct vm_struct *remove_vm_area(const void *addr);
/* The area containing addr, or NULL (a snapshot pointer: do not keep). */
struct vm_struct *find_vm_area(const void *addr);

void *__vmalloc_node_range(unsigned long size, unsigned long align, unsigned long start,
			   unsigned long end, gfp_t gfp, pgprot_t prot, const void *caller);
void *vmalloc(unsigned long size);
void *vzalloc(unsigned long size);
void vfree(const void *addr);
void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot);
void vunmap(const void *addr);

/* Module space [MODULES_VADDR, MODULES_END), PAGE_KERNEL (RW, NX) to start with. */
void *module_alloc(unsigned long size);
void module_memfree(void *addr);

/* Change the protections of numpages pages at addr (page aligned) and flush. 0 or -errno. */
int set_memory_ro(unsigned long addr, int numpages);
int set_memory_rw(unsigned long addr, int numpages);
int set_memory_nx(unsigned long addr, int numpages);
int set_memory_x(unsigned long addr, int numpages);

/* ioremap's core: reserve a VM_IOREMAP area and map [pa, pa + size) there with prot. */
void *vmap_phys_range(phys_addr_t pa, unsigned long size, pgprot_t prot, const void *caller);
/* Unmap and free the VM_IOREMAP area starting at addr; false (one line said) if none. */
bool vunmap_phys_range(const void *addr);

/* Device memory, uncached (PCD|PWT); RAM is refused (NULL). arch/x86/mm/ioremap.c */
void __iomem *ioremap(phys_addr_t phys, unsigned long size);
void __iomem *ioremap_nocache(phys_addr_t phys, unsigned long size);
void iounmap(volatile void __iomem *addr);
/* Map the LAPIC, IOAPIC and HPET at boot and print what their first registers read. */
void x86_ioremap_init(void);
extern void __iomem *lapic_base, *ioapic_base, *hpet_base;

/* Pages vmalloc() holds (meminfo's VmallocUsed, as Linux 5.x counts it). */
unsigned long vmalloc_nr_pages(void);
/* Print every area, /proc/vmallocinfo style. */
void vmallocinfo_show(void);
/* Set up the vmalloc and module spaces. */
void vmalloc_init(void);

#endif /* _LINUX_VMALLOC_H */
