# SPDX-License-Identifier: GPL-2.0
"""
SMP against QEMU's view of the machine, at -smp 1, 2 and 4 (one boot each) and -smp 2 with
`nopcid nox2apic`:

- every CPU comes online; `cpus` lists them with the APIC IDs QEMU gave them (QOM
  `apic-id`, in the MADT's order) and the CR4 bits (PCIDE, SMEP, SMAP) QEMU's `info
  registers` reads on each CPU; x2APIC, PCID and INVPCID as QEMU's CPU model has them,
  less what the boot parameters turn off;
- `interrupts` is Linux's /proc/interrupts, one column per CPU, the local timer ticking on
  every CPU, a shootdown moving each other CPU's TLB and CAL rows;
- the stale-translation test: `tlbtest stale` reads the new page on every CPU with
  shootdowns on, and with `tlb shootdown off` the other CPUs read the old one: proof that
  the test can fail;
- `tlbtest N` moves the counters by exactly what Linux's counting implies (derived below,
  not read back from the kernel), on each side of the ceiling, and no CPU can read an
  unmapped page after it;
- `tlb reset` then a `tlbtest`: the per-CPU sections of `tlb`;
- bad arguments: one line, and the monitor goes on.

Then the boot parameters, one boot each: `maxcpus=2` on -smp 4, `nosmp`, `maxcpus=abc` (a
warning, all CPUs), and QEMU's `-machine acpi=off` (one CPU and a line saying why); the
CPUs left out must still be where the firmware parked them (not in long mode).
"""

import re
import time
from dataclasses import dataclass, field

import pytest

from carto import Carto, grub_cmdline, kernel_lines

# id: (-smp, boot parameters added to the ISO's command line)
BOOTS = {
    "smp1": (1, ""),
    "smp2": (2, ""),
    "smp4": (4, ""),
    "smp2-nopcid": (2, "nopcid nox2apic"),
}

CPUS_HEADER = "CPU  APIC ID  state    PCID  INVPCID  x2APIC  SMEP  SMAP"
CPUS_ROW = re.compile(r"^ *(\d+) +(\d+)  (\S+) +(on|off|-) +(on|off|-) +(on|off|-) +(on|off|-)"
                      r" +(on|off|-)$")
CPUS_TOTAL = re.compile(r"^(\d+) of (\d+) CPUs online$")

# arch_show_interrupts()'s rows, in Linux's order (those carto has)
IRQ_ROWS = {
    "NMI": "Non-maskable interrupts",
    "LOC": "Local timer interrupts",
    "SPU": "Spurious interrupts",
    "RES": "Rescheduling interrupts",
    "CAL": "Function call interrupts",
    "TLB": "TLB shootdowns",
}

# What `tlbtest N` prints after its first line, in order: tlb_stat_names up to
# tlb_shootdown_batched (the cycle counts are left out), then its own three.
TLBTEST_COUNTERS = ("nr_tlb_remote_flush", "nr_tlb_remote_flush_received",
                    "nr_tlb_local_flush_all", "nr_tlb_local_flush_one", "tlb_invlpg",
                    "tlb_flush_all_cr3", "tlb_flush_all_pge", "tlb_flush_all_invpcid",
                    "tlb_pages_asked", "tlb_pages_flushed", "tlb_shootdown_batched",
                    "tlb_shootdown_irqs", "call_function_irqs", "stale_cpus_after_unmap")
TLBTEST_HEAD = re.compile(r"^tlbtest: (\d+) pages at 0x([0-9a-f]{16}) mapped, read by (\d+) "
                          r"other CPUs? \((\d+) wrong\), unmapped$")
STALE_RE = re.compile(r"^tlbtest stale: (\d+) CPUs? read the remapped page: (\d+) new, (\d+) "
                      r"stale( \(shootdowns off\))?$")
VMALLOC_START, VMALLOC_END = 0xffffc90000000000, 0xffffe8ffffffffff
VMSTAT = ("nr_tlb_remote_flush", "nr_tlb_remote_flush_received", "nr_tlb_local_flush_all",
          "nr_tlb_local_flush_one")

CR4_PCIDE, CR4_SMEP, CR4_SMAP = 1 << 17, 1 << 20, 1 << 21
CR0_PG, EFER_LMA = 1 << 31, 1 << 10
DEFAULT_CEILING = 33


# ---------------------------------------------------------------------------------------------
# Parsers


def parse_cpus(text):
    """`cpus` as ([{cpu, apic, state, pcid, invpcid, x2apic, smep, smap}], online, total)."""
    lines = text.splitlines()
    assert lines and lines[0] == CPUS_HEADER, text
    rows = []
    for line in lines[1:-1]:
        m = CPUS_ROW.match(line)
        assert m, f"not a cpus row: {line!r}"
        rows.append(dict(cpu=int(m.group(1)), apic=int(m.group(2)), state=m.group(3),
                         pcid=m.group(4), invpcid=m.group(5), x2apic=m.group(6),
                         smep=m.group(7), smap=m.group(8)))
    m = CPUS_TOTAL.match(lines[-1])
    assert m, f"last line of cpus: {lines[-1]!r}"
    return rows, int(m.group(1)), int(m.group(2))


def linux_row(name, counts, desc):
    """A /proc/interrupts row as Linux prints it: "%3s: ", "%10u " per CPU, "  desc"."""
    return f"{name:>3}: " + "".join(f"{v:10d} " for v in counts) + "  " + desc


@dataclass
class Interrupts:
    ncpus: int
    rows: dict = field(default_factory=dict)   # name -> [count per CPU]
    order: list = field(default_factory=list)  # row names as printed
    err: int = 0


def parse_interrupts(text, ncpus):
    """`interrupts`, checked line by line against Linux's format."""
    lines = text.splitlines()
    header = " " * 11 + "".join(f"CPU{i:<8d}" for i in range(ncpus))
    assert lines[0] == header, f"header {lines[0]!r}, want {header!r}"
    irq = Interrupts(ncpus)
    for line in lines[1:]:
        name, _, rest = line.partition(":")
        name = name.strip()
        words = rest.split()
        if name == "ERR":
            assert line == f"ERR: {int(words[0]):10d}", line
            irq.err = int(words[0])
            irq.order.append(name)
            continue
        counts = [int(w) for w in words[:ncpus]]
        irq.rows[name] = counts
        irq.order.append(name)
        if name in IRQ_ROWS:
            assert line == linux_row(name, counts, IRQ_ROWS[name]), line
        else:  # an IRQ line: number, counts, chip, hwirq-trigger, the action's name
            assert name.isdigit(), f"unexpected row {line!r}"
            head = f"{name:>3}: " + "".join(f"{v:10d} " for v in counts)
            assert line.startswith(head) and re.fullmatch(
                r" +(IO-APIC|XT-PIC) +\d+-(edge|fasteoi|level) +\S+", line[len(head):]), line
    return irq


def parse_tlbtest(text):
    """`tlbtest N` as (pages, address, touchers, wrong reads, {counter: value})."""
    lines = text.splitlines()
    m = TLBTEST_HEAD.match(lines[0])
    assert m, f"tlbtest first line: {lines[0]!r}"
    values = {}
    for line in lines[1:]:
        k, _, v = line.partition(" ")
        assert re.fullmatch(r"[a-z_0-9]+", k) and v.isdigit(), line
        values[k] = int(v)
    assert list(values) == list(TLBTEST_COUNTERS), list(values)
    return int(m.group(1)), int(m.group(2), 16), int(m.group(3)), int(m.group(4)), values


def parse_tlb(text):
    """`tlb` as {section: {name: value}} (cpuN, total, carto)."""
    sections, cur = {}, None
    for line in text.splitlines():
        if line.endswith(":"):
            cur = sections.setdefault(line[:-1], {})
            continue
        k, _, v = line.partition(" ")
        cur[k] = int(v) if v.isdigit() else v
    return sections


def parse_stale(text):
    """`tlbtest stale` as (cpus, new, stale, shootdowns off)."""
    m = STALE_RE.fullmatch(text.rstrip("\n"))
    assert m, f"tlbtest stale: {text!r}"
    return int(m.group(1)), int(m.group(2)), int(m.group(3)), bool(m.group(4))


# ---------------------------------------------------------------------------------------------
# What the counters must do, from Linux's counting (arch/x86/mm/tlb.c)


def tlbtest_expected(pages, ceiling, cpus, full_flush, shootdowns=True):
    """
    The counter deltas of `tlbtest N` on `cpus` online CPUs: one vmalloc (no flush), the
    other CPUs read every page (one cross-call each), vfree (one flush_tlb_kernel_range of
    the N pages: the local flush, and one shootdown when there are other CPUs and
    shootdowns are on), then every CPU probes the old addresses (one cross-call each).
    The asking CPU counts the local flush (one by one up to the ceiling: N invlpg; past it
    one full flush) and the shootdown it sends; each CPU the shootdown reaches counts one
    received, one TLB interrupt and the same flush again.
    """
    others = cpus - 1
    sent = 1 if others and shootdowns else 0
    flushing = 1 + sent * others  # CPUs that execute the flush
    e = dict.fromkeys(TLBTEST_COUNTERS, 0)
    e["nr_tlb_remote_flush"] = sent
    e["nr_tlb_remote_flush_received"] = sent * others
    e["tlb_pages_asked"] = pages
    e["tlb_shootdown_irqs"] = sent * others
    e["call_function_irqs"] = (2 + sent) * others  # touch, shootdown, probe
    if pages <= ceiling:
        e["nr_tlb_local_flush_one"] = pages
        e["tlb_invlpg"] = pages * flushing
        e["tlb_pages_flushed"] = pages
    else:
        e["nr_tlb_local_flush_all"] = 1
        e[f"tlb_flush_all_{full_flush}"] = flushing
    return e


# ---------------------------------------------------------------------------------------------
# QEMU's side


def qemu_cpus(c):
    """QEMU's CPUs in index order: [(QOM path, apic-id)] (CPU objects are made in order)."""
    found = []
    for line in c.hmp("qom-list /machine/unattached").splitlines():
        m = re.match(r"device\[(\d+)\] \(child<.*-x86_64-cpu>\)", line)
        if m:
            found.append(int(m.group(1)))
    paths = [f"/machine/unattached/device[{n}]" for n in sorted(found)]
    return [(p, int(c.qom_get(p, "apic-id"))) for p in paths]


def qemu_registers(c, index):
    """`info registers` of QEMU's CPU `index` (HMP `cpu N`; CPU 0 is made current again)."""
    c.hmp(f"cpu {index}")
    try:
        return c.registers()
    finally:
        c.hmp("cpu 0")


def qemu_in_long_mode(regs):
    return bool(regs.get("EFER", 0) & EFER_LMA and regs.get("CR0", 0) & CR0_PG)


# ---------------------------------------------------------------------------------------------
# The machines


@dataclass
class SmpMachine:
    carto: Carto
    boot_log: str
    smp: int
    params: str
    broken: str = None

    def cmd(self, line, timeout=120):
        if self.broken:
            pytest.fail(f"carto -smp {self.smp} stopped answering at {self.broken}")
        try:
            return self.carto.cmd(line, timeout=timeout)
        except AssertionError:
            self.broken = repr(line)
            raise

    def tlb(self):
        return parse_tlb(self.cmd("tlb"))

    def interrupts(self):
        return parse_interrupts(self.cmd("interrupts"), self.smp)


@pytest.fixture(scope="module", params=list(BOOTS))
def m(build, variant_iso, request):
    smp, params = BOOTS[request.param]
    iso = variant_iso(f"{grub_cmdline(build)} {params}".strip()) if params else None
    c = Carto(build, iso=iso, smp=smp, name=f"smp-{request.param}").start()
    try:
        log = c.wait_prompt()
        yield SmpMachine(c, log, smp, params)
    finally:
        c.close()


# ---------------------------------------------------------------------------------------------
# CPUs


def test_every_cpu_comes_online(m):
    rows, online, total = parse_cpus(m.cmd("cpus"))
    assert (online, total) == (m.smp, m.smp)
    assert [r["cpu"] for r in rows] == list(range(m.smp))
    assert all(r["state"] == "online" for r in rows), rows
    up = [l for l in kernel_lines(m.boot_log) if l.startswith("smp: Brought up")]
    if m.smp > 1:
        assert up == [f"smp: Brought up 1 node, {m.smp} CPUs"], up
        booting = [l for l in kernel_lines(m.boot_log) if l.startswith(".... node  #0, CPUs:")]
        assert booting == [".... node  #0, CPUs:    " + "".join(f" #{i}" for i in
                                                            range(1, m.smp))], booting
    else:  # nothing to bring up: the line still comes, as in Linux
        assert up == ["smp: Brought up 1 node, 1 CPU"], up
    assert not any("did not come online" in l for l in kernel_lines(m.boot_log))


def test_apic_ids_are_qemus(m):
    """CPU N has the APIC ID of QEMU's CPU N (both follow the MADT QEMU builds in index order)."""
    rows, _, _ = parse_cpus(m.cmd("cpus"))
    qemu = qemu_cpus(m.carto)
    assert len(qemu) == m.smp
    assert [r["apic"] for r in rows] == [apic for _, apic in qemu]
    madt = [int(x, 16) for x in re.findall(r"ACPI: LAPIC \(acpi_id\[0x[0-9a-f]+\] "
                                           r"lapic_id\[0x([0-9a-f]+)\] enabled\)", m.boot_log)]
    assert madt == [apic for _, apic in qemu]


def test_cpu_features_are_what_qemu_holds(m):
    """Each row's PCID, SMEP and SMAP against CR4 on that CPU; x2APIC, PCID, INVPCID against
    QEMU's CPU model less the boot parameters; PCID and INVPCID as `tlb` reports them."""
    rows, _, _ = parse_cpus(m.cmd("cpus"))
    tlb = m.tlb()["carto"]
    words = m.params.split()
    onoff = {True: "on", False: "off"}
    for index, (path, apic) in enumerate(qemu_cpus(m.carto)):
        row = next(r for r in rows if r["apic"] == apic)
        cr4 = qemu_registers(m.carto, index)["CR4"]
        assert row["pcid"] == onoff[bool(cr4 & CR4_PCIDE)], (row, hex(cr4))
        assert row["smep"] == onoff[bool(cr4 & CR4_SMEP)], (row, hex(cr4))
        assert row["smap"] == onoff[bool(cr4 & CR4_SMAP)], (row, hex(cr4))
        model = {f: m.carto.qom_get(path, f) == "true"
                 for f in ("pcid", "invpcid", "x2apic", "smep", "smap")}
        assert row["smep"] == onoff[model["smep"]] and row["smap"] == onoff[model["smap"]], row
        assert row["pcid"] == onoff[model["pcid"] and "nopcid" not in words], (row, model)
        assert row["invpcid"] == onoff[model["invpcid"] and "noinvpcid" not in words], row
        assert row["x2apic"] == onoff[model["x2apic"] and "nox2apic" not in words], row
        assert row["pcid"] == tlb["pcid"], (row, tlb)
        assert row["invpcid"] == onoff[tlb["full_flush"] == "invpcid"], (row, tlb)
    mode = "x2APIC" if rows[0]["x2apic"] == "on" else "xAPIC"
    assert any(l.startswith(f"APIC: {mode} mode, boot CPU APIC ID 0x{rows[0]['apic']:x},")
               for l in kernel_lines(m.boot_log))
    assert not any("Unknown kernel command line" in l for l in kernel_lines(m.boot_log))


# ---------------------------------------------------------------------------------------------
# Interrupts


def test_interrupts_has_a_column_per_cpu(m):
    before = m.interrupts()
    # the IRQ lines (those with a count, and ttyS0's always) in order, then Linux's rows
    irqs = before.order[:-len(IRQ_ROWS) - 1]
    assert before.order[len(irqs):] == [*IRQ_ROWS, "ERR"], before.order
    assert "4" in irqs and irqs == sorted(irqs, key=int), before.order
    assert before.err == 0
    assert m.cmd("interrupts x") == "usage: interrupts\n"
    after = m.interrupts()
    # the serial port's receive interrupts came as we typed the lines
    assert sum(after.rows["4"]) > sum(before.rows["4"])


def test_local_timer_ticks_on_every_cpu(m):
    before = m.interrupts().rows["LOC"]
    time.sleep(1.0)
    after = m.interrupts().rows["LOC"]
    assert all(a > b for a, b in zip(after, before)), (before, after)


def test_a_tlbtest_moves_the_other_cpus_rows(m):
    """Per other CPU: one TLB shootdown and three function calls (touch, shootdown, probe);
    none on CPU 0, which asks; the sums are what tlbtest reports."""
    before = m.interrupts()
    *_, values = parse_tlbtest(m.cmd("tlbtest 8"))
    after = m.interrupts()
    tlb = [a - b for a, b in zip(after.rows["TLB"], before.rows["TLB"])]
    cal = [a - b for a, b in zip(after.rows["CAL"], before.rows["CAL"])]
    assert tlb == [0] + [1] * (m.smp - 1)
    assert cal == [0] + [3] * (m.smp - 1)
    assert values["tlb_shootdown_irqs"] == sum(tlb)
    assert values["call_function_irqs"] == sum(cal)


# ---------------------------------------------------------------------------------------------
# TLB shootdowns


def test_no_stale_translation_with_shootdowns(m):
    cpus, new, stale, off = parse_stale(m.cmd("tlbtest stale"))
    assert (cpus, new, stale, off) == (m.smp, m.smp, 0, False)


@pytest.mark.parametrize("pages, ceiling", [(8, 33), (33, 33), (34, 33), (4, 4), (5, 4),
                                            (1, 0)])
def test_tlbtest_counts_exactly(m, pages, ceiling):
    tlb = m.tlb()["carto"]
    assert tlb["shootdowns"] == "on" and tlb["tlb_single_page_flush_ceiling"] == DEFAULT_CEILING
    if ceiling != DEFAULT_CEILING:
        assert m.cmd(f"tlb ceiling {ceiling}") == f"tlb: tlb_single_page_flush_ceiling {ceiling}\n"
    try:
        n, addr, touchers, wrong, got = parse_tlbtest(m.cmd(f"tlbtest {pages}"))
    finally:
        m.cmd(f"tlb ceiling {DEFAULT_CEILING}")
    assert n == pages and VMALLOC_START <= addr and addr + pages * 4096 <= VMALLOC_END
    assert (touchers, wrong) == (m.smp - 1, 0)
    want = tlbtest_expected(pages, ceiling, m.smp, tlb["full_flush"])
    assert got == want, {k: (got[k], want[k]) for k in got if got[k] != want[k]}


def test_tlb_reset_then_per_cpu_counts(m):
    assert m.cmd("tlb reset") == "tlb: counters zeroed\n"
    s = m.tlb()
    assert list(s) == [f"cpu{i}" for i in range(m.smp)] + ["total", "carto"]
    for sec in list(s)[:-1]:
        assert all(v == 0 for v in s[sec].values()), (sec, s[sec])
    assert all(v == 0 for k, v in s["carto"].items() if k.startswith("tlb_") and
               k != "tlb_single_page_flush_ceiling"), s["carto"]
    m.cmd("tlbtest 8")
    s = m.tlb()
    others = m.smp - 1
    assert s["cpu0"] == dict(zip(VMSTAT, (1 if others else 0, 0, 0, 8)))
    for i in range(1, m.smp):
        assert s[f"cpu{i}"] == dict(zip(VMSTAT, (0, 1, 0, 0))), (i, s[f"cpu{i}"])
    assert s["total"] == {k: sum(s[f"cpu{i}"][k] for i in range(m.smp)) for k in VMSTAT}
    assert s["carto"]["tlb_invlpg"] == 8 * m.smp
    assert (s["carto"]["tlb_pages_asked"], s["carto"]["tlb_pages_flushed"]) == (8, 8)
    cycles = s["carto"]["tlb_shootdown_cycles"]
    assert (cycles > 0) == (others > 0), cycles
    if others:
        assert (s["carto"]["tlb_shootdown_cycles_min"] == s["carto"]["tlb_shootdown_cycles_max"]
                == cycles), s["carto"]


BAD = [
    ("cpus extra", "usage: cpus"),
    ("interrupts 1", "usage: interrupts"),
    ("tlbtest", "usage: tlbtest N|stale"),
    ("tlbtest x", "usage: tlbtest N|stale"),
    ("tlbtest -1", "usage: tlbtest N|stale"),
    ("tlbtest 1 2", "usage: tlbtest N|stale"),
    ("tlbtest stale now", "usage: tlbtest N|stale"),
    ("tlbtest 0", "tlbtest: 0: pages must be 1..65536"),
    ("tlbtest 65537", "tlbtest: 65537: pages must be 1..65536"),
    ("tlb shootdown maybe", "usage: tlb [reset|ceiling N|shootdown on|off]"),
    ("tlb shootdown", "usage: tlb [reset|ceiling N|shootdown on|off]"),
    ("tlb shootdown on off", "usage: tlb [reset|ceiling N|shootdown on|off]"),
]


def test_bad_arguments_give_one_line(m):
    for line, want in BAD:
        assert m.cmd(line) == want + "\n", line
        if want.startswith("usage: "):  # the usage is the command table's
            assert m.cmd(f"help {line.split()[0]}").splitlines()[0] == want
    # nothing changed, and the monitor goes on
    assert m.tlb()["carto"]["shootdowns"] == "on"
    rows, online, _ = parse_cpus(m.cmd("cpus"))
    assert online == m.smp == len(rows)


def test_stale_translations_without_shootdowns(m):
    """`tlb shootdown off`: the other CPUs keep their translations, and the tests see it."""
    others = m.smp - 1
    assert m.cmd("tlb shootdown off") == \
        "tlb: shootdowns off (tests only: other CPUs keep stale entries)\n"
    try:
        assert m.tlb()["carto"]["shootdowns"] == "off"
        cpus, new, stale, off = parse_stale(m.cmd("tlbtest stale"))
        assert (cpus, off) == (m.smp, True) and new + stale == cpus
        # the asking CPU flushed itself; every other one had the old page cached
        assert new >= 1 and (1 <= stale <= others if others else stale == 0), (new, stale)
        n, _, touchers, wrong, got = parse_tlbtest(m.cmd("tlbtest 8"))
        assert (touchers, wrong) == (others, 0)
        stale_cpus = got.pop("stale_cpus_after_unmap")
        want = tlbtest_expected(8, DEFAULT_CEILING, m.smp, None, shootdowns=False)
        del want["stale_cpus_after_unmap"]
        assert got == want
        assert (1 <= stale_cpus <= others) if others else stale_cpus == 0, stale_cpus
    finally:
        assert m.cmd("tlb shootdown on") == "tlb: shootdowns on\n"
    assert m.tlb()["carto"]["shootdowns"] == "on"
    assert parse_stale(m.cmd("tlbtest stale")) == (m.smp, m.smp, 0, False)


def test_no_stale_entry_outlives_shootdown_off(m):
    """
    Pages a `tlbtest N` freed while shootdowns were off must not stay readable through the
    other CPUs' TLBs once shootdowns are on again: the next `tlbtest` (same addresses, new
    pages) must read its own pages everywhere.
    """
    m.cmd("tlb shootdown off")
    try:
        m.cmd("tlbtest 8")
    finally:
        m.cmd("tlb shootdown on")
    _, _, touchers, wrong, got = parse_tlbtest(m.cmd("tlbtest 8"))
    assert (touchers, wrong, got["stale_cpus_after_unmap"]) == (m.smp - 1, 0, 0)


# ---------------------------------------------------------------------------------------------
# Boot parameters and a machine without ACPI

# id: (-smp, boot parameters, QEMU arguments, CPUs online, boot lines that must be there)
PARAM_BOOTS = {
    "maxcpus=2": (4, "maxcpus=2", [], 2, ["smpboot: maxcpus=2: APIC 0x2 left out",
                                          "smpboot: maxcpus=2: APIC 0x3 left out",
                                          "smp: Brought up 1 node, 2 CPUs"]),
    "nosmp": (2, "nosmp", [], 1, ["smpboot: nosmp: one CPU"]),
    "maxcpus=abc": (2, "maxcpus=abc", [], 2, [
        "maxcpus: bad value 'abc' (expected a number), ignored",
        "smp: Brought up 1 node, 2 CPUs"]),
    "acpi=off": (2, "", ["-machine", "acpi=off"], 1, [
        "ACPI: RSDP: no RSDP from the boot loader; continuing on one CPU"]),
}


@pytest.mark.parametrize("kind", PARAM_BOOTS)
def test_boot_parameters(build, variant_iso, launch, kind):
    smp, params, qemu_args, online, lines = PARAM_BOOTS[kind]
    iso = variant_iso(f"{grub_cmdline(build)} {params}".strip()) if params else None
    c = launch(iso=iso, smp=smp, extra_args=qemu_args, name="smp-" + re.sub(r"\W", "-", kind))
    log = kernel_lines(c.wait_prompt())
    for line in lines:
        assert log.count(line) == 1, (line, log)
    assert not any("Unknown kernel command line" in l for l in log), log
    if online == 1:
        assert [l for l in log if l.startswith("smp: Brought up")] == [
            "smp: Brought up 1 node, 1 CPU"], log
    rows, n, total = parse_cpus(c.cmd("cpus"))
    assert (n, total) == (online, online) and len(rows) == online
    assert all(r["state"] == "online" for r in rows)
    # QEMU: the CPUs carto brought up run in long mode; the others are where the firmware
    # left them
    ids = {r["apic"] for r in rows}
    cpus = qemu_cpus(c)
    assert len(cpus) == smp
    for index, (_, apic) in enumerate(cpus):
        assert qemu_in_long_mode(qemu_registers(c, index)) == (apic in ids), (index, apic)
    assert parse_interrupts(c.cmd("interrupts"), online).ncpus == online
    _, _, touchers, wrong, got = parse_tlbtest(c.cmd("tlbtest 8"))
    assert (touchers, wrong) == (online - 1, 0)
    assert got == tlbtest_expected(8, DEFAULT_CEILING, online, None)
