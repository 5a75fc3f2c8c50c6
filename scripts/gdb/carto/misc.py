# SPDX-License-Identifier: GPL-2.0
"""
The kernel as a whole: lx-version and lx-cmdline (the monitor's `version` and `cmdline`,
kernel/monitor/cmd_sys.c), and $container_of(ptr, "type", "member").
"""

import gdb

from carto import utils

CON_PRINTF_MAX = 1023  # con_printf() formats into a 1024-byte buffer (kernel/printk/printk.c)


def char_array(name):
    """
    A char[] variable of vmlinux up to its NUL, as text (latin-1: the bytes as sent). gdb
    may find the header's declaration (char name[], no size) first: then up to the NUL.
    """
    addr, t = utils.lookup_symbol(name)
    if not t.sizeof:
        return utils.read_cstring(addr)
    return utils.read_virt(addr, t.sizeof).split(b"\0", 1)[0].decode("latin-1")


class LxVersion(utils.Command):
    """Print the kernel banner, as the monitor's `version` (Linux's /proc/version).

lx-version

carto_banner: "carto version ... (gcc ...) #1 ...", with a newline added when it has none."""

    def __init__(self):
        super().__init__("lx-version")

    def run(self, argv):
        if argv:
            raise gdb.GdbError(self.usage())
        banner = char_array("carto_banner")
        return banner if banner.endswith("\n") else banner + "\n"


class LxCmdline(utils.Command):
    """Print the kernel command line, as the monitor's `cmdline`.

lx-cmdline

boot_command_line as the boot loader passed it (an empty line when none)."""

    def __init__(self):
        super().__init__("lx-cmdline")

    def run(self, argv):
        if argv:
            raise gdb.GdbError(self.usage())
        # The monitor prints it with con_printf("%s\n"): at most CON_PRINTF_MAX bytes reach
        # the console, so a very long command line loses its end there, and here too.
        return (char_array("boot_command_line") + "\n")[:CON_PRINTF_MAX]


def member_offset(t, path):
    """Byte offset of member `path` ("lru.next") in struct type t, through anonymous members."""
    offset = 0
    for name in path.split("."):
        found = _find_field(t.strip_typedefs(), name)
        if found is None:
            raise gdb.GdbError(f"{t} has no member '{name}'")
        delta, t = found
        offset += delta
    return offset


def _find_field(t, name):
    if t.code not in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION):
        return None
    for f in t.fields():
        if f.name == name:
            return f.bitpos // 8, f.type
        if f.name is None:  # an anonymous struct or union: look inside
            inner = _find_field(f.type.strip_typedefs(), name)
            if inner is not None:
                return f.bitpos // 8 + inner[0], inner[1]
    return None


class ContainerOf(utils.Function):
    """The structure that contains a member, from a pointer to the member.

$container_of(PTR, "TYPE", "MEMBER")

As the kernel's container_of(): (TYPE *)((char *)PTR - offsetof(TYPE, MEMBER)). MEMBER may
name a nested member ("lru.next"). Example: p *$container_of(ptr, "struct page", "lru")"""

    nargs = 3

    def __init__(self):
        super().__init__("container_of")

    def call(self, ptr, type_name, member):
        t = utils.get_type(type_name.string())
        addr = utils.value_to_int(ptr) - member_offset(t, member.string())
        return gdb.Value(addr & utils.MASK64).cast(t.pointer())


LxVersion()
LxCmdline()
ContainerOf()
