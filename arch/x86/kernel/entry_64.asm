; SPDX-License-Identifier: GPL-2.0
;
; Interrupt and exception entry (Linux's arch/x86/entry/entry_64.S, reduced to kernel mode).
;
; Each vector has a stub that makes the stack uniform (an error code, or -1 where the CPU
; pushes none, then the vector number) and jumps to common_entry, which saves the general
; registers as a struct pt_regs and calls do_trap(regs). do_trap may change regs->ip/sp
; (exception fixups, the monitor's oops recovery) before we return with iretq.

%include "generated/asm-offsets.inc"

NR_VECTOR_STUBS equ 256

BITS 64
section .text

; Vectors whose exception pushes an error code: #DF 8, #TS 10, #NP 11, #SS 12, #GP 13,
; #PF 14, #AC 17, #CP 21, #VC 29, #SX 30.
%define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

%macro VECTOR_STUB 1
align 16
vector_stub_%1:
%if HAS_ERRCODE(%1) == 0
	push	-1
%endif
	push	%1
	jmp	common_entry
%endmacro

%assign v 0
%rep NR_VECTOR_STUBS
	VECTOR_STUB v
%assign v v + 1
%endrep

common_entry:
	cld
	push	rdi
	push	rsi
	push	rdx
	push	rcx
	push	rax
	push	r8
	push	r9
	push	r10
	push	r11
	push	rbx
	push	rbp
	push	r12
	push	r13
	push	r14
	push	r15
	mov	rdi, rsp
	extern	do_trap
	call	do_trap
	pop	r15
	pop	r14
	pop	r13
	pop	r12
	pop	rbp
	pop	rbx
	pop	r11
	pop	r10
	pop	r9
	pop	r8
	pop	rax
	pop	rcx
	pop	rdx
	pop	rsi
	pop	rdi
	add	rsp, 16				; vector, error code
	iretq

; run_on_stack(stack_top, fn): switch stacks and call fn, which does not return.
global run_on_stack:function (run_on_stack_end - run_on_stack)
run_on_stack:
	mov	rsp, rdi
	xor	ebp, ebp
	call	rsi
.Lhalt:
	cli
	hlt
	jmp	.Lhalt
run_on_stack_end:

section .rodata
align 8
global vector_stubs:data (NR_VECTOR_STUBS * 8)
vector_stubs:
%assign v 0
%rep NR_VECTOR_STUBS
	dq vector_stub_ %+ v
%assign v v + 1
%endrep
