; SPDX-License-Identifier: GPL-2.0
;
; startup_64: the kernel's first instruction (Linux's arch/x86/kernel/head_64.S).
;
; The boot stub enters here in long mode at the PHYSICAL address of startup_64, on its own
; identity map, with RDI = physical address of the multiboot2 info. We switch to
; early_top_pgt (static tables below: the kernel text mapping __START_KERNEL_map -> phys 0
; in 2 MiB pages, plus an identity map of the low 1 GiB for the switch itself), jump to
; the link address, load our GDT, clear the bss, take init_stack and call
; x86_64_start_kernel(info_pa). Code before the jump is position-independent (RIP-relative).

%include "generated/layout.inc"
%include "generated/asm-offsets.inc"

BITS 64
section .head.text progbits alloc exec nowrite align=16

global startup_64:function (startup_64_end - startup_64)
startup_64:
	cli
	cld
	mov	r12, rdi				; the multiboot2 info (physical)
	lea	rax, [rel early_top_pgt]		; physical: we run at our load address
	mov	cr3, rax
	mov	rax, .Lhigh
	jmp	rax
.Lhigh:
	lgdt	[early_gdt_descr]
	mov	eax, __KERNEL_DS
	mov	ds, eax
	mov	es, eax
	mov	ss, eax
	xor	eax, eax
	mov	fs, eax
	mov	gs, eax
	push	__KERNEL_CS
	lea	rax, [rel .Lcs]
	push	rax
	retfq
.Lcs:
	extern	__bss_start, __bss_stop
	lea	rdi, [rel __bss_start]
	lea	rcx, [rel __bss_stop]
	sub	rcx, rdi
	xor	eax, eax
	rep stosb

	lea	rsp, [rel init_stack_end]
	xor	ebp, ebp				; the call trace stops here
	mov	rdi, r12
	extern	x86_64_start_kernel
	call	x86_64_start_kernel
.Lhalt:
	cli
	hlt
	jmp	.Lhalt
startup_64_end:

; The trampoline jumps here in long mode on the AP's own stack (16-byte aligned), its
; page table in CR3: call start_secondary(), which never returns.
global secondary_startup_64:function (secondary_startup_64_end - secondary_startup_64)
secondary_startup_64:
	xor	ebp, ebp				; the call trace stops here
	extern	start_secondary
	call	start_secondary
.Lhalt:
	cli
	hlt
	jmp	.Lhalt
secondary_startup_64_end:

section .rodata
align 16
early_gdt:
	dq 0
	dq 0x00cf9b000000ffff			; __KERNEL32_CS
	dq 0x00af9b000000ffff			; __KERNEL_CS
	dq 0x00cf93000000ffff			; __KERNEL_DS
early_gdt_end:
early_gdt_descr:
	dw early_gdt_end - early_gdt - 1
	dq early_gdt

; The early page tables. Entries hold physical addresses: symbol - __START_KERNEL_map.
section .data..page_aligned progbits alloc noexec write align=4096
global early_top_pgt:data (PAGE_SIZE), level2_kernel_pgt:data (PAGE_SIZE)
align 4096
early_top_pgt:
	dq level3_ident_pgt - LAYOUT_KERNEL_TEXT_START + _KERNPG_TABLE
	times PGD_INDEX_KERNEL_MAP - 1 dq 0
	dq level3_kernel_pgt - LAYOUT_KERNEL_TEXT_START + _KERNPG_TABLE
	times 512 - PGD_INDEX_KERNEL_MAP - 1 dq 0

level3_ident_pgt:
	dq level2_ident_pgt - LAYOUT_KERNEL_TEXT_START + _KERNPG_TABLE
	times 511 dq 0

level2_ident_pgt:					; 1 GiB identity, 2 MiB pages
%assign i 0
%rep PTRS_PER_PMD
	dq i * PMD_SIZE + __PAGE_KERNEL_LARGE_EXEC
%assign i i + 1
%endrep

level3_kernel_pgt:
	times PUD_INDEX_KERNEL_MAP dq 0
	dq level2_kernel_pgt - LAYOUT_KERNEL_TEXT_START + _KERNPG_TABLE
	times 512 - PUD_INDEX_KERNEL_MAP - 1 dq 0

level2_kernel_pgt:					; __START_KERNEL_map -> phys 0, 512 MiB
%assign i 0
%rep KERNEL_MAP_PMDS
	dq i * PMD_SIZE + __PAGE_KERNEL_LARGE_EXEC
%assign i i + 1
%endrep
	times PTRS_PER_PMD - KERNEL_MAP_PMDS dq 0

section .bss..page_aligned nobits alloc noexec write align=4096
global init_stack:data (init_stack_end - init_stack), init_stack_end
align 4096
init_stack:	resb 16384
init_stack_end:
