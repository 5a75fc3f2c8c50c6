# SPDX-License-Identifier: GPL-2.0
"""
The page-table walker of the GDB helpers: the kernel's arch/x86/mm/walk.c over tables read
from guest-physical memory (utils.read_table: one gdbstub read per table page), with the
same visitor protocol, so that lx-pagewalk, lx-ptdump, lx-layout's live part and
lx-meminfo's DirectMap lines visit exactly the entries the monitor's commands visit.

    pt_walk(pgd_pa, start, last, visit)     visit(Entry) -> CONTINUE | SKIP | STOP
    pt_translate(pgd_pa, va)                -> Translation (steps, mapped, pa, page_size)
    pt_count_mapped(pgd_pa, start, last)    -> Mapped (bytes by page size, pgd slots)
"""

from carto import constants as C
from carto import utils

CONTINUE, SKIP, STOP = range(3)


class Entry:
    """One entry met by a walk (struct pt_entry)."""

    __slots__ = ("level", "va", "entry", "table_pa", "index", "present", "leaf", "readable")

    def copy(self):
        e = Entry()
        for f in Entry.__slots__:
            setattr(e, f, getattr(self, f))
        return e


def _walk_table(lv, table_pa, level, base, start, last, visit):
    """Visit the entries of one table whose span meets [start, last] (walk_table())."""
    shift = lv.shift[level]
    size = 1 << shift
    first, end = 0, C.PTRS_PER_PTE
    if start > base:
        first = (start - base) >> shift
    if last - base < C.PTRS_PER_PTE * size:
        end = ((last - base) >> shift) + 1
    table = utils.read_table(table_pa)
    readable = table is not None
    # A leaf: any present pte, a present pud or pmd entry with PSE (utils.entry_leaf).
    leaf_always, leaf_pse = level == lv.PTE, level in (lv.PUD, lv.PMD)
    # Below the pgd, a table's entries are all in one half: sign-extend its base once.
    va0 = None if level == lv.PGD else utils.normalize(base)
    for i in range(first, end):
        span = base + i * size
        entry = table[i] if readable else 0
        e = Entry()
        e.level, e.table_pa, e.index, e.readable, e.entry = level, table_pa, i, readable, entry
        e.va = utils.normalize(span) if va0 is None else va0 + i * size
        e.present = present = bool(entry & C._PAGE_PRESENT)
        e.leaf = present and (leaf_always or (leaf_pse and bool(entry & C._PAGE_PSE)))
        ret = visit(e)
        if va0 is None and ret == CONTINUE and present:  # the pgd: its folded p4d
            e = e.copy()
            e.level, e.index = lv.P4D, 0
            ret = visit(e)
        if ret == STOP:
            return STOP
        if ret == SKIP or not present or e.leaf or leaf_always:
            continue
        ret = _walk_table(lv, utils.entry_pa(lv, level, entry),
                          lv.PUD if level == lv.PGD else level + 1,
                          span, max(start, span), min(last, span + size - 1), visit)
        if ret == STOP:
            return STOP
    return CONTINUE


def pt_walk(pgd_pa, start, last, visit):
    """
    Visit, in address order, every entry under pgd_pa whose span meets [start, last] (last
    inclusive), present or not; the lower half, then the upper half, each in the 48-bit index
    space (visitors see sign-extended addresses). Returns STOP if a visitor stopped it.
    """
    lv = utils.levels()
    lower_last = (1 << utils.VIRTUAL_MASK_SHIFT) - 1
    upper_first = utils.MASK64 & ~lower_last
    mask = (1 << (utils.VIRTUAL_MASK_SHIFT + 1)) - 1
    pgd = pgd_pa & C.PTE_PFN_MASK
    if start > last:
        return CONTINUE
    if start <= lower_last and \
            _walk_table(lv, pgd, lv.PGD, 0, start, min(last, lower_last), visit) == STOP:
        return STOP
    if last >= upper_first:
        return _walk_table(lv, pgd, lv.PGD, 0, max(start, upper_first) & mask, last & mask,
                           visit)
    return CONTINUE


class Translation:
    """The walk of one address (struct pt_translation)."""

    def __init__(self):
        self.steps, self.mapped, self.pa, self.page_size = [], False, None, 0


def pt_translate(pgd_pa, va):
    """Every entry the CPU reads to translate va, and where it ends (pt_translate())."""
    lv = utils.levels()
    t = Translation()
    if not utils.is_canonical(va):
        return t
    pt_walk(pgd_pa, va, va, lambda e: t.steps.append(e) or CONTINUE)
    if t.steps and t.steps[-1].leaf:
        last = t.steps[-1]
        t.page_size = lv.size(last.level)
        t.pa = utils.entry_pa(lv, last.level, last.entry) | (va & (t.page_size - 1))
        t.mapped = True
    return t


class Mapped:
    """Bytes mapped by leaves of each size, and present pgd slots (struct pt_mapped)."""

    def __init__(self):
        self.bytes_4k = self.bytes_2m = self.bytes_1g = self.pgd_slots = 0


def pt_count_mapped(pgd_pa, start, last):
    """What the leaves in [start, last] map (pt_count_mapped(), meminfo's DirectMap)."""
    lv = utils.levels()
    m = Mapped()

    def visit(e):
        if e.level == lv.PGD and e.present:
            m.pgd_slots += 1
        if not e.leaf:
            return CONTINUE if e.present else SKIP
        if e.level == lv.PTE:
            m.bytes_4k += lv.size(lv.PTE)
        elif e.level == lv.PMD:
            m.bytes_2m += lv.size(lv.PMD)
        else:
            m.bytes_1g += lv.size(lv.PUD)
        return SKIP

    pt_walk(pgd_pa, start, last, visit)
    return m
