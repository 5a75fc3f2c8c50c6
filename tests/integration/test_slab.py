# SPDX-License-Identifier: GPL-2.0
"""
The slab allocator on one carto booted with `slub_debug=FZPU,kmalloc-64` and a gdbstub:

- `slabinfo` in /proc/slabinfo 2.1's exact format, every kmalloc cache there, the numbers
  consistent with each other and with `slab NAME`;
- a scripted workload (`slab test-alloc CACHE N`, `slab test-free CACHE`) moves the active
  objects by exactly N and gives the slabs back per the empty-slab policy;
- each slub_debug corruption (`slab test-corrupt KIND [CACHE]`) gives one Linux-style report
  naming the cache, the bad bytes and the callers, and carto carries on; the boot
  parameter put the debug flags on kmalloc-64 only;
- the in-kernel suite mm_slab passes;
- lx-slabinfo, with the VM paused, prints exactly what `slabinfo` printed.
"""

import math
import re

import pytest

from carto import Build, booted_with_gdbstub
from test_gdb import gdb_batch

CMDLINE = "slub_debug=FZPU,kmalloc-64"
HEADER = ["slabinfo - version: 2.1",
          "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> "
          ": tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> "
          "<num_slabs> <sharedavail>"]
ROW_RE = re.compile(r"(?P<name>\S+) *(?P<active>[ \d]{6}) (?P<num>[ \d]{6}) (?P<size>[ \d]{6}) "
                    r"(?P<per>[ \d]{4}) (?P<pages>[ \d]{4}) : tunables    0    0    0 : "
                    r"slabdata (?P<aslabs>[ \d]{6}) (?P<slabs>[ \d]{6})      0")
KMALLOC = ["kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-96", "kmalloc-128",
           "kmalloc-192", "kmalloc-256", "kmalloc-512", "kmalloc-1k", "kmalloc-2k",
           "kmalloc-4k", "kmalloc-8k"]
KINDS = {"redzone": "Redzone overwritten", "poison": "Poison overwritten",
         "double-free": "Object already free", "invalid-free": "Invalid object pointer",
         "wrong-cache": "Invalid free of"}


def parse_slabinfo(text):
    """{name: {field: int}}, checking the header and each row's exact format."""
    lines = text.splitlines()
    assert lines[:2] == HEADER, lines[:2]
    rows = {}
    for line in lines[2:]:
        assert len(line) >= 17 and line[17] == " ", f"name column: {line!r}"
        m = ROW_RE.fullmatch(line)
        assert m, f"not a slabinfo 2.1 row: {line!r}"
        assert line == f"{m['name']:<17s} " + line[18:], line
        rows[m["name"]] = {k: int(v) for k, v in m.groupdict().items() if k != "name"}
    return rows


@pytest.fixture(scope="module")
def vm(build, variant_iso):
    with booted_with_gdbstub(build, iso=variant_iso(cmdline=CMDLINE), mem="512M",
                             name="slab") as vm:
        yield vm


def test_slabinfo_format_and_consistency(vm):
    c, _ = vm
    rows = parse_slabinfo(c.cmd("slabinfo"))
    assert set(KMALLOC) <= set(rows) and "kmem_cache" in rows
    for name, r in rows.items():
        assert r["num"] == r["per"] * r["slabs"], name
        assert r["aslabs"] == r["slabs"] and r["active"] <= r["num"], name
        assert r["pages"] in (1, 2, 4, 8) and r["per"] * r["size"] <= r["pages"] * 4096, name
    for name in KMALLOC:
        size = int(name.split("-")[1].replace("k", "")) * (1024 if name.endswith("k") else 1)
        assert rows[name]["size"] >= size, name
        if name != "kmalloc-64":
            assert rows[name]["size"] == size, name


def test_slab_detail_agrees_with_slabinfo(vm):
    c, _ = vm
    c.cmd("slab test-alloc kmalloc-128 40")
    detail = c.cmd("slab kmalloc-128")
    row = parse_slabinfo(c.cmd("slabinfo"))["kmalloc-128"]
    c.cmd("slab test-free kmalloc-128")
    m = re.search(r"order=(\d+) objects=(\d+)", detail)
    assert m and 1 << int(m[1]) == row["pages"] and int(m[2]) == row["per"], detail
    m = re.search(r"^objects: (\d+) total, (\d+) active", detail, re.M)
    assert m and (int(m[1]), int(m[2])) == (row["num"], row["active"]), detail
    m = re.search(r"^slabs: (\d+) total, (\d+) full, (\d+) partial \((\d+) empty\), (\d+) cpu",
                  detail, re.M)
    assert m and int(m[1]) == row["slabs"] == int(m[2]) + int(m[3]) + int(m[5]), detail
    maps = re.findall(r"^    objects: ([ac.]+)$", detail, re.M)
    if maps:
        assert sum(x.count("a") for x in maps) == row["active"], detail
    assert "cpu0: slab 0x" in detail


@pytest.mark.parametrize("cache,n", [("kmalloc-256", 100), ("kmalloc-8", 1500),
                                     ("kmalloc-2k", 37), ("kmalloc-64", 70)])
def test_workload_moves_counts(vm, cache, n):
    c, _ = vm
    before = parse_slabinfo(c.cmd("slabinfo"))[cache]
    assert f"{n} objects held" in c.cmd(f"slab test-alloc {cache} {n}")
    during = parse_slabinfo(c.cmd("slabinfo"))[cache]
    assert during["active"] == before["active"] + n
    assert during["slabs"] >= math.ceil(during["active"] / during["per"])
    assert f"{n} objects freed" in c.cmd(f"slab test-free {cache}")
    after = parse_slabinfo(c.cmd("slabinfo"))[cache]
    assert after["active"] == before["active"]
    # the empty-slab policy: at most min_partial empty slabs kept, plus the CPU slab
    detail = c.cmd(f"slab {cache}")
    keep = int(re.search(r"min_partial=(\d+)", detail)[1])
    empty = int(re.search(r"\((\d+) empty\)", detail)[1])
    assert empty <= keep
    assert after["slabs"] <= max(before["slabs"], math.ceil(after["active"] / after["per"])) \
        + keep + 1


def check_report(out, cache, kind):
    assert f"BUG {cache} (Not tainted): {KINDS[kind]}" in out, out
    assert "=" * 77 in out and f"FIX {cache if kind != 'wrong-cache' else ''}" in out, out
    assert re.search(r"test-corrupt \S+ \S+: 1 report\(s\)", out), out
    if kind in ("redzone", "poison"):
        want = "0xcc" if kind == "redzone" else "0x6b"
        bad = "0x41" if kind == "redzone" else "0x42"
        assert f"First byte {bad} instead of {want}" in out, out
        assert re.search(r"INFO: 0x[0-9a-f]{16}-0x[0-9a-f]{16} @offset=\d+\.", out), out
        assert re.search(rf"INFO: Allocated in corrupt_{kind}\+0x[0-9a-f]+/0x[0-9a-f]+", out), out
        assert re.search(r"INFO: Object 0x[0-9a-f]{16} @offset=\d+", out), out
        label = "Redzone" if kind == "redzone" else "Object "
        assert re.search(rf"{label} 0x[0-9a-f]{{16}}:( [0-9a-f]{{2}})+$", out, re.M), out
        assert "set aside (not reused)" in out
    if kind == "poison":
        assert re.search(r"INFO: Freed in corrupt_poison\+0x", out), out
    if kind == "double-free":
        assert "INFO: Freed in corrupt_double_free+0x" in out, out


@pytest.mark.parametrize("kind", list(KINDS))
def test_corruption_reported_debug_cache(vm, kind):
    c, _ = vm
    out = c.cmd(f"slab test-corrupt {kind}")
    cache = "kmalloc-8" if kind == "wrong-cache" else "slub-debug-test"
    check_report(out, cache, kind)
    assert "carto" in c.cmd("version").lower()


@pytest.mark.parametrize("kind", list(KINDS))
def test_corruption_reported_boot_param_cache(vm, kind):
    """kmalloc-64 got FZPU from slub_debug=FZPU,kmalloc-64."""
    c, _ = vm

    def set_aside():
        return int(re.search(r"(\d+) set aside", c.cmd("slab kmalloc-64"))[1])

    before = set_aside()
    out = c.cmd(f"slab test-corrupt {kind} kmalloc-64")
    check_report(out, "kmalloc-8" if kind == "wrong-cache" else "kmalloc-64", kind)
    assert set_aside() == before + (kind in ("redzone", "poison"))


def test_slub_debug_only_named_cache(vm):
    c, _ = vm
    assert "debug=FZPU" in c.cmd("slab kmalloc-64")
    d32 = c.cmd("slab kmalloc-32")
    assert "debug=-" in d32 and "free pointer @0" in d32
    out = c.cmd("slab test-corrupt redzone kmalloc-32")
    assert "needs slub_debug flags" in out and "BUG" not in out
    assert "no cache" in c.cmd("slab no-such-cache")
    assert "usage: slab" in c.cmd("slab test-corrupt bogus")


def test_selftest_mm_slab(vm):
    c, _ = vm
    out = c.cmd("selftest mm_slab", timeout=120)
    assert "ok 1 mm_slab" in out and "not ok" not in out, out
    assert "# mm_slab: pass:4 fail:0" in out, out


def test_lx_slabinfo_equals_monitor(vm, build, tmp_path):
    c, port = vm
    c.cmd("slab test-alloc kmalloc-512 33")  # CPU freelists part-used: nr_free matters
    c.cmd("slab test-alloc kmalloc-16 5")
    monitor = c.cmd("slabinfo")
    c.hmp("stop")
    try:
        # gdb runs in tmp_path: the build directory by its absolute path (CARTO_BUILD may be
        # relative)
        gdb, _ = gdb_batch(Build(build.dir.resolve()), port, ["lx-slabinfo", "lx-slabinfo extra"],
                           tmp_path)
    finally:
        c.hmp("cont")
    out, err = gdb["lx-slabinfo"]
    assert err is None, err
    assert out == monitor, f"lx-slabinfo:\n{out}\nmonitor:\n{monitor}"
    assert gdb["lx-slabinfo extra"][1] == "usage: lx-slabinfo"
    c.cmd("slab test-free kmalloc-512")
    c.cmd("slab test-free kmalloc-16")
