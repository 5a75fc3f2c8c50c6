// SPDX-License-Identifier: GPL-2.0
/*
 * The serial monitor: start_kernel() ends in monitor_main(), which moves to a stack of its
 * own and reads lines from COM1 for ever. Each line is split into words and dispatched
 * through the one command table (commands.c).
 *
 * carto has one task, so an oops in a command cannot kill it as Linux would: the monitor
 * registers a restart point instead, and the trap handler, once the report is printed,
 * resumes the shell there on a fresh stack.
 */
#define pr_fmt(fmt) "monitor: " fmt
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/printk.h>
#include <linux/serial.h>
#include <linux/init.h>
#include <linux/oops.h>
#include <linux/kallsyms.h>
#include <asm/special_insns.h>
#include "monitor.h"
#include "line.h"

#define MONITOR_STACK_SIZE (16 * 1024)
#define MONITOR_PROMPT "carto> "

static u8 monitor_stack[MONITOR_STACK_SIZE] __aligned(16);
#define monitor_stack_top ((void *)(monitor_stack + MONITOR_STACK_SIZE))

static struct line_editor monitor_editor;

/* The table row of the command called name, or NULL. */
const struct monitor_cmd *monitor_find_cmd(const char *name)
{
	for (const struct monitor_cmd *c = monitor_cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* The one message for a command that is not in the table; returns -ENOENT. */
int monitor_unknown(const char *name)
{
	con_printf("carto: unknown command '%s' (try 'help')\n", name);
	return -ENOENT;
}

/* "usage: <usage>" of a command, for its handler to return on wrong arguments: -EINVAL. */
int monitor_usage(const char *name)
{
	const struct monitor_cmd *c = monitor_find_cmd(name);

	if (c)
		con_printf("usage: %s\n", c->usage);
	return -EINVAL;
}

/*
 * Split line in place on spaces and tabs. Returns the word count, or -E2BIG when there are
 * more than max words (argv then holds the first max, so argv[0] still names the command).
 */
int monitor_tokenize(char *line, char **argv, int max)
{
	int argc = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			return argc;
		if (argc == max)
			return -E2BIG;
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
}

/* Run one line: unknown command and too many words are answered here, the rest by the handler. */
int monitor_exec(char *line)
{
	char *argv[MONITOR_MAXARGS];
	const struct monitor_cmd *c;
	int argc = monitor_tokenize(line, argv, MONITOR_MAXARGS);

	if (argc == 0)
		return 0;
	c = monitor_find_cmd(argv[0]);
	if (!c)
		return monitor_unknown(argv[0]);
	if (argc < 0)
		return monitor_usage(argv[0]);
	return c->fn(argc, argv);
}

/* The base of an address: 0x-prefixed hex, else a symbol name, else bare hex. */
static int parse_addr_base(const char *s, unsigned long *v)
{
	unsigned long a;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return kstrtoul(s, 16, v) ? -EINVAL : 0;
	a = kallsyms_lookup_name(s);
	if (a) {
		*v = a;
		return 0;
	}
	return kstrtoul(s, 16, v) ? -EINVAL : 0;
}

/* ADDR arguments: hex (0x optional), a symbol, or symbol+offset (hex). 0 or -EINVAL. */
int monitor_parse_addr(const char *s, unsigned long *v)
{
	char base[KSYM_NAME_LEN];
	const char *plus = strchr(s, '+');
	unsigned long b, off;
	size_t n;

	if (!plus)
		return parse_addr_base(s, v);
	n = plus - s;
	if (n == 0 || n >= sizeof(base))
		return -EINVAL;
	memcpy(base, s, n);
	base[n] = '\0';
	if (parse_addr_base(base, &b) || kstrtoul(plus + 1, 16, &off))
		return -EINVAL;
	*v = b + off;
	return 0;
}

/* COUNT-like arguments: decimal, or hex with 0x (never octal). 0 or -EINVAL. */
int monitor_parse_num(const char *s, unsigned long *v)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return kstrtoul(s, 16, v) ? -EINVAL : 0;
	return kstrtoul(s, 10, v) ? -EINVAL : 0;
}

/* The line editor's output: straight to the console, not to the log. */
static void monitor_write(void *ctx __maybe_unused, const char *s, size_t len)
{
	console_write(s, len);
}

/*
 * The next byte from COM1, sleeping until the UART interrupt brings one. The check runs
 * with interrupts off so that a byte arriving after it still wakes the halt.
 */
static int monitor_getc(void)
{
	int c;

	for (;;) {
		local_irq_disable();
		c = serial8250_getc();
		if (c >= 0)
			break;
		safe_halt(); /* sti;hlt: no window between enabling interrupts and halting */
	}
	local_irq_enable();
	return c;
}

/* Read lines and run them, for ever. */
static __noreturn void monitor_loop(void)
{
	for (;;) {
		switch (line_feed(&monitor_editor, monitor_getc())) {
		case LINE_READY:
			monitor_exec(monitor_editor.buf);
			line_start(&monitor_editor);
			break;
		case LINE_CANCELLED:
		case LINE_TOO_LONG:
			line_start(&monitor_editor);
			break;
		}
	}
}

/* Resumed here, on a fresh stack, after an oops in a command: the report is out already. */
static void monitor_restart(void)
{
	line_start(&monitor_editor);
	monitor_loop();
}

/* First entry on the monitor's own stack. */
static void monitor_enter(void)
{
	line_init(&monitor_editor, MONITOR_PROMPT, monitor_write, NULL);
	serial8250_enable_rx_irq();
	pr_info("serial shell on ttyS0, type 'help' for the commands\n");
	monitor_restart();
}

/* Called last by start_kernel(): register the oops restart point and move to our stack. */
__noreturn void monitor_main(void)
{
	oops_set_recovery(monitor_restart, monitor_stack_top);
	run_on_stack(monitor_stack_top, monitor_enter);
}
