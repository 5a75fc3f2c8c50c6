# SPDX-License-Identifier: GPL-2.0
"""
The integration harness: boot carto in QEMU (TCG), drive its serial monitor, and ask QEMU's
own monitor (HMP) what the guest really holds, as an independent oracle.

    with Carto(build) as c:
        c.wait_prompt()
        out = c.cmd("version")
        regs = c.hmp("info registers")

The serial port is a Unix socket QEMU listens on (wait=on: QEMU starts the guest only once
we are connected, so not a byte of the boot is lost); pexpect reads it. Every instance gets
its own temporary directory for its sockets and logs, so instances run side by side.

Also here, shared by the test modules: the build paths, System.map and ELF readers (the
oracles for symbols and memory contents), the lz4 legacy-frame walker for the corrupted
payload tests, and a builder for variant ISOs (another vmlinuz or command line).
"""

import contextlib
import ctypes
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pexpect
import pexpect.fdpexpect

ROOT = Path(__file__).resolve().parents[2]
QEMU = "qemu-system-x86_64"
PROMPT = b"carto> "

# Generous: TCG on two busy cores, possibly with other suites running beside us.
BOOT_TIMEOUT = 180
CMD_TIMEOUT = 90
HMP_TIMEOUT = 60

# The one-line messages the monitor and the stub print.
BANNER_RE = re.compile(r"^carto version .*$", re.M)
TIMESTAMP_RE = re.compile(r"^\[\s*(\d+)\.(\d{6})\] ")
ANSI_RE = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]")


class CartoError(AssertionError):
    """carto (or QEMU) did not do what the harness waited for; carries the serial tail."""


@dataclass(frozen=True)
class Build:
    """Paths of the build products the tests read."""

    dir: Path

    @property
    def vmlinux(self):
        return self.dir / "vmlinux"

    @property
    def system_map(self):
        return self.dir / "System.map"

    @property
    def vmlinux_bin(self):
        return self.dir / "vmlinux.bin"

    @property
    def payload(self):
        return self.dir / "vmlinux.bin.lz4"

    @property
    def vmlinuz(self):
        return self.dir / "vmlinuz"

    @property
    def iso(self):
        return self.dir / "carto.iso"

    def missing(self):
        """The build products that are not there."""
        return [p for p in (self.vmlinux, self.system_map, self.payload, self.vmlinuz, self.iso)
                if not p.is_file()]


def default_build():
    return Build(Path(os.environ.get("CARTO_BUILD", ROOT / "build")))


def serial_text(data):
    """Bytes from the serial line as text: CRs removed, nothing else touched."""
    return bytes(data).replace(b"\r", b"").decode("latin-1")


def unescape(data):
    """Bytes from HMP as text: escape sequences (its line editor's redraws) and CRs removed."""
    return ANSI_RE.sub(b"", data).replace(b"\r", b"").decode("latin-1")


def kernel_lines(log):
    """The printk lines of a serial log (those with a timestamp), timestamps removed."""
    return [re.sub(TIMESTAMP_RE, "", line) for line in log.splitlines()
            if TIMESTAMP_RE.match(line)]


# ---------------------------------------------------------------------------------------------
# QEMU and the serial monitor


def _die_with_parent():
    """In the QEMU child: be killed when the test process goes, however it goes."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class _Transcript:
    """pexpect's logfile_read: keeps every byte read, in memory and in a file."""

    def __init__(self, path):
        self.data = bytearray()
        self.file = open(path, "wb")

    def write(self, b):
        self.data += b
        self.file.write(b)

    def flush(self):
        self.file.flush()

    def close(self):
        self.file.close()


class Carto:
    """One QEMU running carto, its serial port driven by pexpect, its HMP on a socket."""

    def __init__(self, build, iso=None, mem="512M", cpu="max", no_reboot=True, extra_args=(),
                 name="carto", smp=1):
        self.build = build
        self.smp = smp
        self.iso = Path(iso) if iso else build.iso
        self.mem = mem
        self.cpu = cpu
        self.no_reboot = no_reboot
        self.extra_args = list(extra_args)
        self.dir = Path(tempfile.mkdtemp(prefix=f"carto-{name}-"))
        self.serial_path = self.dir / "serial.sock"
        self.hmp_path = self.dir / "hmp.sock"
        self.proc = None
        self.sock = None
        self.child = None
        self.log = None
        self._hmp = None

    # -- life cycle ---------------------------------------------------------------------------

    def argv(self):
        argv = [QEMU, "-m", self.mem, "-smp", str(self.smp), "-accel", "tcg", "-cpu", self.cpu,
                "-cdrom", str(self.iso), "-boot", "d", "-nic", "none", "-display", "none",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
                "-serial", f"unix:{self.serial_path},server=on,wait=on",
                "-monitor", f"unix:{self.hmp_path},server=on,wait=off"]
        if self.no_reboot:
            argv.append("-no-reboot")
        return argv + self.extra_args

    def start(self):
        if not self.iso.is_file():
            raise CartoError(f"{self.iso} is missing: run `make` first")
        self.qemu_log = self.dir / "qemu.log"
        with open(self.qemu_log, "wb") as out:
            self.proc = subprocess.Popen(self.argv(), stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True,
                                         preexec_fn=_die_with_parent)
        self.sock = self._connect(self.serial_path)
        self.log = _Transcript(self.dir / "serial.log")
        self.child = pexpect.fdpexpect.fdspawn(self.sock.fileno(), timeout=CMD_TIMEOUT,
                                               maxread=65536)
        self.child.logfile_read = self.log
        return self

    def _connect(self, path, timeout=30):
        """Connect to one of QEMU's listening sockets as soon as it listens."""
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise CartoError(f"QEMU exited with {self.proc.returncode} at start:\n"
                                 + self.qemu_output())
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(str(path))
                return s
            except (FileNotFoundError, ConnectionRefusedError):
                s.close()
                if time.monotonic() > deadline:
                    raise CartoError(f"QEMU never listened on {path}:\n" + self.qemu_output())
                time.sleep(0.02)

    def close(self):
        """Kill QEMU (its whole process group) and drop the sockets. Idempotent."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc is not None:
            self.proc.wait(timeout=30)
        for s in (self._hmp, self.sock):
            if s is not None:
                s.close()
        self._hmp = self.sock = None
        if self.log is not None:
            self.log.close()
        if not os.environ.get("CARTO_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_exit(self, timeout):
        """QEMU's exit status, or None if it still runs after timeout seconds."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def qemu_output(self):
        try:
            return Path(self.qemu_log).read_text(errors="replace")
        except OSError:
            return ""

    # -- the serial port ----------------------------------------------------------------------

    @property
    def transcript(self):
        """Everything read from the serial port so far, as text without CRs."""
        return serial_text(self.log.data)

    def _fail(self, what, exc):
        tail = self.transcript[-3000:]
        state = "running" if self.alive() else f"exited with {self.proc.returncode}"
        raise CartoError(f"{what}: {type(exc).__name__}; QEMU {state}; last output:\n{tail}\n"
                         f"QEMU says:\n{self.qemu_output()}") from None

    def expect(self, pattern, timeout=CMD_TIMEOUT):
        """Wait for a regex (str or bytes) on the serial line; returns the match object."""
        if isinstance(pattern, str):
            pattern = pattern.encode("latin-1")
        try:
            self.child.expect(pattern, timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            self._fail(f"waiting for {pattern!r}", e)
        return self.child.match

    def expect_exact(self, text, timeout=CMD_TIMEOUT):
        """Wait for a literal string; returns what came before it (text, no CRs)."""
        if isinstance(text, str):
            text = text.encode("latin-1")
        try:
            self.child.expect_exact(text, timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            self._fail(f"waiting for {text!r}", e)
        return serial_text(self.child.before)

    def wait_prompt(self, timeout=BOOT_TIMEOUT):
        """Wait for the next `carto> `; returns the output before it (text, no CRs)."""
        return self.expect_exact(PROMPT, timeout=timeout)

    def send(self, data):
        """Send raw bytes (or latin-1 text) to the serial port."""
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.sock.sendall(data)

    def cmd(self, line, timeout=CMD_TIMEOUT):
        """
        Type a command line and Enter; return everything between its echo and the next
        prompt, CRs removed. The line must be plain printable text (see send() for keys).
        """
        assert all(0x20 <= ord(ch) < 0x7f for ch in line), f"not a plain line: {line!r}"
        self.send(line + "\r")
        self.expect_exact(line + "\r\n", timeout=timeout)
        return self.wait_prompt(timeout=timeout)

    def drain(self, quiet=1.0, timeout=CMD_TIMEOUT):
        """Read until the line stays silent for `quiet` seconds; returns what came (text)."""
        got = bytearray(self.child.buffer)
        self.child.buffer = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                got += self.child.read_nonblocking(65536, timeout=quiet)
            except pexpect.TIMEOUT:
                return serial_text(got)
            except pexpect.EOF:
                break
        return serial_text(got)

    # -- QEMU's monitor -----------------------------------------------------------------------

    def _hmp_read(self, timeout):
        buf = bytearray()
        self._hmp.settimeout(timeout)
        while not buf.endswith(b"(qemu) "):
            chunk = self._hmp.recv(65536)
            if not chunk:
                raise CartoError(f"QEMU closed its monitor; got {bytes(buf)!r}")
            buf += chunk
        return bytes(buf[:-len(b"(qemu) ")])

    def hmp(self, command, timeout=HMP_TIMEOUT):
        """Run an HMP command; returns its answer without the echo, escapes and CRs."""
        if self._hmp is None:
            self._hmp = self._connect(self.hmp_path)
            self._hmp_read(timeout)  # the greeting
        self._hmp.sendall(command.encode() + b"\n")
        raw = self._hmp_read(timeout)
        # The echo is the command redrawn key by key, ending in the line's CR LF.
        _, sep, answer = raw.partition(b"\r\n")
        return unescape(answer if sep else b"")

    def cpu_qom_path(self):
        """The QOM path of CPU 0 (e.g. /machine/unattached/device[0])."""
        for line in self.hmp("qom-list /machine/unattached").splitlines():
            m = re.match(r"(device\[\d+\]) \(child<.*-x86_64-cpu>\)", line)
            if m:
                return f"/machine/unattached/{m.group(1)}"
        raise CartoError("no x86_64 CPU in qom-list /machine/unattached")

    def qom_get(self, path, prop):
        out = self.hmp(f"qom-get {path} {prop}").strip()
        return out[1:-1] if out.startswith('"') and out.endswith('"') else out

    def registers(self):
        """`info registers` as a dict of the NAME=hex fields (RIP, CR2, CR3, EFER, HLT...)."""
        regs = {}
        for name, value in re.findall(r"\b([A-Z][A-Z0-9]*)\s*=\s*([0-9a-fA-F]+)\b",
                                      self.hmp("info registers")):
            regs.setdefault(name, int(value, 16))
        return regs

    def read_virt(self, addr, count):
        """count bytes at guest-virtual addr, as QEMU reads them (HMP x /Nxb)."""
        out = self.hmp(f"x /{count}xb {addr:#x}")
        data = []
        for line in out.splitlines():
            m = re.match(r"^([0-9a-f]+):((?:\s+0x[0-9a-f]{2})+)\s*$", line)
            if not m:
                raise CartoError(f"HMP x gave {out!r}")
            data += [int(b, 16) for b in m.group(2).split()]
        return bytes(data)


def assert_halted_for_good(c, settle=3.0):
    """
    After a fatal boot message: QEMU (run with -no-reboot, so a reset or triple fault would
    end it) is still there `settle` seconds later, its CPU halted, and nothing more was said.
    """
    time.sleep(settle)
    assert c.alive(), (f"QEMU exited ({c.proc.returncode}): reset or triple fault\n"
                       f"{c.transcript[-2000:]}")
    regs = c.registers()
    assert regs.get("HLT") == 1, f"CPU not halted: {c.hmp('info registers')}"
    after = c.drain(quiet=0.5).strip()
    assert after in ("", "-- System halted"), f"output after the fatal message: {after!r}"
    assert c.transcript.count("carto: boot stub at") <= 1, "the machine was reset"


HEXDUMP_RE = re.compile(r"^([0-9a-f]{16}): ((?:[0-9a-f]{2} ){0,15}[0-9a-f]{2})$")


def parse_hexdump(out):
    """
    The output of carto's `x` as (start, bytes): lines of `ADDR: ` then 16 bytes in a
    47-column field (the last line padded with spaces), two spaces, and the ASCII column.
    Checks that the lines follow each other and that the ASCII column matches the bytes.
    """
    start, data = None, bytearray()
    for line in out.splitlines():
        m = HEXDUMP_RE.match(line[:65].rstrip())
        assert m and line[65:67] == "  ", f"not a hexdump line: {line!r}"
        addr, chunk = int(m.group(1), 16), bytes.fromhex(m.group(2))
        if start is None:
            start = addr
        assert addr == start + len(data), f"line at {addr:#x} does not follow on: {out}"
        ascii_col = "".join(chr(b) if 0x20 <= b < 0x7f else "." for b in chunk)
        assert line[67:] == ascii_col, f"ASCII column {line[67:]!r} != {ascii_col!r}"
        data += chunk
    assert start is not None, f"no hexdump in {out!r}"
    return start, bytes(data)


# ---------------------------------------------------------------------------------------------
# Variant ISOs

GRUB_CFG = """set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_output serial
menuentry "carto" {{
\tmultiboot2 /boot/vmlinuz {cmdline}
\tboot
}}
"""


def make_iso(vmlinuz, cmdline, dest_dir):
    """An ISO booting vmlinuz (a path or bytes) with cmdline, written into dest_dir."""
    dest_dir = Path(dest_dir)
    tree = dest_dir / "iso"
    shutil.rmtree(tree, ignore_errors=True)
    (tree / "boot" / "grub").mkdir(parents=True)
    if isinstance(vmlinuz, (bytes, bytearray)):
        (tree / "boot" / "vmlinuz").write_bytes(vmlinuz)
    else:
        shutil.copyfile(vmlinuz, tree / "boot" / "vmlinuz")
    (tree / "boot" / "grub" / "grub.cfg").write_text(GRUB_CFG.format(cmdline=cmdline))
    iso = dest_dir / "carto.iso"
    r = subprocess.run(["grub-mkrescue", "-o", str(iso), str(tree)], capture_output=True,
                       text=True)
    if r.returncode != 0:
        raise RuntimeError(f"grub-mkrescue failed:\n{r.stdout}{r.stderr}")
    return iso


def grub_cmdline(build):
    """The kernel command line build/carto.iso passes (from the grub.cfg it was made from)."""
    cfg = (build.dir / "iso" / "boot" / "grub" / "grub.cfg").read_text()
    m = re.search(r"^\s*multiboot2\s+/boot/vmlinuz ?(.*)$", cfg, re.M)
    assert m, cfg
    return m.group(1).strip()


# ---------------------------------------------------------------------------------------------
# Oracles read from the build: System.map and the vmlinux ELF


@dataclass(frozen=True)
class Symbol:
    addr: int
    type: str
    name: str


def read_system_map(path):
    """System.map (`nm -n` lines: address, type, name) as a list of Symbols."""
    syms = []
    for line in Path(path).read_text().splitlines():
        addr, typ, name = line.split()
        syms.append(Symbol(int(addr, 16), typ, name))
    return syms


class Elf64:
    """Just enough of an ELF64 little-endian file: sections, segments, symbols."""

    def __init__(self, path):
        self.data = Path(path).read_bytes()
        d = self.data
        assert d[:4] == b"\x7fELF" and d[4] == 2 and d[5] == 1, f"{path}: not ELF64 LE"
        (self.e_entry, e_phoff, e_shoff, e_phentsize, e_phnum, e_shentsize, e_shnum,
         e_shstrndx) = struct.unpack_from("<24xQQQ6xHHHHH", d, 0)
        self.segments = []  # (type, offset, vaddr, filesz, memsz)
        for i in range(e_phnum):
            p_type, _, p_offset, p_vaddr, _, p_filesz, p_memsz, _ = struct.unpack_from(
                "<IIQQQQQQ", d, e_phoff + i * e_phentsize)
            self.segments.append((p_type, p_offset, p_vaddr, p_filesz, p_memsz))
        raw = []
        for i in range(e_shnum):
            raw.append(struct.unpack_from("<IIQQQQIIQQ", d, e_shoff + i * e_shentsize))
        shstr = raw[e_shstrndx]
        self.sections = {}
        for (name, typ, flags, addr, off, size, link, _, _, entsize) in raw:
            self.sections[self._str(shstr[4], name)] = (typ, flags, addr, off, size, link, entsize)
        self._raw_sections = raw

    def _str(self, table_off, idx):
        end = self.data.index(b"\0", table_off + idx)
        return self.data[table_off + idx:end].decode()

    def read(self, vaddr, count):
        """count bytes at vaddr from the file's PT_LOAD segments (memsz beyond filesz: zeros)."""
        for (p_type, off, va, filesz, memsz) in self.segments:
            if p_type == 1 and va <= vaddr and vaddr + count <= va + memsz:
                out = bytearray(count)
                n = max(0, min(count, va + filesz - vaddr))
                out[:n] = self.data[off + vaddr - va:off + vaddr - va + n]
                return bytes(out)
        raise KeyError(f"{vaddr:#x}+{count} is not inside one PT_LOAD segment")

    def section_of(self, vaddr):
        """The name of the allocated section holding vaddr, or None."""
        for name, (typ, flags, addr, off, size, *_rest) in self.sections.items():
            if flags & 2 and addr <= vaddr < addr + size:
                return name
        return None

    def symbol_sizes(self):
        """{name: st_size} from .symtab (the last definition wins for duplicated names)."""
        typ, flags, addr, off, size, link, entsize = self.sections[".symtab"]
        str_off = self._raw_sections[link][4]
        sizes = {}
        for i in range(size // entsize):
            st_name, _, _, _, _, st_size = struct.unpack_from("<IBBHQQ", self.data,
                                                              off + i * entsize)
            if st_name:
                sizes[self._str(str_off, st_name)] = st_size
        return sizes


def kallsyms_eligible(sym):
    """What scripts/kallsyms keeps: text, data, rodata, bss; not NASM's ".L" labels or '$'."""
    return sym.type in "TtWwDdBbRrVv" and ".L" not in sym.name and "$" not in sym.name


def kallsyms_sizes(system_map, elf):
    """
    {name: size} as the kernel's symbol table should have it: the ELF st_size, or for a
    symbol without one (assembly labels), the distance to the next symbol kallsyms keeps.
    """
    sizes = elf.symbol_sizes()
    kept = sorted((s for s in system_map if kallsyms_eligible(s)), key=lambda s: s.addr)
    out = {}
    for i, s in enumerate(kept):
        size = sizes.get(s.name, 0)
        if not size:
            nxt = next((t.addr for t in kept[i + 1:] if t.addr > s.addr), s.addr)
            size = nxt - s.addr
        out[s.name] = size
    return out


# ---------------------------------------------------------------------------------------------
# The lz4 legacy frame inside vmlinuz

LZ4_LEGACY_MAGIC = bytes.fromhex("02214c18")


def payload_offset(vmlinuz, payload):
    """Where the payload (vmlinux.bin.lz4) starts inside vmlinuz; it must be there once."""
    at = vmlinuz.find(payload)
    assert at >= 0, "vmlinux.bin.lz4 is not inside vmlinuz"
    assert vmlinuz.find(payload, at + 1) < 0
    assert vmlinuz[at:at + 4] == LZ4_LEGACY_MAGIC
    return at


def lz4_blocks(payload):
    """[(offset of the block's data, its size)] of a legacy frame followed by a size trailer."""
    assert payload[:4] == LZ4_LEGACY_MAGIC
    blocks, pos, end = [], 4, len(payload) - 4
    while pos < end:
        size = struct.unpack_from("<I", payload, pos)[0]
        blocks.append((pos + 4, size))
        pos += 4 + size
    assert pos == end, "the frame does not end at the size trailer"
    return blocks


def lz4_sequences(block):
    """[(start, offset field)] of every sequence with a match in an lz4 block, in order."""
    seqs, ip, end = [], 0, len(block)
    while ip < end:
        start, token = ip, block[ip]
        ip += 1
        ll = token >> 4
        if ll == 15:
            while True:
                b = block[ip]
                ip += 1
                ll += b
                if b != 255:
                    break
        ip += ll
        if ip >= end:  # the last sequence: literals only
            break
        seqs.append((start, ip))
        ip += 2
        if token & 15 == 15:
            while block[ip] == 255:
                ip += 1
            ip += 1
    assert ip == end, "bad lz4 block"
    return seqs


# ---------------------------------------------------------------------------------------------
# Memory views (test_layout*, test_memory*, test_pagetables*): one carto per memory size, and
# parsers for the BIOS-e820 lines, `memblock`, `ptdump`, `pagewalk`, `meminfo`, `buddyinfo`,
# HMP `info tlb`, and the multiboot2 memory map as QEMU's memory holds it.

MEM_SIZES = ("128M", "512M", "4G", "16G")

PAGE_OFFSET = 0xffff880000000000
START_KERNEL_MAP = 0xffffffff80000000
VMEMMAP_START = 0xffffea0000000000
CPU_ENTRY_AREA = 0xfffffe0000000000
VSYSCALL_ADDR = 0xffffffffff600000
FIXADDR_TOP = 0xffffffffff7ff000
STRUCT_PAGE_SIZE = 64
SZ_4K, SZ_2M, SZ_1G = 1 << 12, 1 << 21, 1 << 30
LEVELS = ("pgd", "p4d", "pud", "pmd", "pte")
LEVEL_SHIFT = {"pgd": 39, "pud": 30, "pmd": 21, "pte": 12}


def is_canonical(va):
    top = va >> 47
    return top == 0 or top == (1 << 17) - 1


def align_down(x, a):
    return x & ~(a - 1)


def align_up(x, a):
    return (x + a - 1) & ~(a - 1)


class Machine:
    """A booted carto at one -m size, shared by the tests of that size (see conftest)."""

    def __init__(self, carto, mem, boot_log):
        self.carto = carto
        self.mem = mem
        self.boot_log = boot_log
        self.broken = None

    def cmd(self, line, timeout=CMD_TIMEOUT):
        """carto.cmd(); once a command got no prompt back, the later ones fail at once."""
        if self.broken:
            raise CartoError(f"carto -m {self.mem} stopped answering earlier, at {self.broken}")
        try:
            return self.carto.cmd(line, timeout=timeout)
        except CartoError:
            self.broken = repr(line)
            raise

    def hmp(self, line):
        return self.carto.hmp(line)

    def gva2gpa(self, va):
        """QEMU's translation of va with the current CR3: the physical address, or None."""
        out = self.hmp(f"gva2gpa {va:#x}").strip()
        m = re.fullmatch(r"gpa: (0x[0-9a-f]+|0)", out)
        if m:
            return int(m.group(1), 16)
        assert out == "Unmapped", f"HMP gva2gpa {va:#x}: {out!r}"
        return None

    def read_phys_qwords(self, pa, count):
        """count little-endian u64 at guest-physical pa (HMP xp /Ngx)."""
        out = self.hmp(f"xp /{count}gx {pa:#x}")
        words = []
        for line in out.splitlines():
            m = re.match(r"^([0-9a-f]+):((?:\s+0x[0-9a-f]{16})+)\s*$", line)
            if not m:
                raise CartoError(f"HMP xp gave {out!r}")
            words += [int(w, 16) for w in m.group(2).split()]
        assert len(words) == count, out
        return words

    def read_phys(self, pa, count):
        """count bytes at guest-physical pa."""
        start = align_down(pa, 8)
        n = (align_up(pa + count, 8) - start) // 8
        data = b"".join(struct.pack("<Q", w) for w in self.read_phys_qwords(start, n))
        return data[pa - start:pa - start + count]

    def tlb(self):
        """HMP `info tlb` as {page va: (pa, flags)}; flags is QEMU's 9 columns XGPDACTUW."""
        return parse_info_tlb(self.hmp("info tlb"))

    def cr3(self):
        return self.carto.registers()["CR3"]


# -- the memory map ---------------------------------------------------------------------------

E820_RE = re.compile(r"^(?:\[[ \d.]+\] )?BIOS-e820: "
                     r"\[mem 0x([0-9a-f]{16})-0x([0-9a-f]{16})\] (.+)$", re.M)
MB2_TYPES = {1: "usable", 2: "reserved", 3: "ACPI data", 4: "ACPI NVS", 5: "unusable"}


def parse_e820(text):
    """[(start, end inclusive, type name)] of the `BIOS-e820: [mem ...] type` lines."""
    return [(int(a, 16), int(b, 16), t.strip()) for a, b, t in E820_RE.findall(text)]


def merge_ranges(ranges):
    """[(start, end inclusive)] sorted, overlapping and adjacent ones merged."""
    out = []
    for s, e in sorted(ranges):
        if out and s <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def usable_ranges(e820):
    return merge_ranges((s, e) for s, e, t in e820 if t == "usable")


def pages_touching(ranges, size):
    """The starts of every size-aligned page holding a byte of one of the (start, end) ranges."""
    pages = set()
    for s, e in ranges:
        pages.update(range(align_down(s, size), e + 1, size))
    return pages


def multiboot2_mmap(machine, info_pa):
    """
    The multiboot2 memory map (tag 6) read from guest memory at info_pa with HMP xp, as
    [(start, end inclusive, type name)]: what GRUB reported, independently of carto's parser.
    """
    total = struct.unpack("<I", machine.read_phys(info_pa, 4))[0]
    assert 16 <= total <= 1 << 16, f"multiboot2 info size {total}"
    info = machine.read_phys(info_pa, total)
    off = 8
    while off + 8 <= total:
        typ, size = struct.unpack_from("<II", info, off)
        if typ == 0:
            break
        if typ == 6:
            entry_size = struct.unpack_from("<I", info, off + 8)[0]
            out = []
            for e in range(off + 16, off + size, entry_size):
                base, length, etype = struct.unpack_from("<QQI", info, e)
                out.append((base, base + length - 1, MB2_TYPES.get(etype, "reserved")))
            return out
        off += align_up(size, 8)
    raise AssertionError("no memory map tag in the multiboot2 info")


# -- memblock, meminfo, buddyinfo -------------------------------------------------------------

def parse_memblock(text):
    """`memblock` as {"memory": [(start, end incl)], "reserved": [(start, end incl, name)]}."""
    out = {"memory": [], "reserved": []}
    section = None
    for line in text.splitlines():
        m = re.match(r"^(memory|reserved): (\d+) regions, total 0x([0-9a-f]+)", line)
        if m:
            section = m.group(1)
            continue
        m = re.match(r"^\s+\d+: 0x([0-9a-f]{16})\.\.0x([0-9a-f]{16})(?: (.*))?$", line)
        if m and section:
            s, e = int(m.group(1), 16), int(m.group(2), 16)
            out[section].append((s, e) if section == "memory" else (s, e, m.group(3) or ""))
    return out


MEMINFO_RE = re.compile(r"^([A-Za-z0-9_()]+):\s+(\d+) kB$")


def parse_meminfo(text):
    """`meminfo` as {label: kB}."""
    out = {}
    for line in text.splitlines():
        m = MEMINFO_RE.match(line)
        assert m, f"not a meminfo line: {line!r}"
        out[m.group(1)] = int(m.group(2))
    return out


BUDDY_RE = re.compile(r"^Node 0, zone ([ \w]{8}) ((?:[ \d]{5}\d ){11})$")


def parse_buddyinfo(text):
    """`buddyinfo` as [(zone, [count per order 0..10])], in the printed order."""
    zones = []
    for line in text.splitlines():
        m = BUDDY_RE.match(line)
        assert m, f"not a buddyinfo line (Linux: 'Node 0, zone %8s ' then 11 x '%6lu '): {line!r}"
        zones.append((m.group(1).strip(), [int(x) for x in m.group(2).split()]))
    return zones


# -- ptdump -----------------------------------------------------------------------------------

PTDUMP_RE = re.compile(r"^0x([0-9a-f]{16})-0x([0-9a-f]{16})   ([ \d]{8}\d)([KMGTPE]) (.{30})"
                       r"(pgd|p4d|pud|pmd|pte)$")
PTDUMP_FLAGS = (("USR", "    "), ("RW", "ro "), ("PWT", "    "), ("PCD", "    "),
                ("PSE", "    "), ("PAT", "    "), ("GLB", "    "), ("NX", "x  "))


@dataclass(frozen=True)
class PtRun:
    start: int
    end: int            # exclusive; 1 << 64 for a run up to the top
    present: bool
    flags: frozenset    # of USR RW PWT PCD PSE PAT GLB NX
    level: str
    header: str


def ptdump_size(delta):
    """The size column as Linux prints it: the largest unit that divides delta exactly."""
    units = " KMGTPE"
    u = 0
    while delta & 1023 == 0 and u + 1 < len(units):
        delta >>= 10
        u += 1
    return f"{delta:9d}{units[u]}"


def ptdump_flags_text(present, flags):
    if not present:
        return " " * 30
    text = ""
    for name, absent in PTDUMP_FLAGS:
        text += name + " " if name in flags else absent
    return text


def parse_ptdump(text):
    """
    `ptdump` output as [PtRun], checking Linux's format exactly: the header lines, and each
    line rebuilt from its fields (range, size column, flag columns, level) equals the line.
    """
    runs, header = [], None
    for line in text.splitlines():
        if not line.strip():
            continue
        m = re.fullmatch(r"---\[ (.+) \]---", line)
        if m:
            header = m.group(1)
            continue
        m = PTDUMP_RE.match(line)
        assert m, f"not a ptdump line: {line!r}"
        start, end = int(m.group(1), 16), int(m.group(2), 16)
        if end == 0:
            end = 1 << 64
        field = m.group(5)
        present = field.strip() != ""
        flags = frozenset(f for f in field.split() if f not in ("ro", "x"))
        if present:
            assert ("RW" in flags) != ("ro" in field.split()), line
            assert ("NX" in flags) != ("x" in field.split()), line
        assert ptdump_flags_text(present, flags) == field, \
            f"flag columns not in Linux's layout: {line!r}"
        assert end > start, line
        want = ptdump_size(end - start)
        assert f"{int(m.group(3)):9d}{m.group(4)}" == want, \
            f"size column {m.group(3).strip()}{m.group(4)} != {want.strip()}: {line!r}"
        runs.append(PtRun(start, end, present, flags, m.group(6), header))
    return runs


def ptdump_pages(runs, lo=0, hi=1 << 64):
    """{page start: (size, PtRun)} of the present runs' pages inside [lo, hi)."""
    size_of = {"pte": SZ_4K, "pmd": SZ_2M, "pud": SZ_1G, "p4d": 1 << 39, "pgd": 1 << 39}
    pages = {}
    for r in runs:
        if not r.present or r.end <= lo or r.start >= hi:
            continue
        size = size_of[r.level]
        for p in range(max(r.start, lo), min(r.end, hi), size):
            pages[p] = (size, r)
    return pages


# -- pagewalk ---------------------------------------------------------------------------------

@dataclass
class Walk:
    va: int
    text: str
    error: str = None        # a one-line refusal (non-canonical...)
    cr3: int = None
    region: str = None
    steps: list = None       # [(level, index, table pa, raw entry, flags as printed)]
    stopped: str = None      # the level whose entry is not present
    size: int = None         # leaf page size in bytes
    pa: int = None
    base: int = None         # leaf page's physical base


WALK_HEAD_RE = re.compile(r"^pagewalk 0x([0-9a-f]{16}) \(cr3 pa=0x([0-9a-f]+)\), region: (.*)$")
WALK_STEP_RE = re.compile(r"^  (pgd|p4d|pud|pmd|pte)\s+index\s+(\d+) = va\[(\d+):(\d+)\] "
                          r"\(0x([0-9a-f]+)\)\s+table pa=0x([0-9a-f]{16})\s+entry "
                          r"0x([0-9a-f]{16})\s*(.*)$")
WALK_LEAF_RE = re.compile(r"^  -> (\d+) KiB page at pa=0x([0-9a-f]+) \+ offset 0x([0-9a-f]+) = "
                          r"pa 0x([0-9a-f]{16})$")
WALK_STOP_RE = re.compile(r"^  -> not mapped: the (pgd|p4d|pud|pmd|pte) entry is not present$")


def parse_pagewalk(va, text):
    w = Walk(va=va, text=text, steps=[])
    lines = [l for l in text.splitlines() if l.strip()]
    if len(lines) == 1 and lines[0].startswith("pagewalk: "):
        w.error = lines[0]
        return w
    m = WALK_HEAD_RE.match(lines[0]) if lines else None
    assert m, f"pagewalk {va:#x}: no header line in {text!r}"
    assert int(m.group(1), 16) == va, text
    w.cr3, w.region = int(m.group(2), 16), m.group(3)
    for line in lines[1:]:
        if (s := WALK_STEP_RE.match(line)):
            level, index = s.group(1), int(s.group(2))
            hi, lo, bits = int(s.group(3)), int(s.group(4)), int(s.group(5), 16)
            assert bits == index and hi - lo == 8 and lo == LEVEL_SHIFT[level], line
            w.steps.append((level, index, int(s.group(6), 16), int(s.group(7), 16),
                            frozenset(s.group(8).split())))
        elif (s := WALK_LEAF_RE.match(line)):
            w.size = int(s.group(1)) * 1024
            w.base = int(s.group(2), 16)
            assert int(s.group(3), 16) == va & (w.size - 1), line
            w.pa = int(s.group(4), 16)
        elif (s := WALK_STOP_RE.match(line)):
            w.stopped = s.group(1)
        else:
            assert line.startswith("  p4d  (folded") or line.startswith("  user address"), \
                f"pagewalk {va:#x}: unexpected line {line!r}"
    assert (w.pa is None) != (w.stopped is None), \
        f"pagewalk {va:#x}: neither a leaf nor a stop:\n{text}"
    return w


# -- HMP info tlb -----------------------------------------------------------------------------

TLB_RE = re.compile(r"^([0-9a-f]{16}): ([0-9a-f]{16}) ([X-][G-][P-][D-][A-][C-][T-][U-][W-])$")
TLB_TO_PTDUMP = {"X": "NX", "G": "GLB", "P": "PSE", "C": "PCD", "T": "PWT", "U": "USR", "W": "RW"}


def parse_info_tlb(text):
    out = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        m = TLB_RE.match(line)
        assert m, f"not an info tlb line: {line!r}"
        out[int(m.group(1), 16)] = (int(m.group(2), 16), m.group(3))
    return out


def tlb_flags(col):
    """QEMU's XGPDACTUW column as the ptdump flag names it holds (A and D left out)."""
    return frozenset(TLB_TO_PTDUMP[c] for c in col if c in TLB_TO_PTDUMP)


def tlb_lookup(tlb, va):
    """(page va, size, pa, flags column) of the info tlb line holding va, or None."""
    for size in (SZ_4K, SZ_2M, SZ_1G):
        page = align_down(va, size)
        if page in tlb:
            pa, col = tlb[page]
            if size == SZ_4K and "P" in col:
                continue
            return page, size, pa, col
    return None


ENTRY_FLAG_BITS = {"RW": 1, "USR": 2, "PWT": 3, "PCD": 4, "GLB": 8, "NX": 63}


def entry_flags(entry, leaf_level):
    """The ptdump flag names set in a raw entry (PSE above the pte level, PAT in a 4K pte)."""
    flags = {name for name, bit in ENTRY_FLAG_BITS.items() if entry >> bit & 1}
    if leaf_level != "pte" and entry >> 7 & 1:
        flags.add("PSE")
    return frozenset(flags)


# -- the layout table (Linux v4.19 Documentation/x86/x86_64/mm.txt) ----------------------------

MM_TABLE_NAME = "linux-4.19-x86_64-mm-table.txt"
LAYOUT_ROW_RE = re.compile(r"^([0-9a-f]{16}) - ([0-9a-f]{16}) \(([^)]*)\)\s+(\S.*)$")
FIXMAP_ROW_RE = re.compile(r"^\[fixmap start\]\s+- ([0-9a-f]{16}) (\S.*)$")


def mm_table_reference():
    """The reference table: tests/data's copy if there is one, else the shared reference."""
    for path in (ROOT / "tests" / "data" / MM_TABLE_NAME,
                 ROOT.parent / "shared" / "reference" / MM_TABLE_NAME):
        if path.is_file():
            return path
    raise FileNotFoundError(MM_TABLE_NAME)


def mm_table_parts(text):
    """
    (4-level part, 5-level part) of the reference as lists of lines: each from its
    `Virtual memory map with N level page tables:` header, the 4-level one up to the blank
    line before the 5-level header, the 5-level one to the end (trailing blank lines dropped).
    """
    lines = text.splitlines()
    i4 = lines.index("Virtual memory map with 4 level page tables:")
    i5 = lines.index("Virtual memory map with 5 level page tables:")
    four, five = lines[i4:i5], lines[i5:]
    assert four[-1] == "", "no blank line before the 5-level header"
    for part in (four, five):
        while part and part[-1] == "":
            part.pop()
    return four, five


def layout_rows(lines):
    """[(start or None, end inclusive, name)] of a table part's address rows."""
    rows = []
    for line in lines:
        if (m := LAYOUT_ROW_RE.match(line)):
            rows.append((int(m.group(1), 16), int(m.group(2), 16), m.group(4)))
        elif (m := FIXMAP_ROW_RE.match(line)):
            rows.append((None, int(m.group(1), 16), m.group(2)))
    return rows


def layout_region(rows, va):
    """The name of the row with an explicit range that holds va, or None."""
    for start, end, name in rows:
        if start is not None and start <= va <= end:
            return name
    return None


def page_table_pages(machine, cr3):
    """
    The physical addresses of the page-table pages reachable from CR3 below the top level
    (pud, pmd and pte tables), read from guest memory with HMP xp: QEMU's own count.
    """
    found = []

    def walk(table, depth):          # depth 0: pgd, 1: pud, 2: pmd
        for e in machine.read_phys_qwords(table, 512):
            if not e & 1 or (depth > 0 and e & 0x80):
                continue
            child = e & 0x000ffffffffff000
            found.append(child)
            if depth < 2:
                walk(child, depth + 1)

    walk(cr3 & 0x000ffffffffff000, 0)
    return found


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now (for QEMU's gdbstub)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def booted_with_gdbstub(build, **kwargs):
    """A Carto (Carto's keyword arguments) with QEMU's gdbstub on a free port, at the prompt;
    yields (carto, port) and stops QEMU afterwards."""
    port = free_port()
    extra = list(kwargs.pop("extra_args", [])) + ["-gdb", f"tcp:127.0.0.1:{port}"]
    c = Carto(build, extra_args=extra, **kwargs)
    c.start()
    try:
        c.wait_prompt()
        yield c, port
    finally:
        c.close()
