# SPDX-License-Identifier: GPL-2.0
"""
Memory: lx-buddyinfo and lx-meminfo (the monitor's `buddyinfo` and `meminfo`, from the zones
of contig_page_data, mm/page_alloc.c: counts read, lists never walked), and the address
functions $lx_virt_to_phys(va), $lx_phys_to_virt(pa), $lx_pfn_to_page(pfn).
"""

import gdb

from carto import constants as C
from carto import layout
from carto import utils
from carto import walk


def zones():
    """contig_page_data.node_zones[] as gdb.Values (one read of the node)."""
    node = utils.read_symbol("contig_page_data")
    zones_v = node["node_zones"]
    n = zones_v.type.strip_typedefs().range()[1] + 1
    return [zones_v[i] for i in range(n)]


def array_len(v):
    return v.type.strip_typedefs().range()[1] + 1


def pcp_pages(zone):
    """Pages on the zone's per-CPU lists, all CPUs."""
    pcp = zone["pcp"]
    return sum(int(pcp[cpu]["count"]) for cpu in range(array_len(pcp)))


def buddyinfo_text():
    """The monitor's `buddyinfo` (show_buddyinfo()): free blocks per zone and order."""
    out = []
    for zone in zones():
        if not int(zone["present_pages"]):
            continue
        area = zone["free_area"]
        name = utils.string_at(zone["name"])
        out.append(f"Node 0, zone {name:>8} " +
                   "".join(f"{int(area[o]['nr_free']):6d} " for o in range(array_len(area)))
                   + "\n")
    return "".join(out)


class LxBuddyinfo(utils.Command):
    """Print the free blocks per zone and order, as the monitor's `buddyinfo`.

lx-buddyinfo

/proc/buddyinfo's format: "Node 0, zone   Normal " then the free blocks of each order
0..MAX_ORDER-1 (free_area[].nr_free; whole free MAX_ORDER blocks whose struct pages are
still deferred are counted there too). The monitor drains the per-CPU lists into the
buddy first; gdb changes nothing, so pages on those lists are not counted here: a note on
gdb's error stream gives their number when there are any."""

    def __init__(self):
        super().__init__("lx-buddyinfo")

    def run(self, argv):
        if argv:
            raise gdb.GdbError(self.usage())
        text = buddyinfo_text()
        held = sum(pcp_pages(z) for z in zones())
        if held:
            gdb.write(f"lx-buddyinfo: note: {held} order-0 pages are on per-CPU lists, not "
                      "counted (the monitor's buddyinfo drains them into the buddy first)\n",
                      gdb.STDERR)
        return text


def meminfo_text():
    """The monitor's `meminfo` (cmd_meminfo())."""
    zs = zones()
    kb = C.PAGE_SHIFT - 10
    total = sum(int(z["managed_pages"]) for z in zs)
    free = sum(int(z["free_pages"]) + pcp_pages(z) for z in zs)
    direct = walk.pt_count_mapped(utils.read_cr3(), C.LAYOUT_DIRECT_MAP_START,
                                  C.LAYOUT_DIRECT_MAP_END)
    rows = [("MemTotal", total << kb), ("MemFree", free << kb),
            ("PageTables", int(utils.read_symbol("nr_pagetable_pages")) << kb),
            ("VmallocTotal", (C.VMALLOC_END - C.VMALLOC_START + 1) >> 10),
            ("VmallocUsed", int(utils.read_symbol("nr_vmalloc_pages", "mm/vmalloc.c")) << kb),
            ("DirectMap4k", direct.bytes_4k >> 10), ("DirectMap2M", direct.bytes_2m >> 10),
            ("DirectMap1G", direct.bytes_1g >> 10)]
    return "".join(f"{label + ':':<16}{value:8d} kB\n" for label, value in rows)


class LxMeminfo(utils.Command):
    """Print memory counters, as the monitor's `meminfo` (/proc/meminfo style).

lx-meminfo

MemTotal (pages the buddy manages), MemFree (its free lists and per-CPU lists), PageTables,
VmallocTotal and VmallocUsed, and DirectMap4k/2M/1G counted by walking the current page
tables over the direct map."""

    def __init__(self):
        super().__init__("lx-meminfo")

    def run(self, argv):
        if argv:
            raise gdb.GdbError(self.usage())
        return meminfo_text()


# ---------------------------------------------------------------------------------- functions


def _phys(x):
    return gdb.Value(x).cast(utils.get_type("phys_addr_t"))


class LxVirtToPhys(utils.Function):
    """Translate a virtual address through the current page tables.

$lx_virt_to_phys(ADDR)

The physical address the CPU reaches for ADDR now (as the monitor's `v2p`), for any mapped
kernel address: direct map, image, vmemmap, fixmap, cpu_entry_area. An error when ADDR is
non-canonical or not mapped."""

    def __init__(self):
        super().__init__("lx_virt_to_phys")

    def call(self, addr):
        va = utils.value_to_int(addr)
        if not utils.is_canonical(va):
            raise gdb.GdbError(f"0x{va:016x}: non-canonical address")
        t = walk.pt_translate(utils.read_cr3(), va)
        if not t.mapped:
            raise gdb.GdbError(f"0x{va:016x}: not mapped ({layout.region_name(va)})")
        return _phys(t.pa)


class LxPhysToVirt(utils.Function):
    """The direct-map address of a physical address.

$lx_phys_to_virt(PA)

__va(PA): PA + __PAGE_OFFSET, as a void *, checked against the current page tables (as the
monitor's `p2v`): an error when the direct map does not map PA (no RAM there)."""

    def __init__(self):
        super().__init__("lx_phys_to_virt")

    def call(self, pa):
        pa = utils.value_to_int(pa)
        va = (pa + utils.PAGE_OFFSET) & utils.MASK64
        t = walk.pt_translate(utils.read_cr3(), va) if \
            pa <= C.LAYOUT_DIRECT_MAP_END - C.LAYOUT_DIRECT_MAP_START else None
        if t is None or not t.mapped or t.pa != pa:
            raise gdb.GdbError(f"pa 0x{pa:x}: not in the direct map (no RAM there)")
        return gdb.Value(va).cast(utils.get_type("void").pointer())


class LxPfnToPage(utils.Function):
    """The struct page of a page frame number.

$lx_pfn_to_page(PFN)

vmemmap + PFN, as a struct page * (pfn_to_page()); an error when PFN is at or beyond
max_pfn. Its contents are meaningful once the buddy has initialised it: a page of a
deferred free MAX_ORDER block is not initialised yet (see mm/page_alloc.c)."""

    def __init__(self):
        super().__init__("lx_pfn_to_page")

    def call(self, pfn):
        pfn = utils.value_to_int(pfn)
        max_pfn = int(utils.read_symbol("max_pfn"))
        if pfn >= max_pfn:
            raise gdb.GdbError(f"pfn 0x{pfn:x}: beyond the last page frame "
                               f"(max_pfn 0x{max_pfn:x})")
        page_t = utils.get_type("struct page")
        return gdb.Value(C.VMEMMAP_START + pfn * page_t.sizeof).cast(page_t.pointer())


LxBuddyinfo()
LxMeminfo()
LxVirtToPhys()
LxPhysToVirt()
LxPfnToPage()
