# SPDX-License-Identifier: GPL-2.0
"""
The address space as an SVG picture, one panel per level, one row per region in address
order (carto's rows; a region only the reference has is drawn dashed):

  - a bar whose length is the region's size on a log2 axis from 4 KiB to 16 EiB, so a
    4 KiB page and the 64 TiB direct map both show; its colour says what the region holds
  - over it, darker, the bytes mapped now on the same axis (from a ptdump, or from the
    `layout live` part of a monitor capture)
  - to the right, the region to linear scale with its present runs shaded: where in the
    region the mappings are (a run narrower than a pixel is drawn one pixel wide)
  - the comparison's status (moved, resized, missing, extra)

Every region is a <g class="region-row"> holding one <rect class="region ..."> with a
<title> (the tooltip) and one <text class="label">.
"""

import math
from xml.sax.saxutils import escape, quoteattr

from .mmtable import FIXMAP, HEX16, human
from .ptdump import present_in

COLOURS = {  # category -> (fill, what the legend says)
    "user": ("#9ecae1", "user space"),
    "ram": ("#74c476", "RAM maps (direct map)"),
    "memmap": ("#c7e9c0", "struct page array (vmemmap)"),
    "vmalloc": ("#fdae6b", "vmalloc / ioremap"),
    "shadow": ("#bcbddc", "KASAN shadow"),
    "cpu": ("#66c2a5", "per-CPU and PTI (entry area, LDT, espfix)"),
    "firmware": ("#ffd92f", "EFI runtime"),
    "text": ("#e78ac3", "kernel text"),
    "modules": ("#d4b9da", "modules"),
    "fixmap": ("#fc9272", "fixmap"),
    "vsyscall": ("#ef3b2c", "vsyscall page"),
    "reserved": ("#969696", "reserved (hypervisor guard hole)"),
    "hole": ("#eeeeee", "hole (nothing may be mapped)"),
    "other": ("#d9d9d9", "other"),
}
STATUS_COLOUR = {"moved": "#d95f02", "resized": "#d95f02", "missing": "#cb181d",
                 "extra": "#cb181d"}

W = 1200
ADDR_X = 16
BAR_X, BAR_W = 172, 500
STRIP_X, STRIP_W = 696, 150
MAPPED_X = 904                 # right edge of the "mapped now" column
INFO_X = 912
ROW_H, ROW_GAP, MARK_H = 24, 3, 14
LOG_MIN, LOG_MAX = 11, 64      # the axis: 2^11 is its zero, so 4 KiB (2^12) has a length
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
MONO = "DejaVu Sans Mono, Liberation Mono, monospace"


def _darker(colour, f=0.55):
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#%02x%02x%02x" % (int(r * f), int(g * f), int(b * f))


def _log_len(nbytes):
    if not nbytes or nbytes <= 0:
        return 0.0
    v = min(max(math.log2(nbytes), LOG_MIN + 0.3), LOG_MAX)
    return BAR_W * (v - LOG_MIN) / (LOG_MAX - LOG_MIN)


def _percent(pct):
    if pct >= 10:
        return f"{pct:.0f}%"
    if pct >= 0.001:
        return f"{pct:.2g}%"
    return "<0.001%"


def _text_w(text, size=11):
    return len(text) * size * 0.56


class _Svg:
    def __init__(self):
        self.out = []

    def add(self, s):
        self.out.append(s)

    def text(self, x, y, s, size=11.0, cls="", anchor="start", weight="normal", fill="#222",
             family=FONT, style=""):
        c = f' class="{cls}"' if cls else ""
        st = f' font-style="{style}"' if style else ""
        self.add(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:.3g}" font-family="{family}" '
                 f'text-anchor="{anchor}" font-weight="{weight}" fill="{fill}"{st}{c}>'
                 f'{escape(s)}</text>')


def _known_start(row):
    return row.start_stated or row.kind != FIXMAP or HEX16.match(row.start_text or "")


def _mapped(row, level, runs, live):
    """(bytes mapped, [(start, end)] present runs or None) for a row."""
    if row.is_marker or row.start is None or row.end is None:
        return 0, None
    if runs is not None:
        spans = present_in(runs, row.start, row.end)
        return sum(e - s for s, e in spans), spans
    if live and level == 4:
        key = row.what[:36].strip()
        if key in live and not row.is_hole:
            return live[key], None
    return 0, None


def render(verdict, ref_name, carto_name, runs=None, runs_level=4, runs_name=None, live=None):
    """The picture of the comparison's carto side, as SVG text."""
    levels = sorted(verdict.pairs)
    svg = _Svg()
    body_top = 92
    y = body_top
    panels = []
    for level in levels:
        pairs = verdict.pairs[level]
        h = 70 + sum(MARK_H if p.row.is_marker else ROW_H + ROW_GAP for p in pairs)
        panels.append((level, y, h))
        y += h + 24
    legend_y = y
    height = legend_y + 40 + 20 * ((len(COLOURS) + 2) // 3) + 20

    svg.add(f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{height}" '
            f'viewBox="0 0 {W} {height}">')
    svg.add("<defs>"
            '<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f4f4f4"/>'
            '<line x1="0" y1="0" x2="0" y2="6" stroke="#d0d0d0" stroke-width="2"/></pattern>'
            "</defs>")
    svg.add(f'<rect x="0" y="0" width="{W}" height="{height}" fill="#ffffff"/>')
    svg.text(ADDR_X, 28, "x86_64 kernel address space: carto against Linux", 18,
             weight="bold")
    svg.text(ADDR_X, 48, f"carto: {carto_name}    reference: {ref_name}", 11, fill="#444")
    shade = f"present mappings from {runs_name}" if runs_name else \
        "mapped bytes from the `layout live` table" if live else "no ptdump given"
    svg.text(ADDR_X, 66, "bar: size on a log2 axis (4 KiB .. 16 EiB), darker: bytes mapped "
             f"now; strip: the region to linear scale, present runs shaded ({shade})",
             11, fill="#444")

    for level, top, h in panels:
        _panel(svg, verdict.pairs[level], level, top, h, runs, runs_level, live)

    _legend(svg, legend_y)
    svg.add("</svg>")
    return "\n".join(svg.out) + "\n"


def _drawn_order(pairs):
    """carto's address order (the comparison's is the reference's); markers before the
    region they mark."""
    def where(p):
        r = p.carto or p.ref
        addr = next((v for v in (r.start, r.end) if v is not None), 0)
        return (addr, 0 if r.is_marker else 1)
    return sorted(pairs, key=where)


def _panel(svg, pairs, level, top, h, runs, runs_level, live):
    strips = runs is not None and level == runs_level
    svg.add(f'<g class="panel" data-level="{level}">')
    svg.add(f'<rect x="8" y="{top}" width="{W - 16}" height="{h}" rx="6" fill="#fafafa" '
            'stroke="#cccccc"/>')
    named = [p for p in pairs if p.counted]
    differ = sum(1 for p in named if p.kinds)
    svg.text(ADDR_X, top + 22, f"{level}-level page tables", 15, weight="bold")
    unexpected = sum(1 for p in named if set(p.kinds) - p.expected)
    summary = f"{len(named)} regions compared: " + (
        "all as in the reference" if not differ else
        f"{differ} differ from the reference" + (f", {unexpected} unexpectedly" if unexpected
                                                  else ", as expected"))
    svg.text(ADDR_X + 170, top + 22, summary, 12,
             fill="#cb181d" if unexpected else "#1b7837")
    axis_y = top + 50
    svg.text(ADDR_X, axis_y - 4, "start", 10, fill="#666")
    if strips:
        svg.text(STRIP_X, axis_y - 4, "present runs, linear", 10, fill="#666")
    if strips or (live and level == 4):
        svg.text(MAPPED_X, axis_y - 4, "mapped", 10, anchor="end", fill="#666")
    svg.text(INFO_X, axis_y - 4, "status against the reference", 10, fill="#666")
    rows_h = h - 70
    for exp, name in ((12, "4K"), (20, "1M"), (30, "1G"), (40, "1T"), (50, "1P"), (60, "1E"),
                      (64, "16E")):
        x = BAR_X + BAR_W * (exp - LOG_MIN) / (LOG_MAX - LOG_MIN)
        svg.add(f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y + rows_h + 8}" '
                'stroke="#dddddd" stroke-width="1"/>')
        svg.text(x, axis_y - 4, name, 10, anchor="middle", fill="#666")
    y = axis_y + 6
    for p in _drawn_order(pairs):
        if p.row.is_marker:
            _marker(svg, p, y)
            y += MARK_H
        else:
            _row(svg, p, level, y, runs if strips else None, live)
            y += ROW_H + ROW_GAP
    svg.add("</g>")


def _marker(svg, p, y):
    r = p.carto or p.ref
    mid = y + MARK_H / 2
    svg.add(f'<line class="marker" x1="{BAR_X}" y1="{mid}" x2="{STRIP_X + STRIP_W}" y2="{mid}" '
            'stroke="#555555" stroke-width="1" stroke-dasharray="4,3"/>')
    addr = f"{r.start:016x}" if r.start is not None else "?"
    svg.text(ADDR_X, mid + 4, addr, 10, family=MONO, fill="#555")
    svg.text(INFO_X, mid + 4, r.what.strip(), 10,
             fill="#555", style="italic")


def _status(p):
    """The status in a few words: the kinds, and the reference's start or size."""
    if not p.kinds:
        return ""
    text = "+".join(p.kinds)
    if not p.counted:
        return text + " (hole, not counted)"
    was = []
    if p.ref is not None and p.carto is not None:
        if "moved" in p.kinds and p.ref.start is not None and p.ref.start_stated:
            was.append(f"{p.ref.start:016x}")
        if "resized" in p.kinds:
            was.append(human(p.ref.bytes))
    if was:
        text += ": Linux " + ", ".join(was)
    if all(k in p.expected for k in p.kinds):
        text += " (expected)"
    return text


def _row(svg, p, level, y, runs, live):
    r = p.carto or p.ref
    missing = p.carto is None
    colour, _ = COLOURS.get(r.category, COLOURS["other"])
    size = r.bytes if _known_start(r) else None
    draw_size = r.bytes
    length = max(_log_len(draw_size), 3.0)
    fill = "url(#hatch)" if r.category == "hole" else colour
    cls = f"region cat-{r.category}" + (" missing" if missing else "")
    if missing:
        fill = "none"
    status = p.status()
    start = f"{r.start:016x}" if r.start is not None else "?"
    end = f"{r.end:016x}" if r.end is not None else "?"
    mapped, spans = _mapped(r, level, runs, live) if not missing else (0, None)
    tip = [r.what.strip(), f"{start} - {end}  ({human(size) if size else 'size varies'})"]
    if p.ref is not None and p.carto is not None and p.kinds:
        rs = f"{p.ref.start:016x}" if p.ref.start_stated else "[start varies]"
        re_ = f"{p.ref.end:016x}" if p.ref.end is not None else "?"
        tip.append(f"reference: {rs} - {re_} ({p.ref.what.strip()})")
    tip.append(f"status: {status}")
    if mapped:
        pct = 100.0 * mapped / r.bytes if r.bytes else 0
        tip.append(f"mapped now: {human(mapped)} ({_percent(pct)} of the region)")
    svg.add(f'<g class="region-row" data-key={quoteattr(r.key)} data-level="{level}" '
            f'data-start="{start}" data-end="{end}" data-status={quoteattr(status)}>')
    dash = ' stroke-dasharray="5,3"' if missing else ""
    if missing:
        stroke = "#cb181d" if p.counted else "#999999"
    else:
        stroke = "#bbbbbb" if r.category == "hole" else _darker(colour, 0.7)
    svg.add(f'<rect class={quoteattr(cls)} x="{BAR_X}" y="{y}" width="{length:.1f}" '
            f'height="{ROW_H}" rx="2" fill="{fill}" stroke="{stroke}" stroke-width="1"{dash}>'
            f"<title>{escape(chr(10).join(tip))}</title></rect>")
    if mapped:
        ml = max(_log_len(mapped), 2.0)
        svg.add(f'<rect class="mapped" x="{BAR_X}" y="{y + ROW_H - 5}" width="{ml:.1f}" '
                f'height="5" fill="{_darker(colour, 0.5)}"><title>{escape(human(mapped))} '
                "mapped now</title></rect>")
    label = r.label if r.category not in ("hole", "other") else r.what.strip(" .")
    label = f"{label} ({human(size)})" if size else f"{label} (start varies)"
    lw = _text_w(label)
    lx = BAR_X + 6 if lw + 12 < length else BAR_X + length + 6
    svg.text(lx, y + 14, label, 11, cls="label",
             fill="#555" if r.category == "hole" or missing else "#111")
    svg.text(ADDR_X, y + 15, start, 11, family=MONO, fill="#333")
    # the strip: the region to linear scale (for a hole only when something is mapped there)
    if runs is not None and (r.category != "hole" or spans):
        svg.add(f'<rect class="strip" x="{STRIP_X}" y="{y + 5}" width="{STRIP_W}" '
                f'height="{ROW_H - 10}" fill="#ffffff" stroke="#bbbbbb" stroke-width="1"/>')
    run_fill = "#cb181d" if r.category == "hole" else _darker(colour, 0.5)
    if spans and r.bytes:
        for s, e in spans:
            x0 = STRIP_X + STRIP_W * (s - r.start) / r.bytes
            w = max(STRIP_W * (e - s) / r.bytes, 1.5)
            svg.add(f'<rect class="run" x="{x0:.2f}" y="{y + 5}" width="{w:.2f}" '
                    f'height="{ROW_H - 10}" fill="{run_fill}">'
                    f"<title>{s:016x} - {e - 1:016x} present ({escape(human(e - s))})</title>"
                    "</rect>")
    if mapped:
        svg.text(MAPPED_X, y + 15, human(mapped), 11, anchor="end", fill="#111")
    x = INFO_X
    if p.kinds:
        short = _status(p)
        size = min(11.0, (W - 20 - x) / (len(short) * 0.62))  # bold text, fitted
        svg.text(x, y + 15, short, size, weight="bold",
                 fill="#888" if not p.counted else "#1b7837" if set(p.kinds) <= p.expected
                 else STATUS_COLOUR.get(p.kinds[0], "#cb181d"))
    svg.add("</g>")


def _legend(svg, y):
    svg.text(ADDR_X, y + 16, "colours", 12, weight="bold")
    items = list(COLOURS.items())
    for i, (cat, (colour, what)) in enumerate(items):
        col, line = i % 3, i // 3
        x, yy = ADDR_X + col * 390, y + 30 + line * 20
        fill = "url(#hatch)" if cat == "hole" else colour
        svg.add(f'<rect class="legend" x="{x}" y="{yy}" width="22" height="13" fill="{fill}" '
                f'stroke="{_darker(colour, 0.7)}"/>')
        svg.text(x + 30, yy + 11, what, 11)
