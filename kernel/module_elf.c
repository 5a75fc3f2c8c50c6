// SPDX-License-Identifier: GPL-2.0
/*
 * The module loader's ELF core: validation, layout, relocation (see module_elf.h).
 *
 * Every offset, size and index in the file is checked against the file before it is used,
 * so a truncated or corrupted module is refused with a reason, never read out of bounds.
 * Relocations are applied to a copy (image) whose run address is base; a value that does not
 * fit its field is refused, naming the relocation type.
 */
#include <linux/errno.h>
#include <linux/string.h>
#include "module_elf.h"

/* x rounded up to a power of two a (linux/kernel.h's ALIGN; this file also builds on the host) */
static unsigned long align_up(unsigned long x, unsigned long a)
{
	return (x + a - 1) & ~(a - 1);
}

static int mod_elf_fail(struct mod_elf *me, const char *reason, const char *name)
{
	me->err.reason = reason;
	me->err.name = name;
	me->err.value = -1;
	return -ENOEXEC;
}

/* Is [off, off + size) inside a file of len bytes (without overflow)? */
static bool in_file(const struct mod_elf *me, u64 off, u64 size)
{
	return off <= me->len && size <= me->len - off;
}

/* A NUL-terminated string table of a section in the file. */
static bool strtab_ok(const struct mod_elf *me, const Elf64_Shdr *s)
{
	return s->sh_type == SHT_STRTAB && s->sh_size &&
	       me->file[s->sh_offset + s->sh_size - 1] == 0;
}

static const char *sec_name(const struct mod_elf *me, unsigned int i)
{
	return me->secstrings + me->sechdrs[i].sh_name;
}

const char *mod_elf_rel_name(u32 type)
{
	switch (type) {
	case R_X86_64_NONE:
		return "R_X86_64_NONE";
	case R_X86_64_64:
		return "R_X86_64_64";
	case R_X86_64_PC32:
		return "R_X86_64_PC32";
	case R_X86_64_PLT32:
		return "R_X86_64_PLT32";
	case R_X86_64_32:
		return "R_X86_64_32";
	case R_X86_64_32S:
		return "R_X86_64_32S";
	}
	return NULL;
}

static unsigned int rel_width(u32 type)
{
	return type == R_X86_64_64 ? 8 : type == R_X86_64_NONE ? 0 : 4;
}

/* The ELF header and the section header table. */
static int check_header(struct mod_elf *me)
{
	const Elf64_Ehdr *h = me->hdr;

	if (me->len < sizeof(*h) || memcmp(h->e_ident, ELFMAG, SELFMAG))
		return mod_elf_fail(me, "not an ELF file", NULL);
	if (h->e_ident[EI_CLASS] != ELFCLASS64 || h->e_ident[EI_DATA] != ELFDATA2LSB)
		return mod_elf_fail(me, "not ELFCLASS64 little-endian", NULL);
	if (h->e_machine != EM_X86_64)
		return mod_elf_fail(me, "not EM_X86_64", NULL);
	if (h->e_type != ET_REL)
		return mod_elf_fail(me, "not a relocatable object (ET_REL)", NULL);
	if (h->e_shentsize != sizeof(Elf64_Shdr) || !h->e_shnum)
		return mod_elf_fail(me, "bad section header size or count", NULL);
	if (h->e_shnum > MOD_ELF_MAX_SECTIONS)
		return mod_elf_fail(me, "too many sections", NULL);
	if (!in_file(me, h->e_shoff, (u64)h->e_shnum * sizeof(Elf64_Shdr)) || h->e_shoff % 8)
		return mod_elf_fail(me, "section headers outside the file", NULL);
	me->sechdrs = (const Elf64_Shdr *)(me->file + h->e_shoff);
	me->shnum = h->e_shnum;
	if (h->e_shstrndx == SHN_UNDEF || h->e_shstrndx >= me->shnum)
		return mod_elf_fail(me, "bad section name table index", NULL);
	return 0;
}

/* Every section: contents in the file, name in the table, sane alignment and flags. */
static int check_sections(struct mod_elf *me)
{
	const Elf64_Shdr *shstr = &me->sechdrs[me->hdr->e_shstrndx];

	for (unsigned int i = 0; i < me->shnum; i++) {
		const Elf64_Shdr *s = &me->sechdrs[i];

		if (s->sh_type != SHT_NOBITS && !in_file(me, s->sh_offset, s->sh_size))
			return mod_elf_fail(me, "section contents outside the file", NULL);
	}
	if (!strtab_ok(me, shstr))
		return mod_elf_fail(me, "bad section name table", NULL);
	me->secstrings = (const char *)me->file + shstr->sh_offset;
	me->secstrings_size = shstr->sh_size;
	me->symndx = 0;
	for (unsigned int i = 1; i < me->shnum; i++) {
		const Elf64_Shdr *s = &me->sechdrs[i];

		if (s->sh_name >= me->secstrings_size)
			return mod_elf_fail(me, "section name outside the name table", NULL);
		if (s->sh_addralign & (s->sh_addralign - 1) || s->sh_addralign > MOD_ELF_PAGE_SIZE)
			return mod_elf_fail(me, "bad section alignment", sec_name(me, i));
		if ((s->sh_flags & (SHF_WRITE | SHF_EXECINSTR)) == (SHF_WRITE | SHF_EXECINSTR))
			return mod_elf_fail(me, "writable and executable section", sec_name(me, i));
		if (s->sh_type == SHT_REL)
			return mod_elf_fail(me, "SHT_REL section (only SHT_RELA is supported)",
					    sec_name(me, i));
		if (s->sh_type == SHT_SYMTAB) {
			if (me->symndx)
				return mod_elf_fail(me, "more than one symbol table", NULL);
			me->symndx = i;
		}
	}
	if (!me->symndx)
		return mod_elf_fail(me, "no symbol table", NULL);
	return 0;
}

/* The symbol table, its string table and every symbol's name and section. */
static int check_symbols(struct mod_elf *me)
{
	const Elf64_Shdr *s = &me->sechdrs[me->symndx];
	const Elf64_Shdr *str;

	if (s->sh_entsize != sizeof(Elf64_Sym) || s->sh_size % sizeof(Elf64_Sym) || !s->sh_size ||
	    s->sh_offset % 8)
		return mod_elf_fail(me, "bad symbol table size", NULL);
	if (s->sh_link == SHN_UNDEF || s->sh_link >= me->shnum ||
	    !strtab_ok(me, &me->sechdrs[s->sh_link]))
		return mod_elf_fail(me, "bad symbol string table", NULL);
	str = &me->sechdrs[s->sh_link];
	me->syms = (const Elf64_Sym *)(me->file + s->sh_offset);
	me->nsyms = s->sh_size / sizeof(Elf64_Sym);
	me->strtab = (const char *)me->file + str->sh_offset;
	me->strtab_size = str->sh_size;
	for (unsigned int i = 1; i < me->nsyms; i++) {
		const Elf64_Sym *sym = &me->syms[i];
		u16 sh = sym->st_shndx;

		if (sym->st_name >= me->strtab_size)
			return mod_elf_fail(me, "symbol name outside the string table", NULL);
		if (sh == SHN_COMMON)
			return mod_elf_fail(me, "common symbol (build with -fno-common)",
					    me->strtab + sym->st_name);
		if (sh != SHN_UNDEF && sh != SHN_ABS && sh >= me->shnum)
			return mod_elf_fail(me, "symbol in a bad section",
					    me->strtab + sym->st_name);
		if (sh != SHN_UNDEF && sh < me->shnum && (me->sechdrs[sh].sh_flags & SHF_ALLOC) &&
		    sym->st_value > me->sechdrs[sh].sh_size)
			return mod_elf_fail(me, "symbol outside its section",
					    me->strtab + sym->st_name);
	}
	return 0;
}

/* One SHT_RELA section: table shape, target section, every entry's symbol, type and place. */
static int check_rela(struct mod_elf *me, unsigned int i)
{
	const Elf64_Shdr *s = &me->sechdrs[i];
	const Elf64_Rela *rel;
	const Elf64_Shdr *target;

	if (s->sh_entsize != sizeof(Elf64_Rela) || s->sh_size % sizeof(Elf64_Rela) ||
	    s->sh_offset % 8)
		return mod_elf_fail(me, "bad relocation table size", sec_name(me, i));
	if (s->sh_link != me->symndx || s->sh_info == SHN_UNDEF || s->sh_info >= me->shnum)
		return mod_elf_fail(me, "bad relocation section link", sec_name(me, i));
	target = &me->sechdrs[s->sh_info];
	rel = (const Elf64_Rela *)(me->file + s->sh_offset);
	for (u64 j = 0; j < s->sh_size / sizeof(*rel); j++) {
		u32 type = ELF64_R_TYPE(rel[j].r_info);

		if (!mod_elf_rel_name(type)) {
			mod_elf_fail(me, "unknown relocation type", sec_name(me, i));
			me->err.value = type;
			return -ENOEXEC;
		}
		if (ELF64_R_SYM(rel[j].r_info) >= me->nsyms)
			return mod_elf_fail(me, "relocation symbol index out of range",
					    sec_name(me, i));
		if (rel[j].r_offset > target->sh_size ||
		    target->sh_size - rel[j].r_offset < rel_width(type))
			return mod_elf_fail(me, "relocation outside its section", sec_name(me, i));
	}
	return 0;
}

int mod_elf_check(struct mod_elf *me, const void *file, size_t len)
{
	int err;

	memset(me, 0, sizeof(*me));
	me->file = file;
	me->len = len;
	me->hdr = file;
	err = check_header(me);
	if (!err)
		err = check_sections(me);
	if (!err)
		err = check_symbols(me);
	for (unsigned int i = 1; !err && i < me->shnum; i++)
		if (me->sechdrs[i].sh_type == SHT_RELA)
			err = check_rela(me, i);
	return err;
}

/* The group of an SHF_ALLOC section: 0 text, 1 rodata, 2 data/bss. */
static int sec_group(const Elf64_Shdr *s)
{
	if (s->sh_flags & SHF_EXECINSTR)
		return 0;
	return s->sh_flags & SHF_WRITE ? 2 : 1;
}

/* Place the group's sections from off; returns the end offset. */
static unsigned long place_group(struct mod_elf *me, int group, unsigned long off)
{
	for (unsigned int i = 1; i < me->shnum; i++) {
		const Elf64_Shdr *s = &me->sechdrs[i];

		if (!(s->sh_flags & SHF_ALLOC) || sec_group(s) != group)
			continue;
		off = align_up(off, s->sh_addralign ? s->sh_addralign : 1);
		me->sec_off[i] = off;
		off += s->sh_size;
	}
	return off;
}

void mod_elf_layout(struct mod_elf *me, unsigned long extra_rw)
{
	struct mod_elf_layout *l = &me->layout;
	unsigned long off;

	l->text_size = align_up(place_group(me, 0, 0), MOD_ELF_PAGE_SIZE);
	l->ro_off = l->text_size;
	off = align_up(place_group(me, 1, l->ro_off), 8);
	l->symtab_off = off;
	off += me->nsyms * sizeof(Elf64_Sym);
	l->strtab_off = off;
	off += me->strtab_size;
	l->shstrtab_off = off;
	off += me->secstrings_size;
	l->ro_size = align_up(off, MOD_ELF_PAGE_SIZE) - l->ro_off;
	l->rw_off = l->ro_off + l->ro_size;
	l->extra_off = align_up(place_group(me, 2, l->rw_off), 64);
	l->rw_size = align_up(l->extra_off + extra_rw, MOD_ELF_PAGE_SIZE) - l->rw_off;
	l->size = l->rw_off + l->rw_size;
}

/* Give every symbol of the image's copy its run address; undefined ones through resolve. */
static int resolve_symbols(struct mod_elf *me, Elf64_Sym *syms, unsigned long base,
			   mod_elf_resolve_t resolve, void *ctx)
{
	for (unsigned int i = 1; i < me->nsyms; i++) {
		Elf64_Sym *sym = &syms[i];
		const char *name = me->strtab + sym->st_name;

		if (sym->st_shndx == SHN_UNDEF) {
			unsigned long v = resolve(name, ctx);

			if (!v && ELF64_ST_BIND(sym->st_info) != STB_WEAK) {
				mod_elf_fail(me, "unknown symbol", name);
				return -ENOENT;
			}
			sym->st_value = v;
			sym->st_shndx = SHN_ABS;
		} else if (sym->st_shndx != SHN_ABS) {
			if (me->sechdrs[sym->st_shndx].sh_flags & SHF_ALLOC)
				sym->st_value += base + me->sec_off[sym->st_shndx];
		}
	}
	return 0;
}

/* Apply one relocation section to image; syms hold the run addresses. */
static int apply_rela(struct mod_elf *me, unsigned int i, u8 *image, unsigned long base,
		      const Elf64_Sym *syms)
{
	const Elf64_Shdr *s = &me->sechdrs[i];
	const Elf64_Rela *rel = (const Elf64_Rela *)(me->file + s->sh_offset);
	unsigned long target = me->sec_off[s->sh_info];

	for (u64 j = 0; j < s->sh_size / sizeof(*rel); j++) {
		u32 type = ELF64_R_TYPE(rel[j].r_info);
		u8 *loc = image + target + rel[j].r_offset;
		u64 p = base + target + rel[j].r_offset;
		u64 v = syms[ELF64_R_SYM(rel[j].r_info)].st_value + rel[j].r_addend;
		u32 v32;
		bool fits;

		switch (type) {
		case R_X86_64_NONE:
			continue;
		case R_X86_64_64:
			memcpy(loc, &v, 8);
			continue;
		case R_X86_64_32:
			fits = v == (u32)v;
			break;
		case R_X86_64_32S:
			fits = (s64)v == (s32)v;
			break;
		default: /* PC32, PLT32: no PLT, the target is within +-2 GiB or it is an error */
			v -= p;
			fits = (s64)v == (s32)v;
			break;
		}
		if (!fits) {
			mod_elf_fail(me, "relocation value out of range", mod_elf_rel_name(type));
			return -ERANGE;
		}
		v32 = (u32)v;
		memcpy(loc, &v32, 4);
	}
	return 0;
}

int mod_elf_load(struct mod_elf *me, void *image, unsigned long base, mod_elf_resolve_t resolve,
		 void *ctx)
{
	const struct mod_elf_layout *l = &me->layout;
	u8 *img = image;
	Elf64_Sym *syms = (Elf64_Sym *)(img + l->symtab_off);
	int err;

	memset(img, 0, l->size);
	for (unsigned int i = 1; i < me->shnum; i++) {
		const Elf64_Shdr *s = &me->sechdrs[i];

		if ((s->sh_flags & SHF_ALLOC) && s->sh_type != SHT_NOBITS)
			memcpy(img + me->sec_off[i], me->file + s->sh_offset, s->sh_size);
	}
	memcpy(syms, me->syms, me->nsyms * sizeof(Elf64_Sym));
	memcpy(img + l->strtab_off, me->strtab, me->strtab_size);
	memcpy(img + l->shstrtab_off, me->secstrings, me->secstrings_size);
	err = resolve_symbols(me, syms, base, resolve, ctx);
	for (unsigned int i = 1; !err && i < me->shnum; i++) {
		const Elf64_Shdr *s = &me->sechdrs[i];

		/* Relocations of non-allocated sections (.debug_*) are for the debugger. */
		if (s->sh_type == SHT_RELA && (me->sechdrs[s->sh_info].sh_flags & SHF_ALLOC))
			err = apply_rela(me, i, img, base, syms);
	}
	return err;
}

long mod_elf_find(const struct mod_elf *me, const char *name, u64 *size)
{
	for (unsigned int i = 1; i < me->nsyms; i++) {
		const Elf64_Sym *sym = &me->syms[i];

		if (ELF64_ST_BIND(sym->st_info) == STB_LOCAL || sym->st_shndx == SHN_UNDEF ||
		    sym->st_shndx >= me->shnum ||
		    !(me->sechdrs[sym->st_shndx].sh_flags & SHF_ALLOC))
			continue;
		if (strcmp(me->strtab + sym->st_name, name))
			continue;
		if (size)
			*size = sym->st_size;
		return me->sec_off[sym->st_shndx] + sym->st_value;
	}
	return -1;
}
