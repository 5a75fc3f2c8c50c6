// SPDX-License-Identifier: GPL-2.0
/* Suite printk_ringbuffer: the record ring on small private buffers, then printk itself. */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/printk.h>
#include <linux/ktest.h>
#include "printk_ringbuffer.h"

#define HIST 256

struct collect {
	u64 first_seq, last_seq;
	unsigned int count;
	bool contiguous;
	const char *texts[HIST]; /* by seq % HIST: what was stored */
	bool texts_match;
	struct printk_record last;
};

static void collect_visit(const struct printk_record *r, void *arg)
{
	struct collect *c = arg;
	const char *want = c->texts[r->seq % HIST];

	if (!c->count)
		c->first_seq = r->seq;
	else if (r->seq != c->last_seq + 1)
		c->contiguous = false;
	if (want && (strlen(want) != r->len || memcmp(want, r->text, r->len)))
		c->texts_match = false;
	c->last_seq = r->seq;
	c->last = *r;
	c->count++;
}

static void printk_test_store_read(struct ktest *t)
{
	static u8 buf[256] __aligned(8);
	struct log_ring r = { .buf = buf, .size = sizeof(buf) };
	struct collect c = { .contiguous = true, .texts_match = true };

	c.texts[0] = "first";
	c.texts[1] = "second";
	log_ring_store(&r, 6, LOG_REC_NEWLINE, 100, "first", 5);
	log_ring_store(&r, 3, LOG_REC_NEWLINE, 200, "second", 6);
	log_ring_for_each(&r, collect_visit, &c);
	KTEST_EXPECT_EQ(t, c.count, 2);
	KTEST_EXPECT_EQ(t, c.first_seq, 0);
	KTEST_EXPECT_TRUE(t, c.texts_match);
	KTEST_EXPECT_EQ(t, c.last.level, 3);
	KTEST_EXPECT_EQ(t, c.last.ts_nsec, 200);
}

/*
 * 2,000 records of pseudo-random length through a 512-byte ring: after every store the
 * visible records are a contiguous run ending at the newest, with the texts stored.
 */
static void printk_test_wrap_drop(struct ktest *t)
{
	static u8 buf[512] __aligned(8);
	static char texts[HIST][64];
	struct log_ring r = { .buf = buf, .size = sizeof(buf) };
	u32 x = 2463534242u;
	int bad = 0;

	for (u64 seq = 0; seq < 2000 && !bad; seq++) {
		struct collect c = { .contiguous = true, .texts_match = true };
		u32 len;

		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		len = x % 60;
		for (u32 i = 0; i < len; i++)
			texts[seq % HIST][i] = 'a' + (seq + i) % 26;
		texts[seq % HIST][len] = '\0';
		log_ring_store(&r, 7, LOG_REC_NEWLINE, seq, texts[seq % HIST], len);
		for (int i = 0; i < HIST; i++)
			c.texts[i] = texts[i];
		log_ring_for_each(&r, collect_visit, &c);
		bad = !c.contiguous || !c.texts_match || c.last_seq != seq || c.count < 1 ||
		      c.count * 24 > sizeof(buf);
		if (bad)
			ktest_fail(t, __FILE__, __LINE__,
				   "seq %llu: %u records from %llu, ok=%d/%d",
				   (unsigned long long)seq, c.count,
				   (unsigned long long)c.first_seq, c.contiguous, c.texts_match);
	}
	KTEST_EXPECT_EQ(t, r.next_seq, bad ? 0 : 2000);
	KTEST_EXPECT_TRUE(t, r.first_seq > 0);
}

static void printk_test_truncate(struct ktest *t)
{
	static u8 buf[256] __aligned(8);
	static char big[400];
	struct log_ring r = { .buf = buf, .size = sizeof(buf) };
	struct collect c = { .contiguous = true, .texts_match = true };

	memset(big, 'x', sizeof(big));
	log_ring_store(&r, 4, 0, 0, big, sizeof(big));
	log_ring_for_each(&r, collect_visit, &c);
	KTEST_EXPECT_EQ(t, c.count, 1);
	KTEST_EXPECT_EQ(t, c.last.len, log_ring_max_text(&r));
	KTEST_EXPECT_TRUE(t, c.last.len < sizeof(buf));
}

static void printk_test_format(struct ktest *t)
{
	struct printk_record r = {
		.ts_nsec = 1234567890ULL, .text = "hello", .len = 5, .newline = true
	};
	char out[64];

	printk_format_record(&r, out, sizeof(out));
	KTEST_EXPECT_STREQ(t, out, "[    1.234567] hello\n");
	r.cont = true;
	r.newline = false;
	printk_format_record(&r, out, sizeof(out));
	KTEST_EXPECT_STREQ(t, out, "hello");
}

static void last_visit(const struct printk_record *r, void *arg)
{
	struct printk_record *last = arg;

	last[0] = last[1];
	last[1] = *r;
}

/* printk into the real log at KERN_DEBUG (below the console level: not shown). */
static void printk_test_levels_cont(struct ktest *t)
{
	struct printk_record last[2] = { 0 };
	u64 seq = printk_next_seq();

	printk(KERN_DEBUG "ktest: part one,");
	pr_cont(" part two\n");
	printk_for_each(last_visit, last);
	KTEST_EXPECT_EQ(t, printk_next_seq(), seq + 2);
	KTEST_EXPECT_EQ(t, last[0].level, 7);
	KTEST_EXPECT_TRUE(t, !last[0].cont && !last[0].newline);
	KTEST_EXPECT_TRUE(t, last[1].cont && last[1].newline);
	KTEST_EXPECT_EQ(t, last[1].len, 9);
	KTEST_EXPECT_TRUE(t, !memcmp(last[1].text, " part two", 9));
}

static const struct ktest_case printk_test_cases[] = {
	KTEST_CASE(printk_test_store_read),  KTEST_CASE(printk_test_wrap_drop),
	KTEST_CASE(printk_test_truncate),    KTEST_CASE(printk_test_format),
	KTEST_CASE(printk_test_levels_cont), {}
};

static const struct ktest_suite printk_test_suite = {
	.name = "printk_ringbuffer",
	.cases = printk_test_cases,
};
KTEST_SUITE(printk_test_suite);
