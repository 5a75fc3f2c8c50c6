/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module loader's pure core (kernel/module_elf.c): validate an ELF64 relocatable object,
 * lay its sections out in three page-aligned groups, copy them into an image and relocate
 * them for a load address. No allocation, no mapping, no printing: kernel/module.c does those,
 * and tests/host/module_test.c runs this file unchanged on the host under ASan.
 */
#ifndef _KERNEL_MODULE_ELF_H
#define _KERNEL_MODULE_ELF_H

#include <linux/types.h>
#include <linux/elf.h>

/* Sections a module may have; more is refused (gcc -c gives ~25 with -g). */
#define MOD_ELF_MAX_SECTIONS 64
#define MOD_ELF_PAGE_SIZE 4096UL

/* Why a module was refused: a fixed reason, and the name it concerns (or NULL). */
struct mod_elf_error {
	const char *reason;
	const char *name; /* a symbol, a section or a relocation type */
	long value; /* a number the reason names (an unknown relocation type), or -1 */
};

/* Where each group starts in the image, and the image size; all page-aligned. */
struct mod_elf_layout {
	unsigned long text_size; /* [0, text_size): RX */
	unsigned long ro_off, ro_size; /* RO+NX: .rodata*, then the symbol table copies */
	unsigned long rw_off, rw_size; /* RW+NX: .data*, .bss*, then extra_rw bytes */
	unsigned long size;
	unsigned long symtab_off, strtab_off, shstrtab_off, extra_off;
};

struct mod_elf {
	const u8 *file;
	size_t len;
	const Elf64_Ehdr *hdr;
	const Elf64_Shdr *sechdrs;
	unsigned int shnum;
	const char *secstrings;
	u64 secstrings_size;
	unsigned int symndx; /* the SHT_SYMTAB section */
	const Elf64_Sym *syms;
	unsigned int nsyms;
	const char *strtab;
	u64 strtab_size;
	unsigned long sec_off[MOD_ELF_MAX_SECTIONS]; /* image offset of each SHF_ALLOC section */
	struct mod_elf_layout layout;
	struct mod_elf_error err;
};

/* Resolve an undefined symbol: its address, or 0 when unknown. */
typedef unsigned long (*mod_elf_resolve_t)(const char *name, void *ctx);

/* Check the whole file (header, every section, string, symbol and relocation). 0 or -ENOEXEC. */
int mod_elf_check(struct mod_elf *me, const void *file, size_t len);
/* Lay the sections out, with extra_rw bytes (aligned 64) at the end of the RW group. */
void mod_elf_layout(struct mod_elf *me, unsigned long extra_rw);
/*
 * Copy the sections and the symbol/string tables into image (layout.size bytes, zeroed
 * here), give every symbol its final address for a load at base, and apply the relocations.
 * 0, -ENOENT (unknown symbol) or -ERANGE/-ENOEXEC (a relocation); err says which.
 */
int mod_elf_load(struct mod_elf *me, void *image, unsigned long base, mod_elf_resolve_t resolve,
		 void *ctx);
/* The image offset of a defined global symbol called name, or -1. After mod_elf_layout. */
long mod_elf_find(const struct mod_elf *me, const char *name, u64 *size);
/* The name of a relocation type carto applies, or NULL. */
const char *mod_elf_rel_name(u32 type);

#endif /* _KERNEL_MODULE_ELF_H */
