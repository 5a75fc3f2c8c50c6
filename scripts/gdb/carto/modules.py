# SPDX-License-Identifier: GPL-2.0
"""
Loadable modules: lx-lsmod (the monitor's `lsmod`, kernel/module.c print_modules()) and
lx-symbols (each loaded module's symbols and debug info at its run addresses), read from the
`modules` list of struct module (include/linux/module.h).
"""

import os

import gdb

from carto import utils

MODULES_MAX = 256  # a bound on the list walk: a corrupted list does not loop forever


def field_offset(t, name):
    for f in t.strip_typedefs().fields():
        if f.name == name:
            return f.bitpos // 8
    raise gdb.GdbError(f"{t} has no member '{name}'")


def loaded_modules():
    """(address, struct module gdb.Value) of every loaded module, in load order."""
    t = utils.get_type("struct module")
    head = utils.symbol_address("modules")
    list_off = field_offset(t, "list")
    out = []
    node = utils.read_u64(head)
    while node != head:
        if len(out) >= MODULES_MAX:
            raise gdb.GdbError(f"lx-lsmod: more than {MODULES_MAX} modules: list corrupted?")
        addr = node - list_off
        out.append((addr, utils.read_value(addr, t)))
        node = utils.read_u64(node)
    return out


def module_name(mod):
    raw = bytes(int(b) & 0xff for b in (mod["name"][i] for i in range(mod["name"].type.sizeof)))
    return raw.split(b"\0", 1)[0].decode("latin-1")


def module_sections(addr, mod):
    """{section name: run address} of a loaded module's SHF_ALLOC sections."""
    t = utils.get_type("struct module")
    st = utils.get_type("struct module_sect")
    base = addr + field_offset(t, "sect")
    out = {}
    for i in range(int(mod["nsect"])):
        s = utils.read_value(base + i * st.sizeof, st)
        out[utils.string_at(s["name"])] = int(s["addr"])
    return out


class LxLsmod(utils.Command):
    """List the loaded modules, as the monitor's `lsmod` (Linux's /proc/modules).

lx-lsmod

One line per module, in load order: name, size, refcount, "- Live", address."""

    def __init__(self):
        super().__init__("lx-lsmod")

    def run(self, argv):
        if argv:
            raise gdb.GdbError(self.usage())
        return "".join(f"{module_name(m)} {int(m['size'])} {int(m['refcount'])} - Live "
                       f"0x{int(m['base']):016x}\n" for _, m in loaded_modules())


class LxSymbols(utils.Command):
    """Load the symbols of every loaded module at its run addresses.

lx-symbols [DIR]

For each module NAME, add-symbol-file DIR/NAME.ko (DIR: the modules/ directory beside
vmlinux) with -s for each of its sections at the address the loader placed it."""

    def __init__(self):
        super().__init__("lx-symbols")

    def run(self, argv):
        if len(argv) > 1:
            raise gdb.GdbError(self.usage())
        vmlinux = gdb.current_progspace().filename or ""
        top = argv[0] if argv else os.path.join(os.path.dirname(vmlinux), "modules")
        lines = []
        for addr, mod in loaded_modules():
            name = module_name(mod)
            path = os.path.join(top, name + ".ko")
            if not os.path.exists(path):
                lines.append(f"{name}: no {path}\n")
                continue
            sects = module_sections(addr, mod)
            try:
                gdb.execute(f"remove-symbol-file {path}", to_string=True)
            except gdb.error:
                pass
            args = " ".join(f"-s {s} {a:#x}" for s, a in sorted(sects.items()) if s != ".text")
            text = sects.get(".text", int(mod["base"]))
            gdb.execute(f"add-symbol-file {path} {text:#x} {args}", to_string=True)
            lines.append(f"{name}: {path} at {text:#x}\n")
        return "".join(lines)


LxLsmod()
LxSymbols()
