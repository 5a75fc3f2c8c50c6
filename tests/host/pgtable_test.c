// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for the page-table walker (arch/x86/mm/walk.c), the mapper
 * (arch/x86/mm/pgtable.c) and the entry-flag table (arch/x86/mm/pte_bits.c), over
 * simulated physical memory (pgtable_stub.h), built with ASan and UBSan.
 *
 * Every result is compared with a model the test keeps itself: a hash map from each mapped
 * 4 KiB page to (pa, flags, part of a 2 MiB leaf or not), and the set of tables that must
 * exist. The model has its own constants and reads the tables with its own code, so a
 * mistake shared by the headers and the code under test does not cancel out.
 *
 * Cases: translation of pages spread over the canonical space with every step checked;
 * pt_walk order, ranges, SKIP and STOP; 2 MiB splits; unmapping across 2 MiB, 1 GiB and
 * 512 GiB boundaries and the top of memory; argument and allocation errors; a random
 * sequence of 100,000 operations; the entry-flag decoder; and the contracts at their edges:
 * non-canonical and wrapping ranges, PAT on whole 2 MiB leaves, 2 MiB over a pte table,
 * 1 GiB leaves. Freed table pages are poisoned (pgtable_stub.h): ASan reports a stale one.
 */
#include "pgtable_stub.h"

#include "../../arch/x86/mm/walk.c"
#include "../../arch/x86/mm/pgtable.c"
#include "../../arch/x86/mm/pte_bits.c"

#define RANDOM_OPS 100000
#define RANDOM_BATCH 1000 /* operations between two full comparisons */
#define RANDOM_EPOCH 10000 /* operations on one tree, before starting a fresh one */
#define RANDOM_SEED 0x7067746162756c65ULL

#include "check.h"

/* ------------------------------------------------------------ the model's own constants */

#define M_4K (1UL << 12)
#define M_2M (1UL << 21)
#define M_1G (1UL << 30)
#define M_512G (1UL << 39)
#define M_PTRS 512
#define M_ADDR 0x000ffffffffff000UL /* frame bits 12..51 of an entry */
#define M_FLAGS (~M_ADDR)
#define M_ADDR_2M 0x000fffffffe00000UL /* frame bits 21..51 of a 2 MiB leaf */
#define M_P (1UL << 0)
#define M_B7 (1UL << 7) /* PAT in a pte, PSE above */
#define M_B12 (1UL << 12) /* PAT in a 2 MiB / 1 GiB leaf */
#define M_KERNEL_HALF 0xffff800000000000UL

static const unsigned int m_shift[PT_NR_LEVELS] = { 39, 39, 30, 21, 12 };

/* Sign-extend from bit 47. */
static unsigned long m_norm(unsigned long x)
{
	return (x & (1UL << 47)) ? x | 0xffff000000000000UL : x & 0x0000ffffffffffffUL;
}

static bool m_leaf(enum pt_level l, unsigned long e)
{
	return (e & M_P) && (l == PT_PTE || ((l == PT_PUD || l == PT_PMD) && (e & M_B7)));
}

/* The entry of a 2 MiB leaf for 4 KiB-style flags f: PSE in bit 7, PAT moved to bit 12. */
static unsigned long m_large_flags(unsigned long f)
{
	return f | M_B7 | ((f & M_B7) ? M_B12 : 0);
}

/* ---------------------------------------------------------------- the model: a hash map */

struct mval {
	unsigned long key, pa, flags;
	bool large, used;
};

struct mhash {
	struct mval *v;
	unsigned long mask, n;
};

static void mh_init(struct mhash *h, unsigned int order)
{
	h->v = calloc(1UL << order, sizeof(*h->v));
	if (!h->v) {
		fprintf(stderr, "pgtable_test: no memory for the model\n");
		exit(2);
	}
	h->mask = (1UL << order) - 1;
	h->n = 0;
}

static void mh_clear(struct mhash *h)
{
	memset(h->v, 0, (h->mask + 1) * sizeof(*h->v));
	h->n = 0;
}

static unsigned long mh_home(const struct mhash *h, unsigned long key)
{
	key ^= key >> 31;
	key *= 0x9e3779b97f4a7c15UL;
	key ^= key >> 29;
	return key & h->mask;
}

static struct mval *mh_get(struct mhash *h, unsigned long key)
{
	for (unsigned long i = mh_home(h, key);; i = (i + 1) & h->mask) {
		if (!h->v[i].used)
			return NULL;
		if (h->v[i].key == key)
			return &h->v[i];
	}
}

static struct mval *mh_put(struct mhash *h, unsigned long key)
{
	for (unsigned long i = mh_home(h, key);; i = (i + 1) & h->mask) {
		if (h->v[i].used && h->v[i].key == key)
			return &h->v[i];
		if (!h->v[i].used) {
			if ((h->n + 1) * 4 > (h->mask + 1) * 3) {
				fprintf(stderr, "pgtable_test: model full\n");
				exit(2);
			}
			h->v[i] = (struct mval){ .key = key, .used = true };
			h->n++;
			return &h->v[i];
		}
	}
}

/* Remove key, moving later entries of its probe run back (no tombstones). */
static void mh_del(struct mhash *h, unsigned long key)
{
	unsigned long i = mh_home(h, key), j;

	while (h->v[i].used && h->v[i].key != key)
		i = (i + 1) & h->mask;
	if (!h->v[i].used)
		return;
	for (j = i;;) {
		unsigned long k;

		j = (j + 1) & h->mask;
		if (!h->v[j].used)
			break;
		k = mh_home(h, h->v[j].key);
		if (i <= j ? (k <= i || k > j) : (k <= i && k > j)) {
			h->v[i] = h->v[j];
			i = j;
		}
	}
	h->v[i] = (struct mval){ 0 };
	h->n--;
}

/* Mapped pages by va, and the tables that exist (key: aligned va | T_*). */
static struct {
	struct mhash pages, tables;
} M;

enum { T_PUD = 1, T_PMD = 2, T_PTE = 3 }; /* the table below a pgd, pud, pmd entry */
static const unsigned long t_span[] = { 0, M_512G, M_1G, M_2M };

static phys_addr_t pgd; /* the tree under test */
static unsigned long nr_splits; /* 2 MiB pages the model saw split */
static bool count_quietly; /* the random run: count mismatches, not each operation */
static unsigned long quiet_mismatches;

static unsigned long tkey(unsigned long va, int t)
{
	return (va & ~(t_span[t] - 1)) | t;
}

static bool m_has_table(unsigned long va, int t)
{
	return mh_get(&M.tables, tkey(va, t));
}

static void m_add_table(unsigned long va, int t)
{
	mh_put(&M.tables, tkey(va, t));
}

static struct mval *m_page(unsigned long va)
{
	return mh_get(&M.pages, va & ~(M_4K - 1));
}

static bool m_large_at(unsigned long va)
{
	const struct mval *p = m_page(va & ~(M_2M - 1));

	return p && p->large;
}

static void m_set(unsigned long va, unsigned long pa, unsigned long flags, bool large)
{
	struct mval *p = mh_put(&M.pages, va);

	p->pa = pa;
	p->flags = flags;
	p->large = large;
}

/* A 2 MiB leaf becomes a pte table with the same translation. */
static void m_split(unsigned long va)
{
	unsigned long slot = va & ~(M_2M - 1);

	for (unsigned int i = 0; i < M_PTRS; i++)
		m_page(slot + i * M_4K)->large = false;
	m_add_table(slot, T_PTE);
	nr_splits++;
}

static unsigned long m_nr_tables(void)
{
	return M.tables.n;
}

/* A new, empty tree and an empty model. */
static void fresh(void)
{
	fake_mem_reset();
	mh_clear(&M.pages);
	mh_clear(&M.tables);
	pgd = pt_alloc_table();
}

/* Does the model have a 4 KiB page mapped in the 2 MiB slot of va? */
static bool m_slot_has_pages(unsigned long va)
{
	unsigned long slot = va & ~(M_2M - 1);

	for (unsigned int i = 0; i < M_PTRS; i++)
		if (m_page(slot + i * M_4K))
			return true;
	return false;
}

/*
 * What pt_map_range should do, applied to the model: page by page, a 2 MiB page in the way
 * of a 4 KiB one split, an emptied pte table in the way of a 2 MiB one freed, and -EEXIST
 * (after the pages before) where 4 KiB pages are still mapped. Returns whether ret agrees.
 */
static bool m_map(unsigned long va, unsigned long pa, unsigned long size, unsigned long flags,
		  unsigned long psize, int ret)
{
	flags &= M_FLAGS;
	for (unsigned long off = 0; off < size; off += psize) {
		unsigned long a = va + off;

		m_add_table(a, T_PUD);
		m_add_table(a, T_PMD);
		if (psize == M_4K) {
			if (m_large_at(a))
				m_split(a);
			m_add_table(a, T_PTE);
			m_set(a, pa + off, flags, false);
			continue;
		}
		if (m_has_table(a, T_PTE)) {
			if (m_slot_has_pages(a))
				return ret == -EEXIST;
			mh_del(&M.tables, tkey(a, T_PTE));
		}
		for (unsigned int i = 0; i < M_PTRS; i++)
			m_set(a + i * M_4K, pa + off + i * M_4K, flags, true);
	}
	return ret == 0;
}

enum m_op { M_UNMAP, M_PROT };

static void m_change_page(enum m_op op, struct mval *v, unsigned long set, unsigned long clear)
{
	if (op == M_UNMAP)
		mh_del(&M.pages, v->key);
	else
		v->flags = (v->flags & ~(clear & M_FLAGS)) | (set & M_FLAGS);
}

/* What pt_unmap_range / pt_change_prot should do over [va, va + size). */
static void m_range(enum m_op op, unsigned long va, unsigned long size, unsigned long set,
		    unsigned long clear)
{
	unsigned long last = va + size - 1, ends[2] = { va, last }, n = 0, *keys;

	if (!size)
		return;
	/* a 2 MiB page the range covers in part is split first */
	for (int i = 0; i < 2; i++) {
		unsigned long slot = ends[i] & ~(M_2M - 1);

		if (m_large_at(slot) && (va > slot || last < slot + M_2M - 1))
			m_split(slot);
	}
	if (size <= 4096 * M_4K) { /* page by page */
		for (unsigned long p = va;; p += M_4K) {
			struct mval *v = m_page(p);

			if (v)
				m_change_page(op, v, set, clear);
			if (p == (last & ~(M_4K - 1)))
				break;
		}
		return;
	}
	/* a large range: the pages the model has in it (collected first: deleting moves them) */
	keys = malloc(M.pages.n * sizeof(*keys) + 1);
	for (unsigned long i = 0; i <= M.pages.mask; i++)
		if (M.pages.v[i].used && M.pages.v[i].key >= va && M.pages.v[i].key <= last)
			keys[n++] = M.pages.v[i].key;
	for (unsigned long i = 0; i < n; i++)
		m_change_page(op, m_page(keys[i]), set, clear);
	free(keys);
}

/* --------------------------------------------------------------- comparing with the model */

/* The last entry a translation met (0 if none). */
static unsigned long last_entry(const struct pt_translation *t)
{
	return t->nr_steps > 0 ? t->steps[t->nr_steps - 1].entry : 0;
}

/* Does the translation of va agree with the model? Prints the disagreement. */
static bool page_agrees(unsigned long va)
{
	const struct mval *p = m_page(va);
	struct pt_translation t;
	unsigned long e, size;
	bool ok;

	pt_translate(pgd, va, &t);
	if (!p) {
		if (!t.mapped)
			return true;
		printf("     va=0x%016lx: mapped to pa=0x%016llx, model: not mapped\n", va,
		       (unsigned long long)t.pa);
		return false;
	}
	if (!t.mapped) {
		printf("     va=0x%016lx: not mapped, model: pa=0x%016lx\n", va, p->pa);
		return false;
	}
	e = last_entry(&t);
	size = p->large ? M_2M : M_4K;
	ok = t.pa == p->pa + (va & (M_4K - 1)) && t.page_size == size;
	if (p->large)
		ok = ok && (e & ~M_ADDR_2M) == m_large_flags(p->flags);
	else
		ok = ok && (e & M_FLAGS) == p->flags;
	if (!ok)
		printf("     va=0x%016lx: pa=0x%016llx size=0x%lx entry=0x%016lx, model: pa=0x%016lx size=0x%lx flags=0x%016lx\n",
		       va, (unsigned long long)t.pa, t.page_size, e, p->pa, size, p->flags);
	return ok;
}

/* Every page of [start, start + n pages) agrees with the model; prints the first few. */
static bool region_agrees(unsigned long start, unsigned long npages)
{
	unsigned long bad = 0;

	for (unsigned long i = 0; i < npages; i++)
		if (!page_agrees(start + i * M_4K) && ++bad >= 5)
			break;
	return !bad;
}

/* Every page the model knows agrees, and the table count. */
static bool model_agrees(void)
{
	unsigned long bad = 0;

	for (unsigned long i = 0; i <= M.pages.mask && bad < 5; i++)
		if (M.pages.v[i].used && !page_agrees(M.pages.v[i].key))
			bad++;
	if (nr_pagetable_pages != m_nr_tables() || nr_pagetable_pages != fake_nr_live() - 1 ||
	    fake_nr_bad_frees) {
		printf("     nr_pagetable_pages=%lu, model %lu, tables in use %lu, bad frees %lu\n",
		       nr_pagetable_pages, m_nr_tables(), fake_nr_live() - 1, fake_nr_bad_frees);
		bad++;
	}
	return !bad;
}

/*
 * The steps of a translation, rebuilt from the raw tables by the model's own walk: level,
 * index (the va's bits for that level; 0 for the folded p4d), table, entry, flags, count.
 */
static bool steps_agree(unsigned long va, const struct pt_translation *t)
{
	phys_addr_t table = pgd & M_ADDR;
	unsigned long e = 0;
	int n = 0;

	for (enum pt_level l = PT_PGD; l < PT_NR_LEVELS; l++) {
		const struct pt_entry *s = &t->steps[n];
		unsigned int index = l == PT_P4D ? 0 : (va >> m_shift[l]) & (M_PTRS - 1);
		unsigned long span = 1UL << m_shift[l];

		if (l != PT_P4D)
			e = fake_entry(table, index);
		if (n >= t->nr_steps || s->level != l || s->index != index || s->entry != e ||
		    s->table_pa != table || s->va != (va & ~(span - 1)) ||
		    s->present != !!(e & M_P) || s->leaf != m_leaf(l, e) || !s->readable) {
			printf("     va=0x%016lx: step %d (%s) differs: level %d index %u entry 0x%016lx table 0x%016llx va 0x%016lx; want index %u entry 0x%016lx table 0x%016llx\n",
			       va, n, pt_level_name[l], n < t->nr_steps ? (int)s->level : -1,
			       s->index, s->entry, (unsigned long long)s->table_pa, s->va, index, e,
			       (unsigned long long)table);
			return false;
		}
		n++;
		if (!(e & M_P) || m_leaf(l, e)) /* the p4d follows a present pgd entry */
			break;
		if (l != PT_PGD)
			table = e & M_ADDR;
	}
	if (t->nr_steps != n) {
		printf("     va=0x%016lx: %d steps, want %d\n", va, t->nr_steps, n);
		return false;
	}
	return true;
}

static bool translation_agrees(unsigned long va)
{
	struct pt_translation t;

	pt_translate(pgd, va, &t);
	return steps_agree(va, &t) && page_agrees(va);
}

/* ------------------------------------------------------------------------ operations */

static int do_map(unsigned long va, unsigned long pa, unsigned long size, unsigned long prot,
		  unsigned long psize)
{
	int ret = pt_map_range(pgd, va, pa, size, __pgprot(prot), psize);
	bool ok = m_map(va, pa, size, prot, psize, ret);

	if (count_quietly && !ok && quiet_mismatches++ < 3)
		printf("     random: ");
	if (count_quietly ? !ok && quiet_mismatches <= 3 :
			    !check(ok, "pt_map_range result", __FILE__, __LINE__))
		printf("     map va=0x%016lx pa=0x%016lx size=0x%lx page=0x%lx: %d\n", va, pa, size,
		       psize, ret);
	return ret;
}

static int do_unmap(unsigned long va, unsigned long size)
{
	int ret = pt_unmap_range(pgd, va, size);

	m_range(M_UNMAP, va, size, 0, 0);
	return ret;
}

static int do_prot(unsigned long va, unsigned long size, unsigned long set, unsigned long clear)
{
	int ret = pt_change_prot(pgd, va, size, set, clear);

	m_range(M_PROT, va, size, set, clear);
	return ret;
}

/* ------------------------------------------------------------------- walk bookkeeping */

struct walk_log {
	struct pt_entry *e;
	size_t n, cap;
	int skip_level; /* answer PT_WALK_SKIP at this level (-1: never) */
	size_t stop_at; /* answer PT_WALK_STOP at this visit, counting from 1 (0: never) */
};

static int log_visit(const struct pt_entry *e, void *arg)
{
	struct walk_log *w = arg;

	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 4096;
		w->e = realloc(w->e, w->cap * sizeof(*w->e));
		if (!w->e) {
			fprintf(stderr, "pgtable_test: no memory for the walk log\n");
			exit(2);
		}
	}
	w->e[w->n++] = *e;
	if (w->stop_at && w->n == w->stop_at)
		return PT_WALK_STOP;
	return (int)e->level == w->skip_level ? PT_WALK_SKIP : PT_WALK_CONTINUE;
}

static int walk_logged(struct walk_log *w, unsigned long start, unsigned long last, int skip,
		       size_t stop_at)
{
	w->n = 0;
	w->skip_level = skip;
	w->stop_at = stop_at;
	return pt_walk(pgd, start, last, log_visit, w);
}

/* How many entries of a table at base, of entry size 1 << shift, meet [s, l]. */
static unsigned long slots_meeting(unsigned long base, unsigned int shift, bool norm,
				   unsigned long s, unsigned long l)
{
	unsigned long n = 0;

	for (unsigned long j = 0; j < M_PTRS; j++) {
		unsigned long lo = base + (j << shift), hi;

		if (norm)
			lo = m_norm(lo);
		hi = lo + (1UL << shift) - 1;
		n += lo <= l && hi >= s;
	}
	return n;
}

struct walk_counts {
	unsigned long level[PT_NR_LEVELS];
	unsigned long leaf_pte, leaf_pmd;
};

/* What a walk of [s, l] must visit, from the model's tables and pages. */
static void expected_counts(unsigned long s, unsigned long l, struct walk_counts *c)
{
	static const enum pt_level below[] = { 0, PT_PUD, PT_PMD, PT_PTE };

	*c = (struct walk_counts){ 0 };
	if (s > l)
		return;
	c->level[PT_PGD] = slots_meeting(0, 39, true, s, l);
	for (unsigned long i = 0; i <= M.tables.mask; i++) {
		unsigned long key = M.tables.v[i].key, base = key & ~3UL;
		int t = key & 3;

		if (!M.tables.v[i].used)
			continue;
		c->level[below[t]] += slots_meeting(base, m_shift[below[t]], false, s, l);
		/* the folded p4d: once under each present pgd entry */
		if (t == T_PUD && base <= l && base + M_512G - 1 >= s)
			c->level[PT_P4D]++;
	}
	for (unsigned long i = 0; i <= M.pages.mask; i++) {
		const struct mval *p = &M.pages.v[i];

		if (!p->used || p->key > l)
			continue;
		if (!p->large && p->key + M_4K - 1 >= s)
			c->leaf_pte++;
		else if (p->large && !(p->key & (M_2M - 1)) && p->key + M_2M - 1 >= s)
			c->leaf_pmd++;
	}
}

static void logged_counts(const struct walk_log *w, struct walk_counts *c)
{
	*c = (struct walk_counts){ 0 };
	for (size_t i = 0; i < w->n; i++) {
		c->level[w->e[i].level]++;
		if (w->e[i].leaf && w->e[i].level == PT_PTE)
			c->leaf_pte++;
		if (w->e[i].leaf && w->e[i].level == PT_PMD)
			c->leaf_pmd++;
	}
}

static bool counts_equal(const struct walk_counts *a, const struct walk_counts *b)
{
	bool eq = !memcmp(a, b, sizeof(*a));

	if (!eq)
		printf("     visited pgd %lu p4d %lu pud %lu pmd %lu pte %lu leaves %lu+%lu; want %lu %lu %lu %lu %lu, %lu+%lu\n",
		       a->level[0], a->level[1], a->level[2], a->level[3], a->level[4], a->leaf_pte,
		       a->leaf_pmd, b->level[0], b->level[1], b->level[2], b->level[3], b->level[4],
		       b->leaf_pte, b->leaf_pmd);
	return eq;
}

/*
 * The order of a walk: (va, level) strictly increasing; each present pgd entry followed at
 * once by its folded p4d with the same value, and no other p4d; every leaf as the model has it.
 */
static bool walk_well_formed(const struct walk_log *w, bool p4d_expected)
{
	for (size_t i = 0; i < w->n; i++) {
		const struct pt_entry *e = &w->e[i], *p = i ? &w->e[i - 1] : NULL;
		const struct mval *m = m_page(e->va);

		if (p && !(e->va > p->va || (e->va == p->va && e->level > p->level))) {
			printf("     visit %zu: va=0x%016lx %s after va=0x%016lx %s\n", i, e->va,
			       pt_level_name[e->level], p->va, pt_level_name[p->level]);
			return false;
		}
		if (p4d_expected && e->level == PT_PGD && e->present &&
		    (i + 1 >= w->n || w->e[i + 1].level != PT_P4D || w->e[i + 1].va != e->va ||
		     w->e[i + 1].entry != e->entry || w->e[i + 1].index != 0)) {
			printf("     visit %zu: pgd va=0x%016lx not followed by its p4d\n", i,
			       e->va);
			return false;
		}
		if (e->level == PT_P4D && (!p || p->level != PT_PGD || !p->present)) {
			printf("     visit %zu: p4d without its pgd\n", i);
			return false;
		}
		if (e->va & ((1UL << m_shift[e->level]) - 1) || e->index >= M_PTRS ||
		    e->present != !!(e->entry & M_P) || e->leaf != m_leaf(e->level, e->entry)) {
			printf("     visit %zu: inconsistent entry at va=0x%016lx\n", i, e->va);
			return false;
		}
		if (e->leaf && e->level == PT_PTE &&
		    (!m || m->large || m->pa != (e->entry & M_ADDR) ||
		     m->flags != (e->entry & M_FLAGS))) {
			printf("     visit %zu: pte va=0x%016lx entry=0x%016lx differs from the model\n",
			       i, e->va, e->entry);
			return false;
		}
		if (e->leaf && e->level == PT_PMD &&
		    (!m || !m->large || m->pa != (e->entry & M_ADDR_2M) ||
		     m_large_flags(m->flags) != (e->entry & ~M_ADDR_2M))) {
			printf("     visit %zu: pmd va=0x%016lx entry=0x%016lx differs from the model\n",
			       i, e->va, e->entry);
			return false;
		}
	}
	return true;
}

/* A whole walk of [s, l] against the model. */
static bool walk_agrees(struct walk_log *w, unsigned long s, unsigned long l)
{
	struct walk_counts got, want;
	int ret = walk_logged(w, s, l, -1, 0);

	logged_counts(w, &got);
	expected_counts(s, l, &want);
	if (ret != 0)
		printf("     pt_walk returned %d\n", ret);
	return ret == 0 && walk_well_formed(w, true) && counts_equal(&got, &want);
}

/* -------------------------------------------------------------------------- the cases */

#define FLAGS_4K (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_GLOBAL | _PAGE_NX)

/* Pages at addresses spread over the canonical space: each one and its neighbours. */
static const struct spread {
	unsigned long va, pa, size, psize, prot;
} spread[] = {
	{ 0x0000000000000000UL, 0x0000000000100000UL, 0x2000, 0x1000, FLAGS_4K | _PAGE_USER },
	{ 0x00007ffffffff000UL, 0x0000000123456000UL, 0x1000, 0x1000, _PAGE_PRESENT | _PAGE_USER },
	{ 0x0000000040000000UL, 0x0000000080000000UL, 0x400000, 0x200000, FLAGS_4K },
	{ 0xffff880000000000UL, 0x0000000000000000UL, 0x600000, 0x200000, FLAGS_4K },
	{ 0xffff88003fe00000UL, 0x000000003fe00000UL, 0x400000, 0x200000, FLAGS_4K | _PAGE_PAT },
	{ 0xffff880000a00000UL, 0x000fffffffe00000UL, 0x200000, 0x200000, __PAGE_KERNEL_RO },
	{ 0xffffc90000001000UL, 0x0000000007654000UL, 0x3000, 0x1000, __PAGE_KERNEL },
	{ 0xffffc97ffffff000UL, 0x000fffffffffe000UL, 0x2000, 0x1000,
	  __PAGE_KERNEL | _PAGE_PCD | _PAGE_PWT },
	{ 0xffffea0000000000UL, 0x0000000001000000UL, 0x200000, 0x200000, __PAGE_KERNEL },
	{ 0xfffffe0000001000UL, 0x0000000000abc000UL, 0x1000, 0x1000, __PAGE_KERNEL_RO },
	{ 0xffffffff81000000UL, 0x0000000001000000UL, 0x800000, 0x200000, __PAGE_KERNEL_RX },
	{ 0xffffffffa0000000UL, 0x0000000002000000UL, 0x5000, 0x1000, __PAGE_KERNEL | _PAGE_PAT },
	{ 0xffffffffff5ff000UL, 0x0000000000fee000UL, 0x1000, 0x1000,
	  __PAGE_KERNEL | _PAGE_PCD | _PAGE_PWT },
	{ 0xffffffffff600000UL, 0x0000000000def000UL, 0x1000, 0x1000, __PAGE_KERNEL_VVAR },
	{ 0xffffffffff800000UL, 0x0000000000400000UL, 0x400000, 0x200000, __PAGE_KERNEL },
	{ 0xfffffffffffff000UL, 0x0000000000555000UL, 0x1000, 0x1000, __PAGE_KERNEL },
};

static void pgtable_test_spread(void)
{
	struct pt_translation t;

	fresh();
	for (size_t i = 0; i < ARRAY_SIZE(spread); i++) {
		const struct spread *s = &spread[i];

		CHECK_INT(do_map(s->va, s->pa, s->size, s->prot, s->psize), 0);
	}
	CHECK(model_agrees());
	CHECK_EQ(nr_pagetable_pages, fake_nr_live() - 1);
	for (size_t i = 0; i < ARRAY_SIZE(spread); i++) {
		const struct spread *s = &spread[i];
		unsigned long last = s->va + s->size - 1;
		bool ok = true;

		for (unsigned long off = 0; off < s->size; off += M_4K)
			ok = translation_agrees(s->va + off) && ok;
		/* the neighbours (the wrapped one above the top; non-canonical ones: elsewhere) */
		for (int k = 0; k < 4; k++) {
			unsigned long n = k == 0 ? s->va - M_4K :
					  k == 1 ? last + 1 :
					  k == 2 ? s->va - M_2M :
						   last + M_2M;

			if (n == m_norm(n))
				ok = translation_agrees(n) && ok;
		}
		if (!check(ok, "spread: every page and its neighbours", __FILE__, __LINE__))
			printf("     region va=0x%016lx size=0x%lx\n", s->va, s->size);
	}
	/* offsets inside pages */
	pt_translate(pgd, 0xffff880000123456UL, &t);
	CHECK(t.mapped && t.pa == 0x123456 && t.page_size == M_2M && t.nr_steps == 4);
	pt_translate(pgd, 0xffffc90000002abcUL, &t);
	CHECK(t.mapped && t.pa == 0x7655abc && t.page_size == M_4K && t.nr_steps == 5);
	pt_translate(pgd, 0xffffffffffffffffUL, &t);
	CHECK(t.mapped && t.pa == 0x555fff && t.page_size == M_4K);
	pt_translate(pgd, 0xffff880000bfffffUL, &t);
	CHECK(t.mapped && t.pa == 0x000fffffffffffffUL);
	/* holes at each level: no pgd, no pud, no pmd, no pte */
	pt_translate(pgd, 0xffff900000000000UL, &t);
	CHECK(!t.mapped && t.nr_steps == 1 && t.steps[0].level == PT_PGD && !t.steps[0].present);
	pt_translate(pgd, 0xffff880100000000UL, &t);
	CHECK(!t.mapped && t.nr_steps == 3 && !t.steps[2].present);
	pt_translate(pgd, 0xffff880001000000UL, &t);
	CHECK(!t.mapped && t.nr_steps == 4 && !t.steps[3].present);
	pt_translate(pgd, 0xffffc90000000000UL, &t);
	CHECK(!t.mapped && t.nr_steps == 5 && !t.steps[4].present);
	CHECK(translation_agrees(0xffffc90000000000UL));
}

/* Tables out of reach: reported unreadable, not descended into. */
static void pgtable_test_unreadable(void)
{
	struct walk_log w = { 0 };
	struct pt_translation t;
	const unsigned long far = 0x0000007000000000UL; /* outside the simulated memory */
	bool all_unreadable = true;

	fresh();
	fake_set_entry(pgd, 300, far | _KERNPG_TABLE);
	pt_translate(pgd, 0xffff960000000000UL, &t);
	CHECK(!t.mapped && t.nr_steps == 3 && t.steps[0].readable && t.steps[0].present &&
	      t.steps[2].level == PT_PUD && !t.steps[2].readable && !t.steps[2].present &&
	      t.steps[2].table_pa == far && t.steps[2].entry == 0);
	CHECK_INT(walk_logged(&w, 0xffff960000000000UL, 0xffff967fffffffffUL, -1, 0), 0);
	CHECK_INT(w.n, 2 + 512);
	for (size_t i = 2; i < w.n; i++)
		all_unreadable = all_unreadable && !w.e[i].readable && !w.e[i].present;
	CHECK(all_unreadable);

	/* a pgd out of reach: 512 pgd entries, none readable (nor present: no p4d) */
	w.n = 0;
	CHECK_INT(pt_walk(far, 0, ~0UL, log_visit, &w), 0);
	CHECK_INT(w.n, 512);
	all_unreadable = true;
	for (size_t i = 0; i < w.n; i++)
		all_unreadable = all_unreadable && !w.e[i].readable;
	CHECK(all_unreadable);
	pt_translate(far, 0xffffffff81000000UL, &t);
	CHECK(!t.mapped && t.nr_steps == 1 && !t.steps[0].readable);
	free(w.e);
}

static void pgtable_test_walk(void)
{
	static const struct {
		unsigned long s, l;
	} ranges[] = {
		{ 0, ~0UL },
		{ 0, 0 },
		{ 5, 5 },
		{ 0x1000, 0x7fffffffffffUL },
		{ 0x7ffffffff000UL, 0xffff800000000fffUL },
		{ 0xffff880000201234UL, 0xffff880040005678UL },
		{ 0xffff88003fffffffUL, 0xffff880040000000UL },
		{ 0xffffc90000001800UL, 0xffffc90000002000UL },
		{ 0xffffc97fffffffffUL, 0xffffc98000000000UL },
		{ 0xffffffff80000000UL, 0xffffffffffffffffUL },
		{ 0xffffffffffe00000UL, ~0UL },
		{ 0xfffffffffffff000UL, ~0UL },
		{ ~0UL, ~0UL },
	};
	struct walk_log w = { 0 }, full = { 0 };
	struct walk_counts got, want;
	size_t stops[] = { 1, 2, 3, 5, 517, 0, 0 };

	fresh();
	for (size_t i = 0; i < ARRAY_SIZE(spread); i++)
		do_map(spread[i].va, spread[i].pa, spread[i].size, spread[i].prot, spread[i].psize);
	for (size_t i = 0; i < ARRAY_SIZE(ranges); i++)
		if (!CHECK(walk_agrees(&w, ranges[i].s, ranges[i].l)))
			printf("     range [0x%016lx, 0x%016lx]\n", ranges[i].s, ranges[i].l);

	/* the whole space: every mapped page exactly once */
	walk_logged(&full, 0, ~0UL, -1, 0);
	logged_counts(&full, &got);
	CHECK_EQ(got.leaf_pte + 512 * got.leaf_pmd, M.pages.n);
	CHECK_EQ(got.level[PT_PGD], 512);
	CHECK(full.n > 0 && full.e[full.n - 1].va == 0xfffffffffffff000UL &&
	      full.e[full.n - 1].level == PT_PTE);

	/* start > last: nothing */
	CHECK_INT(walk_logged(&w, 0x2000, 0x1000, -1, 0), 0);
	CHECK_INT(w.n, 0);
	CHECK_INT(walk_logged(&w, ~0UL, 0, -1, 0), 0);
	CHECK_INT(w.n, 0);
	CHECK_INT(walk_logged(&w, 0xffff880000000000UL, 0x1000, -1, 0), 0);
	CHECK_INT(w.n, 0);

	/* one address: the translation's steps */
	walk_logged(&w, 0xffffc90000002000UL, 0xffffc90000002000UL, -1, 0);
	CHECK_INT(w.n, 5);
	CHECK(w.n == 5 && w.e[4].level == PT_PTE && w.e[4].leaf &&
	      (w.e[4].entry & M_ADDR) == 0x7655000);

	/* PT_WALK_SKIP at each level: nothing below it (at pgd: not even the p4d) */
	for (int skip = PT_PGD; skip < PT_PTE; skip++) {
		bool none_below = true;

		walk_logged(&w, 0, ~0UL, skip, 0);
		for (size_t i = 0; i < w.n; i++)
			none_below = none_below && (int)w.e[i].level <= skip;
		logged_counts(&w, &got);
		expected_counts(0, ~0UL, &want);
		if (!check(none_below && walk_well_formed(&w, skip != PT_PGD),
			   "skip: nothing below", __FILE__, __LINE__))
			printf("     skip at %s\n", pt_level_name[skip]);
		for (int l = PT_PGD; l <= skip; l++)
			if (!check(got.level[l] == want.level[l], "skip: the level itself complete",
				   __FILE__, __LINE__))
				printf("     skip at %s: %lu %s entries, want %lu\n",
				       pt_level_name[skip], got.level[l], pt_level_name[l],
				       want.level[l]);
	}

	/* PT_WALK_STOP: nothing after it, and the same entries as the full walk up to it */
	stops[5] = full.n / 2;
	stops[6] = full.n;
	for (size_t i = 0; i < ARRAY_SIZE(stops); i++) {
		int ret = walk_logged(&w, 0, ~0UL, -1, stops[i]);
		bool same = w.n == stops[i];

		for (size_t j = 0; same && j < w.n; j++)
			same = !memcmp(&w.e[j], &full.e[j], sizeof(w.e[j]));
		if (!check(ret == PT_WALK_STOP && same, "stop: stops at once", __FILE__, __LINE__))
			printf("     stop at visit %zu: returned %d after %zu visits\n", stops[i],
			       ret, w.n);
	}
	free(w.e);
	free(full.e);
}

/* A 2 MiB page split by changes to three of its pages; the other 509 keep their translation. */
static void split_case(unsigned long prot, bool user)
{
	const unsigned long va = 0xffffc90000400000UL, pa = 0x0000000240000000UL;
	const unsigned long f = (prot | (user ? _PAGE_USER : 0)) & M_FLAGS;
	struct pt_translation t;
	unsigned long before, e, pmd_e;
	bool others = true;

	fresh();
	CHECK_INT(do_map(va, pa, M_2M, prot | (user ? _PAGE_USER : 0), PMD_SIZE), 0);
	pt_translate(pgd, va, &t);
	e = last_entry(&t);
	CHECK(t.mapped && t.page_size == M_2M && t.nr_steps == 4);
	CHECK_EQ(e, pa | m_large_flags(f));
	CHECK_EQ(!!(e & M_B12), !!(f & M_B7));
	before = nr_pagetable_pages;

	CHECK_INT(do_map(va + 5 * M_4K, 0x0000000777777000UL, M_4K, __PAGE_KERNEL_RO, PAGE_SIZE),
		  0);
	CHECK_INT(do_unmap(va + 100 * M_4K, M_4K), 0);
	CHECK_INT(do_prot(va + 200 * M_4K, M_4K, _PAGE_USER, _PAGE_RW | _PAGE_NX), 0);
	CHECK_INT(nr_pagetable_pages, before + 1);
	CHECK_EQ(nr_pagetable_pages, fake_nr_live() - 1);

	for (unsigned int i = 0; i < M_PTRS; i++) {
		if (i == 5 || i == 100 || i == 200)
			continue;
		pt_translate(pgd, va + i * M_4K, &t);
		e = last_entry(&t);
		if (!t.mapped || t.page_size != M_4K || t.pa != pa + i * M_4K ||
		    (e & M_FLAGS) != f) {
			if (others)
				printf("     page %u: pa=0x%016llx entry=0x%016lx, want flags 0x%016lx\n",
				       i, (unsigned long long)t.pa, e, f);
			others = false;
		}
	}
	CHECK(others);
	pt_translate(pgd, va + 5 * M_4K, &t);
	CHECK(t.mapped && t.pa == 0x777777000UL &&
	      (t.steps[4].entry & M_FLAGS) == (unsigned long)__PAGE_KERNEL_RO);
	pt_translate(pgd, va + 100 * M_4K, &t);
	CHECK(!t.mapped && t.nr_steps == 5);
	pt_translate(pgd, va + 200 * M_4K, &t);
	CHECK(t.mapped && t.pa == pa + 200 * M_4K &&
	      (t.steps[4].entry & M_FLAGS) == ((f & ~(_PAGE_RW | _PAGE_NX)) | _PAGE_USER));
	/* the pmd is now a table pointer, user-accessible if the page was */
	pmd_e = t.steps[3].entry;
	CHECK(!m_leaf(PT_PMD, pmd_e) && (pmd_e & M_P) && (pmd_e & _PAGE_RW));
	CHECK_EQ(!!(pmd_e & _PAGE_USER), user);
	CHECK(model_agrees());
}

static void pgtable_test_split(void)
{
	const unsigned long va = 0xffff880000200000UL, pa = 0x200000;
	struct pt_translation t;
	phys_addr_t pmd_table;
	unsigned int idx = (va >> 21) & 511;
	unsigned long before;

	split_case(__PAGE_KERNEL, false);
	split_case(__PAGE_KERNEL | _PAGE_PAT, false); /* PAT: bit 12 in the leaf, bit 7 in ptes */
	split_case(__PAGE_KERNEL_RX | _PAGE_PAT | _PAGE_PCD, true);

	/* pt_split_pmd itself: not a leaf, a leaf, out of memory */
	fresh();
	do_map(va, pa, M_2M, __PAGE_KERNEL | _PAGE_PAT, PMD_SIZE);
	pt_translate(pgd, va, &t);
	pmd_table = t.steps[3].table_pa;
	CHECK_INT(pt_split_pmd(pmd_table, idx + 1), -EINVAL);
	fake_alloc_fail_after(0);
	CHECK_INT(pt_split_pmd(pmd_table, idx), -ENOMEM);
	fake_alloc_fail_after(-1);
	CHECK(model_agrees());
	before = nr_pagetable_pages;
	CHECK_INT(pt_split_pmd(pmd_table, idx), 0);
	m_split(va);
	CHECK_INT(nr_pagetable_pages, before + 1);
	CHECK(model_agrees());
	CHECK_INT(pt_split_pmd(pmd_table, idx), -EINVAL);

	/* pt_populate: tables down to a pte table, splitting a 2 MiB page on the way */
	fresh();
	CHECK_INT(pt_populate(pgd, 0xffffc90000123000UL), 0);
	m_add_table(0xffffc90000123000UL, T_PUD);
	m_add_table(0xffffc90000123000UL, T_PMD);
	m_add_table(0xffffc90000123000UL, T_PTE);
	CHECK_INT(nr_pagetable_pages, 3);
	pt_translate(pgd, 0xffffc90000123000UL, &t);
	CHECK(!t.mapped && t.nr_steps == 5 && steps_agree(0xffffc90000123000UL, &t));
	CHECK_INT(pt_populate(pgd, 0xffffc90000124000UL), 0);
	CHECK_INT(nr_pagetable_pages, 3);
	do_map(va, pa, M_2M, __PAGE_KERNEL, PMD_SIZE);
	before = nr_pagetable_pages;
	CHECK_INT(pt_populate(pgd, va + 0x5000), 0);
	m_split(va);
	CHECK_INT(nr_pagetable_pages, before + 1);
	CHECK(model_agrees());
	fake_alloc_fail_after(0);
	CHECK_INT(pt_populate(pgd, 0xffffea0000000000UL), -ENOMEM);
	fake_alloc_fail_after(-1);
	CHECK(model_agrees());
	CHECK_EQ(nr_pagetable_pages, fake_nr_live() - 1);
}

/* Unmapping across 2 MiB, 1 GiB and 512 GiB boundaries and up to the top of memory. */
static void pgtable_test_unmap(void)
{
	static const unsigned long bounds[] = { 0xffff880000400000UL, 0xffff880040000000UL,
						0xffffc98000000000UL, 0x0000008000000000UL };
	struct walk_log w = { 0 };
	unsigned long tables;

	fresh();
	for (size_t i = 0; i < ARRAY_SIZE(bounds); i++) {
		unsigned long b = bounds[i];

		do_map(b - 4 * M_2M, 0x100000000UL, 8 * M_2M, __PAGE_KERNEL, PMD_SIZE);
		do_map(b - M_2M + 3 * M_4K, 0x300000000UL, 2 * M_4K, __PAGE_KERNEL_RO, PAGE_SIZE);
		do_map(b + 2 * M_2M, 0x400000000UL, 32 * M_4K, __PAGE_KERNEL_RX, PAGE_SIZE);
		CHECK(region_agrees(b - 4 * M_2M, 8 * 512));
		/* from inside a 2 MiB page, across the boundary, into another 2 MiB page */
		CHECK_INT(do_unmap(b - M_2M - 0x100000 - 3 * M_4K, 3 * M_2M + 0x1000), 0);
		if (!CHECK(region_agrees(b - 4 * M_2M, 8 * 512)))
			printf("     around 0x%016lx\n", b);
		/* whole 2 MiB pages and a pte table's tail */
		CHECK_INT(do_unmap(b + 2 * M_2M + 16 * M_4K, M_2M - 16 * M_4K + M_2M), 0);
		CHECK(region_agrees(b - 4 * M_2M, 8 * 512));
	}

	/* the top of memory: a range ending at 2^64 */
	do_map(0xffffffffffa00000UL, 0x80000000UL, 2 * M_2M, __PAGE_KERNEL, PMD_SIZE);
	do_map(0xffffffffffe00000UL, 0x90000000UL, 0x200000, __PAGE_KERNEL, PAGE_SIZE);
	CHECK(region_agrees(0xffffffffffa00000UL, 3 * 512));
	CHECK_INT(do_unmap(0xffffffffffbff000UL, 0x401000), 0);
	CHECK(region_agrees(0xffffffffffa00000UL, 3 * 512));
	CHECK(translation_agrees(0xffffffffffbfe000UL));
	CHECK(translation_agrees(0xfffffffffffff000UL));
	do_map(0xfffffffffffff000UL, 0x90000000UL, M_4K, __PAGE_KERNEL, PAGE_SIZE);
	CHECK_INT(do_unmap(0xfffffffffffff000UL, M_4K), 0);
	CHECK(region_agrees(0xffffffffffa00000UL, 3 * 512));
	CHECK(model_agrees());

	/* from inside an empty 1 GiB slot into a populated one, and from an empty 512 GiB one */
	do_map(0xffffc90040000000UL, 0x7000, 2 * M_4K, __PAGE_KERNEL, PAGE_SIZE);
	do_map(0xffffcb0000000000UL, 0x200000, M_2M, __PAGE_KERNEL, PMD_SIZE);
	CHECK_INT(do_unmap(0xffffc9003ff00000UL, 0x101000), 0);
	CHECK_INT(do_unmap(0xffffcaffffe00000UL, 0x400000), 0);
	CHECK(translation_agrees(0xffffc90040000000UL) && translation_agrees(0xffffc90040001000UL));
	CHECK(translation_agrees(0xffffcb0000000000UL));
	CHECK(model_agrees());

	/* unmapping what is not mapped: harmless, allocates nothing */
	tables = nr_pagetable_pages;
	CHECK_INT(do_unmap(0xffff900000000000UL, 1UL << 40), 0);
	CHECK_INT(do_unmap(0xffff880080000000UL, 0x40000000UL), 0);
	CHECK_INT(do_unmap(0xffff880000400000UL - 0x100000, 0x1000), 0);
	CHECK_INT(do_unmap(0xffffc98000000000UL - 0x100000, 0x200000), 0);
	CHECK_INT(do_unmap(0xffffffffffa00000UL, 0x600000), 0);
	CHECK_INT(do_unmap(0, 0), 0);
	CHECK_INT(nr_pagetable_pages, tables);
	CHECK(model_agrees());
	CHECK(walk_agrees(&w, 0, ~0UL));

	/* everything: the kernel half, then the user half */
	CHECK_INT(do_unmap(0xffff800000000000UL, 1UL << 47), 0);
	CHECK_INT(do_unmap(0, 1UL << 47), 0);
	CHECK_INT(M.pages.n, 0);
	CHECK(model_agrees());
	CHECK(walk_agrees(&w, 0, ~0UL));
	free(w.e);
}

/* Misaligned arguments: -EINVAL, and nothing changes. */
static void pgtable_test_einval(void)
{
	static const struct {
		unsigned long va, pa, size, psize;
	} maps[] = {
		{ 0xffffc90000000800UL, 0x1000, 0x1000, 0x1000 },
		{ 0xffffc90000001000UL, 0x1001, 0x1000, 0x1000 },
		{ 0xffffc90000001000UL, 0x1000, 0x1800, 0x1000 },
		{ 0xffffc90000001000UL, 0x1000, 0x0fff, 0x1000 },
		{ 0xffffc90000001000UL, 0x200000, 0x200000, 0x200000 },
		{ 0xffffc90000200000UL, 0x201000, 0x200000, 0x200000 },
		{ 0xffffc90000200000UL, 0x200000, 0x300000, 0x200000 },
		{ 0xffffc90000200000UL, 0x200000, 0x200000, 0 },
		{ 0xffffc90000200000UL, 0x200000, 0x200000, 0x2000 },
		{ 0xffffc90000200000UL, 0x200000, 0x400000, 0x400000 },
		{ 0xffffc90040000000UL, 0x40000000, 0x40000000, 0x40000000 },
	};
	static const struct {
		unsigned long va, size;
	} ranges[] = {
		{ 0xffff880000000800UL, 0x1000 },
		{ 0xffff880000000000UL, 0x800 },
		{ 0xffff880000000001UL, 0x1fff },
		{ 0xffff880000000000UL, 0x200001 },
	};

	unsigned long allocs;

	fresh();
	do_map(0xffff880000000000UL, 0, 4 * M_2M, __PAGE_KERNEL, PMD_SIZE);
	do_map(0xffffc90000000000UL, 0x5000, 4 * M_4K, __PAGE_KERNEL, PAGE_SIZE);
	allocs = fake_nr_allocs;
	for (size_t i = 0; i < ARRAY_SIZE(maps); i++)
		if (!CHECK(pt_map_range(pgd, maps[i].va, maps[i].pa, maps[i].size, PAGE_KERNEL,
					maps[i].psize) == -EINVAL))
			printf("     map va=0x%016lx pa=0x%lx size=0x%lx page=0x%lx\n", maps[i].va,
			       maps[i].pa, maps[i].size, maps[i].psize);
	for (size_t i = 0; i < ARRAY_SIZE(ranges); i++) {
		CHECK_INT(pt_unmap_range(pgd, ranges[i].va, ranges[i].size), -EINVAL);
		CHECK_INT(pt_change_prot(pgd, ranges[i].va, ranges[i].size, 0, _PAGE_RW), -EINVAL);
	}
	CHECK_INT(fake_nr_allocs, allocs);
	CHECK(model_agrees());
	CHECK(region_agrees(0xffff880000000000UL, 4 * 512));
	CHECK(region_agrees(0xffffc90000000000UL, 512));
}

/* Out of table memory: -ENOMEM, and what was mapped before still translates. */
static void pgtable_test_enomem(void)
{
	const unsigned long big = 0xffff880000600000UL, a = 0xffffc90000010000UL;
	struct walk_log w = { 0 };
	struct pt_translation t;
	bool prefix = true, seen_gap = false;
	unsigned long n_new = 0;
	int ret;

	fresh();
	do_map(big, 0x600000, M_2M, __PAGE_KERNEL, PMD_SIZE);
	do_map(0xffffffff81000000UL, 0x1000000, 2 * M_2M, __PAGE_KERNEL_RX, PMD_SIZE);

	/* a new pte table that cannot be had: 2 of the 3 tables are there, then no memory */
	for (long budget = 0; budget < 3; budget++) {
		unsigned long va = a + (budget + 1) * M_512G;

		fake_alloc_fail_after(budget);
		ret = pt_map_range(pgd, va, 0x9000, M_4K, PAGE_KERNEL, PAGE_SIZE);
		fake_alloc_fail_after(-1);
		CHECK_INT(ret, -ENOMEM);
		/* the tables that were allocated stay, linked: the model learns them */
		if (budget >= 1)
			m_add_table(va, T_PUD);
		if (budget >= 2)
			m_add_table(va, T_PMD);
		pt_translate(pgd, va, &t);
		CHECK(!t.mapped && steps_agree(va, &t));
		CHECK(model_agrees());
	}
	CHECK_EQ(nr_pagetable_pages, fake_nr_live() - 1);
	CHECK(walk_agrees(&w, 0, ~0UL));

	/* a 4 KiB page inside a 2 MiB page, with no memory for the split */
	fake_alloc_fail_after(0);
	CHECK_INT(pt_map_range(pgd, big + 0x3000, 0x9000, M_4K, PAGE_KERNEL_RO, PAGE_SIZE),
		  -ENOMEM);
	CHECK_INT(pt_unmap_range(pgd, big + 0x3000, M_4K), -ENOMEM);
	CHECK_INT(pt_change_prot(pgd, big, M_2M - M_4K, 0, _PAGE_RW), -ENOMEM);
	CHECK_INT(pt_populate(pgd, big), -ENOMEM);
	/* nothing to allocate: these still work */
	CHECK_INT(do_unmap(0xffffffff81200000UL, M_2M), 0);
	CHECK_INT(do_prot(0xffffffff81000000UL, M_2M, _PAGE_NX, 0), 0);
	CHECK_INT(do_map(big, 0xa00000, M_2M, __PAGE_KERNEL_RO, PMD_SIZE), 0);
	fake_alloc_fail_after(-1);
	CHECK(region_agrees(big, 512));
	CHECK(model_agrees());

	/* 4 KiB pages over two 2 MiB slots, memory for the tables down to the first pte table */
	fake_alloc_fail_after(3);
	ret = pt_map_range(pgd, 0xffffc90000bff000UL - 7 * M_4K, 0x100000, 16 * M_4K, PAGE_KERNEL,
			   PAGE_SIZE);
	fake_alloc_fail_after(-1);
	CHECK_INT(ret, -ENOMEM);
	for (unsigned long i = 0; i < 16; i++) {
		unsigned long va = 0xffffc90000bff000UL - 7 * M_4K + i * M_4K;

		pt_translate(pgd, va, &t);
		if (t.mapped && (seen_gap || t.pa != 0x100000 + i * M_4K))
			prefix = false;
		if (t.mapped) {
			m_set(va, t.pa, __PAGE_KERNEL, false);
			n_new++;
		} else {
			seen_gap = true;
		}
	}
	m_add_table(0xffffc90000a00000UL, T_PUD);
	m_add_table(0xffffc90000a00000UL, T_PMD);
	m_add_table(0xffffc90000a00000UL, T_PTE);
	CHECK(prefix);
	CHECK_INT(n_new, 8);
	CHECK(model_agrees());
	CHECK(walk_agrees(&w, 0, ~0UL));
	free(w.e);
}

/* ------------------------------------------------------------------------- the random run */

static unsigned long long rng_state = RANDOM_SEED;

static unsigned long rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (unsigned long)(rng_state * 0x2545f4914f6cdd1dULL);
}

static unsigned long rnd_below(unsigned long n)
{
	return rnd() % n;
}

/* Hot regions: low memory, across a 1 GiB and a 512 GiB boundary, and the top. */
#define HOT_PAGES 4096UL
static const unsigned long hot[] = { 0x0000000000000000UL, 0xffff88003f800000UL,
				     0xffffc97fff800000UL, 0xffffffffff000000UL };

static unsigned long rnd_flags(void)
{
	static const unsigned long opt[] = { _PAGE_RW,	     _PAGE_USER,  _PAGE_PWT,	_PAGE_PCD,
					     _PAGE_ACCESSED, _PAGE_DIRTY, _PAGE_GLOBAL, _PAGE_NX,
					     1UL << 9,	     _PAGE_PAT };
	unsigned long f = _PAGE_PRESENT, r = rnd();

	for (size_t i = 0; i < ARRAY_SIZE(opt); i++)
		if (r & (1UL << i))
			f |= opt[i];
	return f;
}

/*
 * Bits for pt_change_prot: not P (a not-present entry is no longer a leaf to change), and
 * not bit 7 / 12, whose meaning differs between a pte and a 2 MiB leaf (pgtable_test_pat).
 */
static unsigned long rnd_prot_bits(void)
{
	static const unsigned long opt[] = { _PAGE_RW,	   _PAGE_USER,	   _PAGE_PWT,
					     _PAGE_PCD,	   _PAGE_ACCESSED, _PAGE_DIRTY,
					     _PAGE_GLOBAL, _PAGE_NX,	   1UL << 10 };
	unsigned long f = 0, r = rnd();

	for (size_t i = 0; i < ARRAY_SIZE(opt); i++)
		if ((r >> (2 * i)) % 4 == 0)
			f |= opt[i];
	return f;
}

/* A random 4 KiB-aligned range in region r, whole 2 MiB slots whole% of the time. */
static void rnd_range(unsigned long r, unsigned int whole, unsigned long *va, unsigned long *size)
{
	unsigned long first = rnd_below(HOT_PAGES), n;

	if (rnd_below(100) < whole) { /* whole 2 MiB slots */
		first = first / 512 * 512;
		n = 512 * (1 + rnd_below(3));
	} else {
		switch (rnd_below(3)) {
		case 0: /* a few pages */
			n = 1 + rnd_below(8);
			break;
		case 1: /* up to 2 MiB and a half */
			n = 1 + rnd_below(640);
			break;
		default: /* up to the whole region */
			n = 1 + rnd_below(HOT_PAGES);
			break;
		}
	}
	if (first + n > HOT_PAGES)
		n = HOT_PAGES - first;
	*va = hot[r] + first * M_4K;
	*size = n * M_4K;
}

/*
 * Operation mixes, in percent: map 4 KiB, map 2 MiB, unmap (change_prot: the rest), and how
 * often an unmap or change_prot range is made of whole 2 MiB slots.
 */
static const unsigned int mixes[][4] = {
	{ 30, 15, 30, 25 },
	{ 3, 45, 30, 85 },
	{ 45, 10, 25, 10 },
};

static void random_op(const unsigned int *mix, unsigned long *counts)
{
	unsigned long r = rnd_below(ARRAY_SIZE(hot)), va, size, kind = rnd_below(100);
	int ret;

	if (kind < mix[0]) { /* map 4 KiB pages */
		unsigned long n = 1 + rnd_below(16), first = rnd_below(HOT_PAGES - n);

		va = hot[r] + first * M_4K;
		do_map(va, rnd_below(1UL << 28) << 12, n * M_4K, rnd_flags(), PAGE_SIZE);
		counts[0]++;
	} else if (kind < mix[0] + mix[1]) { /* map 2 MiB pages */
		unsigned long n = 1 + rnd_below(2), first = rnd_below(HOT_PAGES / 512 - n + 1);

		va = hot[r] + first * M_2M;
		ret = do_map(va, rnd_below(1UL << 19) << 21, n * M_2M, rnd_flags(), PMD_SIZE);
		counts[ret == -EEXIST ? 2 : 1]++;
	} else if (kind < mix[0] + mix[1] + mix[2]) {
		rnd_range(r, mix[3], &va, &size);
		ret = do_unmap(va, size);
		if (ret && quiet_mismatches++ < 3)
			printf("     random: unmap va=0x%016lx size=0x%lx: %d\n", va, size, ret);
		counts[3]++;
	} else {
		unsigned long set = rnd_prot_bits(), clear = rnd_prot_bits();

		rnd_range(r, mix[3], &va, &size);
		ret = do_prot(va, size, set, clear);
		if (ret && quiet_mismatches++ < 3)
			printf("     random: prot va=0x%016lx size=0x%lx: %d\n", va, size, ret);
		counts[4]++;
	}
}

/* After a batch: every page of the hot regions, the table count, now and then whole walks. */
static bool random_batch_agrees(unsigned long op, struct walk_log *w)
{
	bool ok = nr_pagetable_pages == m_nr_tables() && nr_pagetable_pages == fake_nr_live() - 1 &&
		  !fake_nr_bad_frees;

	for (size_t i = 0; i < ARRAY_SIZE(hot); i++)
		ok = region_agrees(hot[i], HOT_PAGES) && ok;
	if (op % (5 * RANDOM_BATCH) == 0)
		for (size_t i = 0; i < ARRAY_SIZE(hot); i++)
			ok = walk_agrees(w, hot[i], hot[i] + HOT_PAGES * M_4K - 1) && ok;
	return ok;
}

/*
 * RANDOM_OPS random operations over the hot regions, in epochs on a fresh tree with one of
 * the mixes each (a tree that has seen many 4 KiB mappings has little room for 2 MiB ones).
 */
static void pgtable_test_random(void)
{
	unsigned long counts[5] = { 0 }, batch_bad = 0, mapped_2m_pages = 0;
	struct walk_log w = { 0 };

	count_quietly = true;
	nr_splits = 0;
	for (unsigned long op = 1; op <= RANDOM_OPS; op++) {
		const unsigned int *mix = mixes[(op - 1) / RANDOM_EPOCH % ARRAY_SIZE(mixes)];

		if ((op - 1) % RANDOM_EPOCH == 0)
			fresh();
		random_op(mix, counts);
		if (op % RANDOM_BATCH)
			continue;
		if (!random_batch_agrees(op, &w) && batch_bad++ < 3)
			printf("     random: disagreement after operation %lu\n", op);
		for (unsigned long i = 0; op % RANDOM_EPOCH == 0 && i <= M.pages.mask; i++)
			mapped_2m_pages += M.pages.v[i].used && M.pages.v[i].large;
	}
	count_quietly = false;
	CHECK_INT(batch_bad, 0);
	CHECK_INT(quiet_mismatches, 0);
	CHECK_INT(fake_nr_bad_frees, 0);
	CHECK(walk_agrees(&w, 0, ~0UL));
	printf("random: %d operations: map 4K %lu, map 2M %lu (+%lu refused: -EEXIST), unmap %lu, change_prot %lu; %lu splits; %lu pages in 2M leaves at epoch ends\n",
	       RANDOM_OPS, counts[0], counts[1], counts[2], counts[3], counts[4], nr_splits,
	       mapped_2m_pages);
	free(w.e);
}

/* ------------------------------------------------------------------- the entry-flag table */

static void flags_is(unsigned long e, enum pt_level level, const char *want)
{
	char buf[128];
	int n = pte_flags_string(e, level, buf, sizeof(buf));

	if (!check(!strcmp(buf, want) && n == (int)strlen(want), "pte_flags_string", __FILE__,
		   __LINE__))
		printf("     0x%016lx at %s: \"%s\" (%d), want \"%s\"\n", e, pt_level_name[level],
		       buf, n, want);
}

static const struct pte_bit_desc *bit_named(const char *name)
{
	for (unsigned int i = 0; i < nr_pte_bits; i++)
		if (!strcmp(pte_bits[i].name, name))
			return &pte_bits[i];
	return NULL;
}

static void pgtable_test_pte_bits(void)
{
	/* x86-64 entry bits (linux-formats.md §2): name, bit in a pte, bit above */
	static const struct {
		const char *name;
		unsigned long pte, upper;
	} facts[] = {
		{ "P", 1UL << 0, 1UL << 0 },	{ "RW", 1UL << 1, 1UL << 1 },
		{ "USR", 1UL << 2, 1UL << 2 },	{ "PWT", 1UL << 3, 1UL << 3 },
		{ "PCD", 1UL << 4, 1UL << 4 },	{ "A", 1UL << 5, 1UL << 5 },
		{ "D", 1UL << 6, 1UL << 6 },	{ "PSE", 0, 1UL << 7 },
		{ "PAT", 1UL << 7, 1UL << 12 }, { "GLB", 1UL << 8, 1UL << 8 },
		{ "NX", 1UL << 63, 1UL << 63 }, { "PKEY", 0xfUL << 59, 0xfUL << 59 },
	};
	/* Linux ptdump's columns (linux-formats.md §3), in order */
	static const char *const columns[][2] = {
		{ "USR", "" }, { "RW", "ro" }, { "PWT", "" }, { "PCD", "" },
		{ "PSE", "" }, { "PAT", "" },  { "GLB", "" }, { "NX", "x" },
	};
	unsigned int ncol = 0;
	bool disjoint = true;
	char *small;
	int n;

	for (size_t i = 0; i < ARRAY_SIZE(facts); i++) {
		const struct pte_bit_desc *b = bit_named(facts[i].name);

		if (!CHECK(b))
			continue;
		CHECK_EQ(b->mask_pte, facts[i].pte);
		CHECK_EQ(b->mask_upper, facts[i].upper);
	}
	for (unsigned int i = 0; i < nr_pte_bits; i++) {
		for (unsigned int j = i + 1; j < nr_pte_bits; j++)
			disjoint = disjoint && !(pte_bits[i].mask_pte & pte_bits[j].mask_pte) &&
				   !(pte_bits[i].mask_upper & pte_bits[j].mask_upper);
		if (!pte_bits[i].set)
			continue;
		if (CHECK(ncol < ARRAY_SIZE(columns))) {
			CHECK_STR(pte_bits[i].set, columns[ncol][0]);
			CHECK_STR(pte_bits[i].clear, columns[ncol][1]);
		}
		ncol++;
	}
	CHECK(disjoint);
	CHECK_INT(ncol, ARRAY_SIZE(columns));

	/* where a bit means something */
	CHECK_EQ(pte_bit_mask(bit_named("PSE"), PT_PTE, 0x80), 0);
	CHECK_EQ(pte_bit_mask(bit_named("PAT"), PT_PTE, 0x80), 0x80);
	CHECK_EQ(pte_bit_mask(bit_named("PAT"), PT_PMD, 0x1e3), 0x1000);
	CHECK_EQ(pte_bit_mask(bit_named("PAT"), PT_PUD, 0x1e3), 0x1000);
	CHECK_EQ(pte_bit_mask(bit_named("PAT"), PT_PMD, 0x1063), 0);
	CHECK_EQ(pte_bit_mask(bit_named("PAT"), PT_PGD, 0x10e3), 0);
	CHECK_EQ(pte_bit_mask(bit_named("PSE"), PT_PGD, 0xe3), 0);
	CHECK_EQ(pte_bit_mask(bit_named("PSE"), PT_P4D, 0xe3), 0);
	CHECK_EQ(pte_bit_mask(bit_named("PSE"), PT_PMD, 0x63), 0x80);

	/* 2 MiB leaves; bit 12 is PAT there (the entry in the brief has bit 8 clear: no GLB) */
	flags_is(0x80000000012000e3UL, PT_PMD, "RW PSE NX P A D");
	flags_is(0x80000000012001e3UL, PT_PMD, "RW PSE GLB NX P A D");
	flags_is(0x80000000012011e3UL, PT_PMD, "RW PSE PAT GLB NX P A D");
	flags_is(0x00000000400011e3UL, PT_PUD, "RW PSE PAT GLB P A D");
	/* table pointers: bit 12 is an address bit, bit 7 nothing at pgd/p4d */
	flags_is(0x0000000012345067UL, PT_PMD, "USR RW P A D");
	flags_is(0x0000000012345063UL, PT_PUD, "RW P A D");
	flags_is(0x80000000012011e3UL, PT_PGD, "RW GLB NX P A D");
	flags_is(0x80000000012011e3UL, PT_P4D, "RW GLB NX P A D");
	/* ptes: bit 7 is PAT, bit 12 an address bit */
	flags_is(0x8000000012345163UL, PT_PTE, "RW GLB NX P A D");
	flags_is(0x80000000123451e3UL, PT_PTE, "RW PAT GLB NX P A D");
	flags_is(0x000000000000001bUL, PT_PTE, "RW PWT PCD P");
	flags_is(0x7800000000000e05UL, PT_PTE, "USR P SW1 SW2 SW3 PKEY");
	flags_is(0, PT_PTE, "");
	flags_is(0x0000000012345000UL, PT_PMD, "");
	/* a not-present pmd with PSE and bit 12: PSE is a bit; PAT only in a (present) leaf */
	flags_is(0x0000000000201080UL, PT_PMD, "PSE");

	/* a short buffer: truncated, terminated, a prefix of the full text */
	small = malloc(8);
	n = pte_flags_string(0x80000000012000e3UL, PT_PMD, small, 8);
	CHECK(n == (int)strlen(small) && n < 8 && !strncmp(small, "RW PSE NX P A D", n));
	free(small);
}

/* --------------------------------------------------------- the contracts at their edges */

/* 4-level paging: bits 63..48 copy bit 47, or the address is not canonical and maps nothing. */
static void pgtable_test_canonical(void)
{
	struct walk_log w = { 0 };
	struct pt_translation t;
	bool below = true, above = true;
	int ret;

	fresh();
	do_map(0xffff800000000000UL, 0x1000, M_4K, __PAGE_KERNEL, PAGE_SIZE);
	do_map(0x0000000000000000UL, 0x2000, M_4K, __PAGE_KERNEL, PAGE_SIZE);
	do_map(0xfffffffffffff000UL, 0x3000, M_4K, __PAGE_KERNEL, PAGE_SIZE);

	/* the non-canonical alias of a mapped page is not mapped */
	pt_translate(pgd, 0x0000800000000000UL, &t);
	if (!CHECK(!t.mapped))
		printf("     va=0x0000800000000000 translates to pa=0x%llx\n",
		       (unsigned long long)t.pa);
	pt_translate(pgd, 0x8000000000000000UL, &t);
	if (!CHECK(!t.mapped))
		printf("     va=0x8000000000000000 translates to pa=0x%llx\n",
		       (unsigned long long)t.pa);

	/* a walk whose bounds lie in the hole visits only entries whose span meets them */
	walk_logged(&w, 0x1000000000000000UL, ~0UL, -1, 0);
	for (size_t i = 0; i < w.n; i++)
		below = below && w.e[i].va >= M_KERNEL_HALF;
	if (!CHECK(below))
		printf("     walk [0x1000000000000000, ~0] visited va=0x%016lx\n", w.e[0].va);
	walk_logged(&w, 0, 0xffff000000000000UL, -1, 0);
	for (size_t i = 0; i < w.n; i++)
		above = above && w.e[i].va < M_KERNEL_HALF;
	if (!CHECK(above))
		printf("     walk [0, 0xffff000000000000] visited va=0x%016lx\n", w.e[w.n - 1].va);

	/* mapping or unmapping a non-canonical address must not touch its canonical alias */
	ret = pt_map_range(pgd, 0x0000800000001000UL, 0x4000, M_4K, PAGE_KERNEL, PAGE_SIZE);
	pt_translate(pgd, 0xffff800000001000UL, &t);
	if (!CHECK(ret == -EINVAL && !t.mapped))
		printf("     map va=0x0000800000001000: %d, and va=0xffff800000001000 %s\n", ret,
		       t.mapped ? "is now mapped" : "is not mapped");
	ret = pt_unmap_range(pgd, 0x0000800000000000UL, M_4K);
	pt_translate(pgd, 0xffff800000000000UL, &t);
	if (!CHECK(t.mapped))
		printf("     unmap va=0x0000800000000000: %d, and va=0xffff800000000000 lost its mapping\n",
		       ret);

	/* a range wrapping past 2^64 must not reach page 0 */
	pt_map_range(pgd, 0, 0x2000, M_4K, PAGE_KERNEL, PAGE_SIZE);
	ret = pt_unmap_range(pgd, 0xfffffffffffff000UL, 2 * M_4K);
	pt_translate(pgd, 0, &t);
	if (!CHECK(t.mapped))
		printf("     unmap [0xfffffffffffff000, +0x2000): %d, and va=0 lost its mapping\n",
		       ret);
	pt_map_range(pgd, 0, 0x2000, M_4K, PAGE_KERNEL, PAGE_SIZE);
	ret = pt_map_range(pgd, 0xffffffffffffe000UL, 0x5000, 3 * M_4K, PAGE_KERNEL, PAGE_SIZE);
	pt_translate(pgd, 0, &t);
	if (!CHECK(t.mapped && t.pa == 0x2000))
		printf("     map [0xffffffffffffe000, +0x3000): %d, and va=0 now maps pa=0x%llx\n",
		       ret, (unsigned long long)t.pa);
	free(w.e);
}

/*
 * pt_change_prot takes 4 KiB-style bits, as pt_map_range does: PAT is bit 7. On a 2 MiB
 * leaf that bit is PSE; PAT is bit 12. The result must not depend on whether the range
 * covers the 2 MiB page whole (changed in place) or in part (split first).
 */
static void pgtable_test_pat(void)
{
	const unsigned long a = 0xffffc90000200000UL, b = 0xffffc90000400000UL;
	const unsigned long c = 0xffffc90000600000UL;
	struct pt_translation t;

	fresh();
	do_map(a, 0x40000000, M_2M, __PAGE_KERNEL, PMD_SIZE);
	do_map(b, 0x40200000, M_2M, __PAGE_KERNEL | _PAGE_PAT, PMD_SIZE);
	do_map(c, 0x40400000, M_2M, __PAGE_KERNEL, PMD_SIZE);

	/* in part: split, then bit 7 set in the ptes */
	CHECK_INT(pt_change_prot(pgd, c, M_4K, _PAGE_PAT, 0), 0);
	pt_translate(pgd, c, &t);
	CHECK(t.mapped && t.page_size == M_4K && (t.steps[4].entry & M_B7));

	/* whole: PAT set in the 2 MiB leaf's bit 12, still a 2 MiB leaf */
	CHECK_INT(pt_change_prot(pgd, a, M_2M, _PAGE_PAT, 0), 0);
	pt_translate(pgd, a + 0x1000, &t);
	if (!CHECK(t.mapped && t.page_size == M_2M && t.pa == 0x40001000 &&
		   (t.steps[3].entry & M_B12)))
		printf("     set PAT on a whole 2 MiB page: entry 0x%016lx\n", t.steps[3].entry);

	/* whole: PAT cleared from bit 12, the page still a 2 MiB leaf at the same pa */
	CHECK_INT(pt_change_prot(pgd, b, M_2M, 0, _PAGE_PAT), 0);
	pt_translate(pgd, b + 0x1000, &t);
	if (!CHECK(t.mapped && t.page_size == M_2M && t.pa == 0x40201000 &&
		   !(t.steps[3].entry & M_B12)))
		printf("     clear PAT on a whole 2 MiB page: mapped %d, entry 0x%016lx, %d steps\n",
		       t.mapped, t.steps[3].entry, t.nr_steps);
}

/*
 * "An existing mapping of a different page or with different flags is replaced"; "an empty
 * pte table in the way of a 2 MiB one freed"; -EEXIST where 4 KiB pages are still mapped.
 */
static void pgtable_test_replace(void)
{
	const unsigned long a = 0xffffc90000200000UL, b = 0xffffc90000400000UL;
	struct walk_log w = { 0 };
	struct pt_translation t;
	unsigned long before;

	fresh();
	/* 4 KiB over 4 KiB, 4 KiB over 2 MiB (a split), 2 MiB over 2 MiB */
	CHECK_INT(do_map(a, 0x1000, 4 * M_4K, __PAGE_KERNEL, PAGE_SIZE), 0);
	CHECK_INT(do_map(a + M_4K, 0x9000, M_4K, __PAGE_KERNEL_RO, PAGE_SIZE), 0);
	CHECK_INT(do_map(b, 0x200000, M_2M, __PAGE_KERNEL, PMD_SIZE), 0);
	CHECK_INT(do_map(b, 0x400000, M_2M, __PAGE_KERNEL_RX, PMD_SIZE), 0);
	CHECK(model_agrees());

	/* 2 MiB where the 4 KiB pages were unmapped: the empty pte table goes */
	CHECK_INT(do_unmap(a, 4 * M_4K), 0);
	before = nr_pagetable_pages;
	CHECK_INT(do_map(a, 0x600000, M_2M, __PAGE_KERNEL, PMD_SIZE), 0);
	CHECK_INT(nr_pagetable_pages, before - 1);
	CHECK(fake_nr_frees == 1 && fake_nr_bad_frees == 0);
	pt_translate(pgd, a + 0x3000, &t);
	CHECK(t.mapped && t.page_size == M_2M && t.pa == 0x603000);
	CHECK(model_agrees());
	CHECK(walk_agrees(&w, 0, ~0UL)); /* nothing leads to the freed page (ASan would say) */

	/* the freed page is a table again, zeroed */
	CHECK_INT(do_map(0xffffea0000000000UL, 0x1000, M_4K, __PAGE_KERNEL, PAGE_SIZE), 0);
	CHECK(model_agrees() && walk_agrees(&w, 0, ~0UL));

	/* ... but not over 4 KiB pages still mapped: -EEXIST, and they stay */
	CHECK_INT(do_map(b + 0x5000, 0x5000, M_4K, __PAGE_KERNEL, PAGE_SIZE), 0);
	CHECK_INT(do_map(b, 0x800000, M_2M, __PAGE_KERNEL, PMD_SIZE), -EEXIST);
	CHECK(region_agrees(b, 512));
	/* several 2 MiB pages: mapped up to the first slot with live ptes */
	CHECK_INT(do_map(a - M_2M, 0xa00000, 3 * M_2M, __PAGE_KERNEL_RO, PMD_SIZE), -EEXIST);
	CHECK(region_agrees(a - M_2M, 3 * 512));
	CHECK(model_agrees());
	free(w.e);
}

/* A 1 GiB leaf (made by hand: the mapper makes none) is walked, and not silently kept. */
static void pgtable_test_1g(void)
{
	const unsigned long va = 0xffff880040000000UL;
	struct pt_translation t;
	phys_addr_t pud_table;
	int ret;

	fresh();
	do_map(va - M_1G, 0, M_2M, __PAGE_KERNEL, PMD_SIZE); /* the pud table */
	pt_translate(pgd, va, &t);
	pud_table = t.steps[2].table_pa;
	fake_set_entry(pud_table, (va >> 30) & 511,
		       0x0000000080000000UL | _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE | M_B12);
	pt_translate(pgd, va + 0x12345678, &t);
	CHECK(t.mapped && t.page_size == M_1G && t.pa == 0x92345678UL && t.nr_steps == 3 &&
	      t.steps[2].leaf);

	ret = pt_unmap_range(pgd, va, M_1G);
	pt_translate(pgd, va, &t);
	if (!CHECK(ret != 0 || !t.mapped))
		printf("     unmap of a whole 1 GiB page returned 0 and left it mapped\n");
	ret = pt_unmap_range(pgd, va + M_2M, M_4K);
	pt_translate(pgd, va + M_2M, &t);
	if (!CHECK(ret != 0 || !t.mapped))
		printf("     unmap of 4 KiB inside a 1 GiB page returned 0 and left it mapped\n");
}

/* -------------------------------------------------------------------- main */

static void (*const pgtable_test_cases[])(void) = {
	pgtable_test_spread,   pgtable_test_unreadable,
	pgtable_test_walk,     pgtable_test_split,
	pgtable_test_unmap,    pgtable_test_einval,
	pgtable_test_enomem,   pgtable_test_random,
	pgtable_test_pte_bits, pgtable_test_canonical,
	pgtable_test_pat,      pgtable_test_replace,
	pgtable_test_1g,       NULL,
};

int main(void)
{
	mh_init(&M.pages, 18);
	mh_init(&M.tables, 14);
	for (unsigned int i = 0; pgtable_test_cases[i]; i++)
		pgtable_test_cases[i]();
	free(M.pages.v);
	free(M.tables.v);
	free(fake_mem);
	return check_summary("pgtable");
}
