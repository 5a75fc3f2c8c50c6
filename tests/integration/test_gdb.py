# SPDX-License-Identifier: GPL-2.0
"""
The GDB helpers (scripts/gdb, loaded by build/vmlinux-gdb.py beside build/vmlinux) against
the monitor and QEMU, carto booted at -m 4G (three zones, the PCI hole) with a gdbstub:

- at the prompt, the monitor's outputs are taken first (buddyinfo first: it drains the
  per-CPU lists); then the VM is paused (HMP `stop`), QEMU's `gva2gpa` asked, and gdb in
  batch mode runs the lx- commands: `lx-pagewalk` of 60+ addresses over every populated
  region equals the monitor's `pagewalk` and QEMU's translation; `lx-ptdump` (kernel, all, a
  range), `lx-layout` (with its live part, and 5), `lx-buddyinfo`, `lx-dmesg`, `lx-meminfo`,
  `lx-version`, `lx-cmdline`, `lx-pte` equal the monitor's output; the functions agree;
- lx-ptdump reads each page-table page once (one gdbstub read per table page, QEMU's own
  walk counting the pages);
- bad input, no target, a gdb without carto's symbols, and a CPU not in long mode yet each
  give one line, never a Python traceback; lx-break-startup stops at the 64-bit entry, where
  lx-pagewalk walks the boot stub's tables as QEMU does.
"""

import json
import os
import re
import subprocess
import textwrap

import pytest

from carto import (PAGE_OFFSET, START_KERNEL_MAP, STRUCT_PAGE_SIZE, VMEMMAP_START,
                   booted_with_gdbstub, free_port, is_canonical, parse_pagewalk, parse_ptdump,
                   read_system_map)

MEM = "4G"
# ptdump ranges: a region, and two that start and end inside runs (a 2 MiB page, a 4 KiB one)
RANGES = ("ptdump 0xffffffff80000000 0xffffffffff000000",
          "ptdump 0xffff880000123000 0xffff880040001000",
          "ptdump 0xffffffff81001000 start_kernel+0x5000")
CMDLINE = "gdb_test=lx-cmdline"  # a command line to read back (an unknown word: ignored)
GDB_TIMEOUT = 300

# The gdb side of the exchange: run each command of a JSON list, keep its output or error.
DRIVER = textwrap.dedent('''
    import json, os
    import gdb
    results = []
    for cmd in json.load(open(os.environ["CARTO_GDB_IN"])):
        try:
            results.append({"cmd": cmd, "out": gdb.execute(cmd, to_string=True), "err": None})
        except gdb.error as e:
            results.append({"cmd": cmd, "out": None, "err": str(e)})
    try:
        from carto import utils
        results.append({"cmd": "stats", "out": json.dumps(utils.read_stats()), "err": None})
    except ImportError as e:
        results.append({"cmd": "stats", "out": None, "err": str(e)})
    json.dump(results, open(os.environ["CARTO_GDB_OUT"], "w"))
''')


def gdb_argv(build, port=None, vmlinux=True, auto_load=True):
    argv = ["gdb", "-batch", "-nx"]
    if auto_load:
        argv += ["-iex", f"add-auto-load-safe-path {build.dir.resolve()}"]
    if vmlinux:
        argv.append(str(build.vmlinux))
    if port:
        argv += ["-ex", f"target remote 127.0.0.1:{port}"]
    return argv


def run_gdb(argv, tmp_path):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=GDB_TIMEOUT,
                       stdin=subprocess.DEVNULL, cwd=tmp_path)
    return r.stdout, r.stderr


def gdb_batch(build, port, commands, tmp_path, name="gdb"):
    """{command: (output, error)} of commands run in one gdb session, and the read stats."""
    cmd_file, out_file = tmp_path / f"{name}-in.json", tmp_path / f"{name}-out.json"
    driver = tmp_path / "driver.py"
    cmd_file.write_text(json.dumps(commands))
    driver.write_text(DRIVER)
    env = dict(os.environ, CARTO_GDB_IN=str(cmd_file), CARTO_GDB_OUT=str(out_file))
    r = subprocess.run(gdb_argv(build, port) + ["-x", str(driver)], capture_output=True,
                       text=True, timeout=GDB_TIMEOUT, stdin=subprocess.DEVNULL, env=env,
                       cwd=tmp_path)
    assert out_file.is_file(), f"gdb failed:\n{r.stdout}\n{r.stderr}"
    assert "Traceback" not in r.stderr, r.stderr
    results = json.loads(out_file.read_text())
    stats = results.pop()
    assert stats["err"] is None, f"the helpers did not load: {stats['err']}\n{r.stderr}"
    return {x["cmd"]: (x["out"], x["err"]) for x in results}, json.loads(stats["out"])


def error_lines(build, port, commands, tmp_path, vmlinux=True, preamble=()):
    """
    [(command, what gdb printed for it)] with commands run as -ex lines, as a user types
    them, Python's full tracebacks on: a marker is echoed before each, stdout and stderr are
    read together.
    """
    argv = gdb_argv(build, port, vmlinux=vmlinux) + ["-ex", "set python print-stack full"]
    for p in preamble:
        argv += ["-ex", p]
    for i, c in enumerate(commands):
        argv += ["-ex", f"echo @@{i}@@\\n", "-ex", c]
    argv += ["-ex", f"echo @@{len(commands)}@@\\n"]
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=GDB_TIMEOUT, stdin=subprocess.DEVNULL, cwd=tmp_path)
    out = r.stdout
    assert "Traceback" not in out and "Python Exception" not in out, out
    got = []
    for i, c in enumerate(commands):
        m = re.search(rf"@@{i}@@\n(.*?)@@{i + 1}@@\n", out, re.S)
        assert m, f"no output section for {c!r} in:\n{out}"
        got.append((c, m.group(1)))
    return got


# ---------------------------------------------------------------------------------------------
# One carto with a gdbstub, its monitor's answers, then gdb's answers with the VM paused


def ptdump_sample(runs):
    """Addresses over every run of `ptdump all`: each run's first, middle and last page."""
    out = []
    for r in runs:
        end = min(r.end, 1 << 64) - 1
        mid = (r.start + (end - r.start) // 2) & ~0xfff
        out += [r.start, mid + 0x7a8, end] if r.present else [r.start, mid]
    return [va for va in out if is_canonical(va)]


def symbol_sample(system_map):
    names = ("_text", "start_kernel", "_etext", "__start_rodata", "carto_banner", "_erodata",
             "_sdata", "log_buf", "contig_page_data", "init_top_pgt", "boot_command_line",
             "__bss_start", "_end")
    by_name = {s.name: s.addr for s in system_map}
    return [by_name[n] for n in names if n in by_name]


@pytest.fixture(scope="module")
def gdb_vm(build, variant_iso):
    if not (build.dir / "vmlinux-gdb.py").is_file():
        pytest.fail(f"{build.dir}/vmlinux-gdb.py is missing: run make", pytrace=False)
    with booted_with_gdbstub(build, iso=variant_iso(cmdline=CMDLINE), mem=MEM, name="gdb") as vm:
        yield vm


@pytest.fixture(scope="module")
def exchange(gdb_vm, build, tmp_path_factory):
    """
    (monitor outputs {command: text}, gdb results {command: (out, err)}, gva2gpa {va: pa},
    the addresses walked, gdb's read stats): the monitor first, then the VM paused.
    """
    c, port = gdb_vm
    tmp = tmp_path_factory.mktemp("gdb")
    monitor = {}
    # buddyinfo first: it drains the per-CPU lists, which nothing below refills.
    for cmd in ("buddyinfo", "ptdump", "ptdump all", "layout", "layout 5", "dmesg", "meminfo",
                "version", "cmdline") + RANGES:
        monitor[cmd] = c.cmd(cmd)
    runs = parse_ptdump(monitor["ptdump all"])
    vas = sorted(set(ptdump_sample(runs) + symbol_sample(read_system_map(build.system_map))
                     + [0x1000, PAGE_OFFSET + 0xc0000000, 0xffffffffffffffff]))
    for va in vas:
        monitor[f"pagewalk {va:#x}"] = c.cmd(f"pagewalk {va:#x}")
    cr3 = c.registers()["CR3"]
    pte_cases = [f"pte {v} {lvl}" for v in ("0x8000000000000163", "0x1e3", "0x1003", "0",
                                            "0x78000000000000ff", "0xfff")
                 for lvl in ("pgd", "p4d", "pud", "pmd", "pte")]
    for cmd in pte_cases + [f"pagewalk 0xffffffff81000000 {cr3:#x}"]:
        monitor[cmd] = c.cmd(cmd)

    c.hmp("stop")
    gva2gpa = {}
    for va in vas:
        out = c.hmp(f"gva2gpa {va:#x}").strip()
        gva2gpa[va] = int(out.split()[1], 16) if out.startswith("gpa:") else None
    commands = ["lx-" + cmd for cmd in monitor] + ["translate-vm start_kernel"]
    gdb, stats = gdb_batch(build, port, commands, tmp)
    c.hmp("cont")
    return monitor, gdb, gva2gpa, vas, stats


def gdb_out(gdb, cmd):
    out, err = gdb[cmd]
    assert err is None, f"{cmd}: {err}"
    return out


def test_pagewalk_sample_covers_every_populated_region(exchange):
    """60+ addresses; mapped ones in every region `layout` says has mappings, every header."""
    monitor, _, gva2gpa, vas, _ = exchange
    assert len(vas) >= 50
    headers = {r.header for r in parse_ptdump(monitor["ptdump all"]) if r.present}
    walked = {r.header for r in parse_ptdump(monitor["ptdump all"])
              for va in vas if r.present and r.start <= va < r.end}
    assert headers <= walked, f"ptdump regions never walked: {headers - walked}"
    live = monitor["layout"].split("Mapped now")[1].splitlines()[2:]
    populated = {line[:36].rstrip() for line in live if line[37:46].strip() != "-"}
    mapped = {parse_pagewalk(va, monitor[f"pagewalk {va:#x}"]).region[:36].rstrip()
              for va in vas if gva2gpa[va] is not None}
    assert len(populated) >= 5 and populated <= mapped, f"never walked: {populated - mapped}"


def test_pagewalk_equals_monitor_and_qemu(exchange):
    monitor, gdb, gva2gpa, vas, _ = exchange
    for va in vas:
        cmd = f"pagewalk {va:#x}"
        out = gdb_out(gdb, "lx-" + cmd)
        assert out == monitor[cmd], f"lx-{cmd}:\n{out}\nmonitor:\n{monitor[cmd]}"
        assert parse_pagewalk(va, out).pa == gva2gpa[va], f"{va:#x}: QEMU says {gva2gpa[va]}"


def test_pagewalk_with_cr3_and_as_translate_vm(exchange, gdb_vm):
    monitor, gdb, *_ = exchange
    cmd = next(c for c in monitor if c.startswith("pagewalk 0xffffffff81000000 "))
    assert gdb_out(gdb, "lx-" + cmd) == monitor[cmd]
    c, _ = gdb_vm
    assert gdb_out(gdb, "translate-vm start_kernel") == c.cmd("pagewalk start_kernel")


def test_buddyinfo_notes_pages_on_per_cpu_lists(gdb_vm, build, tmp_path):
    """
    The counts as they are, and a note when the per-CPU lists hold pages: 3 set by hand for
    a moment (the memory write also drops the helpers' cache), then put back.
    """
    c, port = gdb_vm
    pcp = "contig_page_data.node_zones[1].pcp[0].count"
    c.hmp("stop")
    try:
        got = error_lines(build, port, [
            "lx-buddyinfo", f"set var {pcp} = {pcp} + 3", "lx-buddyinfo",
            f"set var {pcp} = {pcp} - 3", "lx-buddyinfo"], tmp_path)
    finally:
        c.hmp("cont")
    before, during, after = got[0][1], got[2][1], got[4][1]
    assert before == after and "note" not in before
    assert all(line.startswith("Node 0, zone ") for line in before.splitlines())
    assert during.splitlines() == ["lx-buddyinfo: note: 3 order-0 pages are on per-CPU lists, "
                                   "not counted (the monitor's buddyinfo drains them into the "
                                   "buddy first)"] + before.splitlines(), during


@pytest.mark.parametrize("cmd", ["ptdump", "ptdump all", *RANGES, "layout", "layout 5",
                                 "buddyinfo", "dmesg", "meminfo", "version", "cmdline"])
def test_equals_monitor(exchange, cmd):
    monitor, gdb, *_ = exchange
    out = gdb_out(gdb, "lx-" + cmd)
    assert out.strip(), f"lx-{cmd} printed nothing"
    if cmd == "cmdline":
        assert out == CMDLINE + "\n"
    assert out == monitor[cmd], f"lx-{cmd}:\n{out}\nmonitor:\n{monitor[cmd]}"


def test_pte_equals_monitor(exchange):
    monitor, gdb, *_ = exchange
    cases = [c for c in monitor if c.startswith("pte ")]
    assert len(cases) == 30
    for cmd in cases:
        assert gdb_out(gdb, "lx-" + cmd) == monitor[cmd], cmd


def test_ptdump_reads_each_table_page_once(exchange, gdb_vm, build, tmp_path):
    """lx-ptdump of the kernel half: one physical read per page-table page, as QEMU counts."""
    c, port = gdb_vm
    c.hmp("stop")
    try:
        tables = qemu_table_pages(c, c.registers()["CR3"] & ~0xfff, 256)
        _, stats = gdb_batch(build, port, ["lx-ptdump"], tmp_path, name="reads")
    finally:
        c.hmp("cont")
    assert stats["phys_reads"] == len(tables), (stats, len(tables))


def qemu_table_pages(c, pgd_pa, first_slot):
    """The page-table pages under pgd slots first_slot..511 (the pgd too), read by HMP xp."""
    def entries(pa):
        out = c.hmp(f"xp /512gx {pa:#x}")
        words = [int(w, 16) for line in out.splitlines() if ":" in line
                 for w in line.split(":", 1)[1].split()]
        assert len(words) == 512, out
        return words

    pages, todo = [pgd_pa], [(pgd_pa, 0, first_slot)]
    while todo:
        pa, level, first = todo.pop()
        for i, e in enumerate(entries(pa)):
            if i < first or not e & 1 or level == 3 or (level in (1, 2) and e & 0x80):
                continue
            lower = e & 0x000ffffffffff000
            pages.append(lower)
            todo.append((lower, level + 1, 0))
    return pages


def test_functions(exchange, gdb_vm, build, tmp_path):
    _, _, gva2gpa, vas, _ = exchange
    c, port = gdb_vm
    mapped = [va for va in vas if gva2gpa[va] is not None][::7]
    cmds = [f"p/x $lx_virt_to_phys({va:#x})" for va in mapped]
    cmds += ["p $lx_phys_to_virt(0x1234)", "p $lx_pfn_to_page(0x1234)",
             "p $container_of($lx_pfn_to_page(0x1234), \"struct page\", \"lru.prev\")",
             "p $container_of(&contig_page_data.node_zones[1].pcp, \"struct zone\", \"pcp\")",
             "p &contig_page_data.node_zones[1]"]
    c.hmp("stop")
    try:
        got, _ = gdb_batch(build, port, cmds, tmp_path, name="functions")
    finally:
        c.hmp("cont")
    for va in mapped:
        out = gdb_out(got, f"p/x $lx_virt_to_phys({va:#x})")
        assert int(out.split("=")[1], 16) == gva2gpa[va], (va, out)
    assert f"(void *) {PAGE_OFFSET + 0x1234:#x}" in gdb_out(got, cmds[len(mapped)])
    page = VMEMMAP_START + 0x1234 * STRUCT_PAGE_SIZE
    assert f"(struct page *) {page:#x}" in gdb_out(got, cmds[len(mapped) + 1])
    lru_prev = 16  # struct page: flags, lru.next, then lru.prev
    assert f"(struct page *) {page - lru_prev:#x}" in gdb_out(got, cmds[len(mapped) + 2])
    zone = gdb_out(got, cmds[-1]).split(")", 1)[1].split()[0]
    assert re.search(rf"\(struct zone \*\) {zone}\b", gdb_out(got, cmds[-2]))


# ---------------------------------------------------------------------------------------------
# Errors: one line each, never a traceback

BAD_INPUT = [
    ("lx-pagewalk 0x8000000000000000",
     "lx-pagewalk: 0x8000000000000000: non-canonical address (bits 63..47 differ): the CPU "
     "raises #GP before any walk"),
    ("lx-pagewalk", "usage: lx-pagewalk ADDR [CR3]"),
    ("lx-pagewalk 1 2 3", "usage: lx-pagewalk ADDR [CR3]"),
    ("lx-pagewalk no_such_symbol", "lx-pagewalk: cannot read 'no_such_symbol' as an address"),
    ("lx-pte", "usage: lx-pte VALUE [pgd|p4d|pud|pmd|pte]"),
    ("lx-pte 0x63 pxd", "usage: lx-pte VALUE [pgd|p4d|pud|pmd|pte]"),
    ("lx-ptdump 0x2000 0x1000", "usage: lx-ptdump [kernel|all|START END]"),
    ("lx-ptdump everything", "usage: lx-ptdump [kernel|all|START END]"),
    ("lx-layout 6", "usage: lx-layout [4|5|live]"),
    ("lx-dmesg now", "usage: lx-dmesg"),
    ("lx-buddyinfo 1", "usage: lx-buddyinfo"),
    ("lx-meminfo 1", "usage: lx-meminfo"),
    ("lx-version 1", "usage: lx-version"),
    ("lx-cmdline 1", "usage: lx-cmdline"),
    ("p $lx_virt_to_phys(0x1000)",
     "$lx_virt_to_phys: 0x0000000000001000: not mapped (user space, different per mm)"),
    ("p $lx_virt_to_phys(0xffffec0000000000)",
     "$lx_virt_to_phys: 0xffffec0000000000: not mapped (kasan shadow memory (16TB))"),
    ("p $lx_virt_to_phys(0x0000800000000000)",
     "$lx_virt_to_phys: 0x0000800000000000: non-canonical address"),
    ("p $lx_phys_to_virt(0xc0000000)",
     "$lx_phys_to_virt: pa 0xc0000000: not in the direct map (no RAM there)"),
    ("p $lx_pfn_to_page(0xfffffffff)", "$lx_pfn_to_page: pfn 0xfffffffff: beyond the last"),
    ("p $lx_pfn_to_page()", "usage: $lx_pfn_to_page(PFN)"),
    ("p $container_of(0, \"struct page\", \"nope\")",
     "$container_of: struct page has no member 'nope'"),
    ("p $container_of(0, \"struct nope\", \"x\")", "$container_of: no type 'struct nope'"),
]


def check_one_line(got, expected):
    for (cmd, text), want in zip(got, expected):
        lines = text.splitlines()
        assert len(lines) == 1 and lines[0].startswith(want), f"{cmd}: {text!r}, want {want!r}"


def test_bad_input_one_line(gdb_vm, build, tmp_path):
    c, port = gdb_vm
    c.hmp("stop")
    try:
        got = error_lines(build, port, [cmd for cmd, _ in BAD_INPUT], tmp_path)
    finally:
        c.hmp("cont")
    check_one_line(got, [want for _, want in BAD_INPUT])


def test_bad_input_as_the_monitor_says_it(gdb_vm):
    """The errors the monitor has too read the same, with the lx- name."""
    c, _ = gdb_vm
    assert c.cmd("pagewalk 0x8000000000000000").strip() == BAD_INPUT[0][1][len("lx-"):]
    assert c.cmd("pagewalk").strip() == BAD_INPUT[1][1].replace("lx-", "")
    assert c.cmd("pte 0x63 pxd").strip() == BAD_INPUT[5][1].replace("lx-", "")
    assert c.cmd("ptdump 0x2000 0x1000").strip() == BAD_INPUT[6][1].replace("lx-", "")


def test_no_target(build, tmp_path):
    """Without a target: the commands that need one say so; read-only data still works."""
    need_target = ("lx-dmesg", "lx-ptdump", "lx-meminfo", "p $lx_virt_to_phys(0)", "lx-cpus",
                   "lx-tlb", "lx-interrupts", "p $lx_per_cpu(cpu_number, 0)")
    *need, version, pte = error_lines(build, None, [*need_target, "lx-version", "lx-pte 0x63"],
                                      tmp_path)
    check_one_line(need, [f"{cmd.removeprefix('p ').split('(')[0]}: no target: start QEMU"
                          for cmd in need_target])
    assert version[1].startswith("carto version "), version
    assert pte[1].startswith("pte entry 0x0000000000000063: present"), pte


def test_target_without_carto_symbols(gdb_vm, build, tmp_path):
    """The helpers loaded by hand into a gdb without vmlinux: each says what is missing."""
    c, port = gdb_vm
    c.hmp("stop")
    try:
        got = error_lines(build, port, ["lx-version", "lx-dmesg", "lx-ptdump"], tmp_path,
                          vmlinux=False,
                          preamble=[f"source {build.dir.resolve()}/vmlinux-gdb.py"])
    finally:
        c.hmp("cont")
    check_one_line(got, ["lx-version: no symbol 'carto_banner'",
                         "lx-dmesg: no symbol 'log' in kernel/printk/printk.c",
                         "lx-ptdump: no type 'enum pt_level'"])


def test_from_the_first_instruction(build, launch, tmp_path):
    """
    QEMU paused at the reset vector: page-table commands refuse with the recipe; after
    lx-break-startup and continue, the CPU is at startup_64's physical address, in long mode
    on the stub's identity map, and lx-pagewalk walks it as QEMU translates.
    """
    port = free_port()
    launch(name="gdb-early", extra_args=["-S", "-gdb", f"tcp:127.0.0.1:{port}"])
    got = error_lines(build, port, [
        "lx-ptdump", "lx-dmesg", "lx-break-startup", "continue", "p/x $pc", "p/x $efer",
        "p/x $cr3", "lx-pagewalk 0x1000000", "monitor gva2gpa 0x1000000",
        'lx-pagewalk "(unsigned long)$pc + 0x123"', "monitor gva2gpa 0x1000123",
        "lx-pagewalk startup_64", "lx-version"], tmp_path)
    out = dict(got)
    recipe = "hbreak *0x1000000 (startup_64's physical address, LOAD_PHYSICAL_ADDR), " \
             "continue, then set architecture i386:x86-64"
    check_one_line(got[:2], ["lx-ptdump: the CPU is not in long mode yet",
                             "lx-dmesg: the kernel image is not in memory yet"])
    assert got[0][1].rstrip().endswith(recipe) and got[1][1].rstrip().endswith(recipe)
    assert "Hardware assisted breakpoint 1 at 0x1000000" in out["lx-break-startup"]
    assert out["p/x $pc"].strip().endswith("= 0x1000000"), out["p/x $pc"]
    efer = int(out["p/x $efer"].split("=")[1], 16)
    assert efer & 0x400, f"EFER {efer:#x}: not in long mode at the entry"
    cr3 = int(out["p/x $cr3"].split("=")[1], 16)
    for cmd, va in (("lx-pagewalk 0x1000000", 0x1000000),
                    ('lx-pagewalk "(unsigned long)$pc + 0x123"', 0x1000123)):
        w = parse_pagewalk(va, out[cmd])
        assert w.cr3 == cr3 & ~0xfff, out[cmd]
        assert out[f"monitor gva2gpa {va:#x}"].strip() == f"gpa: {w.pa:#x}", out[cmd]
    w = parse_pagewalk(START_KERNEL_MAP + 0x1000000, out["lx-pagewalk startup_64"])
    assert w.stopped == "pgd", out["lx-pagewalk startup_64"]
    assert out["lx-version"].startswith("carto version "), out["lx-version"]


def test_dmesg_after_the_ring_wraps(build, launch, tmp_path):
    """Oops reports (printk) until the 128 KiB ring has dropped its first records and wrapped."""
    port = free_port()
    c = launch(name="gdb-dmesg", extra_args=["-gdb", f"tcp:127.0.0.1:{port}"])
    c.wait_prompt()
    for i in range(400):
        c.cmd("oops read 0x10")
        if i % 20 == 19 and "] carto version" not in c.cmd("dmesg").splitlines()[0]:
            break
    else:
        pytest.fail("the log never wrapped")
    for _ in range(7):  # move the write position past a wrap marker, whatever it was
        c.cmd("oops write 0x18")
    monitor = c.cmd("dmesg")
    c.hmp("stop")
    got, _ = gdb_batch(build, port, ["lx-dmesg"], tmp_path, name="dmesg")
    assert gdb_out(got, "lx-dmesg") == monitor
