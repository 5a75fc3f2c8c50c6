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
                 name="carto"):
        self.build = build
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
        argv = [QEMU, "-m", self.mem, "-smp", "1", "-accel", "tcg", "-cpu", self.cpu,
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
