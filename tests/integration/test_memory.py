# SPDX-License-Identifier: GPL-2.0
"""
memblock, the buddy allocator and their views at -m 128M, 512M, 4G and 16G: the BIOS-e820
lines against the multiboot2 memory map GRUB left in guest memory (read with HMP xp),
`memblock`, `meminfo` (MemTotal, MemFree, PageTables against the page tables QEMU reads,
DirectMap2M), `buddyinfo` totals and zones, `page PFN`, bad `page` input, and `selftest`.
"""

import re

import pytest

from carto import (PAGE_OFFSET, SZ_2M, SZ_4K, START_KERNEL_MAP, STRUCT_PAGE_SIZE, TIMESTAMP_RE,
                   VMEMMAP_START, align_down, align_up, merge_ranges, multiboot2_mmap,
                   page_table_pages, parse_buddyinfo, parse_e820, parse_memblock, parse_meminfo,
                   parse_ptdump, ptdump_pages, usable_ranges)

MB2_INFO_RE = re.compile(r"multiboot2: info at pa=0x([0-9a-f]+), (\d+) bytes")


def sym(system_map, name):
    addrs = [s.addr for s in system_map if s.name == name]
    assert len(addrs) == 1, f"{name} in System.map: {addrs}"
    return addrs[0]


def memory_pages(machine):
    """memblock's memory regions as (first pfn, last pfn)."""
    return [(s >> 12, e >> 12) for s, e in parse_memblock(machine.cmd("memblock"))["memory"]]


def buddy_free_kb(zones):
    return sum(n << order for _, counts in zones for order, n in enumerate(counts)) * 4


# -- the memory map --------------------------------------------------------------------------

def by_type(e820):
    out = {}
    for s, e, t in e820:
        out.setdefault(t, []).append((s, e))
    return {t: merge_ranges(r) for t, r in out.items()}


def test_e820_lines_are_the_map_grub_passed(machine):
    """
    dmesg's and `memblock`'s BIOS-e820 lines are the multiboot2 memory map GRUB wrote (read
    from guest memory at the info address carto logs, with HMP xp), type by type.
    """
    dmesg = machine.cmd("dmesg")
    m = MB2_INFO_RE.search(dmesg)
    assert m, "no `multiboot2: info at pa=...` line in dmesg"
    grub = multiboot2_mmap(machine, int(m.group(1), 16))
    from_dmesg, from_memblock = parse_e820(dmesg), parse_e820(machine.cmd("memblock"))
    assert from_dmesg, dmesg
    assert from_dmesg == from_memblock
    assert by_type(from_dmesg) == by_type(grub), (from_dmesg, grub)


def test_memblock_memory_is_the_usable_ram_in_whole_pages(machine):
    """memblock.memory: every usable range, shrunk to whole 4 KiB pages (as Linux trims)."""
    mb = parse_memblock(machine.cmd("memblock"))
    want = [(align_up(s, SZ_4K), align_down(e + 1, SZ_4K) - 1)
            for s, e in usable_ranges(parse_e820(machine.boot_log))]
    want = [(s, e) for s, e in want if e > s]
    assert mb["memory"] == want


def test_memblock_reserves_low_1m_kernel_and_multiboot_info(machine, system_map):
    mb = parse_memblock(machine.cmd("memblock"))
    reserved = merge_ranges((s, e) for s, e, _ in mb["reserved"])

    def covered(s, e):
        return any(rs <= s and e <= re_ for rs, re_ in reserved)

    kernel = (sym(system_map, "_text") - START_KERNEL_MAP,
              sym(system_map, "_end") - START_KERNEL_MAP - 1)
    m = MB2_INFO_RE.search(machine.boot_log)
    info = (int(m.group(1), 16), int(m.group(1), 16) + int(m.group(2)) - 1)
    for what, (s, e) in (("low 1 MiB", (0, 0xfffff)), ("kernel image", kernel),
                         ("multiboot2 info", info)):
        assert covered(s, e), f"{what} [{s:#x}-{e:#x}] not reserved: {mb['reserved']}"


# -- meminfo and buddyinfo -------------------------------------------------------------------

def test_meminfo_format(machine):
    """Linux's layout: the label and colon padded to 16 columns, then `%8lu kB`."""
    out = machine.cmd("meminfo")
    info = parse_meminfo(out)
    for line in out.splitlines():
        label = line.split(":")[0]
        assert line == f"{label + ':':<16}{info[label]:8d} kB", line
    for label in ("MemTotal", "MemFree", "PageTables", "VmallocTotal", "VmallocUsed",
                  "DirectMap4k", "DirectMap2M", "DirectMap1G"):
        assert label in info, out


def test_memtotal_is_ram_minus_reserved(machine):
    """MemTotal == memblock memory minus its reserved pages (in whole pages) >= MemFree."""
    mb = parse_memblock(machine.cmd("memblock"))
    info = parse_meminfo(machine.cmd("meminfo"))
    ram = set()
    for s, e in mb["memory"]:
        ram.update(range(s >> 12, (e >> 12) + 1))
    reserved = set()
    for s, e, _ in mb["reserved"]:
        reserved.update(range(s >> 12, (e >> 12) + 1))
    assert info["MemTotal"] == len(ram - reserved) * 4, (info, mb["reserved"])
    assert info["MemTotal"] >= info["MemFree"] > 0, info


def test_buddyinfo_totals_equal_memfree(machine):
    """Sum over zones and orders of count x 2^order x 4 KiB == MemFree."""
    zones = parse_buddyinfo(machine.cmd("buddyinfo"))
    info = parse_meminfo(machine.cmd("meminfo"))
    assert buddy_free_kb(zones) == info["MemFree"], (zones, info)


def test_buddyinfo_zones(machine):
    """DMA (< 16 MiB), DMA32 (< 4 GiB), Normal only with RAM above 4 GiB; in that order."""
    usable = usable_ranges(parse_e820(machine.boot_log))
    want = [name for name, lo, hi in (("DMA", 0, 1 << 24), ("DMA32", 1 << 24, 1 << 32),
                                      ("Normal", 1 << 32, 1 << 64))
            if any(s < hi and e >= lo for s, e in usable)]
    assert ("Normal" in want) == (machine.mem in ("4G", "16G"))
    zones = parse_buddyinfo(machine.cmd("buddyinfo"))
    assert [z for z, _ in zones] == want, zones


def test_meminfo_direct_map_counts(machine):
    """DirectMap2M is the direct map's 2 MiB pages in `ptdump`; no 4K or 1G pages there."""
    info = parse_meminfo(machine.cmd("meminfo"))
    pages = ptdump_pages(parse_ptdump(machine.cmd("ptdump")), PAGE_OFFSET, PAGE_OFFSET + (64 << 40))
    sizes = [size for size, _ in pages.values()]
    assert info["DirectMap2M"] == sizes.count(SZ_2M) * 2048, info
    assert info["DirectMap4k"] == sizes.count(SZ_4K) * 4 == 0, info
    assert info["DirectMap1G"] == 0, info


def test_meminfo_pagetables_counts_the_tables(machine):
    """PageTables == 4 kB x the pud/pmd/pte tables QEMU finds under CR3 (the PGD is static)."""
    info = parse_meminfo(machine.cmd("meminfo"))
    tables = page_table_pages(machine, machine.cr3())
    assert len(set(tables)) == len(tables), "a table is linked twice"
    assert info["PageTables"] == len(tables) * 4, (info["PageTables"], [hex(t) for t in tables])


# -- page PFN --------------------------------------------------------------------------------

def page_head(pfn):
    pa = pfn << 12
    return (f"page:0x{VMEMMAP_START + pfn * STRUCT_PAGE_SIZE:016x} pfn:{pfn:#x} "
            f"pa=0x{pa:016x} va=0x{PAGE_OFFSET + pa:016x}")


@pytest.mark.parametrize("symbol", ["_text", "_etext", "__bss_start"])
def test_page_of_the_kernel_image_is_reserved(machine, system_map, symbol):
    pfn = (sym(system_map, symbol) - START_KERNEL_MAP) >> 12
    out = machine.cmd(f"page {pfn:#x}")
    lines = out.splitlines()
    assert lines[0] == page_head(pfn), out
    m = re.match(r"^zone:(\w+) flags:0x[0-9a-f]+\(([^)]*)\) refcount:(\d+)", lines[1])
    assert m, out
    assert m.group(1) == "DMA32", out       # the image is at 16 MiB
    assert "reserved" in m.group(2).split("|"), out
    assert re.search(r'^reserved: memblock region "kernel"', out, re.M), out
    assert machine.gva2gpa(VMEMMAP_START + pfn * STRUCT_PAGE_SIZE) is not None


def free_pfn(machine):
    """A pfn aligned to 1024 mid-way through the largest usable range, not reserved."""
    mb = parse_memblock(machine.cmd("memblock"))
    s, e = max(mb["memory"], key=lambda r: r[1] - r[0])
    pfn = align_down((s + e) // 2 >> 12, 1024)
    assert not any(rs >> 12 <= pfn + 1 <= re_ >> 12 for rs, re_, _ in mb["reserved"])
    return pfn


def test_page_of_a_free_pfn(machine):
    """A free block's head and a page inside it: flags buddy, the order, the block's range."""
    pfn = free_pfn(machine)
    out = machine.cmd(f"page {pfn:#x}")
    assert out.splitlines()[0] == page_head(pfn), out
    m = re.search(r"^zone:(\w+) flags:0x[0-9a-f]+\(buddy\) refcount:0 order:(\d+)$", out, re.M)
    assert m, out
    order = int(m.group(2))
    assert re.search(rf"^free: head of an order-{order} block, pfn {pfn:#x}-"
                     rf"{pfn + (1 << order) - 1:#x}$", out, re.M), out
    inner = machine.cmd(f"page {pfn + 1:#x}")
    assert inner.splitlines()[0] == page_head(pfn + 1), inner
    assert re.search(rf"^free: in the order-{order} block at pfn {pfn:#x} "
                     rf"\({pfn:#x}-{pfn + (1 << order) - 1:#x}\)$", inner, re.M), inner


@pytest.mark.parametrize("pfn", [0xa0, 0xbf, 0xff])
def test_page_of_a_hole_pfn(machine, pfn):
    """The legacy VGA/BIOS hole (640 KiB - 1 MiB): one clear line, no struct page."""
    out = machine.cmd(f"page {pfn:#x}")
    assert out == f"page: pfn {pfn:#x} (pa=0x{pfn << 12:016x}) is not RAM: no struct page\n"


def test_page_of_the_pci_hole(machine):
    """pfn 0xc0000 (3 GiB): the PCI hole at 4G and 16G, beyond RAM below: not RAM."""
    out = machine.cmd("page 0xc0000")
    assert len(out.splitlines()) == 1 and "is not RAM" in out, out


# -- bad input -------------------------------------------------------------------------------

def max_pfn(machine):
    return (max(e for _, e in usable_ranges(parse_e820(machine.boot_log))) >> 12) + 1


@pytest.mark.parametrize("which", ["max_pfn", "max_pfn+1G", "1<<40", "1<<52"])
def test_page_beyond_max_pfn(machine, which):
    """
    One clear line naming the pfn; if it gives the physical address, that address is
    pfn x 4096 (for pfns of 2^52 and up there is none in 64 bits to give); `version` answers.
    """
    pfn = {"max_pfn": max_pfn(machine), "max_pfn+1G": max_pfn(machine) + (1 << 18),
           "1<<40": 1 << 40, "1<<52": 1 << 52}[which]
    out = machine.cmd(f"page {pfn:#x}")
    assert len(out.splitlines()) == 1, out
    assert f"pfn {pfn:#x}" in out and re.search(r"not RAM|beyond|invalid|max", out), out
    m = re.search(r"pa=0x([0-9a-f]+)", out)
    if m:
        assert int(m.group(1), 16) == pfn << 12, \
            f"`page {pfn:#x}` claims pa={m.group(1)}, but pfn x 4096 = {pfn << 12:#x}: {out!r}"
    assert machine.cmd("version").startswith("carto version ")


@pytest.mark.parametrize("line", ["page", "page -1", "page zz", "page 0x1 2"])
def test_page_bad_syntax(machine, line):
    out = machine.cmd(line)
    assert out == "usage: page PFN\n", out
    assert machine.cmd("version").startswith("carto version ")


# -- selftest --------------------------------------------------------------------------------

def test_selftest_every_suite_ok(machine):
    """
    Every suite and case ok; afterwards the buddy still adds up to MemFree, MemTotal is
    unchanged, and every W+X check in the log passed.
    """
    before = parse_meminfo(machine.cmd("meminfo"))
    out = machine.cmd("selftest", timeout=600)
    lines = [l for l in out.splitlines() if l.strip() and not TIMESTAMP_RE.match(l)]
    assert lines[0] == "KTAP version 1" and re.fullmatch(r"1\.\.\d+", lines[1]), out
    planned = int(lines[1][3:])
    suites = [l for l in lines if re.fullmatch(r"(not )?ok \d+ \S+", l)]
    bad = [l for l in lines if re.match(r"\s*not ok ", l)]
    assert not bad, "\n".join(bad) + "\n" + out
    assert len(suites) == planned, out
    assert f"# Totals: pass:{planned} fail:0 skip:0 total:{planned}" in lines, out

    after = parse_meminfo(machine.cmd("meminfo"))
    zones = parse_buddyinfo(machine.cmd("buddyinfo"))
    assert after["MemTotal"] == before["MemTotal"], (before, after)
    assert buddy_free_kb(zones) == after["MemFree"], (zones, after)
    wx = [l for l in machine.cmd("dmesg").splitlines() if "Checked W+X mappings" in l]
    assert wx and all(l.endswith("passed, no W+X pages found.") for l in wx), wx
