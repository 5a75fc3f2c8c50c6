#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kmalloc+kfree pair cost (make bench): the slab core built for the host against glibc
# malloc/free in the same loop, then carto's in-kernel `bench slab` (TCG cycles), beside
# Linux's published 42-47 cycles.
#
#	tests/bench/slab_bench.sh [BUILD]
#
# BUILD is the build directory (default $CARTO_BUILD, else build); the host binary goes to
# BUILD/bench/. The in-kernel part boots BUILD/carto.iso when it exists. Run from the top.
set -eu

build=${1:-${CARTO_BUILD:-build}}
cc=${CC:-/usr/bin/gcc}
mkdir -p "$build/bench"
$cc -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude -Iarch/x86/include -I"$build/include" \
	-Itests/host tests/bench/slab_bench.c -o "$build/bench/slab_bench"
"$build/bench/slab_bench"

if [ ! -f "$build/carto.iso" ]; then
	echo "in-kernel: $build/carto.iso missing (make O=$build): not measured"
	exit 0
fi
CARTO_BUILD=$build /usr/bin/python3 - <<'PY'
import sys
sys.path.insert(0, "tests/integration")
from carto import Carto, default_build

c = Carto(default_build(), mem="512M", name="slab-bench")
c.start()
try:
    c.wait_prompt()
    out = c.cmd("bench slab", timeout=600).strip()
finally:
    c.close()
print(f"in-kernel (QEMU, virtual TSC cycles per pair, median of 9 rounds): {out}")
print("Linux SLUB, published: 42-47 cycles per kmalloc+kfree pair (native)")
PY
