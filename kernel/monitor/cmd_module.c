// SPDX-License-Identifier: GPL-2.0
/*
 * Module commands (insmod, rmmod, lsmod) and the table's dynamic tail: rows that modules add
 * after commands.c's rows, so `help`, Tab completion and the dispatcher, which walk
 * monitor_cmds[] up to its empty row, see them with no change.
 *
 *   static rows | dynamic rows (MONITOR_CMD_DYNAMIC) | {} | unused ...
 *
 * Registering writes the row over the empty one (the next row, still zero, becomes the end);
 * unregistering moves the rows after it down one. The monitor runs one command at a time,
 * so no one walks the table while it changes.
 */
#define pr_fmt(fmt) "monitor: " fmt
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/printk.h>
#include <linux/module.h>
#include "monitor.h"

/* Index of the table's empty end row. */
static unsigned int cmds_end(void)
{
	unsigned int n = 0;

	while (monitor_cmds[n].name)
		n++;
	return n;
}

int monitor_register_cmd(const struct monitor_cmd *cmd)
{
	unsigned int end = cmds_end();

	if (!cmd->name || !cmd->name[0] || !cmd->fn || !cmd->usage || !cmd->help)
		return -EINVAL;
	if (monitor_find_cmd(cmd->name))
		return -EEXIST;
	if (end + 1 >= MONITOR_CMDS_MAX)
		return -ENOSPC;
	monitor_cmds[end] = *cmd;
	monitor_cmds[end].flags |= MONITOR_CMD_DYNAMIC;
	return 0;
}

static void remove_row(unsigned int i)
{
	unsigned int end = cmds_end();

	memmove(&monitor_cmds[i], &monitor_cmds[i + 1], (end - i) * sizeof(monitor_cmds[0]));
}

int monitor_unregister_cmd(const char *name)
{
	for (unsigned int i = 0; monitor_cmds[i].name; i++) {
		if (!(monitor_cmds[i].flags & MONITOR_CMD_DYNAMIC) ||
		    strcmp(monitor_cmds[i].name, name))
			continue;
		remove_row(i);
		return 0;
	}
	return -ENOENT;
}

void monitor_unregister_range(unsigned long start, unsigned long end)
{
	unsigned int i = 0;

	while (monitor_cmds[i].name) {
		unsigned long fn = (unsigned long)monitor_cmds[i].fn;

		if ((monitor_cmds[i].flags & MONITOR_CMD_DYNAMIC) && fn >= start && fn < end) {
			pr_warn("command '%s' dropped: its module is going away\n",
				monitor_cmds[i].name);
			remove_row(i);
		} else {
			i++;
		}
	}
}

/*
 * `insmod NAME [ARGS]`: the words after NAME, joined by spaces, are the module's argument
 * string (MODULE_ARGS in include/linux/module.h).
 */
int cmd_insmod(int argc, char **argv)
{
	char args[MODULE_ARGS_LEN] = "";
	size_t n = 0;

	if (argc < 2)
		return monitor_usage(argv[0]);
	for (int i = 2; i < argc; i++) {
		size_t w = strlen(argv[i]);

		if (n + w + 2 > sizeof(args)) {
			con_printf("insmod: arguments longer than %zu bytes\n", sizeof(args) - 1);
			return -E2BIG;
		}
		if (n)
			args[n++] = ' ';
		memcpy(args + n, argv[i], w + 1);
		n += w;
	}
	return load_module(argv[1], args);
}

/* `rmmod NAME` */
int cmd_rmmod(int argc, char **argv)
{
	if (argc != 2)
		return monitor_usage(argv[0]);
	return unload_module(argv[1]);
}

/* `lsmod`: /proc/modules */
int cmd_lsmod(int argc, char **argv)
{
	if (argc != 1)
		return monitor_usage(argv[0]);
	print_modules();
	return 0;
}
