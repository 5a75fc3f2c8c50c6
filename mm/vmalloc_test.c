// SPDX-License-Identifier: GPL-2.0
/*
 * Suite mm_vmalloc: vmalloc, vmap, module_alloc, set_memory_* and ioremap on the running
 * kernel. Every case gives back what it takes; VmallocUsed ends where it began.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/ktest.h>
#include <asm/apic.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/pgtable.h>
#include <asm/special_insns.h>

#define NR_MANY 256

/* The leaf entry mapping va (0 when unmapped). */
static unsigned long leaf_of(unsigned long va)
{
	struct pt_translation t;

	pt_translate(read_cr3() & PTE_PFN_MASK, va, &t);
	return t.mapped ? t.steps[t.nr_steps - 1].entry : 0;
}

static bool readable(const void *p)
{
	char c;

	return copy_from_kernel_nofault(&c, p, 1) == 0;
}

static void mm_vmalloc_write_read(struct ktest *t)
{
	unsigned long used = vmalloc_nr_pages(), size = 3 * PAGE_SIZE + 100;
	unsigned char *p = vmalloc(size);
	struct vm_struct *area;
	bool same = true;

	KTEST_EXPECT_TRUE(t, p != NULL);
	if (!p)
		return;
	KTEST_EXPECT_TRUE(t, (unsigned long)p >= VMALLOC_START && (unsigned long)p < VMALLOC_END);
	KTEST_EXPECT_EQ(t, vmalloc_nr_pages(), used + 4);
	area = find_vm_area(p + size - 1);
	KTEST_EXPECT_TRUE(t, area && area->addr == (unsigned long)p);
	if (area) {
		KTEST_EXPECT_EQ(t, area->size, 5 * PAGE_SIZE); /* 4 pages and the guard */
		KTEST_EXPECT_EQ(t, area->nr_pages, 4);
		KTEST_EXPECT_EQ(t, area->flags, VM_ALLOC);
	}
	for (unsigned long i = 0; i < size; i++)
		p[i] = (unsigned char)(i * 7 + 3);
	for (unsigned long i = 0; i < size; i++)
		same &= p[i] == (unsigned char)(i * 7 + 3);
	KTEST_EXPECT_TRUE(t, same);
	KTEST_EXPECT_TRUE(t, leaf_of((unsigned long)p) & _PAGE_NX);
	vfree(p);
	KTEST_EXPECT_EQ(t, vmalloc_nr_pages(), used);
}

static void mm_vmalloc_vzalloc_zeroed(struct ktest *t)
{
	unsigned char *p = vzalloc(2 * PAGE_SIZE);
	bool zero = true;

	KTEST_EXPECT_TRUE(t, p != NULL);
	if (!p)
		return;
	for (unsigned long i = 0; i < 2 * PAGE_SIZE; i++)
		zero &= !p[i];
	KTEST_EXPECT_TRUE(t, zero);
	vfree(p);
}

/* The page after an area is never mapped: a read there faults (and is caught). */
static void mm_vmalloc_guard_page(struct ktest *t)
{
	char *p = vmalloc(2 * PAGE_SIZE);

	KTEST_EXPECT_TRUE(t, p != NULL);
	if (!p)
		return;
	KTEST_EXPECT_TRUE(t, readable(p + 2 * PAGE_SIZE - 1));
	KTEST_EXPECT_TRUE(t, !readable(p + 2 * PAGE_SIZE));
	KTEST_EXPECT_EQ(t, leaf_of((unsigned long)p + 2 * PAGE_SIZE), 0);
	vfree(p);
}

/* After vfree the pages are unmapped and the TLB entry (made by the write) flushed. */
static void mm_vmalloc_vfree_unmaps(struct ktest *t)
{
	volatile char *p = vmalloc(PAGE_SIZE);

	KTEST_EXPECT_TRUE(t, p != NULL);
	if (!p)
		return;
	p[0] = 1;
	KTEST_EXPECT_TRUE(t, readable((const void *)p));
	vfree((const void *)p);
	KTEST_EXPECT_EQ(t, leaf_of((unsigned long)p), 0);
	KTEST_EXPECT_TRUE(t, !readable((const void *)p));
	KTEST_EXPECT_TRUE(t, find_vm_area((const void *)p) == NULL);
}

/* Size 0, too big, a free of no area, a double free, a free inside an area: refused. */
static void mm_vmalloc_bad_input(struct ktest *t)
{
	unsigned long used = vmalloc_nr_pages();
	char *p;

	KTEST_EXPECT_TRUE(t, vmalloc(0) == NULL);
	KTEST_EXPECT_TRUE(t, vmalloc(VMALLOC_END - VMALLOC_START + 1) == NULL);
	KTEST_EXPECT_TRUE(t, __get_vm_area(PAGE_SIZE, 3 * PAGE_SIZE, VMALLOC_START, VMALLOC_END + 1,
					   VM_ALLOC, NULL) == NULL);
	vfree((void *)(VMALLOC_START + 0x123000)); /* nothing there */
	p = vmalloc(2 * PAGE_SIZE);
	KTEST_EXPECT_TRUE(t, p != NULL);
	if (!p)
		return;
	vfree(p + PAGE_SIZE); /* inside: refused, the area stays */
	KTEST_EXPECT_TRUE(t, readable(p));
	vfree(p);
	vfree(p); /* double free: one line, nothing lost */
	KTEST_EXPECT_EQ(t, vmalloc_nr_pages(), used);
}

/* Many areas: inside the range, disjoint, each with its guard; all given back. */
static void mm_vmalloc_many_areas(struct ktest *t)
{
	static char *p[NR_MANY];
	unsigned long used = vmalloc_nr_pages();
	int overlaps = 0;

	for (int i = 0; i < NR_MANY; i++) {
		p[i] = vmalloc((i % 5 + 1) * PAGE_SIZE);
		KTEST_EXPECT_TRUE(t, p[i] != NULL);
		if (p[i])
			p[i][0] = (char)i;
	}
	for (int i = 0; i < NR_MANY; i++)
		for (int j = 0; j < NR_MANY; j++) {
			unsigned long a = (unsigned long)p[i], b = (unsigned long)p[j];

			if (i != j && a && b && a <= b && b < a + (i % 5 + 2) * PAGE_SIZE)
				overlaps++;
		}
	KTEST_EXPECT_EQ(t, overlaps, 0);
	for (int i = 0; i < NR_MANY; i++)
		if (p[i]) {
			KTEST_EXPECT_EQ(t, p[i][0], (char)i);
			vfree(p[i]);
		}
	KTEST_EXPECT_EQ(t, vmalloc_nr_pages(), used);
}

/* First fit: a freed hole is reused by a request that fits it, skipped by one that does not. */
static void mm_vmalloc_gap_search(struct ktest *t)
{
	char *a = vmalloc(PAGE_SIZE), *b = vmalloc(2 * PAGE_SIZE), *c = vmalloc(PAGE_SIZE);
	char *big, *fit;

	KTEST_EXPECT_TRUE(t, a && b && c);
	if (!a || !b || !c)
		goto out;
	KTEST_EXPECT_EQ(t, (unsigned long)b, (unsigned long)a + 2 * PAGE_SIZE);
	vfree(b); /* a 3-page hole between a and c */
	big = vmalloc(3 * PAGE_SIZE);
	KTEST_EXPECT_TRUE(t, big && (big < b || big > c)); /* not in the hole */
	fit = vmalloc(2 * PAGE_SIZE);
	KTEST_EXPECT_TRUE(t, fit && fit <= b);
	vfree(big);
	vfree(fit);
	b = NULL;
out:
	vfree(a);
	vfree(b);
	vfree(c);
}

static void mm_vmalloc_vmap(struct ktest *t)
{
	struct page *pages[2] = { alloc_page(GFP_KERNEL), alloc_page(GFP_KERNEL) };
	char *v;

	KTEST_EXPECT_TRUE(t, pages[0] && pages[1]);
	if (!pages[0] || !pages[1])
		goto out;
	v = vmap(pages, 2, VM_MAP, PAGE_KERNEL);
	KTEST_EXPECT_TRUE(t, v != NULL);
	if (v) {
		v[PAGE_SIZE + 5] = 'x';
		KTEST_EXPECT_EQ(t, ((char *)page_address(pages[1]))[5], 'x');
		vfree(v); /* the wrong kind: refused */
		KTEST_EXPECT_TRUE(t, readable(v));
		vunmap(v);
		KTEST_EXPECT_TRUE(t, !readable(v));
	}
out:
	for (int i = 0; i < 2; i++)
		if (pages[i])
			__free_page(pages[i]);
}

/* module_alloc in the module space; set_memory_* change the entries. */
static void mm_vmalloc_module_alloc(struct ktest *t)
{
	char *m = module_alloc(3 * PAGE_SIZE);
	unsigned long va = (unsigned long)m;

	KTEST_EXPECT_TRUE(t, m != NULL);
	if (!m)
		return;
	KTEST_EXPECT_TRUE(t, va >= MODULES_VADDR && va + 3 * PAGE_SIZE <= MODULES_END);
	KTEST_EXPECT_TRUE(t, (leaf_of(va) & (_PAGE_RW | _PAGE_NX)) == (_PAGE_RW | _PAGE_NX));
	KTEST_EXPECT_EQ(t, set_memory_ro(va, 1), 0);
	KTEST_EXPECT_EQ(t, set_memory_x(va, 1), 0);
	KTEST_EXPECT_EQ(t, leaf_of(va) & (_PAGE_RW | _PAGE_NX), 0);
	KTEST_EXPECT_TRUE(t, leaf_of(va + PAGE_SIZE) & _PAGE_RW);
	KTEST_EXPECT_EQ(t, set_memory_rw(va, 1), 0);
	KTEST_EXPECT_EQ(t, set_memory_nx(va, 1), 0);
	KTEST_EXPECT_EQ(t, leaf_of(va) & (_PAGE_RW | _PAGE_NX), _PAGE_RW | _PAGE_NX);
	module_memfree(m);
	KTEST_EXPECT_EQ(t, leaf_of(va), 0);
}

/* The boot-time LAPIC mapping reads the ID CPUID reports; RAM is refused. */
static void mm_vmalloc_ioremap_lapic(struct ktest *t)
{
	u32 a, b, c, d;
	unsigned long e;
	void __iomem *io;

	KTEST_EXPECT_TRUE(t, lapic_base != NULL);
	if (!lapic_base)
		return;
	cpuid(1, &a, &b, &c, &d);
	/* In x2APIC mode the MMIO page no longer answers: the mapping is all we can check. */
	if (!x2apic_mode)
		KTEST_EXPECT_EQ(t, *(volatile u32 *)((char *)lapic_base + 0x20) >> 24, b >> 24);
	e = leaf_of((unsigned long)lapic_base);
	KTEST_EXPECT_EQ(t, e & (_PAGE_PCD | _PAGE_PWT), _PAGE_PCD | _PAGE_PWT);
	KTEST_EXPECT_EQ(t, e & PTE_PFN_MASK, rdmsr(0x1b) & PTE_PFN_MASK & ~0xfffUL);
	io = ioremap(rdmsr(0x1b) & ~0xfffULL, 0x400); /* a second mapping of it */
	KTEST_EXPECT_TRUE(t, io != NULL && io != lapic_base);
	if (io) {
		if (!x2apic_mode)
			KTEST_EXPECT_EQ(t, *(volatile u32 *)((char *)io + 0x20) >> 24, b >> 24);
		iounmap(io);
	}
	KTEST_EXPECT_TRUE(t, ioremap(0x100000, PAGE_SIZE) == NULL); /* RAM */
	KTEST_EXPECT_TRUE(t, ioremap(0xfed00000, 0) == NULL);
}

static const struct ktest_case mm_vmalloc_cases[] = { KTEST_CASE(mm_vmalloc_write_read),
						      KTEST_CASE(mm_vmalloc_vzalloc_zeroed),
						      KTEST_CASE(mm_vmalloc_guard_page),
						      KTEST_CASE(mm_vmalloc_vfree_unmaps),
						      KTEST_CASE(mm_vmalloc_bad_input),
						      KTEST_CASE(mm_vmalloc_many_areas),
						      KTEST_CASE(mm_vmalloc_gap_search),
						      KTEST_CASE(mm_vmalloc_vmap),
						      KTEST_CASE(mm_vmalloc_module_alloc),
						      KTEST_CASE(mm_vmalloc_ioremap_lapic),
						      {} };

static const struct ktest_suite mm_vmalloc = { .name = "mm_vmalloc", .cases = mm_vmalloc_cases };
KTEST_SUITE(mm_vmalloc);
