// SPDX-License-Identifier: GPL-2.0
/*
 * The slab allocator, SLUB's design (see include/linux/slab.h for the model and the policy).
 *
 * A slab is a block of 2^order buddy pages marked PG_slab; its head struct page holds
 *   slab_cache  the owning cache
 *   freelist    the slab's free objects not owned by a CPU (linked through s->offset)
 *   private     objects in use (a CPU slab counts all its objects in use: the CPU's
 *               freelist objects are counted free by cpu_slab[].nr_free instead)
 *   mapcount    1 while the slab is a CPU slab ("frozen"): then on no list
 *   lru         the partial or full list
 * The other pages of a slab (no PG_slab) have slab_cache set too and freelist pointing to
 * the head page (what Linux's compound_head() gives).
 * Large kmalloc() blocks: slab_cache is &kmalloc_large_tag, private the order, no PG_slab.
 *
 * Object layout: [object][red zone to inuse][free pointer][alloc track][free track][pad].
 * Without debug and constructor the free pointer is the object's first word.
 */
#define pr_fmt(fmt) "slab: " fmt
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/printk.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include <linux/kallsyms.h>
#include <linux/oops.h>

#define _RET_IP_ ((unsigned long)__builtin_return_address(0))

LIST_HEAD(slab_caches);
static DEFINE_SPINLOCK(slab_caches_lock);
unsigned long slab_bug_count;

static struct kmem_cache kmem_cache_boot; /* "kmem_cache": where struct kmem_caches live */
static struct kmem_cache *kmalloc_caches[KMALLOC_SHIFT_HIGH];
static const unsigned int kmalloc_sizes[KMALLOC_SHIFT_HIGH] = { 8,    16,   32,	 64,  96,
								128,  192,  256, 512, 1024,
								2048, 4096, 8192 };
/* kmalloc_caches[] index for sizes 1..192, by (size - 1) / 8 (Linux's size_index idea). */
static const u8 size_index[24] = { 0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
				   5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6 };
static const char kmalloc_large_tag[] = "kmalloc-large"; /* marks large kmalloc pages */

/* slub_debug=: the flags and the cache names they apply to ("" = all caches). */
static unsigned int slub_debug_flags;
static char slub_debug_names[128];

/* ------------------------------------------------------------------ object helpers */

static inline void *get_freepointer(const struct kmem_cache *s, void *obj)
{
	return *(void **)((char *)obj + s->offset);
}

static inline void set_freepointer(const struct kmem_cache *s, void *obj, void *fp)
{
	*(void **)((char *)obj + s->offset) = fp;
}

static inline bool slab_debug(const struct kmem_cache *s)
{
	return s->flags & SLAB_DEBUG_FLAGS;
}

static inline char *slab_base(const struct page *page)
{
	return page_address(page);
}

/* The head page of the slab or kmalloc block x lies in (x's own page otherwise). */
static inline struct page *obj_to_page(const void *x)
{
	struct page *page = virt_to_page(x);

	if (unlikely(!PageSlab(page) && page->slab_cache &&
		     page->slab_cache != (void *)kmalloc_large_tag && page->freelist))
		return page->freelist;
	return page;
}

static inline bool page_frozen(const struct page *page)
{
	return page->mapcount != 0;
}

/* The two tracks of U, after the free pointer when that is out of line. */
static unsigned int track_offset(const struct kmem_cache *s, int which)
{
	return s->inuse + (s->offset >= s->inuse ? sizeof(void *) : 0) +
	       which * sizeof(struct slab_track);
}

static struct slab_track *get_track(const struct kmem_cache *s, void *obj, int which)
{
	return (struct slab_track *)((char *)obj + track_offset(s, which));
}

/* x is the start of one of page's objects. */
static bool valid_object(const struct kmem_cache *s, const struct page *page, const void *x)
{
	unsigned long base = (unsigned long)slab_base(page), p = (unsigned long)x;

	return p >= base && p < base + (unsigned long)s->objects * s->size &&
	       (p - base) % s->size == 0;
}

static unsigned int fls_long(unsigned long x)
{
	return x ? 64 - __builtin_clzl(x) : 0;
}

static unsigned int order_for(unsigned long size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

/* ------------------------------------------------------------------ reports */

static const char *const track_names[] = { "Allocated", "Freed" };

static void print_track(const struct kmem_cache *s, void *obj)
{
	char sym[KSYM_SYMBOL_LEN];

	if (!(s->flags & SLAB_STORE_USER))
		return;
	for (int i = 0; i < 2; i++) {
		struct slab_track *t = get_track(s, obj, i);

		if (!t->addr)
			continue;
		sprint_symbol(sym, sizeof(sym), t->addr);
		printk(KERN_ERR "INFO: %s in %s age=0 cpu=%u pid=0\n", track_names[i], sym, t->cpu);
	}
}

static void slab_bug(const struct kmem_cache *s, const char *reason)
{
	slab_bug_count++;
	printk(KERN_ERR
	       "=============================================================================\n");
	printk(KERN_ERR "BUG %s (Not tainted): %s\n", s->name, reason);
	printk(KERN_ERR
	       "-----------------------------------------------------------------------------\n");
}

/*
 * The checked region [start, end) around its bad bytes: lines of up to 16 bytes from the
 * 16-byte step of the region that holds the first bad one, at most 4 lines.
 */
static void print_bytes(const char *label, const u8 *start, const u8 *end, const u8 *bad)
{
	const u8 *p = start + ALIGN_DOWN((unsigned long)(bad - start), 16);

	end = min(end, p + 64);
	for (; p < end; p += 16) {
		char line[16 * 3 + 1];
		int n = 0;

		for (const u8 *q = p; q < end && q < p + 16; q++)
			n += scnprintf(line + n, sizeof(line) - n, " %02x", *q);
		printk(KERN_ERR "%-8s0x%016lx:%s\n", label, (unsigned long)p, line);
	}
}

static void print_object_info(const struct kmem_cache *s, const struct page *page, void *obj)
{
	char *base = slab_base(page);

	print_track(s, obj);
	printk(KERN_ERR "INFO: Slab 0x%016lx objects=%u used=%lu fp=0x%016lx flags=0x%lx\n",
	       (unsigned long)page, s->objects, page->private, (unsigned long)page->freelist,
	       page->flags);
	printk(KERN_ERR "INFO: Object 0x%016lx @offset=%lu fp=0x%016lx\n", (unsigned long)obj,
	       (unsigned long)((char *)obj - base), (unsigned long)get_freepointer(s, obj));
}

/* The bytes [start, end) of obj should all be value (the last one last when not 0). */
static bool check_bytes(const struct kmem_cache *s, const struct page *page, void *obj,
			const char *what, const char *label, unsigned int start, unsigned int end,
			u8 value, u8 last)
{
	u8 *p = (u8 *)obj + start, *q = (u8 *)obj + end, *bad = NULL, *bad_end;
	char reason[48];

	for (u8 *x = p; x < q; x++) {
		u8 want = (last && x == q - 1) ? last : value;

		if (*x != want) {
			if (!bad)
				bad = x;
			bad_end = x + 1;
		}
	}
	if (!bad)
		return true;
	scnprintf(reason, sizeof(reason), "%s overwritten", what);
	slab_bug(s, reason);
	printk(KERN_ERR "INFO: 0x%016lx-0x%016lx @offset=%lu. First byte 0x%x instead of 0x%x\n",
	       (unsigned long)bad, (unsigned long)bad_end - 1,
	       (unsigned long)(bad - (u8 *)slab_base(page)), *bad,
	       (last && bad == q - 1) ? last : value);
	print_object_info(s, page, obj);
	print_bytes(label, p, q, bad);
	printk(KERN_ERR "FIX %s: Object at 0x%016lx set aside (not reused)\n", s->name,
	       (unsigned long)obj);
	return false;
}

static void report_object(const struct kmem_cache *s, const struct page *page, void *obj,
			  const char *reason, const char *fix)
{
	slab_bug(s, reason);
	if (valid_object(s, page, obj))
		print_object_info(s, page, obj);
	else
		printk(KERN_ERR "INFO: Slab 0x%016lx objects=%u used=%lu fp=0x%016lx\n",
		       (unsigned long)page, s->objects, page->private,
		       (unsigned long)page->freelist);
	printk(KERN_ERR "FIX %s: %s\n", s->name, fix);
}

/* ------------------------------------------------------------------ debug checks */

/* Set a free object's (alloc false) or allocated object's bytes for the debug flags. */
static void init_object(const struct kmem_cache *s, void *obj, bool alloc)
{
	u8 *p = obj;

	if ((s->flags & SLAB_POISON) && !alloc) {
		memset(p, POISON_FREE, s->object_size - 1);
		p[s->object_size - 1] = POISON_END;
	}
	if (s->flags & SLAB_RED_ZONE)
		memset(p + s->object_size, alloc ? SLUB_RED_ACTIVE : SLUB_RED_INACTIVE,
		       s->inuse - s->object_size);
}

/* A free object before it is handed out: red zone and poison intact. */
static bool check_free_object(const struct kmem_cache *s, const struct page *page, void *obj)
{
	if ((s->flags & SLAB_RED_ZONE) &&
	    !check_bytes(s, page, obj, "Redzone", "Redzone", s->object_size, s->inuse,
			 SLUB_RED_INACTIVE, 0))
		return false;
	if ((s->flags & SLAB_POISON) && !check_bytes(s, page, obj, "Poison", "Object", 0,
						     s->object_size, POISON_FREE, POISON_END))
		return false;
	return true;
}

static bool on_freelist(const struct kmem_cache *s, const struct page *page, void *obj)
{
	unsigned int n = 0;

	for (void *p = page->freelist; p && n <= s->objects; p = get_freepointer(s, p), n++)
		if (p == obj)
			return true;
	return false;
}

/*
 * Checks before obj goes back to page's freelist (lock held). Returns true when it may;
 * false after a report: the object is then set aside (or was no object at all).
 */
static bool free_debug(struct kmem_cache *s, struct page *page, void *obj, unsigned long caller)
{
	char reason[64];

	if (!valid_object(s, page, obj)) {
		scnprintf(reason, sizeof(reason), "Invalid object pointer 0x%016lx",
			  (unsigned long)obj);
		report_object(s, page, obj, reason, "Free ignored");
		return false;
	}
	if (((s->flags & SLAB_CONSISTENCY_CHECKS) && on_freelist(s, page, obj)) ||
	    ((s->flags & SLAB_RED_ZONE) && *((u8 *)obj + s->object_size) == SLUB_RED_INACTIVE)) {
		report_object(s, page, obj, "Object already free", "Double free ignored");
		return false;
	}
	if ((s->flags & SLAB_RED_ZONE) &&
	    !check_bytes(s, page, obj, "Redzone", "Redzone", s->object_size, s->inuse,
			 SLUB_RED_ACTIVE, 0)) {
		s->nr_set_aside++;
		return false;
	}
	if (s->flags & SLAB_STORE_USER)
		*get_track(s, obj, 1) = (struct slab_track){ caller, smp_processor_id() };
	init_object(s, obj, false);
	return true;
}

/* ------------------------------------------------------------------ slabs */

static struct page *new_slab(struct kmem_cache *s, gfp_t gfp)
{
	struct page *page = alloc_pages(gfp & ~__GFP_ZERO, s->order);
	char *base, *prev = NULL;

	if (!page)
		return NULL;
	__SetPageSlab(page);
	page->slab_cache = s;
	page->private = 0;
	page->mapcount = 0;
	INIT_LIST_HEAD(&page->lru);
	for (unsigned long i = 1; i < (1UL << s->order); i++) {
		page[i].slab_cache = s;
		page[i].freelist = page;
	}
	base = slab_base(page);
	if (s->flags & SLAB_POISON)
		memset(base, POISON_INUSE, PAGE_SIZE << s->order);
	for (unsigned int i = 0; i < s->objects; i++) {
		char *obj = base + (unsigned long)i * s->size;

		if (slab_debug(s)) {
			init_object(s, obj, false);
			if (s->flags & SLAB_STORE_USER)
				memset(get_track(s, obj, 0), 0, 2 * sizeof(struct slab_track));
		}
		if (s->ctor)
			s->ctor(obj);
		if (prev)
			set_freepointer(s, prev, obj);
		else
			page->freelist = obj;
		prev = obj;
	}
	set_freepointer(s, prev, NULL);
	return page;
}

static void discard_slab(struct kmem_cache *s, struct page *page)
{
	s->nr_slabs--;
	for (unsigned long i = 1; i < (1UL << s->order); i++) {
		page[i].slab_cache = NULL;
		page[i].freelist = NULL;
	}
	__ClearPageSlab(page);
	page->slab_cache = NULL;
	page->freelist = NULL;
	page->private = 0;
	page->mapcount = 0;
	__free_pages(page, s->order);
}

/* A slab with no object in use, off every list (lock held): keep it or give it back. */
static void put_empty_slab(struct kmem_cache *s, struct page *page)
{
	if (s->nr_empty < s->min_partial) {
		list_add_tail(&page->lru, &s->partial);
		s->nr_partial++;
		s->nr_empty++;
	} else {
		discard_slab(s, page);
	}
}

/* Off its list (lock held, not frozen): full when it has no free object. */
static void unlink_slab(struct kmem_cache *s, struct page *page)
{
	list_del(&page->lru);
	if (!page->freelist) {
		s->nr_full--;
	} else {
		s->nr_partial--;
		if (!page->private)
			s->nr_empty--;
	}
}

/* Onto the list its state says (lock held). */
static void place_slab(struct kmem_cache *s, struct page *page)
{
	if (!page->private) {
		put_empty_slab(s, page);
	} else if (page->freelist) {
		list_add(&page->lru, &s->partial);
		s->nr_partial++;
	} else {
		list_add(&page->lru, &s->full);
		s->nr_full++;
	}
}

/* Hand the CPU's slab back to the lists with the CPU's free objects (lock held). */
static void deactivate_slab(struct kmem_cache *s, struct kmem_cache_cpu *c)
{
	struct page *page = c->page;
	void *tail = c->freelist;

	if (!page)
		return;
	if (tail) {
		while (get_freepointer(s, tail))
			tail = get_freepointer(s, tail);
		set_freepointer(s, tail, page->freelist);
		page->freelist = c->freelist;
	}
	page->private -= c->nr_free;
	s->nr_inuse -= c->nr_free;
	page->mapcount = 0;
	c->page = NULL;
	c->freelist = NULL;
	c->nr_free = 0;
	place_slab(s, page);
}

/* Make page (off every list) the CPU's slab, taking all its free objects (lock held). */
static void freeze_slab(struct kmem_cache *s, struct kmem_cache_cpu *c, struct page *page)
{
	unsigned long nr_free = s->objects - page->private;

	c->page = page;
	c->freelist = page->freelist;
	c->nr_free = nr_free;
	page->freelist = NULL;
	page->private = s->objects;
	page->mapcount = 1;
	s->nr_inuse += nr_free;
}

/* The first partial slab, or a new one (lock held; dropped around the buddy call). */
static struct page *get_slab(struct kmem_cache *s, gfp_t gfp)
{
	struct page *page;

	if (!list_empty(&s->partial)) {
		page = list_first_entry(&s->partial, struct page, lru);
		unlink_slab(s, page);
		return page;
	}
	spin_unlock(&s->lock);
	page = new_slab(s, gfp);
	spin_lock(&s->lock);
	if (page)
		s->nr_slabs++;
	return page;
}

/* ------------------------------------------------------------------ alloc and free */

/* Debug caches: one object from the lists, checked; bad ones set aside (lock held). */
static void *alloc_debug(struct kmem_cache *s, gfp_t gfp, unsigned long caller)
{
	for (;;) {
		struct page *page = get_slab(s, gfp);
		void *obj;

		if (!page)
			return NULL;
		obj = page->freelist;
		if ((s->flags & SLAB_CONSISTENCY_CHECKS) && !valid_object(s, page, obj)) {
			unsigned long lost = s->objects - page->private;

			report_object(s, page, obj, "Freepointer corrupt",
				      "Isolating the slab's free objects");
			page->freelist = NULL;
			page->private = s->objects;
			s->nr_inuse += lost;
			s->nr_set_aside += lost;
			place_slab(s, page);
			continue;
		}
		page->freelist = get_freepointer(s, obj);
		page->private += 1;
		s->nr_inuse++;
		place_slab(s, page);
		if (!check_free_object(s, page, obj)) {
			s->nr_set_aside++;
			continue;
		}
		init_object(s, obj, true);
		if (s->flags & SLAB_STORE_USER)
			*get_track(s, obj, 0) = (struct slab_track){ caller, smp_processor_id() };
		return obj;
	}
}

/* The CPU's freelist is empty (interrupts off): refill it, or the debug path. */
static void *__slab_alloc(struct kmem_cache *s, gfp_t gfp, struct kmem_cache_cpu *c,
			  unsigned long caller)
{
	struct page *page;
	void *obj = NULL;

	spin_lock(&s->lock);
	if (slab_debug(s)) {
		obj = alloc_debug(s, gfp, caller);
		goto out;
	}
	page = c->page;
	if (page && page->freelist) {
		/* objects other CPUs freed to this CPU's slab */
		c->freelist = page->freelist;
		c->nr_free = s->objects - page->private;
		s->nr_inuse += c->nr_free;
		page->freelist = NULL;
		page->private = s->objects;
	} else {
		deactivate_slab(s, c);
		page = get_slab(s, gfp);
		if (!page)
			goto out;
		if (c->page) /* another path refilled while the lock was dropped */
			place_slab(s, page);
		else
			freeze_slab(s, c, page);
	}
	obj = c->freelist;
	c->freelist = get_freepointer(s, obj);
	c->nr_free--;
out:
	spin_unlock(&s->lock);
	return obj;
}

static __always_inline void *slab_alloc(struct kmem_cache *s, gfp_t gfp, unsigned long caller)
{
	unsigned long flags = local_irq_save();
	struct kmem_cache_cpu *c = &s->cpu_slab[smp_processor_id()];
	void *obj = c->freelist;

	if (likely(obj)) {
		c->freelist = get_freepointer(s, obj);
		c->nr_free--;
	} else {
		obj = __slab_alloc(s, gfp, c, caller);
	}
	local_irq_restore(flags);
	if (unlikely(gfp & __GFP_ZERO) && obj)
		memset(obj, 0, s->object_size);
	return obj;
}

/* Not this CPU's slab, or a debug cache (interrupts off). */
static void __slab_free(struct kmem_cache *s, struct page *page, void *obj, unsigned long caller)
{
	bool frozen;

	spin_lock(&s->lock);
	if (slab_debug(s) && !free_debug(s, page, obj, caller))
		goto out;
	frozen = page_frozen(page);
	if (!frozen)
		unlink_slab(s, page);
	set_freepointer(s, obj, page->freelist);
	page->freelist = obj;
	page->private -= 1;
	s->nr_inuse--;
	if (!frozen)
		place_slab(s, page);
out:
	spin_unlock(&s->lock);
}

static __always_inline void slab_free(struct kmem_cache *s, struct page *page, void *obj,
				      unsigned long caller)
{
	unsigned long flags = local_irq_save();
	struct kmem_cache_cpu *c = &s->cpu_slab[smp_processor_id()];

	if (likely(page == c->page)) {
		set_freepointer(s, obj, c->freelist);
		c->freelist = obj;
		c->nr_free++;
	} else {
		__slab_free(s, page, obj, caller);
	}
	local_irq_restore(flags);
}

/* A pointer given to kmem_cache_free()/kfree() that is no slab object of s. */
static void bad_free(struct kmem_cache *s, struct page *page, const void *x)
{
	char reason[96];
	struct kmem_cache *owner = PageSlab(page) ? page->slab_cache : NULL;

	scnprintf(reason, sizeof(reason), "Invalid free of 0x%016lx: %s%s", (unsigned long)x,
		  owner ? "object is from " : "not a slab object", owner ? owner->name : "");
	slab_bug(s, reason);
	printk(KERN_ERR "FIX %s: Free ignored\n", s->name);
}

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	return slab_alloc(s, gfp, _RET_IP_);
}

void kmem_cache_free(struct kmem_cache *s, void *x)
{
	struct page *page;

	if (!x)
		return;
	page = obj_to_page(x);
	if (unlikely(!PageSlab(page) || page->slab_cache != s)) {
		bad_free(s, page, x);
		return;
	}
	slab_free(s, page, x, _RET_IP_);
}

/* ------------------------------------------------------------------ kmalloc */

struct kmem_cache *kmalloc_slab(size_t size)
{
	if (size <= 192)
		return kmalloc_caches[size_index[(size - 1) / 8]];
	return kmalloc_caches[fls_long(size - 1) - 1];
}

void *kmalloc(size_t size, gfp_t gfp)
{
	struct page *page;
	unsigned int order;

	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	if (likely(size <= KMALLOC_MAX_CACHE_SIZE))
		return slab_alloc(kmalloc_slab(size), gfp, _RET_IP_);
	order = order_for(size);
	if (order >= MAX_ORDER)
		return NULL;
	page = alloc_pages(gfp, order);
	if (!page)
		return NULL;
	page->slab_cache = (void *)kmalloc_large_tag;
	page->private = order;
	return page_address(page);
}

static bool kmalloc_large_page(const struct page *page, const void *x)
{
	return page->slab_cache == kmalloc_large_tag && page_address(page) == x;
}

void kfree(const void *x)
{
	struct page *page;

	if (unlikely(ZERO_OR_NULL_PTR(x)))
		return;
	page = obj_to_page(x);
	if (likely(PageSlab(page))) {
		slab_free(page->slab_cache, page, (void *)x, _RET_IP_);
	} else if (kmalloc_large_page(page, x)) {
		unsigned int order = page->private;

		page->slab_cache = NULL;
		page->private = 0;
		__free_pages(page, order);
	} else {
		bad_free(kmalloc_caches[0], page, x);
	}
}

size_t ksize(const void *x)
{
	struct page *page;

	if (ZERO_OR_NULL_PTR(x))
		return 0;
	page = obj_to_page(x);
	if (PageSlab(page))
		return ((struct kmem_cache *)page->slab_cache)->object_size;
	if (kmalloc_large_page(page, x))
		return PAGE_SIZE << page->private;
	return 0;
}

/* ------------------------------------------------------------------ caches */

/* The slub_debug= flags for a cache called name. */
static unsigned int debug_flags_for(const char *name)
{
	const char *p = slub_debug_names;
	size_t n = strlen(name);

	if (!slub_debug_flags || !*p)
		return slub_debug_flags;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if ((len == n && !strncmp(p, name, n)) ||
		    (len && p[len - 1] == '*' && !strncmp(p, name, len - 1)))
			return slub_debug_flags;
		p += len + (end ? 1 : 0);
	}
	return 0;
}

/*
 * slub_debug[=FLAGS[,NAME,...]]: Linux's letters F Z P U (others ignored, '-' for none);
 * no letters: all four; no names: every cache.
 */
int slub_debug_setup(const char *val)
{
	static const struct {
		char letter;
		unsigned int flag;
	} letters[] = { { 'f', SLAB_CONSISTENCY_CHECKS },
			{ 'z', SLAB_RED_ZONE },
			{ 'p', SLAB_POISON },
			{ 'u', SLAB_STORE_USER } };
	unsigned int flags = 0;
	const char *p = val ? val : "";

	for (; *p && *p != ','; p++) {
		for (unsigned int i = 0; i < ARRAY_SIZE(letters); i++)
			if ((*p | 0x20) == letters[i].letter)
				flags |= letters[i].flag;
	}
	if (p == (val ? val : "") || (val && val[0] == ','))
		flags = SLAB_DEBUG_FLAGS;
	if (val && val[0] == '-')
		flags = 0;
	if (*p == ',' && strlen(p + 1) >= sizeof(slub_debug_names))
		return -EINVAL;
	slub_debug_flags = flags;
	strlcpy(slub_debug_names, *p == ',' ? p + 1 : "", sizeof(slub_debug_names));
	return 0;
}

/* Object layout, order and objects per slab for the cache's size, align and flags. */
static int calculate_sizes(struct kmem_cache *s)
{
	unsigned int size = ALIGN(s->object_size, sizeof(void *));

	if ((s->flags & SLAB_RED_ZONE) && size == s->object_size)
		size += sizeof(void *);
	s->inuse = size;
	s->offset = 0;
	if (s->flags & (SLAB_POISON | SLAB_RED_ZONE) || s->ctor) {
		s->offset = size;
		size += sizeof(void *);
	}
	if (s->flags & SLAB_STORE_USER)
		size += 2 * sizeof(struct slab_track);
	size = ALIGN(size, s->align);
	s->size = size;
	for (s->order = 0; s->order < SLAB_MAX_ORDER; s->order++) {
		unsigned long slab = PAGE_SIZE << s->order;

		if (slab / size >= SLAB_MIN_OBJECTS && slab % size <= slab / 8)
			break;
	}
	while ((PAGE_SIZE << s->order) < size)
		s->order++;
	if (s->order >= MAX_ORDER)
		return -EINVAL;
	s->objects = (PAGE_SIZE << s->order) / size;
	s->min_partial = min(max(fls_long(size) / 2, 1U), 5U);
	return 0;
}

static int cache_setup(struct kmem_cache *s, const char *name, unsigned int size,
		       unsigned int align, unsigned int flags, void (*ctor)(void *))
{
	memset(s, 0, sizeof(*s));
	strlcpy(s->name, name, sizeof(s->name));
	s->object_size = size;
	if ((flags & SLAB_HWCACHE_ALIGN) && size > 32)
		align = max(align, 64U);
	s->align = max(align, (unsigned int)sizeof(void *));
	s->flags = flags | debug_flags_for(name);
	if (ctor)
		s->flags &= ~SLAB_POISON; /* the constructed state would be poisoned away */
	s->ctor = ctor;
	INIT_LIST_HEAD(&s->partial);
	INIT_LIST_HEAD(&s->full);
	if (calculate_sizes(s))
		return -EINVAL;
	spin_lock(&slab_caches_lock);
	list_add(&s->list, &slab_caches);
	spin_unlock(&slab_caches_lock);
	return 0;
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     unsigned int flags, void (*ctor)(void *))
{
	struct kmem_cache *s;

	if (!name || !size || (align & (align - 1)) || size > (PAGE_SIZE << (MAX_ORDER - 1)))
		return NULL;
	s = kmem_cache_alloc(&kmem_cache_boot, GFP_KERNEL);
	if (!s)
		return NULL;
	if (cache_setup(s, name, size, align, flags, ctor)) {
		kmem_cache_free(&kmem_cache_boot, s);
		return NULL;
	}
	return s;
}

/* Give every CPU slab back to the lists, then the empty slabs to the buddy. */
void kmem_cache_shrink(struct kmem_cache *s)
{
	unsigned long flags = local_irq_save();
	struct page *page, *next;

	spin_lock(&s->lock);
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		deactivate_slab(s, &s->cpu_slab[cpu]);
	list_for_each_entry_safe(page, next, &s->partial, lru) {
		if (page->private)
			continue;
		unlink_slab(s, page);
		discard_slab(s, page);
	}
	spin_unlock(&s->lock);
	local_irq_restore(flags);
}

/* Every slab, in use or not, back to the buddy (lock held). */
static void free_all_slabs(struct kmem_cache *s)
{
	struct list_head *lists[] = { &s->partial, &s->full };
	struct page *page, *next;

	for (unsigned int i = 0; i < ARRAY_SIZE(lists); i++)
		list_for_each_entry_safe(page, next, lists[i], lru) {
			unlink_slab(s, page);
			discard_slab(s, page);
		}
}

int kmem_cache_destroy(struct kmem_cache *s)
{
	unsigned long flags, left;

	if (!s)
		return 0;
	kmem_cache_shrink(s);
	flags = local_irq_save();
	spin_lock(&s->lock);
	left = s->nr_inuse - s->nr_set_aside;
	if (left) {
		spin_unlock(&s->lock);
		local_irq_restore(flags);
		pr_err("kmem_cache_destroy %s: %lu objects remaining, cache kept\n", s->name, left);
		return -EBUSY;
	}
	free_all_slabs(s); /* what remains are set-aside objects: given back now */
	spin_unlock(&s->lock);
	local_irq_restore(flags);
	spin_lock(&slab_caches_lock);
	list_del(&s->list);
	spin_unlock(&slab_caches_lock);
	kmem_cache_free(&kmem_cache_boot, s);
	return 0;
}

struct kmem_cache *kmem_cache_find(const char *name)
{
	struct kmem_cache *s, *found = NULL;

	spin_lock(&slab_caches_lock);
	list_for_each_entry(s, &slab_caches, list)
		if (!strcmp(s->name, name)) {
			found = s;
			break;
		}
	spin_unlock(&slab_caches_lock);
	return found;
}

void kmem_cache_init(void)
{
	char name[KMEM_CACHE_NAME_LEN];

	if (cache_setup(&kmem_cache_boot, "kmem_cache", sizeof(struct kmem_cache), 0,
			SLAB_HWCACHE_ALIGN, NULL))
		panic("slab: cannot set up the kmem_cache cache");
	for (unsigned int i = 0; i < ARRAY_SIZE(kmalloc_sizes); i++) {
		unsigned int size = kmalloc_sizes[i];

		if (size >= 1024)
			scnprintf(name, sizeof(name), "kmalloc-%uk", size >> 10);
		else
			scnprintf(name, sizeof(name), "kmalloc-%u", size);
		kmalloc_caches[i] = kmem_cache_create(name, size, 0, 0, NULL);
		if (!kmalloc_caches[i])
			panic("slab: cannot create %s", name);
	}
	pr_info("%u kmalloc caches, kmalloc-8 ... kmalloc-8k; debug flags 0x%x for '%s'\n",
		(unsigned int)ARRAY_SIZE(kmalloc_sizes), slub_debug_flags,
		slub_debug_names[0] ? slub_debug_names : "all");
}

/* ------------------------------------------------------------------ reports */

struct slab_counts {
	unsigned long active_objs, num_objs, nr_slabs;
};

static void get_counts(struct kmem_cache *s, struct slab_counts *n)
{
	unsigned long flags = local_irq_save(), cpu_free = 0;

	spin_lock(&s->lock);
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		cpu_free += s->cpu_slab[cpu].nr_free;
	n->active_objs = s->nr_inuse - cpu_free;
	n->nr_slabs = s->nr_slabs;
	n->num_objs = s->nr_slabs * s->objects;
	spin_unlock(&s->lock);
	local_irq_restore(flags);
}

void show_slabinfo(void)
{
	struct kmem_cache *s;

	con_printf("slabinfo - version: 2.1\n");
	con_printf("# name            <active_objs> <num_objs> <objsize> <objperslab> "
		   "<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata "
		   "<active_slabs> <num_slabs> <sharedavail>\n");
	spin_lock(&slab_caches_lock);
	list_for_each_entry(s, &slab_caches, list) {
		struct slab_counts n;

		get_counts(s, &n);
		con_printf(
			"%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u : slabdata %6lu %6lu %6lu\n",
			s->name, n.active_objs, n.num_objs, s->size, s->objects, 1 << s->order, 0,
			0, 0, n.nr_slabs, n.nr_slabs, 0UL);
	}
	spin_unlock(&slab_caches_lock);
}

#define SHOW_MAX_SLABS 8
#define SHOW_MAX_OBJECTS 128

/* One slab's objects: a allocated, . free on the slab, c free on a CPU's freelist. */
static void show_slab_objects(struct kmem_cache *s, struct page *page, const char *where)
{
	char map[SHOW_MAX_OBJECTS + 1];
	unsigned int n = 0;

	con_printf("  slab 0x%016lx pfn=0x%lx %-7s inuse=%lu/%u\n", (unsigned long)page,
		   page_to_pfn(page), where, page->private, s->objects);
	if (s->objects > SHOW_MAX_OBJECTS)
		return;
	memset(map, 'a', s->objects);
	map[s->objects] = '\0';
	for (void *p = page->freelist; p && n++ < s->objects; p = get_freepointer(s, p))
		if (valid_object(s, page, p))
			map[((char *)p - slab_base(page)) / s->size] = '.';
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		n = 0;
		if (s->cpu_slab[cpu].page != page)
			continue;
		for (void *p = s->cpu_slab[cpu].freelist; p && n++ < s->objects;
		     p = get_freepointer(s, p))
			map[((char *)p - slab_base(page)) / s->size] = 'c';
	}
	con_printf("    objects: %s\n", map);
}

static void show_layout(struct kmem_cache *s)
{
	con_printf("layout: object 0-%u", s->object_size - 1);
	if (s->inuse > s->object_size)
		con_printf(", %s %u-%u", (s->flags & SLAB_RED_ZONE) ? "red zone" : "padding",
			   s->object_size, s->inuse - 1);
	con_printf(", free pointer @%u", s->offset);
	if (s->flags & SLAB_STORE_USER)
		con_printf(", alloc track @%u, free track @%u", track_offset(s, 0),
			   track_offset(s, 1));
	con_printf(", stride %u\n", s->size);
}

void show_slab(struct kmem_cache *s)
{
	struct slab_counts n;
	unsigned long flags;
	struct page *page;
	char dbg[5] = "";
	int d = 0;

	if (s->flags & SLAB_CONSISTENCY_CHECKS)
		dbg[d++] = 'F';
	if (s->flags & SLAB_RED_ZONE)
		dbg[d++] = 'Z';
	if (s->flags & SLAB_POISON)
		dbg[d++] = 'P';
	if (s->flags & SLAB_STORE_USER)
		dbg[d++] = 'U';
	get_counts(s, &n);
	con_printf(
		"%s: object_size=%u size=%u align=%u order=%u objects=%u min_partial=%u debug=%s\n",
		s->name, s->object_size, s->size, s->align, s->order, s->objects, s->min_partial,
		d ? dbg : "-");
	show_layout(s);
	flags = local_irq_save();
	spin_lock(&s->lock);
	con_printf("slabs: %lu total, %lu full, %lu partial (%lu empty), %lu cpu\n", s->nr_slabs,
		   s->nr_full, s->nr_partial, s->nr_empty,
		   s->nr_slabs - s->nr_full - s->nr_partial);
	con_printf("objects: %lu total, %lu active, %lu set aside\n", n.num_objs, n.active_objs,
		   s->nr_set_aside);
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct kmem_cache_cpu *c = &s->cpu_slab[cpu];

		if (c->page || !cpu)
			con_printf("cpu%d: slab 0x%016lx freelist 0x%016lx (%lu free)\n", cpu,
				   (unsigned long)c->page, (unsigned long)c->freelist, c->nr_free);
	}
	if (s->nr_slabs <= SHOW_MAX_SLABS) {
		for (int cpu = 0; cpu < NR_CPUS; cpu++)
			if (s->cpu_slab[cpu].page)
				show_slab_objects(s, s->cpu_slab[cpu].page, "cpu");
		list_for_each_entry(page, &s->partial, lru)
			show_slab_objects(s, page, "partial");
		list_for_each_entry(page, &s->full, lru)
			show_slab_objects(s, page, "full");
	}
	spin_unlock(&s->lock);
	local_irq_restore(flags);
}
