# SPDX-License-Identifier: GPL-2.0
"""
vmalloc: lx-vmallocinfo (the monitor's `vmallocinfo`), read from vmap_space.busy, the
address-ordered AVL tree of areas (mm/vmap_area.c, mm/vmalloc.c), walked in order.
"""

import gdb

from carto import utils

# vm_struct.flags (include/linux/vmalloc.h), printed in this order as the C code does.
KINDS = (("VM_IOREMAP", "ioremap"), ("VM_ALLOC", "vmalloc"), ("VM_MAP", "vmap"))
KIND_BITS = {"VM_IOREMAP": 0x1, "VM_ALLOC": 0x2, "VM_MAP": 0x4}


def symbol_text(addr):
    """Linux's %pS, as sprint_symbol(): "name+0xoff/0xsize", or the bare hex address."""
    try:
        block = gdb.block_for_pc(addr)
    except RuntimeError:
        block = None
    while block is not None and block.function is None:
        block = block.superblock
    if block is None:
        return f"{addr:#x}"
    return f"{block.function.name}+{addr - block.start:#x}/{block.end - block.start:#x}"


def areas():
    """The areas (vm_struct gdb.Values) in address order."""
    space = utils.read_symbol("vmap_space")
    vm_ptr = utils.get_type("struct vm_struct").pointer()
    out, stack = [], []
    node = space["busy"]["node"]
    while stack or int(node):
        while int(node):
            stack.append(node)
            node = node["left"]
        node = stack.pop()
        out.append(node.cast(vm_ptr).dereference())
        node = node["right"]
    return out


def area_line(va):
    addr, size = int(va["addr"]), int(va["size"])
    caller, nr, phys, flags = (int(va["caller"]), int(va["nr_pages"]), int(va["phys_addr"]),
                               int(va["flags"]))
    line = f"0x{addr:016x}-0x{addr + size:016x} {size:7d}"
    if caller:
        line += " " + symbol_text(caller)
    if nr:
        line += f" pages={nr}"
    if phys:
        line += f" phys=0x{phys:016x}"
    for bit, word in KINDS:
        if flags & KIND_BITS[bit]:
            line += " " + word
    return line + "\n"


def vmallocinfo_text():
    return "".join(area_line(va) for va in areas())


class LxVmallocinfo(utils.Command):
    """Print the vmalloc, vmap and ioremap areas, as the monitor's `vmallocinfo`.

lx-vmallocinfo

/proc/vmallocinfo's format: "0x<start>-0x<end> <size>" (end and size including the guard
page), the caller as symbol+offset/size, pages=N, phys=0x... for ioremap, and the kind."""

    def __init__(self):
        super().__init__("lx-vmallocinfo")

    def run(self, argv):
        if argv:
            raise gdb.GdbError(self.usage())
        return vmallocinfo_text()


LxVmallocinfo()
