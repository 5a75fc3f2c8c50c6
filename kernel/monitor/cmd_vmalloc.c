// SPDX-License-Identifier: GPL-2.0
/* vmallocinfo: every vmalloc/vmap/ioremap/module area, /proc/vmallocinfo's format. */
#include <linux/kernel.h>
#include <linux/vmalloc.h>
#include "monitor.h"

int cmd_vmallocinfo(int argc, char **argv)
{
	if (argc != 1)
		return monitor_usage(argv[0]);
	vmallocinfo_show();
	return 0;
}
