#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""make bench, GDB part: lx-ptdump of the whole kernel half under gdb, carto at -m 16G.

Boots build/carto.iso with QEMU's gdbstub, waits for the prompt, takes the monitor's
`ptdump kernel` (the reference output), pauses the VM and runs gdb in batch mode
(build/vmlinux, its vmlinux-gdb.py auto-loaded):

  - lx-ptdump RUNS times, each with the helpers' memory cache dropped (every table page read
    again from QEMU), timed inside gdb; its output must equal the monitor's;
  - the gdbstub reads each run makes, counted by the helpers' read layer (scripts/gdb/carto
    utils.read_stats): page-table pages read physically, kernel pages read virtually (the
    layout markers, the entry-flag table and their strings), and the page-table pages the
    walk met, so that reads per table page can be checked;
  - once more with `set debug remote 1`, to count the 'm' packets gdb actually sends (QEMU
    answers at most 2048 bytes per 'm', so a 4 KiB page costs two packets).

Beside pwndbg's published figure for a full page-table scan (< 0.09 s; pwndbg reads QEMU's
/proc/PID/mem directly, not through the gdbstub). Prints a report, then one summary line;
`main()` returns that line (bench.py calls it). Exits 1 if something failed to run.
"""

import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from carto import Build, Carto  # noqa: E402

MEM = "16G"
RUNS = 10
PWNDBG_FULL_SCAN_S = 0.09   # pwndbg's published figure for a full scan (an upper bound)
GDB_TIMEOUT = 600

DRIVER = r'''
import json, os, time
import gdb
from carto import utils

runs = int(os.environ["GDB_BENCH_RUNS"])
result = {"times": [], "stats": [], "tables": []}
for i in range(runs):
    utils.cache.drop_memory()          # every page read again from QEMU
    utils.read_stats(reset=True)
    t0 = time.perf_counter()
    out = gdb.execute("lx-ptdump", to_string=True)
    result["times"].append(time.perf_counter() - t0)
    result["stats"].append(utils.read_stats())
    result["tables"].append(sum(1 for k, v in utils.cache.memo.items()
                                if isinstance(k, tuple) and k[0] == "table"))
result["output"] = out
json.dump(result, open(os.environ["GDB_BENCH_OUT"], "w"))
'''


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gdb_argv(build, port):
    return ["gdb", "-batch", "-nx", "-iex", f"add-auto-load-safe-path {build.dir.resolve()}",
            str(build.vmlinux), "-ex", f"target remote 127.0.0.1:{port}"]


def measure(build, port, tmp):
    """The timed runs (dict from DRIVER), and the gdb process's own wall time."""
    driver, out = tmp / "driver.py", tmp / "out.json"
    driver.write_text(DRIVER)
    env = dict(os.environ, GDB_BENCH_RUNS=str(RUNS), GDB_BENCH_OUT=str(out))
    t0 = time.monotonic()
    r = subprocess.run(gdb_argv(build, port) + ["-x", str(driver)], capture_output=True,
                       text=True, timeout=GDB_TIMEOUT, env=env, stdin=subprocess.DEVNULL)
    wall = time.monotonic() - t0
    if not out.is_file():
        raise RuntimeError(f"gdb failed:\n{r.stdout}{r.stderr}")
    return json.loads(out.read_text()), wall


def count_packets(build, port):
    """The 'm' (memory read) packets gdb sends for one lx-ptdump, its own reads included."""
    r = subprocess.run(gdb_argv(build, port) + ["-ex", "set debug remote 1", "-ex", "lx-ptdump"],
                       capture_output=True, text=True, timeout=GDB_TIMEOUT,
                       stdin=subprocess.DEVNULL)
    return len(re.findall(r"Sending packet: \$m", r.stderr))


def main(build_dir=None):
    build = Build(Path(build_dir or os.environ.get("CARTO_BUILD") or ROOT / "build").resolve())
    if not (build.dir / "vmlinux-gdb.py").is_file() or not build.iso.is_file():
        raise RuntimeError(f"{build.dir}: carto.iso or vmlinux-gdb.py missing: run make first")
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp, \
            Carto(build, mem=MEM, name="gdb-bench",
                  extra_args=["-gdb", f"tcp:127.0.0.1:{port}"]) as c:
        c.wait_prompt()
        reference = c.cmd("ptdump kernel")
        c.hmp("stop")
        result, wall = measure(build, port, Path(tmp))
        packets = count_packets(build, port)
    times = result["times"]
    stats, tables = result["stats"][-1], result["tables"][-1]
    same = result["output"] == reference
    med = statistics.median(times)
    print(f"  carto -m {MEM}, gdb {RUNS} x lx-ptdump (kernel half), memory cache dropped "
          f"before each run:\n")
    rows = [("wall time in gdb (s)", f"{med:.3f} median, {min(times):.3f} min, "
             f"{max(times):.3f} max"),
            ("gdb process, start to exit (s)", f"{wall:.2f} (symbols, connection, "
             f"{RUNS} runs)"),
            ("gdbstub reads per run", f"{stats['reads']}: {stats['phys_reads']} page-table "
             f"pages (physical), {stats['virt_reads']} kernel pages (markers, pte_bits[], "
             f"strings)"),
            ("page-table pages the walk met", f"{tables}: {stats['phys_reads'] / tables:.2f} "
             f"reads per table page"),
            ("bytes read per run", f"{stats['bytes']}"),
            ("'m' packets gdb sent (one run)", f"{packets} (QEMU answers <= 2048 bytes per "
             f"'m'); {stats['mode_switches']} PhyMemMode switches (maint packet)"),
            ("output equals the monitor's", "yes" if same else "NO"),
            ("pwndbg, published, full scan", f"< {PWNDBG_FULL_SCAN_S} s (reads QEMU's "
             f"/proc/PID/mem, not the gdbstub)")]
    width = max(len(r[0]) for r in rows)
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}")
    verdict = "under" if med < PWNDBG_FULL_SCAN_S else "over"
    line = (f"{med:.3f} s median, {stats['reads']} gdbstub reads ({stats['phys_reads']} for "
            f"{tables} table pages), {packets} 'm' packets; {verdict} pwndbg's < "
            f"{PWNDBG_FULL_SCAN_S} s" + ("" if same else "; OUTPUT DIFFERS FROM THE MONITOR"))
    print(f"\n  summary: {line}")
    if not same:
        raise RuntimeError("lx-ptdump's output differs from the monitor's ptdump")
    return line


if __name__ == "__main__":
    try:
        main(sys.argv[1] if len(sys.argv) > 1 else None)
    except (RuntimeError, OSError, subprocess.SubprocessError) as err:
        print(f"  FAILED: {err}")
        sys.exit(1)
