# SPDX-License-Identifier: GPL-2.0
"""
The final page tables at -m 128M, 512M, 4G and 16G, against QEMU's own view of them:

- the direct map is every 2 MiB page holding usable RAM (Documentation/x86/x86_64/mm.rst),
  RW NX GLB PSE pmd, nothing else -- from `ptdump`, HMP `info tlb` and `gva2gpa`;
- `pagewalk` (and `pagewalk ADDR CR3`, `v2p`) of ~90 addresses over every region agrees with
  `gva2gpa`, `info tlb`'s flags and the table entries HMP `xp` reads at each level;
- the kernel image's permissions, the W+X check, the ptdump format, the CPU's paging state;
- bad input to `pagewalk`, `pte`, `v2p`, `p2v`, `ptdump`: one clear line, and `version` answers.
"""

import re

import pytest

from carto import (CPU_ENTRY_AREA, FIXADDR_TOP, LEVEL_SHIFT, PAGE_OFFSET, SZ_2M, SZ_4K,
                   START_KERNEL_MAP, STRUCT_PAGE_SIZE, VMEMMAP_START, VSYSCALL_ADDR,
                   WALK_STOP_RE, align_down, align_up, entry_flags, is_canonical, layout_region,
                   layout_rows, mm_table_parts, mm_table_reference, pages_touching, parse_e820,
                   parse_memblock, parse_pagewalk, parse_ptdump, ptdump_pages, tlb_flags,
                   tlb_lookup, usable_ranges)

DIRECT_MAP_END = PAGE_OFFSET + (64 << 40)
VMALLOC_START = 0xffffc90000000000
MODULES_VADDR = 0xffffffffa0000000
PCI_HOLE = (0xc0000000, 0x100000000)
COMPARED = frozenset({"RW", "NX", "GLB", "USR", "PSE", "PCD", "PWT"})
DIRECT = frozenset({"RW", "PSE", "GLB", "NX"})
TEXT, RODATA, DATA = frozenset({"GLB"}), frozenset({"GLB", "NX"}), frozenset({"RW", "GLB", "NX"})
LINUX_HEADERS = ["User Space", "Kernel Space", "Low Kernel Mapping", "vmalloc() Area", "Vmemmap",
                 "KASAN shadow", "CPU entry Area", "LDT remap", "ESPfix Area",
                 "EFI Runtime Services", "High Kernel Mapping", "Modules", "End Modules",
                 "Fixmap Area"]
HEADER_ADDR = {"User Space": 0, "Kernel Space": 0xffff800000000000,
               "Low Kernel Mapping": PAGE_OFFSET, "vmalloc() Area": VMALLOC_START,
               "Vmemmap": VMEMMAP_START, "KASAN shadow": 0xffffec0000000000,
               "CPU entry Area": CPU_ENTRY_AREA, "LDT remap": 0xfffffe8000000000,
               "ESPfix Area": 0xffffff0000000000, "EFI Runtime Services": 0xffffffef00000000,
               "High Kernel Mapping": START_KERNEL_MAP, "Modules": MODULES_VADDR,
               "End Modules": 0xffffffffff000000}


def sym(system_map, name):
    addrs = [s.addr for s in system_map if s.name == name]
    assert len(addrs) == 1, f"{name} in System.map: {addrs}"
    return addrs[0]


def middle_symbol(system_map, types, lo, hi):
    cands = sorted(s.addr for s in system_map if s.type in types and lo < s.addr < hi)
    assert cands, f"no {types} symbol in {lo:#x}-{hi:#x}"
    return cands[len(cands) // 2]


def usable(machine):
    return usable_ranges(parse_e820(machine.boot_log))


def direct_map_pages(machine):
    """Every 2 MiB page (as a physical address) that holds a usable byte: what must be mapped."""
    return pages_touching(usable(machine), SZ_2M)


def fmt_pages(pages):
    """A set of 2 MiB page addresses as a short list of ranges, for messages."""
    out, run = [], None
    for p in sorted(pages):
        if run and p == run[1] + SZ_2M:
            run[1] = p
        else:
            if run:
                out.append(run)
            run = [p, p]
    if run:
        out.append(run)
    return ", ".join(f"{a:#x}-{b + SZ_2M - 1:#x}" for a, b in out[:20]) + \
        (" ..." if len(out) > 20 else "")


@pytest.fixture(scope="module")
def rows():
    return layout_rows(mm_table_parts(mm_table_reference().read_text())[0])


# -- 1. the direct map -------------------------------------------------------------------------

def test_direct_map_is_usable_ram_in_2m_pages(machine):
    """
    ptdump's Low Kernel Mapping: the set of mapped 2 MiB pages equals {every 2 MiB page
    holding a usable byte of the e820 map}; every present run `RW PSE GLB NX pmd`.
    """
    runs = parse_ptdump(machine.cmd("ptdump"))
    section = [r for r in runs if r.header == "Low Kernel Mapping"]
    assert section, "no Low Kernel Mapping section"
    assert section[0].start == PAGE_OFFSET
    bad = [r for r in section if r.present and (r.flags != DIRECT or r.level != "pmd")]
    assert not bad, f"direct map runs not `RW PSE GLB NX pmd`: {bad}"
    in_section = ptdump_pages(section)
    mapped = {va - PAGE_OFFSET for va in in_section}
    want = direct_map_pages(machine)
    assert mapped == want, (f"mapped but no usable RAM: {fmt_pages(mapped - want)}; "
                            f"usable RAM not mapped: {fmt_pages(want - mapped)}")
    outside = set(ptdump_pages(runs, PAGE_OFFSET, DIRECT_MAP_END)) - set(in_section)
    assert not outside, "direct-map range pages outside the Low Kernel Mapping section"


def test_direct_map_agrees_with_qemu_info_tlb(machine):
    """QEMU's `info tlb` over the direct-map range: the same 2 MiB pages, pa = va - PAGE_OFFSET,
    flags X G P W and not U C T."""
    tlb = {va: v for va, v in machine.tlb().items() if PAGE_OFFSET <= va < DIRECT_MAP_END}
    want = direct_map_pages(machine)
    got = {va - PAGE_OFFSET for va in tlb}
    assert got == want, (f"QEMU sees mapped without RAM: {fmt_pages(got - want)}; "
                         f"RAM QEMU sees unmapped: {fmt_pages(want - got)}")
    wrong = [(hex(va), hex(pa), col) for va, (pa, col) in tlb.items()
             if pa != va - PAGE_OFFSET or tlb_flags(col) != DIRECT]
    assert not wrong, wrong[:20]


def test_direct_map_boundaries_with_gva2gpa(machine):
    """
    At every usable range's first and last byte and one byte either side, and at each end
    of every run of mapped 2 MiB pages: QEMU's gva2gpa gives va - PAGE_OFFSET exactly where
    a 2 MiB page with usable RAM holds the byte, Unmapped elsewhere; carto's `v2p` agrees.
    """
    want = direct_map_pages(machine)
    probes = set()
    for s, e in usable(machine):
        probes.update({s - 1, s, e, e + 1})
    for p in want:
        if p - SZ_2M not in want:
            probes.update({p - 1, p})
        if p + SZ_2M not in want:
            probes.update({p + SZ_2M - 1, p + SZ_2M})
    problems = []
    for pa in sorted(x for x in probes if x >= 0):
        va = PAGE_OFFSET + pa
        expect = pa - pa % SZ_2M in want
        got = machine.gva2gpa(va)
        if got != (pa if expect else None):
            problems.append(f"gva2gpa {va:#x}: {got if got is None else hex(got)}, "
                            f"expected {'pa ' + hex(pa) if expect else 'Unmapped'}")
        v2p = machine.cmd(f"v2p {va:#x}")
        want_v2p = (f"0x{va:016x} -> pa 0x{pa:016x} (2048 KiB page, direct mapping of all "
                    f"phys. memory)\n" if expect else
                    f"v2p: 0x{va:016x}: not mapped (direct mapping of all phys. memory)\n")
        if v2p != want_v2p:
            problems.append(f"v2p {va:#x}: {v2p!r}, expected {want_v2p!r}")
    assert not problems, "\n".join(problems)


def test_pci_hole_not_mapped(machine):
    """
    Nothing of 3-4 GiB (the PCI hole at 4G and 16G; above RAM at 128M and 512M) is in the
    direct map: not in ptdump, not in QEMU's info tlb, gva2gpa and v2p say unmapped, p2v
    says no RAM.
    """
    lo, hi = PAGE_OFFSET + PCI_HOLE[0], PAGE_OFFSET + PCI_HOLE[1]
    assert not ptdump_pages(parse_ptdump(machine.cmd("ptdump")), lo, hi)
    assert not [va for va in machine.tlb() if lo <= va < hi]
    for pa in (PCI_HOLE[0], PCI_HOLE[0] + 0x123456, 0xe0000000, 0xfec00000, PCI_HOLE[1] - 1):
        va = PAGE_OFFSET + pa
        assert machine.gva2gpa(va) is None, hex(va)
        assert machine.cmd(f"v2p {va:#x}") == (f"v2p: 0x{va:016x}: not mapped (direct mapping "
                                               "of all phys. memory)\n")
        out = machine.cmd(f"p2v {pa:#x}")
        assert out == f"p2v: pa {pa:#x}: not in the direct map (no RAM there)\n", out


# -- 2. pagewalk against QEMU ----------------------------------------------------------------

def sample(machine, system_map):
    """
    [(category, va, must be mapped (True/False/None: either), leaf flags expected or None)]:
    over 80 addresses over every populated region and many unpopulated ones.
    """
    out = []
    add = lambda cat, va, mapped=None, flags=None: out.append((cat, va, mapped, flags))  # noqa
    want = direct_map_pages(machine)
    ranges = usable(machine)

    # The direct map: low, each usable range's edges, the middle, the top, the PCI hole.
    pas = {0, 0x1000, 0x9f000, 0x9fc00, 0xa0000, 0xfffff, 0x100000, 0x1000123}
    for s, e in ranges:
        pas.update({s, max(s - 1, 0), e, e + 1, align_up(e + 1, SZ_2M) - 1, align_up(e + 1, SZ_2M)})
    s, e = max(ranges, key=lambda r: r[1] - r[0])
    pas.update({align_down((s + e) // 2, SZ_4K) + 0x567, e - 0x1000})
    pas.update({PCI_HOLE[0], PCI_HOLE[1] - 1})
    for pa in sorted(pas):
        mapped = align_down(pa, SZ_2M) in want
        add("direct map", PAGE_OFFSET + pa, mapped, DIRECT if mapped else None)

    # The kernel image: text, rodata, data, bss (first, a middle symbol, last byte), the
    # unmapped rest of the 512 MiB window.
    text, etext = sym(system_map, "_text"), sym(system_map, "_etext")
    rodata, erodata = sym(system_map, "__start_rodata"), sym(system_map, "_erodata")
    sdata, edata = sym(system_map, "_sdata"), sym(system_map, "_edata")
    bss, end = sym(system_map, "__bss_start"), sym(system_map, "_end")
    for va in (text, text + 0x123, sym(system_map, "start_kernel"),
               middle_symbol(system_map, "Tt", text, etext), etext - 1):
        add("kernel image", va, True, TEXT)
    for va in (rodata, middle_symbol(system_map, "Rr", rodata, erodata), erodata - 1):
        add("kernel image", va, True, RODATA)
    for va in (sdata, middle_symbol(system_map, "Dd", sdata, edata), edata - 1, bss,
               middle_symbol(system_map, "Bb", bss, end), end - 1):
        add("kernel image", va, True, DATA)
    for va in (START_KERNEL_MAP, text - 1, align_up(end, SZ_4K), START_KERNEL_MAP + 0x1fffffff):
        add("kernel image", va, False)

    # vmemmap: struct pages of the first, a middle and the last RAM pfn; those of the PCI
    # hole's pfns and past the end. A 2 MiB vmemmap page is mapped iff its struct pages
    # cover a RAM pfn.
    mem = [(a >> 12, b >> 12) for a, b in parse_memblock(machine.cmd("memblock"))["memory"]]
    per_2m = SZ_2M // STRUCT_PAGE_SIZE

    def vmemmap_backed(pfn):
        first = align_down(pfn, per_2m)
        return any(a < first + per_2m and b >= first for a, b in mem)

    last = mem[-1][1]
    for pfn in (0, mem[0][1] + 1, (mem[-1][0] + last) // 2, last, PCI_HOLE[0] >> 12,
                align_up(last + 1, per_2m), align_up(last + 1, per_2m) + 5 * per_2m):
        add("vmemmap", VMEMMAP_START + pfn * STRUCT_PAGE_SIZE, vmemmap_backed(pfn),
            DIRECT if vmemmap_backed(pfn) else None)

    # cpu_entry_area: IDT (ro), GDT (ro), TSS, then IST stacks between guard pages.
    cea = [(0, RODATA), (1, RODATA), (2, DATA), (3, None), (4, DATA), (5, None), (6, DATA),
           (7, None), (8, DATA), (9, None), (512, None)]
    for page, flags in cea:
        add("cpu_entry_area", CPU_ENTRY_AREA + page * SZ_4K + 0x18, flags is not None, flags)

    # The vsyscall page (ro, user, NX) and the fixmap around it.
    add("fixmap", VSYSCALL_ADDR, True, frozenset({"USR", "GLB", "NX"}))
    add("fixmap", VSYSCALL_ADDR + 0xfff, True, frozenset({"USR", "GLB", "NX"}))
    for va in (FIXADDR_TOP, FIXADDR_TOP - SZ_4K, 0xffffffffff5ff000, 0xffffffffff400000,
               VSYSCALL_ADDR + SZ_4K):
        add("fixmap", va)

    # Unpopulated: vmalloc, modules, holes, KASAN, LDT, espfix, EFI; user and non-canonical.
    # (the start of vmalloc space holds the boot's ioremaps: probe 7 TiB into it instead)
    for va in (0xffffd00000000000, 0xffffe8fffffff000, MODULES_VADDR,
               0xffffffffc0001000, 0xfffffffffefff000, 0xffffc80000000000, 0xffffe90000000000,
               0xffffeb0000000000, 0xffffec0000000000, 0xfffffe8000000000, 0xffffff0000000000,
               0xffffffef00000000, 0xffffffffffe00000, 0xfffffffffffff000, 0xffff800000000000,
               0xffff87fffffff000, DIRECT_MAP_END - SZ_4K, 0x0, 0x1000, 0x400000,
               0x00007ffffffff000, 0x0000800000000000, 0x8000000000000000, 0xffff7fffffffffff,
               0x00ff000000000000):
        add("unmapped", va, False)
    return out


CATEGORIES = ["direct map", "kernel image", "vmemmap", "cpu_entry_area", "fixmap", "unmapped"]


def test_pagewalk_sample_is_large_and_spread(machine, system_map):
    s = sample(machine, system_map)
    assert len(s) >= 50
    assert {c for c, *_ in s} == set(CATEGORIES)
    assert len({va for _, va, *_ in s}) == len({(c, va) for c, va, *_ in s})


def check_address(machine, tlb, cr3, rows, va, expect_mapped, expect_flags):
    """Everything carto says about va against QEMU; returns the problems found."""
    p = []
    text = machine.cmd(f"pagewalk {va:#x}")
    try:
        w = parse_pagewalk(va, text)
    except AssertionError as e:
        return [f"pagewalk output not understood: {e}"]
    qemu = machine.gva2gpa(va)
    v2p = machine.cmd(f"v2p {va:#x}")

    if not is_canonical(va):
        if not (w.error and "non-canonical" in w.error):
            p.append(f"non-canonical, carto walks it: {text!r}")
        if qemu is not None:
            p.append(f"QEMU translates the non-canonical address to {qemu:#x}")
        if v2p != f"v2p: 0x{va:016x}: non-canonical address\n":
            p.append(f"v2p: {v2p!r}")
        return p
    if w.error:
        return [f"canonical, but carto refuses: {w.error!r}"]

    # carto's walk, level by level, against the entries QEMU reads.
    if w.cr3 != cr3 & 0x000ffffffffff000:
        p.append(f"walks from cr3 pa={w.cr3:#x}, CR3 is {cr3:#x}")
    table = cr3 & 0x000ffffffffff000
    for level, index, table_pa, entry, printed in w.steps:
        if index != va >> LEVEL_SHIFT[level] & 511:
            p.append(f"{level} index {index}, va gives {va >> LEVEL_SHIFT[level] & 511}")
        if table_pa != table:
            p.append(f"{level} table pa={table_pa:#x}, the entry above points to {table:#x}")
        real = machine.read_phys_qwords(table_pa + 8 * index, 1)[0]
        if real != entry:
            p.append(f"{level} entry {entry:#018x}, QEMU reads {real:#018x} at "
                     f"{table_pa + 8 * index:#x}")
        if printed & COMPARED != entry_flags(entry, level) or ("P" in printed) != entry & 1:
            p.append(f"{level} entry {entry:#x} printed as {sorted(printed)}")
        table = entry & 0x000ffffffffff000

    if qemu is None:
        if w.pa is not None:
            p.append(f"carto maps it to pa {w.pa:#x}, QEMU: Unmapped")
        elif not w.steps or w.steps[-1][0] != w.stopped or w.steps[-1][3] & 1:
            p.append(f"says the walk stopped at {w.stopped}, but the last entry walked is "
                     f"{w.steps[-1] if w.steps else None}")
        if not v2p.startswith(f"v2p: 0x{va:016x}: not mapped ("):
            p.append(f"v2p of an unmapped address: {v2p!r}")
    else:
        if w.pa != qemu:
            p.append(f"carto: {'pa ' + hex(w.pa) if w.pa is not None else 'not mapped'}, "
                     f"QEMU gva2gpa: {qemu:#x}")
        hit = tlb_lookup(tlb, va)
        if hit is None:
            p.append("no info tlb line for it")
        else:
            page, size, pa, col = hit
            leaf_flags = w.steps[-1][4] & COMPARED if w.steps else frozenset()
            if w.size != size:
                p.append(f"carto: {w.size} byte page, QEMU's info tlb: {size}")
            if leaf_flags != tlb_flags(col):
                p.append(f"leaf flags {sorted(leaf_flags)}, info tlb {col} = "
                         f"{sorted(tlb_flags(col))}")
            if pa + (va - page) != qemu:
                p.append(f"info tlb {page:#x} -> {pa:#x} disagrees with gva2gpa {qemu:#x}")
            if expect_flags is not None and leaf_flags != expect_flags:
                p.append(f"leaf flags {sorted(leaf_flags)}, policy: {sorted(expect_flags)}")
        m = re.fullmatch(r"0x([0-9a-f]{16}) -> pa 0x([0-9a-f]{16}) \((\d+) KiB page, (.*)\)\n",
                         v2p)
        if not m or int(m.group(2), 16) != qemu or int(m.group(3)) * 1024 != w.size:
            p.append(f"v2p: {v2p!r}")
    if expect_mapped is not None and expect_mapped != (qemu is not None):
        p.append(f"should be {'mapped' if expect_mapped else 'unmapped'} (documented policy), "
                 f"is {'mapped' if qemu is not None else 'unmapped'}")

    # The same walk from the CR3 QEMU reports; the region name from the reference table.
    again = machine.cmd(f"pagewalk {va:#x} {cr3:#x}")
    if again != text:
        p.append(f"`pagewalk {va:#x} {cr3:#x}` differs:\n{again}")
    region = layout_region(rows, va)
    if region is not None and w.region != region:
        p.append(f"region {w.region!r}, the table says {region!r}")
    return p


@pytest.mark.parametrize("category", CATEGORIES)
def test_pagewalk_agrees_with_qemu(machine, system_map, rows, category):
    """
    Per address: `pagewalk`'s indices, table addresses and raw entries equal what HMP xp
    reads at each level; mapped <-> gva2gpa gives the same pa; the leaf's RW NX GLB USR
    PSE PCD PWT equal info tlb's; `v2p` agrees; `pagewalk ADDR CR3` (CR3 from HMP info
    registers) prints the same walk; the documented policy holds where it says something.
    """
    tlb = machine.tlb()
    cr3 = machine.cr3()
    problems = []
    for cat, va, mapped, flags in sample(machine, system_map):
        if cat == category:
            problems += [f"{va:#018x}: {x}"
                         for x in check_address(machine, tlb, cr3, rows, va, mapped, flags)]
    assert not problems, "\n".join(problems)


# -- 3. the kernel image and W+X ---------------------------------------------------------------

def test_wx_check_passed_at_boot(machine):
    lines = [l for l in machine.boot_log.splitlines() if "Checked W+X mappings" in l]
    assert len(lines) == 1, lines
    assert lines[0].endswith("] x86/mm: Checked W+X mappings: passed, no W+X pages found.")


def test_no_wx_page_anywhere(machine):
    """Neither ptdump all nor QEMU's info tlb shows a page both writable and executable."""
    wx = [r for r in parse_ptdump(machine.cmd("ptdump all"))
          if r.present and "RW" in r.flags and "NX" not in r.flags]
    assert not wx, wx
    wx = [(hex(va), col) for va, (_, col) in machine.tlb().items()
          if "W" in col and "X" not in col]
    assert not wx, wx


def test_kernel_image_permissions(machine, system_map):
    """
    High Kernel Mapping: text [_text, __start_rodata) `ro GLB x`, rodata [__start_rodata,
    _sdata) `ro GLB NX`, data and bss [_sdata, _end) `RW GLB NX`, 4 KiB pages, nothing
    else; QEMU's info tlb has exactly those pages, at pa = va - __START_KERNEL_map.
    """
    text, etext = sym(system_map, "_text"), sym(system_map, "_etext")
    rodata, erodata = sym(system_map, "__start_rodata"), sym(system_map, "_erodata")
    sdata, end = sym(system_map, "_sdata"), sym(system_map, "_end")
    assert align_up(etext, SZ_4K) <= rodata and align_up(erodata, SZ_4K) <= sdata
    want = [(text, rodata, TEXT), (rodata, sdata, RODATA), (sdata, align_up(end, SZ_4K), DATA)]
    runs = [r for r in parse_ptdump(machine.cmd("ptdump")) if r.header == "High Kernel Mapping"]
    got = [(r.start, r.end, r.flags) for r in runs if r.present]
    assert got == want, "\n".join(f"{a:#x}-{b:#x} {sorted(f)}" for a, b, f in got)
    assert all(r.level == "pte" for r in runs if r.present)

    tlb = {va: v for va, v in machine.tlb().items()
           if START_KERNEL_MAP <= va < START_KERNEL_MAP + 0x20000000}
    want_tlb = {}
    for lo, hi, flags in want:
        for va in range(lo, hi, SZ_4K):
            want_tlb[va] = (va - START_KERNEL_MAP, flags)
    assert {va: (pa, tlb_flags(col)) for va, (pa, col) in tlb.items()} == want_tlb


# -- ptdump itself -----------------------------------------------------------------------------

def test_ptdump_all_format_and_headers(machine):
    """
    Linux's format (checked line by line by the parser), the runs contiguous from 0 to the
    top of the address space, Linux's region headers in order at their addresses, no p4d
    with 4-level paging; `ptdump` and `ptdump kernel` are `ptdump all` from Kernel Space on.
    """
    out = machine.cmd("ptdump all")
    runs = parse_ptdump(out)
    assert runs[0].start == 0 and runs[-1].end == 1 << 64
    for a, b in zip(runs, runs[1:]):
        assert a.end == b.start, (a, b)
    headers = [h for h in re.findall(r"^---\[ (.+) \]---$", out, re.M)]
    assert headers == LINUX_HEADERS, headers
    for h, addr in HEADER_ADDR.items():
        assert next(r for r in runs if r.header == h).start == addr, h
    assert not [r for r in runs if r.level == "p4d"]
    kernel = out[out.index("---[ Kernel Space ]---"):]
    assert machine.cmd("ptdump kernel") == kernel
    assert machine.cmd("ptdump") == kernel


SIZE_OF_LEVEL = {"pte": SZ_4K, "pmd": SZ_2M, "pud": 1 << 30, "p4d": 1 << 39, "pgd": 1 << 39}


@pytest.mark.parametrize("span", [(0xffffffff81000000, 0xffffffff81100000),
                                  (CPU_ENTRY_AREA, CPU_ENTRY_AREA + 0x10000),
                                  (PAGE_OFFSET + 0x100000, PAGE_OFFSET + 0x300000),
                                  (0xffffffff81000800, 0xffffffff81001800)],
                         ids=["kernel", "cpu_entry_area", "direct-unaligned", "kernel-unaligned"])
def test_ptdump_range_is_a_slice_of_all(machine, span):
    """
    `ptdump START END`: the runs of `ptdump all` over [START, END), the same attributes
    and levels, the ends either both cut at START and END or both rounded out to whole
    entries of their level (never one of each).
    """
    lo, hi = span
    out = machine.cmd(f"ptdump {lo:#x} {hi:#x}")
    got = parse_ptdump(out)
    full = parse_ptdump(machine.cmd("ptdump all"))
    assert got, out
    for a, b in zip(got, got[1:]):
        assert a.end == b.start, out
    first, last = got[0], got[-1]
    cut = first.start == lo and last.end == hi
    rounded = (first.start == align_down(lo, SIZE_OF_LEVEL[first.level])
               and last.end == align_up(hi, SIZE_OF_LEVEL[last.level]))
    assert cut or rounded, (f"`ptdump {lo:#x} {hi:#x}` covers {first.start:#x}-{last.end:#x}: "
                            f"neither cut at START and END nor rounded out to whole entries\n"
                            f"{out}")
    for r in got:
        cover = [f for f in full if f.start <= r.start and r.end <= f.end]
        assert cover, f"{r} is in no run of ptdump all"
        f = cover[0]
        assert (f.present, f.flags, f.level) == (r.present, r.flags, r.level), (r, f)


# -- the CPU ------------------------------------------------------------------------------------

def test_cpu_paging_state(machine):
    """CR4.PGE (and SMEP/SMAP: -cpu max has them), CR0.WP, EFER.NXE; the IDT, GDT and TSS
    the CPU uses are the cpu_entry_area aliases."""
    regs = machine.carto.registers()
    info = machine.hmp("info registers")
    cr4 = regs["CR4"]
    assert cr4 >> 7 & 1 and cr4 >> 20 & 1 and cr4 >> 21 & 1, hex(cr4)
    assert regs["CR0"] >> 16 & 1, hex(regs["CR0"])
    assert regs["EFER"] >> 11 & 1, hex(regs["EFER"])
    assert re.search(rf"^IDT=\s+{CPU_ENTRY_AREA:016x} ", info, re.M), info
    assert re.search(rf"^GDT=\s+{CPU_ENTRY_AREA + 0x1000:016x} ", info, re.M), info
    assert re.search(rf"^TR =\w+ {CPU_ENTRY_AREA + 0x2000:016x} ", info, re.M), info


# -- pte -----------------------------------------------------------------------------------------

PTE_ROWS = {"USR": 2, "RW": 1, "PWT": 3, "PCD": 4, "GLB": 8, "NX": 63, "P": 0, "A": 5, "D": 6,
            "SW1": 9, "SW2": 10, "SW3": 11}


@pytest.mark.parametrize("value,level", [
    (0x80000000000001e3, "pmd"),        # a direct-map 2 MiB leaf
    (0x80000000002011e3, "pmd"),        # PAT (bit 12) set in a 2 MiB leaf: not address
    (0x80000000400011e3, "pud"),        # a 1 GiB leaf with PAT
    (0x0000000001000121, "pte"),        # kernel text
    (0x800000000101b125, "pte"),        # the vsyscall page
    (0x000000001ffdf063, "pgd"),        # a table
    (0x0000000012345062, "pte"),        # not present
    (0x00000000000001a3, "pte"),        # PAT (bit 7) in a 4 KiB pte
    (0x780000000000f9ff, "pmd"),        # a 2 MiB leaf: every low bit, PAT, a pkey
])
def test_pte_decodes_an_entry(machine, value, level):
    """Every bit row of `pte VALUE LEVEL`, and the address: 4K/2M/1G field for leaves."""
    out = machine.cmd(f"pte {value:#x} {level}")
    lines = out.splitlines()
    leaf = level == "pte" or (level in ("pud", "pmd") and value >> 7 & 1)
    if not value & 1:
        assert lines[0] == f"{level} entry 0x{value:016x}: not present", out
    else:
        field = {"pte": 12, "pmd": 21, "pud": 30}.get(level, 12) if leaf else 12
        pa = value & ((1 << 52) - 1) & ~((1 << field) - 1)
        what = "maps a page" if leaf else "points to a table"
        assert lines[0] == f"{level} entry 0x{value:016x}: present, {what} at pa={pa:#x}", out
    rows = {}
    for line in lines[1:]:
        m = re.fullmatch(r"  (\w+)\s+.*?\s(\S+)", line)
        assert m, line
        rows[m.group(1)] = m.group(2)
    want = {name: str(value >> bit & 1) for name, bit in PTE_ROWS.items()}
    if level in ("pud", "pmd"):
        want["PSE"] = str(value >> 7 & 1)
    if level == "pte":
        want["PAT"] = str(value >> 7 & 1)
    elif leaf:
        want["PAT"] = str(value >> 12 & 1)
    for name, bit in want.items():
        assert rows.get(name) == bit, f"{name}: {rows.get(name)!r}, bit says {bit}: {out}"
    pkey = value >> 59 & 15
    assert rows.get("PKEY") in ({"0"} if not pkey else {"set", str(pkey), hex(pkey)}), out


# -- 6. bad input ------------------------------------------------------------------------------

def ram_top(machine):
    return align_up(max(e for _, e in usable(machine)) + 1, SZ_2M)


ONE_LINE = {
    "pagewalk 0x0000800000000000": r"^pagewalk: 0x0000800000000000: non-canonical address",
    "pagewalk 0x8000000000000000": r"^pagewalk: 0x8000000000000000: non-canonical address",
    "pte 0x63 pml5": r"^usage: pte VALUE \[pgd\|p4d\|pud\|pmd\|pte\]$|level",
    "pte 0x63 6": r"^usage: pte VALUE \[pgd\|p4d\|pud\|pmd\|pte\]$|level",
    "v2p 0xffffd00000000000": r"^v2p: 0xffffd00000000000: not mapped \(vmalloc/ioremap space\)$",
    "v2p 0x1000": r"^v2p: 0x0000000000001000: not mapped",
    "p2v RAM_TOP": r"^p2v: pa 0x[0-9a-f]+: not in the direct map \(no RAM there\)$",
    "p2v 0x10000000000000": r"^p2v: pa 0x10000000000000: not in the direct map",
    "ptdump 5 3": r"^usage: ptdump \[kernel\|all\|START END\]$|START|END|start|end",
    "ptdump 0xffffffff81100000 0xffffffff81000000": r"^usage: ptdump|START|END|start|end",
}


@pytest.mark.parametrize("line", list(ONE_LINE))
def test_bad_input_one_clear_line(machine, line):
    cmd = line.replace("RAM_TOP", hex(ram_top(machine)))
    out = machine.cmd(cmd)
    assert len(out.splitlines()) == 1 and re.search(ONE_LINE[line], out), f"{cmd}: {out!r}"
    assert machine.cmd("version").startswith("carto version ")


@pytest.mark.parametrize("where", ["vmalloc", "guard page", "past RAM", "user"])
def test_pagewalk_unmapped_says_where_it_stopped(machine, where):
    """The walk ends in `-> not mapped: the LEVEL entry is not present`, LEVEL the first
    entry QEMU reads as not present."""
    va = {"vmalloc": VMALLOC_START + 7 * 2**40, "guard page": CPU_ENTRY_AREA + 3 * SZ_4K,
          "past RAM": PAGE_OFFSET + ram_top(machine), "user": 0x400000}[where]
    out = machine.cmd(f"pagewalk {va:#x}")
    last = out.rstrip("\n").splitlines()[-1]
    m = WALK_STOP_RE.match(last)
    assert m, out
    if where == "user":
        assert "user address" in out, out
    table = machine.cr3() & 0x000ffffffffff000
    for level in ("pgd", "pud", "pmd", "pte"):
        entry = machine.read_phys_qwords(table + 8 * (va >> LEVEL_SHIFT[level] & 511), 1)[0]
        if not entry & 1:
            break
        table = entry & 0x000ffffffffff000
    assert m.group(1) == level, f"stopped at {m.group(1)}, QEMU's tables end at {level}: {out}"
    assert machine.cmd("version").startswith("carto version ")
