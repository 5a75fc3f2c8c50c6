# SPDX-License-Identifier: GPL-2.0
"""
Read an x86_64 kernel address-space layout, whichever way it is written:

  list    Linux's Documentation/x86/x86_64/mm.txt up to v4.19, and what carto's monitor
          (`layout 4`, `layout 5`, `layout`) and gdb's `lx-layout` print:
              Virtual memory map with 4 level page tables:
              ffff880000000000 - ffffc7ffffffffff (=64 TB) direct mapping of all phys. memory
              ... unused hole ...
              [fixmap start]   - ffffffffff5fffff kernel-internal fixmap range
  table   Linux's mm.txt from v4.20 on and mm.rst: "Complete virtual memory map with
          4-level page tables" sections, rows "start | offset | end | size | description"
          between "=" and "_" rule lines
  def     carto's arch/x86/include/asm/layout.def: LAYOUT_ROW(id, kind, start, end, size,
          what, ptdump) and LAYOUT5_ROW(id, kind, start, end, size, what)

into one model: per level (4, 5) the rows in address order, each with what the document
states (start, end) and what follows from its neighbours (a hole written without
addresses spans the gap between the rows around it), and a name that does not depend on
the wording (classify()).
"""

import re
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from . import LayoutError

# Row kinds: layout.def's names.
RANGE, TEXT, FIXMAP, MARKER = "RANGE", "TEXT", "FIXMAP", "MARKER"
KINDS = (RANGE, TEXT, FIXMAP, MARKER)

TOP = (1 << 64) - 1


@dataclass
class Row:
    """One line of a layout table."""

    kind: str                    # RANGE, TEXT (hole named without addresses), FIXMAP, MARKER
    what: str                    # the description as written (table continuations joined)
    start: Optional[int] = None  # first byte: stated, or inferred from the neighbours
    end: Optional[int] = None    # last byte, inclusive
    size: str = ""               # the size column as written
    start_stated: bool = False   # the document writes this start address
    end_stated: bool = False
    start_text: str = ""         # the addresses as written (list round trip)
    end_text: str = ""
    exclusive_end: bool = False  # written as the next region's start (old mm.txt); end = that - 1
    line: int = 0                # where in the file
    ident: str = ""              # layout.def's id
    key: str = ""                # classify(): the name the comparison matches on
    label: str = ""
    category: str = ""

    @property
    def is_hole(self):
        return self.category == "hole"

    @property
    def is_marker(self):
        return self.kind == MARKER

    @property
    def bytes(self):
        if self.start is None or self.end is None:
            return None
        return self.end - self.start + 1


@dataclass
class Document:
    """A parsed layout file."""

    name: str
    fmt: str                                          # "list", "table" or "def"
    levels: Dict[int, List[Row]] = field(default_factory=dict)
    live: Dict[str, int] = field(default_factory=dict)  # `layout live`: what[:36] -> bytes mapped

    FORMATS = {
        "list": "list format: Linux mm.txt 2.6-4.19, carto's `layout`, gdb's `lx-layout`",
        "table": "table format: Linux mm.txt 4.20+, mm.rst",
        "def": "carto's layout.def",
    }

    def describe(self):
        return f"{self.name} ({self.FORMATS[self.fmt]})"


# ---- naming regions --------------------------------------------------------------------

# What a region is, whatever a version of the document calls it: the first pattern that
# matches the description (lower case) wins, so the specific ones come first.
#   key        what the comparison matches on
#   label      the name printed
#   category   the colour in the picture; "hole" rows are matched by address, not name
ALIASES = (
    ("user", "user space", "user", r"\buser[- ]space\b"),
    ("noncanonical", "non-canonical hole", "hole", r"sign extension|non-canonical"),
    ("guard", "guard hole (hypervisor)", "reserved", r"guard hole.*hypervisor|hypervisor"),
    ("ldt", "LDT remap for PTI", "cpu", r"\bldt\b"),
    ("direct", "direct mapping of all physical memory", "ram",
     r"direct mapping|page_offset_base"),
    ("vmalloc", "vmalloc/ioremap space", "vmalloc", r"vmalloc|ioremap"),
    ("vmemmap", "virtual memory map (struct pages)", "memmap",
     r"virtual memory map|vmemmap"),
    ("kasan", "KASAN shadow memory", "shadow", r"\bkasan\b"),
    ("kmsan", "KMSAN shadow memory", "shadow", r"\bkmsan\b"),
    ("cpu_entry_area", "cpu_entry_area mapping", "cpu", r"cpu_entry_area|cpu entry area"),
    ("espfix", "%esp fixup stacks", "cpu", r"%esp fixup|espfix"),
    ("efi", "EFI region mapping space", "firmware", r"\befi\b"),
    ("text", "kernel text mapping", "text", r"kernel text"),
    ("modules", "module mapping space", "modules", r"\bmodule"),
    ("fixmap", "kernel-internal fixmap range", "fixmap", r"fixmap"),
    ("vsyscall", "legacy vsyscall ABI", "vsyscall", r"vsyscall"),
    ("kaslr_end", "vaddr_end for KASLR", "marker", r"vaddr_end"),
    ("hole", "hole", "hole", r"\bhole\b"),
)
_ALIASES = [(k, l, c, re.compile(p)) for k, l, c, p in ALIASES]


def normalise(text):
    """A description reduced to its words: lower case, no parentheses, no punctuation."""
    text = re.sub(r"\([^)]*\)", " ", text.lower())
    return " ".join(re.findall(r"[a-z0-9_%]+", text))


def classify(what):
    """(key, label, category) of a description."""
    low = " ".join(what.lower().split())
    for key, label, cat, pat in _ALIASES:
        if pat.search(low):
            return key, label, cat
    words = normalise(what)
    return words or "?", words or what.strip(), "other"


# ---- sizes -------------------------------------------------------------------------------

UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")


def human(n):
    """Bytes exactly in the largest unit that writes them in under 100000 ("1520 MiB",
    "12800 TiB"), else roughly in the largest unit that keeps 1 or more ("~16 EiB")."""
    if n is None:
        return "?"
    for u in range(len(UNITS) - 1, -1, -1):
        if n % 1024 ** u == 0 and n // 1024 ** u < 100000:
            return f"{n // 1024 ** u} {UNITS[u]}"
    u = 0
    while u + 1 < len(UNITS) and n >= 1024 ** (u + 1):
        u += 1
    return f"~{n / 1024 ** u:.4g} {UNITS[u]}"


def signed_human(n):
    """A distance with its sign: "+512 GiB", "~-118.5 TiB"."""
    h = human(abs(n))
    sign = "+" if n >= 0 else "-"
    return "~" + sign + h[1:] if h.startswith("~") else sign + h


# ---- reading -------------------------------------------------------------------------------

ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
SECTION_RE = re.compile(
    r"^\s*(?:complete\s+)?virtual memory map with (\d)[- ]level page tables:?\s*$", re.I)
HEX16 = re.compile(r"^[0-9a-fA-F]{16}$")


def _short(line, n=70):
    line = line.strip()
    return repr(line if len(line) <= n else line[:n] + "...")


class _Reader:
    def __init__(self, name):
        self.name = name

    def error(self, lineno, what, line=None):
        where = f"{self.name}:{lineno}" if lineno else self.name
        tail = f": {_short(line)}" if line is not None else ""
        return LayoutError(f"{where}: {what}{tail}")


def read_text(path):
    """The file's text ("-": standard input); LayoutError when it cannot be read."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as f:
                data = f.read()
    except OSError as e:
        raise LayoutError(f"{path}: cannot read: {e.strerror or e}") from None
    if b"\0" in data:
        raise LayoutError(f"{path}: unrecognised format: binary data, not a layout table")
    return data.decode("utf-8", errors="replace")


def load(path):
    return parse(read_text(path), "<stdin>" if path == "-" else str(path))


def detect(text):
    """"def", "table", "list" or None."""
    if re.search(r"^\s*LAYOUT5?_ROW\s*\(", text, re.M):
        return "def"
    if re.search(r"^\s*Start addr\s*\|", text, re.M) or (
            re.search(r"^\s*complete\s+virtual memory map with \d[- ]level", text, re.M | re.I)
            and re.search(r"^\s*[0-9a-fA-F]{16}\s*\|.*\|.*\|.*\|", text, re.M)):
        return "table"
    if any(SECTION_RE.match(l) for l in text.splitlines()):
        return "list"
    return None


def parse(text, name="<text>"):
    """A Document from a file's text, whatever of the three formats it is in."""
    text = ANSI_RE.sub("", text).replace("\r", "")
    fmt = detect(text)
    if fmt is None:
        if re.search(r"^Mapped now \(cr3", text, re.M):
            raise LayoutError(f"{name}: only a `layout live` table, which has no addresses: "
                              "capture `layout 4` or `layout 5`")
        raise LayoutError(f"{name}: unrecognised format: no 'Virtual memory map with N level "
                          "page tables' section (mm.txt, `layout`), no mm.rst-style table, "
                          "no LAYOUT_ROW lines (layout.def)")
    doc = Document(name, fmt)
    {"list": _parse_list, "table": _parse_table, "def": _parse_def}[fmt](text, doc)
    if not doc.levels:
        raise LayoutError(f"{name}: no layout rows found")
    for lvl, rows in doc.levels.items():
        if not rows:
            raise LayoutError(f"{name}: the {lvl}-level section has no rows")
        _infer(rows)
        for r in rows:
            r.key, r.label, r.category = classify(r.what)
            if r.kind == TEXT and r.category not in ("hole", "marker"):
                r.category = "hole"  # a line without addresses names a gap
    _check_order(doc)
    return doc


def _new_section(reader, doc, lineno, level, line):
    if level not in (4, 5):
        raise reader.error(lineno, f"a {level}-level table: only 4 and 5 levels exist", line)
    if level in doc.levels:
        raise reader.error(lineno, f"a second {level}-level section", line)
    doc.levels[level] = []
    return doc.levels[level]


def _end_address(text):
    """(end, exclusive): an end written as the next start (...000) means that minus one."""
    v = int(text, 16)
    if v & 0xfff == 0 and v != 0:
        return v - 1, True
    return v, False


# -- list format ---------------------------------------------------------------------------

LIST_RANGE_RE = re.compile(
    r"^([0-9a-fA-F]{16}) - ([0-9a-fA-F]{16})(?: (\([^()]*\) *))? (\S.*)$")
LIST_FIXMAP_RE = re.compile(r"^\[fixmap start\] +- ([0-9a-fA-F]{16}) (\S.*)$")
LIST_TO_FIXMAP_RE = re.compile(   # "START - [fixmap start] (size) what" (mm.txt around 4.12)
    r"^([0-9a-fA-F]{16}) - \[fixmap start\](?: +(\([^()]*\)))? +(\S.*)$")
ADDRESS_LIKE_RE = re.compile(r"^(?:0x)?[0-9a-fA-F]{6,}(?:\s|-|$)|^\[fixmap|^[0-9a-fA-F]+\s+-\s")
PROMPT_RE = re.compile(r"^(?:carto>|\(gdb\)|>>>)(?:\s|$)")
LIVE_HEAD_RE = re.compile(r"^Mapped now \(cr3 pa=0x[0-9a-f]+\):$")
LIVE_ROW_RE = re.compile(r"^(\S.*?)\s{2,}(-|\d+[KMGTP]?)\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+-\d+"
                         r"(?: \(\d+ present\))?$")


def _parse_list(text, doc):
    reader = _Reader(doc.name)
    rows = None
    blank_before = False
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        lineno, line = i + 1, lines[i]
        i += 1
        m = SECTION_RE.match(line)
        if m:
            rows = _new_section(reader, doc, lineno, int(m.group(1)), line)
            blank_before = False
            continue
        if LIVE_HEAD_RE.match(line):
            rows = None
            i = _parse_live(lines, i, doc)
            continue
        if rows is None:
            continue
        if not line.strip():
            blank_before = True
            continue
        if PROMPT_RE.match(line):
            rows = None
            continue
        m = LIST_RANGE_RE.match(line)
        if m:
            if m.group(4).startswith("("):
                raise reader.error(lineno, "malformed size column", line)
            end, excl = _end_address(m.group(2))
            rows.append(Row(RANGE, m.group(4), int(m.group(1), 16), end, m.group(3) or "",
                            True, True, m.group(1), m.group(2), excl, lineno))
        elif LIST_FIXMAP_RE.match(line):
            m = LIST_FIXMAP_RE.match(line)
            rows.append(Row(FIXMAP, m.group(2), None, int(m.group(1), 16), "", False, True,
                            "", m.group(1), False, lineno))
        elif LIST_TO_FIXMAP_RE.match(line):
            m = LIST_TO_FIXMAP_RE.match(line)
            rows.append(Row(RANGE, m.group(3), int(m.group(1), 16), None, m.group(2) or "",
                            True, False, m.group(1), "[fixmap start]", False, lineno))
        elif ADDRESS_LIKE_RE.match(line):
            raise reader.error(lineno, "malformed row (want 'START - END (=SIZE) description', "
                               "START and END 16 hex digits)", line)
        elif line[0] in " \t":
            rows.append(Row(MARKER, line, line=lineno))
        elif re.search(r"\bhole\b", line, re.I):
            rows.append(Row(TEXT, line, line=lineno))
        elif blank_before:
            rows = None  # prose after the table ends the section
            continue
        else:
            raise reader.error(lineno, "unrecognised line in a layout table", line)
        blank_before = False


def _parse_live(lines, i, doc):
    """The `layout live` table after its heading: rows until the first line that is not one."""
    if i < len(lines) and lines[i].startswith("region"):
        i += 1
    while i < len(lines):
        m = LIVE_ROW_RE.match(lines[i])
        if not m:
            break
        n4k, n2m, n1g = (int(m.group(k)) for k in (3, 4, 5))
        doc.live[m.group(1).strip()] = (n4k << 12) + (n2m << 21) + (n1g << 30)
        i += 1
    return i


# -- table format --------------------------------------------------------------------------

IDENT_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")


def _parse_table(text, doc):
    reader = _Reader(doc.name)
    rows = None
    for lineno, line in enumerate(text.split("\n"), 1):
        m = SECTION_RE.match(line)
        if m:
            rows = _new_section(reader, doc, lineno, int(m.group(1)), line)
            continue
        if rows is None or "|" not in line:
            continue  # prose, notes, "=" rules, "::", blank lines
        fields = line.split("|")
        if all(not f.strip(" _\t") for f in fields):
            continue  # a "____|____" rule or an empty spacer row
        if len(fields) == 2:
            if fields[0].strip(" _\t"):
                raise reader.error(lineno, "malformed comment row", line)
            continue  # "   | Kernel-space virtual memory, shared between all processes:"
        if len(fields) != 5:
            raise reader.error(lineno, f"malformed row: {len(fields) - 1} '|' separators, "
                               "want 4 (start | offset | end | size | description)", line)
        start, _offset, end, size, desc = fields
        s, e, d = start.strip(), end.strip(), desc.rstrip()
        if s == "Start addr":
            continue
        if s and not (HEX16.match(s) or IDENT_RE.match(s)):
            raise reader.error(lineno, "malformed start address (want 16 hex digits)", line)
        if e and not HEX16.match(e):
            raise reader.error(lineno, "malformed end address (want 16 hex digits)", line)
        if s and e:
            endv, excl = _end_address(e)
            if HEX16.match(s):
                rows.append(Row(RANGE, d.strip(), int(s, 16), endv, size.strip(), True, True,
                                s, e, excl, lineno))
            else:  # FIXADDR_START: the start is a symbol, not an address
                rows.append(Row(FIXMAP, d.strip(), None, endv, size.strip(), False, True,
                                s, e, excl, lineno))
        elif s:
            if d.strip() or size.strip():
                raise reader.error(lineno, "malformed row: a start address without an end", line)
            # "ffffffff80000000 |-2048    MB |  |  |": an offset note, no region
        elif e:
            raise reader.error(lineno, "malformed row: an end address without a start", line)
        elif d.strip():
            if len(d) - len(d.lstrip()) >= 2 and rows and rows[-1].kind != MARKER:
                rows[-1].what += " " + d.strip()  # the description goes on
            else:
                rows.append(Row(MARKER, d.strip(), line=lineno))


# -- layout.def ----------------------------------------------------------------------------

DEF_LINE_RE = re.compile(r"^\s*(LAYOUT5?_ROW)\s*\((.*)\)\s*$")
DEF_TOKEN_RE = re.compile(r'\s*("(?:[^"\\]|\\.)*"|[A-Za-z0-9_]+)\s*(,|$)')
C_ESCAPES = {"t": "\t", "n": "\n", "\\": "\\", '"': '"', "'": "'"}


def _c_string(tok):
    return re.sub(r"\\(.)", lambda m: C_ESCAPES.get(m.group(1), m.group(1)), tok[1:-1])


def _parse_def(text, doc):
    reader = _Reader(doc.name)
    for lineno, line in enumerate(text.split("\n"), 1):
        if not re.match(r"^\s*LAYOUT5?_ROW\s*\(", line):
            continue
        m = DEF_LINE_RE.match(line)
        if not m:
            raise reader.error(lineno, "malformed row (want one LAYOUT_ROW(...) per line)", line)
        macro, args = m.group(1), m.group(2)
        toks, pos = [], 0
        while pos < len(args):
            t = DEF_TOKEN_RE.match(args, pos)
            if not t or t.end() == pos:
                raise reader.error(lineno, f"malformed {macro} arguments", line)
            toks.append(t.group(1))
            pos = t.end()
        want = 7 if macro == "LAYOUT_ROW" else 6
        if len(toks) != want:
            raise reader.error(lineno, f"{macro} takes {want} arguments, found {len(toks)}", line)
        ident, kind, start, end, size, what = toks[:6]
        if kind not in KINDS:
            raise reader.error(lineno, f"unknown kind {kind} (want {', '.join(KINDS)})", line)
        try:
            startv, endv = int(start, 0), int(end, 0)
        except ValueError:
            raise reader.error(lineno, "malformed address", line) from None
        if not all(t.startswith('"') for t in toks[4:]):
            raise reader.error(lineno, "size, what and ptdump must be C strings", line)
        level = 4 if macro == "LAYOUT_ROW" else 5
        rows = doc.levels.setdefault(level, [])
        what = _c_string(what)
        endv, excl = (endv, False) if kind == MARKER else _end_address(f"{endv:x}")
        row = Row(kind, what, startv, endv, _c_string(size), kind != FIXMAP, True,
                  f"{startv:016x}", f"{int(end, 0):016x}", excl, lineno, ident)
        rows.append(row)


# -- after parsing ---------------------------------------------------------------------------

def _addressed(row):
    return row.kind in (RANGE, FIXMAP) or (row.kind == TEXT and row.start_stated)


def _infer(rows):
    """Fill in the bounds a row does not state from the rows around it."""
    for i, r in enumerate(rows):
        prev = next((p for p in reversed(rows[:i]) if _addressed(p) and p.end is not None), None)
        nxt = next((n for n in rows[i + 1:] if _addressed(n)), None)
        after_prev = prev.end + 1 if prev is not None and prev.end < TOP else None
        before_next = nxt.start - 1 if nxt is not None and nxt.start is not None else None
        if r.kind == TEXT and not r.start_stated:
            r.start, r.end = after_prev, before_next
        elif r.kind == MARKER and not r.start_stated:
            at = nxt.start if nxt is not None and nxt.start is not None else after_prev
            r.start = r.end = at
        elif r.kind == FIXMAP and r.start is None:
            r.start = after_prev
        elif r.kind == RANGE and r.end is None:
            r.end = before_next


def _check_order(doc):
    for lvl, rows in doc.levels.items():
        last = None
        for r in rows:
            if r.start is not None and r.end is not None and r.start > r.end and not r.is_marker:
                raise LayoutError(f"{doc.name}:{r.line}: start above end: {_short(r.what)}")
            if r.kind == RANGE and r.start is not None:
                if last is not None and r.start < last:
                    raise LayoutError(f"{doc.name}:{r.line}: rows out of address order: "
                                      f"{_short(r.what)}")
                last = r.start


# ---- writing the list format ------------------------------------------------------------------

def format_row(r):
    """The row as the list format (and carto's monitor) prints it."""
    if r.kind in (TEXT, MARKER):
        return r.what
    end = r.end_text or f"{r.end:016x}"
    if r.kind == FIXMAP and not r.start_stated:
        return f"{'[fixmap start]':<16} - {end} {r.what}"
    start = r.start_text or f"{r.start:016x}"
    size = r.size
    if size and not size.startswith("("):
        size = f"(={size})"
    return f"{start} - {end} {size} {r.what}" if size else f"{start} - {end} {r.what}"


def format_list(doc, levels=None):
    """The document's tables in the list format, as `layout 4` then `layout 5` print them."""
    out = []
    for lvl in sorted(levels or doc.levels):
        body = "".join(format_row(r) + "\n" for r in doc.levels[lvl])
        out.append(f"Virtual memory map with {lvl} level page tables:\n\n{body}")
    return "\n".join(out)
