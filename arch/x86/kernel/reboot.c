// SPDX-License-Identifier: GPL-2.0
/* Restart and power-off on the PC (Linux's arch/x86/kernel/reboot.c, the paths QEMU has). */
#include <linux/reboot.h>
#include <linux/printk.h>
#include <asm/io.h>
#include <asm/special_insns.h>

#define KBD_STATUS 0x64
#define KBD_CMD_PULSE_RESET 0xfe
#define PCI_RESET_CONTROL 0xcf9
#define PM1A_CNT_PIIX4 0x604 /* SeaBIOS puts the ACPI PM block at 0x600 on i440fx and q35 */
#define PM1A_CNT_SLP_EN (1 << 13)
#define ISA_DEBUG_EXIT 0xf4

static void __noreturn halt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt");
}

void machine_restart(void)
{
	pr_emerg("reboot: Restarting system\n");
	local_irq_disable();
	for (int i = 0; i < 0x10000 && (inb(KBD_STATUS) & 0x02); i++)
		;
	outb(KBD_CMD_PULSE_RESET, KBD_STATUS);
	for (volatile int i = 0; i < 1000000; i++)
		;
	outb(0x02, PCI_RESET_CONTROL);
	outb(0x06, PCI_RESET_CONTROL);
	halt_forever();
}

void machine_power_off(void)
{
	pr_emerg("reboot: Power down\n");
	local_irq_disable();
	outw(PM1A_CNT_SLP_EN, PM1A_CNT_PIIX4); /* S5: SLP_TYP 0 on QEMU's PIIX4/ICH9 */
	outb(0, ISA_DEBUG_EXIT); /* QEMU with -device isa-debug-exit: exit status 1 */
	halt_forever();
}
