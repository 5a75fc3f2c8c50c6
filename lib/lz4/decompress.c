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
 * are checked as liblz4's LZ4_decompress_safe checks them, against the end of the output
 * buffer, and every block it rejects is rejected here too. This decoder is stricter in two
 * places, where liblz4 skips a check on its fast paths: a zero offset is an error (the format
 * calls it invalid), and so is a literal run other than the last ending less than 8 input bytes
 * before the end (room for an offset, a token and 5 last literals). Blocks of a legacy frame are
 * independent: a match cannot reach into the block before.
 *
 * Speed: decode_fast() runs while a sequence starts far enough from both ends (FAST_IN_MARGIN,
 * FAST_OUT_MARGIN) for copies that overshoot. Short literal runs are moved as 16 bytes, short
 * matches as three words; longer ones, out of line, 32 bytes a step; matches closer than 8
 * bytes behind are stored from a word holding their repeating pattern. The bytes written past
 * the end of a copy are overwritten by the next one. exact_sequence() finishes the block and
 * takes over any sequence decode_fast() leaves, checking everything and writing nothing past
 * the end of its copy; it is also what reports errors.
 *
 * Freestanding: word moves (__builtin_memcpy of 8 bytes) and no library calls. The input and
 * output buffers must not overlap. Bytes of the output buffer past the decoded data may be
 * overwritten.
 */
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/lz4.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "lz4: length fields and pattern words are read as little-endian"
#endif

#define MIN_MATCH 4
#define LEN_MASK 15 /* a length nibble of 15: length bytes follow */
#define LAST_LITERALS 5 /* the last 5 output bytes are literals */
#define MATCH_LIMIT 12 /* a non-last literal run ends 12 bytes before the output end */
#define SEQ_TAIL 8 /* input after a non-last literal run: offset, token, 5 literals */
#define ML_TAIL 4 /* input left after the length bytes of a match, as liblz4 */
#define WILD_STEP 32 /* bytes a wild copy moves in one step */
#define FAST_IN_MARGIN 32 /* decode_fast: input bytes left at a token, at least */
#define FAST_OUT_MARGIN 64 /* decode_fast: output bytes left at a token, at least */
#define FAST_MATCH_MARGIN 32 /* decode_fast: output bytes left after a long match, at least */

/* One block being decoded; base is the offset of in within the caller's outermost buffer. */
struct block {
	const u8 *in, *iend;
	u8 *out, *oend;
	unsigned long base;
	bool capped; /* oend was cut to 8 MiB from out: running out of room means too large */
	struct lz4_error *err;
};

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

/* room_error - block_error for output that does not fit before oend. */
static noinline int room_error(const struct block *b, const u8 *at, const char *reason)
{
	return block_error(b, at, b->capped ? reason_too_large : reason);
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

/* copy16 - copy 16 bytes; both words are loaded first, so s + 16 <= d unless they are apart. */
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
/* clang-format off */
static const u64 pattern_mul[8] = {
	0, 0x0101010101010101ULL, 0x0001000100010001ULL, 0x0001000001000001ULL,
	0x0000000100000001ULL, 0x0000010000000001ULL, 0x0001000000000001ULL, 0x0100000000000001ULL,
};
/* clang-format on */
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

/*
 * copy_wild - copy n (>= 1) bytes from s to d, WILD_STEP bytes a step: reads and writes up to
 * WILD_STEP - 1 bytes too many. For literals, or a match at least 16 bytes back: each copy16()
 * then reads only bytes written before it.
 */
static __always_inline void copy_wild(u8 *d, const u8 *s, size_t n)
{
	u8 *end = d + n;

	do {
		copy16(d, s);
		copy16(d + 16, s + 16);
		d += WILD_STEP;
		s += WILD_STEP;
	} while (d < end);
}

/*
 * match_wild - write the n (>= 1) byte match at d from off (>= 1) bytes back, writing up to
 * WILD_STEP - 1 bytes too many; those are the bytes the match would go on with. Far matches
 * move 16 bytes a copy; matches 8..15 back move 8 bytes a copy, each reading what the one
 * before wrote; nearer ones store pattern words, which for offsets 1, 2 and 4 never change.
 */
static __always_inline void match_wild(u8 *d, size_t off, size_t n)
{
	const u8 *s = d - off;
	u8 *end = d + n;
	u64 p;

	if (likely(off >= 16)) {
		copy_wild(d, s, n);
	} else if (off >= 8) {
		do {
			copy8(d, s);
			copy8(d + 8, s + 8);
			d += 16;
			s += 16;
		} while (d < end);
	} else if (!(off & (off - 1))) {
		p = pattern_word(d, off);
		do {
			store64(d, p);
			store64(d + 8, p);
			store64(d + 16, p);
			store64(d + 24, p);
			d += WILD_STEP;
		} while (d < end);
	} else {
		p = pattern_word(d, off);
		do {
			store64(d, p);
			p = pattern_next(p, off);
			d += 8;
		} while (d < end);
	}
}

/*
 * copy_exact - copy n bytes from s to d, touching nothing outside either range: wild copies
 * for all but the last WILD_STEP bytes, then words and bytes.
 */
static __always_inline void copy_exact(u8 *d, const u8 *s, size_t n)
{
	size_t i = 0;

	if (n > WILD_STEP) {
		i = n - WILD_STEP;
		copy_wild(d, s, i);
	}
	for (; n - i >= 8; i += 8)
		copy8(d + i, s + i);
	for (; i < n; i++)
		d[i] = s[i];
}

/*
 * match_exact - write the n byte match at d from off (>= 1) bytes back, touching nothing past
 * d + n: wild copies for all but the last WILD_STEP bytes, then words and bytes.
 */
static __always_inline void match_exact(u8 *d, size_t off, size_t n)
{
	size_t i = 0;

	if (n > WILD_STEP) {
		i = n - WILD_STEP;
		match_wild(d, off, i);
	}
	if (off >= 8) {
		for (; n - i >= 8; i += 8)
			copy8(d + i, d + i - off);
	}
	for (; i < n; i++)
		d[i] = d[i - off];
}

/*
 * fast_long_literals - for decode_fast(), the literal run of a token with a literal nibble of
 * 15, whose length bytes start at ip: copy it to op with wild copies, if it ends more than
 * FAST_IN_MARGIN bytes before iend and FAST_OUT_MARGIN before oend. Out of line, to keep the
 * registers of the main loop for the common case. Returns the start of the literals, their
 * count in *len, or NULL if the run was left alone.
 */
static noinline const u8 *fast_long_literals(const u8 *ip, u8 *op, size_t *len, const u8 *iend,
					     const u8 *oend)
{
	size_t n = LEN_MASK;

	if (!add_len(&ip, iend, &n) || iend - ip < FAST_IN_MARGIN ||
	    n > (size_t)(iend - ip) - FAST_IN_MARGIN || n > (size_t)(oend - op) - FAST_OUT_MARGIN)
		return NULL;
	copy_wild(op, ip, n);
	*len = n;
	return ip;
}

/*
 * fast_long_match - for decode_fast(), the match at op of a token with a match nibble of 15,
 * whose length bytes start at *ipp: copy it with wild copies and advance *ipp past the length
 * bytes, if it ends more than FAST_MATCH_MARGIN bytes before oend and the length bytes leave
 * ML_TAIL bytes of input. Out of line, as fast_long_literals(). Returns the match length, or 0
 * if the match was left alone.
 */
static noinline size_t fast_long_match(const u8 **ipp, u8 *op, size_t off, const u8 *iend,
				       const u8 *oend)
{
	size_t len = LEN_MASK;

	if (!add_len(ipp, iend - ML_TAIL, &len) || !off ||
	    len > (size_t)(oend - op) - FAST_MATCH_MARGIN - MIN_MATCH)
		return 0;
	match_wild(op, off, len + MIN_MATCH);
	return len + MIN_MATCH;
}

/*
 * fast_short_match - a match of 4..18 bytes at d from m, off back: three words, or pattern
 * words. Returns false for a zero offset, leaving it to exact_sequence().
 */
static __always_inline bool fast_short_match(u8 *d, const u8 *m, size_t off, size_t len)
{
	if (likely(off >= 8)) {
		copy8(d, m);
		copy8(d + 8, m + 8);
		copy8(d + 16, m + 16);
	} else if (likely(off)) {
		match_wild(d, off, len);
	} else {
		return false;
	}
	return true;
}

/*
 * decode_fast - decode sequences with wild copies while they start far from both ends: more
 * than FAST_IN_MARGIN input and FAST_OUT_MARGIN output bytes leave room for every overshoot of
 * a short sequence and keep it clear of the end-of-block rules. Long literal runs and matches
 * are checked on their own. Stops, with *ipp and *opp at its start, at the first sequence that
 * comes near an end or is faulty, for exact_sequence() to take it from there.
 *
 * One compare per sequence does for both ends: a sequence takes fewer input bytes than it
 * makes output bytes, but for the length bytes of its literal run, so while op stays below
 * olimit (as far ahead as input is left, less the literal length bytes seen) ip cannot have
 * reached ifast. When op gets there, the limit is worked out again from where ip really is.
 */
static noinline void decode_fast(const struct block *b, const u8 **ipp, u8 **opp)
{
	const u8 *ip = *ipp, *iend = b->iend,
		 *ifast = iend - (iend - b->in > FAST_IN_MARGIN ? FAST_IN_MARGIN : iend - b->in);
	u8 *op = *opp, *out = b->out, *oend = b->oend, *olimit;
	u8 *ofast = oend - (oend - out > FAST_OUT_MARGIN ? FAST_OUT_MARGIN : oend - out);

	/* Below 64 KiB, op + ll - off could wrap around and pass the offset check. */
	while ((uintptr_t)out > 0xffff && ip < ifast && op < ofast) {
		olimit = ofast - op < ifast - ip ? ofast : op + (ifast - ip);
		do {
			const u8 *lit = ip + 1, *next, *m;
			size_t token = *ip, ll = token >> 4, off;
			size_t ml = (token & LEN_MASK) + MIN_MATCH;

			if (likely(ll != LEN_MASK)) {
				copy16(op, lit);
			} else {
				size_t n; /* out of the loop's registers, as p below */

				lit = fast_long_literals(lit, op, &n, iend, oend);
				if (!lit)
					goto out;
				ll = n;
				olimit -= lit - ip - 1; /* stays >= out: the run ends by ifast */
			}
			off = get_le16(lit + ll);
			next = lit + ll + 2;
			m = (const u8 *)((uintptr_t)(op + ll) - off);
			if (unlikely((uintptr_t)m < (uintptr_t)out))
				goto out;
			if (likely(ml != LEN_MASK + MIN_MATCH)) {
				if (!fast_short_match(op + ll, m, off, ml))
					goto out;
			} else {
				const u8 *p = next;

				ml = fast_long_match(&p, op + ll, off, iend, oend);
				if (!ml)
					goto out;
				next = p;
			}
			ip = next;
			op += ll + ml;
		} while (likely(op < olimit));
	}
out:
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
		return room_error(b, seq, "output overflow");
	if (ll == left) {
		copy_exact(op, ip, ll);
		*opp = op + ll;
		return 1;
	}
	if (left - ll < SEQ_TAIL)
		return block_error(b, seq, "fewer than 5 last literals");
	if (room - ll < MATCH_LIMIT)
		return room_error(b, seq, "match starts too close to the output end");
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
		return room_error(b, seq, "output overflow");
	if (ml > room - LAST_LITERALS)
		return room_error(b, seq, "match ends too close to the output end");
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
int lz4_decompress_legacy(const void *in, size_t in_len, void *out, size_t out_cap, size_t *out_len,
			  struct lz4_error *err)
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
		b.capped = out_cap - done > LZ4_LEGACY_BLOCK_SIZE;
		b.oend = b.out + (b.capped ? LZ4_LEGACY_BLOCK_SIZE : out_cap - done);
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
