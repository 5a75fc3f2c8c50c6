#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build and run the LZ4 decoder benchmark (make bench).
#
#	tests/bench/lz4_bench.sh [FILE [PAYLOAD]]
#
# The decoder is compiled with the boot stub's flags into its own object; the harness, built
# normally, links it with liblz4. For FILE build/vmlinux.bin, PAYLOAD defaults to the build's
# build/vmlinux.bin.lz4. Outputs go to build/bench/. Run from the top of the tree.
set -eu

file=${1:-build/vmlinux.bin}
out=build/bench
cc=${CC:-/usr/bin/gcc}
stub_cflags="-std=gnu11 -O2 -ffreestanding -fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only \
-mno-sse -mno-mmx -mno-80387 -fno-stack-protector -Wall -Wextra -Werror -Iinclude"

if [ ! -f "$file" ]; then
	echo "lz4_bench.sh: no input $file (build it, or pass a file)" >&2
	exit 2
fi
mkdir -p "$out"
# shellcheck disable=SC2086
$cc $stub_cflags -c lib/lz4/decompress.c -o "$out/lz4_decompress.o"
# The stub object is not position independent, so the harness is linked -no-pie.
$cc -std=gnu11 -O2 -Wall -Wextra -Iinclude -no-pie tests/bench/lz4_bench.c \
	"$out/lz4_decompress.o" -llz4 -o "$out/lz4_bench"
# The build's payload, for the build's input, unless one is given.
payload=${2:-}
if [ -z "$payload" ] && [ "$file" = build/vmlinux.bin ] && [ -f build/vmlinux.bin.lz4 ]; then
	payload=build/vmlinux.bin.lz4
fi
exec "$out/lz4_bench" "$file" ${payload:+"$payload"}
