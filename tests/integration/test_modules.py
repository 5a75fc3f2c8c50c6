# SPDX-License-Identifier: GPL-2.0
"""
Loadable modules (kernel/module.c, modules/*.c), on one carto booted from an ISO that holds
the sample modules and broken copies of them as GRUB module2 files:

- insmod/rmmod of each sample ten times leaves meminfo and vmallocinfo as they were (after a
  first round trip, which may keep a page-table page); lsmod lists what is loaded;
- the samples work: hello prints its arguments, slabby's cache shows in slabinfo while it is
  loaded, cmdmod's `hi` command runs, is in `help`, and goes away with the module;
- module addresses are named by `sym` and are mapped under Modules in ptdump (text x,
  rodata ro NX, data RW NX);
- each broken module (truncated, a section outside the file, an unknown relocation type, an
  unknown symbol, a value out of range, a failing init) is refused with one line naming the
  cause, and leaves meminfo and vmallocinfo unchanged;
- lx-lsmod (GDB) prints what lsmod prints, and lx-symbols loads a module's symbols at its
  run address.
"""

import re
import struct
import subprocess

import pytest

from carto import GRUB_CFG, Build, booted_with_gdbstub
from test_gdb import gdb_batch

SAMPLES = ("hello", "slabby", "cmdmod")
ROUND_TRIPS = 10
SHDR = struct.Struct("<IIQQQQIIQQ")
RELA = struct.Struct("<QQq")
SHT_RELA = 4
SHF_ALLOC = 2
R_X86_64_32S = 11

# ---------------------------------------------------------------------------------------------
# ELF surgery on the sample .ko files


def sections(data):
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shnum, shstrndx = struct.unpack_from("<HH", data, 0x3c)
    hdrs = [SHDR.unpack_from(data, shoff + i * SHDR.size) for i in range(shnum)]
    strs = hdrs[shstrndx]
    out = []
    for i, h in enumerate(hdrs):
        name_off = strs[4] + h[0]
        name = data[name_off:data.index(b"\0", name_off)].decode()
        out.append(dict(index=i, name=name, type=h[1], flags=h[2], offset=h[4], size=h[5],
                        link=h[6], info=h[7], hdr=shoff + i * SHDR.size))
    return out


def section(data, name):
    return next(s for s in sections(data) if s["name"] == name)


def set_section_offset(data, name, value):
    out = bytearray(data)
    struct.pack_into("<Q", out, section(data, name)["hdr"] + 24, value)
    return bytes(out)


def allocated_relas(data):
    """(file offset, r_info, r_addend) of every relocation that applies to loaded memory."""
    secs = sections(data)
    for s in secs:
        if s["type"] == SHT_RELA and secs[s["info"]]["flags"] & SHF_ALLOC:
            for off in range(s["offset"], s["offset"] + s["size"], RELA.size):
                _, info, addend = RELA.unpack_from(data, off)
                yield off, info, addend


def bad_reloc_type(data):
    out = bytearray(data)
    off, info, _ = next(allocated_relas(data))
    struct.pack_into("<Q", out, off + 8, (info & ~0xffffffff) | 37)
    return bytes(out)


def bad_reloc_range(data):
    out = bytearray(data)
    off, info, addend = next(r for r in allocated_relas(data) if r[1] & 0xffffffff == R_X86_64_32S)
    struct.pack_into("<q", out, off + 16, addend + (1 << 33))
    return bytes(out)


def rename_symbol(data, old, new):
    assert len(old) == len(new)
    strtab = section(data, ".strtab")
    blob = data[strtab["offset"]:strtab["offset"] + strtab["size"]]
    at = blob.index(b"\0" + old + b"\0") + 1
    out = bytearray(data)
    out[strtab["offset"] + at:strtab["offset"] + at + len(old)] = new
    return bytes(out)


# name: (module2 file contents from the samples, the one error line expected)
def bad_modules(ko):
    hello = ko["hello"]
    return {
        "badtrunc": (hello[:len(hello) // 2], r"insmod badtrunc: section headers outside the file"),
        "badsect": (set_section_offset(hello, ".text", len(hello) + 0x1000),
                    r"insmod badsect: section contents outside the file"),
        "badrel": (bad_reloc_type(hello), r"insmod badrel: unknown relocation type 37: '\.rela\.text'"),
        "badsym": (rename_symbol(hello, b"printk", b"printq"),
                   r"insmod badsym: unknown symbol: 'printq'"),
        "badrange": (bad_reloc_range(hello),
                     r"insmod badrange: relocation value out of range: 'R_X86_64_32S'"),
        "notelf": (b"\x7fELG" + bytes(200), r"insmod notelf: not an ELF file"),
        # the same file as cmdmod: its init fails while cmdmod holds the command `hi`
        "cmdmod2": (ko["cmdmod"], r"insmod cmdmod2: init failed \(-17\)"),
    }


def make_module_iso(build, files, dest):
    """An ISO of build's vmlinuz with files {name: bytes} as module2 /boot/NAME.ko NAME."""
    tree = dest / "iso"
    (tree / "boot" / "grub").mkdir(parents=True)
    (tree / "boot" / "vmlinuz").write_bytes(build.vmlinuz.read_bytes())
    lines = ""
    for name, data in files.items():
        (tree / "boot" / f"{name}.ko").write_bytes(data)
        lines += f"\tmodule2 /boot/{name}.ko {name}\n"
    (tree / "boot" / "grub" / "grub.cfg").write_text(
        GRUB_CFG.format(cmdline="").replace("\tboot\n", lines + "\tboot\n"))
    iso = dest / "carto.iso"
    r = subprocess.run(["grub-mkrescue", "-o", str(iso), str(tree)], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return iso


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def ko(build):
    files = {n: (build.dir / "modules" / f"{n}.ko") for n in SAMPLES}
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        pytest.fail("sample modules missing (run make): " + ", ".join(missing), pytrace=False)
    return {n: p.read_bytes() for n, p in files.items()}


@pytest.fixture(scope="module")
def vm(build, ko, tmp_path_factory):
    """(carto, gdb port) booted with the samples and the broken copies as module2 files."""
    files = dict(ko)
    files.update({n: data for n, (data, _) in bad_modules(ko).items()})
    iso = make_module_iso(build, files, tmp_path_factory.mktemp("modiso"))
    with booted_with_gdbstub(build, iso=iso, name="modules") as vm:
        yield vm


def memory_state(c):
    """What must not change across a load and unload: free memory, vmalloc use, the areas."""
    meminfo = c.cmd("meminfo")
    keep = [ln for ln in meminfo.splitlines() if ln.split(":")[0] in ("MemFree", "VmallocUsed")]
    assert len(keep) == 2, meminfo
    return keep, c.cmd("vmallocinfo"), c.cmd("lsmod")


def lsmod(c):
    """{name: (size, refcount, address)} from lsmod's /proc/modules lines."""
    out = {}
    for ln in c.cmd("lsmod").splitlines():
        m = re.fullmatch(r"(\S+) (\d+) (-?\d+) - Live 0x([0-9a-f]{16})", ln.strip())
        assert m, ln
        out[m.group(1)] = (int(m.group(2)), int(m.group(3)), int(m.group(4), 16))
    return out


def error_lines(out):
    return [ln for ln in out.splitlines() if "insmod" in ln or "rmmod" in ln]


# ---------------------------------------------------------------------------------------------
# Tests


@pytest.mark.parametrize("name", SAMPLES)
def test_round_trips_leave_nothing(vm, name):
    c, _ = vm
    out = c.cmd(f"insmod {name}")  # the first: may keep page-table pages
    assert f"module: {name} loaded at 0xffffffffa" in out, out
    assert f"module: {name} unloaded" in c.cmd(f"rmmod {name}")
    before = memory_state(c)
    for i in range(ROUND_TRIPS):
        out = c.cmd(f"insmod {name}")
        assert f"module: {name} loaded" in out, f"round {i}: {out}"
        assert name in lsmod(c)
        out = c.cmd(f"rmmod {name}")
        assert f"module: {name} unloaded" in out, f"round {i}: {out}"
    assert memory_state(c) == before


def test_lsmod(vm):
    c, _ = vm
    assert lsmod(c) == {}
    c.cmd("insmod hello")
    c.cmd("insmod cmdmod")
    mods = lsmod(c)
    assert list(mods) == ["hello", "cmdmod"]
    for size, refcount, addr in mods.values():
        assert size > 0 and size % 4096 == 0 and refcount == 0
        assert 0xffffffffa0000000 <= addr < 0xffffffffff000000
    hello_size, _, hello_addr = mods["hello"]
    assert mods["cmdmod"][2] >= hello_addr + hello_size  # no overlap
    c.cmd("rmmod hello")
    c.cmd("rmmod cmdmod")
    assert lsmod(c) == {}


def test_hello_args(vm):
    c, _ = vm
    out = c.cmd("insmod hello greeting=carto")
    assert "hello: hello, carto (args 'greeting=carto')" in out, out
    out = c.cmd("insmod hello")
    assert "insmod hello: already loaded" in out
    out = c.cmd("rmmod hello")
    assert "hello: goodbye, carto" in out, out


def test_slabby_cache(vm):
    c, _ = vm
    out = c.cmd("insmod slabby count=20")
    assert "slabby: 20 objects" in out, out
    rows = [ln.split() for ln in c.cmd("slabinfo").splitlines() if ln.startswith("slabby ")]
    assert len(rows) == 1 and int(rows[0][1]) == 20, rows
    c.cmd("rmmod slabby")
    assert not [ln for ln in c.cmd("slabinfo").splitlines() if ln.startswith("slabby ")]


def test_cmdmod_command(vm):
    c, _ = vm
    assert "unknown command 'hi'" in c.cmd("hi")
    c.cmd("insmod cmdmod")
    assert "hi from cmdmod (call 1): there you" in c.cmd("hi there you")
    assert re.search(r"^hi \[WORDS\]\s+say hi", c.cmd("help"), re.M)
    assert "usage: hi [WORDS]" in c.cmd("help hi")
    c.cmd("rmmod cmdmod")
    assert "unknown command 'hi'" in c.cmd("hi")
    assert not re.search(r"^hi ", c.cmd("help"), re.M)


def test_sym_and_ptdump(vm, build):
    c, _ = vm
    c.cmd("insmod hello")
    base = lsmod(c)["hello"][2]
    nm = subprocess.run(["nm", str(build.dir / "modules" / "hello.ko")], capture_output=True,
                        text=True, check=True).stdout
    at0 = [ln.split()[2] for ln in nm.splitlines()
           if ln.split()[1:2] in (["t"], ["T"]) and int(ln.split()[0], 16) == 0]
    out = c.cmd(f"sym {base + 5:#x}")
    m = re.search(r"(\w+)\+0x5/0x[0-9a-f]+", out)
    assert m and m.group(1) in at0, (out, at0)
    dump = c.cmd(f"ptdump {base:#x} {base + 0x3000:#x}")
    assert "---[ Modules ]---" in dump
    perms = [ln for ln in dump.splitlines() if ln.startswith("0x")]
    assert re.search(r"ro\s+GLB x ", perms[0]), dump
    assert re.search(r"ro\s+GLB NX", perms[1]), dump
    assert re.search(r"RW\s+GLB NX", perms[2]), dump
    c.cmd("rmmod hello")
    assert "not loaded" in c.cmd("rmmod hello")


def test_bad_modules(vm, ko):
    c, _ = vm
    c.cmd("insmod cmdmod")  # for cmdmod2's init to fail
    before = memory_state(c)
    for name, (_, want) in bad_modules(ko).items():
        out = c.cmd(f"insmod {name}")
        errs = error_lines(out)
        assert len(errs) == 1 and re.search(want, errs[0]), (name, out)
        assert memory_state(c) == before, name
    assert "hi from cmdmod" in c.cmd("hi")  # cmdmod's row survived cmdmod2's failure
    assert "no GRUB module2 file called 'nosuch'" in c.cmd("insmod nosuch")
    c.cmd("rmmod cmdmod")


def test_lx_lsmod(vm, build, tmp_path):
    c, port = vm
    c.cmd("insmod hello")
    c.cmd("insmod slabby")
    want = c.cmd("lsmod")
    base = lsmod(c)["hello"][2]
    c.hmp("stop")
    try:
        # gdb runs in tmp_path: give it absolute paths (CARTO_BUILD may be relative)
        res, _ = gdb_batch(Build(build.dir.resolve()), port, ["lx-lsmod", "lx-symbols", "p/x &hello_init"], tmp_path)
    finally:
        c.hmp("cont")
    out, err = res["lx-lsmod"]
    assert err is None, err
    assert out.splitlines() == want.strip().splitlines()
    out, err = res["lx-symbols"]
    assert err is None and "hello:" in out, (out, err)
    out, err = res["p/x &hello_init"]
    assert err is None, err
    addr = int(out.split("=")[1].split()[0], 16)
    assert base <= addr < base + lsmod(c)["hello"][0], (out, hex(base))
    assert re.search(r"hello_init\+0x0/", c.cmd(f"sym {addr:#x}"))
    c.cmd("rmmod hello")
    c.cmd("rmmod slabby")
