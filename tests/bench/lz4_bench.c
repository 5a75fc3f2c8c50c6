// SPDX-License-Identifier: GPL-2.0
/*
 * Host benchmark: carto's LZ4 stub decoder against liblz4's LZ4_decompress_safe.
 *
 *	lz4_bench [FILE [PAYLOAD]]
 *
 * FILE (default build/vmlinux.bin) is compressed as `lz4 -l -9` does: LZ4_compress_HC at level
 * 9, 8 MiB blocks, legacy frame. The lz4 CLI output of the same file is measured too and both
 * sizes printed; so is PAYLOAD, if given: the build's boot payload (frame + size trailer), also
 * checked to decode to FILE. Both decoders then decode the frame in turns, about a second of
 * runs each, and the best and median throughput (uncompressed MB/s) are printed with the
 * ratio: the median, over pairs of runs next to each other, of carto's speed over liblz4's.
 *
 * lib/lz4/decompress.c is linked in as an object built with the boot stub's flags
 * (tests/bench/lz4_bench.sh), so what is timed is the code the stub runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lz4.h>
#include <lz4hc.h>

#undef __always_inline
#include <linux/lz4.h>

#define BENCH_SECONDS 1.0
#define MAX_RUNS 100000
#define TARGET_RATIO 0.90

typedef int (*decode_fn)(const unsigned char *frame, size_t len, unsigned char *out, size_t cap);

static void die(const char *what)
{
	fprintf(stderr, "lz4_bench: %s\n", what);
	exit(2);
}

/* read_file - the whole of path, in a malloc'd buffer; *len its size. */
static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long size;

	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "lz4_bench: cannot read %s\n", path);
		exit(2);
	}
	buf = malloc(size ? size : 1);
	if (!buf || fread(buf, 1, size, f) != (size_t)size)
		die("read failed");
	fclose(f);
	*len = size;
	return buf;
}

static void put_le32(unsigned char *p, unsigned int v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static unsigned int get_le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (unsigned int)p[3] << 24;
}

/* legacy_compress - src as `lz4 -l -9` frames it; returns the frame, *len its size. */
static unsigned char *legacy_compress(const unsigned char *src, size_t n, size_t *len)
{
	size_t blocks = n / LZ4_LEGACY_BLOCK_SIZE + 1, pos = 4, done;
	unsigned char *frame = malloc(4 + blocks * (4 + LZ4_COMPRESSBOUND(LZ4_LEGACY_BLOCK_SIZE)));

	if (!frame)
		die("out of memory");
	put_le32(frame, LZ4_LEGACY_MAGIC);
	for (done = 0; done < n; done += LZ4_LEGACY_BLOCK_SIZE) {
		size_t chunk = n - done < LZ4_LEGACY_BLOCK_SIZE ? n - done : LZ4_LEGACY_BLOCK_SIZE;
		int c = LZ4_compress_HC((const char *)src + done, (char *)frame + pos + 4, chunk,
					LZ4_COMPRESSBOUND(LZ4_LEGACY_BLOCK_SIZE), 9);

		if (c <= 0)
			die("LZ4_compress_HC failed");
		put_le32(frame + pos, c);
		pos += 4 + c;
	}
	*len = pos;
	return frame;
}

/* cli_size - size of `lz4 -l -9 -c path`, or -1 if the CLI cannot be run. */
static long cli_size(const char *path)
{
	char cmd[4096], buf[65536];
	long total = 0;
	size_t got;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "lz4 -l -9 -c -q '%s'", path);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while ((got = fread(buf, 1, sizeof(buf), p)) > 0)
		total += got;
	return pclose(p) ? -1 : total;
}

static int carto_decode(const unsigned char *frame, size_t len, unsigned char *out, size_t cap)
{
	struct lz4_error err;
	size_t n;

	if (lz4_decompress_legacy(frame, len, out, cap, &n, &err)) {
		fprintf(stderr, "lz4_bench: carto: %s at input offset %lu\n", err.reason,
			err.offset);
		return -1;
	}
	return (int)n;
}

/* liblz4_decode - the same frame walk, each block through LZ4_decompress_safe. */
static int liblz4_decode(const unsigned char *frame, size_t len, unsigned char *out, size_t cap)
{
	size_t pos = 4, done = 0;

	while (pos + 4 <= len) {
		unsigned int size = get_le32(frame + pos);
		size_t room =
			cap - done < LZ4_LEGACY_BLOCK_SIZE ? cap - done : LZ4_LEGACY_BLOCK_SIZE;
		int n = LZ4_decompress_safe((const char *)frame + pos + 4, (char *)out + done, size,
					    room);

		if (n < 0)
			return -1;
		done += n;
		pos += 4 + size;
	}
	return (int)done;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct runs {
	const char *name;
	decode_fn fn;
	double *t;
	int n;
	double total;
};

/* time_once - one timed decode into out; checks the result the first time. */
static void time_once(struct runs *r, const unsigned char *frame, size_t flen, unsigned char *out,
		      const unsigned char *want, size_t n)
{
	double t0 = now(), dt;
	int got = r->fn(frame, flen, out, n);

	dt = now() - t0;
	if (got != (int)n || (!r->n && memcmp(out, want, n))) {
		fprintf(stderr, "lz4_bench: %s decoded wrongly\n", r->name);
		exit(1);
	}
	r->t[r->n++] = dt;
	r->total += dt;
}

static void report(struct runs *r, size_t n, double *best, double *median)
{
	qsort(r->t, r->n, sizeof(*r->t), cmp_double);
	*best = n / r->t[0] / 1e6;
	*median = n / r->t[r->n / 2] / 1e6;
	printf("lz4 decode (%s): %.1f MB/s (best of %d; median %.1f MB/s)\n", r->name, *best, r->n,
	       *median);
}

/*
 * check_payload - the build's payload: its size against the lz4 CLI's frame (they match if the
 * build runs the CLI), and whether it decodes to the input (it may be stale).
 */
static void check_payload(const char *path, const unsigned char *data, size_t n, unsigned char *out,
			  long cli)
{
	size_t plen, got;
	unsigned char *payload = read_file(path, &plen);
	struct lz4_error err;
	int ret = lz4_decompress_payload(payload, plen, out, n, &got, &err);

	printf("payload %s: %zu bytes, frame %zu bytes%s\n", path, plen, plen - 4,
	       cli < 0		       ? "" :
	       (size_t)cli == plen - 4 ? " (same as lz4 -l -9)" :
					 " (DIFFERENT from lz4 -l -9)");
	if (ret)
		printf("payload %s: does not decode: %s at input offset %lu (stale build?)\n", path,
		       err.reason, err.offset);
	else if (got != n || memcmp(out, data, n))
		printf("payload %s: decodes, but not to the input (stale build?)\n", path);
	free(payload);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "build/vmlinux.bin";
	struct runs carto = { .name = "carto stub decoder", .fn = carto_decode };
	struct runs lib = { .name = "liblz4 LZ4_decompress_safe", .fn = liblz4_decode };
	double cb, cm, lb, lm, *pair;
	size_t n, flen;
	unsigned char *data = read_file(path, &n), *frame, *out;
	long cli;

	if (!n || n > 0x7fffffff)
		die("input must be 1 byte to 2 GiB");
	frame = legacy_compress(data, n, &flen);
	cli = cli_size(path);
	printf("input %s: %zu bytes\n", path, n);
	printf("compressed (LZ4_compress_HC level 9, legacy frame): %zu bytes, payload %zu bytes\n",
	       flen, flen + 4);
	if (cli < 0)
		printf("compressed (lz4 -l -9 CLI): unavailable\n");
	else
		printf("compressed (lz4 -l -9 CLI): %ld bytes%s\n", cli,
		       (size_t)cli == flen ? " (same size)" : " (DIFFERENT size)");

	out = malloc(n);
	carto.t = malloc(MAX_RUNS * sizeof(double));
	lib.t = malloc(MAX_RUNS * sizeof(double));
	pair = malloc(MAX_RUNS * sizeof(double));
	if (!out || !carto.t || !lib.t || !pair)
		die("out of memory");
	if (argc > 2)
		check_payload(argv[2], data, n, out, cli);
	/*
	 * Warm up, then alternate, so that both see the same machine noise; the ratio is the
	 * median over the pairs of runs next to each other, steadier than best or median alone.
	 */
	time_once(&carto, frame, flen, out, data, n);
	time_once(&lib, frame, flen, out, data, n);
	carto.n = lib.n = 0;
	carto.total = lib.total = 0;
	while ((carto.total < BENCH_SECONDS || lib.total < BENCH_SECONDS || carto.n < 5) &&
	       carto.n < MAX_RUNS) {
		if (carto.n & 1) {
			time_once(&lib, frame, flen, out, data, n);
			time_once(&carto, frame, flen, out, data, n);
		} else {
			time_once(&carto, frame, flen, out, data, n);
			time_once(&lib, frame, flen, out, data, n);
		}
		pair[carto.n - 1] = lib.t[lib.n - 1] / carto.t[carto.n - 1];
	}
	qsort(pair, carto.n, sizeof(*pair), cmp_double);
	report(&carto, n, &cb, &cm);
	report(&lib, n, &lb, &lm);
	printf("ratio carto/liblz4: %.2f (target >= %.2f; best-of ratio %.2f, median ratio %.2f)\n",
	       pair[carto.n / 2], TARGET_RATIO, cb / lb, cm / lm);
	free(pair);
	free(lib.t);
	free(carto.t);
	free(frame);
	free(out);
	free(data);
	return 0;
}
