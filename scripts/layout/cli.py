# SPDX-License-Identifier: GPL-2.0
"""The command line of scripts/compare-layout."""

import argparse
import sys
from pathlib import Path

from . import LayoutError, compare, mmtable, ptdump, svg

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REF = ROOT / "tests/data/linux-4.19-x86_64-mm-table.txt"
DEFAULT_CARTO = ROOT / "arch/x86/include/asm/layout.def"
PROG = "compare-layout"

DESCRIPTION = """\
Compare carto's kernel address-space layout with Linux's x86_64 mm.txt, region by region,
for 4-level and 5-level page tables, and optionally draw it (--svg).

Both files may be in any of these formats (recognised by their contents):
  list    Linux Documentation/x86/x86_64/mm.txt 2.6-4.19 ("START - END (=SIZE) what"),
          and what carto's monitor `layout`, `layout 4`, `layout 5` and gdb's `lx-layout`
          print (a `layout live` table after it is read as what is mapped now)
  table   Linux mm.txt 4.20+ and mm.rst ("start | offset | end | size | description")
  def     carto's arch/x86/include/asm/layout.def (LAYOUT_ROW / LAYOUT5_ROW lines)
"-" reads standard input."""

EPILOG = """\
regions:
  Regions are matched by what they are, not by their wording: "direct mapping of all
  phys. memory" and "direct mapping of all physical memory (page_offset_base)" are one
  region, as are the vmalloc, vmemmap, KASAN, LDT remap, cpu_entry_area, espfix, EFI,
  kernel text, modules, fixmap and vsyscall rows of every version. Each is:
    same      the same start and end
    moved     its start address differs, by carto's start minus the reference's (the
              fixmap's start is never compared: the documents write it as
              "[fixmap start]" or FIXADDR_START)
    resized   its size differs
    missing   only in REFERENCE
    extra     only in CARTO
  Holes and the "vaddr_end for KASLR" marker are matched by address and shown, but are
  what the regions around them leave over: they count as differences only with --holes.
  An end written as the next region's start (...000, old mm.txt) is read as that - 1.

--expect-diff SPEC, SPEC = [LEVEL:]REGION:KIND[,KIND...]
  REGION   part of the region's name or of either side's description, case ignored
           ("direct mapping", "LDT remap", "vmalloc", "esp fixup")
  KIND     moved, resized, missing, extra; "changed" = moved,resized; "any" = all four
  LEVEL    4 or 5; without it the difference is expected in every level compared
  A difference is accepted when a SPEC names its region and kind; each SPEC must match a
  difference in each level it covers, else that is an error too.

picture (--svg):
  One panel per level, one row per region of CARTO in address order: a bar as long as
  the region's size on a log2 axis (4 KiB .. 16 EiB), coloured by what the region holds;
  darker over it, the bytes mapped now (--ptdump, or a `layout live` part in CARTO); at
  the right the region to linear scale with the ptdump's present runs shaded, and the
  status. A region only the reference has is drawn dashed. Open it in a browser.

exit status:
  0  no difference, or only expected ones, and every --expect-diff found
  1  an unexpected difference, or an expected one absent
  2  bad input (unreadable file, unrecognised format, malformed line) or bad usage:
     one line on standard error

examples:
  scripts/compare-layout        # tests/data's v4.19 table against layout.def
  scripts/compare-layout mm.rst arch/x86/include/asm/layout.def \\
      --expect-diff "direct mapping:moved" --expect-diff "LDT remap:moved,resized"
  scripts/compare-layout REF layout4.txt --svg map.svg --ptdump ptdump.txt
      (layout4.txt: the monitor's `layout 4` output; ptdump.txt: its `ptdump`)"""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        sys.stderr.write(f"{PROG}: error: {message} (see --help)\n")
        sys.exit(2)


def _parser():
    p = _Parser(prog=PROG, description=DESCRIPTION, epilog=EPILOG,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("reference", nargs="?", default=str(DEFAULT_REF), metavar="REFERENCE",
                   help="Linux's layout (default: tests/data/linux-4.19-x86_64-mm-table.txt)")
    p.add_argument("carto", nargs="?", default=str(DEFAULT_CARTO), metavar="CARTO",
                   help="carto's layout (default: arch/x86/include/asm/layout.def)")
    p.add_argument("--levels", default=None, metavar="4|5|4,5",
                   help="the levels to compare (default: every level both files have)")
    p.add_argument("--expect-diff", action="append", default=[], metavar="SPEC",
                   help="a known difference, accepted (repeatable; see below)")
    p.add_argument("--holes", action="store_true",
                   help="count differences of holes and markers too")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="print only the rows that differ, and the verdict")
    p.add_argument("--svg", metavar="FILE",
                   help="draw CARTO's address space (and the differences) to FILE")
    p.add_argument("--ptdump", metavar="FILE",
                   help="with --svg: shade the present mappings of this ptdump capture "
                        "(carto's `ptdump`, Linux's format)")
    p.add_argument("--ptdump-level", type=int, choices=(4, 5), default=4,
                   help="the paging level the ptdump was taken with (default: 4)")
    return p


def _levels(arg, ref, carto):
    both = sorted(set(ref.levels) & set(carto.levels))
    notes = []
    for lvl in sorted(set(ref.levels) ^ set(carto.levels)):
        where = "reference" if lvl in ref.levels else "carto"
        notes.append(f"note: the {lvl}-level table is only in the {where} file: not compared")
    if arg is None:
        if not both:
            raise LayoutError(f"{ref.name} has {_names(ref)}, {carto.name} has {_names(carto)}:"
                              " no level in common to compare")
        return both, notes
    try:
        want = sorted({int(x) for x in arg.split(",")})
    except ValueError:
        want = []
    if not want or any(lvl not in (4, 5) for lvl in want):
        raise _UsageError(f"--levels {arg!r}: want 4, 5 or 4,5")
    for lvl in want:
        for doc in (ref, carto):
            if lvl not in doc.levels:
                raise LayoutError(f"{doc.name}: no {lvl}-level table (it has {_names(doc)})")
    return want, []


def _names(doc):
    return " and ".join(f"{lvl}-level" for lvl in sorted(doc.levels)) or "no table"


class _UsageError(Exception):
    pass


def _shown(path):
    """A path as the user would write it: relative to the current directory when below it."""
    if path == "-":
        return path
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        expects = [compare.parse_expect(s) for s in args.expect_diff]
    except ValueError as e:
        parser.error(str(e))
    if args.ptdump and not args.svg:
        parser.error("--ptdump shades the picture: it needs --svg")
    try:
        ref = mmtable.load(args.reference)
        carto = mmtable.load(args.carto)
        ref.name, carto.name = _shown(args.reference), _shown(args.carto)
        runs = ptdump.load(args.ptdump) if args.ptdump else None
        levels, notes = _levels(args.levels, ref, carto)
    except _UsageError as e:
        parser.error(str(e))
    except LayoutError as e:
        sys.stderr.write(f"{PROG}: {e}\n")
        return 2

    pairs = {lvl: compare.compare_level(lvl, ref.levels[lvl], carto.levels[lvl], args.holes)
             for lvl in levels}
    verdict = compare.judge(pairs, expects)
    for line in compare.report(verdict, ref.describe(), carto.describe(), args.quiet, notes):
        print(line)
    if args.svg:
        text = svg.render(verdict, ref.name, carto.name, runs, args.ptdump_level,
                          args.ptdump and _shown(args.ptdump), carto.live)
        try:
            with open(args.svg, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as e:
            sys.stderr.write(f"{PROG}: {args.svg}: cannot write: {e.strerror or e}\n")
            return 2
        print(f"picture: {args.svg}")
    return 0 if verdict.ok else 1
