// SPDX-License-Identifier: GPL-2.0
/*
 * A sample module that adds a monitor command, `hi [WORDS]`, through
 * monitor_register_cmd() (kernel/monitor/monitor.h); rmmod removes it again.
 */
#define pr_fmt(fmt) "cmdmod: " fmt
#include <linux/printk.h>
#include <linux/module.h>
#include "../kernel/monitor/monitor.h"

static unsigned long calls;

static int cmd_hi(int argc, char **argv)
{
	calls++;
	con_printf("hi from cmdmod (call %lu):", calls);
	for (int i = 1; i < argc; i++)
		con_printf(" %s", argv[i]);
	con_printf("\n");
	return 0;
}

static const struct monitor_cmd hi_cmd = {
	.name = "hi",
	.fn = cmd_hi,
	.usage = "hi [WORDS]",
	.help = "say hi (a command added by the cmdmod module)",
};

static int cmdmod_init(void)
{
	int err = monitor_register_cmd(&hi_cmd);

	if (!err)
		pr_info("command 'hi' added\n");
	return err;
}
module_init(cmdmod_init);

static void cmdmod_exit(void)
{
	monitor_unregister_cmd(hi_cmd.name);
	pr_info("command 'hi' removed\n");
}
module_exit(cmdmod_exit);
