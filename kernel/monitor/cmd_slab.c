// SPDX-License-Identifier: GPL-2.0
/*
 * `slabinfo` (/proc/slabinfo 2.1) and `slab`: one cache in detail, plus the hooks the tests
 * drive: a scripted workload (test-alloc / test-free keep objects across commands, linked
 * through their first word) and each slub_debug corruption made on purpose (test-corrupt).
 */
#define pr_fmt(fmt) "monitor: " fmt
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/printk.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include "monitor.h"

#define HELD_CACHES 16
#define CORRUPT_CACHE "slub-debug-test"

/* Objects test-alloc keeps, per cache. */
static struct {
	struct kmem_cache *s;
	void *head;
	unsigned long count;
} held[HELD_CACHES];

int cmd_slabinfo(int argc, char **argv)
{
	if (argc != 1)
		return monitor_usage(argv[0]);
	show_slabinfo();
	return 0;
}

static int slab_test_alloc(struct kmem_cache *s, unsigned long n)
{
	unsigned int i, slot = HELD_CACHES;

	for (i = 0; i < HELD_CACHES; i++) {
		if (held[i].s == s)
			break;
		if (!held[i].s && slot == HELD_CACHES)
			slot = i;
	}
	if (i == HELD_CACHES) {
		if (slot == HELD_CACHES)
			return -ENOSPC;
		i = slot;
		held[i].s = s;
	}
	for (unsigned long k = 0; k < n; k++) {
		void **obj = kmem_cache_alloc(s, GFP_KERNEL);

		if (!obj) {
			con_printf("slab: %s: out of memory after %lu objects\n", s->name, k);
			return -ENOMEM;
		}
		*obj = held[i].head;
		held[i].head = obj;
		held[i].count++;
	}
	con_printf("slab: %s: %lu objects held\n", s->name, held[i].count);
	return 0;
}

static int slab_test_free(struct kmem_cache *s)
{
	for (unsigned int i = 0; i < HELD_CACHES; i++) {
		unsigned long n = 0;

		if (held[i].s != s)
			continue;
		while (held[i].head) {
			void **obj = held[i].head;

			held[i].head = *obj;
			kmem_cache_free(s, obj);
			n++;
		}
		held[i].s = NULL;
		held[i].count = 0;
		con_printf("slab: %s: %lu objects freed\n", s->name, n);
		return 0;
	}
	con_printf("slab: %s: no objects held\n", s->name);
	return 0;
}

/* The corruptions, each a function of its own so the reports' callers name it. */
static noinline void corrupt_redzone(struct kmem_cache *s)
{
	u8 *obj = kmem_cache_alloc(s, GFP_KERNEL);

	if (!obj)
		return;
	memset(obj + s->object_size, 0x41, 2); /* two bytes past the end */
	kmem_cache_free(s, obj);
}

static noinline void corrupt_poison(struct kmem_cache *s)
{
	u8 *obj = kmem_cache_alloc(s, GFP_KERNEL), *again;

	if (!obj)
		return;
	kmem_cache_free(s, obj);
	obj[8] = 0x42; /* a write after free */
	again = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, again);
}

static noinline void corrupt_double_free(struct kmem_cache *s)
{
	void *obj = kmem_cache_alloc(s, GFP_KERNEL);

	if (!obj)
		return;
	kmem_cache_free(s, obj);
	kmem_cache_free(s, obj);
}

static noinline void corrupt_invalid_free(struct kmem_cache *s)
{
	u8 *obj = kmem_cache_alloc(s, GFP_KERNEL);

	if (!obj)
		return;
	kmem_cache_free(s, obj + 8);
	kmem_cache_free(s, obj);
}

static noinline void corrupt_wrong_cache(struct kmem_cache *s)
{
	void *obj = kmem_cache_alloc(s, GFP_KERNEL);
	struct kmem_cache *other = kmalloc_slab(s == kmalloc_slab(8) ? 16 : 8);

	if (!obj)
		return;
	kmem_cache_free(other, obj);
	kmem_cache_free(s, obj);
}

static const struct {
	const char *kind;
	void (*fn)(struct kmem_cache *s);
	unsigned int needs; /* debug flags the cache must have */
} corruptions[] = {
	{ "redzone", corrupt_redzone, SLAB_RED_ZONE },
	{ "poison", corrupt_poison, SLAB_POISON },
	{ "double-free", corrupt_double_free, SLAB_CONSISTENCY_CHECKS },
	{ "invalid-free", corrupt_invalid_free, SLAB_CONSISTENCY_CHECKS },
	{ "wrong-cache", corrupt_wrong_cache, 0 },
};

/* The usage line, then every form and the corruption kinds. */
static int slab_usage(void)
{
	monitor_usage("slab");
	con_printf("  slab NAME                          one cache in detail\n"
		   "  slab test-alloc CACHE N            allocate N objects and hold them\n"
		   "  slab test-free CACHE               free the objects held\n"
		   "  slab test-corrupt KIND [CACHE]     KIND: ");
	for (unsigned int i = 0; i < ARRAY_SIZE(corruptions); i++)
		con_printf("%s%s", i ? "|" : "", corruptions[i].kind);
	con_printf(" (CACHE default " CORRUPT_CACHE ")\n");
	return -EINVAL;
}

static int slab_test_corrupt(const char *kind, const char *name)
{
	struct kmem_cache *s = kmem_cache_find(name);
	unsigned long before = slab_bug_count;

	if (!s && !strcmp(name, CORRUPT_CACHE))
		s = kmem_cache_create(CORRUPT_CACHE, 64, 0, SLAB_DEBUG_FLAGS, NULL);
	if (!s) {
		con_printf("slab: no cache '%s'\n", name);
		return -ENOENT;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(corruptions); i++) {
		if (strcmp(kind, corruptions[i].kind))
			continue;
		if ((s->flags & corruptions[i].needs) != corruptions[i].needs) {
			con_printf("slab: %s: %s needs slub_debug flags the cache lacks\n", s->name,
				   kind);
			return -EINVAL;
		}
		corruptions[i].fn(s);
		con_printf("slab: test-corrupt %s %s: %lu report(s)\n", kind, s->name,
			   slab_bug_count - before);
		return 0;
	}
	return slab_usage();
}

int cmd_slab(int argc, char **argv)
{
	struct kmem_cache *s;
	unsigned long n;

	if (argc == 2 && !str_has_prefix(argv[1], "test-")) {
		s = kmem_cache_find(argv[1]);
		if (!s) {
			con_printf("slab: no cache '%s'\n", argv[1]);
			return -ENOENT;
		}
		show_slab(s);
		return 0;
	}
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "test-corrupt"))
		return slab_test_corrupt(argv[2], argc == 4 ? argv[3] : CORRUPT_CACHE);
	if (argc < 3)
		return slab_usage();
	s = kmem_cache_find(argv[2]);
	if (!s) {
		con_printf("slab: no cache '%s'\n", argv[2]);
		return -ENOENT;
	}
	if (argc == 4 && !strcmp(argv[1], "test-alloc") && !monitor_parse_num(argv[3], &n))
		return slab_test_alloc(s, n);
	if (argc == 3 && !strcmp(argv[1], "test-free"))
		return slab_test_free(s);
	return slab_usage();
}
