/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LZ4 decoding for the boot stub (lib/lz4/decompress.c).
 *
 * A raw LZ4 block is a run of sequences: a token byte (literal count in the high nibble, match
 * length - 4 in the low one, 15 meaning "more length bytes follow"), the literals, a 2-byte
 * little-endian match offset and the match. The last sequence has literals only.
 *
 * The lz4 "legacy" frame (lz4 -l, Linux's CONFIG_KERNEL_LZ4) is the magic 0x184C2102, then
 * blocks, each preceded by its compressed size as 4 little-endian bytes and each decoding to at
 * most 8 MiB. The boot payload is such a frame followed by the uncompressed size as 4
 * little-endian bytes (Linux's size_append).
 *
 * All three functions return 0 on success with *out_len set, or -EINVAL with *err (if err is
 * not NULL) describing the first fault: a short lowercase reason and the input offset, relative
 * to the start of the buffer given to the function, so a caller can print
 * "carto: lz4: <reason> at input offset N". They never read outside in[0..in_len) nor write
 * outside out[0..out_cap), whatever the input, but may write scratch bytes in out past the
 * decoded data. in and out must not overlap.
 */
#ifndef _LINUX_LZ4_H
#define _LINUX_LZ4_H

#include <linux/types.h>
#include <linux/errno.h>

#define LZ4_LEGACY_MAGIC 0x184C2102U
#define LZ4_LEGACY_BLOCK_SIZE (8UL << 20)
/* Worst-case compressed size of n input bytes (the format's bound: n + n / 255 + 16). */
#define LZ4_COMPRESS_BOUND(n) ((n) + (n) / 255 + 16)

struct lz4_error {
	const char *reason;
	unsigned long offset; /* input offset of the fault */
};

/*
 * lz4_decompress_block - decode one raw LZ4 block in[0..in_len) into out[0..out_cap).
 * As liblz4 does, the end-of-block rules (last 5 bytes are literals, the last match starts at
 * least 12 bytes before the end) are checked against out_cap, so pass the exact decoded size
 * when it is known.
 */
int lz4_decompress_block(const void *in, size_t in_len, void *out, size_t out_cap, size_t *out_len,
			 struct lz4_error *err);

/*
 * lz4_decompress_legacy - decode an lz4 legacy frame of exactly in_len bytes. A repeated magic
 * number between blocks (concatenated frames) is skipped.
 */
int lz4_decompress_legacy(const void *in, size_t in_len, void *out, size_t out_cap, size_t *out_len,
			  struct lz4_error *err);

/*
 * lz4_decompress_payload - decode a boot payload: a legacy frame, then the uncompressed size as
 * 4 little-endian bytes. The size is checked against out_cap before anything is written, and
 * the decoded size must equal it.
 */
int lz4_decompress_payload(const void *in, size_t in_len, void *out, size_t out_cap,
			   size_t *out_len, struct lz4_error *err);

#endif /* _LINUX_LZ4_H */
