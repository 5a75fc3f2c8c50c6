// SPDX-License-Identifier: GPL-2.0
/* Polled COM1 output for the boot stub (the 32-bit entry has set it to 115200 8N1). */
#include <asm/io.h>
#include "misc.h"

#define COM1 0x3f8
#define UART_LSR 5
#define UART_LSR_THRE 0x20

void serial_putc(char c)
{
	if (c == '\n')
		serial_putc('\r');
	while (!(inb(COM1 + UART_LSR) & UART_LSR_THRE))
		;
	outb(c, COM1);
}

void serial_puts(const char *s)
{
	while (*s)
		serial_putc(*s++);
}

static void stub_vprintf(const char *fmt, va_list args)
{
	char buf[256];

	vsnprintf(buf, sizeof(buf), fmt, args);
	serial_puts(buf);
}

void stub_printf(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	stub_vprintf(fmt, args);
	va_end(args);
}

/* Say why the boot cannot go on, then halt for good (no reset: the message stays visible). */
void stub_error(const char *fmt, ...)
{
	va_list args;

	serial_puts("\n");
	va_start(args, fmt);
	stub_vprintf(fmt, args);
	va_end(args);
	serial_puts("\n -- System halted\n");
	for (;;)
		asm volatile("cli; hlt");
}
