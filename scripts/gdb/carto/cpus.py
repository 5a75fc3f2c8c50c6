# SPDX-License-Identifier: GPL-2.0
"""
cpus: per-CPU variables and the CPUs (Linux's scripts/gdb/linux/cpus.py): $lx_per_cpu and
lx-cpus (the monitor's `cpus`, kernel/monitor/cmd_smp.c).

CPU c's copy of per-CPU variable var is at &var + __per_cpu_offset[c] (linux/percpu.h; &var
is the template in .data..percpu). QEMU's gdbstub shows one thread per vCPU; a thread is
CPU c when its GS base is __per_cpu_offset[c], as the kernel loads it (load_percpu_segment),
so threads are matched to CPUs by what the kernel set, not by their order.
"""

import re

import gdb

from carto import constants as C
from carto import utils


def per_cpu_offsets():
    """__per_cpu_offset[] as a list of integers (0: no area for that CPU yet)."""
    def compute():
        offsets = utils.read_symbol("__per_cpu_offset")
        return [int(offsets[cpu]) for cpu in range(offsets.type.range()[1] + 1)]
    return utils.memo("per_cpu_offset", compute)


def cpu_list(mask_name):
    """The CPUs set in a cpumask_t (one u64): cpu_online_mask, cpu_possible_mask."""
    mask = int(utils.read_symbol(mask_name))
    return [cpu for cpu in range(len(per_cpu_offsets())) if mask >> cpu & 1]


def online_cpus():
    return cpu_list("cpu_online_mask")


def possible_cpus():
    return cpu_list("cpu_possible_mask")


def per_cpu(name, cpu, file=None):
    """CPU cpu's copy of per-CPU variable name, as a gdb.Value (read once, through utils)."""
    addr, t = utils.lookup_symbol(name, file)
    return utils.read_value((addr + per_cpu_offsets()[cpu]) & utils.MASK64, t)


def array_at(addr):
    """The array variable that starts at addr, as a gdb.Value, or None."""
    m = re.match(r"(\S+) in section ", gdb.execute(f"info symbol {addr:#x}", to_string=True))
    sym = m and (gdb.lookup_global_symbol(m[1]) or gdb.lookup_static_symbol(m[1]))
    if sym is None or sym.type.strip_typedefs().code != gdb.TYPE_CODE_ARRAY:
        return None
    return sym.value()


def per_cpu_ptr(var, cpu):
    """
    CPU cpu's copy of var, a per-CPU variable as a gdb.Value: a lazy lvalue, what
    $lx_per_cpu returns. gdb hands an array to a function as a pointer to its first element:
    the whole array comes back when that pointer is the start of one, else (a pointer into
    the template) the copy's pointer, as per_cpu_ptr(). GdbError for anything else, or for a
    CPU without a per-CPU area.
    """
    if var.address is not None:
        addr, t, deref = int(var.address), var.type, True
    elif var.type.strip_typedefs().code == gdb.TYPE_CODE_PTR:
        addr, t, deref = int(var), var.type, False
    else:
        raise gdb.GdbError(f"'{var}' is not a variable (no address): pass a per-CPU "
                           "variable, e.g. $lx_per_cpu(cpu_number, 1)")
    addr &= utils.MASK64
    if not utils.symbol_address("__per_cpu_start") <= addr < utils.symbol_address("__per_cpu_end"):
        raise gdb.GdbError(f"{var.address if deref else var} is not a per-CPU variable (not "
                           "in .data..percpu: no DEFINE_PER_CPU)")
    offsets = per_cpu_offsets()
    if not 0 <= cpu < len(offsets) or not offsets[cpu]:
        raise gdb.GdbError(f"cpu {cpu} has no per-CPU area (online: "
                           f"{', '.join(map(str, online_cpus()))})")
    if not deref and (array := array_at(addr)) is not None:
        t, deref = array.type, True
    copy = gdb.Value((addr + offsets[cpu]) & utils.MASK64)
    return copy.cast(t.pointer()).dereference() if deref else copy.cast(t)


# -------------------------------------------------------------------------------------------
# vCPU threads


def thread_registers(thread, names):
    """{name: value} of registers of a gdb thread (a vCPU), the selected thread kept."""
    old = gdb.selected_thread()
    frame = gdb.selected_frame()
    thread.switch()
    try:
        top = gdb.newest_frame()
        return {n: int(top.read_register(n)) & utils.MASK64 for n in names}
    finally:
        old.switch()
        frame.select()


def cpu_of_gs_base(gs_base):
    """The CPU whose per-CPU offset is gs_base, or None (not set up yet, or not carto's)."""
    offsets = per_cpu_offsets()
    return next((c for c in possible_cpus() if offsets[c] == gs_base), None)


def cpu_threads():
    """{cpu: gdb thread} for the vCPUs whose GS base is a CPU's per-CPU offset."""
    def compute():
        out = {}
        for t in gdb.selected_inferior().threads():
            cpu = cpu_of_gs_base(thread_registers(t, ["gs_base"])["gs_base"])
            if cpu is not None:
                out[cpu] = t
        return out
    return utils.memo("cpu_threads", compute)


def current_cpu():
    """The CPU of the selected thread (vCPU), from its GS base."""
    cpu = cpu_of_gs_base(utils.register("gs_base"))
    if cpu is None:
        raise gdb.GdbError("the selected vCPU's GS base is no CPU's per-CPU offset "
                           "(before setup_boot_percpu or the AP's load_percpu_segment): "
                           "name the CPU")
    return cpu


class PerCpu(utils.Function):
    """CPU CPU's copy of a per-CPU variable, as per_cpu(VAR, CPU).

$lx_per_cpu(VAR[, CPU])

VAR is the variable itself (not a string): the value at &VAR + __per_cpu_offset[CPU], an
lvalue; a pointer into the per-CPU template gives the copy's pointer (per_cpu_ptr). CPU
defaults to the selected thread's (QEMU: one thread per vCPU; the CPU whose per-CPU offset
is its GS base). Example: p $lx_per_cpu(irq_stat, 1).apic_timer_irqs"""

    nargs = (1, 2)

    def __init__(self):
        super().__init__("lx_per_cpu")

    def call(self, var, cpu=None):
        utils.require_target()
        if cpu is None:
            return per_cpu_ptr(var, current_cpu())
        try:
            cpu = int(cpu)
        except gdb.error:
            raise gdb.GdbError(f"CPU {cpu} is not a number") from None
        return per_cpu_ptr(var, cpu)


# -------------------------------------------------------------------------------------------
# lx-cpus

HEADER = "CPU  APIC ID  state    PCID  INVPCID  x2APIC  SMEP  SMAP\n"


def on_off(on):
    return "on" if on else "off"


def cpu_state_name(state):
    """cpu_state_names[state] (declared without a size: its DWARF type cannot be indexed)."""
    names = utils.symbol_address("cpu_state_names")
    ptr_size = utils.get_type("char").pointer().sizeof
    return utils.read_cstring(utils.read_u64(names + state * ptr_size))


def cpus_text():
    """
    The monitor's `cpus`: each CPU that is not absent, its APIC ID and state; for an online
    one, what it runs with: CR4's PCIDE, SMEP and SMAP from its vCPU, INVPCID and x2APIC as
    the kernel chose them for every CPU (tlb_flush_mode; x2apic_mode, by which
    setup_local_APIC sets each CPU's APICBASE.EXTD).
    """
    states = utils.read_symbol("cpu_state")
    apicid = utils.read_symbol("x86_cpu_to_apicid")
    online = online_cpus()
    invpcid = int(utils.read_symbol("tlb_flush_mode")) == \
        utils.enum_values("enum tlb_flush_mode")["TLB_MODE_INVPCID"]
    x2apic = bool(utils.read_symbol("x2apic_mode"))
    absent = utils.enum_values("enum cpu_state")["CPU_ABSENT"]
    threads = cpu_threads()
    out = [HEADER]
    for cpu in range(len(per_cpu_offsets())):
        state = int(states[cpu])
        if state == absent:
            continue
        head = "%3d  %7u  %-7s" % (cpu, int(apicid[cpu]), cpu_state_name(state))
        if cpu not in online:
            out.append(head + "  -     -        -       -     -\n")
            continue
        if cpu not in threads:
            raise gdb.GdbError(f"no vCPU thread has CPU {cpu}'s per-CPU offset "
                               f"{per_cpu_offsets()[cpu]:#x} as its GS base")
        cr4 = thread_registers(threads[cpu], ["cr4"])["cr4"]
        out.append(head + "  %-4s  %-7s  %-6s  %-4s  %s\n" % (
            on_off(cr4 & C.X86_CR4_PCIDE), on_off(invpcid), on_off(x2apic),
            on_off(cr4 & C.X86_CR4_SMEP), on_off(cr4 & C.X86_CR4_SMAP)))
    out.append(f"{len(online)} of {int(utils.read_symbol('nr_cpu_ids'))} CPUs online\n")
    return "".join(out)


class LxCpus(utils.Command):
    """Print the CPUs, as the monitor's `cpus`.

lx-cpus

Each CPU's number, APIC ID (x86_cpu_to_apicid), state (cpu_state) and, when online, the
features it runs with: PCID, SMEP, SMAP from CR4 of its vCPU (the gdb thread whose GS base
is the CPU's per-CPU offset), INVPCID and x2APIC as the kernel uses them on every CPU."""

    def __init__(self):
        super().__init__("lx-cpus")

    def run(self, argv):
        if argv:
            raise gdb.GdbError(self.usage())
        utils.require_target()
        return cpus_text()


PerCpu()
LxCpus()
