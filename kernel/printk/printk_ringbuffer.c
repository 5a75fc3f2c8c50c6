// SPDX-License-Identifier: GPL-2.0
/*
 * Variable-length records in a ring (Linux's pre-5.10 log_store()): each record is a header
 * and its text, 8-byte aligned. A record never wraps: when it does not fit before the end
 * of the buffer, a wrap marker is left there and it goes to the start. When the ring is
 * full, the oldest records are dropped. Sequence numbers count every record ever stored.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include "printk_ringbuffer.h"

#define REC_WRAP 0xffff

struct rec {
	u64 seq;
	u64 ts_nsec;
	u16 len;
	u8 level;
	u8 flags;
	u32 pad;
};

static struct rec *rec_at(const struct log_ring *r, u32 idx)
{
	return (struct rec *)(r->buf + idx);
}

static u32 rec_size(u32 len)
{
	return ALIGN(sizeof(struct rec) + len, 8);
}

/* The index idx, or 0 when a wrap marker (or too little room for a header) is there. */
static u32 rec_fix(const struct log_ring *r, u32 idx)
{
	if (r->size - idx < sizeof(struct rec) || rec_at(r, idx)->len == REC_WRAP)
		return 0;
	return idx;
}

static u32 rec_next(const struct log_ring *r, u32 idx)
{
	return rec_fix(r, idx + rec_size(rec_at(r, idx)->len));
}

/* Room for `size` bytes at next_idx, or at 0 after a wrap, without touching live records. */
static bool has_space(struct log_ring *r, u32 size)
{
	if (r->first_seq == r->next_seq) {
		r->first_idx = r->next_idx = 0;
		return true;
	}
	if (r->next_idx > r->first_idx)
		return r->size - r->next_idx >= size || r->first_idx >= size;
	return r->first_idx - r->next_idx >= size;
}

u32 log_ring_max_text(const struct log_ring *r)
{
	u32 max = r->size / 2 - sizeof(struct rec);

	return max < REC_WRAP ? max : REC_WRAP - 1;
}

void log_ring_store(struct log_ring *r, u8 level, u8 flags, u64 ts, const char *text, u32 len)
{
	u32 size;
	struct rec *h;

	len = min(len, log_ring_max_text(r));
	size = rec_size(len);
	while (!has_space(r, size)) {
		r->first_idx = rec_next(r, rec_fix(r, r->first_idx));
		r->first_seq++;
	}
	if (r->size - r->next_idx < size) {
		if (r->size - r->next_idx >= sizeof(struct rec))
			rec_at(r, r->next_idx)->len = REC_WRAP;
		r->next_idx = 0;
	}
	h = rec_at(r, r->next_idx);
	*h = (struct rec){
		.seq = r->next_seq++, .ts_nsec = ts, .len = len, .level = level, .flags = flags
	};
	memcpy(h + 1, text, len);
	r->next_idx += size;
	if (r->next_idx == r->size)
		r->next_idx = 0;
}

void log_ring_for_each(const struct log_ring *r, printk_visit_t fn, void *arg)
{
	u32 idx = rec_fix(r, r->first_idx);

	for (u64 seq = r->first_seq; seq < r->next_seq; seq++, idx = rec_next(r, idx)) {
		const struct rec *h = rec_at(r, idx);
		struct printk_record pr = {
			.seq = h->seq,
			.ts_nsec = h->ts_nsec,
			.level = h->level,
			.cont = h->flags & LOG_REC_CONT,
			.newline = h->flags & LOG_REC_NEWLINE,
			.len = h->len,
			.text = (const char *)(h + 1),
		};
		fn(&pr, arg);
	}
}
