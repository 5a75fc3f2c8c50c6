// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for kernel/module_elf.c (the module loader's ELF core), built with ASan and
 * UBSan, on the sample modules the build made ($(O)/modules/NAME.ko, found beside the
 * vmlinux.bin given as argv[1]):
 *
 *   - each sample is accepted, laid out in page-aligned groups and relocated for a load
 *     address; every applied relocation is recomputed here and compared;
 *   - every truncation is refused; a case table corrupts one field at a time and expects the
 *     matching reason; unknown symbols and values that do not fit are refused by name;
 *   - a fuzz loop mutates the headers, symbols and relocations; each copy lives in an
 *     exactly-sized heap block and the image too, so any stray read or write trips ASan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libgen.h>

#undef __always_inline
#include "../../kernel/module_elf.c"

#include "check.h"

#define FUZZ_ITERATIONS 20000
#define MOD_BASE 0xffffffffa0000000UL
#define KERNEL_TEXT 0xffffffff81000000UL

struct blob {
	u8 *data;
	size_t len;
};

static struct blob read_file(const char *path)
{
	struct blob b = { NULL, 0 };
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "module_test: cannot open %s\n", path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	b.len = ftell(f);
	fseek(f, 0, SEEK_SET);
	b.data = malloc(b.len);
	if (fread(b.data, 1, b.len, f) != b.len)
		exit(2);
	fclose(f);
	return b;
}

/* A heap copy of exactly len bytes, so ASan catches any read past the end. */
static u8 *exact_copy(const u8 *p, size_t len)
{
	u8 *c = malloc(len ? len : 1);

	memcpy(c, p, len);
	return c;
}

/* The kernel's exports, as the test pretends them: known names at fake text addresses. */
static const char *const exports[] = { "printk",
				       "con_printf",
				       "memcpy",
				       "memset",
				       "strlen",
				       "strcmp",
				       "strncmp",
				       "strlcpy",
				       "str_has_prefix",
				       "kstrtoul",
				       "kmalloc",
				       "kfree",
				       "kmem_cache_create",
				       "kmem_cache_destroy",
				       "kmem_cache_alloc",
				       "kmem_cache_free",
				       "monitor_register_cmd",
				       "monitor_unregister_cmd",
				       NULL };

static unsigned long resolve_fake(const char *name, void *ctx)
{
	const char *missing = ctx;

	if (missing && !strcmp(name, missing))
		return 0;
	for (int i = 0; exports[i]; i++)
		if (!strcmp(exports[i], name))
			return KERNEL_TEXT + 0x100 * (i + 1);
	return 0;
}

/* Everything resolves far away from the module space (PC32 cannot reach). */
static unsigned long resolve_far(const char *name, void *ctx)
{
	(void)name;
	(void)ctx;
	return 0x00007fff00000000UL;
}

static int section_by_name(const struct mod_elf *me, const char *name)
{
	for (unsigned int i = 1; i < me->shnum; i++)
		if (!strcmp(me->secstrings + me->sechdrs[i].sh_name, name))
			return i;
	return -1;
}

/*
 * Check, lay out and load a copy into an exactly-sized image; returns the result. The copy
 * lives until the next call: me->err.name points into it.
 */
static int load_copy(const u8 *file, size_t len, unsigned long base, mod_elf_resolve_t resolve,
		     void *ctx, struct mod_elf *me)
{
	static u8 *copy;
	u8 *image;
	int err;

	free(copy);
	copy = exact_copy(file, len);
	err = mod_elf_check(me, copy, len);
	if (err)
		return err;
	mod_elf_layout(me, 200);
	image = malloc(me->layout.size);
	err = mod_elf_load(me, image, base, resolve, ctx);
	free(image);
	return err;
}

/* Recompute every relocation the core applied, from the file and the image's symbols. */
static void check_relocations(const struct mod_elf *me, const u8 *image, unsigned long base)
{
	const Elf64_Sym *syms = (const Elf64_Sym *)(image + me->layout.symtab_off);
	unsigned int applied = 0;

	for (unsigned int i = 1; i < me->shnum; i++) {
		const Elf64_Shdr *s = &me->sechdrs[i];
		const Elf64_Rela *rel = (const Elf64_Rela *)(me->file + s->sh_offset);

		if (s->sh_type != SHT_RELA || !(me->sechdrs[s->sh_info].sh_flags & SHF_ALLOC))
			continue;
		for (u64 j = 0; j < s->sh_size / sizeof(*rel); j++) {
			unsigned long place = me->sec_off[s->sh_info] + rel[j].r_offset;
			u64 v = syms[ELF64_R_SYM(rel[j].r_info)].st_value + rel[j].r_addend;
			u64 got64 = 0;
			u32 got32 = 0;

			switch (ELF64_R_TYPE(rel[j].r_info)) {
			case R_X86_64_64:
				memcpy(&got64, image + place, 8);
				CHECK_EQ(got64, v);
				break;
			case R_X86_64_PC32:
			case R_X86_64_PLT32:
				memcpy(&got32, image + place, 4);
				CHECK_EQ(got32, (u32)(v - (base + place)));
				break;
			default:
				memcpy(&got32, image + place, 4);
				CHECK_EQ(got32, (u32)v);
				break;
			}
			applied++;
		}
	}
	CHECK(applied > 0);
}

static void test_sample(const char *path)
{
	struct blob b = read_file(path);
	struct mod_elf me;
	u8 *image = NULL;
	u8 *copy = exact_copy(b.data, b.len);
	const struct mod_elf_layout *l = &me.layout;
	long init;

	CHECK_INT(mod_elf_check(&me, copy, b.len), 0);
	mod_elf_layout(&me, 200);
	CHECK_EQ(l->text_size % MOD_ELF_PAGE_SIZE, 0);
	CHECK_EQ(l->ro_off, l->text_size);
	CHECK_EQ(l->rw_off, l->ro_off + l->ro_size);
	CHECK_EQ(l->size, l->rw_off + l->rw_size);
	CHECK_EQ(l->size % MOD_ELF_PAGE_SIZE, 0);
	CHECK(l->extra_off + 200 <= l->size);
	init = mod_elf_find(&me, "init_module", NULL);
	CHECK(init >= 0 && (unsigned long)init < l->text_size);
	CHECK(mod_elf_find(&me, "cleanup_module", NULL) >= 0);
	CHECK(mod_elf_find(&me, "no_such_symbol", NULL) == -1);
	/* every allocated section inside its group */
	for (unsigned int i = 1; i < me.shnum; i++) {
		const Elf64_Shdr *s = &me.sechdrs[i];

		if (!(s->sh_flags & SHF_ALLOC))
			continue;
		if (s->sh_flags & SHF_EXECINSTR)
			CHECK(me.sec_off[i] + s->sh_size <= l->text_size);
		else if (s->sh_flags & SHF_WRITE)
			CHECK(me.sec_off[i] >= l->rw_off &&
			      me.sec_off[i] + s->sh_size <= l->extra_off);
		else
			CHECK(me.sec_off[i] >= l->ro_off &&
			      me.sec_off[i] + s->sh_size <= l->symtab_off);
	}
	image = malloc(l->size);
	CHECK_INT(mod_elf_load(&me, image, MOD_BASE, resolve_fake, NULL), 0);
	check_relocations(&me, image, MOD_BASE);
	/* the text copied, relocated fields aside: the first byte of init_module is code */
	CHECK(section_by_name(&me, ".text") > 0);
	free(image);

	/* unknown symbol, named */
	CHECK_INT(load_copy(b.data, b.len, MOD_BASE, resolve_fake, "printk", &me), -ENOENT);
	CHECK_STR(me.err.reason, "unknown symbol");
	CHECK_STR(me.err.name, "printk");
	/* a call target out of PC32 range */
	CHECK_INT(load_copy(b.data, b.len, MOD_BASE, resolve_far, NULL, &me), -ERANGE);
	CHECK_STR(me.err.reason, "relocation value out of range");
	CHECK(me.err.name && !strncmp(me.err.name, "R_X86_64_P", 10));
	/* loaded above 4 GiB, below -2 GiB: absolute 32-bit references cannot hold the address */
	CHECK_INT(load_copy(b.data, b.len, 0x0000100000000000UL, resolve_fake, NULL, &me), -ERANGE);
	CHECK(me.err.name && !strncmp(me.err.name, "R_X86_64_32", 11));

	/* every truncation refused, never read past the end */
	for (size_t len = 0; len < b.len; len++) {
		u8 *t = exact_copy(b.data, len);

		if (!CHECK_INT(mod_elf_check(&me, t, len), -ENOEXEC))
			printf("     truncated to %zu bytes\n", len);
		free(t);
	}
	free(copy);
	free(b.data);
}

/* ------------------------------------------------------------------ corruption table */

struct corrupt_case {
	const char *what;
	void (*corrupt)(u8 *file, struct mod_elf *me);
	const char *reason;
};

#define SH(me, i) ((Elf64_Shdr *)&(me)->sechdrs[i])
#define EHDR(f) ((Elf64_Ehdr *)(f))

static Elf64_Shdr *rela_text(struct mod_elf *me)
{
	return SH(me, section_by_name(me, ".rela.text"));
}

static Elf64_Rela *first_rela(u8 *f, struct mod_elf *me)
{
	return (Elf64_Rela *)(f + rela_text(me)->sh_offset);
}

static Elf64_Sym *last_sym(u8 *f, struct mod_elf *me)
{
	return (Elf64_Sym *)(f + SH(me, me->symndx)->sh_offset) + me->nsyms - 1;
}

static void c_magic(u8 *f, struct mod_elf *me)
{
	(void)me;
	f[1] = 'X';
}
static void c_class(u8 *f, struct mod_elf *me)
{
	(void)me;
	f[EI_CLASS] = 1;
}
static void c_machine(u8 *f, struct mod_elf *me)
{
	(void)me;
	EHDR(f)->e_machine = 3;
}
static void c_type(u8 *f, struct mod_elf *me)
{
	(void)me;
	EHDR(f)->e_type = ET_EXEC;
}
static void c_shentsize(u8 *f, struct mod_elf *me)
{
	(void)me;
	EHDR(f)->e_shentsize = 40;
}
static void c_shoff(u8 *f, struct mod_elf *me)
{
	EHDR(f)->e_shoff = me->len - 8;
}
static void c_shoff_huge(u8 *f, struct mod_elf *me)
{
	(void)me;
	EHDR(f)->e_shoff = ~0UL - 7;
}
static void c_shnum(u8 *f, struct mod_elf *me)
{
	(void)me;
	EHDR(f)->e_shnum = 200;
}
static void c_shstrndx(u8 *f, struct mod_elf *me)
{
	EHDR(f)->e_shstrndx = me->shnum;
}
static void c_sec_offset(u8 *f, struct mod_elf *me)
{
	(void)f;
	SH(me, section_by_name(me, ".text"))->sh_offset = me->len;
}
static void c_sec_size(u8 *f, struct mod_elf *me)
{
	(void)f;
	SH(me, section_by_name(me, ".text"))->sh_size = ~0UL;
}
static void c_sec_name(u8 *f, struct mod_elf *me)
{
	(void)f;
	SH(me, section_by_name(me, ".text"))->sh_name = 0x7fffffff;
}
static void c_align(u8 *f, struct mod_elf *me)
{
	(void)f;
	SH(me, section_by_name(me, ".text"))->sh_addralign = 24;
}
static void c_wx(u8 *f, struct mod_elf *me)
{
	(void)f;
	SH(me, section_by_name(me, ".text"))->sh_flags |= SHF_WRITE;
}
static void c_symtab_link(u8 *f, struct mod_elf *me)
{
	(void)f;
	SH(me, me->symndx)->sh_link = me->shnum + 3;
}
static void c_sym_name(u8 *f, struct mod_elf *me)
{
	last_sym(f, me)->st_name = 0x7fffffff;
}
static void c_sym_shndx(u8 *f, struct mod_elf *me)
{
	last_sym(f, me)->st_shndx = me->shnum;
}
static void c_rel_type(u8 *f, struct mod_elf *me)
{
	Elf64_Rela *r = first_rela(f, me);

	r->r_info = ELF64_R_INFO(ELF64_R_SYM(r->r_info), 37); /* R_X86_64_GOTPC32_TLSDESC... */
}
static void c_rel_sym(u8 *f, struct mod_elf *me)
{
	Elf64_Rela *r = first_rela(f, me);

	r->r_info = ELF64_R_INFO(me->nsyms, ELF64_R_TYPE(r->r_info));
}
static void c_rel_offset(u8 *f, struct mod_elf *me)
{
	first_rela(f, me)->r_offset = ~0UL - 2;
}
static void c_rel_info(u8 *f, struct mod_elf *me)
{
	(void)f;
	rela_text(me)->sh_info = 999;
}
static void c_rel_type_rel(u8 *f, struct mod_elf *me)
{
	(void)f;
	rela_text(me)->sh_type = SHT_REL;
}
static void c_rel_entsize(u8 *f, struct mod_elf *me)
{
	(void)f;
	rela_text(me)->sh_entsize = 16;
}

static const struct corrupt_case corrupt_cases[] = {
	{ "bad magic", c_magic, "not an ELF file" },
	{ "ELFCLASS32", c_class, "not ELFCLASS64 little-endian" },
	{ "EM_386", c_machine, "not EM_X86_64" },
	{ "ET_EXEC", c_type, "not a relocatable object (ET_REL)" },
	{ "shentsize", c_shentsize, "bad section header size or count" },
	{ "shoff near the end", c_shoff, "section headers outside the file" },
	{ "shoff overflowing", c_shoff_huge, "section headers outside the file" },
	{ "200 sections", c_shnum, "too many sections" },
	{ "shstrndx", c_shstrndx, "bad section name table index" },
	{ ".text offset", c_sec_offset, "section contents outside the file" },
	{ ".text size", c_sec_size, "section contents outside the file" },
	{ ".text name", c_sec_name, "section name outside the name table" },
	{ ".text alignment", c_align, "bad section alignment" },
	{ ".text W+X", c_wx, "writable and executable section" },
	{ "symtab link", c_symtab_link, "bad symbol string table" },
	{ "symbol name", c_sym_name, "symbol name outside the string table" },
	{ "symbol section", c_sym_shndx, "symbol in a bad section" },
	{ "relocation type", c_rel_type, "unknown relocation type" },
	{ "relocation symbol", c_rel_sym, "relocation symbol index out of range" },
	{ "relocation offset", c_rel_offset, "relocation outside its section" },
	{ "relocation target", c_rel_info, "bad relocation section link" },
	{ "SHT_REL", c_rel_type_rel, "SHT_REL section (only SHT_RELA is supported)" },
	{ "relocation entsize", c_rel_entsize, "bad relocation table size" },
	{}
};

static void test_corruptions(const char *path)
{
	struct blob b = read_file(path);

	for (const struct corrupt_case *c = corrupt_cases; c->what; c++) {
		u8 *f = exact_copy(b.data, b.len);
		struct mod_elf me;

		if (mod_elf_check(&me, f, b.len)) {
			CHECK(!"sample refused before corruption");
			continue;
		}
		c->corrupt(f, &me);
		if (!CHECK_INT(mod_elf_check(&me, f, b.len), -ENOEXEC) ||
		    !CHECK_STR(me.err.reason, c->reason))
			printf("     case: %s\n", c->what);
		if (c->corrupt == c_rel_type)
			CHECK_INT(me.err.value, 37);
		free(f);
	}
	free(b.data);
}

/* ------------------------------------------------------------------ fuzz */

static unsigned long long rng = 0x6d6f64756c65ULL;

static unsigned long next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Mutate header, section table, symbols and relocations; whatever passes must load cleanly. */
static void test_fuzz(const char *path)
{
	struct blob b = read_file(path);
	struct mod_elf me;
	unsigned long accepted = 0, refused = 0;

	mod_elf_check(&me, b.data, b.len);
	unsigned long shoff = EHDR(b.data)->e_shoff;
	unsigned long symoff = me.sechdrs[me.symndx].sh_offset;
	unsigned long reloff = me.sechdrs[section_by_name(&me, ".rela.text")].sh_offset;

	for (int it = 0; it < FUZZ_ITERATIONS; it++) {
		u8 *f = exact_copy(b.data, b.len);
		int flips = 1 + next_rand() % 4;

		for (int k = 0; k < flips; k++) {
			unsigned long where[] = { next_rand() % 64,
						  shoff + next_rand() % (me.shnum * 64),
						  symoff + next_rand() % (me.nsyms * 24),
						  reloff + next_rand() % 240 };
			unsigned long at = where[next_rand() % 4];

			if (at < b.len)
				f[at] = next_rand();
		}
		struct mod_elf fm;

		if (mod_elf_check(&fm, f, b.len) == 0) {
			u8 *image;

			mod_elf_layout(&fm, 64);
			if (fm.layout.size < (64UL << 20)) {
				image = malloc(fm.layout.size);
				mod_elf_load(&fm, image, MOD_BASE, resolve_fake, NULL);
				free(image);
			}
			accepted++;
		} else {
			CHECK(fm.err.reason != NULL);
			refused++;
		}
		free(f);
	}
	CHECK(refused > 0);
	printf("  fuzz %s: %lu accepted, %lu refused\n", basename((char *)path), accepted, refused);
	free(b.data);
}

int main(int argc, char **argv)
{
	static const char *const samples[] = { "hello", "slabby", "cmdmod", NULL };
	char dir[4096], path[4200];

	if (argc < 2) {
		fprintf(stderr, "usage: %s BUILD/vmlinux.bin\n", argv[0]);
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	for (int i = 0; samples[i]; i++) {
		snprintf(path, sizeof(path), "%s/modules/%s.ko", dirname(dir), samples[i]);
		snprintf(dir, sizeof(dir), "%s", argv[1]);
		test_sample(path);
		test_corruptions(path);
		if (i == 0)
			test_fuzz(path);
	}
	return check_summary("module_test");
}
