// SPDX-License-Identifier: GPL-2.0
/*
 * early_ioremap (Linux's mm/early_ioremap.c): temporary mappings of physical memory through
 * the fixmap's btmap slots, for the time before vmalloc/ioremap exists (ACPI tables, say).
 * A mapping takes consecutive slots; slot runs are found first-fit in a small bitmap.
 */
#define pr_fmt(fmt) "early_ioremap: " fmt
#include <linux/kernel.h>
#include <linux/printk.h>
#include <asm/fixmap.h>
#include <asm/pgtable.h>

static unsigned long btmap_used[DIV_ROUND_UP(NR_FIX_BTMAPS, 64)];

static bool slot_used(unsigned int i)
{
	return btmap_used[i / 64] & BIT(i % 64);
}

static void slot_set(unsigned int i, bool used)
{
	if (used)
		btmap_used[i / 64] |= BIT(i % 64);
	else
		btmap_used[i / 64] &= ~BIT(i % 64);
}

/* The fixmap index of btmap slot i: slots count down in address from FIX_BTMAP_BEGIN. */
static enum fixed_addresses slot_idx(unsigned int i)
{
	return FIX_BTMAP_BEGIN - i;
}

void *early_ioremap(phys_addr_t pa, unsigned long size)
{
	unsigned long offset = pa & ~PAGE_MASK;
	unsigned int n = DIV_ROUND_UP(offset + size, PAGE_SIZE), run = 0;

	if (!size || n > NR_FIX_BTMAPS)
		return NULL;
	for (unsigned int i = 0; i < NR_FIX_BTMAPS; i++) {
		run = slot_used(i) ? 0 : run + 1;
		if (run < n)
			continue;
		/* Slots i-n+1..i: the first has the lowest address (highest fixmap index). */
		for (unsigned int k = 0; k < n; k++) {
			unsigned int s = i - n + 1 + k;

			if (__set_fixmap(slot_idx(s), (pa & PAGE_MASK) + k * PAGE_SIZE,
					 PAGE_KERNEL_RO)) {
				while (k--)
					clear_fixmap(slot_idx(i - n + 1 + k));
				return NULL;
			}
			slot_set(s, true);
		}
		return (void *)(__fix_to_virt(slot_idx(i - n + 1)) + offset);
	}
	pr_warn("no %u free slots for pa=0x%llx (%lu bytes)\n", n, (unsigned long long)pa, size);
	return NULL;
}

void early_iounmap(void *va, unsigned long size)
{
	unsigned long a = (unsigned long)va;
	unsigned int first = FIX_BTMAP_BEGIN - __virt_to_fix(a);
	unsigned int n = DIV_ROUND_UP((a & ~PAGE_MASK) + size, PAGE_SIZE);

	if (a < __fix_to_virt(FIX_BTMAP_BEGIN) || first + n > NR_FIX_BTMAPS) {
		pr_warn("0x%016lx is not an early_ioremap address\n", a);
		return;
	}
	for (unsigned int k = 0; k < n; k++) {
		clear_fixmap(slot_idx(first + k));
		slot_set(first + k, false);
	}
}
