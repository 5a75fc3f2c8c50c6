// SPDX-License-Identifier: GPL-2.0
/* String and memory functions for the kernel and the boot stub (no libc in either). */
#include <linux/string.h>

/*
 * Copies and fills go through string instructions, eight bytes at a time then the tail:
 * fast on real CPUs, and under QEMU's TCG, which runs rep movs/stos one element per step,
 * eight times fewer steps than byte strings.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *ret = dst;
	size_t words = n / 8, tail = n % 8;

	asm volatile("rep movsq\n\t"
		     "mov %3, %%rcx\n\t"
		     "rep movsb"
		     : "+D"(dst), "+S"(src), "+c"(words)
		     : "r"(tail)
		     : "memory");
	return ret;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	/* Overlapping with dst above src: copy backwards. */
	d += n - 1;
	s += n - 1;
	asm volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	return dst;
}

void *memset(void *s, int c, size_t n)
{
	void *ret = s;
	unsigned long pattern = 0x0101010101010101UL * (unsigned char)c;
	size_t words = n / 8, tail = n % 8;

	asm volatile("rep stosq\n\t"
		     "mov %3, %%rcx\n\t"
		     "rep stosb"
		     : "+D"(s), "+c"(words)
		     : "a"(pattern), "r"(tail)
		     : "memory");
	return ret;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (; *s; s++)
		if (*s == (char)c)
			return (char *)s;
	return c ? NULL : (char *)s;
}

/* Copy at most size - 1 bytes and NUL-terminate; returns strlen(src) as BSD's does. */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

bool str_has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}
