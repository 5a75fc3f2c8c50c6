# SPDX-License-Identifier: GPL-2.0
"""
Two layouts side by side, region by region.

Named regions are matched by what they are (mmtable.classify), so "direct mapping of all
phys. memory" (v4.19) and "direct mapping of all physical memory (page_offset_base)" (v4.20)
are one region; each pair is then the same, moved (its start differs), resized (its size
differs), both, missing (only in the reference) or extra (only in carto). Only the
addresses a document states are compared: the fixmap's start, which the documents give as
"[fixmap start]" or FIXADDR_START, is not.

Holes and markers (vaddr_end for KASLR) are matched by address: they are what the regions
around them leave over, so a moved region moves a hole too. They are shown, and counted as
differences only when asked (holes=True).
"""

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set

from .mmtable import FIXMAP, HEX16, Row, human, signed_human

DIFF_KINDS = ("moved", "resized", "missing", "extra")
KIND_GROUPS = {"changed": ("moved", "resized"), "any": DIFF_KINDS}


@dataclass
class Pair:
    """One line of the comparison: a region of the reference and/or of carto."""

    level: int
    ref: Optional[Row]
    carto: Optional[Row]
    kinds: tuple = ()           # the differences, () when the same
    counted: bool = True        # a difference here decides the exit status
    expected: Set[str] = field(default_factory=set)

    @property
    def row(self):
        return self.ref or self.carto

    @property
    def label(self):
        r = self.row
        return f"({r.label})" if (r.is_hole or r.is_marker) else r.label

    @property
    def shift(self):
        if self.ref is None or self.carto is None:
            return None
        if self.ref.start is None or self.carto.start is None:
            return None
        return self.carto.start - self.ref.start

    def haystack(self):
        parts = [self.label, self.row.key]
        parts += [r.what for r in (self.ref, self.carto) if r is not None]
        return " | ".join(" ".join(p.lower().split()) for p in parts)

    def status(self):
        if not self.kinds:
            return "same"
        out = []
        for k in self.kinds:
            s = k
            if k == "moved" and self.shift:
                s += f" {signed_human(self.shift)}"
            if k == "resized":
                s += f" {human(self.ref.bytes)} -> {human(self.carto.bytes)}"
            if k in self.expected:
                s += " (expected)"
            out.append(s)
        text = ", ".join(out)
        return text if self.counted else text + " (not counted)"


def _bounds(row, stated_only):
    if row is None:
        return None, None
    s = row.start if (row.start_stated or not stated_only) else None
    e = row.end if (row.end_stated or not stated_only) else None
    return s, e


def diff_kinds(a, b, stated_only=True):
    """The differences between two rows of one region: () or some of moved, resized."""
    sa, ea = _bounds(a, stated_only)
    sb, eb = _bounds(b, stated_only)
    kinds = []
    if sa is not None and sb is not None and sa != sb:
        kinds.append("moved")
    if None not in (sa, ea, sb, eb):
        if ea - sa != eb - sb:
            kinds.append("resized")
    elif ea is not None and eb is not None and ea != eb:
        if sa is not None and sa == sb:
            kinds.append("resized")
        elif "moved" not in kinds:
            kinds.append("moved")  # only the end is known on both sides, and it moved
    return tuple(kinds)


def _overlap(a, b):
    if None in (a.start, a.end, b.start, b.end):
        return 0
    return max(0, min(a.end, b.end) - max(a.start, b.start) + 1)


def _keyed(rows):
    """{key: row}; a key seen twice gets "#2", "#3"..."""
    out = {}
    for r in rows:
        k, n = r.key, 2
        while k in out:
            k, n = f"{r.key}#{n}", n + 1
        out[k] = r
    return out


def compare_level(level, ref_rows, carto_rows, holes=False):
    """The Pairs of one level, in address order."""
    pairs = []
    named = [lambda r: not (r.is_hole or r.is_marker), lambda r: r.is_marker]
    for i, pick in enumerate(named):
        a = _keyed([r for r in ref_rows if pick(r)])
        b = _keyed([r for r in carto_rows if pick(r)])
        for k in list(a) + [k for k in b if k not in a]:
            ra, rb = a.get(k), b.get(k)
            kinds = ("extra",) if ra is None else ("missing",) if rb is None else \
                diff_kinds(ra, rb, stated_only=(i == 0))
            pairs.append(Pair(level, ra, rb, kinds, counted=(i == 0 or holes)))
    # holes: the same range first, then the one overlapping most
    ha = [r for r in ref_rows if r.is_hole]
    hb = [r for r in carto_rows if r.is_hole]
    for ra in list(ha):
        rb = next((r for r in hb if (r.start, r.end) == (ra.start, ra.end)), None)
        if rb is not None:
            ha.remove(ra)
            hb.remove(rb)
            pairs.append(Pair(level, ra, rb, (), counted=holes))
    for ra in list(ha):
        best = max(hb, key=lambda r: _overlap(ra, r), default=None)
        if best is not None and _overlap(ra, best) > 0:
            ha.remove(ra)
            hb.remove(best)
            pairs.append(Pair(level, ra, best, diff_kinds(ra, best, False), counted=holes))
    pairs += [Pair(level, r, None, ("missing",), counted=holes) for r in ha]
    pairs += [Pair(level, None, r, ("extra",), counted=holes) for r in hb]

    def where(p):
        r = p.row
        addr = next((v for v in (r.start, r.end) if v is not None), 0)
        return (addr, 0 if r.is_marker else 1, r.end if r.end is not None else addr)
    pairs.sort(key=where)
    return pairs


# ---- --expect-diff ---------------------------------------------------------------------------

@dataclass
class Expect:
    """One --expect-diff [LEVEL:]REGION:KIND[,KIND...]."""

    text: str
    level: Optional[int]
    pattern: str
    kinds: Set[str]
    met: Dict[int, bool] = field(default_factory=dict)

    def applies(self, pair):
        return (self.level is None or self.level == pair.level) and \
            self.pattern in pair.haystack()


def parse_expect(spec):
    """An Expect, or ValueError with the reason."""
    parts = [p.strip() for p in spec.split(":")]
    level = None
    if len(parts) == 3 and re.fullmatch(r"[45](?:-level)?", parts[0]):
        level = int(parts[0][0])
        parts = parts[1:]
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise ValueError(f"--expect-diff {spec!r}: want [4:|5:]REGION:KIND[,KIND...]")
    kinds = set()
    for k in re.split(r"[,+]", parts[1].lower()):
        k = k.strip()
        if k in KIND_GROUPS:
            kinds.update(KIND_GROUPS[k])
        elif k in DIFF_KINDS:
            kinds.add(k)
        else:
            raise ValueError(f"--expect-diff {spec!r}: unknown kind {k!r} (want "
                             f"{', '.join(DIFF_KINDS + tuple(KIND_GROUPS))})")
    return Expect(spec, level, " ".join(parts[0].lower().split()), kinds)


@dataclass
class Verdict:
    pairs: Dict[int, List[Pair]]
    unexpected: List[tuple]        # (pair, kind)
    unmet: List[tuple]             # (Expect, level)
    differences: int
    expected: int

    @property
    def ok(self):
        return not self.unexpected and not self.unmet


def judge(pairs_by_level, expects):
    """Which differences the expectations cover, which expectations are not met."""
    unexpected, differences, expected = [], 0, 0
    for level, pairs in pairs_by_level.items():
        for p in pairs:
            for k in p.kinds:
                if any(e.applies(p) and k in e.kinds for e in expects):
                    p.expected.add(k)
                if not p.counted:
                    continue
                differences += 1
                if k in p.expected:
                    expected += 1
                else:
                    unexpected.append((p, k))
    unmet = []
    for e in expects:
        for level, pairs in pairs_by_level.items():
            if e.level not in (None, level):
                continue
            e.met[level] = any(e.applies(p) and set(p.kinds) & e.kinds for p in pairs)
            if not e.met[level]:
                unmet.append((e, level))
        if e.level is not None and e.level not in pairs_by_level:
            unmet.append((e, e.level))
    return Verdict(pairs_by_level, unexpected, unmet, differences, expected)


# ---- the report --------------------------------------------------------------------------------

def _side(row):
    if row is None:
        return "(none)"
    if row.is_marker:
        return f"at {row.start:016x}" if row.start is not None else "at ?"
    known_start = row.start_stated or (row.kind == FIXMAP and HEX16.match(row.start_text or ""))
    start = f"{row.start:016x}" if known_start or (row.kind != FIXMAP and row.start is not None) \
        else f"{'[fixmap start]':>16}"
    end = f"{row.end:016x}" if row.end is not None else f"{'?':>16}"
    size = human(row.bytes) if (known_start or row.kind != FIXMAP) and row.bytes else "?"
    return f"{start}-{end} {size:>8}"


LABEL_W, SIDE_W = 37, 44


def report(verdict, ref_name, carto_name, quiet=False, notes=()):
    """The comparison as text lines."""
    lines = []
    for level, pairs in sorted(verdict.pairs.items()):
        lines.append(f"{level}-level page tables")
        lines.append(f"  {'region':<{LABEL_W}} {'reference':<{SIDE_W}} {'carto':<{SIDE_W}} status")
        for p in pairs:
            if quiet and not p.kinds:
                continue
            label = p.label if len(p.label) <= LABEL_W else p.label[:LABEL_W - 3] + "..."
            lines.append(f"  {label:<{LABEL_W}} {_side(p.ref):<{SIDE_W}} "
                         f"{_side(p.carto):<{SIDE_W}} {p.status()}")
        named = [p for p in pairs if p.counted]
        diff = [p for p in named if p.kinds]
        other = [p for p in pairs if not p.counted and p.kinds]
        summary = f"  {level}-level: {len(named) - len(diff)} same, {len(diff)} differ"
        if diff:
            summary += ": " + "; ".join(f"{p.label} {', '.join(p.kinds)}" for p in diff)
        if other:
            summary += (f" ({len(other)} hole/marker difference{'s' if len(other) > 1 else ''}"
                        " not counted: --holes counts them)")
        lines += [summary, ""]
    lines.append(f"reference: {ref_name}")
    lines.append(f"carto:     {carto_name}")
    lines += list(notes)
    for p, k in verdict.unexpected:
        lines.append(f"unexpected: {p.level}-level {p.label}: {k}")
    for e, level in verdict.unmet:
        lines.append(f"expected but absent: --expect-diff {e.text!r} in {level}-level")
    n = verdict.differences
    verdict_line = f"result: {n} difference{'' if n == 1 else 's'}"
    if verdict.expected:
        verdict_line += f", {verdict.expected} expected"
    if verdict.unmet:
        verdict_line += f", {len(verdict.unmet)} expected difference(s) absent"
    verdict_line += " -> " + ("OK" if verdict.ok else "DIFFERENT")
    lines.append(verdict_line)
    return lines
