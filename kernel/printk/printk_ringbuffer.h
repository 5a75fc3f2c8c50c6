/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The record ring under printk (kernel/printk/printk_ringbuffer.c): variable-length records
 * in a byte buffer, oldest dropped when full. An instance type, so tests can run it small.
 */
#ifndef _PRINTK_RINGBUFFER_H
#define _PRINTK_RINGBUFFER_H

#include <linux/printk.h>

struct log_ring {
	u8 *buf; /* 8-byte aligned */
	u32 size; /* a multiple of 8 */
	u32 first_idx, next_idx;
	u64 first_seq, next_seq;
};

#define LOG_REC_CONT 0x01 /* continues the previous record's line */
#define LOG_REC_NEWLINE 0x02 /* the line ends here */

/* Largest text one record can hold in a ring of `size` bytes. */
u32 log_ring_max_text(const struct log_ring *r);
/* Store one record (text truncated to what the ring can hold); drops the oldest as needed. */
void log_ring_store(struct log_ring *r, u8 level, u8 flags, u64 ts, const char *text, u32 len);
/* Visit each record oldest first. */
void log_ring_for_each(const struct log_ring *r, printk_visit_t fn, void *arg);

#endif /* _PRINTK_RINGBUFFER_H */
