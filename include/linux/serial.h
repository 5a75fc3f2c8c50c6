/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_SERIAL_H
#define _LINUX_SERIAL_H

#include <linux/types.h>

/* The 16550 UART on COM1 (115200 8N1): polled output, interrupt-driven input on IRQ 4
 * with flow control (a full receive ring pauses reception; nothing is dropped). */
void serial8250_init(void);
void serial8250_enable_rx_irq(void);
void serial8250_write(const char *s, size_t len);
int serial8250_getc(void); /* next received byte, or -1 */
void serial8250_interrupt(void);

#endif /* _LINUX_SERIAL_H */
