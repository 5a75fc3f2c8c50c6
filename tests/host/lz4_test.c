// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for lib/lz4/decompress.c, built with ASan and UBSan, with liblz4 as the oracle.
 *
 *	lz4_test [FILE...]
 *
 * Round trips: data of several kinds and sizes (tiny ones of 0..64 bytes, some over 8 MiB so
 * that frames hold several blocks, and each FILE) is compressed by liblz4 (LZ4_compress_default,
 * LZ4_compress_HC at levels 1, 4, 9 and 12) into raw blocks, legacy frames built here and boot
 * payloads, and must decode to itself; so must the output of the real `lz4 -l -9`. Blocks built
 * sequence by sequence cover every literal length, match length and offset class the fast and
 * exact paths tell apart. A case table breaks inputs one way at a time and expects the reason
 * and offset. Then fuzzing: mutated blocks and payloads must be rejected with a reason and an
 * offset inside the input, or decode to what liblz4 makes of them; whatever liblz4 rejects must
 * be rejected. Every decode goes into an exactly-sized heap buffer (ASan sees any overrun) and
 * again into one followed by a canary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lz4.h>
#include <lz4hc.h>

/* glibc's <sys/cdefs.h> has its own; the kernel's compiler.h defines it again. */
#undef __always_inline

#include "../../lib/lz4/decompress.c"

#define FUZZ_SEED 0x6c7a34667a7a6c7aULL
#define FUZZ_BLOCKS 12000
#define FUZZ_PAYLOADS 6000
#define RANDOM_SEQUENCE_BLOCKS 3000
#define GUARD 64
#define GUARD_BYTE 0xa5
#define UNTOUCHED_BYTE 0x5a
#define MIB (1UL << 20)

#include "check.h"

static void die(const char *what)
{
	fprintf(stderr, "lz4_test: %s\n", what);
	exit(2);
}

/* ------------------------------------------------------------------ PRNG */

static u64 rng = FUZZ_SEED;

/* rnd - xorshift64*: a fixed sequence for a fixed seed. */
static u64 rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static size_t below(size_t n)
{
	return n ? rnd() % n : 0;
}

/* ------------------------------------------------------------------ buffers */

struct buf {
	u8 *p;
	size_t len, size;
};

static u8 *xmalloc(size_t n)
{
	u8 *p = malloc(n);

	if (!p && n)
		die("out of memory");
	return p;
}

/* dup_exact - a copy of p[0..n) in a heap block of exactly n bytes. */
static u8 *dup_exact(const void *p, size_t n)
{
	u8 *q = xmalloc(n);

	if (n)
		memcpy(q, p, n);
	return q;
}

static void buf_put(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > b->size) {
		b->size = 2 * (b->len + n) + 64;
		b->p = realloc(b->p, b->size);
		if (!b->p)
			die("out of memory");
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void buf_le32(struct buf *b, u32 v)
{
	u8 le[4] = { v, v >> 8, v >> 16, v >> 24 };

	buf_put(b, le, 4);
}

static u32 le32_at(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static void set_le32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* ------------------------------------------------------------------ data */

/* clang-format off */
static const char *const words[] = {
	"the", "kernel", "page", "table", "walker", "maps", "of", "a", "and", "pmd_offset",
	"returns", "entry", "static", "int", "struct", "for", "if", "(", ")", "{", "}", ";",
	"0x0000000000200000", "lz4", "decompress", "boot", "stub", "carto", "memory", "\n",
};
/* clang-format on */

static void gen_random(u8 *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = rnd();
}

static void gen_text(u8 *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const char *w = words[below(ARRAY_SIZE(words))];

		for (; *w && i < n; w++)
			p[i++] = *w;
		if (i < n)
			p[i++] = below(8) ? ' ' : ',';
	}
}

/* gen_runs - runs of one byte value, some long, with random bytes between. */
static void gen_runs(u8 *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t run = below(4) ? 1 + below(40) : 1 + below(3000);
		u8 v = below(3) ? 0 : rnd();

		for (; run-- && i < n; i++)
			p[i] = below(64) ? v : rnd();
	}
}

/* gen_periodic - a random pattern of period bytes, repeated with rare changes. */
static void gen_periodic(u8 *p, size_t n, size_t period)
{
	for (size_t i = 0; i < n; i++)
		p[i] = i < period ? rnd() : below(500) ? p[i - period] : rnd();
}

/*
 * gen_mixed - something like a kernel image: code-ish text, copies of earlier stretches
 * (near and far), zero padding, tables and random stretches.
 */
static void gen_mixed(u8 *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t len = 1 + below(below(8) ? 2000 : 70000);

		if (len > n - i)
			len = n - i;
		switch (below(6)) {
		case 0:
			gen_text(p + i, len);
			break;
		case 1:
			memset(p + i, 0, len);
			break;
		case 2:
			gen_random(p + i, len > 300 ? 300 : len);
			len = len > 300 ? 300 : len;
			break;
		case 3:
			gen_periodic(p + i, len, 1 + below(40));
			break;
		default:
			if (i > 0) {
				size_t from = below(i);

				for (size_t k = 0; k < len; k++)
					p[i + k] =
						p[from + k % (i - from)] ^ (below(200) ? 0 : rnd());
			} else {
				gen_runs(p, len);
			}
		}
		i += len;
	}
}

/* ------------------------------------------------------------------ compressors */

static const int levels[] = { 0, 1, 4, 9, 12 }; /* 0: LZ4_compress_default */

/* compress_block - src as one raw block, at level (0 for LZ4_compress_default). */
static struct buf compress_block(const u8 *src, size_t n, int level)
{
	int bound = LZ4_compressBound(n), c;
	struct buf b = { xmalloc(bound ? bound : 1), 0, bound };

	if (level)
		c = LZ4_compress_HC((const char *)src, (char *)b.p, n, bound, level);
	else
		c = LZ4_compress_default((const char *)src, (char *)b.p, n, bound);
	if (c <= 0)
		die("liblz4 compression failed");
	b.len = c;
	return b;
}

/*
 * make_legacy - src as an lz4 legacy frame of blocks decoding to block_size bytes each (the
 * last to less), as `lz4 -l` writes them with block_size 8 MiB. With magic_every, the magic
 * number is repeated before every magic_every-th block, as concatenated frames have it.
 */
static struct buf make_legacy(const u8 *src, size_t n, int level, size_t block_size,
			      unsigned int magic_every)
{
	struct buf f = { NULL, 0, 0 };
	unsigned int count = 0;

	buf_le32(&f, LZ4_LEGACY_MAGIC);
	for (size_t done = 0; done < n; done += block_size, count++) {
		size_t chunk = n - done < block_size ? n - done : block_size;
		struct buf b = compress_block(src + done, chunk, level);

		if (magic_every && count && !(count % magic_every))
			buf_le32(&f, LZ4_LEGACY_MAGIC);
		buf_le32(&f, b.len);
		buf_put(&f, b.p, b.len);
		free(b.p);
	}
	return f;
}

/* make_payload - the frame followed by the uncompressed size, as Linux's size_append. */
static struct buf make_payload(const struct buf *frame, size_t n)
{
	struct buf p = { NULL, 0, 0 };

	buf_put(&p, frame->p, frame->len);
	buf_le32(&p, n);
	return p;
}

/* ------------------------------------------------------------------ running the decoder */

enum kind { BLOCK, LEGACY, PAYLOAD };

static const char *const kind_name[] = { "block", "legacy", "payload" };

struct result {
	int ret;
	size_t len;
	struct lz4_error err;
	u8 *out; /* cap bytes, malloc'd */
};

static int decode(enum kind k, const void *in, size_t len, void *out, size_t cap, size_t *n,
		  struct lz4_error *err)
{
	if (k == BLOCK)
		return lz4_decompress_block(in, len, out, cap, n, err);
	if (k == LEGACY)
		return lz4_decompress_legacy(in, len, out, cap, n, err);
	return lz4_decompress_payload(in, len, out, cap, n, err);
}

/* rejected_up_front - whether a failure with reason comes before anything is written. */
static bool rejected_up_front(const char *reason)
{
	static const char *const reasons[] = { "empty input", "bad magic", "missing size trailer",
					       "trailer size larger than the output buffer" };

	for (size_t i = 0; i < ARRAY_SIZE(reasons); i++)
		if (!strcmp(reason, reasons[i]))
			return true;
	return false;
}

static bool untouched(const u8 *out, size_t cap)
{
	for (size_t i = 0; i < cap; i++)
		if (out[i] != UNTOUCHED_BYTE)
			return false;
	return true;
}

/*
 * run - decode in[0..len) as kind k into an exactly-sized heap buffer of cap bytes (ASan
 * catches any overrun, the input being an exactly-sized copy too), then again into a buffer
 * with a canary after cap bytes. Checks the canary, that both runs agree, and the error
 * contract: -EINVAL with a reason and an offset inside the input (and the output untouched if
 * the reason is one found up front), or 0 with a length <= cap.
 */
static void run(enum kind k, const u8 *in, size_t len, size_t cap, struct result *r)
{
	u8 *src = dup_exact(in, len), *guarded = xmalloc(cap + GUARD);
	struct lz4_error err2 = { NULL, 0 };
	size_t n2 = 0;
	int ret2, ok = 1;

	r->out = xmalloc(cap);
	if (cap)
		memset(r->out, UNTOUCHED_BYTE, cap);
	r->len = 0;
	r->err.reason = NULL;
	r->err.offset = 0;
	r->ret = decode(k, src, len, r->out, cap, &r->len, &r->err);

	memset(guarded + cap, GUARD_BYTE, GUARD);
	ret2 = decode(k, src, len, guarded, cap, &n2, &err2);
	for (size_t i = 0; i < GUARD; i++)
		ok &= guarded[cap + i] == GUARD_BYTE;
	CHECK(ok);
	CHECK(ret2 == r->ret &&
	      (r->ret ? err2.reason == r->err.reason && err2.offset == r->err.offset :
			n2 == r->len && !memcmp(guarded, r->out, n2)));
	if (r->ret) {
		CHECK_EQ(r->ret, -EINVAL);
		CHECK(r->err.reason && r->err.offset <= len);
		if (r->err.reason && rejected_up_front(r->err.reason))
			CHECK(untouched(r->out, cap));
	} else {
		CHECK(r->len <= cap);
	}
	free(guarded);
	free(src);
}

/* run_expect - run() and check that it decodes to want[0..n). */
static void run_expect(enum kind k, const u8 *in, size_t len, size_t cap, const u8 *want, size_t n,
		       const char *what)
{
	struct result r;

	run(k, in, len, cap, &r);
	if (!check(!r.ret && r.len == n && !memcmp(r.out, want, n), what, __FILE__, __LINE__) &&
	    check_printing())
		printf("     %s: ret %d (%s at %lu), %zu of %zu bytes\n", kind_name[k], r.ret,
		       r.ret ? r.err.reason : "-", r.err.offset, r.len, n);
	free(r.out);
}

/* ------------------------------------------------------------------ oracle */

static int lib_block(const u8 *in, size_t len, u8 *out, size_t cap)
{
	return LZ4_decompress_safe((const char *)in, (char *)out, len, cap);
}

/* lib_legacy - the frame rules of lz4_decompress_legacy, each block through liblz4. */
static int lib_legacy(const u8 *in, size_t len, u8 *out, size_t cap, size_t *out_len)
{
	size_t pos = 4, done = 0;

	if (len < 4 || le32_at(in) != LZ4_LEGACY_MAGIC)
		return -1;
	while (pos < len) {
		u32 size;
		size_t room =
			cap - done < LZ4_LEGACY_BLOCK_SIZE ? cap - done : LZ4_LEGACY_BLOCK_SIZE;
		int n;

		if (len - pos < 4)
			return -1;
		size = le32_at(in + pos);
		pos += 4;
		if (size == LZ4_LEGACY_MAGIC)
			continue;
		if (size > LZ4_COMPRESSBOUND(LZ4_LEGACY_BLOCK_SIZE) || size > len - pos)
			return -1;
		n = lib_block(in + pos, size, out + done, room);
		if (n < 0)
			return -1;
		done += n;
		pos += size;
	}
	*out_len = done;
	return 0;
}

static int lib_payload(const u8 *in, size_t len, u8 *out, size_t cap, size_t *out_len)
{
	size_t size;

	if (len < 8)
		return -1;
	size = le32_at(in + len - 4);
	if (size > cap || lib_legacy(in, len - 4, out, size, out_len) || *out_len != size)
		return -1;
	return 0;
}

/* ------------------------------------------------------------------ round trips */

static unsigned int roundtrips;

/* roundtrip - src through every compressor, as block, frame and payload. */
static void roundtrip(const char *name, const u8 *src, size_t n, bool all_levels)
{
	for (size_t l = 0; l < ARRAY_SIZE(levels); l++) {
		int level = levels[l];
		struct buf f, p;
		char what[160];

		if (!all_levels && level != 0 && level != 9)
			continue;
		snprintf(what, sizeof(what), "%s (%zu bytes), level %d", name, n, level);
		if (n <= LZ4_LEGACY_BLOCK_SIZE) {
			struct buf b = compress_block(src, n, level);
			struct result r;

			run_expect(BLOCK, b.p, b.len, n, src, n, what);
			run_expect(BLOCK, b.p, b.len, n + 1 + below(100), src, n, what);
			if (n) {
				run(BLOCK, b.p, b.len, n - 1, &r);
				CHECK(r.ret);
				free(r.out);
			}
			free(b.p);
		}
		f = make_legacy(src, n, level, LZ4_LEGACY_BLOCK_SIZE, 0);
		p = make_payload(&f, n);
		run_expect(LEGACY, f.p, f.len, n, src, n, what);
		run_expect(PAYLOAD, p.p, p.len, n, src, n, what);
		run_expect(PAYLOAD, p.p, p.len, n + 4096, src, n, what);
		free(f.p);
		free(p.p);
		roundtrips++;
	}
}

static void test_roundtrips(void)
{
	static const size_t sizes[] = { 65, 100, 1000, 4096, 65536, 300000 };
	u8 *src = xmalloc(12 * MIB + 12345);

	for (size_t n = 0; n <= 64; n++) {
		gen_random(src, n);
		roundtrip("tiny random", src, n, true);
		memset(src, 0, n);
		roundtrip("tiny zeros", src, n, true);
		gen_text(src, n);
		roundtrip("tiny text", src, n, true);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t n = sizes[i];

		gen_random(src, n);
		roundtrip("random", src, n, true);
		gen_text(src, n);
		roundtrip("text", src, n, true);
		gen_runs(src, n);
		roundtrip("runs", src, n, true);
		memset(src, 0, n);
		roundtrip("zeros", src, n, true);
		gen_mixed(src, n);
		roundtrip("mixed", src, n, true);
	}
	for (size_t period = 1; period <= 40; period++) {
		gen_periodic(src, 5000, period);
		roundtrip("periodic", src, 5000, false);
	}
	/* Over 8 MiB: frames of two and of three blocks. */
	gen_mixed(src, 9 * MIB);
	roundtrip("mixed, 2 blocks", src, 9 * MIB, false);
	gen_mixed(src, 12 * MIB + 12345);
	memset(src + 8 * MIB - 1000, 0, 2000);
	roundtrip("mixed, 3 blocks", src, 12 * MIB + 12345, false);
	free(src);
}

/* read_whole - the file at path in a heap block of its size, *n; NULL if it cannot be read. */
static u8 *read_whole(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	long size = -1;
	u8 *p = NULL;

	if (f && !fseek(f, 0, SEEK_END) && (size = ftell(f)) >= 0 && size < 0x7fffffff &&
	    !fseek(f, 0, SEEK_SET)) {
		p = xmalloc(size);
		if (fread(p, 1, size, f) != (size_t)size) {
			free(p);
			p = NULL;
		}
	}
	if (f)
		fclose(f);
	*n = p ? size : 0;
	return p;
}

/* test_files - each FILE argument, round-tripped. */
static void test_files(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		size_t n;
		u8 *src = read_whole(argv[i], &n);

		if (!CHECK(src)) {
			printf("     cannot read %s\n", argv[i]);
			continue;
		}
		roundtrip(argv[i], src, n, false);
		printf("lz4: round trip of %s (%zu bytes)\n", argv[i], n);
		free(src);
	}
}

/*
 * cli_frame - path compressed by the real `lz4 -l -9` into a temporary file, read back.
 * Returns false if the CLI could not be run.
 */
static bool cli_frame(const char *path, struct buf *out)
{
	char tmp[] = "/tmp/lz4_test_XXXXXX", cmd[512], chunk[65536];
	int fd = mkstemp(tmp);
	size_t got;
	FILE *f;

	if (fd < 0)
		return false;
	close(fd);
	snprintf(cmd, sizeof(cmd), "lz4 -l -9 -f -q '%s' '%s' 2>/dev/null", path, tmp);
	out->p = NULL;
	out->len = 0;
	out->size = 0;
	if (system(cmd) || !(f = fopen(tmp, "rb"))) {
		unlink(tmp);
		return false;
	}
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(out, chunk, got);
	fclose(f);
	unlink(tmp);
	return true;
}

/*
 * cli_roundtrip - src[0..n), in the file at path, through the real `lz4 -l -9`: as a frame,
 * with the size trailer as a payload, and twice over as `cat a.lz4 a.lz4` makes it, the second
 * magic number where a block size would be.
 */
static void cli_roundtrip(const char *path, const char *name, const u8 *src, size_t n)
{
	struct buf f, p, cat = { NULL, 0, 0 };
	u8 *twice;

	if (!CHECK(cli_frame(path, &f))) {
		printf("     lz4 -l -9 failed on %s\n", path);
		return;
	}
	run_expect(LEGACY, f.p, f.len, n, src, n, "lz4 -l -9 output");
	p = make_payload(&f, n);
	run_expect(PAYLOAD, p.p, p.len, n, src, n, "lz4 -l -9 output + size");
	buf_put(&cat, f.p, f.len);
	buf_put(&cat, f.p, f.len);
	twice = xmalloc(2 * n);
	if (n) {
		memcpy(twice, src, n);
		memcpy(twice + n, src, n);
	}
	run_expect(LEGACY, cat.p, cat.len, 2 * n, twice, 2 * n, "concatenated lz4 -l -9 output");
	printf("lz4: lz4 -l -9 of %s (%zu bytes): %zu bytes, decoded\n", name, n, f.len);
	free(twice);
	free(cat.p);
	free(p.p);
	free(f.p);
}

/* test_cli - `lz4 -l -9` of data making one block and two, and of the first FILE. */
static void test_cli(int argc, char **argv)
{
	static const size_t sizes[] = { 100000, 9 * MIB + 777 };
	char tmp[] = "/tmp/lz4_test_in_XXXXXX";
	int fd = mkstemp(tmp);
	size_t n;
	u8 *src;

	if (!CHECK(fd >= 0))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		n = sizes[i];
		src = xmalloc(n);
		gen_mixed(src, n);
		if (ftruncate(fd, 0) || pwrite(fd, src, n, 0) != (ssize_t)n)
			die("cannot write a temporary file");
		cli_roundtrip(tmp, "generated data", src, n);
		free(src);
	}
	close(fd);
	unlink(tmp);
	if (argc > 1 && (src = read_whole(argv[1], &n))) {
		cli_roundtrip(argv[1], argv[1], src, n);
		free(src);
	}
}

/* ------------------------------------------------------------------ differential checks */

static unsigned int both_rejected, both_decoded;
static unsigned int stricter_zero_offset, stricter_last_literals;

/*
 * stricter - carto rejected what liblz4 decoded. Intended in two cases, rules of the format
 * that LZ4_decompress_safe does not hold everywhere:
 *  - a zero match offset, invalid in the format: liblz4 copies whatever the output held;
 *  - fewer than 5 literals after the last match (a literal run that is not the last ending
 *    less than 8 input bytes before the end): liblz4 lets this through in its fast loop,
 *    while 64 or more bytes of output room are left, and on the shortcut of its safe loop,
 *    which copies a short sequence unchecked while 32 or more are left (so the match may even
 *    end in the last 5 bytes of the output buffer).
 * Anything else is a failure.
 */
static void stricter(const struct result *r)
{
	if (!strcmp(r->err.reason, "zero match offset"))
		stricter_zero_offset++;
	else if (!strcmp(r->err.reason, "fewer than 5 last literals"))
		stricter_last_literals++;
	else if (!CHECK(!"carto rejected what liblz4 decoded"))
		printf("     reason \"%s\" at %lu\n", r->err.reason, r->err.offset);
}

/* compare - decode in as kind k with both decoders into cap bytes and hold them to agree. */
static void compare(enum kind k, const u8 *in, size_t len, size_t cap)
{
	struct result r;
	u8 *lib_out = xmalloc(cap);
	size_t lib_len = 0;
	int lib_ret;

	run(k, in, len, cap, &r);
	if (k == BLOCK) {
		int n = lib_block(in, len, lib_out, cap);

		lib_ret = n < 0 ? -1 : 0;
		lib_len = n < 0 ? 0 : n;
	} else if (k == LEGACY) {
		lib_ret = lib_legacy(in, len, lib_out, cap, &lib_len);
	} else {
		lib_ret = lib_payload(in, len, lib_out, cap, &lib_len);
	}
	if (lib_ret) {
		if (!CHECK(r.ret))
			printf("     %s of %zu bytes: liblz4 rejects, carto decoded %zu\n",
			       kind_name[k], len, r.len);
		both_rejected++;
	} else if (r.ret) {
		stricter(&r);
	} else {
		CHECK(r.len == lib_len && !memcmp(r.out, lib_out, lib_len));
		both_decoded++;
	}
	free(lib_out);
	free(r.out);
}

/* ------------------------------------------------------------------ sequence builder */

/* A block written sequence by sequence, and what it decodes to. */
struct seq_builder {
	struct buf blk;
	struct buf want;
};

static void put_byte(struct buf *b, u8 c)
{
	buf_put(b, &c, 1);
}

/* put_len - the length bytes for a length nibble of 15 and len - 15 more. */
static void put_len(struct buf *b, size_t more)
{
	for (; more >= 255; more -= 255)
		put_byte(b, 255);
	put_byte(b, more);
}

/* sb_literals - the token (match nibble given) and ll random literals. */
static void sb_literals(struct seq_builder *s, size_t ll, unsigned int ml_nibble)
{
	put_byte(&s->blk, (ll < 15 ? ll : 15) << 4 | ml_nibble);
	if (ll >= 15)
		put_len(&s->blk, ll - 15);
	for (size_t i = 0; i < ll; i++) {
		u8 c = below(4) ? 'a' + below(26) : rnd();

		put_byte(&s->blk, c);
		put_byte(&s->want, c);
	}
}

/* sb_seq - a sequence of ll literals and an ml byte match off bytes back. */
static void sb_seq(struct seq_builder *s, size_t ll, size_t off, size_t ml)
{
	sb_literals(s, ll, ml - MIN_MATCH < 15 ? ml - MIN_MATCH : 15);
	put_byte(&s->blk, off);
	put_byte(&s->blk, off >> 8);
	if (ml - MIN_MATCH >= 15)
		put_len(&s->blk, ml - MIN_MATCH - 15);
	for (size_t i = 0; i < ml; i++)
		put_byte(&s->want, s->want.p[s->want.len - off]);
}

static void sb_free(struct seq_builder *s)
{
	free(s->blk.p);
	free(s->want.p);
	s->blk = s->want = (struct buf){ NULL, 0, 0 };
}

static unsigned int built_blocks;

/*
 * test_sequences - every literal length, match length and offset class the decoder tells
 * apart, in long blocks (mostly the fast path) checked against what they must decode to;
 * then random short blocks ending at every distance from the sequences, checked against
 * liblz4 with exact and roomier output buffers.
 */
static void test_sequences(void)
{
	/* clang-format off */
	static const size_t lls[] = { 0, 1, 7, 8, 14, 15, 16, 17, 31, 32, 33, 100, 269, 270, 271,
				      300, 600 };
	static const size_t mls[] = { 4, 5, 7, 8, 9, 15, 16, 17, 18, 19, 20, 31, 32, 33, 34, 63,
				      64, 65, 270, 273, 274, 529, 600, 5000 };
	static const size_t offs[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
				       18, 19, 20, 23, 24, 31, 32, 33, 47, 48, 63, 64, 65, 100,
				       1000, 40000, 65535 };
	/* clang-format on */
	struct seq_builder s = { { NULL, 0, 0 }, { NULL, 0, 0 } };

	for (size_t o = 0; o < ARRAY_SIZE(offs); o++) {
		sb_seq(&s, offs[o], offs[o], 4);
		for (size_t l = 0; l < ARRAY_SIZE(lls); l++)
			for (size_t m = 0; m < ARRAY_SIZE(mls); m++)
				sb_seq(&s, lls[l], offs[o], mls[m]);
		sb_literals(&s, 5 + below(20), 0);
		run_expect(BLOCK, s.blk.p, s.blk.len, s.want.len, s.want.p, s.want.len,
			   "built block");
		compare(BLOCK, s.blk.p, s.blk.len, s.want.len);
		sb_free(&s);
		built_blocks++;
	}
	for (unsigned int i = 0; i < RANDOM_SEQUENCE_BLOCKS; i++) {
		size_t pre = 1 + below(below(4) ? 80 : 3000), count = below(4);

		sb_seq(&s, pre, 1 + below(pre), 4 + below(below(4) ? 20 : 700));
		for (size_t k = 0; k < count; k++) {
			size_t off = 1 + below(below(2) && s.want.len > 20 ? 20 : s.want.len);

			size_t ll = below(3) ? below(20) : lls[below(ARRAY_SIZE(lls))];

			sb_seq(&s, ll, off, mls[below(ARRAY_SIZE(mls))]);
		}
		sb_literals(&s, below(45), 0);
		compare(BLOCK, s.blk.p, s.blk.len, s.want.len);
		compare(BLOCK, s.blk.p, s.blk.len, s.want.len + below(40));
		sb_free(&s);
		built_blocks++;
	}
}

/* ------------------------------------------------------------------ error cases */

#define IN(s) s, sizeof(s) - 1

static const struct error_case {
	const char *name;
	enum kind kind;
	const char *in;
	size_t len;
	size_t cap;
	const char *reason;
	unsigned long offset;
} error_cases[] = {
	{ "block: empty", BLOCK, IN(""), 16, "empty input", 0 },
	{ "legacy: empty", LEGACY, IN(""), 16, "empty input", 0 },
	{ "payload: empty", PAYLOAD, IN(""), 16, "empty input", 0 },
	{ "legacy: bad magic", LEGACY, IN("\x03\x21\x4c\x18\x01\x00\x00\x00\x00"), 16, "bad magic",
	  0 },
	{ "legacy: short magic", LEGACY, IN("\x02\x21\x4c"), 16, "bad magic", 0 },
	{ "payload: bad magic", PAYLOAD, IN("\x02\x21\x4c\x19\x01\x00\x00\x00\x00\x00\x00\x00\x00"),
	  16, "bad magic", 0 },
	{ "block: offset before start", BLOCK, IN("\x10x\x02\x00\x50vwxyz"), 32,
	  "match offset before output start", 2 },
	{ "block: zero offset", BLOCK, IN("\x10x\x00\x00\x50vwxyz"), 32, "zero match offset", 2 },
	{ "block: literal run past the end", BLOCK, IN("\x50xy"), 32, "literal run past the end",
	  0 },
	{ "block: literal length bytes cut", BLOCK, IN("\xf0\xff\xff"), 1000, "truncated block",
	  0 },
	{ "block: no room for last literals after a match", BLOCK, IN("\x10x\x01\x00\x00"), 32,
	  "fewer than 5 last literals", 0 },
	{ "block: match length bytes cut", BLOCK, IN("\x1fx\x01\x00\xff\xff\xff\xff\xff\xff"), 1000,
	  "truncated block", 0 },
	{ "block: output overflow", BLOCK, IN("\x50vwxyz"), 4, "output overflow", 0 },
	{ "block: match starts in the last 12 bytes", BLOCK, IN("\x10x\x01\x00\x50vwxyz"), 10,
	  "match starts too close to the output end", 0 },
	{ "block: match ends in the last 5 bytes", BLOCK, IN("\x14x\x01\x00\x50vwxyz"), 13,
	  "match ends too close to the output end", 0 },
	{ "legacy: block past the end", LEGACY, IN("\x02\x21\x4c\x18\x64\x00\x00\x00uvwxyz"), 1000,
	  "block past the end", 4 },
	{ "legacy: empty block", LEGACY, IN("\x02\x21\x4c\x18\x00\x00\x00\x00"), 16, "empty block",
	  4 },
	{ "legacy: block size over the bound", LEGACY, IN("\x02\x21\x4c\x18\x91\x80\x80\x00x"), 16,
	  "block larger than 8 MiB", 4 },
	{ "legacy: truncated block size", LEGACY, IN("\x02\x21\x4c\x18\x01\x00"), 16,
	  "truncated block size", 4 },
	{ "legacy: error offset inside a block", LEGACY,
	  IN("\x02\x21\x4c\x18\x02\x21\x4c\x18\x0a\x00\x00\x00\x10x\x02\x00\x50vwxyz"), 32,
	  "match offset before output start", 14 },
	{ "payload: missing size trailer", PAYLOAD, IN("\x02\x21\x4c\x18\x01\x00"), 16,
	  "missing size trailer", 6 },
	{ "payload: trailer larger than the buffer", PAYLOAD,
	  IN("\x02\x21\x4c\x18\x06\x00\x00\x00\x50vwxyz\x06\x00\x00\x00"), 5,
	  "trailer size larger than the output buffer", 14 },
	{ "payload: output size differs from trailer", PAYLOAD,
	  IN("\x02\x21\x4c\x18\x06\x00\x00\x00\x50vwxyz\x07\x00\x00\x00"), 16,
	  "output size differs from trailer", 14 },
	{ "payload: decodes past the trailer size", PAYLOAD,
	  IN("\x02\x21\x4c\x18\x06\x00\x00\x00\x50vwxyz\x04\x00\x00\x00"), 16, "output overflow",
	  8 },
	{},
};

static unsigned int error_case_count;

/* test_error_cases - the table, then cases too big for it. */
static void test_error_cases(void)
{
	const struct error_case *c;
	struct result r;

	for (c = error_cases; c->name; c++) {
		run(c->kind, (const u8 *)c->in, c->len, c->cap, &r);
		if (!CHECK(r.ret))
			printf("     %s: decoded\n", c->name);
		CHECK_STR(r.err.reason, c->reason);
		CHECK_EQ(r.err.offset, c->offset);
		free(r.out);
		error_case_count++;
	}

	/* A block of 8 MiB + 1 bytes in a frame, with room for it in the output buffer. */
	{
		size_t n = LZ4_LEGACY_BLOCK_SIZE + 1;
		u8 *src = xmalloc(n);
		struct buf f;

		gen_runs(src, n);
		f = make_legacy(src, n, 0, n, 0);
		run(LEGACY, f.p, f.len, n + 100, &r);
		CHECK(r.ret);
		CHECK_STR(r.err.reason, "block larger than 8 MiB");
		free(r.out);
		/* the same bytes as two blocks are fine */
		free(f.p);
		f = make_legacy(src, n, 0, LZ4_LEGACY_BLOCK_SIZE, 0);
		run_expect(LEGACY, f.p, f.len, n, src, n, "8 MiB + 1 as two blocks");
		free(f.p);
		free(src);
		error_case_count++;
	}

	/* The intended differences from liblz4 (see stricter()): it decodes these, carto not. */
	{
		static const char zero_offset[] = "\x10x\x00\x00\x50vwxyz";
		static const char few_last[] = "\xa0ghijklmnop\x08\x00\x40wxyz";
		struct seq_builder s = { { NULL, 0, 0 }, { NULL, 0, 0 } };
		u8 lib_out[100];

		CHECK_EQ(lib_block((const u8 *)zero_offset, 10, lib_out, 32), 10);
		run(BLOCK, (const u8 *)zero_offset, 10, 32, &r);
		CHECK_STR(r.err.reason, "zero match offset");
		free(r.out);

		CHECK_EQ(lib_block((const u8 *)few_last, 18, lib_out, 100), 18);
		run(BLOCK, (const u8 *)few_last, 18, 100, &r);
		CHECK_STR(r.err.reason, "fewer than 5 last literals");
		CHECK_EQ(r.err.offset, 0);
		free(r.out);

		/* 14 literals and an 18 byte match ending the output, on liblz4's shortcut */
		sb_seq(&s, 40, 8, 4);
		sb_seq(&s, 14, 20, 18);
		sb_literals(&s, 0, 0);
		CHECK_EQ(lib_block(s.blk.p, s.blk.len, lib_out, s.want.len), s.want.len);
		run(BLOCK, s.blk.p, s.blk.len, s.want.len, &r);
		CHECK_STR(r.err.reason, "fewer than 5 last literals");
		CHECK_EQ(r.err.offset, 44);
		free(r.out);
		sb_free(&s);
		error_case_count += 3;
	}

	/* err may be NULL. */
	{
		u8 out[16];
		size_t n = 0;

		CHECK_EQ(lz4_decompress_block("\x50xy", 3, out, sizeof(out), &n, NULL), -EINVAL);
		CHECK_EQ(lz4_decompress_payload("\x02\x21", 2, out, sizeof(out), &n, NULL),
			 -EINVAL);
		CHECK_EQ(lz4_decompress_legacy("", 0, out, sizeof(out), &n, NULL), -EINVAL);
		CHECK_EQ(n, 0);
	}

	/* The one-byte block {0} decodes to nothing, also into no room at all. */
	run_expect(BLOCK, (const u8 *)"", 1, 0, (const u8 *)"", 0, "empty block into no room");
}

/* ------------------------------------------------------------------ fuzzing */

/* Where the length fields of a valid block or frame are, to aim mutations at them. */
struct fields {
	size_t pos[4096];
	unsigned int count;
};

static void field_add(struct fields *f, size_t pos)
{
	if (f->count < ARRAY_SIZE(f->pos))
		f->pos[f->count++] = pos;
}

/* block_fields - tokens, length bytes and offsets of the valid block p[0..len), at base. */
static void block_fields(const u8 *p, size_t len, size_t base, struct fields *f)
{
	size_t i = 0;

	while (i < len) {
		size_t ll = p[i] >> 4, ml = p[i] & 15;

		field_add(f, base + i++);
		if (ll == 15)
			do
				field_add(f, base + i);
			while (p[i++] == 255);
		i += ll;
		if (i >= len)
			break;
		field_add(f, base + i);
		i += 2;
		if (ml == 15)
			do
				field_add(f, base + i);
			while (p[i++] == 255);
	}
}

/* mutate - one random change to p[0..*len), which has room for max bytes. */
static void mutate(u8 *p, size_t *len, size_t max, const struct fields *f)
{
	size_t n = *len, at = below(n), pos = f->count ? f->pos[below(f->count)] : at;
	static const u8 values[] = { 0, 1, 4, 8, 14, 15, 16, 0x0f, 0xf0, 0xff, 0x7f, 0x80 };

	switch (below(9)) {
	case 0:
		if (n)
			p[at] ^= 1 << below(8);
		break;
	case 1:
		if (n)
			p[at] = below(2) ? values[below(ARRAY_SIZE(values))] : rnd();
		break;
	case 2:
		*len = below(n + 1);
		break;
	case 3:
		for (size_t k = 1 + below(16); k-- && *len < max;)
			p[(*len)++] = rnd();
		break;
	case 4: /* a length field, token, offset or length byte */
	case 5:
		if (pos < n)
			p[pos] = below(2) ? values[below(ARRAY_SIZE(values))] :
					    p[pos] ^ (1 << below(8));
		break;
	case 6: /* a nibble of a length field */
		if (pos < n)
			p[pos] = below(2) ? (p[pos] & 0x0f) | (below(16) << 4) :
					    (p[pos] & 0xf0) | below(16);
		break;
	case 7: /* delete a byte */
		if (n) {
			memmove(p + at, p + at + 1, n - at - 1);
			(*len)--;
		}
		break;
	default: /* insert a byte */
		if (n < max) {
			memmove(p + at + 1, p + at, n - at);
			p[at] = rnd();
			(*len)++;
		}
	}
}

static unsigned int fuzzed_blocks, fuzzed_payloads;

struct sample {
	struct buf in; /* block or payload */
	size_t n; /* decoded size */
	struct fields fields; /* of the valid input */
};

/* make_data - something to compress for sample i: text, runs, mixed or periodic. */
static void make_data(u8 *src, size_t n, unsigned int i)
{
	switch (i % 4) {
	case 0:
		gen_text(src, n);
		break;
	case 1:
		gen_runs(src, n);
		break;
	case 2:
		gen_mixed(src, n);
		break;
	default:
		gen_periodic(src, n, 1 + i % 13);
	}
}

/* fuzz - mutate samples of kind k (BLOCK or PAYLOAD), iterations times, and compare. */
static void fuzz(enum kind k, struct sample *s, unsigned int count, unsigned int iterations)
{
	for (unsigned int it = 0; it < iterations; it++) {
		const struct sample *x = &s[below(count)];
		size_t max = x->in.len + 64, len = x->in.len, cap = x->n;
		u8 *p = xmalloc(max);

		memcpy(p, x->in.p, len);
		for (unsigned int m = 1 + (below(4) ? 0 : below(3)); m--;)
			mutate(p, &len, max, &x->fields);
		if (k == PAYLOAD && below(4) == 0 && len >= 4) {
			/* the trailer: off by a little, or anything */
			u32 t = le32_at(p + len - 4);

			set_le32(p + len - 4, below(2) ? t + below(5) - 2 : (u32)rnd());
		}
		if (!below(8))
			cap = below(x->n + 64);
		compare(k, p, len, cap);
		if (k == PAYLOAD && len >= 4)
			compare(LEGACY, p, len - 4, cap);
		free(p);
		if (k == BLOCK)
			fuzzed_blocks++;
		else
			fuzzed_payloads++;
	}
}

/* test_fuzz - corpora of valid blocks and payloads (small blocks, some repeated magics). */
static void test_fuzz(void)
{
	static const size_t sizes[] = { 20, 70, 200, 1000, 3000, 12000, 30000 };
	static const size_t block_sizes[] = { 64, 300, 1000, 4096 };
	static struct sample blocks[28], payloads[28];
	u8 *src = xmalloc(30000);

	for (unsigned int i = 0; i < ARRAY_SIZE(blocks); i++) {
		struct sample *b = &blocks[i], *p = &payloads[i];
		size_t n = sizes[i % ARRAY_SIZE(sizes)],
		       bs = block_sizes[i % ARRAY_SIZE(block_sizes)];
		struct buf f;

		make_data(src, n, i);
		b->in = compress_block(src, n, levels[i % ARRAY_SIZE(levels)]);
		b->n = n;
		block_fields(b->in.p, b->in.len, 0, &b->fields);

		f = make_legacy(src, n, levels[(i + 2) % ARRAY_SIZE(levels)], bs, i % 3);
		p->in = make_payload(&f, n);
		p->n = n;
		for (size_t pos = 4; pos < f.len;) {
			u32 size = le32_at(f.p + pos);

			field_add(&p->fields, pos);
			pos += 4;
			if (size == LZ4_LEGACY_MAGIC)
				continue;
			if (below(3))
				block_fields(f.p + pos, size, pos, &p->fields);
			pos += size;
		}
		field_add(&p->fields, f.len);
		free(f.p);
	}
	fuzz(BLOCK, blocks, ARRAY_SIZE(blocks), FUZZ_BLOCKS);
	fuzz(PAYLOAD, payloads, ARRAY_SIZE(payloads), FUZZ_PAYLOADS);
	for (unsigned int i = 0; i < ARRAY_SIZE(blocks); i++) {
		free(blocks[i].in.p);
		free(payloads[i].in.p);
	}
	free(src);
}

int main(int argc, char **argv)
{
	/* each part reseeded, so that FILE arguments change nothing but their own checks */
	rng = FUZZ_SEED;
	test_error_cases();
	rng = FUZZ_SEED + 1;
	test_sequences();
	rng = FUZZ_SEED + 2;
	test_roundtrips();
	test_files(argc, argv);
	rng = FUZZ_SEED + 3;
	test_cli(argc, argv);
	rng = FUZZ_SEED + 4;
	test_fuzz();

	printf("lz4: %u round trips, %u built blocks, %u error cases, %u mutated blocks, "
	       "%u mutated payloads\n",
	       roundtrips, built_blocks, error_case_count, fuzzed_blocks, fuzzed_payloads);
	printf("lz4: against liblz4: %u inputs rejected by both, %u decoded alike\n", both_rejected,
	       both_decoded);
	printf("lz4: decoded by liblz4, rejected by carto on purpose: %u with a zero offset, %u "
	       "with fewer than 5 last literals\n",
	       stricter_zero_offset, stricter_last_literals);
	return check_summary("lz4");
}
