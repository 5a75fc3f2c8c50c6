# SPDX-License-Identifier: GPL-2.0
"""
The layout table as the running kernel holds it: layout_regions[] and layout5_regions[]
(arch/x86/mm/layout.c, from asm/layout.def) and ptdump's address_markers, read from its
memory through vmlinux's DWARF types; and lx-layout, the monitor's `layout`.
"""

import gdb

from carto import constants as C
from carto import utils
from carto import walk


class Region:
    """One row of the table (struct layout_region)."""

    __slots__ = ("id", "kind", "start", "end", "size", "what", "ptdump")


def _read_regions(symbol, count):
    addr, _ = utils.lookup_symbol(symbol)
    t = utils.get_type("struct layout_region")
    raw = utils.read_virt(addr, count * t.sizeof)
    rows = []
    for i in range(count):
        v = gdb.Value(raw[i * t.sizeof:(i + 1) * t.sizeof], t)
        r = Region()
        r.kind, r.start, r.end = int(v["kind"]), int(v["start"]), int(v["end"])
        for f in ("id", "size", "what", "ptdump"):
            setattr(r, f, utils.string_at(v[f]) or "")
        rows.append(r)
    return rows


def regions():
    """layout_regions[NR_LAYOUT_ROWS]: the 4-level table, in address order."""
    def compute():
        _, t = utils.lookup_symbol("layout_regions")
        return _read_regions("layout_regions", t.strip_typedefs().range()[1] + 1)
    return utils.memo("layout_regions", compute)


def regions5():
    """layout5_regions[nr_layout5_regions]: the 5-level table."""
    return utils.memo("layout5_regions", lambda: _read_regions(
        "layout5_regions", int(utils.read_symbol("nr_layout5_regions"))))


def kinds():
    """enum layout_kind as {"RANGE": value, ...}."""
    return {k[len("LAYOUT_KIND_"):]: v
            for k, v in utils.enum_values("enum layout_kind").items()}


def markers():
    """address_markers[] up to its { 0, NULL } sentinel, as [(start_address, name)]."""
    def compute():
        t = utils.get_type("struct addr_marker")
        base = utils.read_u64(utils.symbol_address("address_markers"))
        out = []
        while True:
            v = utils.read_value(base + len(out) * t.sizeof, t)
            if int(v["name"]) == 0:
                return out
            out.append((int(v["start_address"]), utils.string_at(v["name"])))
            if len(out) > 4096:
                raise gdb.GdbError("address_markers has no end: is layout_init() done?")
    return utils.memo("address_markers", compute)


def find(va):
    """The row holding va (not a marker row), or None (layout_find())."""
    marker = kinds()["MARKER"]
    return next((r for r in regions() if r.kind != marker and r.start <= va <= r.end), None)


def region_name(va):
    r = find(va)
    return r.what if r else "no region"


def format_row(r):
    """One row as mm.txt prints it (layout_format_row())."""
    k = kinds()
    if r.kind in (k["TEXT"], k["MARKER"]):
        return r.what
    if r.kind == k["FIXMAP"]:
        return f"[fixmap start]   - {r.end:016x} {r.what}"
    return f"{r.start:016x} - {r.end:016x} {r.size} {r.what}"


def print_size(nbytes):
    """A byte count in the largest unit that divides it, "-" for none (print_size())."""
    if not nbytes:
        return "-"
    units, u, v = "KMGTP", 0, nbytes >> 10
    while v >= 1024 and not v & 1023 and u + 1 < len(units):
        v >>= 10
        u += 1
    return f"{v}{units[u]}"


def table_text(rows, nlevels):
    return f"Virtual memory map with {nlevels} level page tables:\n\n" + \
        "".join(format_row(r) + "\n" for r in rows)


def live_text():
    """What the running tables map in each region (layout_print_live())."""
    lv = utils.levels()
    cr3 = utils.read_cr3()
    k = kinds()
    out = [f"\nMapped now (cr3 pa=0x{cr3:x}):\n",
           f"{'region':<36} {'mapped':>9} {'4K pages':>9} {'2M pages':>9} {'1G pages':>9}"
           "  pgd slots\n"]
    for r in regions():
        if r.kind in (k["MARKER"], k["TEXT"]):
            continue
        m = walk.pt_count_mapped(cr3, r.start, r.end)
        total = print_size(m.bytes_4k + m.bytes_2m + m.bytes_1g)
        first, last = (r.start >> lv.shift[lv.PGD]) & (C.PTRS_PER_PGD - 1), \
            (r.end >> lv.shift[lv.PGD]) & (C.PTRS_PER_PGD - 1)
        slots = f"{first}-{last} ({m.pgd_slots} present)" if m.pgd_slots else f"{first}-{last}"
        out.append(f"{r.what[:36]:<36} {total:>9} {m.bytes_4k // lv.size(lv.PTE):>9} "
                   f"{m.bytes_2m // lv.size(lv.PMD):>9} {m.bytes_1g // lv.size(lv.PUD):>9}  "
                   f"{slots}\n")
    return "".join(out)


class LxLayout(utils.Command):
    """Print the kernel address-space layout, as the monitor's `layout`.

lx-layout [4|5|live]

Without an argument: Linux v4.19's x86_64 mm.txt table as carto implements it (the
kernel's layout_regions[], read from its memory), then what the current page tables map in
each region: bytes, leaves by page size and pgd slots. `4` and `5` print only the 4-level
or 5-level table, `live` only the mapped part (which needs the CPU in long mode)."""

    def __init__(self):
        super().__init__("lx-layout")

    def run(self, argv):
        if len(argv) > 1 or (argv and argv[0] not in ("4", "5", "live")):
            raise gdb.GdbError(self.usage())
        if argv == ["5"]:
            return table_text(regions5(), 5)
        out = ""
        if argv in ([], ["4"]):
            out += table_text(regions(), 4)
        if argv in ([], ["live"]):
            out += live_text()
        return out


LxLayout()
