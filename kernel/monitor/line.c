// SPDX-License-Identifier: GPL-2.0
/*
 * The monitor's line editor: printable ASCII is inserted and echoed, Backspace/DEL erase,
 * Ctrl-U kills the line, Ctrl-C cancels it, Enter (CR, LF, or CR LF as one) submits it, Tab
 * completes a command name, and Up/Down walk the history of the last LINE_HISTORY distinct
 * lines. Every other escape sequence is parsed to its end and ignored; every other control
 * or non-ASCII byte is ignored. A line that outgrows the buffer is refused at Enter.
 *
 * Nothing here touches the UART: output goes through e->write, so any byte sequence can be
 * replayed from memory (monitor_test.c) and the buffer can never overflow.
 */
#define pr_fmt(fmt) "monitor: " fmt
#include <linux/kernel.h>
#include <linux/string.h>
#include "line.h"
#include "monitor.h"

#define CTRL(c) ((c)&0x1f)
#define KEY_BS 0x08
#define KEY_TAB 0x09
#define KEY_LF 0x0a
#define KEY_CR 0x0d
#define KEY_ESC 0x1b
#define KEY_DEL 0x7f

/* Editor output, through the function the owner gave. */
static void put(struct line_editor *e, const char *s, size_t len)
{
	e->write(e->ctx, s, len);
}

static void put_str(struct line_editor *e, const char *s)
{
	put(e, s, strlen(s));
}

static void bell(struct line_editor *e)
{
	put(e, "\a", 1);
}

/* Erase the terminal line, then print the prompt and the text again. */
static void redraw(struct line_editor *e)
{
	put_str(e, "\r\033[K");
	put_str(e, e->prompt);
	put(e, e->buf, e->len);
}

/* Replace the text (a history entry, always shorter than the buffer). */
static void set_text(struct line_editor *e, const char *s)
{
	e->len = min(strlcpy(e->buf, s, sizeof(e->buf)), sizeof(e->buf) - 1);
}

/* True when the line has nothing but spaces and tabs. */
static bool line_blank(const struct line_editor *e)
{
	for (unsigned int i = 0; i < e->len; i++)
		if (e->buf[i] != ' ' && e->buf[i] != '\t')
			return false;
	return true;
}

/* An empty editor writing through write(ctx, ...), with no history yet. */
void line_init(struct line_editor *e, const char *prompt, line_write_t write, void *ctx)
{
	memset(e, 0, sizeof(*e));
	e->prompt = prompt;
	e->write = write;
	e->ctx = ctx;
	e->hist_pos = -1;
}

/* Empty the line and leave any escape sequence; last_cr survives, for a CR LF pair. */
static void reset_line(struct line_editor *e)
{
	e->len = 0;
	e->buf[0] = '\0';
	e->overflow = false;
	e->state = LINE_ST_NORMAL;
	e->esc_param = false;
	e->hist_pos = -1;
}

/* A new line: reset everything but the history, and print the prompt. */
void line_start(struct line_editor *e)
{
	reset_line(e);
	put_str(e, e->prompt);
}

/* Insert and echo a printable character; a full buffer starts refusing the line. */
static void insert(struct line_editor *e, char c)
{
	if (e->overflow)
		return;
	if (e->len >= sizeof(e->buf) - 1) {
		e->overflow = true;
		bell(e);
		return;
	}
	e->buf[e->len++] = c;
	e->buf[e->len] = '\0';
	put(e, &c, 1);
}

static void backspace(struct line_editor *e)
{
	if (e->overflow || !e->len)
		return;
	e->buf[--e->len] = '\0';
	put_str(e, "\b \b");
}

/* Ctrl-U: erase the whole line, an overlong one included. */
static void kill_line(struct line_editor *e)
{
	e->len = 0;
	e->buf[0] = '\0';
	e->overflow = false;
	redraw(e);
}

/* Add the submitted line to the history, newest first, dropping an older copy of it. */
static void history_add(struct line_editor *e)
{
	unsigned int d;

	for (d = 0; d < e->hist_count; d++)
		if (!strcmp(e->hist[d], e->buf))
			break;
	if (d == e->hist_count) {
		if (e->hist_count < LINE_HISTORY)
			e->hist_count++;
		d = e->hist_count - 1;
	}
	memmove(e->hist[1], e->hist[0], d * sizeof(e->hist[0]));
	memcpy(e->hist[0], e->buf, e->len + 1);
}

/* Up (dir 1, older) or Down (dir -1, newer); below the newest entry is the typed line. */
static void history_walk(struct line_editor *e, int dir)
{
	int pos = e->hist_pos + dir;

	if (e->overflow)
		return;
	if (pos < -1 || pos >= (int)e->hist_count) {
		bell(e);
		return;
	}
	if (e->hist_pos == -1)
		memcpy(e->saved, e->buf, e->len + 1);
	e->hist_pos = pos;
	set_text(e, pos < 0 ? e->saved : e->hist[pos]);
	redraw(e);
}

/* Whether Tab may complete the typed text to command c. */
static bool complete_match(const struct line_editor *e, const struct monitor_cmd *c)
{
	return !(c->flags & MONITOR_CMD_NOCOMPLETE) && str_has_prefix(c->name, e->buf);
}

/* Print the commands Tab could complete to on their own line, then redraw. */
static void complete_list(struct line_editor *e)
{
	const char *sep = "\n";

	for (const struct monitor_cmd *c = monitor_cmds; c->name; c++) {
		if (!complete_match(e, c))
			continue;
		put_str(e, sep);
		put_str(e, c->name);
		sep = "  ";
	}
	put_str(e, "\n");
	redraw(e);
}

/* Tab: complete the command name (the first word) from the command table. */
static void complete(struct line_editor *e)
{
	const struct monitor_cmd *c, *match = NULL;
	int n = 0;

	if (e->overflow || strchr(e->buf, ' ')) {
		bell(e);
		return;
	}
	for (c = monitor_cmds; c->name; c++) {
		if (complete_match(e, c)) {
			match = c;
			n++;
		}
	}
	if (n == 0 || (n == 1 && e->len + strlen(match->name + e->len) + 1 >= sizeof(e->buf))) {
		bell(e);
	} else if (n == 1) {
		for (const char *p = match->name + e->len; *p; p++)
			insert(e, *p);
		insert(e, ' ');
	} else {
		complete_list(e);
	}
}

/* ESC seen: '[' or 'O' opens a sequence. Returns false when the byte is ordinary input. */
static bool escape_start(struct line_editor *e, int c)
{
	e->state = LINE_ST_NORMAL;
	e->esc_param = false;
	if (c == '[') {
		e->state = LINE_ST_CSI;
		return true;
	}
	if (c == 'O') {
		e->state = LINE_ST_SS3;
		return true;
	}
	return c >= 0x20 && c <= 0x7e; /* Alt-<key>: swallowed */
}

/*
 * Inside ESC [ or ESC O: parameter bytes (0x30-0x3f) and intermediates (0x20-0x2f) go on,
 * a final byte (0x40-0x7e) ends the sequence; only a bare A or B means anything. Anything
 * else aborts the sequence and is ordinary input (returns false), so an Enter is never lost.
 */
static bool escape_seq(struct line_editor *e, int c)
{
	if (c >= 0x20 && c <= 0x3f) {
		if (c >= 0x30)
			e->esc_param = true;
		return true;
	}
	e->state = LINE_ST_NORMAL;
	if (c < 0x40 || c > 0x7e)
		return false;
	if (!e->esc_param && c == 'A')
		history_walk(e, 1);
	else if (!e->esc_param && c == 'B')
		history_walk(e, -1);
	return true;
}

/* Enter: submit the line, or refuse it when it outgrew the buffer. */
static int enter(struct line_editor *e)
{
	char msg[64];

	put_str(e, "\n");
	if (e->overflow) {
		put(e, msg,
		    scnprintf(msg, sizeof(msg), "carto: line too long (max %zu characters)\n",
			      sizeof(e->buf) - 1));
		return LINE_TOO_LONG;
	}
	if (!line_blank(e))
		history_add(e);
	return LINE_READY;
}

/*
 * Feed one byte. Returns LINE_NONE, or LINE_READY / LINE_CANCELLED / LINE_TOO_LONG, after
 * which the caller handles the line and calls line_start() for the next one.
 */
int line_feed(struct line_editor *e, int byte)
{
	bool after_cr = e->last_cr;

	byte &= 0xff;
	e->last_cr = byte == KEY_CR;
	if (e->state == LINE_ST_ESC && escape_start(e, byte))
		return LINE_NONE;
	if ((e->state == LINE_ST_CSI || e->state == LINE_ST_SS3) && escape_seq(e, byte))
		return LINE_NONE;

	switch (byte) {
	case KEY_LF:
		if (after_cr)
			return LINE_NONE;
		return enter(e);
	case KEY_CR:
		return enter(e);
	case CTRL('C'):
		put_str(e, "^C\n");
		return LINE_CANCELLED;
	case CTRL('U'):
		kill_line(e);
		break;
	case KEY_BS:
	case KEY_DEL:
		backspace(e);
		break;
	case KEY_TAB:
		complete(e);
		break;
	case KEY_ESC:
		e->state = LINE_ST_ESC;
		break;
	default:
		if (byte >= 0x20 && byte < 0x7f)
			insert(e, byte);
		break;
	}
	return LINE_NONE;
}
