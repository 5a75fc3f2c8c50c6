// SPDX-License-Identifier: GPL-2.0
/*
 * printk: messages with a log level and a TSC timestamp go to a ring buffer (for dmesg)
 * and, below console_loglevel, to the console as "[    0.001234] text".
 *
 * The records live in a log_ring (printk_ringbuffer.c). A message is split at newlines into one record a line; a line without its newline is
 * left open and a following KERN_CONT printk continues it.
 */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/spinlock.h>
#include <linux/serial.h>
#include <linux/timekeeping.h>
#include "printk_ringbuffer.h"

#define LOG_BUF_LEN (1 << 17)
#define LOG_LINE_MAX 992

static u8 log_buf[LOG_BUF_LEN] __aligned(8);
static struct log_ring log = { .buf = log_buf, .size = LOG_BUF_LEN };
static bool line_open; /* the last record has no newline yet */
static int line_level; /* its level: a continuation keeps it */
static DEFINE_SPINLOCK(logbuf_lock);

int console_loglevel = CONSOLE_LOGLEVEL_DEFAULT;

static size_t format_prefix(u64 ts, char *buf, size_t size)
{
	return scnprintf(buf, size, "[%5lu.%06lu] ", (unsigned long)(ts / NSEC_PER_SEC),
			 (unsigned long)(ts % NSEC_PER_SEC / 1000));
}

int vprintk(const char *fmt, va_list args)
{
	char text[LOG_LINE_MAX], prefix[24];
	const char *p = text;
	int level = LOGLEVEL_DEFAULT, n;
	bool cont = false;
	unsigned long flags;
	u64 ts = sched_clock();

	n = vsnprintf(text, sizeof(text), fmt, args);
	n = min(n, (int)sizeof(text) - 1);
	while (p[0] == KERN_SOH[0] && p[1]) {
		if (p[1] == 'c')
			cont = true;
		else if (p[1] >= '0' && p[1] <= '7')
			level = p[1] - '0';
		p += 2;
	}

	spin_lock_irqsave(&logbuf_lock, flags);
	if (line_open && !cont && level < console_loglevel)
		console_write("\n", 1); /* a new message ends the open line on the console */
	cont = cont && line_open;
	if (cont)
		level = line_level;
	line_level = level;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		u8 rflags = (cont ? LOG_REC_CONT : 0) | (nl ? LOG_REC_NEWLINE : 0);

		log_ring_store(&log, level, rflags, ts, p, len);
		if (level < console_loglevel) {
			if (!cont)
				console_write(prefix, format_prefix(ts, prefix, sizeof(prefix)));
			console_write(p, len);
			if (nl)
				console_write("\n", 1);
		}
		line_open = !nl;
		cont = false;
		p += len + (nl ? 1 : 0);
	}
	spin_unlock_irqrestore(&logbuf_lock, flags);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vprintk(fmt, args);
	va_end(args);
	return n;
}

/*
 * Format one record as dmesg prints it: the timestamp prefix unless it continues a line,
 * the text, and the newline when the line ends. Returns the length written.
 */
size_t printk_format_record(const struct printk_record *r, char *buf, size_t size)
{
	size_t n = 0;

	if (!size)
		return 0;
	if (!r->cont)
		n = format_prefix(r->ts_nsec, buf, size);
	n += scnprintf(buf + n, size - n, "%.*s%s", (int)r->len, r->text, r->newline ? "\n" : "");
	return n;
}

/* Visit every record, oldest first, with the lock held: fn must not printk. */
void printk_for_each(printk_visit_t fn, void *arg)
{
	unsigned long flags;

	spin_lock_irqsave(&logbuf_lock, flags);
	log_ring_for_each(&log, fn, arg);
	spin_unlock_irqrestore(&logbuf_lock, flags);
}

u64 printk_next_seq(void)
{
	return READ_ONCE(log.next_seq);
}

void console_write(const char *s, size_t len)
{
	serial8250_write(s, len);
}

int vcon_printf(const char *fmt, va_list args)
{
	char buf[1024];
	int n = vsnprintf(buf, sizeof(buf), fmt, args);

	console_write(buf, min(n, (int)sizeof(buf) - 1));
	return n;
}

int con_printf(const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vcon_printf(fmt, args);
	va_end(args);
	return n;
}
