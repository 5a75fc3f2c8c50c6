/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The monitor's line editor: a byte-at-a-time state machine with no knowledge of the UART.
 * Bytes go in through line_feed(); echo and redraws go out through e->write. The monitor
 * feeds it from the serial port, the tests from memory.
 */
#ifndef _KERNEL_MONITOR_LINE_H
#define _KERNEL_MONITOR_LINE_H

#include <linux/types.h>

#define LINE_BUF_SIZE 256 /* a line holds at most LINE_BUF_SIZE - 1 characters */
#define LINE_HISTORY 16

/* What line_feed() reports after a byte. */
enum line_result {
	LINE_NONE = 0, /* keep feeding */
	LINE_READY, /* Enter: the line is in e->buf, NUL-terminated */
	LINE_CANCELLED, /* Ctrl-C: "^C" was echoed, the line is dropped */
	LINE_TOO_LONG, /* Enter after an overlong line: the error was printed */
};

enum line_state {
	LINE_ST_NORMAL,
	LINE_ST_ESC, /* after ESC */
	LINE_ST_CSI, /* after ESC [ : parameters, intermediates, then a final byte */
	LINE_ST_SS3, /* after ESC O : the same grammar, xterm's application cursor keys */
};

typedef void (*line_write_t)(void *ctx, const char *s, size_t len);

struct line_editor {
	char buf[LINE_BUF_SIZE];
	unsigned int len;
	bool overflow; /* more than LINE_BUF_SIZE - 1 characters typed: refuse at Enter */
	bool last_cr; /* the previous byte was CR, so a LF now is the same Enter */
	bool esc_param; /* the escape sequence so far has parameter bytes */
	enum line_state state;
	/* History, newest first; hist_pos is -1 when not browsing, else the shown entry. */
	char hist[LINE_HISTORY][LINE_BUF_SIZE];
	unsigned int hist_count;
	int hist_pos;
	char saved[LINE_BUF_SIZE]; /* the line being typed when browsing started */
	const char *prompt;
	line_write_t write;
	void *ctx;
};

void line_init(struct line_editor *e, const char *prompt, line_write_t write, void *ctx);
/* Start a new line: reset the line state (not the history) and print the prompt. */
void line_start(struct line_editor *e);
/* Feed one received byte (0..255). Returns an enum line_result. */
int line_feed(struct line_editor *e, int byte);

#endif /* _KERNEL_MONITOR_LINE_H */
