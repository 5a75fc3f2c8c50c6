// SPDX-License-Identifier: GPL-2.0
/*
 * Suite module_loader: the exports table, insmod/rmmod of the sample module hello (a GRUB
 * module2 file on the standard ISO; the cases that need it pass vacuously without it),
 * symbols of a loaded module through kallsyms, refcounts, bad images refused with nothing
 * left allocated, and the monitor's dynamic command rows.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/printk.h>
#include <linux/mm.h>
#include <linux/kallsyms.h>
#include <linux/vmalloc.h>
#include <linux/module.h>
#include <linux/ktest.h>
#include <asm/page_types.h>
#include <carto/multiboot2.h>
#include "monitor/monitor.h"

extern struct mb2_info boot_mb2;

/* The hello module2 file, or NULL. */
static const void *hello_file(size_t *len)
{
	struct mb2_module m;

	for (u32 i = 0; !mb2_module(&boot_mb2, i, &m); i++) {
		if (!strcmp(m.cmdline, "hello") && m.end > m.start) {
			*len = m.end - m.start;
			return __va(m.start);
		}
	}
	return NULL;
}

static void module_test_exports(struct ktest *t)
{
	KTEST_EXPECT_EQ(t, find_kernel_export("printk"), (unsigned long)printk);
	KTEST_EXPECT_EQ(t, find_kernel_export("kmalloc"), kallsyms_lookup_name("kmalloc"));
	KTEST_EXPECT_EQ(t, find_kernel_export("monitor_register_cmd"),
			(unsigned long)monitor_register_cmd);
	/* not exported, though in kallsyms */
	KTEST_EXPECT_EQ(t, find_kernel_export("start_kernel"), 0);
	KTEST_EXPECT_EQ(t, find_kernel_export("no_such_export"), 0);
}

static void module_test_load_unload(struct ktest *t)
{
	unsigned long vpages, free;
	unsigned long size = 0, off = 0;
	struct module *mod;
	size_t len;
	char type = 0;

	if (!hello_file(&len))
		return;
	/*
	 * A first load may take pages that stay: the module space's page-table pages and
	 * vmalloc's node page. From the second round trip on, nothing may change.
	 */
	KTEST_EXPECT_EQ(t, load_module("hello", ""), 0);
	KTEST_EXPECT_EQ(t, unload_module("hello"), 0);
	vpages = vmalloc_nr_pages();
	free = nr_free_pages();
	KTEST_EXPECT_EQ(t, load_module("hello", "greeting=ktest"), 0);
	mod = find_module("hello");
	KTEST_EXPECT_TRUE(t, mod != NULL);
	if (!mod)
		return;
	KTEST_EXPECT_TRUE(t, mod->base >= MODULES_VADDR && mod->base < MODULES_END);
	KTEST_EXPECT_TRUE(t, module_of_addr((unsigned long)mod->init) == mod);
	KTEST_EXPECT_STREQ(t, kallsyms_lookup((unsigned long)mod->init + 1, &size, &off, &type),
			   "hello_init");
	KTEST_EXPECT_EQ(t, off, 1);
	KTEST_EXPECT_TRUE(t, size > 1);
	KTEST_EXPECT_EQ(t, type, 't');
	KTEST_EXPECT_TRUE(t, vmalloc_nr_pages() > vpages);
	KTEST_EXPECT_EQ(t, load_module("hello", ""), -EEXIST);

	module_get(mod);
	KTEST_EXPECT_EQ(t, unload_module("hello"), -EBUSY);
	module_put(mod);
	KTEST_EXPECT_EQ(t, unload_module("hello"), 0);
	KTEST_EXPECT_TRUE(t, find_module("hello") == NULL);
	KTEST_EXPECT_EQ(t, unload_module("hello"), -ENOENT);
	KTEST_EXPECT_EQ(t, vmalloc_nr_pages(), vpages);
	KTEST_EXPECT_EQ(t, nr_free_pages(), free);
}

/* Copies of hello broken one way each: refused, and nothing left behind. */
static void module_test_bad_images(struct ktest *t)
{
	unsigned long vpages = vmalloc_nr_pages(), free;
	const u8 *file;
	Elf64_Ehdr *h;
	u8 *copy;
	size_t len;

	file = hello_file(&len);
	if (!file)
		return;
	copy = vmalloc(len);
	KTEST_EXPECT_TRUE(t, copy != NULL);
	if (!copy)
		return;
	free = nr_free_pages();
	h = (Elf64_Ehdr *)copy;

	memcpy(copy, file, len);
	KTEST_EXPECT_EQ(t, load_module_file("badtrunc", copy, len / 2, ""), -ENOEXEC);
	h->e_machine = 3;
	KTEST_EXPECT_EQ(t, load_module_file("badmach", copy, len, ""), -ENOEXEC);
	memcpy(copy, file, len);
	h->e_shoff = len;
	KTEST_EXPECT_EQ(t, load_module_file("badshoff", copy, len, ""), -ENOEXEC);
	memcpy(copy, file, len);
	KTEST_EXPECT_EQ(t, load_module_file("good", copy, len, ""), 0);
	KTEST_EXPECT_EQ(t, unload_module("good"), 0);
	KTEST_EXPECT_TRUE(t, list_empty(&modules));
	KTEST_EXPECT_EQ(t, nr_free_pages(), free);
	vfree(copy);
	KTEST_EXPECT_EQ(t, vmalloc_nr_pages(), vpages);
}

static int test_cmd_fn(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void module_test_dynamic_cmds(struct ktest *t)
{
	const struct monitor_cmd row = { .name = "ktestcmd",
					 .fn = test_cmd_fn,
					 .usage = "ktestcmd",
					 .help = "a row of the module_loader suite" };
	const struct monitor_cmd help = {
		.name = "help", .fn = test_cmd_fn, .usage = "help", .help = "a second help"
	};
	const struct monitor_cmd *c;

	KTEST_EXPECT_EQ(t, monitor_register_cmd(&row), 0);
	c = monitor_find_cmd("ktestcmd");
	KTEST_EXPECT_TRUE(t, c && c->fn == test_cmd_fn && (c->flags & MONITOR_CMD_DYNAMIC));
	KTEST_EXPECT_EQ(t, monitor_register_cmd(&row), -EEXIST);
	KTEST_EXPECT_EQ(t, monitor_register_cmd(&help), -EEXIST);
	KTEST_EXPECT_EQ(t, monitor_unregister_cmd("help"), -ENOENT); /* static rows stay */
	KTEST_EXPECT_EQ(t, monitor_unregister_cmd("ktestcmd"), 0);
	KTEST_EXPECT_TRUE(t, monitor_find_cmd("ktestcmd") == NULL);
	KTEST_EXPECT_EQ(t, monitor_unregister_cmd("ktestcmd"), -ENOENT);
	/* a module going away takes its rows with it */
	KTEST_EXPECT_EQ(t, monitor_register_cmd(&row), 0);
	monitor_unregister_range((unsigned long)test_cmd_fn, (unsigned long)test_cmd_fn + 1);
	KTEST_EXPECT_TRUE(t, monitor_find_cmd("ktestcmd") == NULL);
	KTEST_EXPECT_TRUE(t, monitor_find_cmd("help") != NULL);
}

static const struct ktest_case module_test_cases[] = {
	KTEST_CASE(module_test_exports),
	KTEST_CASE(module_test_load_unload),
	KTEST_CASE(module_test_bad_images),
	KTEST_CASE(module_test_dynamic_cmds),
	{},
};

static const struct ktest_suite module_test_suite = {
	.name = "module_loader",
	.cases = module_test_cases,
};
KTEST_SUITE(module_test_suite);
