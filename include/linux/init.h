/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_INIT_H
#define _LINUX_INIT_H

#include <linux/types.h>

#define COMMAND_LINE_SIZE 2048

/* The kernel command line as the loader gave it (multiboot2 tag 1). */
extern char boot_command_line[COMMAND_LINE_SIZE];
/* The multiboot2 info the boot stub passed (its physical address and kernel view). */
extern unsigned long boot_info_pa;
extern const void *boot_info;

/* carto's banner, as Linux's linux_banner: "carto version ... (gcc ...) #1 SMP ...". */
extern const char carto_banner[];

/* Boot parameter "selftest[=SUITE]": run in-kernel suites before the monitor starts. */
extern const char *boot_selftest;

void start_kernel(void);
/* Build init_top_pgt from the memory map and switch to it (arch/x86/mm/init_64.c). */
void init_mem_mapping(void);
/* The physical address of init_top_pgt, the kernel's page table (every CPU's CR3). */
phys_addr_t init_pgd_pa(void);
/* From then on, page-table pages come from the buddy allocator. */
void pgtable_use_buddy(void);
__attribute__((__noreturn__)) void monitor_main(void);

#endif /* _LINUX_INIT_H */
