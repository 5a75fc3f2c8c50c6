// SPDX-License-Identifier: GPL-2.0
/*
 * printk: messages with a log level and a TSC timestamp go to a ring buffer (for dmesg)
 * and, below console_loglevel, to the console as "[    0.001234] text".
 *
 * The ring holds variable-length records, each a header and its text, 8-byte aligned.
 * A record never wraps: when it does not fit before the end, a wrap marker is left and it
 * goes to the start. When full, the oldest records are dropped (Linux's log_store()).
 * A message is split at newlines into one record a line; a line without its newline is
 * left open and a following KERN_CONT printk continues it.
 */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/spinlock.h>
#include <linux/serial.h>
#include <linux/timekeeping.h>

#define LOG_BUF_LEN (1 << 17)
#define LOG_LINE_MAX 992
#define REC_WRAP 0xffff
#define REC_CONT 0x01 /* continues the previous record's line */
#define REC_NEWLINE 0x02 /* the line ends here */

struct rec {
	u64 seq;
	u64 ts_nsec;
	u16 len;
	u8 level;
	u8 flags;
	u32 pad;
};

static u8 log_buf[LOG_BUF_LEN] __aligned(8);
static u32 log_first_idx, log_next_idx;
static u64 log_first_seq, log_next_seq;
static bool line_open; /* the last record has no newline yet */
static DEFINE_SPINLOCK(logbuf_lock);

int console_loglevel = CONSOLE_LOGLEVEL_DEFAULT;

static struct rec *rec_at(u32 idx)
{
	return (struct rec *)(log_buf + idx);
}

static u32 rec_size(u16 len)
{
	return ALIGN(sizeof(struct rec) + len, 8);
}

/* Index of the record after the one at idx, following a wrap marker or the buffer's end. */
static u32 rec_next(u32 idx)
{
	idx += rec_size(rec_at(idx)->len);
	if (LOG_BUF_LEN - idx < sizeof(struct rec) || rec_at(idx)->len == REC_WRAP)
		return 0;
	return idx;
}

/* The first valid record's index (it may sit after a wrap marker). */
static u32 rec_first(void)
{
	u32 idx = log_first_idx;

	if (LOG_BUF_LEN - idx < sizeof(struct rec) || rec_at(idx)->len == REC_WRAP)
		return 0;
	return idx;
}

static bool has_space(u32 size)
{
	if (log_first_seq == log_next_seq) {
		log_first_idx = log_next_idx = 0;
		return true;
	}
	if (log_next_idx > log_first_idx)
		return LOG_BUF_LEN - log_next_idx >= size + sizeof(struct rec) ||
		       log_first_idx >= size;
	return log_first_idx - log_next_idx >= size;
}

static void log_store(u8 level, u8 flags, u64 ts, const char *text, u16 len)
{
	u32 size = rec_size(len);
	struct rec *r;

	while (!has_space(size)) {
		log_first_idx = rec_next(rec_first());
		log_first_seq++;
	}
	if (LOG_BUF_LEN - log_next_idx < size + sizeof(struct rec)) {
		if (LOG_BUF_LEN - log_next_idx >= sizeof(struct rec))
			rec_at(log_next_idx)->len = REC_WRAP;
		log_next_idx = 0;
	}
	r = rec_at(log_next_idx);
	*r = (struct rec){ .seq = log_next_seq++, .ts_nsec = ts, .len = len, .level = level,
			   .flags = flags };
	memcpy(r + 1, text, len);
	log_next_idx += size;
}

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
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		u8 rflags = (cont ? REC_CONT : 0) | (nl ? REC_NEWLINE : 0);

		log_store(level, rflags, ts, p, len);
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
	u64 seq;
	u32 idx;

	spin_lock_irqsave(&logbuf_lock, flags);
	idx = rec_first();
	for (seq = log_first_seq; seq < log_next_seq; seq++, idx = rec_next(idx)) {
		const struct rec *r = rec_at(idx);
		struct printk_record pr = {
			.seq = r->seq,
			.ts_nsec = r->ts_nsec,
			.level = r->level,
			.cont = r->flags & REC_CONT,
			.newline = r->flags & REC_NEWLINE,
			.len = r->len,
			.text = (const char *)(r + 1),
		};
		fn(&pr, arg);
	}
	spin_unlock_irqrestore(&logbuf_lock, flags);
}

u64 printk_next_seq(void)
{
	return READ_ONCE(log_next_seq);
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
