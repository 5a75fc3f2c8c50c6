; SPDX-License-Identifier: GPL-2.0
;
; The AP trampoline (Linux's arch/x86/realmode/rm/trampoline_64.S): a STARTUP IPI starts an
; application processor here in real mode, at CS = page >> 4, IP = 0, in the page below
; 1 MiB that smpboot.c copied this blob to. Position-independent: the linear addresses the
; far jumps and LGDT need are computed from CS. Real mode -> protected mode (flat 32-bit
; segments) -> CR4/CR3/EFER/CR0 from the header smpboot.c filled (paging on, long mode) ->
; 64-bit code here -> the kernel's secondary_startup_64 at its link address, on the stack
; the header names. CR3 is the trampoline page table (below 4 GiB: the identity map of
; this page plus the kernel half of init_top_pgt).
;
; Assembled with -f bin: the header's offsets are fixed (struct trampoline_header in
; arch/x86/kernel/smpboot.c), checked below.

BITS 16
ORG 0

trampoline_start:
	jmp	short tr_start16
	times 8 - ($ - $$) db 0

; struct trampoline_header: filled by smpboot.c before each STARTUP IPI
tr_cr0:		dd 0				; 8
tr_cr3:		dd 0				; 12
tr_cr4:		dd 0				; 16
tr_flags:	dd 0				; 20 (reserved)
tr_efer:	dq 0				; 24
tr_stack:	dq 0				; 32
tr_entry:	dq 0				; 40
tr_header_end:
	; struct trampoline_header is 48 bytes: a negative TIMES here fails the build
	times 48 - (tr_header_end - trampoline_start) db 0
	times (tr_header_end - trampoline_start) - 48 db 0

; Written by the AP itself: far pointers and the GDT base as linear addresses.
align 8
tr_gdtr:	dw tr_gdt_end - tr_gdt - 1
		dd 0
align 8
tr_pm_ptr:	dd 0
		dw 0x08				; 32-bit code
align 8
tr_lm_ptr:	dd 0
		dw 0x18				; 64-bit code

align 16
tr_gdt:
	dq 0
	dq 0x00cf9b000000ffff			; 0x08: 32-bit code, flat
	dq 0x00cf93000000ffff			; 0x10: data, flat
	dq 0x00af9b000000ffff			; 0x18: 64-bit code
tr_gdt_end:

tr_start16:
	cli
	cld
	mov	ax, cs
	mov	ds, ax
	xor	ebx, ebx
	mov	bx, ax
	shl	ebx, 4				; ebx = this page's linear address
	lea	eax, [ebx + tr_gdt]
	mov	[tr_gdtr + 2], eax
	lea	eax, [ebx + tr_pm]
	mov	[tr_pm_ptr], eax
	lea	eax, [ebx + tr_lm]
	mov	[tr_lm_ptr], eax
	lgdt	[tr_gdtr]
	mov	eax, cr0
	or	eax, 1				; PE
	mov	cr0, eax
	jmp	dword far [tr_pm_ptr]

BITS 32
tr_pm:
	mov	ax, 0x10
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	mov	eax, [ebx + tr_cr4]		; PAE, PGE, SMEP, SMAP... as the boot CPU (no PCIDE)
	mov	cr4, eax
	mov	eax, [ebx + tr_cr3]
	mov	cr3, eax
	mov	ecx, 0xc0000080			; EFER: LME, NXE (the kernel's tables use NX)
	mov	eax, [ebx + tr_efer]
	mov	edx, [ebx + tr_efer + 4]
	wrmsr
	mov	eax, [ebx + tr_cr0]		; PG: long mode active, still in 32-bit code
	mov	cr0, eax
	jmp	far [ebx + tr_lm_ptr]

BITS 64
tr_lm:
	mov	ebx, ebx			; the upper halves are undefined after the switch
	mov	rsp, [rbx + tr_stack]
	mov	rax, [rbx + tr_entry]
	jmp	rax
trampoline_end:
