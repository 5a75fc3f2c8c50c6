# SPDX-License-Identifier: GPL-2.0
"""
TLB flushing (arch/x86/mm/tlb.c), local part: the boot line, `tlb` in /proc/vmstat style,
`tlb reset` / `tlb ceiling N`, counters moving by the exact amounts `selftest x86_tlb`'s
scripted sequence implies, PCID/INVPCID on and off (nopcid noinvpcid), and lx-tlb == tlb.
"""

import re

import pytest

from carto import Carto, booted_with_gdbstub, kernel_lines
from test_gdb import gdb_batch

VMSTAT = ("nr_tlb_remote_flush", "nr_tlb_remote_flush_received", "nr_tlb_local_flush_all",
          "nr_tlb_local_flush_one")
OWN = ("tlb_invlpg", "tlb_flush_all_cr3", "tlb_flush_all_pge", "tlb_flush_all_invpcid",
       "tlb_pages_asked", "tlb_pages_flushed")
VARIANTS = {"default": "", "off": "nopcid noinvpcid"}


@pytest.fixture(scope="module")
def booted(build, variant_iso):
    running = {}

    def boot(kind):
        if kind not in running:
            c = Carto(build, iso=variant_iso(VARIANTS[kind]), name=f"tlb-{kind}").start()
            running[kind] = (c, c.wait_prompt())
        return running[kind]

    yield boot
    for c, _ in running.values():
        c.close()


def parse_tlb(text):
    """{section: {name: value}} and the trailing settings of `tlb`."""
    sections, cur = {}, None
    for line in text.splitlines():
        if line.startswith("["):  # the one-time mechanism line if this is the first use
            continue
        if line.endswith(":"):
            cur = sections.setdefault(line[:-1], {})
            continue
        m = re.fullmatch(r"([a-z_0-9]+) (\S+)", line)
        assert m, f"bad line {line!r} in:\n{text}"
        cur[m.group(1)] = int(m.group(2)) if m.group(2).isdigit() else m.group(2)
    return sections


def test_format(booted):
    c, _ = booted("default")
    s = parse_tlb(c.cmd("tlb"))
    assert list(s) == ["cpu0", "total", "carto"]
    assert list(s["cpu0"]) == list(VMSTAT) and list(s["total"]) == list(VMSTAT)
    assert list(s["carto"])[:len(OWN)] == list(OWN)
    assert s["total"]["nr_tlb_remote_flush"] == 0 == s["total"]["nr_tlb_remote_flush_received"]
    assert s["carto"]["tlb_single_page_flush_ceiling"] == 33
    assert s["carto"]["pcid"] in ("on", "off") and s["carto"]["full_flush"] in ("pge", "invpcid")


@pytest.mark.parametrize("kind", VARIANTS)
def test_boot_line_and_mechanism(booted, kind):
    c, _ = booted(kind)
    s = parse_tlb(c.cmd("tlb"))["carto"]
    if kind == "off":
        assert s["pcid"] == "off" and s["full_flush"] == "pge"
    # said once at boot by tlb_init(), once start_kernel calls it (init/main.c, not ours)
    dmesg = kernel_lines(c.cmd("dmesg"))
    lines = [l for l in dmesg if "x86/tlb: PCID" in l]
    assert len(lines) <= 1, dmesg
    if not lines:
        pytest.skip("start_kernel does not call tlb_init() yet: no boot line")
    if kind == "off":
        assert "PCID off, full flushes by CR4.PGE toggle" in lines[0]
        assert s["pcid"] == "off" and s["full_flush"] == "pge"
    else:
        assert f"PCID {s['pcid']}" in lines[0]
        assert ("INVPCID" in lines[0]) == (s["full_flush"] == "invpcid")


@pytest.mark.parametrize("kind", VARIANTS)
def test_selftest_moves_counters_exactly(booted, kind):
    c, _ = booted(kind)
    assert c.cmd("tlb reset") == "tlb: counters zeroed\n"
    out = c.cmd("selftest x86_tlb", timeout=120)
    assert "# x86_tlb: pass:3 fail:0 skip:0 total:3" in out.splitlines(), out
    s = parse_tlb(c.cmd("tlb"))
    full = "tlb_flush_all_" + s["carto"]["full_flush"]
    # counts: 1+33 one by one, 34 full; 34 one by one, 1 full; all, one, 2 pages; the
    # stale test: 1 one + 1 range of 1 + 1 all + 1 one
    one, alls, asked = 34 + 34 + 3 + 3, 1 + 1 + 1 + 1, 68 + 35 + 3 + 3
    assert s["total"]["nr_tlb_local_flush_one"] == one, s
    assert s["total"]["nr_tlb_local_flush_all"] == alls, s
    assert s["carto"]["tlb_invlpg"] == one
    assert s["carto"][full] == alls
    assert s["carto"]["tlb_pages_asked"] == asked
    assert s["carto"]["tlb_pages_flushed"] == one
    assert s["cpu0"] == s["total"]
    c.cmd("tlb reset")
    assert all(v == 0 for v in parse_tlb(c.cmd("tlb"))["total"].values())


def test_ceiling_command(booted):
    c, _ = booted("default")
    assert c.cmd("tlb ceiling 40") == "tlb: tlb_single_page_flush_ceiling 40\n"
    assert parse_tlb(c.cmd("tlb"))["carto"]["tlb_single_page_flush_ceiling"] == 40
    for bad in ("tlb ceiling", "tlb ceiling x", "tlb ceiling -1", "tlb bogus", "tlb reset 1"):
        assert "usage: tlb [reset|ceiling N]" in c.cmd(bad), bad
    assert c.cmd("tlb ceiling 33") == "tlb: tlb_single_page_flush_ceiling 33\n"


def test_lx_tlb_equals_tlb(build, variant_iso, tmp_path):
    with booted_with_gdbstub(build, iso=variant_iso(""), name="tlb-gdb") as (c, port):
        c.cmd("selftest x86_tlb", timeout=120)
        monitor = c.cmd("tlb")
        got, _ = gdb_batch(build, port, ["lx-tlb"], tmp_path)
    out, err = got["lx-tlb"]
    assert err is None, err
    assert out == monitor
