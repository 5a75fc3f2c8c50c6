// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel command line (multiboot2 tag 1), parsed as Linux's kernel/params.c does.
 * Each known parameter is one row of boot_params[]. A bad value is reported on one line
 * and ignored; unknown parameters are reported once, together, and ignored.
 */
#define pr_fmt(fmt) fmt
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/printk.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/tlbflush.h>
#include <asm/apic.h>

char boot_command_line[COMMAND_LINE_SIZE];
const char *boot_selftest;

static int set_loglevel(const char *val)
{
	int level;

	if (!val || kstrtoint(val, 10, &level) || level < 0 || level > 15) {
		pr_warn("loglevel: bad value '%s' (expected a number 0..15), ignored\n",
			val ? val : "");
		return -EINVAL;
	}
	console_loglevel = level;
	return 0;
}

static int set_quiet(const char *val)
{
	(void)val;
	console_loglevel = 4;
	return 0;
}

static int set_debug(const char *val)
{
	(void)val;
	console_loglevel = 10;
	return 0;
}

/* console=ttyS0[,115200[n8]]: carto's one console; anything else is said and ignored. */
static int set_console(const char *val)
{
	if (val && str_has_prefix(val, "ttyS0") && (!val[5] || val[5] == ','))
		return 0;
	pr_warn("console: '%s' not supported (carto's console is ttyS0 at 115200), ignored\n",
		val ? val : "");
	return -EINVAL;
}

static char selftest_filter[64];

/* selftest or selftest=SUITE: run the in-kernel suites at boot, before the monitor. */
static int set_selftest(const char *val)
{
	if (val && strlen(val) >= sizeof(selftest_filter)) {
		pr_warn("selftest: suite name '%s' too long, ignored\n", val);
		return -EINVAL;
	}
	strlcpy(selftest_filter, val ? val : "", sizeof(selftest_filter));
	boot_selftest = selftest_filter;
	return 0;
}

/* slub_debug[=FZPU[,CACHE,...]]: slab debugging (mm/slab.c), Linux's syntax. */
static int set_slub_debug(const char *val)
{
	if (slub_debug_setup(val)) {
		pr_warn("slub_debug: bad value '%s', ignored\n", val ? val : "");
		return -EINVAL;
	}
	return 0;
}

static const struct kernel_param boot_params[] = { { "loglevel", set_loglevel },
						   { "quiet", set_quiet },
						   { "debug", set_debug },
						   { "console", set_console },
						   { "selftest", set_selftest },
						   { "slub_debug", set_slub_debug },
						   { "nopcid", tlb_param_nopcid },
						   { "noinvpcid", tlb_param_noinvpcid },
						   { "nox2apic", apic_param_nox2apic },
						   { "nosmp", smp_param_nosmp },
						   { "maxcpus", smp_param_maxcpus },
						   {} };

char *next_arg(char *args, char **param, char **val)
{
	bool quoted = *args == '"', in_quote = quoted;
	char *eq = NULL, *end;

	if (quoted)
		args++;
	for (end = args; *end && (in_quote || (*end != ' ' && *end != '\t')); end++) {
		if (*end == '=' && !eq)
			eq = end;
		if (*end == '"')
			in_quote = !in_quote;
	}
	*param = args;
	*val = NULL;
	if (eq) {
		*eq = '\0';
		*val = eq + 1;
		if (**val == '"') { /* name="value with spaces" */
			(*val)++;
			quoted = true;
		}
	}
	if (quoted && end > args && end[-1] == '"') /* the closing quote */
		end[-1] = '\0';
	if (*end)
		*end++ = '\0';
	while (*end == ' ' || *end == '\t')
		end++;
	return end;
}

static void note_unknown(char *unknown, size_t size, const char *param, const char *val)
{
	char word[128];
	size_t len = strlen(unknown);

	snprintf(word, sizeof(word), "%s%s%s", param, val ? "=" : "", val ? val : "");
	/* each unknown word once */
	for (const char *u = unknown; (u = strchr(u, word[0])) != NULL; u++)
		if ((u == unknown || u[-1] == ' ') && !strncmp(u, word, strlen(word)) &&
		    (u[strlen(word)] == ' ' || !u[strlen(word)]))
			return;
	if (len + strlen(word) + 2 <= size)
		snprintf(unknown + len, size - len, "%s%s", len ? " " : "", word);
}

int parse_args(const char *cmdline, const struct kernel_param *table, char *unknown,
	       size_t unknown_size)
{
	char buf[COMMAND_LINE_SIZE], *args = buf;
	int nunknown = 0;

	strlcpy(buf, cmdline, sizeof(buf));
	if (unknown_size)
		unknown[0] = '\0';
	while (*args == ' ' || *args == '\t')
		args++;
	while (*args) {
		const struct kernel_param *kp;
		char *param, *val;

		args = next_arg(args, &param, &val);
		for (kp = table; kp->name; kp++)
			if (!strcmp(kp->name, param))
				break;
		if (kp->name) {
			kp->set(val);
			continue;
		}
		nunknown++;
		note_unknown(unknown, unknown_size, param, val);
	}
	return nunknown;
}

void parse_boot_params(void)
{
	char unknown[512];

	if (parse_args(boot_command_line, boot_params, unknown, sizeof(unknown)))
		pr_notice("Unknown kernel command line parameters \"%s\", ignored.\n", unknown);
}
