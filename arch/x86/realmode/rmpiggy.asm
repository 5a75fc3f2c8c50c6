; SPDX-License-Identifier: GPL-2.0
;
; The AP trampoline's bytes in the kernel image (Linux's arch/x86/realmode/rmpiggy.S):
; smpboot.c copies trampoline_blob .. trampoline_blob_end to a page below 1 MiB.

BITS 64
section .rodata
align 16
global trampoline_blob:data (trampoline_blob_end - trampoline_blob), trampoline_blob_end
trampoline_blob:
	incbin	"arch/x86/realmode/rm/trampoline.bin"
trampoline_blob_end:
