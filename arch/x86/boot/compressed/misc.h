/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BOOT_COMPRESSED_MISC_H
#define _BOOT_COMPRESSED_MISC_H

#include <linux/kernel.h>

void serial_putc(char c);
void serial_puts(const char *s);
__printf(1, 2) void stub_printf(const char *fmt, ...);
__printf(1, 2) __noreturn void stub_error(const char *fmt, ...);

#endif
