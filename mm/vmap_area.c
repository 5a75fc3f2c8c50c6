// SPDX-License-Identifier: GPL-2.0
/*
 * The vmalloc address-space core: busy areas in one address-ordered AVL tree, free blocks in
 * another, augmented with the largest block of each subtree (subtree_max_size), so that the
 * lowest block that can hold a request is found by one descent. No locking and no page
 * tables here: mm/vmalloc.c does both; tests/host/vmap_area_test.c runs this file as is.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/vmalloc.h>

static inline struct vm_struct *va_of(const struct avl_node *n)
{
	return n ? avl_entry(n, struct vm_struct, node) : NULL;
}

static inline unsigned long va_end(const struct vm_struct *va)
{
	return va->addr + va->size;
}

static unsigned long subtree_max(const struct avl_node *n)
{
	return n ? va_of(n)->subtree_max_size : 0;
}

static void free_augment(struct avl_node *n)
{
	struct vm_struct *va = va_of(n);

	va->subtree_max_size = max(va->size, max(subtree_max(n->left), subtree_max(n->right)));
}

static const struct avl_ops free_ops = { .augment = free_augment };
static const struct avl_ops busy_ops = { .augment = NULL };

/* Insert va into root by address (addresses are unique in a tree). */
static void va_insert(struct avl_root *root, struct vm_struct *va, const struct avl_ops *ops)
{
	struct avl_node **link = &root->node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = va->addr < va_of(parent)->addr ? &parent->left : &parent->right;
	}
	avl_insert(&va->node, parent, link, root, ops);
}

/* The node with the highest addr <= x, or NULL. */
static struct vm_struct *va_floor(const struct avl_root *root, unsigned long x)
{
	struct avl_node *n = root->node, *best = NULL;

	while (n) {
		if (va_of(n)->addr <= x) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return va_of(best);
}

struct vm_struct *vmap_space_find(const struct vmap_space *s, unsigned long addr)
{
	struct vm_struct *va = va_floor(&s->busy, addr);

	return va && addr < va_end(va) ? va : NULL;
}

int vmap_space_add(struct vmap_space *s, unsigned long start, unsigned long end)
{
	struct vm_struct *blk = s->node_alloc();

	if (!blk)
		return -ENOMEM;
	blk->addr = start;
	blk->size = end - start;
	va_insert(&s->free, blk, &free_ops);
	return 0;
}

/* Where [size, align] goes in blk clipped to [lo, hi), or 0 when it does not fit. */
static unsigned long fit_in(const struct vm_struct *blk, unsigned long size, unsigned long align,
			    unsigned long lo, unsigned long hi)
{
	unsigned long start = ALIGN(max(blk->addr, lo), align);
	unsigned long end = min(va_end(blk), hi);

	if (start < max(blk->addr, lo) || start >= end || end - start < size)
		return 0;
	return start;
}

/*
 * The lowest block of at least need bytes under n that holds the request within [lo, hi).
 * Subtrees with no block of need bytes are never entered; blocks entirely inside the window
 * with need bytes always fit, so only the two blocks at the window's edges can send the
 * search on after entering a subtree: O(log n).
 */
static struct vm_struct *find_lowest(struct avl_node *n, unsigned long need, unsigned long size,
				     unsigned long align, unsigned long lo, unsigned long hi)
{
	while (n && subtree_max(n) >= need) {
		struct vm_struct *va = va_of(n), *found;

		if (va_end(va) <= lo) {
			n = n->right;
			continue;
		}
		if (va->addr >= hi) {
			n = n->left;
			continue;
		}
		found = find_lowest(n->left, need, size, align, lo, hi);
		if (found)
			return found;
		if (va->size >= need && fit_in(va, size, align, lo, hi))
			return va;
		n = n->right;
	}
	return NULL;
}

int vmap_space_alloc(struct vmap_space *s, struct vm_struct *area, unsigned long size,
		     unsigned long align, unsigned long lo, unsigned long hi)
{
	unsigned long need, start, end;
	struct vm_struct *blk, *right = NULL;

	if (!size || size + align < size)
		return -ENOMEM;
	need = size + align - PAGE_SIZE;
	blk = find_lowest(s->free.node, need, size, align, lo, hi);
	if (!blk)
		return -ENOMEM;
	start = fit_in(blk, size, align, lo, hi);
	end = start + size;
	if (start > blk->addr && end < va_end(blk)) {
		/* In the middle: blk keeps the left part, a new block the right. */
		right = s->node_alloc();
		if (!right)
			return -ENOMEM;
		right->addr = end;
		right->size = va_end(blk) - end;
		blk->size = start - blk->addr;
		avl_propagate(&blk->node, &free_ops);
		va_insert(&s->free, right, &free_ops);
	} else if (start > blk->addr) {
		blk->size = start - blk->addr;
		avl_propagate(&blk->node, &free_ops);
	} else if (end < va_end(blk)) {
		/* Moving the start keeps blk between its neighbours: the order holds. */
		blk->size = va_end(blk) - end;
		blk->addr = end;
		avl_propagate(&blk->node, &free_ops);
	} else {
		avl_erase(&blk->node, &s->free, &free_ops);
		s->node_free(blk);
	}
	area->addr = start;
	area->size = size;
	va_insert(&s->busy, area, &busy_ops);
	return 0;
}

void vmap_space_free(struct vmap_space *s, struct vm_struct *area)
{
	unsigned long start = area->addr, end = va_end(area);
	struct vm_struct *prev, *next;

	avl_erase(&area->node, &s->busy, &busy_ops);
	prev = va_floor(&s->free, start);
	next = prev ? va_of(avl_next(&prev->node)) : va_of(avl_first(&s->free));
	if (prev && va_end(prev) != start)
		prev = NULL;
	if (next && next->addr != end)
		next = NULL;
	if (prev && next) {
		prev->size = va_end(next) - prev->addr;
		avl_erase(&next->node, &s->free, &free_ops);
		s->node_free(next);
		avl_propagate(&prev->node, &free_ops);
	} else if (prev) {
		prev->size = end - prev->addr;
		avl_propagate(&prev->node, &free_ops);
	} else if (next) {
		next->size = va_end(next) - start;
		next->addr = start;
		avl_propagate(&next->node, &free_ops);
	} else {
		/* The area's own node becomes the free block: freeing never needs memory. */
		area->addr = start;
		area->size = end - start;
		area->flags = 0;
		va_insert(&s->free, area, &free_ops);
		return;
	}
	s->node_free(area);
}
