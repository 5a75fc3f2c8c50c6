; SPDX-License-Identifier: GPL-2.0
;
; The boot floor for `make bench`: the smallest multiboot2 kernel GRUB will start. Its 32-bit
; entry prints one line on COM1 and exits QEMU through isa-debug-exit (port 0xf4), so the time
; from QEMU's start to its line is what firmware + GRUB cost before any kernel runs.
;
; Built by tests/bench/bench.py: nasm -f elf32, ld -m elf_i386 -T trivial.ld (linked at 1 MiB).

MB2_MAGIC	equ 0xE85250D6
MB2_ARCH_I386	equ 0			; 32-bit protected mode
MB2_HDR_LEN	equ mb2_header_end - mb2_header
MB2_CHECKSUM	equ 0x100000000 - (MB2_MAGIC + MB2_ARCH_I386 + MB2_HDR_LEN)

COM1		equ 0x3f8		; GRUB has already set it up (serial --unit=0)
COM1_LSR	equ COM1 + 5
LSR_THRE	equ 0x20		; transmit holding register empty
DEBUG_EXIT	equ 0xf4		; -device isa-debug-exit,iobase=0xf4: exit status (v << 1) | 1

section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header:
	dd MB2_MAGIC
	dd MB2_ARCH_I386
	dd MB2_HDR_LEN
	dd MB2_CHECKSUM
	; end tag: type 0, flags 0, size 8
	dw 0
	dw 0
	dd 8
mb2_header_end:

section .text
bits 32
global _start
_start:
	cli
	mov esi, message
.next_char:
	mov bl, [esi]
	test bl, bl
	jz .exit
	mov dx, COM1_LSR
.wait_thre:
	in al, dx
	test al, LSR_THRE
	jz .wait_thre
	mov dx, COM1
	mov al, bl
	out dx, al
	inc esi
	jmp .next_char
.exit:
	xor eax, eax
	out DEBUG_EXIT, al		; QEMU exits with status 1
.halt:					; without isa-debug-exit: stay here
	hlt
	jmp .halt

section .rodata
message:
	db "trivial: hello", 13, 10, 0
