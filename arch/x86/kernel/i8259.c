// SPDX-License-Identifier: GPL-2.0
/*
 * The legacy 8259A pair: remapped to vectors 0x20..0x2f, every line masked but the ones
 * asked for. (The IOAPIC takes over once SMP bring-up exists.)
 */
#include <linux/types.h>
#include <asm/io.h>
#include <asm/desc.h>
#include <asm/i8259.h>

#define PIC_MASTER_CMD 0x20
#define PIC_MASTER_IMR 0x21
#define PIC_SLAVE_CMD 0xa0
#define PIC_SLAVE_IMR 0xa1
#define PIC_CASCADE_IR 2
#define PIC_EOI 0x20

static u16 irq_mask = 0xffff;

static void write_mask(void)
{
	outb(irq_mask & 0xff, PIC_MASTER_IMR);
	outb(irq_mask >> 8, PIC_SLAVE_IMR);
}

void init_8259A(void)
{
	outb(0xff, PIC_MASTER_IMR);
	outb(0xff, PIC_SLAVE_IMR);
	outb(0x11, PIC_MASTER_CMD); /* ICW1: edge, cascade, ICW4 */
	outb(IRQ0_VECTOR, PIC_MASTER_IMR); /* ICW2: vector base */
	outb(1 << PIC_CASCADE_IR, PIC_MASTER_IMR); /* ICW3: slave on IR2 */
	outb(0x01, PIC_MASTER_IMR); /* ICW4: 8086 mode */
	outb(0x11, PIC_SLAVE_CMD);
	outb(IRQ0_VECTOR + 8, PIC_SLAVE_IMR);
	outb(PIC_CASCADE_IR, PIC_SLAVE_IMR);
	outb(0x01, PIC_SLAVE_IMR);
	irq_mask = 0xffff & ~(1 << PIC_CASCADE_IR);
	write_mask();
}

void i8259_unmask_irq(unsigned int irq)
{
	irq_mask &= ~(1 << irq);
	write_mask();
}

void i8259_eoi(unsigned int irq)
{
	if (irq >= 8)
		outb(PIC_EOI, PIC_SLAVE_CMD);
	outb(PIC_EOI, PIC_MASTER_CMD);
}

/* A spurious IRQ 7/15 is one the PIC's in-service register does not show. */
bool i8259_spurious(unsigned int irq)
{
	u16 cmd = irq >= 8 ? PIC_SLAVE_CMD : PIC_MASTER_CMD;

	if ((irq & 7) != 7)
		return false;
	outb(0x0b, cmd); /* OCW3: read ISR */
	if (inb(cmd) & 0x80)
		return false;
	if (irq >= 8)
		outb(PIC_EOI, PIC_MASTER_CMD); /* the master did see the cascade */
	return true;
}
