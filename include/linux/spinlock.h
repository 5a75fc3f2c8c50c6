/* SPDX-License-Identifier: GPL-2.0 */
/* A test-and-set spinlock; the _irqsave forms also keep local interrupts out. */
#ifndef _LINUX_SPINLOCK_H
#define _LINUX_SPINLOCK_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <asm/special_insns.h>

typedef struct {
	volatile int locked;
} spinlock_t;

#define DEFINE_SPINLOCK(x) spinlock_t x = { 0 }

static inline void spin_lock(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (READ_ONCE(l->locked))
			cpu_relax();
}

static inline bool spin_trylock(spinlock_t *l)
{
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#define spin_lock_irqsave(l, flags)         \
	do {                                \
		(flags) = local_irq_save(); \
		spin_lock(l);               \
	} while (0)

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	spin_unlock(l);
	local_irq_restore(flags);
}

#endif /* _LINUX_SPINLOCK_H */
