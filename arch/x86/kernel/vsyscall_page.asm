; SPDX-License-Identifier: GPL-2.0
;
; The legacy vsyscall page (Linux's vsyscall_emu_64.S): three entry points at fixed offsets
; of VSYSCALL_ADDR, each a system call; the rest int3. carto maps it read-only and NX, as
; Linux's vsyscall=emulate does, so a legacy call traps instead of running it.

section .rodata.vsyscall progbits alloc noexec nowrite align=4096
global __vsyscall_page:data (__vsyscall_page_end - __vsyscall_page)
align 4096
__vsyscall_page:
	mov	rax, strict dword 96		; __NR_gettimeofday
	syscall
	ret
	times 0x400 - ($ - __vsyscall_page) db 0xcc
	mov	rax, strict dword 201		; __NR_time
	syscall
	ret
	times 0x800 - ($ - __vsyscall_page) db 0xcc
	mov	rax, strict dword 309		; __NR_getcpu
	syscall
	ret
	times 4096 - ($ - __vsyscall_page) db 0xcc
__vsyscall_page_end:
