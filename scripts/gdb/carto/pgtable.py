# SPDX-License-Identifier: GPL-2.0
"""
Page-table views, printing exactly what the monitor's commands of the same name print
(kernel/monitor/cmd_pgtable.c, arch/x86/mm/dump_pagetables.c): lx-pagewalk (also
`translate-vm`, Linux's name), lx-pte, lx-ptdump. All walk with walk.py and decode entries
with the kernel's own entry-flag table (utils.pte_bits).
"""

import gdb

from carto import constants as C
from carto import layout
from carto import utils
from carto import walk

# ---------------------------------------------------------------------------------- pagewalk


def step_text(lv, e, va):
    """One level of a walk (print_step())."""
    if e.level == lv.P4D:
        return "  p4d  (folded: 4-level paging, the pgd entry stands for it)\n"
    shift = lv.shift[e.level]
    index_bits = C.PTRS_PER_PTE.bit_length() - 1
    bits = f"{shift + index_bits - 1}:{shift}"
    flags = utils.pte_flags_string(lv, e.entry, e.level) if e.readable else \
        "(table not in RAM: unreadable)"
    return (f"  {lv.name[e.level]}  index {e.index:3d} = va[{bits}] "
            f"(0x{(va >> shift) & (C.PTRS_PER_PTE - 1):x})  table pa=0x{e.table_pa:016x}  "
            f"entry 0x{e.entry:016x}  {flags}\n")


def pagewalk_text(va, cr3):
    """The monitor's `pagewalk` output for va under the top table at cr3."""
    lv = utils.levels()
    layout.regions()  # the kernel's tables first: the walk then reads physical memory only
    utils.pte_bits()
    out = [f"pagewalk 0x{va:016x} (cr3 pa=0x{cr3 & C.PTE_PFN_MASK:x}), region: "
           f"{layout.region_name(va)}\n"]
    if va <= C.LAYOUT_USER_END:
        out.append("  user address: carto has no user space; walking the kernel's tables\n")
    t = walk.pt_translate(cr3, va)
    out += [step_text(lv, e, va) for e in t.steps]
    last = t.steps[-1]
    if t.mapped:
        out.append(f"  -> {t.page_size >> 10} KiB page at pa=0x{t.pa & ~(t.page_size - 1):x} "
                   f"+ offset 0x{va & (t.page_size - 1):x} = pa 0x{t.pa:016x}\n")
    elif not last.readable:
        out.append(f"  -> stopped at {lv.name[last.level]}: its table at "
                   f"pa=0x{last.table_pa:x} is not RAM carto maps\n")
    else:
        out.append(f"  -> not mapped: the {lv.name[last.level]} entry is not present\n")
    return "".join(out)


class LxPagewalk(utils.Command):
    """Walk the page tables for an address, level by level, as the monitor's `pagewalk`.

lx-pagewalk ADDR [CR3]

ADDR is a gdb expression (0x-hex, a symbol, &var, $rsp, ...; quote one with spaces), CR3 the
physical address of a top-level table (default: the CPU's CR3). Prints per level the index, the table's physical
address, the raw entry and its bits by the kernel's entry-flag table, then the page size and
physical address, or the level whose entry is not present. Also `translate-vm` (Linux)."""

    def __init__(self):
        super().__init__("lx-pagewalk")

    def run(self, argv):
        if len(argv) not in (1, 2):
            raise gdb.GdbError(self.usage())
        va = utils.parse_address(argv[0])
        cr3 = utils.parse_number(argv[1]) if len(argv) == 2 else None
        if not utils.is_canonical(va):
            raise gdb.GdbError(f"0x{va:016x}: non-canonical address (bits 63..47 differ): "
                               "the CPU raises #GP before any walk")
        if cr3 is None:
            cr3 = utils.read_cr3()
        else:
            utils.require_target()
        return pagewalk_text(va, cr3)


# --------------------------------------------------------------------------------------- pte


def pte_text(e, level):
    """The monitor's `pte VALUE LEVEL` output."""
    lv = utils.levels()
    present = e & C._PAGE_PRESENT
    out = f"{lv.name[level]} entry 0x{e:016x}: {'present' if present else 'not present'}"
    if present:
        what = "maps a page at" if utils.entry_leaf(lv, level, e) else "points to a table at"
        out += f", {what} pa=0x{utils.entry_pa(lv, level, e):x}"
    out += "\n"
    for b in utils.pte_bits():
        m = utils.pte_bit_mask(lv, b, level, e)
        if not m:
            continue
        state = ("set" if m & (m - 1) else "1") if e & m else "0"
        out += f"  {b.name:<4} {b.what:<34} {state}\n"
    return out


class LxPte(utils.Command):
    """Decode a raw page-table entry, as the monitor's `pte`.

lx-pte VALUE [pgd|p4d|pud|pmd|pte]

VALUE is a gdb expression; the level defaults to pte. Prints whether the entry is present,
what it points at, and every bit the kernel's entry-flag table knows at that level."""

    def __init__(self):
        super().__init__("lx-pte")

    def run(self, argv):
        if len(argv) not in (1, 2):
            raise gdb.GdbError(self.usage())
        e = utils.parse_number(argv[0])
        lv = utils.levels()
        level = lv.PTE if len(argv) == 1 else lv.by_name(argv[1])
        if level is None:
            raise gdb.GdbError(self.usage())
        return pte_text(e, level)


# ------------------------------------------------------------------------------------ ptdump


class _PgState:
    """The dumper's state between entries (struct pg_state)."""

    def __init__(self, lv, markers, range_start):
        self.lv, self.mk, self.m = lv, markers, 0
        self.level, self.prot, self.eff = lv.NR, 0, 0
        self.start_address = self.current_address = 0
        self.range_start = range_start  # a run starts no lower: ptdump START END cuts there
        self.next_marker = None  # start of the marker after the current one
        self.eff_above = [0] * lv.NR
        self.started = False
        self.out = []


def _prot_text(lv, prot, level):
    """The flag columns, then the level name (print_prot())."""
    if not prot & C._PAGE_PRESENT:
        cols = " " * 30  # print_prot()'s "%30s": the width of the flag columns
    else:
        cols = ""
        for b in utils.pte_bits():
            if b.set is None:
                continue
            m = utils.pte_bit_mask(lv, b, level, prot | C._PAGE_PSE)
            width = max(len(b.set), len(b.clear))
            cols += f"{b.set if m and prot & m else b.clear:<{width}} "
    return f"{cols}{lv.name[level]}\n"


def _print_run(st):
    """One line: the range, its size in the largest unit dividing it, flags (print_run())."""
    units, u = "BKMGTPE", 0
    delta = (st.current_address - st.start_address) & utils.MASK64
    while not delta & 1023 and u + 1 < len(units):
        delta >>= 10
        u += 1
    st.out.append(f"0x{st.start_address:016x}-0x{st.current_address:016x}   {delta:9d}"
                  f"{units[u]} {_prot_text(st.lv, st.prot, st.level)}")


def _next_marker_at(st, address):
    return st.m + 1 < len(st.mk) and address >= st.mk[st.m + 1][0]


def _advance_marker(st, address, always):
    """The header of the region holding address, past earlier markers (advance_marker())."""
    moved = always
    while _next_marker_at(st, address) and st.mk[st.m + 1][0] >= st.mk[st.m][0]:
        st.m += 1
        moved = True
    if moved:
        st.out.append(f"---[ {st.mk[st.m][1]} ]---\n")
    st.next_marker = st.mk[st.m + 1][0] if st.m + 1 < len(st.mk) else None


def _note_page(st, address, prot, eff, level):
    """Close the current run when something changes, then start anew (note_page())."""
    st.current_address = address
    if not st.started:
        st.started = True
        _advance_marker(st, address, True)
    elif prot != st.prot or eff != st.eff or level != st.level or \
            (st.next_marker is not None and address >= st.next_marker):
        _print_run(st)
        _advance_marker(st, address, False)
    else:
        return
    st.start_address, st.prot, st.eff, st.level = max(address, st.range_start), prot, eff, level


def _effective_prot(above, prot):
    """User and write need every level, NX on any level wins (effective_prot())."""
    return (above & prot & (C._PAGE_USER | C._PAGE_RW)) | ((above | prot) & C._PAGE_NX)


def ptdump_text(pgd_pa, start, last):
    """The monitor's `ptdump` of [start, last] under the top table at pgd_pa."""
    lv = utils.levels()
    marks = layout.markers()
    utils.pte_bits()
    if not marks:
        raise gdb.GdbError("address_markers is empty: the kernel has not run layout_init() yet")
    st = _PgState(lv, marks, start)

    def visit(e):
        if e.level == lv.P4D:
            return walk.CONTINUE  # folded: the pgd entry stands for it
        prot = e.entry & C.PTE_FLAGS_MASK
        above = prot if e.level == lv.PGD else \
            st.eff_above[lv.PGD if e.level == lv.PUD else e.level - 1]
        if not e.present or (e.level == lv.PGD and
                             C.LAYOUT_GUARD_HOLE_START <= e.va <= C.LAYOUT_GUARD_HOLE_END):
            _note_page(st, e.va, 0, 0, e.level)
            return walk.SKIP
        eff = _effective_prot(above, prot)
        if e.leaf:
            _note_page(st, e.va, prot, eff, e.level)
            return walk.SKIP
        st.eff_above[e.level] = eff
        return walk.CONTINUE

    walk.pt_walk(pgd_pa, start, last, visit)
    _note_page(st, (last + 1) & utils.MASK64, utils.MASK64, 0, lv.NR - 1)
    return "".join(st.out)


class LxPtdump(utils.Command):
    """Dump the page tables in Linux's ptdump format, as the monitor's `ptdump`.

lx-ptdump [kernel|all|START END]

Runs of entries with the same protections at the same level, one line each, under the
region headers of the kernel's address_markers. `kernel` (the default) dumps from the
guard hole to the top, `all` the user half too, START END (END exclusive; gdb
expressions) a range. The tables are read in physical memory, a page at a time."""

    def __init__(self):
        super().__init__("lx-ptdump")

    def run(self, argv):
        start, last = C.LAYOUT_GUARD_HOLE_START, utils.MASK64
        if argv == ["all"]:
            start = 0
        elif len(argv) == 2:
            start, end = utils.parse_address(argv[0]), utils.parse_address(argv[1])
            if end < start:
                raise gdb.GdbError(self.usage())
            last = (end - 1) & utils.MASK64
        elif argv not in ([], ["kernel"]):
            raise gdb.GdbError(self.usage())
        return ptdump_text(utils.read_cr3(), start, last)


LxPagewalk()
LxPte()
LxPtdump()
try:
    gdb.execute("alias translate-vm = lx-pagewalk", to_string=True)
except gdb.error:
    pass  # defined by an earlier load
