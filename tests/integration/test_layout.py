# SPDX-License-Identifier: GPL-2.0
"""
`layout [4|5|live]` at -m 128M, 512M, 4G and 16G: the tables equal Linux v4.19's mm.txt
(tests/data's copy of the reference, else ../shared/reference) line for line, and the live
part agrees with `ptdump all` (pages per region) and with the PGD as QEMU reads it.
"""

import re

import pytest

from carto import (SZ_1G, SZ_2M, SZ_4K, layout_rows, mm_table_parts, mm_table_reference,
                   parse_ptdump, ptdump_pages)


@pytest.fixture(scope="module")
def reference():
    """(4-level lines, 5-level lines) of the reference table."""
    return mm_table_parts(mm_table_reference().read_text())


def lines_of(out):
    """A command's output as lines, the final newline(s) dropped (what `diff` compares)."""
    return out.rstrip("\n").split("\n")


def first_difference(got, want):
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            return f"line {i + 1}: got {g!r}, reference {w!r}"
    return f"got {len(got)} lines, reference {len(want)}"


def test_layout_4_equals_reference(machine, reference):
    got = lines_of(machine.cmd("layout 4"))
    assert got == reference[0], first_difference(got, reference[0])


def test_layout_5_equals_reference(machine, reference):
    got = lines_of(machine.cmd("layout 5"))
    assert got == reference[1], first_difference(got, reference[1])


def test_layout_is_the_table_then_the_live_part(machine):
    """`layout` alone prints the 4-level table, then what `layout live` prints."""
    assert machine.cmd("layout") == machine.cmd("layout 4") + machine.cmd("layout live")


LIVE_RE = re.compile(r"^(\S.*?)\s{2,}(-|\d+[KMGTP]?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)-(\d+)"
                     r"(?: \((\d+) present\))?$")


def human(size):
    """The `mapped` column: bytes in the largest unit dividing them exactly, or '-'."""
    if size == 0:
        return "-"
    units = "BKMGTP"
    u = 0
    while size % 1024 == 0 and u + 1 < len(units):
        size //= 1024
        u += 1
    return f"{size}{units[u]}" if u else str(size)


def test_layout_live_agrees_with_ptdump_and_the_pgd(machine, reference):
    """
    Per region of the 4-level table: the 4K/2M/1G pages `layout live` counts equal the
    present pages `ptdump all` shows in the region's range, the `mapped` column is their
    size, and the PGD slots (and how many are present) are those of the range, counted
    in the PGD QEMU reads at CR3.
    """
    out = machine.cmd("layout live")
    rows = layout_rows(reference[0])
    m = re.search(r"^Mapped now \(cr3 pa=0x([0-9a-f]+)\):$", out, re.M)
    assert m, out
    cr3 = machine.cr3()
    assert int(m.group(1), 16) == cr3 & ~0xfff, (out, hex(cr3))
    live = [LIVE_RE.match(l) for l in out.splitlines()[out.splitlines().index(m.group(0)) + 2:]
            if l.strip()]
    assert all(live), out
    assert [l.group(1) for l in live] == [name for _, _, name in rows], out

    pages = ptdump_pages(parse_ptdump(machine.cmd("ptdump all")))
    pgd = machine.read_phys_qwords(cr3 & 0x000ffffffffff000, 512)
    problems = []
    counted = {SZ_4K: 0, SZ_2M: 0, SZ_1G: 0}
    for i, ((start, end, name), l) in enumerate(zip(rows, live)):
        if start is None:  # the fixmap row: from the end of the row before it
            start = rows[i - 1][1] + 1
        want = {SZ_4K: 0, SZ_2M: 0, SZ_1G: 0}
        for va, (size, _run) in pages.items():
            if start <= va <= end:
                want[size] += 1
        got = {SZ_4K: int(l.group(3)), SZ_2M: int(l.group(4)), SZ_1G: int(l.group(5))}
        for size in counted:
            counted[size] += got[size]
        if got != want:
            problems.append(f"{name}: layout live counts 4K/2M/1G {list(got.values())}, "
                            f"ptdump shows {list(want.values())}")
        total = sum(size * n for size, n in got.items())
        if l.group(2) != human(total):
            problems.append(f"{name}: mapped column {l.group(2)!r}, pages add up to {human(total)}")
        slots = (start >> 39 & 511, end >> 39 & 511)
        if (int(l.group(6)), int(l.group(7))) != slots:
            problems.append(f"{name}: pgd slots {l.group(6)}-{l.group(7)}, range gives "
                            f"{slots[0]}-{slots[1]}")
        present = sum(1 for s in range(slots[0], slots[1] + 1) if pgd[s] & 1)
        if int(l.group(8) or 0) != present:
            problems.append(f"{name}: says {l.group(8) or 0} pgd slots present, QEMU reads "
                            f"{present}")
    everything = {SZ_4K: 0, SZ_2M: 0, SZ_1G: 0}
    for size, _run in pages.values():
        everything[size] += 1
    if counted != everything:
        problems.append(f"the rows count {counted} pages, ptdump all shows {everything}: "
                        "some mapped page is in no row")
    assert not problems, "\n".join(problems) + "\n" + out
