/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_PRINTK_H
#define _LINUX_PRINTK_H

#include <stdarg.h>
#include <linux/types.h>
#include <linux/compiler.h>

/* Log levels as Linux spells them: SOH, then the level digit. */
#define KERN_SOH "\001"
#define KERN_EMERG KERN_SOH "0"
#define KERN_ALERT KERN_SOH "1"
#define KERN_CRIT KERN_SOH "2"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE KERN_SOH "5"
#define KERN_INFO KERN_SOH "6"
#define KERN_DEBUG KERN_SOH "7"
#define KERN_CONT KERN_SOH "c"
#define LOGLEVEL_DEFAULT 4 /* for printk() without a level: KERN_WARNING, as Linux */
#define CONSOLE_LOGLEVEL_DEFAULT 7

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

__printf(1, 2) int printk(const char *fmt, ...);
int vprintk(const char *fmt, va_list args);

#define pr_emerg(fmt, ...) printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_alert(fmt, ...) printk(KERN_ALERT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...) printk(KERN_CRIT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...) printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...) printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_cont(fmt, ...) printk(KERN_CONT fmt, ##__VA_ARGS__)

/* The console level (loglevel=): messages with a level below it reach the console. */
extern int console_loglevel;

/* The log, for dmesg and tests: visit each record, oldest first. */
struct printk_record {
	u64 seq;
	u64 ts_nsec;
	u8 level;
	bool cont; /* continues the previous record's line: no prefix */
	bool newline; /* the line ends with this record */
	u16 len;
	const char *text; /* not NUL-terminated */
};
typedef void (*printk_visit_t)(const struct printk_record *r, void *arg);
void printk_for_each(printk_visit_t fn, void *arg);
size_t printk_format_record(const struct printk_record *r, char *buf, size_t size);
u64 printk_next_seq(void);

/* Console output that bypasses the log (the monitor's own output). */
void console_write(const char *s, size_t len);
__printf(1, 2) int con_printf(const char *fmt, ...);
int vcon_printf(const char *fmt, va_list args);

#endif /* _LINUX_PRINTK_H */
