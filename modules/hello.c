// SPDX-License-Identifier: GPL-2.0
/*
 * A sample module: says hello at insmod (with its arguments) and goodbye at rmmod.
 * `insmod hello greeting=NAME` greets NAME.
 */
#define pr_fmt(fmt) "hello: " fmt
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/module.h>

static char hello_args[MODULE_ARGS_LEN];
MODULE_ARGS(hello_args);

static int insmod_count;

static const char *greeting(void)
{
	static const char key[] = "greeting=";

	return str_has_prefix(hello_args, key) ? hello_args + sizeof(key) - 1 : "world";
}

static int hello_init(void)
{
	insmod_count++;
	pr_info("hello, %s (args '%s')\n", greeting(), hello_args);
	return 0;
}
module_init(hello_init);

static void hello_exit(void)
{
	pr_info("goodbye, %s\n", greeting());
}
module_exit(hello_exit);
