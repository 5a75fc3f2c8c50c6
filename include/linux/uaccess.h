/* SPDX-License-Identifier: GPL-2.0 */
/* Reads that may fault: a fault jumps to a fixup through __ex_table instead of an oops. */
#ifndef _LINUX_UACCESS_H
#define _LINUX_UACCESS_H

#include <linux/types.h>

/* Copy size bytes from a kernel address that may be unmapped. 0, or -EFAULT (nothing lost). */
long copy_from_kernel_nofault(void *dst, const void *src, size_t size);

#endif /* _LINUX_UACCESS_H */
