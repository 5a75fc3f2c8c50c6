; SPDX-License-Identifier: GPL-2.0
;
; The boot stub's entry (Linux's arch/x86/boot/compressed/head_64.S, for multiboot2).
;
; GRUB enters startup_32 in 32-bit protected mode, paging off, EAX = multiboot2 magic,
; EBX = physical address of the boot information, no usable stack, GDT or IDT. We check
; the CPU (CPUID, PAE, long mode, NX), identity-map the low 4 GiB with 2 MiB pages, enter
; long mode and call stub_main() in C, which decompresses and places the kernel.
; A missing feature is said on COM1 and the CPU halts: there is nothing to fall back to.

%include "generated/layout.inc"
%include "generated/asm-offsets.inc"

COM1		equ 0x3f8
IDENT_PMDS	equ BOOT_IDENT_LIMIT / (PTRS_PER_PMD * PMD_SIZE)	; 4 pmd pages for 4 GiB

section .head.text progbits alloc exec nowrite align=8

; ---- the multiboot2 header: within the first 32 KiB, 8-byte aligned ----
align 8
global mb2_header
mb2_header:
	dd MULTIBOOT2_HEADER_MAGIC
	dd 0					; architecture: i386 protected mode
	dd mb2_header_end - mb2_header
	dd -(MULTIBOOT2_HEADER_MAGIC + 0 + (mb2_header_end - mb2_header))
align 8
	dw 6, 0					; module alignment: modules page-aligned
	dd 8
align 8
	dw 0, 0					; end tag
	dd 8
mb2_header_end:

BITS 32
global startup_32
startup_32:
	cli
	cld
	mov	esp, boot_stack_end
	mov	[boot_magic], eax
	mov	[boot_info], ebx

	lgdt	[boot_gdt_desc]
	jmp	__KERNEL32_CS:.reload
.reload:
	mov	ax, __KERNEL_DS
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	mov	fs, ax
	mov	gs, ax

	call	serial_init32

	cmp	dword [boot_magic], MULTIBOOT2_BOOTLOADER_MAGIC
	mov	esi, msg_no_mb2
	jne	fail32

	; CPUID exists when EFLAGS.ID can be toggled.
	pushfd
	pop	eax
	mov	ecx, eax
	xor	eax, X86_EFLAGS_ID
	push	eax
	popfd
	pushfd
	pop	eax
	push	ecx
	popfd
	xor	eax, ecx
	mov	esi, msg_no_cpuid
	test	eax, X86_EFLAGS_ID
	jz	fail32

	mov	eax, 1
	cpuid
	mov	esi, msg_no_pae
	bt	edx, X86_FEATURE_PAE_BIT
	jnc	fail32

	mov	eax, 0x80000000
	cpuid
	mov	esi, msg_no_lm
	cmp	eax, 0x80000001
	jb	fail32
	mov	eax, 0x80000001
	cpuid
	bt	edx, X86_FEATURE_LM_BIT
	jnc	fail32
	mov	esi, msg_no_nx
	bt	edx, X86_FEATURE_NX_BIT
	jnc	fail32

	; Identity map [0, BOOT_IDENT_LIMIT): pgd[0] -> pud, pud[i] -> pmd page i, 2 MiB leaves.
	mov	edi, ident_pgd
	mov	ecx, (3 + IDENT_PMDS) * PAGE_SIZE / 4
	xor	eax, eax
	rep stosd
	mov	dword [ident_pgd], ident_pud + _KERNPG_TABLE
	xor	ecx, ecx
.pud:
	mov	eax, ecx
	shl	eax, 12
	add	eax, ident_pmd + _KERNPG_TABLE
	mov	[ident_pud + ecx * 8], eax
	inc	ecx
	cmp	ecx, IDENT_PMDS
	jb	.pud
	xor	ecx, ecx			; pmd entry number over all pmd pages
.pmd:
	mov	eax, ecx
	shl	eax, 21				; low 32 bits of the 2 MiB frame address
	or	eax, _PAGE_PRESENT_RW_PSE
	mov	edx, ecx
	shr	edx, 11				; high bits: entry >> (32 - 21)
	mov	[ident_pmd + ecx * 8], eax
	mov	[ident_pmd + ecx * 8 + 4], edx
	inc	ecx
	cmp	ecx, IDENT_PMDS * PTRS_PER_PMD
	jb	.pmd

	mov	eax, cr4
	or	eax, X86_CR4_PAE
	mov	cr4, eax
	mov	eax, ident_pgd
	mov	cr3, eax
	mov	ecx, MSR_EFER
	rdmsr
	or	eax, EFER_LME | EFER_NX
	wrmsr
	mov	eax, cr0
	or	eax, X86_CR0_PG | X86_CR0_PE
	mov	cr0, eax
	jmp	__KERNEL_CS:startup_64

; fail32: print the NUL-terminated message at ESI on COM1, then halt for good.
fail32:
	call	serial_puts32
.halt:
	cli
	hlt
	jmp	.halt

; serial_init32: COM1 at 115200 8N1, FIFOs on (the C side only polls it).
serial_init32:
	mov	dx, COM1 + 1
	xor	al, al
	out	dx, al				; no interrupts
	mov	dx, COM1 + 3
	mov	al, 0x80
	out	dx, al				; DLAB
	mov	dx, COM1
	mov	al, 1
	out	dx, al				; divisor 1: 115200
	mov	dx, COM1 + 1
	xor	al, al
	out	dx, al
	mov	dx, COM1 + 3
	mov	al, 0x03
	out	dx, al				; 8N1
	mov	dx, COM1 + 2
	mov	al, 0xc7
	out	dx, al				; FIFO on, cleared
	mov	dx, COM1 + 4
	mov	al, 0x03
	out	dx, al				; DTR, RTS
	ret

serial_puts32:
.next:
	lodsb
	test	al, al
	jz	.done
	mov	ah, al
	mov	dx, COM1 + 5
.wait:
	in	al, dx
	test	al, 0x20
	jz	.wait
	mov	dx, COM1
	mov	al, ah
	out	dx, al
	jmp	.next
.done:
	ret

BITS 64
startup_64:
	xor	eax, eax
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	mov	fs, ax
	mov	gs, ax
	mov	rsp, boot_stack_end
	mov	edi, [boot_magic]
	mov	esi, [boot_info]
	extern	stub_main
	call	stub_main			; does not return
.halt:
	cli
	hlt
	jmp	.halt

; stub_jump_kernel(entry_pa, boot_info_pa): enter the kernel's startup_64 with RDI = info.
global stub_jump_kernel
stub_jump_kernel:
	mov	rax, rdi
	mov	rdi, rsi
	xor	esi, esi
	jmp	rax

section .rodata
msg_no_mb2:	db "carto: boot failed: not started by a multiboot2 loader (bad magic in EAX)", 13, 10, 0
msg_no_cpuid:	db "carto: boot failed: this CPU has no CPUID instruction", 13, 10, 0
msg_no_pae:	db "carto: boot failed: this CPU does not support PAE", 13, 10, 0
msg_no_lm:	db "carto: boot failed: this CPU does not support long mode (x86_64)", 13, 10, 0
msg_no_nx:	db "carto: boot failed: this CPU does not support the NX bit (no-execute)", 13, 10, 0

align 8
boot_gdt:
	dq 0
	dq 0x00cf9a000000ffff			; __KERNEL32_CS: 32-bit code, flat
	dq 0x00af9a000000ffff			; __KERNEL_CS: 64-bit code
	dq 0x00cf92000000ffff			; __KERNEL_DS: data, flat
boot_gdt_end:
boot_gdt_desc:
	dw boot_gdt_end - boot_gdt - 1
	dq boot_gdt

section .bss nobits alloc noexec write align=4096
align 4096
ident_pgd:	resb PAGE_SIZE
ident_pud:	resb PAGE_SIZE
ident_pmd:	resb IDENT_PMDS * PAGE_SIZE
; ident_pgd..ident_pmd are cleared together: keep them adjacent and in this order.
boot_stack:	resb 16384
boot_stack_end:
boot_magic:	resd 1
boot_info:	resd 1
