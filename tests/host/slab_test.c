// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for mm/slab.c, built with ASan and UBSan over tests/host/kernel_stub.h.
 *
 * The buddy allocator is replaced by a small page allocator over a host "physical memory"
 * (aligned blocks found in a bitmap) that counts the pages out and, like the real one,
 * refuses blocks still marked PG_slab or freed with another order.
 *
 * The random test makes 10^6 allocations and frees over kmalloc() of every size class,
 * large kmalloc()s and caches of its own (with alignment and a constructor); a model of the
 * live objects follows, each object filled with its own byte. Every CHECK_EVERY operations
 * the invariants walk every slab of every cache: no object both live and free, every object
 * of a slab accounted for, the cache's counters equal the lists, no more empty slabs than
 * the policy keeps, slabinfo's active count equal to the model's. Then everything is freed,
 * the caches destroyed or shrunk, and every page must be back.
 *
 * The slub_debug part injects each corruption kind and checks the report's lines.
 */
#include <sys/mman.h>
#include "kernel_stub.h"
#include <linux/mm.h>
#include <linux/gfp.h>

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t c = n >= size ? size - 1 : n;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

int sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	return snprintf(buf, size, "host_fn+0x%lx/0x1000", addr & 0xfff);
}

/* ---------------------------------------------------------------- the page allocator */

#define HOST_PAGES 16384UL /* 64 MiB */
static unsigned char page_used[HOST_PAGES];
static unsigned long pages_out, page_alloc_fails;

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	unsigned long n = 1UL << order;

	for (unsigned long pfn = 0; pfn + n <= HOST_PAGES; pfn += n) {
		unsigned long i;

		for (i = 0; i < n && !page_used[pfn + i]; i++)
			;
		if (i < n)
			continue;
		memset(page_used + pfn, 1, n);
		pages_out += n;
		for (i = 0; i < n; i++)
			mm_zero_struct_page(pfn_to_page(pfn + i));
		pfn_to_page(pfn)->private = order; /* what the slab must not rely on */
		if (gfp & __GFP_ZERO)
			memset(page_address(pfn_to_page(pfn)), 0, n << PAGE_SHIFT);
		else
			memset(page_address(pfn_to_page(pfn)), 0xa5, n << PAGE_SHIFT);
		return pfn_to_page(pfn);
	}
	page_alloc_fails++;
	return NULL;
}

static unsigned long bad_page_frees;

void __free_pages(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page), n = 1UL << order;

	if (PageSlab(page) || pfn % n || !page_used[pfn] || (n > 1 && !page_used[pfn + n - 1])) {
		bad_page_frees++;
		return;
	}
	memset(page_used + pfn, 0, n);
	pages_out -= n;
}

#undef pr_fmt
#include "../../mm/slab.c"

/* ---------------------------------------------------------------- helpers */

/* Objects on a NULL-terminated freelist, or -1 when it loops or leaves the slab. */
static long freelist_len(struct kmem_cache *s, struct page *page, void *fp, u8 *seen)
{
	long n = 0;

	for (void *p = fp; p; p = get_freepointer(s, p), n++) {
		unsigned long i;

		if (!valid_object(s, page, p))
			return -1;
		i = ((char *)p - slab_base(page)) / s->size;
		if (seen[i])
			return -1;
		seen[i] = 1;
	}
	return n;
}

/* A live object, as the model has it. */
struct live {
	void *p;
	struct kmem_cache *s; /* NULL: kmalloc() */
	size_t size;
	u8 fill;
};

#define LIVE_MAX 20000
static struct live live[LIVE_MAX];
static unsigned long nr_live;

/* Open-addressed set of live pointers: an object handed out twice is caught here. */
#define SET_SIZE (1 << 16)
static void *set[SET_SIZE];

static unsigned long set_hash(const void *p)
{
	return ((unsigned long)p >> 3) * 0x9e3779b97f4a7c15ULL >> 48;
}

static bool set_add(void *p)
{
	unsigned long h = set_hash(p);

	while (set[h]) {
		if (set[h] == p)
			return false;
		h = (h + 1) & (SET_SIZE - 1);
	}
	set[h] = p;
	return true;
}

static bool set_has(const void *p)
{
	for (unsigned long h = set_hash(p); set[h]; h = (h + 1) & (SET_SIZE - 1))
		if (set[h] == p)
			return true;
	return false;
}

static void set_del(void *p)
{
	unsigned long h = set_hash(p);

	while (set[h] != p)
		h = (h + 1) & (SET_SIZE - 1);
	set[h] = NULL;
	/* re-insert the rest of the cluster */
	for (h = (h + 1) & (SET_SIZE - 1); set[h]; h = (h + 1) & (SET_SIZE - 1)) {
		void *q = set[h];

		set[h] = NULL;
		set_add(q);
	}
}

/* Live objects of s counted by the model (kmalloc objects by their cache). */
static unsigned long model_count(struct kmem_cache *s)
{
	unsigned long n = 0;

	if (s == &kmem_cache_boot) { /* the struct kmem_caches but its own */
		list_for_each_entry(s, &slab_caches, list)
			n++;
		return n - 1;
	}

	for (unsigned long i = 0; i < nr_live; i++)
		if ((live[i].s ?
			     live[i].s :
			     (live[i].size <= KMALLOC_MAX_CACHE_SIZE ? kmalloc_slab(live[i].size) :
								       NULL)) == s)
			n++;
	return n;
}

/* One slab: every object free or live, never both, and the counts agree. */
static bool check_slab(struct kmem_cache *s, struct page *page, struct kmem_cache_cpu *c)
{
	u8 seen[8192] = { 0 };
	long on_page = freelist_len(s, page, page->freelist, seen), on_cpu = 0;
	bool ok = true;

	ok &= CHECK(PageSlab(page) && page->slab_cache == s);
	ok &= CHECK(on_page >= 0);
	if (c) {
		on_cpu = freelist_len(s, page, c->freelist, seen);
		ok &= CHECK(on_cpu >= 0 && (unsigned long)on_cpu == c->nr_free);
		ok &= CHECK_EQ(page->private, s->objects - on_page);
	} else {
		ok &= CHECK_EQ(page->private, s->objects - on_page);
	}
	for (unsigned int i = 0; i < s->objects; i++) {
		void *obj = slab_base(page) + (unsigned long)i * s->size;

		if (seen[i] && set_has(obj))
			ok &= CHECK(!"object both free and live");
	}
	return ok;
}

/* The whole cache against its counters and the model. */
static void check_cache(struct kmem_cache *s)
{
	unsigned long partial = 0, full = 0, empty = 0, inuse = 0, slabs = 0, cpu_free = 0;
	struct page *page;

	list_for_each_entry(page, &s->partial, lru) {
		check_slab(s, page, NULL);
		CHECK(page->freelist != NULL && !page_frozen(page));
		partial++;
		empty += !page->private;
		inuse += page->private;
	}
	list_for_each_entry(page, &s->full, lru) {
		check_slab(s, page, NULL);
		CHECK(page->freelist == NULL && page->private == s->objects);
		full++;
		inuse += page->private;
	}
	slabs = partial + full;
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct kmem_cache_cpu *c = &s->cpu_slab[cpu];

		cpu_free += c->nr_free;
		if (!c->page) {
			CHECK(!c->freelist && !c->nr_free);
			continue;
		}
		CHECK(page_frozen(c->page));
		check_slab(s, c->page, c);
		inuse += c->page->private;
		slabs++;
	}
	CHECK_EQ(s->nr_partial, partial);
	CHECK_EQ(s->nr_full, full);
	CHECK_EQ(s->nr_empty, empty);
	CHECK(empty <= s->min_partial);
	CHECK_EQ(s->nr_slabs, slabs);
	CHECK_EQ(s->nr_inuse, inuse);
	CHECK_EQ(s->nr_inuse - cpu_free - s->nr_set_aside, model_count(s));
}

static unsigned long slab_pages(void)
{
	struct kmem_cache *s;
	unsigned long n = 0;

	list_for_each_entry(s, &slab_caches, list)
		n += s->nr_slabs << s->order;
	return n;
}

static unsigned long large_pages(void)
{
	unsigned long n = 0;

	for (unsigned long i = 0; i < nr_live; i++)
		if (live[i].size > KMALLOC_MAX_CACHE_SIZE)
			n += 1UL << order_for(live[i].size);
	return n;
}

static void check_all(void)
{
	struct kmem_cache *s;

	list_for_each_entry(s, &slab_caches, list)
		check_cache(s);
	CHECK_EQ(pages_out, slab_pages() + large_pages());
	CHECK_EQ(bad_page_frees, 0);
}

/* ---------------------------------------------------------------- basic cases */

static void test_kmalloc_sizes(void)
{
	static const struct {
		size_t size;
		const char *cache;
	} cases[] = { { 1, "kmalloc-8" },     { 8, "kmalloc-8" },
		      { 9, "kmalloc-16" },    { 33, "kmalloc-64" },
		      { 65, "kmalloc-96" },   { 96, "kmalloc-96" },
		      { 97, "kmalloc-128" },  { 129, "kmalloc-192" },
		      { 192, "kmalloc-192" }, { 193, "kmalloc-256" },
		      { 1000, "kmalloc-1k" }, { 4097, "kmalloc-8k" },
		      { 8192, "kmalloc-8k" }, {} };
	unsigned long before = pages_out;

	for (int i = 0; cases[i].size; i++) {
		void *p = kmalloc(cases[i].size, GFP_KERNEL);

		CHECK_STR(kmalloc_slab(cases[i].size)->name, cases[i].cache);
		CHECK(p && ksize(p) >= cases[i].size);
		CHECK_EQ(ksize(p), kmalloc_slab(cases[i].size)->object_size);
		kfree(p);
	}
	for (size_t size = 8193; size < 300000; size = size * 3 + 1) {
		u8 *p = kmalloc(size, GFP_KERNEL | __GFP_ZERO);

		CHECK(p && !PageSlab(virt_to_page(p)));
		CHECK_EQ(ksize(p), PAGE_SIZE << order_for(size));
		CHECK(p[0] == 0 && p[size - 1] == 0);
		kfree(p);
	}
	CHECK(kmalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR);
	kfree(ZERO_SIZE_PTR);
	kfree(NULL);
	{
		struct kmem_cache *s;

		list_for_each_entry(s, &slab_caches, list)
			kmem_cache_shrink(s);
	}
	CHECK(pages_out <= before);
	CHECK_EQ(pages_out, slab_pages());
}

static int ctor_calls;

static void ctor_magic(void *obj)
{
	*(u32 *)obj = 0xc0ffee;
	ctor_calls++;
}

static void test_cache_create(void)
{
	struct kmem_cache *s = kmem_cache_create("t-ctor", 40, 64, 0, ctor_magic);
	void *objs[100];
	unsigned long before = pages_out;

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK_EQ(s->size % 64, 0);
	for (int i = 0; i < 100; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		CHECK(objs[i] && IS_ALIGNED((unsigned long)objs[i], 64));
		CHECK_EQ(*(u32 *)objs[i], 0xc0ffee);
	}
	CHECK_INT(ctor_calls, s->nr_slabs * s->objects);
	CHECK(kmem_cache_destroy(s) == -EBUSY);
	for (int i = 0; i < 100; i++)
		kmem_cache_free(s, objs[i]);
	CHECK_INT(kmem_cache_destroy(s), 0);
	CHECK_EQ(pages_out, before - 0); /* the struct kmem_cache's own slab may stay */
	CHECK(kmem_cache_find("t-ctor") == NULL);
	CHECK(kmem_cache_create("t-bad", 0, 0, 0, NULL) == NULL);
	CHECK(kmem_cache_create("t-bad", 8, 3, 0, NULL) == NULL);
}

/* ---------------------------------------------------------------- the random test */

#define RANDOM_OPS 1000000
#define CHECK_EVERY 50000

static void random_test(void)
{
	struct kmem_cache *own[4];
	unsigned long base_pages;
	u8 fill = 1;

	own[0] = kmem_cache_create("t-24", 24, 0, 0, NULL);
	own[1] = kmem_cache_create("t-100-ctor", 100, 0, 0, ctor_magic);
	own[2] = kmem_cache_create("t-520-a64", 520, 64, 0, NULL);
	own[3] = kmem_cache_create("t-3000", 3000, 0, SLAB_HWCACHE_ALIGN, NULL);
	base_pages = pages_out;
	for (long op = 0; op < RANDOM_OPS; op++) {
		/* phases: fill up, churn around a level, drain: slabs empty and refill */
		long phase = (op / 100000) % 3;
		bool alloc = nr_live < 100 ||
			     (nr_live < LIVE_MAX - 1 && host_rand_below(100) < (phase == 0 ? 70 :
										phase == 1 ? 50 :
											     30));

		if (alloc) {
			struct live *l = &live[nr_live];
			u64 r = host_rand_below(100);

			l->s = NULL;
			if (r < 30) {
				l->s = own[host_rand_below(4)];
				l->size = l->s->object_size;
				l->p = kmem_cache_alloc(l->s, GFP_KERNEL);
			} else {
				l->size = r < 97 ? 1 + host_rand_below(r < 80 ? 256 : 8192) :
						   8193 + host_rand_below(40000);
				l->p = kmalloc(l->size, GFP_KERNEL);
			}
			if (!CHECK(l->p))
				break;
			if (!CHECK(set_add(l->p)))
				break;
			if (l->s == own[1])
				CHECK_EQ(*(u32 *)l->p, 0xc0ffee);
			else if (!CHECK(ksize(l->p) >= l->size))
				printf("     size %zu ksize %zu\n", l->size, ksize(l->p));
			l->fill = fill++;
			memset(l->p, l->fill, l->size);
			if (l->s == own[1])
				*(u32 *)l->p =
					0xc0ffee; /* freed objects keep the constructed state */
			nr_live++;
		} else if (nr_live) {
			unsigned long i = host_rand_below(nr_live);
			struct live *l = &live[i];
			u8 *p = l->p;
			size_t from = l->s == own[1] ? 4 : 0;

			if (p[from] != l->fill || p[l->size - 1] != l->fill)
				CHECK(!"an object's bytes changed while it was live");
			set_del(l->p);
			if (l->s)
				kmem_cache_free(l->s, l->p);
			else
				kfree(l->p);
			*l = live[--nr_live];
		}
		if (op % CHECK_EVERY == CHECK_EVERY - 1)
			check_all();
	}
	while (nr_live) {
		struct live *l = &live[--nr_live];

		set_del(l->p);
		if (l->s)
			kmem_cache_free(l->s, l->p);
		else
			kfree(l->p);
	}
	check_all();
	for (int i = 0; i < 4; i++)
		CHECK_INT(kmem_cache_destroy(own[i]), 0);
	{
		struct kmem_cache *s;

		list_for_each_entry(s, &slab_caches, list)
			if (s != &kmem_cache_boot)
				kmem_cache_shrink(s);
	}
	check_all();
	CHECK(pages_out <= base_pages);
	CHECK_EQ(pages_out, kmem_cache_boot.nr_slabs << kmem_cache_boot.order);
	CHECK_EQ(page_alloc_fails, 0);
}

/* ---------------------------------------------------------------- slub_debug */

static bool logged(const char *s)
{
	bool ok = strstr(host_printk.buf, s) != NULL;

	if (!ok)
		printf("     not in the log: \"%s\"\n", s);
	return ok;
}

static void test_debug_setup(void)
{
	CHECK_INT(slub_debug_setup(NULL), 0);
	CHECK_EQ(debug_flags_for("anything"), SLAB_DEBUG_FLAGS);
	CHECK_INT(slub_debug_setup("FZ,kmalloc-64,dentry*"), 0);
	CHECK_EQ(debug_flags_for("kmalloc-64"), SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
	CHECK_EQ(debug_flags_for("kmalloc-6"), 0);
	CHECK_EQ(debug_flags_for("kmalloc-640"), 0);
	CHECK_EQ(debug_flags_for("dentry-x"), SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
	CHECK_INT(slub_debug_setup("pu"), 0);
	CHECK_EQ(debug_flags_for("x"), SLAB_POISON | SLAB_STORE_USER);
	CHECK_INT(slub_debug_setup(",t-dbg-param"), 0);
	CHECK_EQ(debug_flags_for("t-dbg-param"), SLAB_DEBUG_FLAGS);
	CHECK_EQ(debug_flags_for("x"), 0);
	{
		struct kmem_cache *s = kmem_cache_create("t-dbg-param", 30, 0, 0, NULL);

		CHECK(s && (s->flags & SLAB_DEBUG_FLAGS) == SLAB_DEBUG_FLAGS);
		CHECK_INT(kmem_cache_destroy(s), 0);
	}
	CHECK_INT(slub_debug_setup("-"), 0);
	CHECK_EQ(debug_flags_for("x"), 0);
}

/* One corruption: the report's lines, one report, and the object set aside. */
static void test_debug_kinds(void)
{
	struct kmem_cache *s = kmem_cache_create("t-dbg", 64, 0, SLAB_DEBUG_FLAGS, NULL);
	struct kmem_cache *other = kmem_cache_create("t-other", 64, 0, 0, NULL);
	unsigned long bugs;
	u8 *a, *b, *c, *rz, *uaf;
	struct page *stray;

	if (!CHECK(s && other))
		return;
	/* a new slab: free objects poisoned, the rest 0x5a */
	a = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(a[0] == POISON_FREE && a[63] == POISON_END && a[64] == SLUB_RED_ACTIVE);
	CHECK_EQ(*((u8 *)slab_base(virt_to_page(a)) + PAGE_SIZE - 1), POISON_INUSE);
	CHECK(get_track(s, a, 0)->addr != 0);

	/* red zone overwritten, found at free */
	host_log_clear(&host_printk);
	bugs = slab_bug_count;
	a[64] = 0x41;
	kmem_cache_free(s, a);
	CHECK_EQ(slab_bug_count, bugs + 1);
	CHECK(logged("BUG t-dbg (Not tainted): Redzone overwritten"));
	CHECK(logged("First byte 0x41 instead of 0xcc"));
	CHECK(logged("INFO: Allocated in host_fn+"));
	CHECK(logged("INFO: Object 0x"));
	CHECK(logged("Redzone 0x"));
	CHECK(logged("FIX t-dbg: Object at 0x"));
	CHECK_EQ(s->nr_set_aside, 1);
	rz = a;

	/* write after free, found at alloc (LIFO: the same object is next) */
	host_log_clear(&host_printk);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, b);
	b[10] = 0x42;
	c = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(c != b && c != a);
	CHECK(logged("BUG t-dbg (Not tainted): Poison overwritten"));
	CHECK(logged("First byte 0x42 instead of 0x6b"));
	CHECK(logged("INFO: Freed in host_fn+"));
	CHECK(logged("Object  0x"));
	CHECK_EQ(s->nr_set_aside, 2);
	uaf = b;

	/* double free */
	host_log_clear(&host_printk);
	kmem_cache_free(s, c);
	kmem_cache_free(s, c);
	CHECK(logged("BUG t-dbg (Not tainted): Object already free"));

	/* invalid free: not an object's start */
	host_log_clear(&host_printk);
	c = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, c + 8);
	CHECK(logged("BUG t-dbg (Not tainted): Invalid object pointer 0x"));
	/* wrong cache (checked without debug flags too) */
	host_log_clear(&host_printk);
	kmem_cache_free(other, c);
	CHECK(logged("BUG t-other (Not tainted): Invalid free of 0x"));
	CHECK(logged("object is from t-dbg"));
	kmem_cache_free(s, c);
	/* kfree of something no kmalloc returned */
	host_log_clear(&host_printk);
	stray = alloc_pages(GFP_KERNEL, 0);
	kfree((char *)page_address(stray) + 16);
	CHECK(logged("not a slab object"));
	__free_pages(stray, 0);

	/* free pointer corrupted: the slab's free objects are isolated */
	host_log_clear(&host_printk);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	c = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, c);
	kmem_cache_free(s, b);
	set_freepointer(s, b, (void *)0x1234);
	CHECK(kmem_cache_alloc(s, GFP_KERNEL) == b);
	a = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(a && a != c);
	CHECK(logged("BUG t-dbg (Not tainted): Freepointer corrupt"));

	/* set-aside objects never come back */
	{
		void *objs[200];
		int n;

		for (n = 0; n < 200; n++) {
			objs[n] = kmem_cache_alloc(s, GFP_KERNEL);
			CHECK(objs[n] && (u8 *)objs[n] != rz && (u8 *)objs[n] != uaf);
		}
		while (n--)
			kmem_cache_free(s, objs[n]);
	}
	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	check_cache(s);
	CHECK_INT(kmem_cache_destroy(s), 0);
	CHECK_INT(kmem_cache_destroy(other), 0);
}

int main(void)
{
	host_phys = mmap(NULL, HOST_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	host_vmemmap = calloc(HOST_PAGES, sizeof(struct page));
	if (host_phys == MAP_FAILED || !host_vmemmap)
		return 2;
	kmem_cache_init();
	CHECK(kmalloc_slab(8) != NULL && kmem_cache_find("kmalloc-8k") != NULL);
	test_kmalloc_sizes();
	test_cache_create();
	test_debug_setup();
	random_test();
	test_debug_kinds();
	return check_summary("slab");
}
