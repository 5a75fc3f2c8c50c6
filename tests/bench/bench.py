#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""make bench: carto's boot timeline under TCG, its memory figures, its lz4 decoder and size.

1. Boot build/carto.iso and a trivial multiboot2 kernel (tests/bench/trivial/, the firmware +
   GRUB floor) in QEMU, alternately, and timestamp on the host the moment each marker appears
   on the serial line, in ms from QEMU's start.
2. Boot carto at -m 512M, 16G and 64G, alternately (64G on a sparse file through QEMU's
   memory-backend-file): QEMU start -> prompt and start_kernel -> prompt against RAM size;
   at the prompt, the monitor's `bench buddy|ptwalk|ptmem` and the wall time of `ptdump kernel`.
3. Run tests/bench/lz4_bench.sh (the stub's decoder against liblz4), if it exists.
4. Compare the payload in vmlinuz with `lz4 -l -9` of the same input.
5. tests/bench/gdb_bench.py (lx-ptdump under gdb) and tests/bench/slab_bench.sh (kmalloc).
6. tests/bench/tlb_bench.py: boot carto at -smp 1..4; the monitor's `bench tlb` (invlpg
   against a full flush by page count: where the single-page flush ceiling belongs) and
   `bench shootdown` (one-page flush latency against CPU count). TCG, labelled as such: KVM
   does not work on this host.

Run from anywhere, after `make`. The build directory is --build, else $CARTO_BUILD, else $O
(so `make bench O=build-bench` works), else build/. Exits 1 if something failed to run (a
boot above the host's RAM that QEMU cannot start is reported, not counted), 0 otherwise.
"""

import argparse
import contextlib
import os
import re
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"
TRIVIAL_SRC = ROOT / "tests" / "bench" / "trivial"
TRIVIAL_OUT = BUILD / "bench" / "trivial"
TRIVIAL_ISO = BUILD / "bench" / "trivial.iso"
CARTO_ISO = BUILD / "carto.iso"
LZ4_BENCH = ROOT / "tests" / "bench" / "lz4_bench.sh"
VMLINUX_BIN = BUILD / "vmlinux.bin"
PAYLOAD = BUILD / "vmlinux.bin.lz4"
VMLINUZ = BUILD / "vmlinuz"

QEMU = ["qemu-system-x86_64", "-m", "512M", "-accel", "tcg", "-cpu", "max", "-boot", "d",
        "-nic", "none", "-display", "none", "-no-reboot", "-serial", "stdio",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]

BOOT_TIMEOUT = 60.0     # s from QEMU's start to the last marker, at most
IDLE_TIMEOUT = 15.0     # s without serial output before the last marker: a hang
EXIT_TIMEOUT = 10.0     # s for QEMU to exit after the last marker (then it is killed)
TARGET_OVER_FLOOR = 100.0  # ms
CMD_TIMEOUT = 30.0      # s from typing a monitor command to the next prompt, at most
PROMPT = b"carto> "

# Part 2: RAM sizes, the first being the baseline the others are compared with.
RAM_SIZES = ["512M", "16G", "64G"]
RAM_TARGETS = {"16G": 1.3, "64G": 1.5}     # at most this many times the baseline's boot
FILE_BACKED_ABOVE = 16 << 30   # larger guests get a sparse file: this host has 24 GiB
PHYS_BITS_ABOVE = 1 << 40      # QEMU's TCG default phys-bits is 40: 1 TiB of physical space
PHYS_BITS = 46
PTDUMP_SIZE = "16G"            # `bench ptwalk` and `ptdump kernel` are measured at this size
LINUX_BUDDY_CYCLES = (158, 199)  # order-0 alloc+free pair: Linux's published native range


@dataclass
class Kernel:
    """A bootable ISO and the serial markers to timestamp, in the order they appear."""
    name: str
    iso: Path
    markers: list          # (label, bytes on the serial line)
    reply: bytes = b""     # sent once the last marker is seen (e.g. "poweroff\r")
    mem: str = "512M"      # QEMU's -m
    commands: tuple = ()   # monitor commands typed at the prompt, before the reply


@dataclass
class Boot:
    """One boot: ms from QEMU's start to each marker seen, and what went wrong, if anything."""
    times: dict = field(default_factory=dict)
    coalesced: bool = False  # two markers came in one read: their stage looks like 0 ms
    error: str = ""
    killed: bool = False   # QEMU did not exit by itself after the last marker
    output: bytes = b""
    replies: dict = field(default_factory=dict)  # command -> (its output, s to the prompt)


CARTO = Kernel("carto", CARTO_ISO, [
    ("stub entry", b"carto: boot stub at"),
    ("decompression done", b"Booting the kernel."),
    ("start_kernel", b"carto version"),
    ("prompt", b"carto> "),
], reply=b"poweroff\r")

TRIVIAL = Kernel("trivial", TRIVIAL_ISO, [("its line", b"trivial: hello")])

# Stages of carto's boot: (label, from marker or None for QEMU's start, to marker).
STAGES = [
    ("QEMU start -> stub entry (firmware + GRUB)", None, "stub entry"),
    ("stub entry -> done (decompression + placement)", "stub entry", "decompression done"),
    ("done -> start_kernel", "decompression done", "start_kernel"),
    ("start_kernel -> prompt", "start_kernel", "prompt"),
]


def rel(path):
    """A path relative to the top of the tree, for messages."""
    return os.path.relpath(path, ROOT)


def build_dir(option):
    """The build directory: --build, else $CARTO_BUILD, else make's $O, else build/.

    make's O is relative to the top of the tree (make bench O=build-bench exports it), the
    others to the current directory.
    """
    chosen = option or os.environ.get("CARTO_BUILD")
    if chosen:
        return Path(chosen).resolve()
    return (ROOT / os.environ.get("O", "build")).resolve()


def set_build(path):
    """Point the build products (and the kernels' ISOs) at the build directory `path`."""
    global BUILD, TRIVIAL_OUT, TRIVIAL_ISO, CARTO_ISO, VMLINUX_BIN, PAYLOAD, VMLINUZ
    BUILD = path
    TRIVIAL_OUT = BUILD / "bench" / "trivial"
    TRIVIAL_ISO = BUILD / "bench" / "trivial.iso"
    CARTO_ISO = BUILD / "carto.iso"
    VMLINUX_BIN = BUILD / "vmlinux.bin"
    PAYLOAD = BUILD / "vmlinux.bin.lz4"
    VMLINUZ = BUILD / "vmlinuz"
    CARTO.iso, TRIVIAL.iso = CARTO_ISO, TRIVIAL_ISO


def parse_size(text):
    """Bytes in a QEMU size such as 512M or 64G."""
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    match = re.fullmatch(r"(\d+)([KMGT]?)", text.strip().upper())
    if not match:
        raise ValueError(f"not a size: {text!r} (expected e.g. 512M, 16G)")
    return int(match[1]) * units.get(match[2], 1)


def size_list(text):
    """--sizes: QEMU sizes separated by commas, each checked (ValueError if one is not)."""
    sizes = text.split(",")
    for size in sizes:
        parse_size(size)
    return sizes


class Failure(Exception):
    """Something the benchmark needs failed to run."""


def heading(title):
    """Print a section heading."""
    print(f"\n{title}\n{'=' * len(title)}")


def table(headers, rows, text_columns=1, indent=2):
    """Print rows as an aligned table: the first text_columns left-aligned, figures right."""
    cells = [list(map(str, headers))] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        line = [c.ljust(w) if i < text_columns else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths))]
        print(" " * indent + "  ".join(line).rstrip())
        if n == 0:
            print(" " * indent + "  ".join("-" * w for w in widths))


def spread(values):
    """(median, min, max) of a list of numbers, or None if it is empty."""
    if not values:
        return None
    return statistics.median(values), min(values), max(values)


def ms(value):
    """A figure in ms for the tables, or a dash."""
    return "-" if value is None else f"{value:.0f}"


def run(cmd, **kwargs):
    """Run a command from the top of the tree; raise Failure with its output if it fails."""
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        raise Failure(f"{' '.join(map(str, cmd))}: exit {proc.returncode}\n"
                      f"{proc.stdout}{proc.stderr}".rstrip())
    return proc


# ---------------------------------------------------------------------------------------------
# The trivial kernel


def build_trivial():
    """Build build/bench/trivial.iso from tests/bench/trivial/ if it is missing or stale."""
    sources = [TRIVIAL_SRC / name for name in ("trivial.asm", "trivial.ld", "grub.cfg")]
    newest = max(p.stat().st_mtime for p in sources)
    if TRIVIAL_ISO.exists() and TRIVIAL_ISO.stat().st_mtime >= newest:
        return False
    iso_dir = TRIVIAL_OUT / "iso"
    (iso_dir / "boot" / "grub").mkdir(parents=True, exist_ok=True)
    obj = TRIVIAL_OUT / "trivial.o"
    run(["nasm", "-f", "elf32", "-w+all", "-o", obj, sources[0]])
    run(["ld", "-m", "elf_i386", "-T", sources[1], "-o", iso_dir / "boot" / "trivial", obj])
    shutil.copyfile(sources[2], iso_dir / "boot" / "grub" / "grub.cfg")
    tmp = TRIVIAL_ISO.with_suffix(".iso.tmp")
    run(["grub-mkrescue", "-o", tmp, iso_dir])
    tmp.replace(TRIVIAL_ISO)
    return True


# ---------------------------------------------------------------------------------------------
# Boot timeline


class Serial:
    """QEMU's serial line (its stdout, -serial stdio) and its stdin; every byte read is kept.

    Read unbuffered with select + os.read, so an arrival time is late by no more than the time
    to wake up for the read (~1 ms).
    """

    def __init__(self, proc):
        self.proc = proc
        self.fd = proc.stdout.fileno()
        self.buf = bytearray()

    def read(self, timeout):
        """Wait up to timeout s for output; keep it and return its arrival time, None if none.

        Raises EOFError once QEMU has closed the line (it exited).
        """
        if not select.select([self.fd], [], [], max(0.0, timeout))[0]:
            return None
        chunk = os.read(self.fd, 65536)
        now = time.monotonic()
        if not chunk:
            raise EOFError
        self.buf += chunk
        return now

    def command(self, line, timeout=CMD_TIMEOUT):
        """Type line at the monitor's prompt; return (what came up to the next prompt, s).

        The time runs from the write to the arrival of the read that completes the prompt.
        """
        mark = len(self.buf)
        start = now = time.monotonic()
        self.proc.stdin.write(line.encode() + b"\r")
        self.proc.stdin.flush()
        while (end := self.buf.find(PROMPT, mark)) < 0:
            left = start + timeout - time.monotonic()
            if left <= 0:
                raise Failure(f"no prompt {timeout:.0f} s after '{line}'")
            now = self.read(left) or now
        return bytes(self.buf[mark:end]), now - start


def memory_args(kernel, ram_file=None):
    """QEMU's arguments for kernel's RAM: -m, the file backend if ram_file, phys-bits if needed."""
    args = ["-m", kernel.mem]
    if ram_file:
        args += ["-object", f"memory-backend-file,id=ram0,size={kernel.mem},mem-path={ram_file},"
                 "share=on", "-machine", "memory-backend=ram0"]
    if parse_size(kernel.mem) > PHYS_BITS_ABOVE:
        cpu = QEMU[QEMU.index("-cpu") + 1]
        args += ["-cpu", f"{cpu},phys-bits={PHYS_BITS}"]
    return args


def qemu_command(kernel, ram_file=None):
    """QEMU's command line for one boot of kernel (a later -m or -cpu overrides QEMU's)."""
    cmd = list(QEMU)
    at = cmd.index("-m")
    del cmd[at:at + 2]
    return cmd + memory_args(kernel, ram_file) + ["-cdrom", str(kernel.iso)]


def file_backed(kernel):
    """Whether kernel's RAM goes to a sparse file rather than QEMU's anonymous memory."""
    return parse_size(kernel.mem) > FILE_BACKED_ABOVE


@contextlib.contextmanager
def sparse_ram_file(kernel):
    """A new sparse file of kernel's RAM size in the build directory (None if not needed).

    QEMU maps it shared, so only the pages the guest touches take host memory (written back
    to the file); a fresh file per boot, deleted afterwards, so no boot sees another's RAM.
    """
    if not file_backed(kernel):
        yield None
        return
    (BUILD / "bench").mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f"ram-{kernel.mem}-", dir=BUILD / "bench")
    try:
        os.ftruncate(fd, parse_size(kernel.mem))
        os.close(fd)
        yield name
    finally:
        os.unlink(name)


def boot(kernel):
    """Boot kernel.iso once, on a new sparse file if its RAM is file-backed; see boot_on."""
    try:
        with sparse_ram_file(kernel) as ram_file:
            return boot_on(kernel, ram_file)
    except OSError as err:
        if not file_backed(kernel):
            raise
        return Boot(error=f"no sparse file for its RAM: {err}")


def boot_on(kernel, ram_file):
    """Boot kernel.iso once; timestamp each marker as its last byte arrives on the serial line.

    Once the last marker is seen, type kernel.commands (each waits for the next prompt), then
    send kernel.reply.
    """
    result = Boot()
    pending = list(kernel.markers)
    with tempfile.TemporaryFile() as stderr:
        start = time.monotonic()
        proc = subprocess.Popen(qemu_command(kernel, ram_file), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=stderr, cwd=ROOT)
        serial = Serial(proc)
        now = start
        try:
            while pending:
                deadline = min(start + BOOT_TIMEOUT, now + IDLE_TIMEOUT)
                left = deadline - time.monotonic()
                if left <= 0:
                    result.error = (f"no '{pending[0][0]}' after {time.monotonic() - start:.0f} s "
                                    f"(limits: {BOOT_TIMEOUT:.0f} s, {IDLE_TIMEOUT:.0f} s silent)")
                    break
                try:
                    arrived = serial.read(left)
                except EOFError:
                    result.error = (f"QEMU exited (status {proc.wait()}) before "
                                    f"'{pending[0][0]}'")
                    break
                if arrived is None:
                    continue
                now = arrived
                found = 0
                while pending and pending[0][1] in serial.buf:
                    result.times[pending.pop(0)[0]] = (now - start) * 1000.0
                    found += 1
                result.coalesced |= found > 1
            if not pending:
                run_commands(serial, kernel, result)
            if not pending and not result.error and kernel.reply:
                proc.stdin.write(kernel.reply)
                proc.stdin.flush()
            proc.stdin.close()
            if not result.error:
                drain_until_exit(serial)
        finally:
            result.killed = proc.poll() is None
            if result.killed:
                proc.kill()
                proc.wait()
            proc.stdout.close()
        result.output = bytes(serial.buf)
        if result.error:
            stderr.seek(0)
            result.output += stderr.read()
    return result


def run_commands(serial, kernel, result):
    """Type kernel.commands at the prompt into result.replies; a failure goes to result.error."""
    for line in kernel.commands:
        try:
            result.replies[line] = serial.command(line)
        except (EOFError, BrokenPipeError):
            result.error = f"QEMU exited (status {serial.proc.wait()}) during '{line}'"
            return
        except Failure as err:
            result.error = str(err)
            return


def drain_until_exit(serial):
    """Keep reading the serial line until QEMU exits, for at most EXIT_TIMEOUT s."""
    deadline = time.monotonic() + EXIT_TIMEOUT
    while time.monotonic() < deadline:
        try:
            serial.read(deadline - time.monotonic())
        except EOFError:
            break
    try:
        serial.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        pass


def tail(output, lines=8):
    """The last lines of a boot's output, printable."""
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output.decode("utf-8", "replace"))
    text = text.replace("\r", "")
    return "\n".join("      | " + line for line in text.splitlines()[-lines:])


def boot_all(kernels, boots, warmup):
    """Boot each kernel `boots` times, alternating, after `warmup` discarded boots of each.

    Alternating spreads any drift in the host's load evenly over the kernels. A kernel whose
    boot fails is not booted again (each failure would cost the whole timeout).
    """
    results = {k.name: [] for k in kernels}
    failed = set()
    for n in range(warmup + boots):
        for kernel in kernels:
            if kernel.name in failed:
                continue
            result = boot(kernel)
            if result.error:
                failed.add(kernel.name)
                print(f"  {kernel.name} boot {n + 1}: FAILED: {result.error}; serial tail:")
                print(tail(result.output))
            if n >= warmup or result.error:
                results[kernel.name].append(result)
    return results


def marker_values(results, label):
    """The times of one marker over the boots that reached it."""
    return [r.times[label] for r in results if label in r.times]


def stage_values(results, begin, end):
    """The durations of one stage over the boots that reached its end (begin None: start)."""
    return [r.times[end] - (r.times[begin] if begin else 0.0)
            for r in results if end in r.times and (begin is None or begin in r.times)]


def spread_row(labels, values):
    """A table row: the label cells, median, min, max, n, then each boot's figure."""
    stats = spread(values) or (None, None, None)
    return [*labels, *map(ms, stats), len(values), " ".join(ms(v) for v in values)]


SPREAD_HEADERS = ["median ms", "min ms", "max ms", "n", "each boot (ms)"]


def report_timeline(results, boots, warmup):
    """Print the marker and stage tables; return the summary figures."""
    carto, trivial = results["carto"], results["trivial"]
    print(f"\nms from QEMU's start (host time.monotonic) to the marker on the serial line;\n"
          f"{boots} boots each, carto and trivial alternately, after {warmup} warm-up boot(s).\n")
    rows = [spread_row([kernel.name, label, repr(text.decode())],
                       marker_values(results[kernel.name], label))
            for kernel in (CARTO, TRIVIAL) for label, text in kernel.markers]
    table(["kernel", "marker", "serial text", *SPREAD_HEADERS], rows, text_columns=3)

    print("\ncarto's stages (each boot's difference, then median/min/max):\n")
    table(["stage", *SPREAD_HEADERS], [spread_row([label], stage_values(carto, a, b))
                                       for label, a, b in STAGES])

    prompt = spread(marker_values(carto, "prompt"))
    floor = spread(marker_values(trivial, "its line"))
    over = noise = None
    print()
    if not (prompt and floor):
        print("  carto over the floor: not measured (a boot failed; see above)")
    else:
        over = prompt[0] - floor[0]
        noise = max(prompt[2] - prompt[1], floor[2] - floor[1])
        print(f"  carto over the floor (prompt - trivial's line, medians): "
              f"{prompt[0]:.0f} - {floor[0]:.0f} = {over:.0f} ms"
              f"   [minima: {prompt[1]:.0f} - {floor[1]:.0f} = {prompt[1] - floor[1]:.0f} ms]")
        print(f"  target: carto adds under {TARGET_OVER_FLOOR:.0f} ms over the floor -> "
              f"{verdict(over, noise)}")
    own = spread(stage_values(carto, "stub entry", "prompt"))
    if own:
        print(f"  cross-check: carto's own code, stub entry -> prompt: {own[0]:.0f} ms median "
              f"({own[1]:.0f}..{own[2]:.0f}); the rest of the excess is GRUB loading a bigger file")
    stages = {label: spread(stage_values(carto, a, b)) for label, a, b in STAGES}
    return prompt, floor, over, noise, stages


def verdict(over, noise):
    """'met' or 'NOT met' for the target, flagged when the boots' spread exceeds the target."""
    text = "met" if over < TARGET_OVER_FLOOR else "NOT met"
    if noise > TARGET_OVER_FLOOR:
        text += (f" (but boot-to-boot spread is {noise:.0f} ms, over the target: host load;"
                 f" rerun, or use --boots)")
    return text


# ---------------------------------------------------------------------------------------------
# Boot time and memory figures against RAM size


def ram_kernels(sizes):
    """A carto Kernel per RAM size (the first is the baseline), with its monitor commands."""
    kernels = []
    for n, mem in enumerate(sizes):
        commands = ["bench buddy"] if n == 0 else []
        commands.append("bench ptmem")
        if mem == PTDUMP_SIZE:
            commands += ["bench ptwalk", "ptdump kernel"]
        kernels.append(Kernel(f"carto {mem}", CARTO_ISO, CARTO.markers, CARTO.reply,
                              mem=mem, commands=tuple(commands)))
    return kernels


def text_of(data):
    """Serial bytes as printable text: escape sequences and CRs removed."""
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", data.decode("utf-8", "replace"))
    return text.replace("\r", "")


def bench_values(results, name, key):
    """Over the boots: the integer `key` of `bench NAME`'s line of key=value pairs."""
    values = []
    for result in results:
        reply = result.replies.get(f"bench {name}")
        match = reply and re.search(rf"^bench {name}: (.*)$", text_of(reply[0]), re.M)
        pairs = dict(re.findall(r"(\w+)=(\d+)", match[1])) if match else {}
        if key in pairs:
            values.append(int(pairs[key]))
    return values


def host_limited(kernel, results):
    """Whether a file-backed size failed because QEMU could not start it (no marker at all)."""
    return file_backed(kernel) and any(r.error and not r.times for r in results)


def ratio_rows(base, kernels, results):
    """Rows comparing each size's boot with the baseline's, per span; and the verdicts."""
    spans = [("QEMU start -> prompt", None), ("start_kernel -> prompt", "start_kernel")]
    rows, verdicts = [], {}
    for kernel in kernels[1:]:
        target = RAM_TARGETS.get(kernel.mem)
        for label, begin in spans:
            this = spread(stage_values(results[kernel.name], begin, "prompt"))
            ref = spread(stage_values(results[base.name], begin, "prompt"))
            if not (this and ref):
                rows.append([kernel.mem, label, "-", "-", "-", "-", "not measured"])
                verdicts[kernel.mem, label] = None
                continue
            ratio = this[0] / ref[0]
            text = "-" if target is None else ("met" if ratio <= target else "NOT met")
            # Noisy: a boot-to-boot spread wider than the margin the target leaves.
            if target and max(this[2] - this[1], ref[2] - ref[1]) > (target - 1) * ref[0]:
                text += " (noisy)"
            rows.append([kernel.mem, label, f"<= {target}x" if target else "-", f"{ratio:.2f}x",
                         f"{this[1] / ref[1]:.2f}x", f"{this[0] - ref[0]:+.0f}", text])
            verdicts[kernel.mem, label] = (ratio, target, text)
    return rows, verdicts


def report_ram_boots(kernels, results, boots, warmup):
    """Print boot times per RAM size and the ratios to the baseline; return the verdicts."""
    base = kernels[0]
    backed = ", ".join(k.mem for k in kernels if file_backed(k)) or "none"
    print(f"\nms from QEMU's start to the marker (as above); {boots} boots at each size, "
          f"alternately, after {warmup}\nwarm-up boot(s). On a sparse file "
          f"(memory-backend-file, share=on): {backed}.\n")
    rows = []
    for kernel in kernels:
        rs = results[kernel.name]
        rows.append(spread_row([kernel.mem, "QEMU start -> stub entry (firmware + GRUB)"],
                               marker_values(rs, "stub entry")))
        rows.append(spread_row([kernel.mem, "start_kernel -> prompt"],
                               stage_values(rs, "start_kernel", "prompt")))
        rows.append(spread_row([kernel.mem, "QEMU start -> prompt"], marker_values(rs, "prompt")))
    table(["RAM", "span", *SPREAD_HEADERS], rows, text_columns=2)
    for kernel in kernels:
        if host_limited(kernel, results[kernel.name]):
            print(f"\n  {kernel.mem}: NOT MEASURED: QEMU could not start a guest this size here "
                  f"(host limits; its\n  message is above). The other sizes go on.")
    print(f"\nEach size against the {base.mem} boot: ratio of the medians (the target), of the "
          f"minima, and the\nexcess in ms; QEMU start -> prompt is mostly firmware + GRUB, "
          f"start_kernel -> prompt is carto's own.\n")
    rows, verdicts = ratio_rows(base, kernels, results)
    table(["RAM", "span", "target", "medians", "minima", "excess ms", "verdict"], rows,
          text_columns=2)
    if any("noisy" in row[-1] for row in rows):
        print("\n  (noisy): the boot-to-boot spread (max - min) at that size or the baseline is "
              "wider than the\n  margin the target leaves: host load; rerun, or use --boots")
    return verdicts


def report_in_kernel(kernels, results):
    """Print the monitor's `bench` figures and the `ptdump kernel` times; return them."""
    base = results[kernels[0].name]
    figures = {}
    mins = bench_values(base, "buddy", "order0_alloc_free_cycles_min")
    medians = bench_values(base, "buddy", "median")
    maxes = bench_values(base, "buddy", "max")
    khz = bench_values(base, "buddy", "tsc_khz")
    print(f"\n`bench buddy` at {kernels[0].mem}: order-0 alloc_page + __free_page, cycles per "
          f"pair (9 rounds of 20000 pairs\nper boot; min/median/max over the rounds; here the "
          f"min of the minima, the median of the medians).\n")
    carto = (min(mins), statistics.median(medians), max(maxes)) if medians else None
    low, high = LINUX_BUDDY_CYCLES
    table(["", "min", "median", "max", "boots", "each boot's median"], [
        ["carto, TCG virtual TSC cycles", *map(ms, carto or (None,) * 3), len(medians),
         " ".join(map(str, medians))],
        ["Linux, published (native TSC cycles)", low, "-", high, "", ""],
    ])
    if khz:
        print(f"\n  QEMU's virtual TSC: tsc_khz {min(khz)}..{max(khz)}; TCG runs each guest "
              f"instruction as several host ones,\n  so compare carto's figure with itself "
              f"over time, and only loosely with Linux's.")
    figures["buddy"] = carto
    figures.update(report_ptwalk(kernels, results))
    figures["ptmem"] = report_ptmem(kernels, results)
    figures["ptdump"] = report_ptdump(kernels, results)
    return figures


def report_ptwalk(kernels, results):
    """Print `bench ptwalk`'s figures at PTDUMP_SIZE; return {"ptwalk": (median, min)}."""
    rs = next((results[k.name] for k in kernels if k.mem == PTDUMP_SIZE), [])
    medians = bench_values(rs, "ptwalk", "median")
    mins = bench_values(rs, "ptwalk", "kernel_walk_us_min")
    mapped = bench_values(rs, "ptwalk", "mapped_kb")
    print(f"\n`bench ptwalk` at {PTDUMP_SIZE}: one in-kernel walk of the kernel half of the "
          f"tables (as ptdump makes it,\nnothing printed), us; 9 walks per boot.\n")
    walk = (statistics.median(medians), min(mins)) if medians and mins else None
    table(["", "min us", "median us", "boots", "each boot's median", "mapped"], [
        ["kernel half walk", ms(walk and walk[1]), ms(walk and walk[0]), len(medians),
         " ".join(map(str, medians)), f"{mapped[0] >> 20} GiB" if mapped else "-"]])
    return {"ptwalk": walk}


def report_ptmem(kernels, results):
    """Print `bench ptmem` per size against the floor; return {mem: (pages, per GiB)}."""
    print("\n`bench ptmem`: page-table pages under the direct map (pud and pmd tables), per "
          "GiB mapped;\nthe floor with 2 MiB pages is one 4 KiB page (a pmd table) per GiB.\n")
    rows, figures, notes = [], {}, []
    for kernel in kernels:
        rs = results[kernel.name]
        pages = bench_values(rs, "ptmem", "pagetable_pages")
        per_gib = [v / 1000 for v in bench_values(rs, "ptmem", "pages_per_gib_x1000")]
        mib = bench_values(rs, "ptmem", "direct_map_mib")
        if not (pages and per_gib and mib):
            rows.append([kernel.mem, "-", "-", "-", "1.000", "-", 0])
            continue
        if len(set(pages)) > 1:
            notes.append(f"  note: at {kernel.mem} the count varies over the boots: {pages}")
        figures[kernel.mem] = (pages[0], per_gib[0])
        rows.append([kernel.mem, f"{mib[0]} MiB", pages[0], f"{per_gib[0]:.3f}", "1.000",
                     f"{per_gib[0]:.2f}x", len(pages)])
    table(["RAM", "direct map", "pt pages", "pages/GiB", "floor", "x floor", "boots"], rows)
    print("\n".join(notes), end="\n" if notes else "")
    return figures


def report_ptdump(kernels, results):
    """Print `ptdump kernel`'s host wall time and lines at PTDUMP_SIZE; return medians."""
    rs = [r for k in kernels if k.mem == PTDUMP_SIZE for r in results[k.name]]
    replies = [r.replies["ptdump kernel"] for r in rs if "ptdump kernel" in r.replies]
    times = [seconds * 1000.0 for _, seconds in replies]
    # The first line is the command's echo; the rest is all the serial line carried.
    lines = [len(text_of(out).splitlines()) - 1 for out, _ in replies]
    print(f"\n`ptdump kernel` at {PTDUMP_SIZE}: host wall time from typing the command to the "
          f"next prompt, and the\nlines printed on the serial line in between (echo not "
          f"counted, any printk counted).\n")
    table(["", "median", "min", "max", "n", "each boot"], [
        spread_row(["wall time (ms)"], times), spread_row(["lines printed"], lines)])
    return (spread(times), spread(lines))


def ram_part(boots, warmup, sizes):
    """Part 2: boot carto at each RAM size, run the monitor's benches; (figures, failed)."""
    if not CARTO_ISO.exists():
        raise Failure(f"{rel(CARTO_ISO)} is missing: run make first")
    kernels = ram_kernels(sizes)
    for kernel in kernels:
        args = " ".join(memory_args(kernel, file_backed(kernel) and "FILE"))
        print(f"  {kernel.mem}: {args}\n  {' ' * len(kernel.mem)}  at the prompt: "
              f"{', '.join(kernel.commands)}")
    if any(map(file_backed, kernels)):
        print(f"  FILE: a new sparse file in {rel(BUILD / 'bench')}/ for each boot, deleted "
              f"after it")
    results = boot_all(kernels, boots, warmup)
    figures = {"boots": {k.mem: (spread(marker_values(results[k.name], "prompt")),
                                 spread(stage_values(results[k.name], "start_kernel", "prompt")))
                         for k in kernels},
               "base": kernels[0].mem,
               "limited": [k.mem for k in kernels if host_limited(k, results[k.name])]}
    figures["verdicts"] = report_ram_boots(kernels, results, boots, warmup)
    heading("In-kernel figures (the monitor's `bench` command) and `ptdump kernel`")
    figures.update(report_in_kernel(kernels, results))
    failed = any(r.error for k in kernels if not host_limited(k, results[k.name])
                 for r in results[k.name])
    return figures, failed


# ---------------------------------------------------------------------------------------------
# lz4 decoder and compressed size


def report_lz4_bench():
    """Pass tests/bench/lz4_bench.sh's output through; return its ratio line, if any."""
    if not LZ4_BENCH.exists():
        print(f"  {rel(LZ4_BENCH)} does not exist yet: decoder speed not measured")
        return "not measured (no lz4_bench.sh yet)"
    payload = [rel(PAYLOAD)] if PAYLOAD.exists() else []
    proc = run(["sh", rel(LZ4_BENCH), rel(VMLINUX_BIN), *payload], timeout=600)
    out = proc.stdout.rstrip()
    print("\n".join("  " + line for line in out.splitlines()))
    ratios = [line for line in out.splitlines() if line.lower().startswith("ratio")]
    return ratios[0] if ratios else "see above"


def report_sizes():
    """Print vmlinux.bin, the payload in vmlinuz and `lz4 -l -9` of it; return the ratio."""
    raw = VMLINUX_BIN.read_bytes()
    lz4_file = PAYLOAD.read_bytes()
    payload, trailer = lz4_file[:-4], int.from_bytes(lz4_file[-4:], "little")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "vmlinux.bin.lz4"
        run(["lz4", "-q", "-l", "-9", "-f", VMLINUX_BIN, out])
        reference = out.stat().st_size

    def row(label, size):
        return [label, size, f"{100.0 * size / len(raw):.1f} %"]

    table(["", "bytes", "of input"], [
        row(f"{rel(VMLINUX_BIN)} (input)", len(raw)),
        row(f"payload in vmlinuz ({PAYLOAD.name} - 4-byte size trailer)", len(payload)),
        row(f"lz4 -l -9 {rel(VMLINUX_BIN)} (run now)", reference),
    ])
    ratio = len(payload) / reference
    print(f"\n  payload / lz4 -l -9: {ratio:.3f}")
    if trailer != len(raw):
        print(f"  note: the size trailer says {trailer} bytes, the input has {len(raw)}: stale?")
    if lz4_file not in VMLINUZ.read_bytes():
        print(f"  note: {rel(PAYLOAD)} is not inside {rel(VMLINUZ)}: stale build?")
    return len(raw), len(payload), reference, ratio


# ---------------------------------------------------------------------------------------------


def summary(timeline, lz4_line, sizes, ram=None):
    """Print the final summary block."""
    heading("Summary")
    rows = []
    if timeline:
        prompt, floor, over, noise, stages = timeline
        rows.append(["carto: QEMU start -> prompt (median)", ms(prompt and prompt[0]) + " ms"])
        rows.append(["floor: QEMU start -> trivial's line (median)",
                     ms(floor and floor[0]) + " ms"])
        for label, _, _ in STAGES:
            rows.append([f"  {label}", ms(stages[label] and stages[label][0]) + " ms"])
        target = "" if over is None else (f"  target under {TARGET_OVER_FLOOR:.0f} ms: "
                                          f"{verdict(over, noise)}")
        rows.append(["carto over the floor (medians)", ms(over) + " ms" + target])
    rows += ram_summary_rows(ram) if ram else [["RAM sizes, in-kernel figures", "failed"]]
    rows.append(["lz4 decoder (lz4_bench.sh)", lz4_line or "failed"])
    if sizes:
        raw, payload, reference, ratio = sizes
        rows.append(["payload / lz4 -l -9",
                     f"{payload} / {reference} bytes = {ratio:.3f} (input {raw} bytes)"])
    for label, value in rows:
        print(f"  {label.ljust(max(len(r[0]) for r in rows))}  {value}")


def ram_summary_rows(ram):
    """The summary's rows for part 2: boots against RAM size and the in-kernel figures."""
    rows = []
    for n, label in enumerate(["QEMU start -> prompt", "start_kernel -> prompt"]):
        rows.append([f"carto: {label} (medians)", ", ".join(
            f"{mem} {s[n][0]:.0f} ms" if s[n] else f"{mem} not measured"
            for mem, s in ram["boots"].items())])
    for (mem, label), v in ram["verdicts"].items():
        text = ("not measured" + (" (host limits)" if mem in ram["limited"] else "")
                if v is None else f"{v[0]:.2f}x" + (f"  target <= {v[1]}x: {v[2]}" if v[1] else ""))
        rows.append([f"  {mem} / {ram['base']}, {label}", text])
    low, high = LINUX_BUDDY_CYCLES
    buddy = ram["buddy"]
    rows.append([f"order-0 alloc+free ({ram['base']}, bench buddy)",
                 f"{buddy[1]:.0f} median, {buddy[0]:.0f} min TCG virtual TSC cycles "
                 f"(Linux, published, native: {low}-{high})" if buddy else "not measured"])
    walk = ram["ptwalk"]
    rows.append([f"kernel-half walk ({PTDUMP_SIZE}, bench ptwalk)",
                 f"{walk[0]:.0f} us median, {walk[1]:.0f} us min" if walk else "not measured"])
    rows.append(["direct-map page tables per GiB (bench ptmem)", ", ".join(
        f"{mem} {per_gib:.3f}" for mem, (_, per_gib) in ram["ptmem"].items())
        + " (floor 1.000)" if ram["ptmem"] else "not measured"])
    times, lines = ram["ptdump"]
    rows.append([f"ptdump kernel ({PTDUMP_SIZE}), host wall time",
                 f"{times[0]:.0f} ms median ({times[1]:.0f}..{times[2]:.0f}), "
                 f"{lines[0]:.0f} lines" if times else "not measured"])
    return rows


# ---------------------------------------------------------------------------------------------
# Slab (issue 5): kmalloc+kfree pairs, host slab core vs glibc, and in-kernel


def report_slab_bench():
    """Pass tests/bench/slab_bench.sh's output through; return its host verdict line."""
    script = ROOT / "tests" / "bench" / "slab_bench.sh"
    proc = run(["sh", rel(script), str(BUILD)], timeout=900)
    out = proc.stdout.rstrip()
    print("\n".join("  " + line for line in out.splitlines()))
    return next((line for line in out.splitlines() if line.startswith("slab faster")), None)


def section(title, fn, *args):
    """Print a heading, run one part of the benchmark; on Failure print it and return None."""
    heading(title)
    try:
        return fn(*args)
    except (Failure, OSError, subprocess.SubprocessError) as err:
        print(f"  FAILED: {err}")
        return None


def timeline_part(boots, warmup):
    """Parts 1 and 2: build the trivial kernel, boot both, report; (figures, a boot failed)."""
    if not CARTO_ISO.exists():
        raise Failure(f"{rel(CARTO_ISO)} is missing: run make first")
    if build_trivial():
        print(f"  built {rel(TRIVIAL_ISO)} from {rel(TRIVIAL_SRC)}/")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"  host: {os.cpu_count()} CPUs, load average {load} (other QEMUs add noise)")
    results = boot_all([CARTO, TRIVIAL], boots, warmup)
    figures = report_timeline(results, boots, warmup)
    killed = sum(r.killed for rs in results.values() for r in rs if not r.error)
    if killed:
        print(f"  note: QEMU had to be killed after {killed} boot(s) (no exit on poweroff)")
    coalesced = sum(r.coalesced for r in results["carto"])
    if coalesced:
        print(f"  note: in {coalesced} carto boot(s) two markers came in one read (a stage under "
              f"~1 ms, or the reader waited for a CPU): that boot's stage shows as 0 ms")
    failed = any(r.error for rs in results.values() for r in rs)
    return figures, failed


# ---------------------------------------------------------------------------------------------
# GDB helpers: lx-ptdump under gdb at 16G (tests/bench/gdb_bench.py, which also runs alone)


def gdb_part():
    """Run tests/bench/gdb_bench.py on BUILD: it prints its report; returns its summary line."""
    sys.path.insert(0, str(ROOT / "tests" / "bench"))
    import gdb_bench  # noqa: E402 - beside this file
    try:
        return gdb_bench.main(BUILD)
    except RuntimeError as err:
        raise Failure(str(err)) from None


# ---------------------------------------------------------------------------------------------
# TLB: invlpg against a full flush, shootdown round trips (tests/bench/tlb_bench.py)


def tlb_part():
    """Run tests/bench/tlb_bench.py on BUILD: it prints its report; returns its summary line."""
    sys.path.insert(0, str(ROOT / "tests" / "bench"))
    import tlb_bench  # noqa: E402 - beside this file
    try:
        return tlb_bench.main(BUILD)
    except RuntimeError as err:
        raise Failure(str(err)) from None


def main():
    """Run the parts, print the summary; exit 1 if any part failed to run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boots", type=int, default=5, help="boots of each kernel (5)")
    parser.add_argument("--warmup", type=int, default=1, help="discarded boots first (1)")
    parser.add_argument("--build", help="build directory (default: $CARTO_BUILD, $O, build/)")
    parser.add_argument("--sizes", type=size_list, default=RAM_SIZES,
                        help=f"RAM sizes for part 2, the first the baseline "
                             f"({','.join(RAM_SIZES)})")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    set_build(build_dir(args.build))
    ram_sizes = args.sizes
    start = time.monotonic()

    timeline = section("Boot timeline under TCG (QEMU, -cdrom, -nic none)",
                       timeline_part, args.boots, args.warmup)
    ram = section(f"Boot time against RAM size under TCG ({', '.join(ram_sizes)})",
                  ram_part, args.boots, args.warmup, ram_sizes)
    lz4_line = section("lz4 decoder on the host: the stub's decompress.c vs liblz4",
                       report_lz4_bench)
    sizes = section("Compressed size: the payload in vmlinuz vs lz4 -l -9", report_sizes)
    gdb_line = section("GDB: lx-ptdump of the kernel half under gdb at 16G", gdb_part)
    slab_line = section("Slab: kmalloc+kfree pairs (host core vs glibc, in-kernel)",
                        report_slab_bench)
    tlb_line = section("TLB: invlpg vs full flush, shootdown round trips (TCG, -smp 1..4)",
                       tlb_part)
    figures, boot_failed = timeline if timeline else (None, True)
    ram_figures, ram_failed = ram if ram else (None, True)
    summary(figures, lz4_line, sizes, ram_figures)
    print(f"  lx-ptdump under gdb (16G, gdb_bench.py)  {gdb_line or 'failed'}")
    print(f"  slab kmalloc+kfree (slab_bench.sh)       {slab_line or 'failed'}")
    print(f"  TLB flush and shootdown (tlb_bench.py)   {tlb_line or 'failed'}")
    ok = (not boot_failed and not ram_failed and lz4_line is not None and sizes is not None)
    print(f"\nbench: {'done' if ok else 'FAILED (see above)'} in {time.monotonic() - start:.0f} s"
          f" (build directory {rel(BUILD)})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
