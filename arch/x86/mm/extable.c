// SPDX-License-Identifier: GPL-2.0
/*
 * The exception fixup table (Linux's arch/x86/mm/extable.c): sorted once at boot, then
 * searched by binary search when a kernel instruction faults.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/uaccess.h>
#include <asm/extable.h>
#include <asm/ptrace.h>
#include <asm/special_insns.h>

extern struct exception_table_entry __start___ex_table[], __stop___ex_table[];

/* Insertion sort: the table is short and mostly in order already. */
void sort_main_extable(void)
{
	struct exception_table_entry *t = __start___ex_table;
	long n = __stop___ex_table - __start___ex_table;

	for (long i = 1; i < n; i++) {
		struct exception_table_entry e = t[i];
		long j = i - 1;

		for (; j >= 0 && t[j].insn > e.insn; j--)
			t[j + 1] = t[j];
		t[j + 1] = e;
	}
}

const struct exception_table_entry *search_exception_tables(unsigned long ip)
{
	const struct exception_table_entry *lo = __start___ex_table, *hi = __stop___ex_table;

	while (lo < hi) {
		const struct exception_table_entry *mid = lo + (hi - lo) / 2;

		if (mid->insn == ip)
			return mid;
		if (mid->insn < ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool fixup_exception(struct pt_regs *regs)
{
	const struct exception_table_entry *e = search_exception_tables(regs->ip);

	if (!e)
		return false;
	regs->ip = e->fixup;
	return true;
}

/*
 * One byte, one word or eight bytes read by an instruction that has a fixup: on a fault
 * the fixup sets err to -EFAULT and resumes after the load.
 */
#define DEFINE_NOFAULT_LOAD(type, suffix)                                   \
	static inline int load_nofault_##suffix(type *dst, const void *src) \
	{                                                                   \
		int err = 0;                                                \
		type v = 0;                                                 \
		asm volatile("1: mov" #suffix " (%[src]), %[v]\n"           \
			     "2:\n"                                         \
			     " .pushsection .text.fixup, \"ax\"\n"          \
			     "3: movl %[efault], %[err]\n"                  \
			     " jmp 2b\n"                                    \
			     " .popsection\n" _ASM_EXTABLE(1b, 3b)          \
			     : [err] "+r"(err), [v] "+r"(v)                 \
			     : [src] "r"(src), [efault] "i"(-EFAULT)        \
			     : "memory");                                   \
		*dst = v;                                                   \
		return err;                                                 \
	}
DEFINE_NOFAULT_LOAD(u8, b)
DEFINE_NOFAULT_LOAD(u64, q)

static long __copy_nofault(void *dst, const void *src, size_t size);

/*
 * A debugger's read: whatever the CPU maps is readable, user-accessible pages too (the
 * vsyscall page), so SMAP is lifted for the copy. Faults end it with -EFAULT.
 */
long copy_from_kernel_nofault(void *dst, const void *src, size_t size)
{
	long err;

	stac();
	err = __copy_nofault(dst, src, size);
	clac();
	return err;
}

static long __copy_nofault(void *dst, const void *src, size_t size)
{
	const u8 *s = src;
	u8 *d = dst;

	/* Bytes up to an 8-byte boundary, then whole words, then the tail. */
	for (; size && (!IS_ALIGNED((unsigned long)s, 8) || size < 8); size--, s++, d++)
		if (load_nofault_b(d, s))
			return -EFAULT;
	for (; size >= 8; size -= 8, s += 8, d += 8) {
		u64 v;

		if (load_nofault_q(&v, s))
			return -EFAULT;
		__builtin_memcpy(d, &v, 8);
	}
	for (; size; size--, s++, d++)
		if (load_nofault_b(d, s))
			return -EFAULT;
	return 0;
}
