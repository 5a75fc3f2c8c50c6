/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The boot stub: linked and loaded (by GRUB, from its ELF program headers) at
 * BOOT_STUB_ADDR, identity-mapped, well below the kernel's LOAD_PHYSICAL_ADDR.
 */
#include <asm/page_types.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(startup_32)

PHDRS {
	text PT_LOAD FLAGS(7);
}

SECTIONS
{
	. = BOOT_STUB_ADDR;
	_stub_start = .;
	.text : {
		KEEP(*(.head.text))
		*(.text .text.*)
	} :text
	.rodata : {
		*(.rodata .rodata.*)
		*(.rodata.compressed)
	} :text
	.data : { *(.data .data.*) } :text
	.bss : {
		_stub_bss_start = .;
		*(.bss .bss.*)
		*(COMMON)
		_stub_bss_end = .;
	} :text
	_stub_end = .;
	/DISCARD/ : { *(.note.*) *(.comment) *(.eh_frame) }
}

ASSERT(mb2_header - _stub_start < 32768 - 32, "multiboot2 header not in the first 32 KiB");
ASSERT(_stub_end <= LOAD_PHYSICAL_ADDR, "boot stub overlaps the kernel's load address");
