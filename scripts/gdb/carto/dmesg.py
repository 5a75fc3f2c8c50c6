# SPDX-License-Identifier: GPL-2.0
"""
lx-dmesg: the kernel log from the printk ring (kernel/printk/printk_ringbuffer.c), formatted
as the monitor's `dmesg` formats it (printk_format_record(), cmd_dmesg()). The ring is read
in one piece; record headers (struct rec) are decoded through vmlinux's DWARF.
"""

import gdb

from carto import constants as C
from carto import utils

RING_FILE = "kernel/printk/printk.c"
REC_ALIGN = 8  # ALIGN(sizeof(struct rec) + len, 8) in printk_ringbuffer.c: no named constant


def records():
    """The records of the ring, oldest first, as (ts_nsec, cont, newline, text bytes)."""
    ring = utils.read_symbol("log", RING_FILE)
    rec_t = utils.get_type("struct rec")
    hdr = rec_t.sizeof
    size = int(ring["size"])
    buf = utils.read_virt(int(ring["buf"]), size)

    def header(idx):
        return gdb.Value(buf[idx:idx + hdr], rec_t)

    def fix(idx):  # rec_fix(): 0 at a wrap marker, or where no header fits
        return 0 if size - idx < hdr or int(header(idx)["len"]) == C.REC_WRAP else idx

    def next_idx(idx):  # rec_next()
        n = int(header(idx)["len"])
        return fix(idx + (hdr + n + REC_ALIGN - 1) // REC_ALIGN * REC_ALIGN)

    out = []
    idx = fix(int(ring["first_idx"]))
    first, end = int(ring["first_seq"]), int(ring["next_seq"])
    if end - first > size // hdr:
        raise gdb.GdbError(f"the log ring's sequence numbers {first}..{end} make no sense "
                           "(is printk initialised?)")
    for _ in range(first, end):
        h = header(idx)
        n, flags = int(h["len"]), int(h["flags"])
        if idx + hdr + n > size:
            raise gdb.GdbError(f"log record at index {idx} runs past the ring: it is corrupt")
        out.append((int(h["ts_nsec"]), bool(flags & C.LOG_REC_CONT),
                    bool(flags & C.LOG_REC_NEWLINE), buf[idx + hdr:idx + hdr + n]))
        idx = next_idx(idx)
    return out


def format_prefix(ts):
    """"[%5lu.%06lu] " of a timestamp in ns (format_prefix())."""
    return f"[{ts // C.NSEC_PER_SEC:5d}.{ts % C.NSEC_PER_SEC // C.NSEC_PER_USEC:06d}] "


def dmesg_text():
    """The monitor's `dmesg` output (cmd_dmesg() over printk_format_record())."""
    out, line_open = [], False
    for ts, cont, newline, text in records():
        if line_open and not cont:
            out.append("\n")
        text = text.split(b"\0", 1)[0].decode("latin-1")  # "%.*s" stops at a NUL
        out.append(("" if cont else format_prefix(ts)) + text + ("\n" if newline else ""))
        line_open = not newline
    if line_open:
        out.append("\n")
    return "".join(out)


class LxDmesg(utils.Command):
    """Print the kernel log, as the monitor's `dmesg`.

lx-dmesg

Every record of the printk ring, oldest first, "[    0.001234] text" a line; a record that
continues a line (KERN_CONT) is printed without its timestamp."""

    def __init__(self):
        super().__init__("lx-dmesg")

    def run(self, argv):
        if argv:
            raise gdb.GdbError(self.usage())
        return dmesg_text()


LxDmesg()
