// SPDX-License-Identifier: GPL-2.0
/*
 * Monitor commands about the kernel as a whole: help, version, dmesg, cmdline, selftest,
 * reboot and poweroff.
 */
#define pr_fmt(fmt) "monitor: " fmt
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/printk.h>
#include <linux/init.h>
#include <linux/ktest.h>
#include <linux/reboot.h>
#include "monitor.h"

/* `help`: every row of the table, usage column aligned; `help CMD`: one row. */
int cmd_help(int argc, char **argv)
{
	const struct monitor_cmd *c;
	int width = 0;

	if (argc > 2)
		return monitor_usage(argv[0]);
	if (argc == 2) {
		c = monitor_find_cmd(argv[1]);
		if (!c)
			return monitor_unknown(argv[1]);
		con_printf("usage: %s\n%s\n", c->usage, c->help);
		return 0;
	}
	for (c = monitor_cmds; c->name; c++)
		width = max(width, (int)strlen(c->usage));
	for (c = monitor_cmds; c->name; c++)
		con_printf("%-*s  %s\n", width, c->usage, c->help);
	return 0;
}

/* `version`: the banner, as /proc/version prints linux_banner. */
int cmd_version(int argc, char **argv)
{
	size_t n = strlen(carto_banner);

	if (argc != 1)
		return monitor_usage(argv[0]);
	console_write(carto_banner, n);
	if (!n || carto_banner[n - 1] != '\n')
		console_write("\n", 1);
	return 0;
}

struct dmesg_state {
	char buf[1024 + 32]; /* a record's text (LOG_LINE_MAX) and its timestamp */
	bool line_open; /* the last record printed did not end its line */
};

/* printk_for_each() visitor: runs under the log lock with interrupts off, so no printk. */
static void dmesg_visit(const struct printk_record *r, void *arg)
{
	struct dmesg_state *st = arg;
	size_t n;

	if (st->line_open && !r->cont)
		console_write("\n", 1);
	n = printk_format_record(r, st->buf, sizeof(st->buf));
	console_write(st->buf, n);
	st->line_open = !r->newline;
}

/* `dmesg`: the whole log, "[    0.001234] text" a line. */
int cmd_dmesg(int argc, char **argv)
{
	static struct dmesg_state st; /* not on the 16 KiB monitor stack */

	if (argc != 1)
		return monitor_usage(argv[0]);
	st.line_open = false;
	printk_for_each(dmesg_visit, &st);
	if (st.line_open)
		console_write("\n", 1);
	return 0;
}

/* `cmdline`: the command line as the loader passed it (an empty line when none). */
int cmd_cmdline(int argc, char **argv)
{
	if (argc != 1)
		return monitor_usage(argv[0]);
	con_printf("%s\n", boot_command_line);
	return 0;
}

/* `selftest [SUITE|list]`: run the in-kernel suites (KTAP on the console). */
int cmd_selftest(int argc, char **argv)
{
	int ret;

	if (argc > 2)
		return monitor_usage(argv[0]);
	if (argc == 2 && !strcmp(argv[1], "list")) {
		ktest_list();
		return 0;
	}
	ret = ktest_run(argc == 2 ? argv[1] : NULL);
	if (ret == -ENOENT) {
		con_printf("selftest: no suite '%s'\n", argc == 2 ? argv[1] : "");
		return ret;
	}
	return ret > 0 ? -EIO : ret;
}

/* `reboot`: reset the machine; does not return. */
int cmd_reboot(int argc, char **argv)
{
	if (argc != 1)
		return monitor_usage(argv[0]);
	machine_restart();
}

/* `poweroff`: switch the machine off; does not return. */
int cmd_poweroff(int argc, char **argv)
{
	if (argc != 1)
		return monitor_usage(argv[0]);
	machine_power_off();
}
