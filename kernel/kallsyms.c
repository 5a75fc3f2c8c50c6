// SPDX-License-Identifier: GPL-2.0
/*
 * Symbol lookup over the table scripts/kallsyms embeds in the image (section .kallsyms):
 * addresses sorted ascending with sizes, nm type letters and NUL-separated names.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/kallsyms.h>
#include <linux/module.h>

extern const unsigned long kallsyms_num_syms;
extern const unsigned long kallsyms_addresses[];
extern const unsigned int kallsyms_sizes[];
extern const char kallsyms_types[];
extern const unsigned int kallsyms_name_offsets[];
extern const char kallsyms_names[];
extern const char _text[], _end[];

unsigned long kallsyms_count(void)
{
	return kallsyms_num_syms;
}

const char *kallsyms_symbol(unsigned long i, unsigned long *addr, unsigned long *size, char *type)
{
	if (i >= kallsyms_num_syms)
		return NULL;
	if (addr)
		*addr = kallsyms_addresses[i];
	if (size)
		*size = kallsyms_sizes[i];
	if (type)
		*type = kallsyms_types[i];
	return kallsyms_names + kallsyms_name_offsets[i];
}

/* Index of the last symbol at or below addr, preferring a text symbol among equals. */
static long find_index(unsigned long addr)
{
	long lo = 0, hi = kallsyms_num_syms;

	while (lo < hi) {
		long mid = lo + (hi - lo) / 2;

		if (kallsyms_addresses[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

const char *kallsyms_lookup(unsigned long addr, unsigned long *size, unsigned long *offset,
			    char *type)
{
	long i;

	if (addr < (unsigned long)_text || addr >= (unsigned long)_end || !kallsyms_num_syms)
		return module_address_lookup(addr, size, offset, type, NULL); /* or NULL */
	i = find_index(addr);
	if (i < 0)
		return NULL;
	/* Several names at one address: the one with a size (a function, not a linker label). */
	for (long j = i - 1; j >= 0 && kallsyms_addresses[j] == kallsyms_addresses[i]; j--)
		if (kallsyms_sizes[j] > kallsyms_sizes[i])
			i = j;
	if (offset)
		*offset = addr - kallsyms_addresses[i];
	return kallsyms_symbol(i, NULL, size, type);
}

unsigned long kallsyms_lookup_name(const char *name)
{
	for (unsigned long i = 0; i < kallsyms_num_syms; i++)
		if (!strcmp(kallsyms_names + kallsyms_name_offsets[i], name))
			return kallsyms_addresses[i];
	return 0;
}

int sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	unsigned long sz, off;
	const char *name = kallsyms_lookup(addr, &sz, &off, NULL);

	if (!name)
		return scnprintf(buf, size, "0x%lx", addr);
	return scnprintf(buf, size, "%s+0x%lx/0x%lx", name, off, sz);
}
