// SPDX-License-Identifier: GPL-2.0
/*
 * Monitor commands about physical memory: memblock (the firmware map, memory and
 * reserved regions), buddyinfo (/proc/buddyinfo) and page PFN (one struct page decoded).
 */
#define pr_fmt(fmt) "monitor: " fmt
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/printk.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include "monitor.h"

int cmd_memblock(int argc, char **argv);
int cmd_buddyinfo(int argc, char **argv);
int cmd_page(int argc, char **argv);

/* `memblock`: BIOS-e820 lines, then memory: and reserved: regions with their totals. */
int cmd_memblock(int argc, char **argv)
{
	if (argc != 1)
		return monitor_usage(argv[0]);
	memblock_dump();
	return 0;
}

/* `buddyinfo`: free blocks per zone and order, as /proc/buddyinfo. */
int cmd_buddyinfo(int argc, char **argv)
{
	if (argc != 1)
		return monitor_usage(argv[0]);
	show_buddyinfo();
	return 0;
}

/* `page PFN`: PFN decimal, or hex with 0x. */
int cmd_page(int argc, char **argv)
{
	unsigned long pfn;

	if (argc != 2 || monitor_parse_num(argv[1], &pfn))
		return monitor_usage(argv[0]);
	show_page(pfn);
	return pfn_valid(pfn) ? 0 : -EINVAL;
}
