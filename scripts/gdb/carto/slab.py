# SPDX-License-Identifier: GPL-2.0
"""
Slab: lx-slabinfo (the monitor's `slabinfo`, show_slabinfo() in mm/slab.c), from the caches
on the slab_caches list: each struct kmem_cache read whole, its counters used as the kernel
uses them (no slab list walked).
"""

import gdb

from carto import utils

HEADER = ("slabinfo - version: 2.1\n"
          "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> "
          ": tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> "
          "<num_slabs> <sharedavail>\n")


def field_offset(type_name, field):
    """Byte offset of a member of a struct, from the DWARF."""
    for f in utils.get_type(type_name).fields():
        if f.name == field:
            return f.bitpos // 8
    raise gdb.GdbError(f"no member '{field}' in {type_name}: is this carto's vmlinux?")


def caches():
    """The struct kmem_caches on slab_caches, in list order (newest first), as gdb.Values."""
    head, _ = utils.lookup_symbol("slab_caches")
    off = field_offset("struct kmem_cache", "list")
    t = utils.get_type("struct kmem_cache")
    out = []
    node = utils.read_u64(head)  # slab_caches.next
    while node != head:
        if len(out) > 10000 or not node:
            raise gdb.GdbError("slab_caches is corrupt (a loop or a NULL link)")
        cache = utils.read_value(node - off, t)
        out.append(cache)
        node = int(cache["list"]["next"])
    return out


def slabinfo_text():
    out = [HEADER]
    for s in caches():
        cpu = s["cpu_slab"]
        ncpu = cpu.type.strip_typedefs().range()[1] + 1
        cpu_free = sum(int(cpu[i]["nr_free"]) for i in range(ncpu))
        nr_slabs = int(s["nr_slabs"])
        objects = int(s["objects"])
        name = name_of(s)
        out.append(f"{name:<17s} {int(s['nr_inuse']) - cpu_free:6d} {nr_slabs * objects:6d} "
                   f"{int(s['size']):6d} {objects:4d} {1 << int(s['order']):4d} : tunables "
                   f"{0:4d} {0:4d} {0:4d} : slabdata {nr_slabs:6d} {nr_slabs:6d} {0:6d}\n")
    return "".join(out)


def name_of(s):
    """The cache's name: its char array up to the NUL."""
    arr = s["name"]
    n = arr.type.strip_typedefs().range()[1] + 1
    raw = bytes(int(arr[i]) & 0xff for i in range(n))
    return raw.split(b"\0")[0].decode("latin-1")


class LxSlabinfo(utils.Command):
    """Print the slab caches, as the monitor's `slabinfo`.

lx-slabinfo

/proc/slabinfo 2.1: one row per cache on slab_caches, newest first: active objects (the
cache's nr_inuse less the objects on the CPUs' freelists), objects, object stride, objects
per slab, pages per slab, tunables 0 0 0, slabs twice, sharedavail 0."""

    def __init__(self):
        super().__init__("lx-slabinfo")

    def run(self, argv):
        if argv:
            raise gdb.GdbError(self.usage())
        utils.require_target()
        return slabinfo_text()


LxSlabinfo()
