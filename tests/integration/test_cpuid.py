# SPDX-License-Identifier: GPL-2.0
"""`cpuid`: the decoded view against the raw leaves, and both against QEMU's CPU model."""

import re
import struct

import pytest

RAW_RE = re.compile(r"^cpuid 0x([0-9a-f]{8}) 0x([0-9a-f]{8}): "
                    r"eax=0x([0-9a-f]{8}) ebx=0x([0-9a-f]{8}) ecx=0x([0-9a-f]{8}) "
                    r"edx=0x([0-9a-f]{8})$")


def raw_leaf(carto, leaf, sub=None):
    line = f"cpuid {leaf:#x}" + ("" if sub is None else f" {sub:#x}")
    out = carto.cmd(line)
    m = RAW_RE.match(out.rstrip("\n"))
    assert m and out.count("\n") == 1, f"{line}: {out!r}"
    assert int(m.group(1), 16) == leaf and int(m.group(2), 16) == (sub or 0)
    return [int(m.group(i), 16) for i in range(3, 7)]  # eax, ebx, ecx, edx


@pytest.fixture(scope="module")
def info(carto):
    """The decoded `cpuid` report as {field: value} (`/proc/cpuinfo` style, tab then ': ')."""
    fields = {}
    for line in carto.cmd("cpuid").splitlines():
        m = re.match(r"^([a-zA-Z0-9_ ]+?)\s*: (.*)$", line)
        assert m, f"not a 'name\\t: value' line: {line!r}"
        fields[m.group(1)] = m.group(2)
    return fields


@pytest.fixture(scope="module")
def qemu_cpu(carto):
    path = carto.cpu_qom_path()
    return {p: carto.qom_get(path, p) for p in ("vendor", "model-id", "family", "model",
                                                 "stepping")}


def test_vendor_matches_leaf_0_and_qemu(carto, info, qemu_cpu):
    eax, ebx, ecx, edx = raw_leaf(carto, 0)
    assert info["vendor_id"] == struct.pack("<III", ebx, edx, ecx).decode("ascii")
    assert info["vendor_id"] == qemu_cpu["vendor"]
    assert int(info["cpuid level"]) == eax


def test_model_name_matches_qemu(info, qemu_cpu):
    assert info["model name"].strip()
    assert info["model name"] == qemu_cpu["model-id"]


def test_model_name_matches_brand_leaves(carto, info):
    brand = b"".join(struct.pack("<IIII", *raw_leaf(carto, leaf))
                     for leaf in (0x80000002, 0x80000003, 0x80000004))
    assert info["model name"] == brand.split(b"\0")[0].decode("ascii").strip()


def test_family_model_stepping(carto, info, qemu_cpu):
    eax = raw_leaf(carto, 1)[0]
    base_family, ext_family = (eax >> 8) & 0xf, (eax >> 20) & 0xff
    family = base_family + (ext_family if base_family == 0xf else 0)
    model = (eax >> 4) & 0xf
    if base_family in (0x6, 0xf):
        model |= ((eax >> 16) & 0xf) << 4
    assert int(info["cpu family"]) == family == int(qemu_cpu["family"])
    assert int(info["model"]) == model == int(qemu_cpu["model"])
    assert int(info["stepping"]) == eax & 0xf == int(qemu_cpu["stepping"])


def test_cpuid_1_prints_four_registers(carto):
    regs = raw_leaf(carto, 1)
    assert len(regs) == 4
    assert regs[3] & (1 << 0), "leaf 1 EDX.FPU clear on -cpu max?"


def test_flags_agree_with_leaf_1(carto, info):
    """A few /proc/cpuinfo flag names against their CPUID bits."""
    _, _, ecx, edx = raw_leaf(carto, 1)
    ext_edx = raw_leaf(carto, 0x80000001)[3]
    flags = set(info["flags"].split())
    for name, present in [("fpu", edx & 1), ("pae", edx >> 6 & 1), ("apic", edx >> 9 & 1),
                          ("sse2", edx >> 26 & 1), ("pni", ecx & 1), ("x2apic", ecx >> 21 & 1),
                          ("hypervisor", ecx >> 31 & 1), ("nx", ext_edx >> 20 & 1),
                          ("lm", ext_edx >> 29 & 1)]:
        assert (name in flags) == bool(present), name
    assert "lm" in flags and "nx" in flags  # carto booted, so it has both


def test_subleaf(carto):
    """Leaf 7 sub-leaf 0 (structured extended features) answers; an argument is taken."""
    regs = raw_leaf(carto, 7, 0)
    assert regs == raw_leaf(carto, 7)
