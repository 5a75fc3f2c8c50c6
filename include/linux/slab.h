/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The slab allocator (SLUB's design, mm/slab.c): caches of equal-sized objects carved out of
 * buddy pages ("slabs"), and kmalloc() on top of a family of caches kmalloc-8 ... kmalloc-8k
 * (with -96 and -192); larger kmalloc()s come straight from the buddy.
 *
 * Fast path: each CPU owns one slab of each cache and a freelist of its objects
 * (struct kmem_cache_cpu); alloc and free of those objects take no lock, only local
 * interrupts off. Slow path: the per-cache lock guards the partial and full lists.
 *
 * Empty slabs: a slab whose last object is freed goes back to the buddy unless the cache
 * holds fewer than min_partial empty slabs (Linux's min_partial idea: ilog2(size) / 2,
 * clamped to 1..5), then it is kept at the tail of the partial list.
 *
 * slub_debug (boot parameter, Linux syntax; or SLAB_* flags at kmem_cache_create): such
 * caches always take the locked path, with these checks:
 *   F  sanity checks: double free, invalid or foreign pointer, free-pointer corruption
 *   Z  a red zone after each object (0xcc allocated, 0xbb free), checked at free and alloc
 *   P  poison: a new slab is filled with 0x5a (uninitialised), free objects with 0x6b and
 *      a last byte 0xa5, checked at alloc (a write after free)
 *   U  the callers of the last alloc and free, printed in reports
 * A corrupted object is reported in Linux's `BUG cache (Not tainted): ...` form and set
 * aside: never handed out again (it stays counted as in use).
 */
#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/gfp.h>
#include <linux/mmzone.h>

/* kmem_cache_create() flags: Linux's values. */
#define SLAB_CONSISTENCY_CHECKS 0x00000100u /* F */
#define SLAB_RED_ZONE 0x00000400u /* Z */
#define SLAB_POISON 0x00000800u /* P */
#define SLAB_HWCACHE_ALIGN 0x00002000u
#define SLAB_STORE_USER 0x00010000u /* U */
#define SLAB_DEBUG_FLAGS (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)

/* Byte values, as Linux's poison.h. */
#define SLUB_RED_INACTIVE 0xbb
#define SLUB_RED_ACTIVE 0xcc
#define POISON_INUSE 0x5a
#define POISON_FREE 0x6b
#define POISON_END 0xa5

#define KMALLOC_SHIFT_LOW 3
#define KMALLOC_SHIFT_HIGH 13 /* kmalloc-8k: the largest cache; above, the buddy */
#define KMALLOC_MAX_CACHE_SIZE (1UL << KMALLOC_SHIFT_HIGH)
#define KMALLOC_MIN_SIZE (1UL << KMALLOC_SHIFT_LOW)
#define SLAB_MAX_ORDER 3
#define SLAB_MIN_OBJECTS 16
#define KMEM_CACHE_NAME_LEN 32
#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

/* A CPU's slab of a cache: objects on freelist belong to this CPU alone. */
struct kmem_cache_cpu {
	void *freelist;
	struct page *page; /* the slab freelist's objects come from; NULL: none */
	unsigned long nr_free; /* objects on freelist */
};

/* The callers recorded with U. */
struct slab_track {
	unsigned long addr; /* return address of the kmalloc/kfree caller; 0: none yet */
	unsigned int cpu;
};

struct kmem_cache {
	char name[KMEM_CACHE_NAME_LEN];
	unsigned int object_size; /* what the user asked for */
	unsigned int size; /* stride: object, red zone, free pointer, tracks, padding */
	unsigned int align;
	unsigned int inuse; /* object plus red zone: where out-of-line metadata starts */
	unsigned int offset; /* of the free pointer in a free object */
	unsigned int order; /* slabs are 2^order pages */
	unsigned int objects; /* per slab */
	unsigned int flags; /* SLAB_* */
	unsigned int min_partial; /* empty slabs kept, at most */
	void (*ctor)(void *);
	struct kmem_cache_cpu cpu_slab[NR_CPUS];
	spinlock_t lock; /* below: partial and full lists, counters */
	struct list_head partial; /* slabs with free objects (empty ones at the tail) */
	struct list_head full; /* slabs with none, not a CPU's */
	unsigned long nr_partial, nr_full, nr_empty;
	unsigned long nr_slabs; /* all: partial, full and CPU slabs */
	unsigned long nr_inuse; /* sum of the slabs' page->private (CPU slabs count whole) */
	unsigned long nr_set_aside; /* corrupted objects never reused */
	struct list_head list; /* on slab_caches */
};

extern struct list_head slab_caches;

/* Boot: the kmalloc caches; after pgtable_use_buddy(). */
void kmem_cache_init(void);

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     unsigned int flags, void (*ctor)(void *));
/* 0, or -EBUSY when objects are still allocated (the cache then stays, reported). */
int kmem_cache_destroy(struct kmem_cache *s);
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp);
void kmem_cache_free(struct kmem_cache *s, void *x);
/* Give the empty slabs and every CPU slab back to the buddy. */
void kmem_cache_shrink(struct kmem_cache *s);

void *kmalloc(size_t size, gfp_t gfp);
static inline void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}
void kfree(const void *x);
/* The usable size of a kmalloc() block (its cache's object size, or the pages). */
size_t ksize(const void *x);

/* The cache called name, or NULL. */
struct kmem_cache *kmem_cache_find(const char *name);
/* The kmalloc cache that serves size (0 < size <= KMALLOC_MAX_CACHE_SIZE). */
struct kmem_cache *kmalloc_slab(size_t size);

/* Reports on the console: /proc/slabinfo 2.1, and one cache in detail (`slab NAME`). */
void show_slabinfo(void);
void show_slab(struct kmem_cache *s);

/* Reports made so far (each BUG report counts one), for tests. */
extern unsigned long slab_bug_count;

/* The slub_debug boot parameter's value; 0 or -EINVAL. */
int slub_debug_setup(const char *val);

#endif /* _LINUX_SLAB_H */
