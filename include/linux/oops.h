/* SPDX-License-Identifier: GPL-2.0 */
/*
 * After an oops Linux kills the task that took it. carto's one task is the monitor: it
 * registers where it restarts (a function and the top of its stack), and an oops in
 * process context resumes there instead of halting. Oopses in other contexts panic.
 */
#ifndef _LINUX_OOPS_H
#define _LINUX_OOPS_H

#include <linux/compiler.h>

void oops_set_recovery(void (*restart)(void), void *stack_top);
/* Switch to stack_top and call fn, which never returns. */
__noreturn void run_on_stack(void *stack_top, void (*fn)(void));
/* How many oopses so far (the "[#N]" of the report). */
extern int oops_count;

__printf(1, 2) __noreturn void panic(const char *fmt, ...);

#endif /* _LINUX_OOPS_H */
