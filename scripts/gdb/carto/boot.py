# SPDX-License-Identifier: GPL-2.0
"""
Debugging from the first instruction: lx-break-startup, and the recipe it prints.

QEMU starts in 16-bit mode at the reset vector; GRUB enters the boot stub (multiboot2) in
32-bit mode; the stub switches to long mode on an identity map of low memory, decompresses
vmlinux to LOAD_PHYSICAL_ADDR and jumps to startup_64 at its PHYSICAL address. startup_64's
link address (__START_KERNEL, where `hbreak startup_64` would go) is only mapped once it
has loaded early_top_pgt and jumped high, so the first breakpoint is `hbreak *PHYSICAL` (a
hardware breakpoint: nothing to patch in memory the stub has not written yet). gdb must be
in the x86-64 architecture there: `set architecture i386:x86-64` if it was set to i386 to
debug the stub (QEMU 7.2 with a 64-bit vmlinux starts out in x86-64 already).
"""

import gdb

from carto import utils


class LxBreakStartup(utils.Command):
    """Break at carto's first 64-bit instruction: startup_64 at its physical address.

lx-break-startup

Sets `hbreak *PA` where PA is startup_64's physical address (LOAD_PHYSICAL_ADDR, where the
boot stub jumps in long mode on its identity map); `hbreak startup_64` would wait at the
link address, not mapped yet then. After `continue` stops there: `set architecture
i386:x86-64` if gdb is in a 32-bit architecture; the lx- commands then work (the kernel
image is read at its physical address until its mapping exists); `hbreak
x86_64_start_kernel` goes on to C. Before long mode, the lx- commands that walk page tables
refuse with this recipe."""

    def __init__(self):
        super().__init__("lx-break-startup", gdb.COMMAND_BREAKPOINTS)

    def run(self, argv):
        if argv:
            raise gdb.GdbError(self.usage())
        utils.require_target()
        pa = utils.symbol_address("startup_64") - utils.START_KERNEL_MAP
        gdb.execute(f"hbreak *{pa:#x}")
        return (f"lx-break-startup: startup_64 is entered at pa {pa:#x} on the boot stub's "
                "identity map; once stopped there: set architecture i386:x86-64 (if gdb is "
                "32-bit), then hbreak x86_64_start_kernel\n")


LxBreakStartup()
