/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The serial monitor shell: one command table (commands.c), one row per command, and the
 * helpers every handler shares. Adding a command is one row in monitor_cmds[] plus its
 * handler (declared below) and its test.
 */
#ifndef _KERNEL_MONITOR_MONITOR_H
#define _KERNEL_MONITOR_MONITOR_H

#include <linux/types.h>
#include <asm/page_types.h>
#include <asm/pgtable.h> /* is_canonical_address() */

#define MONITOR_MAXARGS 16

/*
 * One command: what the user types, the handler, the argument synopsis (starting with the
 * name, as printed after "usage: "), a one-line description for `help`, and flags.
 * A handler returns 0 or -errno; it prints its own messages.
 */
struct monitor_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *help;
	unsigned int flags;
};

/*
 * Tab never completes to this command: it ends the session (reboot, poweroff), so it runs
 * only when typed in full, never from a stray Tab in line noise.
 */
#define MONITOR_CMD_NOCOMPLETE 0x1

/*
 * The command table: the rows of commands.c, then the rows modules added (a tail of dynamic
 * rows, MONITOR_CMD_DYNAMIC), then an empty {} row. Everything that walks the table (help,
 * Tab completion, the dispatcher) sees both, in one loop.
 */
#define MONITOR_CMDS_MAX 64
#define MONITOR_CMD_DYNAMIC 0x2
extern struct monitor_cmd monitor_cmds[MONITOR_CMDS_MAX];

/*
 * Add a row at the table's tail (copied; the strings and fn must outlive the row: a module
 * unregisters at exit, and module unload drops any row left pointing into it).
 * 0, -EEXIST (the name is taken), -EINVAL (no name or fn) or -ENOSPC.
 */
int monitor_register_cmd(const struct monitor_cmd *cmd);
/* Remove a row monitor_register_cmd() added. 0, or -ENOENT (no such dynamic row). */
int monitor_unregister_cmd(const char *name);
/* Remove every dynamic row whose handler lies in [start, end) (a module going away). */
void monitor_unregister_range(unsigned long start, unsigned long end);

/* The row of the command called name, or NULL. */
const struct monitor_cmd *monitor_find_cmd(const char *name);
/* Print "usage: <usage>" of the command called name; returns -EINVAL for the handler. */
int monitor_usage(const char *name);
/* Print "carto: unknown command 'name' (try 'help')"; returns -ENOENT. */
int monitor_unknown(const char *name);

/*
 * Split line in place on spaces and tabs into at most max words. Returns the word count,
 * or -E2BIG when there are more (argv then holds the first max words).
 */
int monitor_tokenize(char *line, char **argv, int max);
/* Tokenize a line and run its command. Returns the handler's result (0 or -errno). */
int monitor_exec(char *line);

/*
 * An address argument: hex with or without 0x, a symbol name, or symbol+offset (offset in
 * hex, with or without 0x). 0 or -EINVAL.
 */
int monitor_parse_addr(const char *s, unsigned long *v);
/* A count or number argument: decimal, or hex with 0x. 0 or -EINVAL. */
int monitor_parse_num(const char *s, unsigned long *v);

/* Handlers, one per row of monitor_cmds[]. */
int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_dmesg(int argc, char **argv);
int cmd_cmdline(int argc, char **argv);
int cmd_sym(int argc, char **argv);
int cmd_addr(int argc, char **argv);
int cmd_x(int argc, char **argv);
int cmd_cpuid(int argc, char **argv);
int cmd_oops(int argc, char **argv);
int cmd_selftest(int argc, char **argv);
int cmd_reboot(int argc, char **argv);
int cmd_poweroff(int argc, char **argv);
int cmd_layout(int argc, char **argv);
int cmd_ptdump(int argc, char **argv);
int cmd_pagewalk(int argc, char **argv);
int cmd_pte(int argc, char **argv);
int cmd_v2p(int argc, char **argv);
int cmd_p2v(int argc, char **argv);
int cmd_meminfo(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_memblock(int argc, char **argv);
int cmd_buddyinfo(int argc, char **argv);
int cmd_vmallocinfo(int argc, char **argv);
int cmd_page(int argc, char **argv);
int cmd_slabinfo(int argc, char **argv);
int cmd_tlb(int argc, char **argv);
int cmd_tlbtest(int argc, char **argv);
int cmd_cpus(int argc, char **argv);
int cmd_interrupts(int argc, char **argv);
int cmd_slab(int argc, char **argv);
int cmd_insmod(int argc, char **argv);
int cmd_rmmod(int argc, char **argv);
int cmd_lsmod(int argc, char **argv);

#endif /* _KERNEL_MONITOR_MONITOR_H */
