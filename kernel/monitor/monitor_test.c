// SPDX-License-Identifier: GPL-2.0
/*
 * Suite monitor_parse: the monitor's input side without the UART. The tokenizer, the
 * address and number parsers, the command table, and the line editor driven by byte
 * sequences in memory (editing keys, history, escape sequences, overlong lines, garbage).
 */
#define pr_fmt(fmt) "monitor: " fmt
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/ktest.h>
#include <asm/page_types.h>
#include "monitor.h"
#include "line.h"

#define TEST_PROMPT "carto> "

static struct line_editor test_editor; /* 4 KiB of history: not on the stack */
static char test_out[8192];
static size_t test_out_len;

/* The editor's output, kept (truncated) in test_out. */
static void test_write(void *ctx __maybe_unused, const char *s, size_t len)
{
	for (size_t i = 0; i < len && test_out_len < sizeof(test_out) - 1; i++)
		test_out[test_out_len++] = s[i];
	test_out[test_out_len] = '\0';
}

/* Forget the captured output. */
static void out_clear(void)
{
	test_out_len = 0;
	test_out[0] = '\0';
}

/* True when the captured output contains needle. */
static bool out_has(const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= test_out_len; i++)
		if (!memcmp(test_out + i, needle, n))
			return true;
	return false;
}

/* A fresh editor (empty history) with its first prompt printed, and the output cleared. */
static struct line_editor *editor_new(void)
{
	line_init(&test_editor, TEST_PROMPT, test_write, NULL);
	line_start(&test_editor);
	out_clear();
	return &test_editor;
}

/*
 * Feed n bytes as the monitor loop would, starting a new line after each outcome except
 * one on the last byte (so the caller can look at the submitted line). Returns the last
 * outcome (LINE_NONE if none) and counts the lines submitted in *ready when not NULL.
 */
static int feed_bytes(struct line_editor *e, const char *s, size_t n, int *ready)
{
	int last = LINE_NONE;

	for (size_t i = 0; i < n; i++) {
		int r = line_feed(e, (u8)s[i]);

		if (r == LINE_NONE)
			continue;
		last = r;
		if (ready && r == LINE_READY)
			(*ready)++;
		if (i + 1 < n)
			line_start(e);
	}
	return last;
}

/* feed_bytes() for a NUL-terminated string. */
static int feed(struct line_editor *e, const char *s)
{
	return feed_bytes(e, s, strlen(s), NULL);
}

static void monitor_test_tokenize(struct ktest *t)
{
	char line[96], *argv[MONITOR_MAXARGS];

	strlcpy(line, "  x  ffff\t16 ", sizeof(line));
	KTEST_EXPECT_EQ(t, monitor_tokenize(line, argv, MONITOR_MAXARGS), 3);
	KTEST_EXPECT_STREQ(t, argv[0], "x");
	KTEST_EXPECT_STREQ(t, argv[1], "ffff");
	KTEST_EXPECT_STREQ(t, argv[2], "16");
	strlcpy(line, "", sizeof(line));
	KTEST_EXPECT_EQ(t, monitor_tokenize(line, argv, MONITOR_MAXARGS), 0);
	strlcpy(line, " \t \t", sizeof(line));
	KTEST_EXPECT_EQ(t, monitor_tokenize(line, argv, MONITOR_MAXARGS), 0);
	strlcpy(line, "a b c d e f g h i j k l m n o p", sizeof(line));
	KTEST_EXPECT_EQ(t, monitor_tokenize(line, argv, MONITOR_MAXARGS), 16);
	KTEST_EXPECT_STREQ(t, argv[15], "p");
	strlcpy(line, "a b c d e f g h i j k l m n o p q", sizeof(line));
	KTEST_EXPECT_EQ(t, monitor_tokenize(line, argv, MONITOR_MAXARGS), -E2BIG);
	KTEST_EXPECT_STREQ(t, argv[0], "a");
}

static void monitor_test_parse_addr_hex(struct ktest *t)
{
	char s[32];
	unsigned long v = 0;

	snprintf(s, sizeof(s), "%lx", (unsigned long)__START_KERNEL);
	KTEST_EXPECT_EQ(t, monitor_parse_addr(s, &v), 0);
	KTEST_EXPECT_EQ(t, v, __START_KERNEL);
	snprintf(s, sizeof(s), "0x%lx", (unsigned long)VMALLOC_START);
	KTEST_EXPECT_EQ(t, monitor_parse_addr(s, &v), 0);
	KTEST_EXPECT_EQ(t, v, VMALLOC_START);
	KTEST_EXPECT_EQ(t, monitor_parse_addr("0X1f", &v), 0);
	KTEST_EXPECT_EQ(t, v, 0x1f);
	KTEST_EXPECT_EQ(t, monitor_parse_addr("1000", &v), 0);
	KTEST_EXPECT_EQ(t, v, 0x1000);
	snprintf(s, sizeof(s), "0x%lx+0x10", (unsigned long)VMALLOC_START);
	KTEST_EXPECT_EQ(t, monitor_parse_addr(s, &v), 0);
	KTEST_EXPECT_EQ(t, v, VMALLOC_START + 0x10);
}

static void monitor_test_parse_addr_symbol(struct ktest *t)
{
	unsigned long v = 0, fn = (unsigned long)monitor_parse_addr;

	KTEST_EXPECT_EQ(t, monitor_parse_addr("monitor_parse_addr", &v), 0);
	KTEST_EXPECT_EQ(t, v, fn);
	KTEST_EXPECT_EQ(t, monitor_parse_addr("monitor_parse_addr+0x10", &v), 0);
	KTEST_EXPECT_EQ(t, v, fn + 0x10);
	KTEST_EXPECT_EQ(t, monitor_parse_addr("monitor_parse_addr+10", &v), 0);
	KTEST_EXPECT_EQ(t, v, fn + 0x10);
}

static void monitor_test_parse_addr_bad(struct ktest *t)
{
	static const char *const bad[] = {
		"",
		"0x",
		"0x12g",
		"no_such_symbol_here",
		"no_such_symbol_here+0x10",
		"monitor_parse_addr+",
		"monitor_parse_addr+zz",
		"monitor_parse_addr+0x10+1",
		"+0x10",
		"0x10000000000000000",
		"-1",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa+0x1",
	};
	unsigned long v;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		KTEST_EXPECT_EQ(t, monitor_parse_addr(bad[i], &v), -EINVAL);
}

static void monitor_test_parse_num(struct ktest *t)
{
	unsigned long v = 0;

	KTEST_EXPECT_EQ(t, monitor_parse_num("64", &v), 0);
	KTEST_EXPECT_EQ(t, v, 64);
	KTEST_EXPECT_EQ(t, monitor_parse_num("0x40", &v), 0);
	KTEST_EXPECT_EQ(t, v, 64);
	KTEST_EXPECT_EQ(t, monitor_parse_num("010", &v), 0);
	KTEST_EXPECT_EQ(t, v, 10);
	KTEST_EXPECT_EQ(t, monitor_parse_num("", &v), -EINVAL);
	KTEST_EXPECT_EQ(t, monitor_parse_num("ff", &v), -EINVAL);
	KTEST_EXPECT_EQ(t, monitor_parse_num("-1", &v), -EINVAL);
	KTEST_EXPECT_EQ(t, monitor_parse_num("0x", &v), -EINVAL);
}

static void monitor_test_canonical(struct ktest *t)
{
	KTEST_EXPECT_TRUE(t, is_canonical_address(0));
	KTEST_EXPECT_TRUE(t, is_canonical_address((1UL << __VIRTUAL_MASK_SHIFT) - 1));
	KTEST_EXPECT_TRUE(t, !is_canonical_address(1UL << __VIRTUAL_MASK_SHIFT));
	KTEST_EXPECT_TRUE(t, !is_canonical_address(1UL << 63));
	KTEST_EXPECT_TRUE(t, is_canonical_address(VMALLOC_START));
	KTEST_EXPECT_TRUE(t, is_canonical_address(__START_KERNEL_map));
	KTEST_EXPECT_TRUE(t, is_canonical_address(~0UL));
}

/* Every row complete, its usage starting with its name, names unique; lookups work. */
static void monitor_test_cmd_table(struct ktest *t)
{
	const struct monitor_cmd *c;

	for (c = monitor_cmds; c->name; c++) {
		KTEST_EXPECT_TRUE(t, c->fn && c->usage && c->help);
		KTEST_EXPECT_TRUE(t, str_has_prefix(c->usage, c->name));
		KTEST_EXPECT_TRUE(t, monitor_find_cmd(c->name) == c);
	}
	KTEST_EXPECT_TRUE(t, monitor_find_cmd("help") != NULL);
	KTEST_EXPECT_TRUE(t, monitor_find_cmd("version") != NULL);
	KTEST_EXPECT_TRUE(t, monitor_find_cmd("nosuch") == NULL);
	KTEST_EXPECT_TRUE(t, monitor_find_cmd("") == NULL);
}

static void monitor_test_line_enter(struct ktest *t)
{
	struct line_editor *e = editor_new();
	int ready = 0;

	KTEST_EXPECT_EQ(t, feed(e, "version\r"), LINE_READY);
	KTEST_EXPECT_STREQ(t, e->buf, "version");
	KTEST_EXPECT_STREQ(t, test_out, "version\n");
	line_start(e);
	KTEST_EXPECT_EQ(t, feed_bytes(e, "\nab\r\nab\n\r\r", 10, &ready), LINE_READY);
	KTEST_EXPECT_EQ(t, ready, 4); /* CR LF is one Enter, LF alone and CR alone are one */
	KTEST_EXPECT_STREQ(t, e->buf, "");
}

static void monitor_test_line_backspace(struct ktest *t)
{
	struct line_editor *e = editor_new();

	KTEST_EXPECT_EQ(t, feed(e, "\x7f\x08verx\x7fsiom\x08n\r"), LINE_READY);
	KTEST_EXPECT_STREQ(t, e->buf, "version");
	KTEST_EXPECT_TRUE(t, out_has("verx\b \bsiom\b \bn"));
	KTEST_EXPECT_TRUE(t, test_out[0] == 'v'); /* nothing echoed for Backspace on empty */
}

static void monitor_test_line_kill(struct ktest *t)
{
	struct line_editor *e = editor_new();

	KTEST_EXPECT_EQ(t, feed(e, "garbage\x15version\r"), LINE_READY);
	KTEST_EXPECT_STREQ(t, e->buf, "version");
	KTEST_EXPECT_TRUE(t, out_has("garbage\r\033[K" TEST_PROMPT "version"));
}

static void monitor_test_line_cancel(struct ktest *t)
{
	struct line_editor *e = editor_new();

	KTEST_EXPECT_EQ(t, feed(e, "abc\x03"), LINE_CANCELLED);
	KTEST_EXPECT_STREQ(t, test_out, "abc^C\n");
	line_start(e);
	KTEST_EXPECT_EQ(t, feed(e, "x\r"), LINE_READY);
	KTEST_EXPECT_STREQ(t, e->buf, "x");
	KTEST_EXPECT_EQ(t, e->hist_count, 1); /* the cancelled line is not remembered */
}

static void monitor_test_line_history(struct ktest *t)
{
	struct line_editor *e = editor_new();

	feed(e, "one\rtwo\r");
	line_start(e);
	KTEST_EXPECT_EQ(t, feed(e, "\x1b[A"), LINE_NONE);
	KTEST_EXPECT_STREQ(t, e->buf, "two");
	feed(e, "\x1bOA");
	KTEST_EXPECT_STREQ(t, e->buf, "one");
	out_clear();
	feed(e, "\x1b[A"); /* past the oldest: bell, no change */
	KTEST_EXPECT_STREQ(t, e->buf, "one");
	KTEST_EXPECT_STREQ(t, test_out, "\a");
	feed(e, "\x1bOB");
	KTEST_EXPECT_STREQ(t, e->buf, "two");
	KTEST_EXPECT_TRUE(t, out_has("\r\033[K" TEST_PROMPT "two"));
	feed(e, "\x1b[B");
	KTEST_EXPECT_STREQ(t, e->buf, "");
	feed(e, "zz\x1b[Ax\x1b[B"); /* the typed line comes back after browsing */
	KTEST_EXPECT_STREQ(t, e->buf, "zz");
	KTEST_EXPECT_EQ(t, feed(e, "\x1b[A\x1b[A\r"), LINE_READY);
	KTEST_EXPECT_STREQ(t, e->buf, "one");
	KTEST_EXPECT_EQ(t, e->hist_count, 2); /* distinct: "one" moved to the front */
	KTEST_EXPECT_STREQ(t, e->hist[0], "one");
	KTEST_EXPECT_STREQ(t, e->hist[1], "two");
}

static void monitor_test_line_history_full(struct ktest *t)
{
	struct line_editor *e = editor_new();
	char line[16];

	for (int i = 0; i < 40; i++) {
		snprintf(line, sizeof(line), "cmd%d\r", i % 20);
		feed(e, line);
		line_start(e);
	}
	feed(e, "   \r"); /* blank lines are not remembered */
	KTEST_EXPECT_EQ(t, e->hist_count, LINE_HISTORY);
	KTEST_EXPECT_STREQ(t, e->hist[0], "cmd19");
	KTEST_EXPECT_STREQ(t, e->hist[LINE_HISTORY - 1], "cmd4");
}

static void monitor_test_line_escapes(struct ktest *t)
{
	struct line_editor *e = editor_new();

	/* Ctrl-Right, Left, application Right, Delete, F5, Alt-x, a lone ESC ESC: ignored. */
	KTEST_EXPECT_EQ(t, feed(e, "ab\x1b[1;5Ccd\x1b[D\x1bOC\x1b[3~\x1b[15~e\x1bx\x1b\x1b[Cf\r"),
			LINE_READY);
	KTEST_EXPECT_STREQ(t, e->buf, "abcdef");
	line_start(e);
	KTEST_EXPECT_EQ(t, feed(e, "g\x1b[12;\r"), LINE_READY); /* Enter ends a broken sequence */
	KTEST_EXPECT_STREQ(t, e->buf, "g");
	line_start(e);
	KTEST_EXPECT_EQ(t, feed(e, "\x1b[1;2A"), LINE_NONE); /* with parameters: not history */
	KTEST_EXPECT_STREQ(t, e->buf, "");
}

static void monitor_test_line_ignored(struct ktest *t)
{
	static const char in[] = "ve\x80\xff\x01\x02\x07\x00rs\x1f\x90ion\r";
	struct line_editor *e = editor_new();

	KTEST_EXPECT_EQ(t, feed_bytes(e, in, sizeof(in) - 1, NULL), LINE_READY);
	KTEST_EXPECT_STREQ(t, e->buf, "version");
	KTEST_EXPECT_STREQ(t, test_out, "version\n");
}

static void monitor_test_line_too_long(struct ktest *t)
{
	struct line_editor *e = editor_new();
	char line[LINE_BUF_SIZE + 64];

	memset(line, 'a', sizeof(line));
	line[LINE_BUF_SIZE - 1] = '\r'; /* 255 characters: accepted */
	KTEST_EXPECT_EQ(t, feed_bytes(e, line, LINE_BUF_SIZE, NULL), LINE_READY);
	KTEST_EXPECT_EQ(t, e->len, LINE_BUF_SIZE - 1);
	line_start(e);
	line[LINE_BUF_SIZE - 1] = 'a'; /* 256, then more, then Backspace: still refused */
	line[sizeof(line) - 2] = '\x7f';
	line[sizeof(line) - 1] = '\r';
	out_clear();
	KTEST_EXPECT_EQ(t, feed_bytes(e, line, sizeof(line), NULL), LINE_TOO_LONG);
	KTEST_EXPECT_TRUE(t, out_has("\ncarto: line too long (max 255 characters)\n"));
	KTEST_EXPECT_TRUE(t, e->len < LINE_BUF_SIZE);
	line_start(e);
	KTEST_EXPECT_EQ(t, feed(e, "version\r"), LINE_READY);
	KTEST_EXPECT_STREQ(t, e->buf, "version");
}

static void monitor_test_line_complete(struct ktest *t)
{
	struct line_editor *e = editor_new();

	feed(e, "vers\t");
	KTEST_EXPECT_STREQ(t, e->buf, "version ");
	line_start(e);
	out_clear();
	feed(e, "zz\t");
	KTEST_EXPECT_STREQ(t, e->buf, "zz");
	KTEST_EXPECT_STREQ(t, test_out, "zz\a");
	line_start(e);
	out_clear();
	feed(e, "s\t"); /* several: listed, then the line again */
	KTEST_EXPECT_STREQ(t, e->buf, "s");
	KTEST_EXPECT_TRUE(t, out_has("sym") && out_has("selftest"));
	KTEST_EXPECT_TRUE(t, out_has("\n\r\033[K" TEST_PROMPT "s"));
	line_start(e);
	out_clear();
	feed(e, "x y\t"); /* arguments are not completed */
	KTEST_EXPECT_STREQ(t, e->buf, "x y");
	KTEST_EXPECT_STREQ(t, test_out, "x y\a");
}

/* Commands that end the session are never completed: a stray Tab must not make one. */
static void monitor_test_line_complete_nocomplete(struct ktest *t)
{
	struct line_editor *e = editor_new();
	char prefix[32];

	for (const struct monitor_cmd *c = monitor_cmds; c->name; c++) {
		if (!(c->flags & MONITOR_CMD_NOCOMPLETE))
			continue;
		snprintf(prefix, sizeof(prefix), "%.*s\t", (int)strlen(c->name) - 1, c->name);
		line_start(e);
		feed(e, prefix);
		KTEST_EXPECT_TRUE(t, strcmp(e->buf, c->name) && str_has_prefix(c->name, e->buf));
	}
	KTEST_EXPECT_TRUE(t, monitor_find_cmd("reboot")->flags & MONITOR_CMD_NOCOMPLETE);
	KTEST_EXPECT_TRUE(t, monitor_find_cmd("poweroff")->flags & MONITOR_CMD_NOCOMPLETE);
}

/* xorshift64: reproducible garbage. */
static u64 test_rand(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random bytes, as lines and as one stream: the buffer stays sane, `version` still works. */
static void monitor_test_line_garbage(struct ktest *t)
{
	struct line_editor *e = editor_new();
	u64 seed = 0x9e3779b97f4a7c15ULL;
	int bad = 0;

	for (int i = 0; i < 40000; i++) {
		char c = (i % 61 == 60) ? '\r' : (char)test_rand(&seed);

		if (line_feed(e, (u8)c) != LINE_NONE)
			line_start(e);
		if (e->len >= LINE_BUF_SIZE || e->buf[e->len] != '\0')
			bad++;
		if (test_out_len > sizeof(test_out) / 2)
			out_clear();
	}
	KTEST_EXPECT_EQ(t, bad, 0);
	KTEST_EXPECT_TRUE(t, e->hist_count <= LINE_HISTORY);
	feed(e, "\r");
	line_start(e);
	KTEST_EXPECT_EQ(t, feed(e, "version\r"), LINE_READY);
	KTEST_EXPECT_STREQ(t, e->buf, "version");
}

static const struct ktest_case monitor_parse_cases[] = {
	KTEST_CASE(monitor_test_tokenize),
	KTEST_CASE(monitor_test_parse_addr_hex),
	KTEST_CASE(monitor_test_parse_addr_symbol),
	KTEST_CASE(monitor_test_parse_addr_bad),
	KTEST_CASE(monitor_test_parse_num),
	KTEST_CASE(monitor_test_canonical),
	KTEST_CASE(monitor_test_cmd_table),
	KTEST_CASE(monitor_test_line_enter),
	KTEST_CASE(monitor_test_line_backspace),
	KTEST_CASE(monitor_test_line_kill),
	KTEST_CASE(monitor_test_line_cancel),
	KTEST_CASE(monitor_test_line_history),
	KTEST_CASE(monitor_test_line_history_full),
	KTEST_CASE(monitor_test_line_escapes),
	KTEST_CASE(monitor_test_line_ignored),
	KTEST_CASE(monitor_test_line_too_long),
	KTEST_CASE(monitor_test_line_complete),
	KTEST_CASE(monitor_test_line_complete_nocomplete),
	KTEST_CASE(monitor_test_line_garbage),
	{}
};

static const struct ktest_suite monitor_parse_suite = {
	.name = "monitor_parse",
	.cases = monitor_parse_cases,
};
KTEST_SUITE(monitor_parse_suite);
