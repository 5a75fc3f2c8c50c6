// SPDX-License-Identifier: GPL-2.0
/*
 * The console: a 16550 UART on COM1 at 115200 8N1. Output is polled (it must work in any
 * context, an oops included); input arrives by interrupt (IRQ 4) into a ring that the
 * monitor drains. Flow control instead of loss: when the ring fills, the receive interrupt
 * is masked and bytes wait in the UART (and behind it, in whatever feeds it: QEMU stops
 * reading its chardev); once the monitor has drained half the ring, reception resumes.
 */
#define pr_fmt(fmt) "serial: " fmt
#include <linux/serial.h>
#include <linux/printk.h>
#include <asm/io.h>
#include <asm/special_insns.h>

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
static volatile bool rx_throttled;

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

/* Listen again, and take at once what waited in the UART meanwhile. */
static void serial8250_unthrottle(void)
{
	unsigned long flags = local_irq_save();

	rx_throttled = false;
	outb(UART_IER_RDI, COM1 + UART_IER);
	serial8250_interrupt();
	local_irq_restore(flags);
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

/* IRQ 4: move received bytes into the ring while it has room; when full, stop listening. */
void serial8250_interrupt(void)
{
	while (inb(COM1 + UART_LSR) & UART_LSR_DR) {
		unsigned int head = rx_head;

		if (head - READ_ONCE(rx_tail) >= RX_RING) {
			rx_throttled = true;
			outb(0, COM1 + UART_IER); /* the bytes wait in the UART */
			return;
		}
		rx_ring[head & (RX_RING - 1)] = inb(COM1 + UART_RX);
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
	if (rx_throttled && READ_ONCE(rx_head) - (tail + 1) <= RX_RING / 2)
		serial8250_unthrottle();
	return c;
}
