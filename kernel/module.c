// SPDX-License-Identifier: GPL-2.0
/*
 * Loadable modules: `insmod NAME` takes the GRUB module2 file whose command line starts with
 * NAME, checks and relocates it (kernel/module_elf.c) into one module_alloc() area in the
 * module mapping space, sets its protections (text RX, rodata RO+NX, data and bss RW+NX),
 * and calls its init; `rmmod NAME` calls its exit and frees the area.
 *
 * The area, in three page-aligned groups: [text][rodata, symtab, strtab, section names]
 * [data, bss, struct module + its section table]. Everything a module owns is in that area,
 * so a failed load or an unload is one module_memfree(): nothing else to leak.
 *
 * Modules are loaded and unloaded from the monitor only (one thread): the list needs no lock.
 */
#define pr_fmt(fmt) "module: " fmt
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/printk.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/module.h>
#include <asm/tlbflush.h>
#include <asm/page_types.h>
#include <carto/multiboot2.h>
#include "module_elf.h"
#include "monitor/monitor.h"

extern struct mb2_info boot_mb2;
extern const struct kernel_symbol __start___ksymtab[], __stop___ksymtab[];

LIST_HEAD(modules);

/* The file being loaded (one at a time; too big for the monitor's stack). */
static struct mod_elf load_info;

unsigned long find_kernel_export(const char *name)
{
	for (const struct kernel_symbol *ks = __start___ksymtab; ks < __stop___ksymtab; ks++)
		if (!strcmp(ks->name, name))
			return ks->value;
	return 0;
}

static unsigned long resolve_export(const char *name, void *ctx)
{
	(void)ctx;
	return find_kernel_export(name);
}

struct module *find_module(const char *name)
{
	struct module *mod;

	list_for_each_entry(mod, &modules, list)
		if (!strcmp(mod->name, name))
			return mod;
	return NULL;
}

struct module *module_of_addr(unsigned long addr)
{
	struct module *mod;

	list_for_each_entry(mod, &modules, list)
		if (addr - mod->base < mod->size)
			return mod;
	return NULL;
}

void module_get(struct module *mod)
{
	mod->refcount++;
}

void module_put(struct module *mod)
{
	mod->refcount--;
}

/* Is the module2 command line's first word name? */
static bool cmdline_names(const char *cmdline, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(cmdline, name, n) && (cmdline[n] == '\0' || cmdline[n] == ' ');
}

/* The module2 file called name: its bytes through the direct map. 0 or -ENOENT. */
static int find_module2(const char *name, const void **file, size_t *len)
{
	struct mb2_module m;

	for (u32 i = 0; !mb2_module(&boot_mb2, i, &m); i++) {
		if (!cmdline_names(m.cmdline, name))
			continue;
		if (m.end < m.start)
			return -ENOENT;
		*file = __va(m.start);
		*len = m.end - m.start;
		return 0;
	}
	return -ENOENT;
}

/* The one error line of a failed insmod, from the ELF core's reason. */
static void report_elf_error(const char *name, const struct mod_elf_error *e)
{
	if (e->name && e->value >= 0)
		pr_err("insmod %s: %s %ld: '%s'\n", name, e->reason, e->value, e->name);
	else if (e->name)
		pr_err("insmod %s: %s: '%s'\n", name, e->reason, e->name);
	else
		pr_err("insmod %s: %s\n", name, e->reason);
}

static unsigned int count_alloc_sections(const struct mod_elf *me)
{
	unsigned int n = 0;

	for (unsigned int i = 1; i < me->shnum; i++)
		n += !!(me->sechdrs[i].sh_flags & SHF_ALLOC);
	return n;
}

/* Fill the struct module at the end of the RW group from the relocated image. */
static void setup_module(struct module *mod, const struct mod_elf *me, const char *name,
			 const char *args)
{
	const struct mod_elf_layout *l = &me->layout;
	unsigned long base = (unsigned long)mod->base;
	long off;
	u64 size;

	strlcpy(mod->name, name, sizeof(mod->name));
	mod->text_size = l->text_size;
	mod->ro_size = l->ro_size;
	mod->rw_size = l->rw_size;
	mod->syms = (const Elf64_Sym *)(base + l->symtab_off);
	mod->nsyms = me->nsyms;
	mod->strtab = (const char *)(base + l->strtab_off);
	mod->nsect = 0;
	for (unsigned int i = 1; i < me->shnum; i++) {
		if (!(me->sechdrs[i].sh_flags & SHF_ALLOC))
			continue;
		mod->sect[mod->nsect].addr = base + me->sec_off[i];
		mod->sect[mod->nsect++].name =
			(const char *)(base + l->shstrtab_off + me->sechdrs[i].sh_name);
	}
	off = mod_elf_find(me, "init_module", NULL);
	mod->init = off >= 0 ? (int (*)(void))(base + off) : NULL;
	off = mod_elf_find(me, "cleanup_module", NULL);
	mod->exit = off >= 0 ? (void (*)(void))(base + off) : NULL;
	off = mod_elf_find(me, "__module_args", &size);
	if (off >= 0 && size)
		strlcpy((char *)(base + off), args, size);
}

/*
 * Text RX, rodata RO+NX; data stays as module_alloc() mapped it, RW+NX. Nothing runs the
 * module yet, so the three changes share one batched flush (one shootdown).
 */
static int protect_module(const struct module *mod)
{
	int err;

	flush_tlb_batch_begin();
	err = set_memory_ro(mod->base, mod->text_size / PAGE_SIZE);
	if (!err)
		err = set_memory_x(mod->base, mod->text_size / PAGE_SIZE);
	if (!err)
		err = set_memory_ro(mod->base + mod->text_size, mod->ro_size / PAGE_SIZE);
	flush_tlb_batch_end();
	return err;
}

/* Drop whatever refers to the module, then its area (permissions go with the mapping). */
static void free_module(struct module *mod)
{
	unsigned long base = mod->base, size = mod->size;

	monitor_unregister_range(base, base + size);
	list_del(&mod->list);
	module_memfree((void *)base);
}

int load_module(const char *name, const char *args)
{
	const void *file;
	size_t len;

	if (find_module(name)) {
		pr_err("insmod %s: already loaded\n", name);
		return -EEXIST;
	}
	if (strlen(name) >= MODULE_NAME_LEN || find_module2(name, &file, &len)) {
		pr_err("insmod %s: no GRUB module2 file called '%s'\n", name, name);
		return -ENOENT;
	}
	return load_module_file(name, file, len, args);
}

int load_module_file(const char *name, const void *file, size_t len, const char *args)
{
	struct mod_elf *me = &load_info;
	struct module *mod;
	unsigned int nsect;
	void *base;
	int err;

	if (find_module(name)) {
		pr_err("insmod %s: already loaded\n", name);
		return -EEXIST;
	}
	err = mod_elf_check(me, file, len);
	if (err) {
		report_elf_error(name, &me->err);
		return err;
	}
	nsect = count_alloc_sections(me);
	mod_elf_layout(me, sizeof(*mod) + nsect * sizeof(struct module_sect));
	base = module_alloc(me->layout.size);
	if (!base) {
		pr_err("insmod %s: no room for %lu bytes in the module space\n", name,
		       me->layout.size);
		return -ENOMEM;
	}
	err = mod_elf_load(me, base, (unsigned long)base, resolve_export, NULL);
	if (err) {
		report_elf_error(name, &me->err);
		goto out_free;
	}
	mod = (struct module *)((char *)base + me->layout.extra_off);
	mod->base = (unsigned long)base;
	mod->size = me->layout.size;
	setup_module(mod, me, name, args);
	if (!mod->init) {
		pr_err("insmod %s: no init_module (module_init() missing)\n", name);
		err = -ENOEXEC;
		goto out_free;
	}
	err = protect_module(mod);
	if (err) {
		pr_err("insmod %s: cannot set page protections (%d)\n", name, err);
		goto out_free;
	}
	list_add_tail(&mod->list, &modules);
	err = mod->init();
	if (err) {
		pr_err("insmod %s: init failed (%d)\n", name, err);
		free_module(mod);
		return err;
	}
	pr_info("%s loaded at 0x%016lx, %lu bytes\n", name, mod->base, mod->size);
	return 0;
out_free:
	module_memfree(base);
	return err;
}

int unload_module(const char *name)
{
	struct module *mod = find_module(name);

	if (!mod) {
		pr_err("rmmod %s: not loaded\n", name);
		return -ENOENT;
	}
	if (mod->refcount > 0) {
		pr_err("rmmod %s: in use (refcount %d)\n", name, mod->refcount);
		return -EBUSY;
	}
	if (mod->exit)
		mod->exit();
	free_module(mod);
	pr_info("%s unloaded\n", name);
	return 0;
}

/* Linux's /proc/modules: name size refcount deps state address. */
void print_modules(void)
{
	struct module *mod;

	list_for_each_entry(mod, &modules, list)
		con_printf("%s %lu %d - Live 0x%016lx\n", mod->name, mod->size, mod->refcount,
			   mod->base);
}

/* The nm-style type letter of a module symbol, from its group. */
static char module_sym_type(const struct module *mod, const Elf64_Sym *sym)
{
	unsigned long off = sym->st_value - mod->base;
	char t = off < mod->text_size ? 't' : off < mod->text_size + mod->ro_size ? 'r' : 'd';

	return ELF64_ST_BIND(sym->st_info) == STB_LOCAL ? t : t - 'a' + 'A';
}

/* Symbols worth naming: defined in the module, with a name, not a section or file. */
static bool module_sym_named(const struct module *mod, const Elf64_Sym *sym)
{
	unsigned int type = ELF64_ST_TYPE(sym->st_info);

	return sym->st_shndx != SHN_UNDEF && sym->st_shndx != SHN_ABS &&
	       mod->strtab[sym->st_name] &&
	       (type == STT_FUNC || type == STT_OBJECT || type == STT_NOTYPE) &&
	       sym->st_value - mod->base < mod->size;
}

const char *module_address_lookup(unsigned long addr, unsigned long *size, unsigned long *offset,
				  char *type, const char **modname)
{
	struct module *mod = module_of_addr(addr);
	const Elf64_Sym *best = NULL;

	if (!mod)
		return NULL;
	for (unsigned int i = 1; i < mod->nsyms; i++) {
		const Elf64_Sym *sym = &mod->syms[i];

		if (!module_sym_named(mod, sym) || sym->st_value > addr)
			continue;
		if (!best || sym->st_value > best->st_value ||
		    (sym->st_value == best->st_value && sym->st_size > best->st_size))
			best = sym;
	}
	if (!best)
		return NULL;
	if (size)
		*size = best->st_size;
	if (offset)
		*offset = addr - best->st_value;
	if (type)
		*type = module_sym_type(mod, best);
	if (modname)
		*modname = mod->name;
	return mod->strtab + best->st_name;
}

/* What modules may call: the kernel's exports. */
EXPORT_SYMBOL(printk);
EXPORT_SYMBOL(con_printf);
EXPORT_SYMBOL(memcpy);
EXPORT_SYMBOL(memmove);
EXPORT_SYMBOL(memset);
EXPORT_SYMBOL(memcmp);
EXPORT_SYMBOL(strlen);
EXPORT_SYMBOL(strcmp);
EXPORT_SYMBOL(strncmp);
EXPORT_SYMBOL(strlcpy);
EXPORT_SYMBOL(str_has_prefix);
EXPORT_SYMBOL(kstrtoul);
EXPORT_SYMBOL(kmalloc);
EXPORT_SYMBOL(kfree);
EXPORT_SYMBOL(kmem_cache_create);
EXPORT_SYMBOL(kmem_cache_destroy);
EXPORT_SYMBOL(kmem_cache_alloc);
EXPORT_SYMBOL(kmem_cache_free);
EXPORT_SYMBOL(alloc_pages);
EXPORT_SYMBOL(__free_pages);
EXPORT_SYMBOL(vmalloc);
EXPORT_SYMBOL(vfree);
EXPORT_SYMBOL(monitor_register_cmd);
EXPORT_SYMBOL(monitor_unregister_cmd);
