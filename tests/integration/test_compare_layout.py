# SPDX-License-Identifier: GPL-2.0
"""
scripts/compare-layout: carto's layout against Linux's x86_64 mm.txt.

  - the v4.19 reference against layout.def: no difference, 4- and 5-level
  - a v4.20 table written for the test (tests/data/linux-4.20-mm-table.txt): exactly the
    direct map and LDT remap moves; --expect-diff accepts them, a wrong one does not
  - the parsers: the list format round-trips the reference, the table format (mm.txt 4.20,
    mm.rst) reads the 4.20 file, layout.def prints as the reference, bad input exits 2
    with one line
  - --svg: well-formed, one labelled rect per region, shaded from a ptdump
  - one test with a booted carto: its `layout 4`, `layout 5` and `ptdump all` captures

All but the last run in well under a second and need no QEMU.
"""

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts/compare-layout"
DATA = ROOT / "tests/data"
REF_419 = DATA / "linux-4.19-x86_64-mm-table.txt"
TABLE_420 = DATA / "linux-4.20-mm-table.txt"
PTDUMP = DATA / "carto-ptdump-all-512M.txt"
LAYOUT_DEF = ROOT / "arch/x86/include/asm/layout.def"
SVG_NS = "{http://www.w3.org/2000/svg}"

sys.path.insert(0, str(ROOT / "scripts"))

from layout import LayoutError, compare, mmtable, ptdump  # noqa: E402


def run(*args, cwd=ROOT):
    """(exit status, stdout, stderr) of the script, run by its #! line."""
    p = subprocess.run([str(SCRIPT), *map(str, args)], cwd=cwd, capture_output=True,
                       text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def unexpected(out):
    """{(level, region label, kind)} of the 'unexpected:' lines."""
    got = set()
    for line in out.splitlines():
        if line.startswith("unexpected: "):
            level, rest = line[len("unexpected: "):].split("-level ", 1)
            label, kind = rest.rsplit(": ", 1)
            got.add((int(level), label, kind))
    return got


def reference_sections(text):
    """The reference from its first table on: what `layout 4`, a blank line, `layout 5` print."""
    return text[text.index("Virtual memory map with 4 level"):].rstrip("\n") + "\n"


DIRECT = "direct mapping of all physical memory"
LDT = "LDT remap for PTI"


# ---- the reference against carto's table ----------------------------------------------------

def test_reference_against_layout_def_no_difference():
    rc, out, err = run(REF_419, LAYOUT_DEF)
    assert (rc, err) == (0, ""), out + err
    assert "4-level: 14 same, 0 differ" in out
    assert "5-level: 14 same, 0 differ" in out
    assert out.rstrip().endswith("result: 0 differences -> OK")


def test_defaults_are_the_reference_and_layout_def():
    rc, out, _ = run("-q")
    assert rc == 0
    assert "reference: tests/data/linux-4.19-x86_64-mm-table.txt" in out
    assert "carto:     arch/x86/include/asm/layout.def" in out


@pytest.mark.parametrize("levels", ["4", "5", "4,5"])
def test_reference_against_layout_def_holes_too(levels):
    """With --holes the gaps and the vaddr_end marker must agree as well."""
    rc, out, _ = run(REF_419, LAYOUT_DEF, "--holes", "--levels", levels)
    assert rc == 0, out
    for lvl in levels.split(","):
        assert f"{lvl}-level page tables" in out
    assert "differ:" not in out


# ---- the 4.20 change ----------------------------------------------------------------------------

def test_420_table_exactly_the_direct_map_and_ldt_moves():
    rc, out, err = run(TABLE_420, LAYOUT_DEF)
    assert rc == 1 and err == "", out + err
    assert unexpected(out) == {
        (4, DIRECT, "moved"), (4, LDT, "moved"),
        # 5-level: v4.20 also shrank the LDT remap from 4 PiB (ff90...) to 256 TiB (ff10...)
        (5, DIRECT, "moved"), (5, LDT, "moved"), (5, LDT, "resized")}
    assert "4-level: 12 same, 2 differ" in out and "5-level: 12 same, 2 differ" in out
    direct4 = next(l for l in out.splitlines() if l.startswith(f"  {DIRECT} "))
    assert "ffff888000000000-ffffc87fffffffff   64 TiB   ffff880000000000-ffffc7ffffffffff" \
        in direct4 and direct4.endswith("moved -512 GiB")


def test_420_table_4_level_only():
    rc, out, _ = run(TABLE_420, LAYOUT_DEF, "--levels", "4")
    assert rc == 1
    assert unexpected(out) == {(4, DIRECT, "moved"), (4, LDT, "moved")}


@pytest.mark.parametrize("flags", [
    ["--levels", "4", "--expect-diff", "direct mapping:moved", "--expect-diff", "LDT remap:moved"],
    ["--expect-diff", "direct mapping:moved", "--expect-diff", "LDT remap:moved,resized"],
    ["--expect-diff", "direct mapping:moved", "--expect-diff", "LDT remap:moved",
     "--expect-diff", "5:LDT remap:resized"],
    ["--expect-diff", "Direct Mapping:changed", "--expect-diff", "ldt:any"],
])
def test_420_table_with_the_matching_expect_diff(flags):
    rc, out, err = run(TABLE_420, LAYOUT_DEF, *flags)
    assert (rc, err) == (0, ""), out + err
    assert unexpected(out) == set()
    assert "(expected)" in out and out.rstrip().endswith("-> OK")


@pytest.mark.parametrize("flags, absent", [
    (["--expect-diff", "vmalloc:moved"], "vmalloc:moved"),
    (["--expect-diff", "direct mapping:resized"], "direct mapping:resized"),
    (["--expect-diff", "LDT remap:missing"], "LDT remap:missing"),
    (["--expect-diff", "4:espfix:moved"], "4:espfix:moved"),
])
def test_420_table_with_a_wrong_expect_diff(flags, absent):
    everything = ["--expect-diff", "direct mapping:moved", "--expect-diff", "LDT remap:changed"]
    rc, out, _ = run(TABLE_420, LAYOUT_DEF, *everything, *flags)
    assert rc == 1, out
    assert f"expected but absent: --expect-diff {absent!r}" in out
    assert unexpected(out) == set()


def test_420_table_with_one_of_two_expected():
    rc, out, _ = run(TABLE_420, LAYOUT_DEF, "--levels", "4",
                     "--expect-diff", "direct mapping:moved")
    assert rc == 1
    assert unexpected(out) == {(4, LDT, "moved")}


def test_expect_diff_without_a_difference_fails():
    rc, out, _ = run(REF_419, LAYOUT_DEF, "--expect-diff", "direct mapping:moved")
    assert rc == 1
    assert "expected but absent" in out


# ---- the parsers -------------------------------------------------------------------------------

def test_list_parser_round_trips_the_reference():
    text = REF_419.read_text()
    doc = mmtable.parse(text, "ref")
    assert doc.fmt == "list" and sorted(doc.levels) == [4, 5]
    assert mmtable.format_list(doc) == reference_sections(text)


def test_layout_def_prints_as_the_reference():
    """layout.def's rows, printed the way the monitor prints them, are the reference."""
    doc = mmtable.load(LAYOUT_DEF)
    assert doc.fmt == "def"
    assert mmtable.format_list(doc) == reference_sections(REF_419.read_text())


def test_list_parser_rows_of_the_reference():
    doc = mmtable.load(REF_419)
    rows4 = doc.levels[4]
    assert len(rows4) == 23 and len(doc.levels[5]) == 23
    by_key = {r.key: r for r in rows4 if not r.is_hole}
    assert (by_key["direct"].start, by_key["direct"].end) == (0xffff880000000000,
                                                              0xffffc7ffffffffff)
    assert by_key["text"].size == "(=512 MB) "  # the two spaces of the original survive
    fixmap = by_key["fixmap"]
    assert (fixmap.kind, fixmap.start_stated, fixmap.end) == ("FIXMAP", False,
                                                              0xffffffffff5fffff)
    marker = by_key["kaslr_end"]
    assert marker.is_marker and marker.start == 0xfffffe0000000000
    # "... unused hole ..." spans the gap between its neighbours
    after_vmemmap = rows4[rows4.index(by_key["vmemmap"]) + 1]
    assert after_vmemmap.kind == "TEXT" and after_vmemmap.is_hole
    assert (after_vmemmap.start, after_vmemmap.end) == (0xffffeb0000000000, 0xffffebffffffffff)
    # the 5-level KASAN row ends at fffffc0000000000: the next region's start, read as -1
    kasan5 = next(r for r in doc.levels[5] if r.key == "kasan")
    assert kasan5.exclusive_end and kasan5.end == 0xfffffbffffffffff


def test_table_parser_reads_the_420_file():
    doc = mmtable.load(TABLE_420)
    assert doc.fmt == "table" and sorted(doc.levels) == [4, 5]
    rows = doc.levels[4]
    by_key = {r.key: r for r in rows if not r.is_hole}
    assert by_key["direct"].start == 0xffff888000000000
    assert by_key["direct"].what == "direct mapping of all physical memory (page_offset_base)"
    assert (by_key["ldt"].start, by_key["ldt"].end) == (0xffff880000000000, 0xffff887fffffffff)
    assert by_key["ldt"].size == "0.5 TB"
    assert by_key["fixmap"].start_stated is False and by_key["fixmap"].start_text == \
        "FIXADDR_START"
    # continuation lines join the description; offset-only rows are no regions
    hole = rows[1]
    assert hole.key == "noncanonical" and hole.what.endswith("starting offset of kernel mappings.")
    assert sum(1 for r in rows if r.start == 0xffffffff80000000) == 1
    assert by_key["kaslr_end"].start == 0xfffffe0000000000
    assert len(rows) == 24 and len(doc.levels[5]) == 24
    # every named region of v4.19 has its v4.20 counterpart, whatever the wording
    ref = mmtable.load(REF_419)
    for lvl in (4, 5):
        assert {r.key for r in doc.levels[lvl] if not r.is_hole} == \
            {r.key for r in ref.levels[lvl] if not r.is_hole}


def test_table_parser_reads_rst_layout():
    """mm.rst: the same table indented in a literal block, under rst section titles."""
    lines = []
    for line in TABLE_420.read_text().splitlines():
        if line.startswith("Complete virtual memory map"):
            lines.append(line)
        elif line.startswith("="):
            lines.append("  " + line if "=" * 60 in line else line)
        else:
            lines.append("  " + line if line else line)
    text = ".. SPDX-License-Identifier: GPL-2.0\n\n=================\nMemory Management\n" \
           "=================\n\n" + "\n".join(lines).replace("\nComplete", "\n::\n\nComplete")
    rst = mmtable.parse(text, "mm.rst")
    txt = mmtable.load(TABLE_420)
    for lvl in (4, 5):
        assert [(r.key, r.start, r.end) for r in rst.levels[lvl]] == \
            [(r.key, r.start, r.end) for r in txt.levels[lvl]]


@pytest.mark.parametrize("old, new", [
    ("direct mapping of all phys. memory",
     "direct mapping of all physical memory (page_offset_base)"),
    ("vmalloc/ioremap space", "vmalloc/ioremap space (vmalloc_base)"),
    ("virtual memory map (1TB)", "virtual memory map (vmemmap_base)"),
    ("kasan shadow memory (16TB)", "KASAN shadow memory"),
    ("kernel text mapping, from phys 0", "kernel text mapping, mapped to physical address 0"),
    ("kernel-internal fixmap range", "kernel-internal fixmap range, variable size and offset"),
    ("guard hole, reserved for hypervisor", "... guard hole, also reserved for hypervisor"),
    ("user space, different per mm", "user-space virtual memory, different per mm"),
    ("hole caused by [47:63] sign extension",
     "... huge, almost 64 bits wide hole of non-canonical virtual memory addresses"),
    ("vsyscalls", "legacy vsyscall ABI"),
])
def test_aliases(old, new):
    assert mmtable.classify(old)[0] == mmtable.classify(new)[0]


def test_monitor_capture_with_prompt_crlf_and_live_table():
    """A raw capture: CRLF, the command echo, `layout` (table then live part), the prompt."""
    live = ("\nMapped now (cr3 pa=0x1067000):\n"
            f"{'region':<36}    mapped  4K pages  2M pages  1G pages  pgd slots\n"
            f"{'direct mapping of all phys. memory':<36}      512M         0       256         0"
            "  272-399 (1 present)\n"
            f"{'kernel text mapping, from phys 0':<36}      448K       112         0         0"
            "  511-511 (1 present)\n")
    four = mmtable.format_list(mmtable.load(LAYOUT_DEF), [4])
    text = ("carto> layout\n" + four + live + "carto> ").replace("\n", "\r\n")
    doc = mmtable.parse(text, "capture")
    assert doc.fmt == "list" and list(doc.levels) == [4]
    assert doc.live["direct mapping of all phys. memory"] == 512 << 20
    assert doc.live["kernel text mapping, from phys 0"] == 112 << 12


def test_monitor_capture_against_reference(tmp_path):
    cap = tmp_path / "layout4.txt"
    cap.write_text(mmtable.format_list(mmtable.load(LAYOUT_DEF), [4]))
    rc, out, _ = run(REF_419, cap)
    assert rc == 0, out
    assert "note: the 5-level table is only in the reference file: not compared" in out
    rc, _, err = run(REF_419, cap, "--levels", "5")
    assert rc == 2 and "no 5-level table" in err


def test_old_list_variants():
    """mm.txt before 4.19: sizes without '=', exclusive ends, '(=47 bits, 128 TB)'."""
    text = ("Virtual memory map with 4 level page tables:\n\n"
            "0000000000000000 - 00007fffffffffff (=47 bits, 128 TB) user space, different per mm\n"
            "hole caused by [48:63] sign extension\n"
            "ffff880000000000 - ffffc7ffffffffff (=64 TB) direct mapping of all phys. memory\n"
            "ffffffff80000000 - ffffffffa0000000 (=512 MB)  kernel text mapping, from phys 0\n"
            "ffffffffa0000000 - ffffffffff5fffff (=1525 MB) module mapping space\n"
            "ffffffffff600000 - ffffffffffdfffff (=8 MB) vsyscalls\n"
            "\nThe direct mapping covers all memory in the system up to the highest\n"
            "memory address.\n")
    rows = mmtable.parse(text, "old").levels[4]
    assert [r.key for r in rows] == ["user", "noncanonical", "direct", "text", "modules",
                                     "vsyscall"]
    assert rows[3].end == 0xffffffff9fffffff and rows[3].exclusive_end


def test_newer_table_user_space_guard_page(tmp_path):
    """Later mm.rst ends user space a page early and names that page '... guard hole'."""
    newer = tmp_path / "mm-newer.txt"
    newer.write_text(TABLE_420.read_text().replace(
        " 0000000000000000 |    0       | 00007fffffffffff |  128 TB | user-space virtual memory,"
        " different per mm\n",
        " 0000000000000000 |    0       | 00007fffffffefff | ~128 TB | user-space virtual memory,"
        " different per mm\n"
        " 00007ffffffff000 | ~128    TB | 00007fffffffffff |    4 kB | ... guard hole\n"))
    rows = mmtable.load(newer).levels[4]
    assert (rows[1].start, rows[1].is_hole) == (0x7ffffffff000, True)
    rc, out, _ = run(newer, LAYOUT_DEF, "--levels", "4", "--expect-diff", "direct mapping:moved",
                     "--expect-diff", "LDT remap:moved")
    assert rc == 1 and unexpected(out) == {(4, "user space", "resized")}


# ---- bad input -----------------------------------------------------------------------------------

BAD_LIST = REF_419.read_text().replace(
    "ffff880000000000 - ffffc7ffffffffff (=64 TB) direct",
    "ffff88000000000 - ffffc7ffffffffff (=64 TB) direct")
BAD_TABLE_COLUMNS = TABLE_420.read_text().replace(
    " ffffc90000000000 |  -55    TB | ffffe8ffffffffff |   32 TB | vmalloc",
    " ffffc90000000000 |  -55    TB | ffffe8ffffffffff    32 TB | vmalloc")
BAD_TABLE_START = TABLE_420.read_text().replace(
    " ffffea0000000000 |  -22    TB |", " ffffea000000000g |  -22    TB |")
BAD_DEF = LAYOUT_DEF.read_text().replace("LAYOUT_ROW(VMALLOC,        RANGE,",
                                         "LAYOUT_ROW(VMALLOC,        RANGES,")
BAD_SIZE = REF_419.read_text().replace("(=45 bits) vmalloc", "(=45 bits vmalloc")


BAD_INPUTS = [
    ("list-bad-address.txt", BAD_LIST, ":10: malformed row"),
    ("list-bad-size.txt", BAD_SIZE, ":12: malformed"),
    ("table-bad-columns.txt", BAD_TABLE_COLUMNS, ":33: malformed row: 3 '|' separators"),
    ("table-bad-start.txt", BAD_TABLE_START, ":35: malformed start address"),
    ("layout-bad.def", BAD_DEF, ":40: unknown kind RANGES"),
    ("empty.txt", "", "unrecognised format"),
    ("prose.txt", "The direct mapping covers all memory in the system.\n", "unrecognised format"),
    ("binary.bin", "\0\1\2ELF", "unrecognised format: binary"),
    ("live-only.txt", "Mapped now (cr3 pa=0x1067000):\nregion  mapped\n", "no addresses"),
]


@pytest.mark.parametrize("name, content, where", BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_exits_2_with_one_line(tmp_path, name, content, where):
    path = tmp_path / name
    path.write_text(content)
    for args in ((path, LAYOUT_DEF), (REF_419, path)):
        rc, out, err = run(*args)
        assert rc == 2 and out == "", (out, err)
        assert err.count("\n") == 1 and err.startswith("compare-layout: "), err
        assert f"{path}{where}" in err or where in err, err


@pytest.mark.parametrize("args, what", [
    (["/nonexistent/mm.txt"], "cannot read"),
    ([str(DATA)], "cannot read"),
    (["--expect-diff", "direct mapping"], "want [4:|5:]REGION:KIND"),
    (["--expect-diff", "direct:shifted"], "unknown kind 'shifted'"),
    (["--ptdump", str(PTDUMP)], "needs --svg"),
    (["--levels", "3"], "--levels"),
    (["a", "b", "c"], "unrecognized arguments"),
    (["--svg", "/tmp/x.svg", "--ptdump", str(REF_419)], "no ptdump lines"),
])
def test_bad_usage_exits_2_with_one_line(args, what):
    rc, out, err = run(*args)
    assert rc == 2 and out == "", (out, err)
    assert err.count("\n") == 1 and what in err, err


def test_malformed_ptdump_line(tmp_path):
    bad = tmp_path / "ptdump.txt"
    bad.write_text(PTDUMP.read_text().replace("0xffff880000000000-0xffff880020000000",
                                              "0xffff880000000000-0xffff88002000000"))
    rc, out, err = run(REF_419, LAYOUT_DEF, "--svg", tmp_path / "x.svg", "--ptdump", bad)
    assert rc == 2 and err.count("\n") == 1 and ":6: malformed ptdump line" in err, err
    assert not (tmp_path / "x.svg").exists()


def test_help_documents_the_expect_diff_scheme():
    rc, out, _ = run("--help")
    assert rc == 0
    for word in ("[LEVEL:]REGION:KIND[,KIND...]", "moved", "resized", "missing", "extra",
                 "exit status", "--svg", "--ptdump", "layout.def", "mm.rst"):
        assert word in out


# ---- the picture --------------------------------------------------------------------------------

def test_ptdump_parser():
    runs = ptdump.load(PTDUMP)
    present = [r for r in runs if r.present]
    assert present[0].start == 0xffff880000000000 and present[0].level == "pmd"
    assert present[0].region == "Low Kernel Mapping"
    assert runs[-1].end == 1 << 64  # the last run ends at 0x0000000000000000: the top
    spans = ptdump.present_in(runs, 0xffffffff80000000, 0xffffffff9fffffff)
    assert spans == [(0xffffffff81000000, 0xffffffff81070000)]  # runs merged
    with pytest.raises(LayoutError):
        ptdump.parse("0xffff8800-0x1 4K pte\n", "x")


def svg_rows(path):
    root = ET.parse(path).getroot()
    assert root.tag == SVG_NS + "svg"
    return root, [g for g in root.iter(SVG_NS + "g") if g.get("class") == "region-row"]


def test_svg_one_labelled_rect_per_region(tmp_path):
    out_svg = tmp_path / "map.svg"
    rc, out, _ = run(REF_419, LAYOUT_DEF, "--svg", out_svg, "--ptdump", PTDUMP)
    assert rc == 0 and f"picture: {out_svg}" in out
    root, groups = svg_rows(out_svg)
    doc = mmtable.load(LAYOUT_DEF)
    want = [(lvl, r) for lvl in (4, 5) for r in doc.levels[lvl] if not r.is_marker]
    assert len(groups) == len(want)
    for g, (lvl, row) in zip(groups, want):
        rects = [r for r in g.iter(SVG_NS + "rect") if "region" in r.get("class", "").split()]
        assert len(rects) == 1, ET.tostring(g)
        assert rects[0].find(SVG_NS + "title").text.startswith(row.what.strip())
        assert float(rects[0].get("width")) > 0
        labels = [t for t in g.iter(SVG_NS + "text") if t.get("class") == "label"]
        assert len(labels) == 1 and labels[0].text, ET.tostring(g)
        assert (int(g.get("data-level")), g.get("data-start")) == (lvl, f"{row.start:016x}")
        assert f"cat-{row.category}" in rects[0].get("class")


def test_svg_log_axis_and_ptdump_shading(tmp_path):
    out_svg = tmp_path / "map.svg"
    run(REF_419, LAYOUT_DEF, "--svg", out_svg, "--ptdump", PTDUMP)
    _, groups = svg_rows(out_svg)
    four = {g.get("data-key"): g for g in groups if g.get("data-level") == "4"}

    def width(key, cls):
        return [float(r.get("width")) for r in four[key].iter(SVG_NS + "rect")
                if cls in r.get("class", "").split()]
    # log axis: 4 KiB and 64 TiB both show, and the larger is the longer
    assert 0 < width("vsyscall", "region")[0] < width("direct", "region")[0]
    # the present mappings: the 512 MiB of the direct map, the kernel image's runs
    assert width("direct", "mapped") and width("text", "run")
    assert not width("vmalloc", "mapped") and not width("vmalloc", "run")
    five = [g for g in groups if g.get("data-level") == "5"]
    assert not any(r.get("class") == "run" for g in five for r in g.iter(SVG_NS + "rect"))


def test_svg_marks_the_differences(tmp_path):
    out_svg = tmp_path / "diff.svg"
    rc, _, _ = run(TABLE_420, LAYOUT_DEF, "--svg", out_svg)
    assert rc == 1
    _, groups = svg_rows(out_svg)
    status = {(g.get("data-level"), g.get("data-key")): g.get("data-status") for g in groups}
    assert status[("4", "direct")].startswith("moved")
    assert status[("5", "ldt")].startswith("moved") and "resized" in status[("5", "ldt")]
    assert status[("4", "vmalloc")] == "same"
    # a hole only the reference has is drawn too (dashed), so every row has its rect
    assert any("missing" in r.get("class", "") for g in groups for r in g.iter(SVG_NS + "rect"))


def test_compare_module_judge():
    """The verdict logic on its own: an expectation scoped to a level, a kind group."""
    ref, carto = mmtable.load(TABLE_420), mmtable.load(LAYOUT_DEF)
    pairs = {lvl: compare.compare_level(lvl, ref.levels[lvl], carto.levels[lvl])
             for lvl in (4, 5)}
    v = compare.judge(pairs, [compare.parse_expect("direct mapping:moved"),
                              compare.parse_expect("ldt:moved"),
                              compare.parse_expect("5:LDT remap:resized")])
    assert v.ok and v.differences == 5 and v.expected == 5


# ---- with a booted carto ------------------------------------------------------------------------

def test_booted_carto_layout_and_ptdump(carto, tmp_path):
    """The monitor's own `layout 4`, `layout 5` and `ptdump all`, captured from a boot."""
    cap = tmp_path / "layout.txt"
    cap.write_text(carto.cmd("layout 4") + "\n" + carto.cmd("layout 5"))
    dump = tmp_path / "ptdump.txt"
    dump.write_text(carto.cmd("ptdump all"))
    rc, out, err = run(REF_419, cap, "--holes", "--svg", tmp_path / "live.svg", "--ptdump", dump)
    assert (rc, err) == (0, ""), out + err
    _, groups = svg_rows(tmp_path / "live.svg")
    direct = next(g for g in groups if g.get("data-key") == "direct"
                  and g.get("data-level") == "4")
    assert any(r.get("class") == "run" for r in direct.iter(SVG_NS + "rect"))

