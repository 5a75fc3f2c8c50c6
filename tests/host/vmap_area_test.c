// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of the vmalloc address-space core: lib/avltree.c and mm/vmap_area.c, built
 * unchanged over tests/host/kernel_stub.h, with ASan and UBSan.
 *
 * 10^5 random operations (first-fit allocations with random sizes, alignments and windows,
 * frees, lookups) on two disjoint spaces, each checked against a plain model: a sorted array
 * of busy ranges, whose gaps are scanned in address order with the same fit rule. Every
 * 1000 operations (and at the end) both trees are checked whole: links, heights, AVL
 * balance, the height bound 1.44 log2(n + 2), exact subtree_max_size, address order, busy
 * and free tiling the spaces exactly, free blocks never adjacent.
 */
#include "kernel_stub.h"
#include "check.h"

#include "../../lib/avltree.c"
#include "../../mm/vmap_area.c"

#define NR_OPS 100000
#define BASE1 0xffffc90000000000UL
#define END1 (BASE1 + (1UL << 14) * PAGE_SIZE)
#define BASE2 0xffffffffa0000000UL
#define END2 (BASE2 + (1UL << 12) * PAGE_SIZE)
#define MAX_BUSY 8192

static long live_nodes;

static struct vm_struct *test_node_alloc(void)
{
	live_nodes++;
	return calloc(1, sizeof(struct vm_struct));
}

static void test_node_free(struct vm_struct *va)
{
	live_nodes--;
	free(va);
}

static struct vmap_space space = { .node_alloc = test_node_alloc, .node_free = test_node_free };

/* The model: busy areas sorted by address. */
static struct {
	unsigned long addr, size;
	struct vm_struct *node;
} busy[MAX_BUSY];
static int nr_busy;

static const unsigned long seeds[2][2] = { { BASE1, END1 }, { BASE2, END2 } };

/* The model's first fit: the same rule as vmap_space_alloc(), gap by gap. */
static unsigned long model_alloc(unsigned long size, unsigned long align, unsigned long lo,
				 unsigned long hi)
{
	unsigned long need = size + align - PAGE_SIZE;

	for (int s = 0; s < 2; s++) {
		unsigned long fs = seeds[s][0];

		for (int i = 0; i <= nr_busy; i++) {
			unsigned long fe = seeds[s][1];
			struct vm_struct blk;

			if (i < nr_busy &&
			    (busy[i].addr < seeds[s][0] || busy[i].addr >= seeds[s][1]))
				continue;
			if (i < nr_busy)
				fe = busy[i].addr;
			blk.addr = fs;
			blk.size = fe - fs;
			if (fe > fs && fe > lo && fs < hi && fe - fs >= need) {
				unsigned long at = fit_in(&blk, size, align, lo, hi);

				if (at)
					return at;
			}
			if (i < nr_busy)
				fs = busy[i].addr + busy[i].size;
			else
				break;
		}
	}
	return 0;
}

static void model_insert(unsigned long addr, unsigned long size, struct vm_struct *node)
{
	int i = nr_busy;

	while (i > 0 && busy[i - 1].addr > addr) {
		busy[i] = busy[i - 1];
		i--;
	}
	busy[i].addr = addr;
	busy[i].size = size;
	busy[i].node = node;
	nr_busy++;
}

static void model_remove(int i)
{
	memmove(&busy[i], &busy[i + 1], (nr_busy - i - 1) * sizeof(busy[0]));
	nr_busy--;
}

/* Check a subtree: links, heights, balance, order, summaries. Returns its node count. */
static long check_subtree(const struct avl_node *n, const struct avl_node *parent, bool free_tree,
			  unsigned long *max_out)
{
	unsigned long lmax = 0, rmax = 0;
	long count;

	*max_out = 0;
	if (!n)
		return 0;
	if (!CHECK(n->parent == parent))
		return 0;
	count = 1 + check_subtree(n->left, n, free_tree, &lmax) +
		check_subtree(n->right, n, free_tree, &rmax);
	CHECK_INT(n->height, 1 + max(avl_height(n->left), avl_height(n->right)));
	CHECK(abs(avl_height(n->left) - avl_height(n->right)) <= 1);
	if (n->left)
		CHECK(va_of(n->left)->addr < va_of(n)->addr);
	if (n->right)
		CHECK(va_of(n->right)->addr > va_of(n)->addr);
	*max_out = max(va_of(n)->size, max(lmax, rmax));
	if (free_tree)
		CHECK_EQ(va_of(n)->subtree_max_size, *max_out);
	return count;
}

/*
 * The AVL bound: a tree of height h holds at least N(h) = N(h-1) + N(h-2) + 1 nodes
 * (N(0) = 0, N(1) = 1), which is h <= 1.44 log2(n + 2).
 */
static void check_height_bound(const struct avl_root *root, long n)
{
	long lo = 0, hi = 1;
	int h = avl_height(root->node);

	for (int i = 1; i < h; i++) {
		long next = lo + hi + 1;

		lo = hi;
		hi = next;
	}
	CHECK(h == 0 || n >= hi);
}

/* Both trees whole, against the model. */
static void check_trees(void)
{
	unsigned long m;
	long nb = check_subtree(space.busy.node, NULL, false, &m);
	long nf = check_subtree(space.free.node, NULL, true, &m);
	const struct avl_node *b = avl_first(&space.busy), *f = avl_first(&space.free);
	int i = 0;

	CHECK_INT(nb, nr_busy);
	check_height_bound(&space.busy, nb);
	check_height_bound(&space.free, nf);
	CHECK_INT(live_nodes, nb + nf);
	/* Walk both in order: together they tile each seed exactly, free never adjacent. */
	for (int s = 0; s < 2; s++) {
		unsigned long at = seeds[s][0];
		bool last_free = false;

		while (at < seeds[s][1]) {
			if (b && va_of(b)->addr == at) {
				CHECK_EQ(va_of(b)->addr, busy[i].addr);
				CHECK_EQ(va_of(b)->size, busy[i].size);
				i++;
				at += va_of(b)->size;
				b = avl_next(b);
				last_free = false;
			} else if (f && va_of(f)->addr == at) {
				CHECK(!last_free);
				at += va_of(f)->size;
				f = avl_next(f);
				last_free = true;
			} else {
				CHECK(!"a hole or an overlap in the tiling");
				return;
			}
		}
		CHECK_EQ(at, seeds[s][1]);
	}
	CHECK(!b && !f);
}

static unsigned long rnd(unsigned long n)
{
	return (unsigned long)random() % n;
}

static void op_alloc(void)
{
	unsigned long size = (rnd(4) ? rnd(8) + 1 : rnd(64) + 1) * PAGE_SIZE;
	unsigned long align = PAGE_SIZE << (rnd(3) ? 0 : rnd(5));
	int s = rnd(4) ? 0 : 1;
	unsigned long lo = seeds[s][0], hi = seeds[s][1], want;
	struct vm_struct *va = test_node_alloc();
	int err;

	if (rnd(10) < 3) { /* a window inside the seed */
		unsigned long pages = (hi - lo) / PAGE_SIZE, a = rnd(pages), z = rnd(pages);

		lo = seeds[s][0] + min(a, z) * PAGE_SIZE;
		hi = seeds[s][0] + (max(a, z) + 1) * PAGE_SIZE;
	}
	want = model_alloc(size, align, lo, hi);
	err = nr_busy < MAX_BUSY ? vmap_space_alloc(&space, va, size, align, lo, hi) : -ENOMEM;
	if (nr_busy >= MAX_BUSY)
		want = 0;
	if (err) {
		CHECK_EQ(want, 0);
		test_node_free(va);
		return;
	}
	CHECK_EQ(va->addr, want);
	CHECK(IS_ALIGNED(va->addr, align) && va->addr >= lo && va->addr + size <= hi);
	CHECK_EQ(va->size, size);
	model_insert(va->addr, size, va);
}

static void op_free(void)
{
	int i;

	if (!nr_busy)
		return;
	i = rnd(nr_busy);
	vmap_space_free(&space, busy[i].node);
	model_remove(i);
}

static void op_find(void)
{
	int s = rnd(2);
	unsigned long addr = seeds[s][0] + rnd(seeds[s][1] - seeds[s][0]);
	struct vm_struct *want = NULL;

	for (int i = 0; i < nr_busy; i++)
		if (busy[i].addr <= addr && addr < busy[i].addr + busy[i].size)
			want = busy[i].node;
	CHECK(vmap_space_find(&space, addr) == want);
}

/* Small cases by hand: exact placement, alignment, windows, merging on free. */
static void test_by_hand(void)
{
	struct vm_struct *a = test_node_alloc(), *b = test_node_alloc(), *c = test_node_alloc(), *d;

	CHECK_INT(vmap_space_alloc(&space, a, 2 * PAGE_SIZE, PAGE_SIZE, BASE1, END1), 0);
	CHECK_EQ(a->addr, BASE1);
	CHECK_INT(vmap_space_alloc(&space, b, PAGE_SIZE, 4 * PAGE_SIZE, BASE1, END1), 0);
	CHECK_EQ(b->addr, BASE1 + 4 * PAGE_SIZE); /* aligned: a hole of 2 pages before it */
	CHECK_INT(vmap_space_alloc(&space, c, 2 * PAGE_SIZE, PAGE_SIZE, BASE1, END1), 0);
	CHECK_EQ(c->addr, BASE1 + 2 * PAGE_SIZE); /* first fit: the hole */
	model_insert(a->addr, a->size, a);
	model_insert(b->addr, b->size, b);
	model_insert(c->addr, c->size, c);
	check_trees();
	d = test_node_alloc();
	CHECK_INT(vmap_space_alloc(&space, d, END1 - BASE1, PAGE_SIZE, BASE1, END1), -ENOMEM);
	test_node_free(d);
	CHECK(vmap_space_find(&space, BASE1 + PAGE_SIZE) == a);
	CHECK(vmap_space_find(&space, BASE1 + 5 * PAGE_SIZE) == NULL);
	while (nr_busy) {
		vmap_space_free(&space, busy[nr_busy / 2].node);
		model_remove(nr_busy / 2);
		check_trees();
	}
	CHECK_INT(live_nodes, 2);
}

int main(void)
{
	srandom(5);
	CHECK_INT(vmap_space_add(&space, BASE1, END1), 0);
	CHECK_INT(vmap_space_add(&space, BASE2, END2), 0);
	check_trees();
	test_by_hand();
	for (int op = 1; op <= NR_OPS; op++) {
		unsigned long r = rnd(100);

		if (r < 55)
			op_alloc();
		else if (r < 95)
			op_free();
		else
			op_find();
		if (op % 1000 == 0)
			check_trees();
	}
	check_trees();
	while (nr_busy)
		op_free();
	check_trees();
	CHECK_INT(live_nodes, 2);
	return check_summary("vmap_area_test");
}
