# SPDX-License-Identifier: GPL-2.0
"""
The x86_64 address-space layout as data, for scripts/compare-layout.

  mmtable   read a layout (Linux's mm.txt list or table format, carto's layout.def or a
            capture of the monitor's `layout`), name its regions, print it as a list again
  ptdump    read a ptdump capture (Linux's format): the present runs
  compare   match two layouts region by region; --expect-diff specs
  svg       draw a layout on a log axis, shaded by a ptdump

Everything here is the Python standard library only (Debian's /usr/bin/python3).
"""


class LayoutError(Exception):
    """Bad input. str() is the one line the command prints (FILE:LINE: what)."""
