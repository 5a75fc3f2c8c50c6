# SPDX-License-Identifier: GPL-2.0
"""
tlb: lx-tlb (the monitor's `tlb`, kernel/monitor/cmd_tlb.c), read from the per-CPU
tlb_stats[NR_TLB_STATS], the name table tlb_stat_names and enum tlb_stat_item
(arch/x86/mm/tlb.c): Linux's four counters per online CPU and in total, then carto's own
totals, the ceiling, PCID, the full-flush mechanism and whether shootdowns are sent.
"""

import gdb

from carto import cpus
from carto import utils


def tlb_stat_cpus():
    """{cpu: its tlb_stats as a list} for every possible or online CPU."""
    n = utils.enum_values("enum tlb_stat_item")["NR_TLB_STATS"]
    out = {}
    for cpu in set(cpus.possible_cpus() + cpus.online_cpus()):
        stats = cpus.per_cpu("tlb_stats", cpu)
        out[cpu] = [int(stats[i]) for i in range(n)]
    return out


def tlb_stat_total(item, stats):
    """tlb_stat_total(): over possible CPUs, the min of nonzero mins, the max, else the sum."""
    items = utils.enum_values("enum tlb_stat_item")
    values = [stats[cpu][item] for cpu in cpus.possible_cpus()]
    if item == items["TLB_SHOOTDOWN_CYCLES_MIN"]:
        return min((v for v in values if v), default=0)
    if item == items["TLB_SHOOTDOWN_CYCLES_MAX"]:
        return max(values, default=0)
    return sum(values)


def tlb_text():
    """The monitor's `tlb` (tlb_show())."""
    items = utils.enum_values("enum tlb_stat_item")
    n, nvm = items["NR_TLB_STATS"], items["NR_TLB_LOCAL_FLUSH_ONE"] + 1  # NR_TLB_VMSTAT_ITEMS
    names_tab = utils.read_symbol("tlb_stat_names")
    names = [utils.string_at(names_tab[i]) for i in range(n)]
    stats = tlb_stat_cpus()
    out = []
    for cpu in cpus.online_cpus():
        out += [f"cpu{cpu}:"] + [f"{names[i]} {stats[cpu][i]}" for i in range(nvm)]
    out += ["total:"] + [f"{names[i]} {tlb_stat_total(i, stats)}" for i in range(nvm)]
    out += ["carto:"] + [f"{names[i]} {tlb_stat_total(i, stats)}" for i in range(nvm, n)]
    mode = int(utils.read_symbol("tlb_flush_mode"))
    ceiling = int(utils.read_symbol("tlb_single_page_flush_ceiling"))
    out += [f"tlb_single_page_flush_ceiling {ceiling}",
            f"pcid {cpus.on_off(int(utils.read_symbol('tlb_pcid_enabled')))}",
            f"full_flush {utils.string_at(utils.read_symbol('tlb_mode_names')[mode])}",
            f"shootdowns {cpus.on_off(not int(utils.read_symbol('tlb_skip_shootdown')))}"]
    return "\n".join(out) + "\n"


class LxTlb(utils.Command):
    """Print the TLB flush counters, as the monitor's `tlb`.

lx-tlb

/proc/vmstat-style lines: nr_tlb_* per online CPU and in total, carto's own counters (the
shootdown round trips' min and max over CPUs, the others summed), the single-page flush
ceiling, PCID on/off, the full-flush mechanism and whether shootdowns are sent."""

    def __init__(self):
        super().__init__("lx-tlb")

    def run(self, argv):
        if argv:
            raise gdb.GdbError(self.usage())
        utils.require_target()
        return tlb_text()


LxTlb()
