# SPDX-License-Identifier: GPL-2.0
"""
`oops`: a kernel page fault on purpose, reported in Linux's words (linux-formats.md §5),
checked against the build (symbols, code bytes) and QEMU (CR2, the page-table entry).
The monitor must come back after each one; the oops counter goes up.
"""

import re

import pytest

from carto import kallsyms_sizes, kernel_lines

UNMAPPED_WRITE = 0xffffec0000001000  # KASAN shadow: carto never maps it
UNMAPPED_READ = 0xffffec0000002000
UNMAPPED_EXEC = 0xffffec0000003000
PGD_SLOT_SHIFT = 39


@pytest.fixture(scope="module")
def syms(system_map, vmlinux_elf):
    """{name: (address, size)} of the symbols the kernel can name."""
    sizes = kallsyms_sizes(system_map, vmlinux_elf)
    return {s.name: (s.addr, sizes[s.name]) for s in system_map if s.name in sizes}


class Oops:
    """One report: its printk lines (timestamps removed) and the fields tests look at."""

    def __init__(self, out):
        self.out = out
        self.lines = kernel_lines(out)
        assert self.lines, f"no printk lines in {out!r}"

    def line(self, prefix):
        """The one line starting with prefix (a regex)."""
        found = [l for l in self.lines if re.match(prefix, l)]
        assert len(found) == 1, f"{prefix!r}: {found}\n{self.out}"
        return found[0]

    def cr2(self):
        """The addresses on the `CR2: ` lines: the register dump's, and Linux's closing
        summary line (`CR2: <address>`, printed after the report) if there is one."""
        return [int(l.split()[1], 16) for l in self.lines if l.startswith("CR2: ")]

    def call_trace(self):
        i = self.lines.index("Call Trace:")
        trace = []
        for l in self.lines[i + 1:]:
            if l.startswith("---[ end trace"):
                return trace
            trace.append(l.strip())
        pytest.fail(f"no end of trace:\n{self.out}")


def check_symbolized(text, syms, allow_end):
    """`name+0xOFF/0xSIZE` with name a System.map symbol of that size, OFF inside it."""
    m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)\+0x([0-9a-f]+)/0x([0-9a-f]+)", text)
    assert m, f"not symbol+off/size: {text!r}"
    name, off, size = m.group(1), int(m.group(2), 16), int(m.group(3), 16)
    assert name in syms, f"{name} is not in System.map"
    assert size == syms[name][1], f"{name}: size {size:#x}, the build says {syms[name][1]:#x}"
    assert off < size or (allow_end and off == size), text
    return syms[name][0] + off


def do_oops(carto, kind, addr):
    out = carto.cmd(f"oops {kind} {addr:#x}")
    return Oops(out)


@pytest.fixture(scope="module")
def write_oops(carto):
    oops = do_oops(carto, "write", UNMAPPED_WRITE)
    return oops, carto.registers()


def test_write_oops_header(write_oops):
    oops, _ = write_oops
    assert oops.lines[:3] == [
        f"BUG: unable to handle page fault for address: {UNMAPPED_WRITE:016x}",
        "#PF: supervisor write access in kernel mode",
        "#PF: error_code(0x0002) - not-present page",
    ]
    assert re.fullmatch(r"PGD [0-9a-f]+( P4D [0-9a-f]+)?( PUD [0-9a-f]+)?( PMD [0-9a-f]+)?"
                        r"( PTE [0-9a-f]+)?", oops.lines[3]), oops.lines[3]
    assert oops.lines[4] == "Oops: 0002 [#1] SMP"


def test_write_oops_cr2(write_oops):
    oops, regs = write_oops
    assert oops.cr2() and set(oops.cr2()) == {UNMAPPED_WRITE}, oops.out
    assert regs["CR2"] == UNMAPPED_WRITE, "QEMU's CR2 after the oops"


def test_write_oops_cr3_cr4_match_qemu(write_oops):
    oops, regs = write_oops
    m = re.fullmatch(r"CR2: [0-9a-f]{16} CR3: ([0-9a-f]{16}) CR4: ([0-9a-f]{16})",
                     oops.line("CR2: [0-9a-f]{16} CR3: "))
    assert m, oops.out
    assert int(m.group(1), 16) == regs["CR3"]
    assert int(m.group(2), 16) == regs["CR4"]


def test_write_oops_pgd_entry_matches_qemu(carto, write_oops):
    """The walk line's PGD value is the entry QEMU reads from the page table at CR3."""
    oops, regs = write_oops
    pgd = int(oops.lines[3].split()[1], 16)
    slot = (UNMAPPED_WRITE >> PGD_SLOT_SHIFT) & 511
    pgd_table = regs["CR3"] & ~0xfff & ((1 << 52) - 1)
    out = carto.hmp(f"xp /1gx {pgd_table + 8 * slot:#x}")
    assert int(out.split(":")[1], 16) == pgd, out


def test_write_oops_rip_and_code(write_oops, syms, vmlinux_elf):
    """RIP is symbol+off/size of a real function, and the Code: bytes around it (the
    faulting one in <>) are the bytes of build/vmlinux there."""
    oops, _ = write_oops
    m = re.fullmatch(r"RIP: 0010:(\S+)", oops.line("RIP: "))
    assert m, oops.line("RIP: ")
    rip = check_symbolized(m.group(1), syms, allow_end=False)
    code = oops.line("Code: ").split()[1:]
    at = [i for i, b in enumerate(code) if b.startswith("<")]
    assert len(at) == 1, code
    data = bytes(int(b.strip("<>"), 16) for b in code)
    start = rip - at[0]
    assert data == vmlinux_elf.read(start, len(data))


def test_write_oops_call_trace(write_oops, syms):
    oops, _ = write_oops
    trace = oops.call_trace()
    assert trace, oops.out
    for entry in trace:
        check_symbolized(entry, syms, allow_end=True)
    assert trace[0].startswith("cmd_oops+"), trace
    assert any(e.startswith("monitor_exec+") for e in trace), trace


def test_write_oops_registers(write_oops):
    oops, _ = write_oops
    for prefix in ("RSP: ", "RAX: ", "RDX: ", "RBP: ", "R10: ", "R13: ", "CS: "):
        oops.line(prefix)
    rsp = re.fullmatch(r"RSP: 0018:([0-9a-f]{16}) EFLAGS: ([0-9a-f]{8})", oops.line("RSP: "))
    assert rsp, oops.line("RSP: ")


def test_monitor_survives_oops(carto, write_oops):
    assert carto.cmd("version").startswith("carto version ")


def test_read_oops(carto, write_oops, syms):
    oops = do_oops(carto, "read", UNMAPPED_READ)
    regs = carto.registers()
    assert oops.lines[:3] == [
        f"BUG: unable to handle page fault for address: {UNMAPPED_READ:016x}",
        "#PF: supervisor read access in kernel mode",
        "#PF: error_code(0x0000) - not-present page",
    ]
    assert oops.line("Oops: ") == "Oops: 0000 [#2] SMP"  # the second oops of this boot
    assert oops.cr2() and set(oops.cr2()) == {UNMAPPED_READ}, oops.out
    assert regs["CR2"] == UNMAPPED_READ
    check_symbolized(oops.line("RIP: ").split(":", 2)[2], syms, allow_end=False)
    for entry in oops.call_trace():
        check_symbolized(entry, syms, allow_end=True)
    assert carto.cmd("version").startswith("carto version ")


def test_exec_oops(carto, write_oops):
    """An instruction fetch from an unmapped page: error code 0x0010, RIP is the address,
    and CR2 (the register line and QEMU's) is the faulting address."""
    oops = do_oops(carto, "exec", UNMAPPED_EXEC)
    assert oops.lines[:3] == [
        f"BUG: unable to handle page fault for address: {UNMAPPED_EXEC:016x}",
        "#PF: supervisor instruction fetch in kernel mode",
        "#PF: error_code(0x0010) - not-present page",
    ]
    assert oops.line("RIP: ") == f"RIP: 0010:0x{UNMAPPED_EXEC:016x}"
    # QEMU's CR2 may have moved on (the Code: dump reads before RIP and faults), but what
    # the report calls CR2 is the address of this fault.
    assert UNMAPPED_EXEC in oops.cr2(), "\n".join(l for l in oops.lines if "CR2" in l)
    assert carto.cmd("version").startswith("carto version ")


def test_null_pointer_oops(carto, write_oops):
    oops = do_oops(carto, "write", 0x10)
    assert oops.lines[0] == "BUG: kernel NULL pointer dereference, address: 0000000000000010"
    assert oops.lines[2] == "#PF: error_code(0x0002) - not-present page"
    assert carto.registers()["CR2"] == 0x10


def test_default_oops_is_a_write_to_the_kasan_shadow(carto, write_oops):
    """By default `oops` writes to the KASAN shadow region: carto has no KASAN, never maps it."""
    out = carto.cmd("oops")
    oops = Oops(out)
    m = re.match(r"BUG: unable to handle page fault for address: ([0-9a-f]{16})$", oops.lines[0])
    assert m, oops.lines[0]
    addr = int(m.group(1), 16)
    assert 0xffffec0000000000 <= addr <= 0xfffffbffffffffff, "not in the KASAN shadow region"
    assert oops.lines[1] == "#PF: supervisor write access in kernel mode"
    assert carto.registers()["CR2"] == addr


def test_oops_count_and_dmesg(carto, write_oops):
    """Each oops is numbered, and the reports are in the kernel log."""
    dmesg = kernel_lines(carto.cmd("dmesg"))
    numbers = [int(m.group(1)) for l in dmesg for m in [re.match(r"Oops: \d{4} \[#(\d+)\]", l)]
               if m]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 2, numbers
    assert f"BUG: unable to handle page fault for address: {UNMAPPED_WRITE:016x}" in dmesg
