// SPDX-License-Identifier: GPL-2.0
/*
 * LZ4 decoder for the boot stub: raw blocks, lz4 legacy frames and the boot payload.
 *
 * Written from the format description. A block is a run of sequences:
 *
 *	token	literal count << 4 | (match length - 4); a nibble of 15 means that length bytes
 *		follow, each added to it, until one is not 255
 *	literals
 *	offset	2 bytes little-endian, 1..65535 back from the current output position
 *	[match length bytes]
 *
 * The last sequence stops after its literals, exactly at the end of the input. The end-of-block
 * rules (the last 5 bytes are literals, the last match starts at least 12 bytes before the end)
 * are checked the way liblz4's LZ4_decompress_safe checks them, against the end of the output
 * buffer, so a block liblz4 rejects is rejected here too. This decoder is stricter in two
 * places: a zero offset is an error (the format calls it invalid), and a match may never end in
 * the last 5 bytes of the output buffer (liblz4 lets a few through on one of its shortcuts).
 *
 * Speed comes from decode_fast(), which runs while a sequence starts far enough from both ends
 * (FAST_IN_MARGIN, FAST_OUT_MARGIN) for word copies that overshoot: literals and matches go
 * 8 or 16 bytes at a time, the bytes written past the end of a copy being overwritten by the
 * next one. Matches closer than 8 bytes behind are expanded from a word holding the repeating
 * pattern. decode_exact() finishes the block, and takes over any sequence the fast loop will
 * not handle, with every length checked and no byte written past the end of its copy.
 *
 * Freestanding: only word moves (__builtin_memcpy of 8 bytes), no library calls. The input and
 * output buffers must not overlap.
 */
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/lz4.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "lz4: length fields and pattern words are read as little-endian"
#endif

#define MIN_MATCH 4
#define LEN_MASK 15	      /* a length nibble of 15: length bytes follow */
#define LAST_LITERALS 5	      /* the last 5 output bytes are literals */
#define MATCH_LIMIT 12	      /* a non-last literal run ends 12 bytes before the output end */
#define SEQ_TAIL 8	      /* input after a non-last literal run: offset, token, 5 literals */
#define ML_TAIL 4	      /* input left after the length bytes of a match, as liblz4 */
#define FAST_IN_MARGIN 32     /* decode_fast: input bytes left at a token, at least */
#define FAST_OUT_MARGIN 64    /* decode_fast: output bytes left at a token, at least */
#define FAST_MATCH_MARGIN 32  /* decode_fast: output bytes left after a long match, at least */

/* One block being decoded; base is the offset of in within the caller's outermost buffer. */
struct block {
	const u8 *in, *iend;
	u8 *out, *oend;
	unsigned long base;
	const char *overflow; /* the reason given when the output buffer is too small */
	struct lz4_error *err;
};

static const char reason_overflow[] = "output overflow";
static const char reason_too_large[] = "block larger than 8 MiB";

/* set_error - record reason and offset in err, if any; returns -EINVAL. */
static noinline int set_error(struct lz4_error *err, unsigned long offset, const char *reason)
{
	if (err) {
		err->reason = reason;
		err->offset = offset;
	}
	return -EINVAL;
}

/* block_error - as set_error, at the position at inside the block. */
static noinline int block_error(const struct block *b, const u8 *at, const char *reason)
{
	return set_error(b->err, b->base + (unsigned long)(at - b->in), reason);
}

static __always_inline u16 get_le16(const u8 *p)
{
	u16 v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static __always_inline u32 get_le32(const u8 *p)
{
	u32 v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static __always_inline u64 load64(const u8 *p)
{
	u64 v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static __always_inline void store64(u8 *p, u64 v)
{
	__builtin_memcpy(p, &v, sizeof(v));
}

static __always_inline void copy8(u8 *d, const u8 *s)
{
	store64(d, load64(s));
}

/* copy16 - copy 16 bytes; both words are loaded first, so s must be 16 or more below d. */
static __always_inline void copy16(u8 *d, const u8 *s)
{
	u64 a = load64(s), b = load64(s + 8);

	store64(d, a);
	store64(d + 8, b);
}

/*
 * For a match offset off below 8, the pattern of its first off bytes is spread over a word by
 * pattern_mul[off]; shifting the word right by pattern_shr[off] and left by pattern_shl[off]
 * bits and or-ing gives the pattern as it continues 8 bytes further on (8 % off bytes in).
 */
static const u64 pattern_mul[8] = {
	0, 0x0101010101010101ULL, 0x0001000100010001ULL, 0x0001000001000001ULL,
	0x0000000100000001ULL, 0x0000010000000001ULL, 0x0001000000000001ULL, 0x0100000000000001ULL,
};
static const u8 pattern_shr[8] = { 0, 0, 0, 16, 0, 24, 16, 8 };
static const u8 pattern_shl[8] = { 0, 8, 16, 8, 32, 16, 32, 48 };

/*
 * pattern_word - the first 8 bytes of a match at d with offset off (1..7): the off bytes before
 * d, repeated. Reads d - off .. d - off + 7, which must lie inside the output buffer; the bytes
 * at d and after are masked off.
 */
static __always_inline u64 pattern_word(const u8 *d, size_t off)
{
	return (load64(d - off) & (~0ULL >> (64 - 8 * off))) * pattern_mul[off];
}

/* pattern_next - the pattern word 8 bytes after p. */
static __always_inline u64 pattern_next(u64 p, size_t off)
{
	return (p >> pattern_shr[off]) | (p << pattern_shl[off]);
}

/*
 * add_len - add the length bytes at *ipp to *len, bytes of 255 continuing it, and advance *ipp
 * past them. They must lie below limit. Returns false, leaving *ipp alone, if they do not.
 * The sum stays below 255 * (input length) + 15, far from overflowing a size_t.
 */
static __always_inline bool add_len(const u8 **ipp, const u8 *limit, size_t *len)
{
	const u8 *ip = *ipp;
	unsigned int c;

	do {
		if (unlikely(ip >= limit))
			return false;
		c = *ip++;
		*len += c;
	} while (c == 255);
	*ipp = ip;
	return true;
}

/* copy_exact - copy n bytes from s to d, touching nothing outside either range. */
static __always_inline void copy_exact(u8 *d, const u8 *s, size_t n)
{
	for (; n >= 8; n -= 8, d += 8, s += 8)
		copy8(d, s);
	while (n--)
		*d++ = *s++;
}

/*
 * match_exact - write the n byte match at d from off bytes back, touching nothing past d + n.
 * The caller guarantees off <= d - out and, when n >= 8, 8 bytes of room at d.
 */
static __always_inline void match_exact(u8 *d, size_t off, size_t n)
{
	const u8 *s = d - off;

	if (off >= 8) {
		for (; n >= 8; n -= 8, d += 8, s += 8)
			copy8(d, s);
	} else if (n >= 8) {
		u64 p = pattern_word(d, off);

		for (; n >= 8; n -= 8, d += 8, s += 8) {
			store64(d, p);
			p = pattern_next(p, off);
		}
	}
	while (n--)
		*d++ = *s++;
}

/* copy_wild - copy n (>= 1) literals from s to d, 16 at a time: up to 15 bytes too many. */
static __always_inline void copy_wild(u8 *d, const u8 *s, size_t n)
{
	u8 *end = d + n;

	do {
		copy16(d, s);
		d += 16;
		s += 16;
	} while (d < end);
}

/*
 * match_wild - write the n (>= 4) byte match at d from off (>= 1) bytes back, writing up to 15
 * bytes too many. Far matches move 16 bytes a step; matches 8..15 back move 8 bytes a step,
 * each step reading what the one before wrote; nearer ones store pattern words.
 */
static __always_inline void match_wild(u8 *d, size_t off, size_t n)
{
	const u8 *s = d - off;
	u8 *end = d + n;

	if (likely(off >= 16)) {
		copy16(d, s);
		if (unlikely(n > 16))
			copy_wild(d + 16, s + 16, n - 16);
	} else if (off >= 8) {
		copy8(d, s);
		copy8(d + 8, s + 8);
		for (d += 16, s += 16; d < end; d += 8, s += 8)
			copy8(d, s);
	} else {
		u64 p = pattern_word(d, off);

		do {
			store64(d, p);
			p = pattern_next(p, off);
			d += 8;
		} while (d < end);
	}
}

/* The bounds decode_fast() works within, copied out of struct block so that stores to the
 * output, which may alias anything, do not force them to be reloaded. */
struct fast_bounds {
	const u8 *iend;
	u8 *out, *oend;
};

/*
 * fast_sequence - decode the sequence at *ipp with wild copies, given that it starts more than
 * FAST_IN_MARGIN bytes before the input end and *opp more than FAST_OUT_MARGIN before the output
 * end. A sequence that is long enough to come near either end, or is faulty, is left alone for
 * exact_sequence(). Returns true if the sequence was decoded and *ipp and *opp advanced.
 */
static __always_inline bool fast_sequence(struct fast_bounds f, const u8 **ipp, u8 **opp)
{
	const u8 *ip = *ipp, *lit;
	u8 *op = *opp;
	unsigned int token = *ip++;
	size_t ll = token >> 4, ml = token & LEN_MASK, off;

	if (unlikely(ll == LEN_MASK)) {
		if (!add_len(&ip, f.iend, &ll) || f.iend - ip < FAST_IN_MARGIN ||
		    ll > (size_t)(f.iend - ip) - FAST_IN_MARGIN ||
		    ll > (size_t)(f.oend - op) - FAST_OUT_MARGIN)
			return false;
	}
	lit = ip;
	ip += ll;
	off = get_le16(ip);
	ip += 2;
	if (unlikely(ml == LEN_MASK)) {
		if (!add_len(&ip, f.iend - ML_TAIL, &ml) ||
		    ml > (size_t)(f.oend - op) - ll - FAST_MATCH_MARGIN)
			return false;
	}
	if (unlikely(off - 1 >= (size_t)(op - f.out) + ll))
		return false;

	copy16(op, lit);
	if (unlikely(ll > 16))
		copy_wild(op + 16, lit + 16, ll - 16);
	op += ll;
	match_wild(op, off, ml + MIN_MATCH);
	*ipp = ip;
	*opp = op + ml + MIN_MATCH;
	return true;
}

/*
 * decode_fast - run fast_sequence() while sequences start far from both ends: FAST_IN_MARGIN
 * input and FAST_OUT_MARGIN output bytes leave room for every wild copy of a short sequence and
 * keep it clear of the end-of-block rules. Stops at the first sequence it leaves alone.
 */
static __always_inline void decode_fast(const struct block *b, const u8 **ipp, u8 **opp)
{
	struct fast_bounds f = { .iend = b->iend, .out = b->out, .oend = b->oend };
	const u8 *ip = *ipp, *ifast = b->iend - b->in > FAST_IN_MARGIN ? b->iend - FAST_IN_MARGIN : b->in;
	u8 *op = *opp, *ofast = b->oend - b->out > FAST_OUT_MARGIN ? b->oend - FAST_OUT_MARGIN : b->out;

	while (likely(ip < ifast && op < ofast) && fast_sequence(f, &ip, &op))
		;
	*ipp = ip;
	*opp = op;
}

/*
 * exact_sequence - decode the sequence at *ipp into *opp, checking everything. Returns 0 after
 * a sequence with a match, 1 after the last sequence (its literals end the input), or -EINVAL.
 * *ipp is below the input end on entry: a match leaves ML_TAIL bytes after it.
 */
static __always_inline int exact_sequence(const struct block *b, const u8 **ipp, u8 **opp)
{
	const u8 *seq = *ipp, *ip = seq + 1;
	u8 *op = *opp;
	size_t ll = *seq >> 4, ml = *seq & LEN_MASK, left, room, off;

	if (ll == LEN_MASK && !add_len(&ip, b->iend, &ll))
		return block_error(b, seq, "truncated block");
	left = b->iend - ip;
	room = b->oend - op;
	if (ll > left)
		return block_error(b, seq, "literal run past the end");
	if (ll > room)
		return block_error(b, seq, b->overflow);
	if (ll == left) {
		copy_exact(op, ip, ll);
		*opp = op + ll;
		return 1;
	}
	if (left - ll < SEQ_TAIL)
		return block_error(b, seq, "truncated block");
	if (room - ll < MATCH_LIMIT)
		return block_error(b, seq, "sequence too close to the output end");
	copy_exact(op, ip, ll);
	ip += ll;
	op += ll;
	room -= ll;

	off = get_le16(ip);
	if (!off)
		return block_error(b, ip, "zero match offset");
	if (off > (size_t)(op - b->out))
		return block_error(b, ip, "match offset before output start");
	ip += 2;
	if (ml == LEN_MASK && !add_len(&ip, b->iend - ML_TAIL, &ml))
		return block_error(b, seq, "truncated block");
	ml += MIN_MATCH;
	if (ml > room)
		return block_error(b, seq, b->overflow);
	if (ml > room - LAST_LITERALS)
		return block_error(b, seq, "sequence too close to the output end");
	match_exact(op, off, ml);
	*ipp = ip;
	*opp = op + ml;
	return 0;
}

/* decode_block - decode block b, setting *out_len; returns 0 or -EINVAL. */
static int decode_block(const struct block *b, size_t *out_len)
{
	const u8 *ip = b->in;
	u8 *op = b->out;
	int ret;

	if (b->iend == b->in)
		return block_error(b, b->in, "empty input");
	decode_fast(b, &ip, &op);
	do
		ret = exact_sequence(b, &ip, &op);
	while (!ret);
	if (ret < 0)
		return ret;
	*out_len = (size_t)(op - b->out);
	return 0;
}

int lz4_decompress_block(const void *in, size_t in_len, void *out, size_t out_cap, size_t *out_len,
			 struct lz4_error *err)
{
	const struct block b = {
		.in = in,
		.iend = (const u8 *)in + in_len,
		.out = out,
		.oend = (u8 *)out + out_cap,
		.overflow = reason_overflow,
		.err = err,
	};

	return decode_block(&b, out_len);
}

/* has_magic - whether buf starts with the legacy frame magic number. */
static bool has_magic(const u8 *buf, size_t len)
{
	return len >= 4 && get_le32(buf) == LZ4_LEGACY_MAGIC;
}

/*
 * lz4_decompress_legacy - walk the frame's blocks. Each decodes into what is left of out, but
 * at most 8 MiB; a repeated magic number, where a block size would be, starts a concatenated
 * frame and is skipped.
 */
int lz4_decompress_legacy(const void *in, size_t in_len, void *out, size_t out_cap,
			  size_t *out_len, struct lz4_error *err)
{
	const u8 *src = in;
	size_t pos = 4, done = 0, n;
	struct block b = { .err = err };
	int ret;

	if (!in_len)
		return set_error(err, 0, "empty input");
	if (!has_magic(src, in_len))
		return set_error(err, 0, "bad magic");
	while (pos < in_len) {
		u32 size;

		if (in_len - pos < 4)
			return set_error(err, pos, "truncated block size");
		size = get_le32(src + pos);
		if (size == LZ4_LEGACY_MAGIC) {
			pos += 4;
			continue;
		}
		if (!size)
			return set_error(err, pos, "empty block");
		if (size > LZ4_COMPRESS_BOUND(LZ4_LEGACY_BLOCK_SIZE))
			return set_error(err, pos, reason_too_large);
		if (size > in_len - pos - 4)
			return set_error(err, pos, "block past the end");
		pos += 4;

		b.in = src + pos;
		b.iend = b.in + size;
		b.base = pos;
		b.out = (u8 *)out + done;
		b.overflow = reason_overflow;
		b.oend = b.out + (out_cap - done);
		if (out_cap - done > LZ4_LEGACY_BLOCK_SIZE) {
			b.oend = b.out + LZ4_LEGACY_BLOCK_SIZE;
			b.overflow = reason_too_large;
		}
		ret = decode_block(&b, &n);
		if (ret)
			return ret;
		done += n;
		pos += size;
	}
	*out_len = done;
	return 0;
}

/*
 * lz4_decompress_payload - check the trailer against out_cap, then decode the frame in front
 * of it into exactly the size the trailer gives, so the end-of-block rules of the last block
 * are checked against its true end.
 */
int lz4_decompress_payload(const void *in, size_t in_len, void *out, size_t out_cap,
			   size_t *out_len, struct lz4_error *err)
{
	const u8 *src = in;
	size_t size, n;
	int ret;

	if (!in_len)
		return set_error(err, 0, "empty input");
	if (!has_magic(src, in_len))
		return set_error(err, 0, "bad magic");
	if (in_len < 8)
		return set_error(err, in_len, "missing size trailer");
	size = get_le32(src + in_len - 4);
	if (size > out_cap)
		return set_error(err, in_len - 4, "trailer size larger than the output buffer");
	ret = lz4_decompress_legacy(in, in_len - 4, out, size, &n, err);
	if (ret)
		return ret;
	if (n != size)
		return set_error(err, in_len - 4, "output size differs from trailer");
	*out_len = n;
	return 0;
}
