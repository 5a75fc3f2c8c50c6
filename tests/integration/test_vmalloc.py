# SPDX-License-Identifier: GPL-2.0
"""
vmalloc and ioremap on a booted carto (with a gdbstub):

- `vmallocinfo` in Linux's format: `0x%016lx-0x%016lx %7ld` (end and size including the
  guard page), the caller symbol+off/size, pages=, phys=, the kind; areas ordered, disjoint,
  inside the vmalloc() area;
- the LAPIC, IOAPIC and HPET ioremapped at boot (one boot line each), their pages uncached in
  `ptdump` (PWT PCD under the vmalloc() Area header, the guard page after each unmapped) and
  in QEMU's `info tlb` (C and T flags);
- meminfo's VmallocUsed is the pages vmalloc() holds; the mm_vmalloc suite passes and gives
  everything back (vmallocinfo and meminfo the same after it);
- gdb's lx-vmallocinfo (and lx-meminfo) print what the monitor prints, the VM paused.
"""

import re

import pytest

from carto import Build, Carto, parse_ptdump
from test_gdb import free_port, gdb_batch

VMALLOC_START, VMALLOC_END = 0xffffc90000000000, 0xffffe90000000000
PAGE = 4096
LINE_RE = re.compile(r"0x([0-9a-f]{16})-0x([0-9a-f]{16}) ([ \d]{7,}) "
                     r"(\S+/0x[0-9a-f]+|0x[0-9a-f]+)(?: pages=(\d+))?(?: phys=0x([0-9a-f]{16}))?((?: (?:ioremap|vmalloc|vmap))+)")
DEVICES = {"LAPIC": 0xfee00000, "IOAPIC": 0xfec00000, "HPET": 0xfed00000}


def parse_vmallocinfo(text):
    """[(start, end, size, caller, pages, phys, kinds)], each line checked against the format."""
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        m = LINE_RE.fullmatch(line)
        assert m, f"not a vmallocinfo line: {line!r}"
        start, end, size = int(m.group(1), 16), int(m.group(2), 16), int(m.group(3))
        assert f"{size:7d}" == m.group(3), line
        out.append((start, end, size, m.group(4), int(m.group(5) or 0),
                    int(m.group(6), 16) if m.group(6) else 0, m.group(7).split()))
    return out


def meminfo_kb(text, label):
    m = re.search(rf"^{label}:\s+(\d+) kB$", text, re.M)
    assert m, text
    return int(m.group(1))


@pytest.fixture(scope="module")
def vm(build):
    port = free_port()
    c = Carto(build, mem="512M", name="vmalloc", extra_args=["-gdb", f"tcp:127.0.0.1:{port}"])
    c.start()
    try:
        log = c.wait_prompt()
        yield c, port, log
    finally:
        c.close()


@pytest.fixture(scope="module")
def before(vm):
    c = vm[0]
    return c.cmd("vmallocinfo"), c.cmd("meminfo")


def test_boot_lines(vm):
    log = vm[2]
    for name, pa in DEVICES.items():
        m = re.search(rf"ioremap: {name} pa=0x{pa:016x} va=0x([0-9a-f]{{16}}): (.*)", log)
        assert m, f"no boot line for {name}:\n{log}"
        assert VMALLOC_START <= int(m.group(1), 16) < VMALLOC_END
    assert re.search(r"LAPIC .*: ID register 0x00000000 \(APIC ID 0\)", log)
    assert re.search(r"IOAPIC .*version register 0x00([0-9a-f]{2})00([0-9a-f]{2}) "
                     r"\(version 0x\2, 24 pins\)", log)
    m = re.search(r"HPET .*capabilities 0x([0-9a-f]{16})", log)
    cap = int(m.group(1), 16)
    assert cap >> 32 and cap & 0xff, "HPET: no period or revision"


def test_vmallocinfo_format(before):
    areas = parse_vmallocinfo(before[0])
    assert len(areas) >= 3
    last_end = VMALLOC_START
    for start, end, size, caller, pages, phys, kinds in areas:
        assert end - start == size and size % PAGE == 0 and size >= 2 * PAGE
        assert start >= last_end and start % PAGE == 0, "areas ordered and disjoint"
        last_end = end
        assert len(kinds) == 1
        if "vmalloc" in kinds:
            assert pages == size // PAGE - 1, "one guard page"
        if "ioremap" in kinds:
            assert phys and pages == 0
    ioremaps = {a[5]: a for a in areas if "ioremap" in a[6]}
    for name, pa in DEVICES.items():
        assert pa in ioremaps, f"{name} not ioremapped"
        assert ioremaps[pa][2] == 2 * PAGE
        assert ioremaps[pa][3].startswith("x86_ioremap_init+0x")


def test_ptdump_uncached_with_guard(vm, before):
    runs = parse_ptdump(vm[0].cmd("ptdump"))
    for start, end, *_ , phys, kinds in parse_vmallocinfo(before[0]):
        if "ioremap" not in kinds:
            continue
        page = [r for r in runs if r.start <= start < r.end]
        guard = [r for r in runs if r.start <= end - PAGE < r.end]
        assert page and page[0].present and {"PWT", "PCD", "RW", "NX"} <= page[0].flags
        assert page[0].header == "vmalloc() Area"
        assert guard and not guard[0].present, "the guard page is mapped"


def test_qemu_tlb_uncached(vm, before):
    tlb = vm[0].hmp("info tlb")
    for start, *_ , phys, kinds in parse_vmallocinfo(before[0]):
        if "ioremap" not in kinds:
            continue
        m = re.search(rf"^{start:016x}: {phys:016x} (\S+)", tlb, re.M)
        assert m, f"{start:#x} not in info tlb"
        assert "C" in m.group(1) and "T" in m.group(1), m.group(0)


def test_meminfo_vmalloc_used(before):
    areas = parse_vmallocinfo(before[0])
    used = sum(a[4] for a in areas if "vmalloc" in a[6]) * PAGE // 1024
    assert meminfo_kb(before[1], "VmallocUsed") == used


def test_selftest_gives_everything_back(vm, before):
    c = vm[0]
    out = c.cmd("selftest mm_vmalloc", timeout=120)
    assert "# mm_vmalloc: pass:10 fail:0" in out, out
    assert "not ok" not in out
    assert c.cmd("vmallocinfo") == before[0]
    after = c.cmd("meminfo")
    assert meminfo_kb(after, "VmallocUsed") == meminfo_kb(before[1], "VmallocUsed")


def test_bad_command_usage(vm):
    assert "usage: vmallocinfo" in vm[0].cmd("vmallocinfo x")


def test_lx_vmallocinfo_equals_monitor(vm, build, tmp_path):
    c, port, _ = vm
    monitor = {cmd: c.cmd(cmd) for cmd in ("vmallocinfo", "meminfo")}
    c.hmp("stop")
    try:
        # gdb runs in tmp_path: the build's paths absolute (CARTO_BUILD may be relative)
        gdb, _ = gdb_batch(Build(build.dir.resolve()), port,
                           ["lx-vmallocinfo", "lx-meminfo", "lx-vmallocinfo x"], tmp_path)
    finally:
        c.hmp("cont")
    for cmd, text in monitor.items():
        out, err = gdb["lx-" + cmd]
        assert err is None, err
        assert out.strip() == text.strip()
    assert gdb["lx-vmallocinfo x"][1] == "usage: lx-vmallocinfo"
