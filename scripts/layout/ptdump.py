# SPDX-License-Identifier: GPL-2.0
"""
A page-table dump in Linux's CONFIG_X86_PTDUMP format (carto's `ptdump`, gdb's `lx-ptdump`):

    ---[ Low Kernel Mapping ]---
    0xSTART...........-0xEND.............         512M     RW         PSE     GLB NX pmd
    0xSTART...........-0xEND.............         512M                               pmd

(tests/data/carto-ptdump-all-512M.txt is a real capture.)

A run is present when it has flag columns (RW or ro at least), not present when only the
level name follows the size. Ends are exclusive; 0x0000000000000000 as an end is 2^64.
"""

import re
from dataclasses import dataclass
from typing import List

from . import LayoutError
from .mmtable import ANSI_RE, _short

HEADER_RE = re.compile(r"^---\[ (.*) \]---$")
RUN_RE = re.compile(r"^0x([0-9a-fA-F]{16})-0x([0-9a-fA-F]{16})\s+(\d+)([KMGTPE]?)\s*(.*?)\s*"
                    r"\b(pgd|p4d|pud|pmd|pte)$")
LEVELS = ("pgd", "p4d", "pud", "pmd", "pte")


@dataclass
class Run:
    start: int
    end: int          # exclusive
    flags: str        # "" when not present
    level: str
    region: str       # the ---[ header ]--- above it

    @property
    def present(self):
        return bool(self.flags)


def parse(text, name="<ptdump>"):
    """The runs of a ptdump; LayoutError on a line that starts like a run but is not one."""
    runs: List[Run] = []
    region = ""
    for lineno, line in enumerate(ANSI_RE.sub("", text).replace("\r", "").split("\n"), 1):
        m = HEADER_RE.match(line.strip())
        if m:
            region = m.group(1)
            continue
        if not line.startswith("0x"):
            continue  # prompts, the W+X check line, blank lines
        m = RUN_RE.match(line.rstrip())
        if not m:
            raise LayoutError(f"{name}:{lineno}: malformed ptdump line (want "
                              f"'0xSTART-0xEND  SIZE flags level'): {_short(line)}")
        start, end = int(m.group(1), 16), int(m.group(2), 16)
        if end == 0:
            end = 1 << 64
        if end <= start:
            raise LayoutError(f"{name}:{lineno}: ptdump run ends before it starts: "
                              f"{_short(line)}")
        runs.append(Run(start, end, m.group(5).strip(), m.group(6), region))
    if not runs:
        raise LayoutError(f"{name}: unrecognised format: no ptdump lines "
                          "('0xSTART-0xEND  SIZE flags level')")
    return runs


def load(path):
    from .mmtable import read_text
    return parse(read_text(path), "<stdin>" if path == "-" else str(path))


def present_in(runs, start, end):
    """[(start, end_exclusive)] of the present runs inside [start, end] (inclusive), merged."""
    out = []
    for r in runs:
        if not r.present:
            continue
        s, e = max(r.start, start), min(r.end, end + 1)
        if s >= e:
            continue
        if out and out[-1][1] == s:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out
