/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_REBOOT_H
#define _LINUX_REBOOT_H

/* Reset the machine (keyboard controller, then port 0xcf9). Does not return. */
__attribute__((__noreturn__)) void machine_restart(void);
/* Switch QEMU off (ACPI PM1a S5 on the i440fx/q35 port, then isa-debug-exit). */
__attribute__((__noreturn__)) void machine_power_off(void);

#endif /* _LINUX_REBOOT_H */
