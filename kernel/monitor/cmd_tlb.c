// SPDX-License-Identifier: GPL-2.0
/*
 * `tlb`: the TLB flush counters (arch/x86/mm/tlb.c), Linux's four per CPU and in total as
 * /proc/vmstat lines, then carto's own totals, the ceiling and the mechanism in use.
 * `tlb reset` zeroes them; `tlb ceiling N` sets tlb_single_page_flush_ceiling;
 * `tlb shootdown off` (tests only) stops the shootdown IPIs, to show that stale entries
 * then survive; `tlb shootdown on` restores them, with one flush_tlb_all() so that no
 * translation cached meanwhile outlives the switch.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/printk.h>
#include <linux/smp.h>
#include <asm/tlbflush.h>
#include "monitor.h"

static void tlb_show(void)
{
	for_each_online_cpu(cpu) {
		con_printf("cpu%d:\n", cpu);
		for (int i = 0; i < NR_TLB_VMSTAT_ITEMS; i++)
			con_printf("%s %lu\n", tlb_stat_names[i], tlb_stat_cpu(cpu, i));
	}
	con_printf("total:\n");
	for (int i = 0; i < NR_TLB_VMSTAT_ITEMS; i++)
		con_printf("%s %lu\n", tlb_stat_names[i], tlb_stat_total(i));
	con_printf("carto:\n");
	for (int i = NR_TLB_VMSTAT_ITEMS; i < NR_TLB_STATS; i++)
		con_printf("%s %lu\n", tlb_stat_names[i], tlb_stat_total(i));
	con_printf("tlb_single_page_flush_ceiling %lu\n", tlb_single_page_flush_ceiling);
	con_printf("pcid %s\n", tlb_pcid_enabled ? "on" : "off");
	con_printf("full_flush %s\n", tlb_mode_names[tlb_flush_mode]);
	con_printf("shootdowns %s\n", tlb_skip_shootdown ? "off" : "on");
}

int cmd_tlb(int argc, char **argv)
{
	unsigned long n;

	tlb_ensure_setup();
	if (argc == 1) {
		tlb_show();
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "reset")) {
		tlb_stats_reset();
		con_printf("tlb: counters zeroed\n");
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "ceiling") && !kstrtoul(argv[2], 10, &n) &&
	    !tlb_set_ceiling(n)) {
		con_printf("tlb: tlb_single_page_flush_ceiling %lu\n", n);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "shootdown") &&
	    (!strcmp(argv[2], "on") || !strcmp(argv[2], "off"))) {
		bool was_off = tlb_skip_shootdown;

		tlb_skip_shootdown = !strcmp(argv[2], "off");
		/* What the other CPUs cached meanwhile must not outlive the switch. */
		if (was_off && !tlb_skip_shootdown)
			flush_tlb_all();
		con_printf("tlb: shootdowns %s%s\n", argv[2],
			   tlb_skip_shootdown ? " (tests only: other CPUs keep stale entries)" : "");
		return 0;
	}
	return monitor_usage(argv[0]);
}
