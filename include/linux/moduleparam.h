/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel command-line parameters (Linux's names: loglevel=, console=, ...). */
#ifndef _LINUX_MODULEPARAM_H
#define _LINUX_MODULEPARAM_H

#include <linux/types.h>

struct kernel_param {
	const char *name;
	/* val is NULL for a bare "name"; returns 0, or -EINVAL after saying what is wrong */
	int (*set)(const char *val);
};

/*
 * Split args (modified in place) Linux's way: words separated by spaces, "name=value",
 * double quotes protecting spaces. Returns the next word's end; *param and *val point
 * into args (*val NULL when there is no '=').
 */
char *next_arg(char *args, char **param, char **val);
/*
 * Apply every word of cmdline through table. Unknown names are collected into unknown
 * (space-separated, each once). Returns the number of unknown words.
 */
int parse_args(const char *cmdline, const struct kernel_param *table, char *unknown,
	       size_t unknown_size);
void parse_boot_params(void);

#endif /* _LINUX_MODULEPARAM_H */
