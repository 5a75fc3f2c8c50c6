// SPDX-License-Identifier: GPL-2.0
/*
 * vsnprintf for the kernel and the boot stub: the conversions Linux's printk users need
 * (%d %i %u %x %X %o %c %s %p %%), flags '-' '0' ' ' '+' '#', width, precision, '*', and
 * the length modifiers hh h l ll z t. Always NUL-terminates when size > 0 and returns the
 * length the full output would have had, as C99 specifies.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

enum { F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8, F_ALT = 16 };

/* Print one unsigned number with its sign/prefix, honouring width, precision and flags. */
static void number(struct out *o, unsigned long long v, unsigned int base, bool upper, char sign,
		   int flags, int width, int prec)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	const char *prefix = "";
	int n = 0, plen, zeros;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (prec == 0 && n == 1 && tmp[0] == '0')
		n = 0;
	if ((flags & F_ALT) && base == 16)
		prefix = upper ? "0X" : "0x";
	else if ((flags & F_ALT) && base == 8)
		prefix = "0";
	plen = strlen(prefix) + (sign != 0);
	zeros = prec > n ? prec - n : 0;
	if ((flags & F_ZERO) && !(flags & F_LEFT) && prec < 0 && width > n + plen)
		zeros = width - n - plen;
	if (!(flags & F_LEFT))
		pad(o, ' ', width - n - plen - zeros);
	if (sign)
		put(o, sign);
	while (*prefix)
		put(o, *prefix++);
	pad(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	/* Left-justified padding is added by the caller, for every conversion alike. */
}

static void string(struct out *o, const char *s, int flags, int width, int prec)
{
	int n;

	if (!s)
		s = "(null)";
	n = prec >= 0 ? (int)strnlen(s, prec) : (int)strlen(s);
	if (!(flags & F_LEFT))
		pad(o, ' ', width - n);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (flags & F_LEFT)
		pad(o, ' ', width - n);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int flags = 0, width = -1, prec = -1, lng = 0;
		unsigned long long u;
		long long s;
		char sign = 0;
		size_t start;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		for (;; fmt++) {
			char c = fmt[1];

			if (c == '-')
				flags |= F_LEFT;
			else if (c == '0')
				flags |= F_ZERO;
			else if (c == '+')
				flags |= F_PLUS;
			else if (c == ' ')
				flags |= F_SPACE;
			else if (c == '#')
				flags |= F_ALT;
			else
				break;
		}
		fmt++;
		if (*fmt == '*') {
			width = va_arg(args, int);
			if (width < 0) {
				flags |= F_LEFT;
				width = -width;
			}
			fmt++;
		} else {
			for (width = 0; *fmt >= '0' && *fmt <= '9'; fmt++)
				width = width * 10 + (*fmt - '0');
		}
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				prec = va_arg(args, int);
				fmt++;
			} else {
				for (prec = 0; *fmt >= '0' && *fmt <= '9'; fmt++)
					prec = prec * 10 + (*fmt - '0');
			}
		}
		for (;; fmt++) {
			if (*fmt == 'l' || *fmt == 'z' || *fmt == 't')
				lng += *fmt == 'l' ? 1 : 2;
			else if (*fmt == 'h')
				lng--;
			else
				break;
		}
		start = o.len;
		switch (*fmt) {
		case 'c':
			pad(&o, ' ', (flags & F_LEFT) ? 0 : width - 1);
			put(&o, (char)va_arg(args, int));
			if (flags & F_LEFT)
				pad(&o, ' ', width - 1);
			break;
		case 's':
			string(&o, va_arg(args, const char *), flags, width, prec);
			break;
		case 'p':
			number(&o, (unsigned long)va_arg(args, void *), 16, false, 0, flags | F_ALT,
			       width, prec);
			break;
		case 'd':
		case 'i':
			s = lng >= 2 ? va_arg(args, long long) :
			    lng == 1 ? va_arg(args, long) :
				       va_arg(args, int);
			if (lng < 0)
				s = lng == -1 ? (short)s : (signed char)s;
			sign = s < 0 ? '-' : (flags & F_PLUS) ? '+' : (flags & F_SPACE) ? ' ' : 0;
			u = s < 0 ? -(unsigned long long)s : (unsigned long long)s;
			number(&o, u, 10, false, sign, flags, width, prec);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = lng >= 2 ? va_arg(args, unsigned long long) :
			    lng == 1 ? va_arg(args, unsigned long) :
				       va_arg(args, unsigned int);
			if (lng < 0)
				u = lng == -1 ? (unsigned short)u : (unsigned char)u;
			number(&o, u,
			       *fmt == 'u' ? 10 :
			       *fmt == 'o' ? 8 :
					     16,
			       *fmt == 'X', 0, flags, width, prec);
			break;
		case '%':
			put(&o, '%');
			break;
		default: /* unknown conversion: print it as written */
			put(&o, '%');
			if (*fmt)
				put(&o, *fmt);
			else
				fmt--;
			break;
		}
		if ((flags & F_LEFT) && *fmt != 's' && *fmt != 'c' && (int)(o.len - start) < width)
			pad(&o, ' ', width - (int)(o.len - start));
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vsnprintf(buf, size, fmt, args);
	va_end(args);
	return n;
}

/* Like snprintf, but returns what was actually written (without the NUL), as Linux's. */
int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int n;

	if (!size)
		return 0;
	va_start(args, fmt);
	n = vsnprintf(buf, size, fmt, args);
	va_end(args);
	return n < (int)size ? n : (int)size - 1;
}

/* Parse an unsigned number: base 0 takes 0x (hex), 0 (octal) or decimal. 0 or -EINVAL/-ERANGE. */
int kstrtoul(const char *s, unsigned int base, unsigned long *res)
{
	unsigned long v = 0;

	if (!s || !*s)
		return -EINVAL;
	if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2]) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = (s[0] == '0' && s[1]) ? 8 : 10;
	}
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -EINVAL;
		if (d >= base)
			return -EINVAL;
		if (v > (~0UL - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*res = v;
	return 0;
}

int kstrtoint(const char *s, unsigned int base, int *res)
{
	unsigned long v;
	bool neg = *s == '-';
	int err = kstrtoul(neg ? s + 1 : s, base, &v);

	if (err)
		return err;
	if (v > (neg ? 0x80000000UL : 0x7fffffffUL))
		return -ERANGE;
	*res = neg ? -(long)v : (long)v;
	return 0;
}
