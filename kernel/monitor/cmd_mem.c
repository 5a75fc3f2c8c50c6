// SPDX-License-Identifier: GPL-2.0
/*
 * Monitor commands that look at addresses: sym, addr, x (hexdump) and oops (a page fault
 * on purpose). Reads go through copy_from_kernel_nofault(), so looking at an unmapped
 * address is an error message, never an oops.
 */
#define pr_fmt(fmt) "monitor: " fmt
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/printk.h>
#include <linux/kallsyms.h>
#include <linux/uaccess.h>
#include <asm/page_types.h>
#include "monitor.h"

#define X_DEFAULT_COUNT 64
#define X_MAX_COUNT 4096
#define X_ROW 16

/* "cmd: 0x...: why" for an address that cannot be read; returns -EINVAL or -EFAULT. */
static int bad_addr(const char *cmd, unsigned long addr)
{
	if (!is_canonical_address(addr)) {
		con_printf("%s: 0x%016lx: non-canonical address\n", cmd, addr);
		return -EINVAL;
	}
	con_printf("%s: 0x%016lx: unmapped address (page fault on read)\n", cmd, addr);
	return -EFAULT;
}

/* `sym ADDR`: "0x... name+0x1a/0x40", as Linux's %pS. */
int cmd_sym(int argc, char **argv)
{
	char buf[KSYM_SYMBOL_LEN];
	unsigned long addr;

	if (argc != 2 || monitor_parse_addr(argv[1], &addr))
		return monitor_usage(argv[0]);
	if (!kallsyms_lookup(addr, NULL, NULL, NULL)) {
		con_printf("sym: 0x%016lx: no symbol\n", addr);
		return -ENOENT;
	}
	sprint_symbol(buf, sizeof(buf), addr);
	con_printf("0x%016lx %s\n", addr, buf);
	return 0;
}

/* `addr SYMBOL`: "SYMBOL 0x... T size 0x5a" (address, nm type letter, size). */
int cmd_addr(int argc, char **argv)
{
	unsigned long i, addr, size;
	const char *name;
	char type;

	if (argc != 2)
		return monitor_usage(argv[0]);
	for (i = 0; i < kallsyms_count(); i++) {
		name = kallsyms_symbol(i, &addr, &size, &type);
		if (name && !strcmp(name, argv[1])) {
			con_printf("%s 0x%016lx %c size 0x%lx\n", name, addr, type, size);
			return 0;
		}
	}
	con_printf("addr: no symbol '%s'\n", argv[1]);
	return -ENOENT;
}

/* One print_hex_dump() row: address, bytes, and ASCII kept in its column on a short row. */
static void x_print_row(unsigned long addr, const u8 *b, size_t n)
{
	char line[96];
	size_t len = scnprintf(line, sizeof(line), "%016lx: ", addr);

	for (size_t i = 0; i < X_ROW; i++) {
		if (i < n)
			len += scnprintf(line + len, sizeof(line) - len, "%02x ", b[i]);
		else
			len += scnprintf(line + len, sizeof(line) - len, "   ");
	}
	line[len++] = ' ';
	for (size_t i = 0; i < n; i++)
		line[len++] = b[i] >= 0x20 && b[i] < 0x7f ? b[i] : '.';
	line[len++] = '\n';
	console_write(line, len);
}

/* Read up to n bytes at addr; returns how many were read before the first fault. */
static size_t x_read(unsigned long addr, u8 *b, size_t n)
{
	size_t i;

	if (!copy_from_kernel_nofault(b, (const void *)addr, n))
		return n;
	for (i = 0; i < n; i++) {
		if (!is_canonical_address(addr + i) ||
		    copy_from_kernel_nofault(b + i, (const void *)(addr + i), 1))
			break;
	}
	return i;
}

/* `x ADDR [COUNT]`: hexdump, a row at a time; stops with an error at the first fault. */
int cmd_x(int argc, char **argv)
{
	unsigned long addr, count = X_DEFAULT_COUNT, off;
	u8 buf[X_ROW];
	size_t n, got;

	if (argc < 2 || argc > 3 || monitor_parse_addr(argv[1], &addr))
		return monitor_usage(argv[0]);
	if (argc == 3 && (monitor_parse_num(argv[2], &count) || !count || count > X_MAX_COUNT))
		return monitor_usage(argv[0]);
	if (!is_canonical_address(addr))
		return bad_addr(argv[0], addr);
	if (addr + count - 1 < addr) /* stop at the top of the address space */
		count = -addr;
	for (off = 0; off < count; off += X_ROW) {
		n = min(count - off, (unsigned long)X_ROW);
		got = x_read(addr + off, buf, n);
		if (got)
			x_print_row(addr + off, buf, got);
		if (got < n)
			return bad_addr(argv[0], addr + off + got);
	}
	return 0;
}

enum oops_kind { OOPS_READ, OOPS_WRITE, OOPS_EXEC, NR_OOPS_KINDS };

static const char *const oops_kind_names[NR_OOPS_KINDS] = { "read", "write", "exec" };
static const char *const oops_kind_verbs[NR_OOPS_KINDS] = { "reading from", "writing to",
							    "executing at" };

/* The access itself, out of line so the oops report's RIP names it. */
static noinline void cmd_oops_access(enum oops_kind kind, unsigned long addr)
{
	volatile u8 *p = (volatile u8 *)addr;
	u8 v = 0;

	switch (kind) {
	case OOPS_READ:
		(void)*p;
		break;
	case OOPS_WRITE:
		/* Write back what is there, so a mapped writable address survives it. */
		copy_from_kernel_nofault(&v, (const void *)addr, 1);
		*p = v;
		break;
	default:
		((void (*)(void))addr)();
		break;
	}
}

/* "read", "write" or "exec" as an enum oops_kind, or -1. */
static int oops_parse_kind(const char *s)
{
	for (int k = 0; k < NR_OOPS_KINDS; k++)
		if (!strcmp(s, oops_kind_names[k]))
			return k;
	return -1;
}

/*
 * `oops [read|write|exec] [ADDR]`: a kernel-mode page fault on purpose, by default a write
 * to a page of the KASAN shadow region, which carto never maps (it has no KASAN). The trap
 * handler prints the oops and resumes the monitor; on a mapped address this returns and
 * says so.
 */
int cmd_oops(int argc, char **argv)
{
	unsigned long addr = LAYOUT_KASAN_START + PAGE_SIZE;
	int kind = OOPS_WRITE, i = 1;

	if (i < argc && oops_parse_kind(argv[i]) >= 0)
		kind = oops_parse_kind(argv[i++]);
	if (i < argc && monitor_parse_addr(argv[i++], &addr))
		return monitor_usage(argv[0]);
	if (i < argc)
		return monitor_usage(argv[0]);
	if (!is_canonical_address(addr))
		return bad_addr(argv[0], addr);
	con_printf("oops: %s 0x%016lx\n", oops_kind_verbs[kind], addr);
	cmd_oops_access(kind, addr);
	con_printf("oops: 0x%016lx did not fault\n", addr);
	return 0;
}
