# SPDX-License-Identifier: GPL-2.0
"""
Documentation/ against the code and a real boot.

- Documentation/x86/x86_64/mm.rst: its layout table is what scripts/gen-mm-rst makes from
  arch/x86/include/asm/layout.def now (an edited .def without `make docs` fails here).
- Documentation/monitor.rst: every command `help` lists has a section whose usage line is the
  table's, and the other way round; every example (a literal block of `carto> COMMAND` lines,
  each followed by its output) is typed, in the document's order, into one carto booted with
  the command line the `cmdline` example shows, and what comes back must have the example's
  line shapes: numbers and addresses may differ, other text is exact (see shape()), and an
  example line `...` stands for any number of lines. `reboot` must boot carto again,
  `poweroff` end QEMU.
- Documentation/gdb.rst: every command and function scripts/gdb registers is documented.
- Every .rst parses without a warning (when docutils is installed).

To refresh monitor.rst's examples from a real boot after a change of output (then read the
prose around them again):

    python3 tests/integration/test_docs.py --update [--build build]
"""

import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from carto import BOOT_TIMEOUT, ROOT, Build, Carto, CartoError, make_iso  # noqa: E402

DOC = ROOT / "Documentation"
MONITOR_RST = DOC / "monitor.rst"
GDB_RST = DOC / "gdb.rst"
GEN_MM_RST = ROOT / "scripts" / "gen-mm-rst"
LAYOUT_DEF = ROOT / "arch" / "x86" / "include" / "asm" / "layout.def"
GDB_SCRIPTS = ROOT / "scripts" / "gdb"
PROMPT = "carto> "
ELLIPSIS = "..."
EXIT_TIMEOUT = 60

# ---------------------------------------------------------------------------------------------
# monitor.rst, read


@dataclass
class Example:
    """One `carto> COMMAND` of monitor.rst and the output lines shown under it."""
    command: str
    lines: list
    lineno: int      # of the `carto> ` line, from 1
    section: str

    def __str__(self):
        return f"`{self.command}` (monitor.rst:{self.lineno})"


@dataclass
class MonitorDoc:
    usage: dict = field(default_factory=dict)     # command -> the usage its section gives
    examples: list = field(default_factory=list)  # Example, in the document's order


TITLE_RULE = re.compile(r"^(-{1,}|={3,})$")
USAGE_RE = re.compile(r"^:Usage: ``(.+)``$")


def literal_blocks(lines):
    """(line number of the first line, lines) of each tab-indented block after `::`."""
    i = 0
    while i < len(lines):
        if not lines[i].rstrip().endswith("::") or lines[i].lstrip().startswith(".."):
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        start, block = j, []
        while j < len(lines) and (lines[j].startswith("\t") or not lines[j].strip()):
            block.append(lines[j][1:] if lines[j].startswith("\t") else "")
            j += 1
        while block and not block[-1].strip():
            block.pop()
        if block:
            yield start + 1, block
        i = max(j, i + 1)


def read_monitor_doc(text):
    """The command sections (title: the command's name) and the examples of monitor.rst."""
    doc = MonitorDoc()
    lines = text.splitlines()
    section, titles = None, {}
    for n, line in enumerate(lines[:-1]):
        if line.strip() and TITLE_RULE.match(lines[n + 1]) and len(lines[n + 1]) == len(line):
            section = line.strip()
            titles[n + 1] = section
        if (m := USAGE_RE.match(line)) and section:
            doc.usage[section] = m.group(1)
    for lineno, block in literal_blocks(lines):
        if not block[0].startswith(PROMPT):
            continue
        owner = titles[max(k for k in titles if k <= lineno)] if titles else ""
        for k, line in enumerate(block):
            if line.startswith(PROMPT):
                doc.examples.append(Example(line[len(PROMPT):], [], lineno + k, owner))
            else:
                doc.examples[-1].lines.append(line.rstrip())
    for ex in doc.examples:
        while ex.lines and not ex.lines[-1]:
            ex.lines.pop()
    return doc


MONITOR = read_monitor_doc(MONITOR_RST.read_text()) if MONITOR_RST.exists() else MonitorDoc()


def doc_cmdline():
    """The kernel command line of the boot the examples come from: the `cmdline` example's."""
    for ex in MONITOR.examples:
        if ex.command == "cmdline":
            return ex.lines[0] if ex.lines else ""
    return ""


# ---------------------------------------------------------------------------------------------
# Line shapes

TIMESTAMP = r"(?:\[ *\d+\.\d{6}\] )"

# Lines whose text comes from the host (QEMU's CPU model, GRUB's version, the compiler, the
# git tree, code bytes), not from carto's format: (recognizer, shape). The recognizer is
# matched against the example line; the shape is what the output line must match.
HOST_TEXT = [
    (r"^" + TIMESTAMP + r"?carto version ",
     TIMESTAMP + r"?carto version \S+ \(\S+\) \(.+\) #\d+ SMP"),
    (r"^" + TIMESTAMP + r"?multiboot2: info at ",
     TIMESTAMP + r"?multiboot2: info at pa=0x[0-9a-f]+, \d+ bytes, loader '[^']*'"),
    (r"^" + TIMESTAMP + r"?tsc: Detected ",
     TIMESTAMP + r"?tsc: Detected \d+\.\d{3} MHz processor \(calibrated by [^)]+\)"),
    (r"^" + TIMESTAMP + r"?Code: ", TIMESTAMP + r"?Code: (?:<?[0-9a-f]{2}>? ?)+"),
    (r"^vendor_id\t: ", r"vendor_id\t: \S+"),
    (r"^model name\t: ", r"model name\t: .+"),
    (r"^flags\t\t:", r"flags\t\t:(?: \S+)*"),
]

# A line of `x`: address, bytes (their number kept: COUNT decides it), the ASCII column.
HEXDUMP_LINE = re.compile(r"^[0-9a-f]{16}: ((?:[0-9a-f]{2} )+)( *) (.*)$")

TOKEN = re.compile(r"""
    (?P<hex0x>0x(?P<hexdigits>[0-9a-fA-F]+))
  | (?P<bare>(?<![\w.])(?=[0-9a-f]*[0-9])[0-9a-f]{16}(?![\w.])
           |(?<![\w.])(?=[0-9a-f]*[0-9])(?=0|[0-9]*[a-f])[0-9a-f]{8}(?![\w.]))
  | (?P<dec>(?<![\w.])\d+(?:\.\d+)?)
  | (?P<lead>^\ +(?=\d))
  | (?P<run>\ {2,})
""", re.X)


def shape(line):
    """
    The regex an output line must match to have the example line's shape: numbers (decimal,
    0x-hex, and the bare 8- and 16-digit hex words of registers and addresses) may be any
    number of the same kind, a width of 8 or 16 hex digits stays; runs of spaces (column
    padding) may be any length; everything else is exact. Host-dependent lines: HOST_TEXT.
    """
    for recognizer, host_shape in HOST_TEXT:
        if re.match(recognizer, line):
            return host_shape
    if (m := HEXDUMP_LINE.match(line)):
        n = len(m.group(1)) // 3
        return rf"[0-9a-f]{{16}}: (?:[0-9a-f]{{2}} ){{{n}}}{m.group(2)} .{{{n}}}"
    out, pos = [], 0
    for m in TOKEN.finditer(line):
        out.append(re.escape(line[pos:m.start()]))
        if m.group("hex0x"):
            digits = m.group("hexdigits")
            width = f"{{{len(digits)}}}" if len(digits) in (8, 16) else "+"
            out.append(f"0x[0-9a-f]{width}")
        elif m.group("bare"):
            out.append(f"[0-9a-f]{{{len(m.group('bare'))}}}")
        elif m.group("dec"):
            out.append(r"\d+\.\d+" if "." in m.group("dec") else r"\d+")
        elif m.group("lead"):
            out.append(" *")
        else:
            out.append(" +")
        pos = m.end()
    out.append(re.escape(line[pos:]))
    return "".join(out)


def example_regex(lines):
    """The regex of a whole output: each line's shape; `...` any lines (perhaps none)."""
    return re.compile("".join(r"(?:[^\n]*\n)*?" if line == ELLIPSIS else shape(line) + r"\n"
                              for line in lines))


def normalise(output):
    """Output as compared: trailing blanks and trailing empty lines removed, one \\n a line."""
    lines = [l.rstrip() for l in output.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "".join(l + "\n" for l in lines)


def mismatch(example, actual):
    """None if actual (normalised) has the example's shape, else a message saying where."""
    if example_regex(example.lines).fullmatch(actual):
        return None
    got = actual.splitlines()
    where = f"{len(example.lines)} example lines, {len(got)} output lines\n"
    for i, (want, line) in enumerate(zip(example.lines, got)):
        if want == ELLIPSIS:
            break
        if not re.fullmatch(shape(want), line):
            where = (f"first difference at output line {i + 1}:\n  example: {want!r}\n"
                     f"  shape:   {shape(want)}\n  got:     {line!r}\n")
            break
    return (f"{example}: the output does not have the example's shape\n{where}"
            f"whole output:\n{actual}")


# ---------------------------------------------------------------------------------------------
# Running the examples on a real boot


def capture(build, iso):
    """
    Boot carto (reboot enabled), run `help`, then every example in the document's order.
    Returns (help output, {example index: normalised output}).
    """
    c = Carto(build, iso=iso, no_reboot=False, name="docs").start()
    outputs = {}
    try:
        c.wait_prompt()
        help_text = c.cmd("help")
        for i, ex in enumerate(MONITOR.examples):
            if ex.command == "reboot":
                outputs[i] = run_reboot(c)
            elif ex.command == "poweroff":
                outputs[i] = run_poweroff(c)
                break
            else:
                outputs[i] = normalise(c.cmd(ex.command))
    finally:
        c.close()
    return help_text, outputs


def run_reboot(c):
    """`reboot`: what it prints before the firmware takes over; then carto must boot again."""
    c.send("reboot\r")
    c.expect_exact("reboot\r\n")
    before = c.expect_exact("carto: boot stub at", timeout=BOOT_TIMEOUT)
    c.wait_prompt()
    return normalise(before.split("\x1b")[0].split("  Booting `carto'")[0])


def run_poweroff(c):
    """`poweroff`: what it prints; then QEMU must exit (0: ACPI S5, 1: isa-debug-exit)."""
    c.send("poweroff\r")
    c.expect_exact("poweroff\r\n")
    status = c.wait_exit(EXIT_TIMEOUT)
    if status not in (0, 1):
        raise CartoError(f"QEMU did not end after poweroff: {status}")
    return normalise(c.drain(quiet=0.2))


@pytest.fixture(scope="module")
def docs_run(build, variant_iso):
    if not MONITOR.examples:
        pytest.fail(f"{MONITOR_RST} has no examples", pytrace=False)
    return capture(build, variant_iso(cmdline=doc_cmdline()))


def help_usages(help_text):
    """{command: usage} from `help`: the usage column, two spaces, the description."""
    usages = {}
    for line in help_text.splitlines():
        if line.strip():
            usage = re.split(r" {2,}", line.strip(), maxsplit=1)[0]
            usages[usage.split()[0]] = usage
    return usages


# ---------------------------------------------------------------------------------------------
# mm.rst


def gen_mm_rst(*args):
    return subprocess.run([sys.executable, str(GEN_MM_RST), *args], capture_output=True,
                          text=True)


def test_mm_rst_table_is_generated_from_layout_def():
    r = gen_mm_rst("--check")
    assert r.returncode == 0, f"{r.stdout}{r.stderr}"


def test_mm_rst_check_sees_an_edited_layout_def(tmp_path):
    """The same check against a .def with the vmalloc row moved must fail and show it."""
    edited = tmp_path / "layout.def"
    text = LAYOUT_DEF.read_text()
    row = re.search(r"^LAYOUT_ROW\(VMALLOC,.*$", text, re.M).group(0)
    edited.write_text(text.replace(row, row.replace("0xffffc90000000000", "0xffffca0000000000")))
    r = gen_mm_rst("--check", "--def", str(edited))
    assert r.returncode == 1, f"{r.stdout}{r.stderr}"
    assert "+   ffffca0000000000 |" in r.stdout


def test_mm_rst_table_has_every_row():
    """Each LAYOUT_ROW's description is a row of the table, in the .def's order."""
    table = gen_mm_rst("--table").stdout
    whats = [m.group(1).replace("\\t", "").strip() for m in
             re.finditer(r'^LAYOUT_ROW\((?:[^,"]*,){4}\s*"[^"]*",\s*"((?:[^"\\]|\\.)*)"',
                         LAYOUT_DEF.read_text(), re.M)]
    rows = [m.group(1) for m in
            re.finditer(r"^  (?: [0-9a-f]{16} | {18})\|.*\| ([^|]+)$", table, re.M)]
    assert len(whats) > 20 and rows == whats


# ---------------------------------------------------------------------------------------------
# monitor.rst


def test_monitor_rst_documents_every_command_and_no_other(docs_run):
    help_text, _ = docs_run
    listed, documented = set(help_usages(help_text)), set(MONITOR.usage)
    assert listed - documented == set(), "in `help`, not in monitor.rst"
    assert documented - listed == set(), "in monitor.rst, not in `help`"


def test_monitor_rst_usage_lines_are_the_tables(docs_run):
    help_text, _ = docs_run
    usages = help_usages(help_text)
    for name, usage in MONITOR.usage.items():
        assert usage == usages.get(name), f"{name}: monitor.rst says {usage!r}"


def test_every_documented_command_has_an_example():
    with_example = {ex.command.split()[0] for ex in MONITOR.examples}
    assert set(MONITOR.usage) - with_example == set()


def test_examples_sit_in_their_commands_section():
    for ex in MONITOR.examples:
        assert ex.command.split()[0] == ex.section or ex.section not in MONITOR.usage, str(ex)


@pytest.mark.parametrize("index", range(len(MONITOR.examples)),
                         ids=[ex.command for ex in MONITOR.examples])
def test_example_output_has_the_documented_shape(docs_run, index):
    _, outputs = docs_run
    ex = MONITOR.examples[index]
    assert index in outputs, f"{ex}: not run (an earlier example ended the session)"
    problem = mismatch(ex, outputs[index])
    assert problem is None, problem


def test_shape_rules():
    """The rules themselves: numbers vary, words do not, 8- and 16-digit hex widths stay."""
    def same(example, line):
        return re.fullmatch(shape(example), line) is not None

    assert same("pa 0x0000000001000000 -> 0xffff880001000000 (direct)",
                "pa 0x0000000002000000 -> 0xffff880002000000 (direct)")
    assert not same("pa 0x0000000001000000 (direct)", "pa 0x2000000 (direct)")
    assert not same("0x1000 (4 KiB page, vmalloc)", "0x1000 (4 KiB page, modules)")
    assert same("Node 0, zone      DMA      1      2", "Node 0, zone      DMA     12    100")
    assert same("[    0.010106] x86/mm: CR4 PGE", "[   12.000001] x86/mm: CR4 PGE")
    assert not same("ok 1 x86_layout", "ok 1 x86_pgtable")
    assert same("RAX: 0000000000000000 EFLAGS: 00000246", "RAX: ffffc90000001000 EFLAGS: 00010282")
    assert same("   3: 0x000000001f600000..0x000000001fdfffff memblock",
                "  12: 0x000000001f400000..0x000000001fdfffff memblock")
    assert same("ffffffff81017000: 63 61 72  carto", "ffffffff81018040: 41 42 43  ABC")
    assert not same("ffffffff81017000: 63 61 72  carto", "ffffffff81018040: 41 42  AB")
    assert example_regex(["a 1", ELLIPSIS, "z 2"]).fullmatch("a 5\nb\nc\nz 6\n")
    assert example_regex(["a 1", ELLIPSIS, "z 2"]).fullmatch("a 5\nz 6\n")
    assert not example_regex(["a 1", "z 2"]).fullmatch("a 5\nb\nz 6\n")


# ---------------------------------------------------------------------------------------------
# gdb.rst and the rst files themselves


def gdb_names():
    """The commands, aliases and convenience functions scripts/gdb registers (gdb.Command and
    gdb.Function subclasses name themselves in super().__init__; aliases by `alias`)."""
    names = set()
    for py in sorted(GDB_SCRIPTS.glob("**/*.py")):
        text = py.read_text()
        names.update(re.findall(r"super\(\)\.__init__\(\s*[\"']([\w-]+)[\"']", text))
        names.update(re.findall(r"[\"']alias ([\w-]+) =", text))
    return names


@pytest.mark.skipif(not GDB_SCRIPTS.is_dir(), reason="scripts/gdb is not there yet")
def test_gdb_rst_documents_every_helper():
    names = gdb_names()
    assert names, f"no gdb.Command or gdb.Function registered under {GDB_SCRIPTS}"
    text = GDB_RST.read_text()
    for name in sorted(names):
        shown = name if "-" in name else f"${name}"
        assert f"``{shown}" in text, f"{shown} is not in {GDB_RST.name}"


def test_rst_files_parse_cleanly():
    core = pytest.importorskip("docutils.core")
    utils = pytest.importorskip("docutils.utils")
    for rst in sorted(DOC.glob("**/*.rst")):
        try:
            core.publish_doctree(rst.read_text(), source_path=str(rst),
                                 settings_overrides={"report_level": 2, "halt_level": 2,
                                                     "warning_stream": False})
        except utils.SystemMessage as err:
            pytest.fail(f"{rst.relative_to(ROOT)}: {err}")


# ---------------------------------------------------------------------------------------------
# --update: the examples rewritten from a real boot


def update(build_dir):
    """Rewrite each example's output in monitor.rst with what a real boot prints now."""
    build = Build(Path(build_dir).resolve())
    with tempfile.TemporaryDirectory(prefix="carto-docs-") as tmp:
        _, outputs = capture(build, make_iso(build.vmlinuz, doc_cmdline(), tmp))
    lines = MONITOR_RST.read_text().split("\n")
    for i, ex in reversed(list(enumerate(MONITOR.examples))):
        got = outputs.get(i, "").splitlines()
        if ELLIPSIS in ex.lines:
            head = ex.lines.index(ELLIPSIS)
            tail = len(ex.lines) - head - 1
            if len(got) > head + tail:
                got = got[:head] + [ELLIPSIS] + (got[len(got) - tail:] if tail else [])
        lines[ex.lineno:ex.lineno + len(ex.lines)] = ["\t" + l if l else "" for l in got]
    MONITOR_RST.write_text("\n".join(lines))
    print(f"{MONITOR_RST}: {len(outputs)} examples rewritten from a boot of {build.vmlinuz}")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="refresh monitor.rst's examples")
    parser.add_argument("--update", action="store_true", required=True)
    parser.add_argument("--build", default=str(ROOT / "build"))
    update(parser.parse_args().build)
