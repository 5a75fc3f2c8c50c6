# SPDX-License-Identifier: GPL-2.0
"""
The GDB helpers on SMP: carto booted once at each of -smp 1, 2 and 4 with a gdbstub, and
for each:

- lx-cpus equals the monitor's `cpus` (every CPU online, CR4 read from each vCPU's thread);
- lx-tlb equals the monitor's `tlb` after a tlbtest (shootdowns at -smp 2 and 4), with the
  last CPU's round-trip counters set through $lx_per_cpu so that the totals' min (over
  nonzero), max and sum rules each decide, and again with shootdowns off;
- lx-interrupts equals the monitor's `interrupts`: gdb stops the machine when
  arch_show_interrupts() begins and when it returns; the monitor's table is what gdb read at
  both stops on every row that did not move in between, and on the one that did (LOC: the
  timer ticks while the console prints) each count lies between gdb's two;
- $lx_per_cpu(cpu_number, c) == c for every online c, this_cpu_off == __per_cpu_offset[c],
  the selected thread's CPU by default; bad arguments give one clear line.
"""

import json
import os
import re
import subprocess
import textwrap
import time

import pytest

from carto import booted_with_gdbstub
from test_gdb import GDB_TIMEOUT, check_one_line, error_lines, gdb_argv, gdb_batch, gdb_out
from test_tlb import parse_tlb


@pytest.fixture(scope="module", params=[1, 2, 4], ids=lambda n: f"smp{n}")
def smp_vm(build, request):
    """(carto at its prompt with -smp N and a gdbstub, its port, N)."""
    n = request.param
    with booted_with_gdbstub(build, smp=n, name=f"gdb-smp{n}") as (c, port):
        yield c, port, n


def gdb_now(c, build, port, commands, tmp_path, name):
    """gdb's answers to commands, the machine stopped (HMP) meanwhile."""
    c.hmp("stop")
    try:
        got, _ = gdb_batch(build, port, commands, tmp_path, name=name)
    finally:
        c.hmp("cont")
    return got


def test_cpus_equals_monitor(smp_vm, build, tmp_path):
    c, port, n = smp_vm
    monitor = c.cmd("cpus")
    assert monitor.endswith(f"{n} of {n} CPUs online\n"), monitor
    assert len(re.findall(r"^ +\d+ +\d+  online ", monitor, re.M)) == n, monitor
    got = gdb_now(c, build, port, ["lx-cpus"], tmp_path, "cpus")
    assert gdb_out(got, "lx-cpus") == monitor


def test_tlb_equals_monitor(smp_vm, build, tmp_path):
    """
    The last CPU's shootdown cycles set by hand: sum 1000 more, min 1 (below any real round
    trip; CPUs in between keep 0, which the min skips), max 2^40 (above any).
    """
    c, port, n = smp_vm
    assert c.cmd("tlbtest 64").startswith("tlbtest: 64 pages")
    before = parse_tlb(c.cmd("tlb"))
    if n > 1:
        assert before["total"]["nr_tlb_remote_flush"] > 0, before
    last = f"$lx_per_cpu(tlb_stats, {n - 1})"
    pokes = [f"set var {last}[TLB_SHOOTDOWN_CYCLES] += 1000",
             f"set var {last}[TLB_SHOOTDOWN_CYCLES_MIN] = 1",
             f"set var {last}[TLB_SHOOTDOWN_CYCLES_MAX] = 1ULL << 40"]
    got = gdb_now(c, build, port, pokes + ["lx-tlb"], tmp_path, "tlb")
    for cmd in pokes:
        gdb_out(got, cmd)
    monitor = c.cmd("tlb")
    assert gdb_out(got, "lx-tlb") == monitor
    total = parse_tlb(monitor)["carto"]
    assert total["tlb_shootdown_cycles"] == before["carto"]["tlb_shootdown_cycles"] + 1000
    assert (total["tlb_shootdown_cycles_min"], total["tlb_shootdown_cycles_max"]) == (1, 1 << 40)
    assert list(parse_tlb(monitor)) == [f"cpu{i}" for i in range(n)] + ["total", "carto"]

    assert c.cmd("tlb shootdown off").startswith("tlb: shootdowns off")
    try:
        monitor = c.cmd("tlb")
        got = gdb_now(c, build, port, ["lx-tlb"], tmp_path, "tlb-off")
    finally:
        c.cmd("tlb shootdown on")
    assert monitor.endswith("shootdowns off\n") and gdb_out(got, "lx-tlb") == monitor


# gdb stops at arch_show_interrupts() and where it returns, reads lx-interrupts at both.
INTERRUPTS_DRIVER = textwrap.dedent('''
    import json, os
    import gdb
    gdb.execute("break arch_show_interrupts")
    open(os.environ["CARTO_GDB_READY"], "w").close()
    tables = []
    for _ in range(int(os.environ["CARTO_GDB_STOPS"])):
        gdb.execute("continue", to_string=True)
        entry = gdb.execute("lx-interrupts", to_string=True)
        gdb.execute("finish", to_string=True)
        tables.append([entry, gdb.execute("lx-interrupts", to_string=True)])
    gdb.execute("delete")
    json.dump(tables, open(os.environ["CARTO_GDB_OUT"], "w"))
''')


def between(monitor, entry, leave):
    """
    Whether the monitor's table is gdb's at both stops where they agree, and, on a row that
    moved meanwhile (a timer tick), the same row with each count between gdb's two.
    """
    rows = [t.splitlines() for t in (monitor, entry, leave)]
    if len({len(r) for r in rows}) != 1:
        return False
    for m, a, b in zip(*rows):
        if a == b:
            if m != a:
                return False
            continue
        if not len(m) == len(a) == len(b) or not len(m.split()) == len(a.split()) == len(b.split()):
            return False
        for x, lo, hi in zip(m.split(), a.split(), b.split()):
            if x.isdigit() and lo.isdigit() and hi.isdigit():
                if not int(lo) <= int(x) <= int(hi):
                    return False
            elif not x == lo == hi:
                return False
    return True


def test_interrupts_equals_monitor(smp_vm, build, tmp_path):
    """
    The monitor's `interrupts` printed while gdb holds arch_show_interrupts() between two
    stops: the timer ticks on (the console takes some milliseconds), so the rows that moved
    are checked against both of gdb's tables, every other row byte for byte.
    """
    c, port, n = smp_vm
    tries = 3
    driver, ready, out = (tmp_path / f for f in ("driver.py", "ready", "out.json"))
    driver.write_text(INTERRUPTS_DRIVER)
    env = dict(os.environ, CARTO_GDB_READY=str(ready), CARTO_GDB_OUT=str(out),
               CARTO_GDB_STOPS=str(tries))
    gdb = subprocess.Popen(gdb_argv(build, port) + ["-x", str(driver)], env=env, cwd=tmp_path,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    try:
        while not ready.exists():
            assert gdb.poll() is None, gdb.communicate()[0]
            time.sleep(0.1)
        monitor = [c.cmd("interrupts") for _ in range(tries)]
        log = gdb.communicate(timeout=GDB_TIMEOUT)[0]
    finally:
        gdb.kill()
    assert out.is_file() and "Traceback" not in log, log
    for m, (entry, leave) in zip(monitor, json.loads(out.read_text())):
        assert between(m, entry, leave), f"monitor:\n{m}\nlx-interrupts before:\n{entry}" \
                                         f"\nlx-interrupts after:\n{leave}"
        moved = [a for a, b in zip(entry.splitlines(), leave.splitlines()) if a != b]
        assert all(row.startswith("LOC:") for row in moved), moved
    assert monitor[0].splitlines()[0].split() == [f"CPU{i}" for i in range(n)], monitor[0]


def test_per_cpu(smp_vm, build, tmp_path):
    """Each online CPU's copies; without a CPU, the selected thread's (QEMU: thread c + 1)."""
    c, port, n = smp_vm
    checks = []  # (command, what gdb prints after "$N = ")
    for cpu in range(n):
        checks += [(f"p $lx_per_cpu(cpu_number, {cpu})", f"{cpu}"),
                   (f"p $lx_per_cpu(this_cpu_off, {cpu}) == __per_cpu_offset[{cpu}]", "1"),
                   (f"p $lx_per_cpu(irq_stat, {cpu}).apic_timer_irqs > 0", "1"),
                   (f"thread {cpu + 1}", None),
                   (f"p $lx_per_cpu(cpu_number) == {cpu}", "1")]
    got = gdb_now(c, build, port, [cmd for cmd, _ in checks], tmp_path, "per-cpu")
    for cmd, want in checks:
        out = gdb_out(got, cmd)
        assert want is None or out.split(" = ", 1)[1] == want + "\n", (cmd, out)


BAD_INPUT = [
    ("p $lx_per_cpu(cpu_number, {n})", "$lx_per_cpu: cpu {n} has no per-CPU area (online: "),
    ("p $lx_per_cpu(cpu_number, -1)", "$lx_per_cpu: cpu -1 has no per-CPU area"),
    ("p $lx_per_cpu(jiffies, 0)", "$lx_per_cpu: 0x"),
    ("p $lx_per_cpu(1, 0)", "$lx_per_cpu: '1' is not a variable (no address)"),
    ('p $lx_per_cpu(cpu_number, "one")', '$lx_per_cpu: CPU "one" is not a number'),
    ("p $lx_per_cpu()", "usage: $lx_per_cpu(VAR[, CPU])"),
    ("p $lx_per_cpu(cpu_number, 1, 2)", "usage: $lx_per_cpu(VAR[, CPU])"),
    ("lx-cpus 1", "usage: lx-cpus"),
    ("lx-tlb 1", "usage: lx-tlb"),
    ("lx-interrupts 1", "usage: lx-interrupts"),
]


def test_bad_input_one_line(smp_vm, build, tmp_path):
    c, port, n = smp_vm
    cases = [(cmd.format(n=n), want.format(n=n)) for cmd, want in BAD_INPUT]
    c.hmp("stop")
    try:
        got = error_lines(build, port, [cmd for cmd, _ in cases], tmp_path)
    finally:
        c.hmp("cont")
    check_one_line(got, [want for _, want in cases])
    assert "<jiffies> is not a per-CPU variable (not in .data..percpu" in got[2][1], got[2]
