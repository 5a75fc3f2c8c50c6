/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_PTRACE_H
#define _ASM_X86_PTRACE_H

#ifndef __ASSEMBLY__
/*
 * The registers an exception saves, in Linux's struct pt_regs order: the entry stub
 * (entry_64.asm) pushes the general registers below the vector number, the error code and
 * the hardware frame.
 */
struct pt_regs {
	unsigned long r15, r14, r13, r12, bp, bx;
	unsigned long r11, r10, r9, r8, ax, cx, dx, si, di;
	unsigned long vector;
	unsigned long orig_ax; /* the error code, or -1 */
	unsigned long ip, cs, flags, sp, ss;
};
#endif

#endif /* _ASM_X86_PTRACE_H */
