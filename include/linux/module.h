/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loadable modules (kernel/module.c): ELF64 relocatable objects handed over by GRUB as
 * module2 files, loaded into the module mapping space by `insmod NAME [args]`.
 *
 * In the kernel: EXPORT_SYMBOL(sym) adds {address, name} to the __ksymtab section
 * (vmlinux.lds.S gathers it between __start___ksymtab and __stop___ksymtab); a module's
 * undefined symbols are resolved against that table only.
 *
 * In a module: module_init(fn) / module_exit(fn) name the functions the loader calls at
 * insmod and rmmod (the global symbols init_module and cleanup_module, aliases of fn);
 * init returns 0 or -errno (the load then fails, and is undone). MODULE_ARGS(buf) names a
 * char array the loader fills with insmod's arguments ("key=value ...") before init.
 */
#ifndef _LINUX_MODULE_H
#define _LINUX_MODULE_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/list.h>
#include <linux/elf.h>

#define MODULE_NAME_LEN 32
#define MODULE_ARGS_LEN 128

/* One row of __ksymtab. */
struct kernel_symbol {
	unsigned long value;
	const char *name;
};

#define EXPORT_SYMBOL(sym)                                                              \
	static const struct kernel_symbol __ksymtab_##sym __used __section("__ksymtab") \
		__aligned(8) = { (unsigned long)&(sym), #sym }

#define module_init(fn) int init_module(void) __attribute__((__alias__(#fn)))
#define module_exit(fn) void cleanup_module(void) __attribute__((__alias__(#fn)))
#define MODULE_ARGS(buf) extern __typeof__(buf) __module_args __attribute__((__alias__(#buf)))

/* A loaded module's section (for lx-symbols' add-symbol-file). */
struct module_sect {
	unsigned long addr;
	const char *name; /* in the module's RO copy of the section name table */
};

/*
 * A loaded module. It lives at the end of its own RW group: freeing the module's memory
 * frees it too.
 */
struct module {
	struct list_head list; /* on modules, in load order */
	char name[MODULE_NAME_LEN];
	unsigned long base; /* from module_alloc(): text, then rodata, then data */
	unsigned long size;
	unsigned long text_size, ro_size, rw_size;
	int refcount;
	int (*init)(void);
	void (*exit)(void);
	const Elf64_Sym *syms; /* the RO copy: st_value is the run address */
	unsigned int nsyms;
	const char *strtab;
	unsigned int nsect;
	struct module_sect sect[]; /* the SHF_ALLOC sections */
};

extern struct list_head modules;

/* Load module2 file NAME with args; 0 or -errno after one line naming the cause. */
int load_module(const char *name, const char *args);
/* The same from an ELF image in memory (the name must fit MODULE_NAME_LEN). */
int load_module_file(const char *name, const void *file, size_t len, const char *args);
/* Call exit and free; -ENOENT (not loaded) or -EBUSY (refcount > 0), after one line. */
int unload_module(const char *name);
struct module *find_module(const char *name);
/* Module references (for a module used by another user; rmmod refuses while held). */
void module_get(struct module *mod);
void module_put(struct module *mod);

/* The exported kernel symbol called name, or 0. */
unsigned long find_kernel_export(const char *name);
/*
 * kallsyms for module addresses: the symbol of a loaded module containing addr (or the
 * nearest below, within its module); NULL when no module holds addr.
 */
const char *module_address_lookup(unsigned long addr, unsigned long *size, unsigned long *offset,
				  char *type, const char **modname);
/* The module holding addr, or NULL. */
struct module *module_of_addr(unsigned long addr);

/* Print lsmod's table. */
void print_modules(void);

#endif /* _LINUX_MODULE_H */
