# SPDX-License-Identifier: GPL-2.0
"""
`sym`, `addr` and `x` against the build (System.map, the vmlinux ELF) and against QEMU's own
view of guest memory (HMP `x`, `gva2gpa`).
"""

import re

import pytest

from carto import kallsyms_eligible, kallsyms_sizes, parse_hexdump

KINDS = {"text": "Tt", "rodata": "Rr", "data": "Dd", "bss": "Bb"}
NON_CANONICAL = 0x8000000000000000
UNMAPPED = 0xffffec0000000000  # KASAN shadow: carto has no KASAN and never maps it


@pytest.fixture(scope="module")
def symbols(system_map, vmlinux_elf):
    """{name: (Symbol, size)} of the System.map symbols with one name and one address."""
    sizes = kallsyms_sizes(system_map, vmlinux_elf)
    names, addrs = {}, {}
    for s in system_map:
        names[s.name] = names.get(s.name, 0) + 1
        addrs[s.addr] = addrs.get(s.addr, 0) + 1
    return {s.name: (s, sizes.get(s.name, 0)) for s in system_map
            if kallsyms_eligible(s) and names[s.name] == 1 and addrs[s.addr] == 1}


@pytest.fixture(scope="module")
def sample(symbols, system_map):
    """About 20 symbols, 5 of each kind, spread over the image, each 6 bytes or more with no
    other symbol starting in its first 6 bytes."""
    starts = sorted(s.addr for s in system_map)
    picked = []
    for kind, types in KINDS.items():
        cands = [(s, size) for s, size in symbols.values() if s.type in types and size >= 6
                 and not any(s.addr < a < s.addr + 6 for a in starts)]
        cands.sort(key=lambda c: c[0].addr)
        assert len(cands) >= 3, f"too few {kind} symbols in System.map"
        step = max(1, len(cands) // 5)
        picked += cands[::step][:5]
    assert len(picked) >= 16
    return picked


def test_addr_of_sample(carto, sample):
    for s, size in sample:
        assert carto.cmd(f"addr {s.name}") == f"{s.name} 0x{s.addr:016x} {s.type} size 0x{size:x}\n"


def test_addr_of_every_symbol(carto, symbols):
    """Every System.map symbol kallsyms keeps resolves to its System.map address and type."""
    wrong = []
    for name, (s, size) in symbols.items():
        out = carto.cmd(f"addr {name}")
        if out != f"{name} 0x{s.addr:016x} {s.type} size 0x{size:x}\n":
            wrong.append((name, hex(s.addr), s.type, hex(size), out))
    assert not wrong, wrong[:20]


def test_sym_of_sample_plus_5(carto, sample):
    for s, size in sample:
        out = carto.cmd(f"sym {s.addr + 5:#x}")
        assert out == f"0x{s.addr + 5:016x} {s.name}+0x5/0x{size:x}\n"


def test_sym_of_symbol_start(carto, sample):
    for s, size in sample:
        assert carto.cmd(f"sym {s.addr:#x}") == f"0x{s.addr:016x} {s.name}+0x0/0x{size:x}\n"


def test_sym_accepts_symbol_plus_offset(carto, sample):
    s, size = sample[0]
    assert carto.cmd(f"sym {s.name}+5") == f"0x{s.addr + 5:016x} {s.name}+0x5/0x{size:x}\n"


def test_sym_outside_the_image(carto, system_map):
    end = next(s.addr for s in system_map if s.name == "_end")
    for addr in (0x1000, 0xffffffff80000000, end, end + 0x1000, UNMAPPED,
                 0xffffffffffffffff):
        assert carto.cmd(f"sym {addr:#x}") == f"sym: 0x{addr:016x}: no symbol\n"


def test_addr_of_unknown_symbol(carto):
    assert carto.cmd("addr no_such_symbol") == "addr: no symbol 'no_such_symbol'\n"


# ---------------------------------------------------------------------------------------------
# x


def x_bytes(carto, addr, count):
    start, data = parse_hexdump(carto.cmd(f"x {addr:#x} {count}"))
    assert start == addr and len(data) == count
    return data


def addr_of(system_map, name):
    return next(s.addr for s in system_map if s.name == name)


@pytest.mark.parametrize("name", ["start_kernel", "carto_banner"])
def test_x_matches_vmlinux_and_qemu(carto, system_map, vmlinux_elf, name):
    addr = addr_of(system_map, name)
    data = x_bytes(carto, addr, 64)
    assert data == vmlinux_elf.read(addr, 64), f"{name}: differs from build/vmlinux"
    assert data[:16] == carto.read_virt(addr, 16), f"{name}: differs from QEMU's x /16xb"


def test_x_of_data_symbol(carto, system_map, vmlinux_elf):
    """A .data symbol the kernel has not written since it was loaded (QEMU agrees with the
    file): carto shows the file's bytes too."""
    tried = []
    for s in system_map:
        if s.type not in "Dd" or vmlinux_elf.section_of(s.addr) != ".data":
            continue
        qemu = carto.read_virt(s.addr, 16)
        tried.append(s.name)
        if qemu == vmlinux_elf.read(s.addr, 16) and any(qemu):
            assert x_bytes(carto, s.addr, 16) == qemu
            return
    pytest.fail(f"no .data symbol with nonzero load-time contents: tried {tried}")


def test_x_of_bss_matches_qemu(carto, system_map):
    """Run-time contents: QEMU's view of the same bytes at the same moment."""
    addr = addr_of(system_map, "boot_command_line")
    assert x_bytes(carto, addr, 16) == carto.read_virt(addr, 16)


def test_x_unaligned_partial_lines(carto, system_map, vmlinux_elf):
    addr = addr_of(system_map, "start_kernel") + 3
    assert x_bytes(carto, addr, 37) == vmlinux_elf.read(addr, 37)


def test_x_default_count_is_64(carto, system_map, vmlinux_elf):
    addr = addr_of(system_map, "carto_banner")
    start, data = parse_hexdump(carto.cmd("x carto_banner"))
    assert (start, data) == (addr, vmlinux_elf.read(addr, 64))


def test_x_max_count_over_pages(carto, system_map, vmlinux_elf):
    addr = addr_of(system_map, "_text") + 0x800  # 4096 bytes across a page boundary
    assert x_bytes(carto, addr, 4096) == vmlinux_elf.read(addr, 4096)


def test_x_non_canonical(carto, boot_log):
    out = carto.cmd(f"x {NON_CANONICAL:#x}")
    assert out == f"x: 0x{NON_CANONICAL:016x}: non-canonical address\n"
    assert carto.cmd("version").startswith("carto version ")


def test_x_unmapped_vmalloc(carto):
    qemu = carto.hmp(f"gva2gpa {UNMAPPED:#x}").strip()
    assert qemu == "Unmapped", f"precondition: {UNMAPPED:#x} is mapped now ({qemu})"
    out = carto.cmd(f"x {UNMAPPED:#x}")
    assert re.fullmatch(rf"x: 0x{UNMAPPED:016x}: unmapped address.*\n", out), out
    assert carto.cmd("version").startswith("carto version ")


@pytest.mark.parametrize("addr", [
    0x0, 0x1000, 0x7fffffffffff, 0xffff800000000000, 0xffff880000000000, UNMAPPED,
    0xffffea0000000000, 0xfffffe0000000000, 0xffffff0000000000, 0xffffffef00000000,
    0xffffffff80000000, 0xffffffff81000000, 0xffffffffa0000000, 0xffffffffff5fe000,
    0xffffffffff600000])
def test_x_agrees_with_qemu_on_what_is_mapped(carto, addr):
    """For a spread of addresses over the layout: carto says unmapped exactly when QEMU's
    page walk (gva2gpa) does, and otherwise shows the bytes QEMU reads."""
    qemu = carto.hmp(f"gva2gpa {addr:#x}").strip()
    out = carto.cmd(f"x {addr:#x} 16")
    if qemu == "Unmapped":
        assert re.fullmatch(rf"x: 0x{addr:016x}: unmapped address.*\n", out), out
    else:
        assert qemu.startswith("gpa: "), qemu
        assert parse_hexdump(out) == (addr, carto.read_virt(addr, 16))


def test_x_still_answers_after_errors(carto, boot_log):
    banner = next(l for l in boot_log.splitlines() if "carto version" in l)
    assert carto.cmd("version") == banner.split("] ", 1)[1] + "\n"
