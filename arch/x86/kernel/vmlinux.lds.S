/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel image: linked at __START_KERNEL (the text mapping plus LOAD_PHYSICAL_ADDR),
 * loaded at LOAD_PHYSICAL_ADDR. Text, rodata and data are separate PT_LOAD segments on
 * page boundaries so each can get its own permissions.
 */
#include <asm/page_types.h>

/* The largest alignment GCC gives read-only data (arrays of 32 bytes and more). */
#define RODATA_ALIGN 32

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(startup_64)

PHDRS {
	text PT_LOAD FLAGS(5);
	rodata PT_LOAD FLAGS(4);
	data PT_LOAD FLAGS(6);
}

SECTIONS
{
	. = __START_KERNEL;
	_text = .;
	.text : AT(ADDR(.text) - __START_KERNEL_map) {
		KEEP(*(.head.text))
		*(.text .text.*)
	} :text
	_etext = .;

	. = ALIGN(PAGE_SIZE);
	/*
	 * The read-only sections follow each other with no hole (each padded to RODATA_ALIGN):
	 * the GDB helpers read __start_rodata.._erodata from the vmlinux file in one piece.
	 */
	__start_rodata = .;
	.rodata : AT(ADDR(.rodata) - __START_KERNEL_map) {
		*(.rodata .rodata.*)
		. = ALIGN(RODATA_ALIGN);
	} :rodata
	__ex_table : AT(ADDR(__ex_table) - __START_KERNEL_map) {
		__start___ex_table = .;
		KEEP(*(__ex_table))
		__stop___ex_table = .;
		. = ALIGN(RODATA_ALIGN);
	} :rodata
	.ktest_suites : AT(ADDR(.ktest_suites) - __START_KERNEL_map) {
		__start_ktest_suites = .;
		KEEP(*(.ktest_suites))
		__stop_ktest_suites = .;
		. = ALIGN(RODATA_ALIGN);
	} :rodata
	/* EXPORT_SYMBOL() rows: what modules may link against (kernel/module.c). */
	__ksymtab : AT(ADDR(__ksymtab) - __START_KERNEL_map) {
		__start___ksymtab = .;
		KEEP(*(__ksymtab))
		__stop___ksymtab = .;
		. = ALIGN(RODATA_ALIGN);
	} :rodata
	/* Last in rodata: its size changes between the kallsyms link passes, nothing after moves twice. */
	.kallsyms : AT(ADDR(.kallsyms) - __START_KERNEL_map) {
		KEEP(*(.kallsyms))
	} :rodata
	_erodata = .;

	. = ALIGN(PAGE_SIZE);
	_sdata = .;
	/*
	 * The per-CPU template (linux/percpu.h): never used in place; each CPU has a copy, the
	 * boot CPU's in the bss below. First, so .data.* below cannot take it.
	 */
	.data..percpu : AT(ADDR(.data..percpu) - __START_KERNEL_map) {
		__per_cpu_start = .;
		*(.data..percpu..page_aligned)
		*(.data..percpu)
		. = ALIGN(PAGE_SIZE);
		__per_cpu_end = .;
	} :data
	.data : AT(ADDR(.data) - __START_KERNEL_map) {
		*(.data..page_aligned)
		*(.data .data.*)
	} :data
	_edata = .;

	. = ALIGN(PAGE_SIZE);
	.bss : AT(ADDR(.bss) - __START_KERNEL_map) {
		__bss_start = .;
		*(.bss..page_aligned)
		*(.bss .bss.*)
		*(COMMON)
		. = ALIGN(PAGE_SIZE);
		__per_cpu_boot_area = .;	/* the boot CPU's per-CPU copy */
		. += __per_cpu_end - __per_cpu_start;
		__bss_stop = .;
	} :data
	_end = .;

	/DISCARD/ : { *(.note.*) *(.comment) *(.eh_frame) *(.note.GNU-stack) }
}

ASSERT(_text == __START_KERNEL, "kernel image not linked at __START_KERNEL");
ASSERT(startup_64 == _text, "startup_64 must be the first byte of the image");
ASSERT(_end - __START_KERNEL_map <= KERNEL_IMAGE_SIZE, "kernel image larger than the text mapping");
ASSERT((__start_rodata & (PAGE_SIZE - 1)) == 0, "rodata not page aligned");
ASSERT((_sdata & (PAGE_SIZE - 1)) == 0, "data not page aligned");
