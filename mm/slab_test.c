// SPDX-License-Identifier: GPL-2.0
/*
 * Suite mm_slab: the slab allocator on the machine's real buddy. Each case gives back all
 * it takes (its caches destroyed, the kmalloc caches shrunk) and checks the buddy's free
 * page count returns to where it started.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/printk.h>
#include <linux/errno.h>
#include <linux/ktest.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/slab.h>

#define NR_OBJS 300

/* Shrink every cache, drain the buddy's per-CPU lists: the free page count to compare. */
static unsigned long settled_free_pages(void)
{
	struct kmem_cache *s;

	list_for_each_entry(s, &slab_caches, list)
		kmem_cache_shrink(s);
	drain_all_pages(NULL);
	return nr_free_pages();
}

static void mm_slab_kmalloc_sizes(struct ktest *t)
{
	unsigned long before = settled_free_pages();

	for (size_t size = 1; size <= 3 * KMALLOC_MAX_CACHE_SIZE; size = size * 2 + 1) {
		u8 *p = kmalloc(size, GFP_KERNEL | __GFP_ZERO);

		KTEST_EXPECT_TRUE(t, p != NULL);
		if (!p)
			continue;
		KTEST_EXPECT_TRUE(t, ksize(p) >= size);
		KTEST_EXPECT_EQ(t, p[0] | p[size - 1], 0);
		memset(p, 0x77, size);
		kfree(p);
	}
	KTEST_EXPECT_STREQ(t, kmalloc_slab(96)->name, "kmalloc-96");
	KTEST_EXPECT_STREQ(t, kmalloc_slab(129)->name, "kmalloc-192");
	KTEST_EXPECT_STREQ(t, kmalloc_slab(8192)->name, "kmalloc-8k");
	KTEST_EXPECT_EQ(t, settled_free_pages(), before);
}

static void mm_slab_no_object_twice(struct ktest *t)
{
	static void *objs[NR_OBJS];
	unsigned long before = settled_free_pages();

	for (int i = 0; i < NR_OBJS; i++) {
		objs[i] = kmalloc(64, GFP_KERNEL);
		KTEST_EXPECT_TRUE(t, objs[i] != NULL);
		if (objs[i])
			memset(objs[i], i & 0xff, 64);
	}
	for (int i = 0; i < NR_OBJS; i++)
		KTEST_EXPECT_EQ(t, ((u8 *)objs[i])[63], i & 0xff);
	for (int i = 0; i < NR_OBJS; i += 2)
		kfree(objs[i]);
	for (int i = 1; i < NR_OBJS; i += 2)
		kfree(objs[i]);
	KTEST_EXPECT_EQ(t, settled_free_pages(), before);
}

static void ctor(void *obj)
{
	*(u64 *)obj = 0x5157ab1e;
}

static void mm_slab_cache_lifecycle(struct ktest *t)
{
	static void *objs[NR_OBJS];
	unsigned long before = settled_free_pages();
	struct kmem_cache *s = kmem_cache_create("mm_slab_test", 200, 32, 0, ctor);

	KTEST_EXPECT_TRUE(t, s != NULL);
	if (!s)
		return;
	KTEST_EXPECT_TRUE(t, kmem_cache_find("mm_slab_test") == s);
	for (int i = 0; i < NR_OBJS; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		KTEST_EXPECT_TRUE(t, objs[i] && IS_ALIGNED((unsigned long)objs[i], 32));
		KTEST_EXPECT_EQ(t, *(u64 *)objs[i], 0x5157ab1e);
	}
	KTEST_EXPECT_EQ(t, s->nr_slabs, DIV_ROUND_UP(NR_OBJS, s->objects));
	KTEST_EXPECT_EQ(t, kmem_cache_destroy(s), -EBUSY);
	for (int i = 0; i < NR_OBJS; i++)
		kmem_cache_free(s, objs[i]);
	KTEST_EXPECT_TRUE(t, s->nr_empty <= s->min_partial);
	KTEST_EXPECT_EQ(t, kmem_cache_destroy(s), 0);
	KTEST_EXPECT_TRUE(t, kmem_cache_find("mm_slab_test") == NULL);
	KTEST_EXPECT_EQ(t, settled_free_pages(), before);
}

static void mm_slab_debug_reports(struct ktest *t)
{
	struct kmem_cache *s = kmem_cache_create("mm_slab_debug", 48, 0, SLAB_DEBUG_FLAGS, NULL);
	unsigned long bugs = slab_bug_count;
	u8 *a, *b;

	KTEST_EXPECT_TRUE(t, s != NULL);
	if (!s)
		return;
	a = kmem_cache_alloc(s, GFP_KERNEL);
	KTEST_EXPECT_EQ(t, a[0], POISON_FREE);
	KTEST_EXPECT_EQ(t, a[48], SLUB_RED_ACTIVE);
	a[48] = 0; /* red zone */
	kmem_cache_free(s, a);
	KTEST_EXPECT_EQ(t, slab_bug_count, bugs + 1);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, b);
	kmem_cache_free(s, b); /* double free */
	KTEST_EXPECT_EQ(t, slab_bug_count, bugs + 2);
	b[3] = 1; /* write after free: seen at the next alloc */
	a = kmem_cache_alloc(s, GFP_KERNEL);
	KTEST_EXPECT_EQ(t, slab_bug_count, bugs + 3);
	KTEST_EXPECT_TRUE(t, a != b);
	KTEST_EXPECT_EQ(t, s->nr_set_aside, 2);
	kmem_cache_free(s, a);
	KTEST_EXPECT_EQ(t, kmem_cache_destroy(s), 0);
}

static const struct ktest_case mm_slab_cases[] = { KTEST_CASE(mm_slab_kmalloc_sizes),
						   KTEST_CASE(mm_slab_no_object_twice),
						   KTEST_CASE(mm_slab_cache_lifecycle),
						   KTEST_CASE(mm_slab_debug_reports),
						   {} };

static const struct ktest_suite mm_slab_suite = {
	.name = "mm_slab",
	.cases = mm_slab_cases,
};
KTEST_SUITE(mm_slab_suite);
