# SPDX-License-Identifier: GPL-2.0
"""
interrupts: lx-interrupts (the monitor's `interrupts`, arch_show_interrupts() in
arch/x86/kernel/irq.c): Linux's /proc/interrupts from the per-CPU irq_stat of each online
CPU, the ISA IRQs routed as the IOAPIC code routes them (acpi_boot's interrupt source
overrides, arch/x86/kernel/io_apic.c).
"""

import gdb

from carto import constants as C
from carto import cpus
from carto import utils

# show_row()'s rows: the label, the irq_cpustat_t member, the description
ROWS = (("NMI", "__nmi_count", "Non-maskable interrupts"),
        ("LOC", "apic_timer_irqs", "Local timer interrupts"),
        ("SPU", "irq_spurious_count", "Spurious interrupts"),
        ("RES", "irq_resched_count", "Rescheduling interrupts"),
        ("CAL", "irq_call_count", "Function call interrupts"),
        ("TLB", "irq_tlb_count", "TLB shootdowns"))


def isa_override(irq):
    """The MADT's override for ISA IRQ irq (isa_override()), or None."""
    if not int(utils.read_symbol("acpi_boot_ok")):
        return None
    acpi = utils.read_symbol("acpi_boot")
    for i in range(int(acpi["nr_overrides"])):
        o = acpi["overrides"][i]
        if int(o["bus"]) == 0 and int(o["bus_irq"]) == irq:
            return o
    return None


def isa_route(irq):
    """(gsi, trigger) as isa_irq_to_gsi() and isa_irq_trigger() give them."""
    o = isa_override(irq)
    if o is None:
        return irq, "edge"
    return int(o["gsi"]), "fasteoi" if (int(o["flags"]) >> 2) & 3 == 3 else "edge"


def interrupts_text():
    """The monitor's `interrupts` (arch_show_interrupts()), a column per online CPU."""
    online = cpus.online_cpus()
    stat = {cpu: cpus.per_cpu("irq_stat", cpu) for cpu in cpus.possible_cpus() + online}
    ioapic = bool(int(utils.read_symbol("ioapic_in_use")))
    nr_irqs_legacy = utils.get_type("irq_cpustat_t")["legacy_irqs"].type.range()[1] + 1
    out = ["%11s" % "" + "".join("CPU%-8d" % cpu for cpu in online) + "\n"]
    for irq in range(nr_irqs_legacy):
        counts = [int(stat[cpu]["legacy_irqs"][irq]) for cpu in online]
        if irq != C.IRQ_COM1 and not any(counts):
            continue
        gsi, trigger = isa_route(irq)
        out.append("%3u: " % irq + "".join("%10u " % n for n in counts) +
                   " %8s %3u-%-8s  %s\n" % ("IO-APIC" if ioapic else "XT-PIC",
                                            gsi if ioapic else irq, trigger,
                                            "ttyS0" if irq == C.IRQ_COM1 else ""))
    for name, member, desc in ROWS:
        out.append("%3s: " % name + "".join("%10u " % int(stat[cpu][member]) for cpu in online)
                   + "  %s\n" % desc)
    err = sum(int(stat[cpu]["apic_error_irqs"]) for cpu in cpus.possible_cpus())
    out.append("%3s: %10u\n" % ("ERR", err))
    return "".join(out)


class LxInterrupts(utils.Command):
    """Print the interrupt counts per CPU, as the monitor's `interrupts`.

lx-interrupts

Linux's /proc/interrupts: the ISA IRQs that fired (and the serial port's), then the local
APIC's rows, a column per online CPU, from each CPU's irq_stat."""

    def __init__(self):
        super().__init__("lx-interrupts")

    def run(self, argv):
        if argv:
            raise gdb.GdbError(self.usage())
        utils.require_target()
        return interrupts_text()


LxInterrupts()
