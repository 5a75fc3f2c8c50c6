#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""make bench, TLB part: invlpg against a full flush, and shootdown round trips, under TCG.

Boots build/carto.iso at -smp 1, 2, 3 and 4 (alternately, BOOTS times each) and, at the
prompt, runs the monitor's

  - `bench tlb` (at -smp 1 only: no other CPU, so no shootdown): for 1 to 512 pages of a
    scratch vmalloc area, the TSC cycles of flushing them one by one with invlpg, and of one
    full flush, each followed by reading the pages and a working set of 64 other pages again
    (the refill, and what the full flush also drops); the median of 9 rounds with
    interrupts off. Where the full flush becomes the cheaper is where
    tlb_single_page_flush_ceiling belongs on this machine;
  - `bench shootdown`: 200 flush_tlb_kernel_range() calls of one page, each timed: at -smp 1
    the local flush alone (the baseline), else the local flush and the shootdown's round
    trip to every other online CPU.

The figures are TCG's: KVM is not used (/dev/kvm on this host is a nested emulator that does
not work). Under TCG the TLB is QEMU's software TLB (a direct-mapped table per CPU, flushed
whole when CR4.PGE toggles) and each vCPU is a host thread: an idle one sleeps in hlt, and a
shootdown waits for the host to wake it. Compare the shapes (ratios, the crossover, the
growth with CPUs) with hardware, not the cycles.

Prints a report, then one summary line; `main()` returns that line (bench.py calls it).
Run alone: tests/bench/tlb_bench.py [BUILD] [--boots N]. Exits 1 if something failed to run.
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from carto import Build, Carto, CartoError  # noqa: E402

SMP = (1, 2, 3, 4)      # CPU counts booted; the first (no shootdown) is the baseline
BOOTS = 5               # boots at each count (about 1 s each)
MEM = "512M"
ACCEL = "TCG"
ACCEL_NOTE = "KVM not used: /dev/kvm on this host is a nested emulator that does not work"
CMD_TIMEOUT = 120       # s for one `bench` command
LINE_RE = re.compile(r"^bench (\w+): (.*)$", re.M)
PAIR_RE = re.compile(r"(\w+)=([\w.]+)")


def value(text):
    """A key=value pair's value: an int, a float (a ratio such as 1.21), or the word."""
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d+\.\d+", text):
        return float(text)
    return text


def bench_lines(output, name):
    """Each `bench NAME: key=value ...` line of a command's output, as a dict."""
    return [{k: value(v) for k, v in PAIR_RE.findall(pairs)}
            for bench, pairs in LINE_RE.findall(output) if bench == name]


def merged(lines):
    """One dict from several lines whose keys do not repeat (`bench shootdown`'s)."""
    out = {}
    for line in lines:
        out.update(line)
    return out


def commands(smp):
    """The monitor commands typed at -smp smp."""
    return ["bench tlb", "bench shootdown"] if smp == 1 else ["bench shootdown"]


def boot_once(build, smp):
    """Boot carto at -smp smp, run its commands; {"tlb": [lines], "shootdown": {...}}."""
    result = {}
    carto = Carto(build, mem=MEM, name=f"tlb-bench-smp{smp}", smp=smp)
    try:
        carto.start()
        carto.wait_prompt()
        for command in commands(smp):
            name = command.split()[1]
            lines = bench_lines(carto.cmd(command, timeout=CMD_TIMEOUT), name)
            if not lines:
                raise CartoError(f"-smp {smp}: `{command}` printed no `bench {name}:` line")
            result[name] = lines if name == "tlb" else merged(lines)
    finally:
        carto.close()
    return result


def crossover(points):
    """(first N from which the full flush is never dearer or None, last N where invlpg wins).

    points: (pages, invlpg cycles, full cycles), by pages; the kernel's rule.
    """
    first, below = None, 0
    for pages, invlpg, full in points:
        if full > invlpg:
            first, below = None, pages
        elif first is None:
            first = pages
    return first, below


def break_even(points, first, below):
    """The page count where the two costs meet, interpolated linearly in [below, first]."""
    at = {pages: invlpg - full for pages, invlpg, full in points}
    if first is None or below not in at:
        return None
    d1, d2 = at[below], at[first]
    return below + (first - below) * -d1 / (d2 - d1) if d2 != d1 else float(first)


def report_tlb(runs):
    """Print `bench tlb`'s table (medians over the boots) and where the full flush wins."""
    head = runs[0][0]
    by_pages = {}
    for lines in runs:
        for line in lines:
            if "pages" in line:
                by_pages.setdefault(line["pages"], []).append(line)
    ceiling = head.get("ceiling")
    print(f"`bench tlb` at -smp 1 (shootdowns: {head.get('shootdowns')}) on CPU "
          f"{head.get('cpu')}: TSC cycles to flush N pages, then read\nthem and "
          f"{head.get('other_pages')} other pages again; the median of {head.get('rounds')} "
          f"rounds per boot with interrupts off, then the\nmedian over {len(runs)} boot(s). "
          f"Full flush by {head.get('full_flush')} (PCID {head.get('pcid')}).\n")
    rows, points = [], []
    for pages in sorted(by_pages):
        lines = by_pages[pages]
        invlpg = statistics.median(line["invlpg_cycles"] for line in lines)
        full = statistics.median(line["full_cycles"] for line in lines)
        floor = statistics.median(line["no_flush_cycles"] for line in lines)
        points.append((pages, invlpg, full))
        mark = f"  <- ceiling {ceiling}" if pages == ceiling else ""
        rows.append([pages, f"{invlpg:.0f}", f"{full:.0f}", f"{invlpg / full:.2f}",
                     "invlpg" if invlpg < full else "full", f"{floor:.0f}",
                     " ".join(f"{line['invlpg_per_full']:.2f}" for line in lines) + mark])
    table(["pages", "invlpg+refill", "full+refill", "invlpg/full", "cheaper", "no flush",
           "each boot's invlpg/full"], rows)
    return report_crossover(points, ceiling, [lines[-1].get("crossover_pages") for lines in runs])


def report_crossover(points, ceiling, each):
    """Print where the full flush wins, the break-even and the slopes; (first, below, even)."""
    first, below = crossover(points)
    even = break_even(points, first, below)
    print(f"\n  invlpg is cheaper up to {below} pages; the full flush from "
          f"{first if first else '(never, up to 512)'} pages on (each boot's crossover: "
          f"{' '.join(map(str, each))})")
    if even is not None:
        place = ("below" if ceiling < even else "above") if ceiling is not None else "?"
        print(f"  break-even, interpolated: ~{even:.0f} pages; the ceiling ({ceiling}) sits "
              f"{place} it on this machine ({ACCEL})")
    (p1, i1, f1), (pn, i_n, f_n) = points[0], points[-1]
    print(f"  slopes ({p1} to {pn} pages): invlpg+refill ~{(i_n - i1) / (pn - p1):.0f} "
          f"cycles a page, refill after a full\n  flush ~{(f_n - f1) / (pn - p1):.0f}; fixed: "
          f"a full flush ~{f1 - i1:.0f} more than one invlpg. Under TCG a full flush\n"
          f"  clears QEMU's whole software TLB (a table it resizes at full flushes by recent "
          f"use, so the\n  fixed cost drifts) and every jump cache; the kernel's code and "
          f"stack refill too. no flush: the\n  same reads with nothing flushed, the floor "
          f"under both.")
    return first, below, even


def report_shootdown(runs):
    """Print the round-trip table against CPU count; return {smp: (median ns, avg ns)}."""
    print(f"\n`bench shootdown`: {runs[SMP[0]][0].get('calls')} flush_tlb_kernel_range() "
          f"calls of one page per boot, each timed\nwith interrupts off: the local invlpg "
          f"and, with other CPUs online, the shootdown and its\nacknowledgements. Over the "
          f"boots: the min of the minima, median of the medians, mean of the\naverages, "
          f"max of the maxima. round trip: the sender's counters (tlb_shootdown_cycles /\n"
          f"nr_tlb_remote_flush), the shootdown alone.\n")
    rows, figures = [], {}
    base = None
    for smp in SMP:
        rs = runs[smp]
        if not rs:
            rows.append([smp, *["-"] * 9])
            continue
        median_c = statistics.median(r["cycles_median"] for r in rs)
        median_ns = statistics.median(r["ns_median"] for r in rs)
        avg_ns = statistics.mean(r["ns_avg"] for r in rs)
        trip = statistics.mean(r["roundtrip_ns_avg"] for r in rs)
        sent = sum(r["shootdowns"] for r in rs) / sum(r["calls"] for r in rs)
        cpus = sorted({r["cpus"] for r in rs})
        base = base or median_c
        rows.append([smp if cpus == [smp] else f"{smp} (online {cpus})", f"{sent:.2f}",
                     min(r["cycles_min"] for r in rs), f"{median_c:.0f}",
                     max(r["cycles_max"] for r in rs), f"{median_ns / 1000:.1f}",
                     f"{avg_ns / 1000:.1f}", f"{trip / 1000:.1f}" if trip else "-",
                     f"{median_c / base:.0f}x",
                     " ".join(f"{r['ns_median'] / 1000:.1f}" for r in rs)])
        figures[smp] = (median_ns, avg_ns)
    table(["CPUs", "sent/call", "min cyc", "median cyc", "max cyc", "median us", "avg us",
           "round trip us", "vs 1", "each boot's median us"], rows)
    print(f"\n  -smp 1: no other CPU, no shootdown: the local flush alone. Each vCPU is a host "
          f"thread\n  (MTTCG): an idle one sleeps in hlt until the IPI wakes it. This host "
          f"has {os.cpu_count()} CPUs, load\n  average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())} (other QEMUs add noise, mostly "
          f"to the max).")
    return figures


def table(headers, rows, indent=2):
    """Print rows as an aligned table, the last column left-aligned (free text)."""
    cells = [list(map(str, headers))] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        line = [c.ljust(w) if i == len(row) - 1 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths))]
        print(" " * indent + "  ".join(line).rstrip())
        if n == 0:
            print(" " * indent + "  ".join("-" * w for w in widths))


def main(build_dir=None, boots=BOOTS):
    """Boot, measure, print the report; return the summary line (RuntimeError on failure)."""
    build = Build(Path(build_dir or os.environ.get("CARTO_BUILD", ROOT / "build")).resolve())
    if not build.iso.is_file():
        raise RuntimeError(f"{build.iso} is missing: run make first")
    print(f"  {ACCEL} ({ACCEL_NOTE});\n  -m {MEM}, -cpu max, -smp "
          f"{', '.join(map(str, SMP))}, {boots} boot(s) each, alternately\n")
    start = time.monotonic()
    tlb, shootdown = [], {smp: [] for smp in SMP}
    for _ in range(boots):
        for smp in SMP:
            try:
                got = boot_once(build, smp)
            except CartoError as err:
                raise RuntimeError(f"-smp {smp}: {str(err).splitlines()[0]}") from None
            tlb += [got["tlb"]] if "tlb" in got else []
            shootdown[smp].append(got["shootdown"])
    first, below, even = report_tlb(tlb)
    trips = report_shootdown(shootdown)
    print(f"\n  {sum(map(len, shootdown.values()))} boots in {time.monotonic() - start:.0f} s")
    cross = (f"full flush cheaper from {first} pages" if first else "invlpg cheaper up to 512")
    even = f", break-even ~{even:.0f}" if even is not None else ""
    smps = "/".join(map(str, trips))
    trip = "/".join(f"{ns / 1000:.1f}" for ns, _ in trips.values())
    line = (f"{ACCEL}: invlpg cheaper up to {below} pages, {cross}{even} "
            f"(ceiling {tlb[0][0].get('ceiling')}); one-page flush, median us at -smp {smps}: "
            f"{trip}")
    print(f"\n  summary: {line}")
    return line


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", nargs="?", help="build directory (default $CARTO_BUILD, "
                        "else build/)")
    parser.add_argument("--boots", type=int, default=BOOTS, help=f"boots per CPU count "
                        f"({BOOTS})")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    try:
        main(args.build, args.boots)
    except (RuntimeError, OSError) as err:
        print(f"  FAILED: {err}")
        sys.exit(1)
