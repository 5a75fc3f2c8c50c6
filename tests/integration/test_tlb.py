# SPDX-License-Identifier: GPL-2.0
"""
TLB flushing (arch/x86/mm/tlb.c): the boot line, `tlb` in /proc/vmstat style (a section per
online CPU, the total, carto's own counters and settings), `tlb reset` / `tlb ceiling N`,
counters moving by the exact amounts `selftest x86_tlb`'s scripted sequence implies on one
CPU and on two (each flush then also a shootdown), PCID/INVPCID on and off (nopcid
noinvpcid), and lx-tlb == tlb on two CPUs. test_smp.py has the shootdowns themselves.
"""

import re

import pytest

from carto import Carto, booted_with_gdbstub, kernel_lines
from test_gdb import gdb_batch

VMSTAT = ("nr_tlb_remote_flush", "nr_tlb_remote_flush_received", "nr_tlb_local_flush_all",
          "nr_tlb_local_flush_one")
OWN = ("tlb_invlpg", "tlb_flush_all_cr3", "tlb_flush_all_pge", "tlb_flush_all_invpcid",
       "tlb_pages_asked", "tlb_pages_flushed", "tlb_shootdown_batched", "tlb_shootdown_cycles",
       "tlb_shootdown_cycles_min", "tlb_shootdown_cycles_max")
SETTINGS = ("tlb_single_page_flush_ceiling", "pcid", "full_flush", "shootdowns")
USAGE = "usage: tlb [reset|ceiling N|shootdown on|off]"
# kind: (boot parameters, -smp)
VARIANTS = {"default": ("", 1), "off": ("nopcid noinvpcid", 1), "smp2": ("", 2)}


@pytest.fixture(scope="module")
def booted(build, variant_iso):
    running = {}

    def boot(kind):
        if kind not in running:
            params, smp = VARIANTS[kind]
            c = Carto(build, iso=variant_iso(params), smp=smp, name=f"tlb-{kind}").start()
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


@pytest.mark.parametrize("kind", ["default", "smp2"])
def test_format(booted, kind):
    c, _ = booted(kind)
    cpus = VARIANTS[kind][1]
    s = parse_tlb(c.cmd("tlb"))
    assert list(s) == [f"cpu{i}" for i in range(cpus)] + ["total", "carto"]
    for i in range(cpus):
        assert list(s[f"cpu{i}"]) == list(VMSTAT)
    assert list(s["total"]) == list(VMSTAT)
    assert s["total"] == {k: sum(s[f"cpu{i}"][k] for i in range(cpus)) for k in VMSTAT}
    assert list(s["carto"]) == list(OWN) + list(SETTINGS)
    if cpus == 1:  # no one to send a shootdown to
        assert s["total"]["nr_tlb_remote_flush"] == 0 == s["total"]["nr_tlb_remote_flush_received"]
    assert s["carto"]["tlb_single_page_flush_ceiling"] == 33
    assert s["carto"]["pcid"] in ("on", "off") and s["carto"]["full_flush"] in ("pge", "invpcid")
    assert s["carto"]["shootdowns"] == "on"


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
    cpus = VARIANTS[kind][1]
    assert c.cmd("tlb reset") == "tlb: counters zeroed\n"
    out = c.cmd("selftest x86_tlb", timeout=120)
    assert re.search(r"^# x86_tlb: pass:(\d+) fail:0 skip:0 total:\1$", out, re.M), out
    s = parse_tlb(c.cmd("tlb"))
    full = "tlb_flush_all_" + s["carto"]["full_flush"]
    # The suite's flushes, in pages (one: invlpg one by one, all: one full flush):
    #   counts: 1 one, 33 one, 34 all; 34 one (ceiling 40), 1 all (ceiling 0), an empty
    #           range (nothing); flush_tlb_all, 1 one, an unaligned 2 one      8 flushes
    #   stale:  1 one, 1 one, flush_tlb_all, 1 one                            4 flushes
    #   batch:  4+4+1+1 pages asked, merged into 7 + 1 one; 5 x 8 asked, all  2 flushes
    one = 1 + 33 + 34 + 1 + 2 + 3 + 8
    alls = 1 + 1 + 1 + 1 + 1
    asked = 1 + 33 + 34 + 34 + 1 + 1 + 2 + 3 + 10 + 40
    flushes = 8 + 4 + 2
    # each flush also runs on every other CPU (a shootdown, done as its sender chose)
    others = cpus - 1
    sent = flushes if others else 0
    assert s["cpu0"] == dict(zip(VMSTAT, (sent, 0, alls, one))), s["cpu0"]
    for i in range(1, cpus):
        assert s[f"cpu{i}"] == dict(zip(VMSTAT, (0, flushes, 0, 0))), (i, s[f"cpu{i}"])
    assert s["total"] == {k: sum(s[f"cpu{i}"][k] for i in range(cpus)) for k in VMSTAT}
    assert s["carto"]["tlb_invlpg"] == one * cpus
    assert s["carto"][full] == alls * cpus
    assert s["carto"]["tlb_pages_asked"] == asked
    assert s["carto"]["tlb_pages_flushed"] == one
    assert s["carto"]["tlb_shootdown_batched"] == 0  # one sender, waiting each time
    assert (s["carto"]["tlb_shootdown_cycles"] > 0) == (others > 0)
    c.cmd("tlb reset")
    s = parse_tlb(c.cmd("tlb"))
    assert all(v == 0 for sec in list(s)[:-1] for v in s[sec].values()), s
    assert all(s["carto"][k] == 0 for k in OWN), s["carto"]


def test_ceiling_command(booted):
    c, _ = booted("default")
    assert c.cmd("tlb ceiling 40") == "tlb: tlb_single_page_flush_ceiling 40\n"
    assert parse_tlb(c.cmd("tlb"))["carto"]["tlb_single_page_flush_ceiling"] == 40
    for bad in ("tlb ceiling", "tlb ceiling x", "tlb ceiling -1", "tlb bogus", "tlb reset 1",
                "tlb ceiling 1048577", "tlb shootdown", "tlb shootdown maybe"):
        assert c.cmd(bad) == USAGE + "\n", bad
    assert c.cmd("help tlb").splitlines()[0] == USAGE
    assert c.cmd("tlb ceiling 33") == "tlb: tlb_single_page_flush_ceiling 33\n"


def test_lx_tlb_equals_tlb(build, variant_iso, tmp_path):
    """On two CPUs, so lx-tlb must read each online CPU's per-CPU copy of tlb_stats."""
    with booted_with_gdbstub(build, iso=variant_iso(""), smp=2, name="tlb-gdb") as (c, port):
        c.cmd("selftest x86_tlb", timeout=120)
        c.cmd("tlbtest 8")
        monitor = c.cmd("tlb")
        assert "\ncpu1:\n" in monitor
        got, _ = gdb_batch(build, port, ["lx-tlb"], tmp_path)
    out, err = got["lx-tlb"]
    assert err is None, err
    assert out == monitor
