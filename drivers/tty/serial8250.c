// SPDX-License-Identifier: GPL-2.0
/*
 * The console: a 16550 UART on COM1 at 115200 8N1. Output is polled (it must work in any
 * context, an oops included); input arrives by interrupt (IRQ 4) into a ring that the
 * monitor drains. A full ring drops bytes and counts them, it never overwrites.
 */
#define pr_fmt(fmt) "serial: " fmt
#include <linux/serial.h>
#include <linux/printk.h>
#include <asm/io.h>

#define COM1 0x3f8
#define UART_RX 0
#define UART_TX 0
#define UART_IER 1
#define UART_IER_RDI 0x01
#define UART_FCR 2
#define UART_LCR 3
#define UART_LCR_DLAB 0x80
#define UART_LCR_8N1 0x03
#define UART_MCR 4
#define UART_MCR_DTR_RTS_OUT2 0x0b /* OUT2 gates the IRQ line to the PIC */
#define UART_LSR 5
#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20

#define RX_RING 4096 /* a power of two */
static u8 rx_ring[RX_RING];
static volatile unsigned int rx_head, rx_tail;
static unsigned long rx_dropped;

void serial8250_init(void)
{
	outb(0, COM1 + UART_IER);
	outb(UART_LCR_DLAB, COM1 + UART_LCR);
	outb(1, COM1 + 0); /* divisor 1: 115200 baud */
	outb(0, COM1 + 1);
	outb(UART_LCR_8N1, COM1 + UART_LCR);
	outb(0xc7, COM1 + UART_FCR); /* FIFOs on and cleared, 14-byte trigger */
	outb(UART_MCR_DTR_RTS_OUT2, COM1 + UART_MCR);
}

void serial8250_enable_rx_irq(void)
{
	outb(UART_IER_RDI, COM1 + UART_IER);
	serial8250_interrupt(); /* anything that arrived before */
}

static void putc_polled(char c)
{
	while (!(inb(COM1 + UART_LSR) & UART_LSR_THRE))
		;
	outb(c, COM1 + UART_TX);
}

void serial8250_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			putc_polled('\r');
		putc_polled(s[i]);
	}
}

/* IRQ 4: move every received byte into the ring. */
void serial8250_interrupt(void)
{
	while (inb(COM1 + UART_LSR) & UART_LSR_DR) {
		u8 c = inb(COM1 + UART_RX);
		unsigned int head = rx_head;

		if (head - rx_tail >= RX_RING) {
			rx_dropped++;
			continue;
		}
		rx_ring[head & (RX_RING - 1)] = c;
		WRITE_ONCE(rx_head, head + 1);
	}
}

int serial8250_getc(void)
{
	unsigned int tail = rx_tail;
	int c;

	if (tail == READ_ONCE(rx_head))
		return -1;
	c = rx_ring[tail & (RX_RING - 1)];
	WRITE_ONCE(rx_tail, tail + 1);
	return c;
}

unsigned long serial8250_rx_dropped(void)
{
	return rx_dropped;
}
