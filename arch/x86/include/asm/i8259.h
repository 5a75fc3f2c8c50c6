/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_I8259_H
#define _ASM_X86_I8259_H

#include <linux/types.h>

#define IRQ_TIMER 0
#define IRQ_COM1 4

void init_8259A(void);
void i8259_unmask_irq(unsigned int irq);
void i8259_eoi(unsigned int irq);
bool i8259_spurious(unsigned int irq);

#endif /* _ASM_X86_I8259_H */
