# SPDX-License-Identifier: GPL-2.0
"""
tlb: lx-tlb (the monitor's `tlb`), read from tlb_stats[NR_CPUS][NR_TLB_STATS] and the name
table tlb_stat_names (arch/x86/mm/tlb.c): Linux's four counters per CPU and in total, then
carto's own totals, the ceiling, PCID and the full-flush mechanism. One CPU until SMP.
"""

import gdb

from carto import utils

ONLINE_CPUS = 1  # as kernel/monitor/cmd_tlb.c, until SMP


def tlb_text():
    stats = utils.read_symbol("tlb_stats")
    names_tab = utils.read_symbol("tlb_stat_names")
    n = int(names_tab.type.strip_typedefs().range()[1]) + 1
    names = [utils.read_cstring(int(names_tab[i])) for i in range(n)]
    nvm = names.index("nr_tlb_local_flush_one") + 1
    ncpus = int(stats.type.strip_typedefs().range()[1]) + 1
    total = [sum(int(stats[c][i]) for c in range(ncpus)) for i in range(n)]
    out = []
    for cpu in range(ONLINE_CPUS):
        out.append(f"cpu{cpu}:")
        out += [f"{names[i]} {int(stats[cpu][i])}" for i in range(nvm)]
    out.append("total:")
    out += [f"{names[i]} {total[i]}" for i in range(nvm)]
    out.append("carto:")
    out += [f"{names[i]} {total[i]}" for i in range(nvm, n)]
    out.append(f"tlb_single_page_flush_ceiling {int(utils.read_symbol('tlb_single_page_flush_ceiling'))}")
    out.append(f"pcid {'on' if int(utils.read_symbol('tlb_pcid_enabled')) else 'off'}")
    mode = int(utils.read_symbol("tlb_flush_mode"))
    out.append(f"full_flush {utils.read_cstring(int(utils.read_symbol('tlb_mode_names')[mode]))}")
    return "\n".join(out) + "\n"


class LxTlb(utils.Command):
    """Print the TLB flush counters, as the monitor's `tlb`.

lx-tlb

/proc/vmstat-style lines: nr_tlb_* per CPU and in total, carto's own counters, the
single-page flush ceiling, PCID on/off and the full-flush mechanism."""

    def __init__(self):
        super().__init__("lx-tlb")

    def run(self, argv):
        if argv:
            raise gdb.GdbError(self.usage())
        utils.require_target()
        return tlb_text()


LxTlb()
