# SPDX-License-Identifier: GPL-2.0
"""
What every carto GDB helper shares.

  lookups     types and symbols of vmlinux's DWARF, cached until the symbol file changes
  the target  is there one, is the CPU in long mode (the 32 -> 64-bit switch, below)
  memory      virtual reads through gdb; physical reads in QEMU's physical-memory mode
              (maint packet Qqemu.PhyMemMode:1), whole 4 KiB pages, so a page-table page
              costs one gdbstub read; both cached by page while the target is stopped and
              counted (read_stats) for `make bench`
  addresses   canonical checks, the kernel's two linear maps (__pa_symbol, __va)
  entries     the decoder of page-table entries over the kernel's own entry-flag table
              (pte_bits[] in its memory): shared by lx-pte, lx-pagewalk and lx-ptdump
  commands    Command and Function, base classes that turn every failure into a one-line
              gdb.GdbError ("lx-NAME: why") and leave the stub in virtual-memory mode

The 32 -> 64-bit switch. QEMU starts carto in 16-bit mode, GRUB enters the boot stub in
32-bit mode, the stub enters long mode on its identity map and jumps to startup_64 at its
PHYSICAL address, LOAD_PHYSICAL_ADDR (0x1000000): `hbreak startup_64` (at __START_KERNEL)
would wait for an address that is not mapped yet. So: `hbreak *0x1000000` (lx-break-startup
does it), `continue`, and `set architecture i386:x86-64` if gdb started out with a 32-bit
one. Commands that need carto's page tables refuse, with that recipe, while the CPU is not
in long mode; reads of the kernel image and of the direct map fall back to physical reads
(va - __START_KERNEL_map, va - __PAGE_OFFSET) when the virtual address is not mapped yet.
"""

import contextlib
import re
import struct

import gdb

from carto import constants as C

MASK64 = (1 << 64) - 1
# Module-level aliases: a double-underscore name would be mangled inside a class body.
PAGE_OFFSET = C.__PAGE_OFFSET
START_KERNEL_MAP = C.__START_KERNEL_map
VIRTUAL_MASK_SHIFT = C.__VIRTUAL_MASK_SHIFT

# -------------------------------------------------------------------------------------------
# Lookups, cached until the symbol file changes


class _Cache:
    """Caches dropped on an event: symbols (new symbol file) or memory (the target moved)."""

    def __init__(self):
        self.types, self.symbols, self.memo = {}, {}, {}
        self.pages = {}          # ("v" | "p", page address) -> 4096 bytes
        self.phys_mode = None    # the stub's PhyMemMode as we left it: None = not asked yet
        self.phys_ok = None      # the stub has a physical-memory mode (QEMU)

    def drop_symbols(self, *_):
        self.types.clear()
        self.symbols.clear()
        self.drop_memory()

    def drop_memory(self, *_):
        self.memo.clear()
        self.pages.clear()

    def drop_connection(self, *_):
        self.drop_memory()
        self.phys_mode = self.phys_ok = None


cache = _Cache()
gdb.events.new_objfile.connect(cache.drop_symbols)
gdb.events.clear_objfiles.connect(cache.drop_symbols)
for _event in ("stop", "cont", "memory_changed", "register_changed", "inferior_call"):
    getattr(gdb.events, _event).connect(cache.drop_memory)
gdb.events.exited.connect(cache.drop_connection)
if hasattr(gdb.events, "connection_removed"):
    gdb.events.connection_removed.connect(cache.drop_connection)


def memo(key, compute):
    """compute(), remembered until the target runs again or its memory is written."""
    if key not in cache.memo:
        cache.memo[key] = compute()
    return cache.memo[key]


def get_type(name):
    """The gdb.Type called name ("struct zone", "unsigned long"), from vmlinux's DWARF."""
    t = cache.types.get(name)
    if t is None:
        try:
            t = gdb.lookup_type(name)
        except gdb.error:
            raise gdb.GdbError(f"no type '{name}' in the symbol file: load carto's "
                               "build/vmlinux (file build/vmlinux)") from None
        cache.types[name] = t
    return t


def enum_values(name):
    """{enumerator: value} of enum `name` ("enum pt_level")."""
    key = ("enum", name)
    if key not in cache.types:
        cache.types[key] = {f.name: f.enumval for f in get_type(name).fields()}
    return cache.types[key]


def lookup_symbol(name, file=None):
    """
    (address, gdb.Type) of a global variable or function, or of a static one defined in
    `file` (a path ending, "kernel/printk/printk.c"). GdbError when vmlinux has none.
    """
    key = (name, file)
    if key not in cache.symbols:
        if file is None:
            sym = gdb.lookup_global_symbol(name)
        else:
            sym = next((s for s in gdb.lookup_static_symbols(name)
                        if s.symtab and s.symtab.filename.endswith(file)), None)
        if sym is None:
            where = f" in {file}" if file else ""
            raise gdb.GdbError(f"no symbol '{name}'{where}: is this carto's vmlinux? "
                               "(file build/vmlinux)")
        value = sym.value()
        cache.symbols[key] = (int(value.address), value.type)
    return cache.symbols[key]


def symbol_address(name, file=None):
    """The address of a symbol: from DWARF, or for a global, the ELF symbol table (asm)."""
    try:
        return lookup_symbol(name, file)[0]
    except gdb.GdbError:
        if file is not None:
            raise
        try:  # an assembly label has no DWARF, only its ELF symbol (a gdb "minimal symbol")
            return int(gdb.parse_and_eval(f"(unsigned long)&'{name}'")) & MASK64
        except gdb.error:
            raise gdb.GdbError(f"no symbol '{name}': is this carto's vmlinux? "
                               "(file build/vmlinux)") from None


# -------------------------------------------------------------------------------------------
# The target and the CPU mode


def require_target():
    """GdbError unless gdb is connected to a running target (QEMU's gdbstub)."""
    if gdb.selected_inferior().pid == 0:
        raise gdb.GdbError("no target: start QEMU with its gdbstub and connect "
                           "(make gdb, or target remote 127.0.0.1:1234)")


def register(name):
    """A register of the selected thread as an unsigned integer (cr3, efer, ...)."""
    require_target()
    try:
        return int(gdb.selected_frame().read_register(name)) & MASK64
    except (gdb.error, ValueError) as e:
        raise gdb.GdbError(f"cannot read ${name} ({e}): the target must be QEMU's gdbstub "
                           "with the x86-64 system registers") from None


def long_mode():
    """True when the CPU runs with long-mode paging (CR0.PG and EFER.LME: EFER.LMA)."""
    return memo("long_mode", lambda: bool(register("cr0") & C.X86_CR0_PG and
                                          register("efer") & C.EFER_LME))


def startup_recipe():
    return (f"hbreak *{C.LOAD_PHYSICAL_ADDR:#x} (startup_64's physical address, "
            f"LOAD_PHYSICAL_ADDR), continue, then set architecture i386:x86-64")


def require_long_mode():
    """GdbError, with the way to the 64-bit entry, unless carto's page tables can be walked."""
    if not long_mode():
        raise gdb.GdbError("the CPU is not in long mode yet (32-bit boot stub or earlier): "
                           "no page tables to walk; break at the 64-bit entry first: "
                           + startup_recipe())
    if register("cr4") & C.X86_CR4_LA57:
        raise gdb.GdbError("5-level paging (CR4.LA57) is on: the helpers walk 4-level tables")


def read_cr3():
    """The physical address of the current top-level table."""
    require_long_mode()
    return register("cr3") & C.PTE_PFN_MASK


# -------------------------------------------------------------------------------------------
# Memory: every gdbstub read goes through _stub_read, which counts it.

_stats = {"reads": 0, "bytes": 0, "phys_reads": 0, "virt_reads": 0, "mode_switches": 0}


def read_stats(reset=False):
    """{reads, bytes, phys_reads, virt_reads, mode_switches} since the last reset."""
    out = dict(_stats)
    if reset:
        for k in _stats:
            _stats[k] = 0
    return out


def _stub_read(addr, size, phys):
    _stats["reads"] += 1
    _stats["bytes"] += size
    _stats["phys_reads" if phys else "virt_reads"] += 1
    return gdb.selected_inferior().read_memory(addr, size).tobytes()


def _maint_packet(packet):
    """Send a raw packet to the stub; its reply (text), or None if there is no remote stub."""
    try:
        out = gdb.execute(f"maint packet {packet}", to_string=True)
    except gdb.error:
        return None
    m = re.search(r'received: "(.*)"', out)
    return m.group(1) if m else None


def _set_phys_mode(on):
    """Switch QEMU's gdbstub between physical and virtual addressing; False if it can't."""
    if cache.phys_ok is None:
        reply = _maint_packet("qqemu.PhyMemMode")
        cache.phys_ok = reply in ("0", "1")
        cache.phys_mode = reply == "1" if cache.phys_ok else False
    if not cache.phys_ok:
        return not on
    if cache.phys_mode != on:
        _stats["mode_switches"] += 1
        if _maint_packet(f"Qqemu.PhyMemMode:{int(on)}") != "OK":
            raise gdb.GdbError("QEMU's gdbstub refused to switch its physical-memory mode")
        cache.phys_mode = on
    return True


def leave_phys_mode():
    """Back to virtual addressing (what gdb itself assumes); at the end of every command."""
    if cache.phys_mode:
        _set_phys_mode(False)


def linear_pa(va):
    """pa of va in the kernel image mapping or the direct map (arithmetic, no walk), or None."""
    if START_KERNEL_MAP <= va < START_KERNEL_MAP + C.KERNEL_IMAGE_SIZE:
        return va - START_KERNEL_MAP
    if C.LAYOUT_DIRECT_MAP_START <= va <= C.LAYOUT_DIRECT_MAP_END:
        return va - PAGE_OFFSET
    return None


def _read_pages(space, first, count):
    """Pages [first, first + count pages) of space "v" or "p" into the cache: one stub read."""
    addr, phys = first, space == "p"
    if not _set_phys_mode(phys):
        # A stub without a physical mode (not QEMU): physical memory through the direct map.
        addr, phys = first + PAGE_OFFSET, False
    data = _stub_read(addr, count * C.PAGE_SIZE, phys)
    for i in range(count):
        cache.pages[(space, first + i * C.PAGE_SIZE)] = data[i * C.PAGE_SIZE:(i + 1) * C.PAGE_SIZE]


def _read(space, addr, size):
    """size bytes at addr of space, through the page cache; runs of missing pages in one read."""
    if size <= 0:
        return b""
    first = addr & C.PAGE_MASK
    last = (addr + size - 1) & C.PAGE_MASK
    run = None
    for page in range(first, last + C.PAGE_SIZE, C.PAGE_SIZE):
        missing = (space, page) not in cache.pages
        if missing and run is None:
            run = page
        if run is not None and (not missing or page == last):
            end = page + C.PAGE_SIZE if missing else page
            _read_pages(space, run, (end - run) // C.PAGE_SIZE)
            run = None
    data = b"".join(cache.pages[(space, p)] for p in range(first, last + C.PAGE_SIZE, C.PAGE_SIZE))
    return data[addr - first:addr - first + size]


def read_phys(pa, size):
    """size bytes of guest-physical memory at pa. gdb.MemoryError where there is none."""
    require_target()
    return _read("p", pa, size)


def read_virt(va, size):
    """
    size bytes at kernel virtual address va, as the CPU sees them now. Where the CPU cannot
    reach va yet (before long mode, or before the kernel's own tables map it), the direct map
    and the placed kernel image are read at their physical addresses, and read-only data
    before the image is placed (or without a target) comes from vmlinux itself. gdb.MemoryError
    or GdbError when va cannot be read.
    """
    if gdb.selected_inferior().pid == 0:
        return _read_file_rodata(va, size)
    pa = linear_pa(va)
    if long_mode():
        try:
            return _read("v", va, size)
        except gdb.MemoryError:
            if pa is None:
                raise
    elif pa is None:
        require_long_mode()
    if va >= START_KERNEL_MAP and not image_in_memory():
        if in_rodata(va, size):
            return _read_file_rodata(va, size)
        raise gdb.GdbError("the kernel image is not in memory yet (the boot stub has not "
                           "placed it): break at the 64-bit entry first: " + startup_recipe())
    return _read("p", pa, size)


def in_rodata(va, size):
    lo, hi = memo("rodata", lambda: (symbol_address("__start_rodata"),
                                     symbol_address("_erodata")))
    return lo <= va and va + size <= hi


def _read_file(va, size):
    """Bytes of vmlinux's read-only sections, from the file (trust-readonly-sections)."""
    trust = gdb.parameter("trust-readonly-sections")
    gdb.execute("set trust-readonly-sections on", to_string=True)
    try:
        return gdb.selected_inferior().read_memory(va, size).tobytes()
    finally:
        if not trust:
            gdb.execute("set trust-readonly-sections off", to_string=True)


def _read_file_rodata(va, size):
    """
    Read-only data (__start_rodata.._erodata) from vmlinux itself: what lx-pte, lx-layout 4|5
    and lx-version need, with no target or before the boot stub has placed the image;
    nothing that can change.
    """
    if not in_rodata(va, size):
        require_target()
    return _read_file(va, size)


def image_in_memory():
    """The boot stub has placed the kernel image: its first text bytes are at __pa_symbol."""
    def compute():
        text = symbol_address("_text")
        try:
            return _read("p", text - START_KERNEL_MAP, 64) == _read_file(text, 64)
        except gdb.MemoryError:
            return False
    return memo("image_in_memory", compute)


def read_u64(va):
    return struct.unpack("<Q", read_virt(va, 8))[0]


def read_value(va, type_name_or_type):
    """The object of a type at va, as a gdb.Value built from the bytes read (no lazy reads)."""
    t = get_type(type_name_or_type) if isinstance(type_name_or_type, str) else type_name_or_type
    return gdb.Value(read_virt(va, t.sizeof), t)


def read_symbol(name, file=None):
    """A variable of vmlinux as a gdb.Value (read once, through read_virt)."""
    addr, t = lookup_symbol(name, file)
    return gdb.Value(read_virt(addr, t.sizeof), t)


def read_cstring(va, limit=4096):
    """The NUL-terminated string at va (at most limit bytes), as text (latin-1: bytes as sent)."""
    out = b""
    while len(out) < limit:
        chunk = read_virt(va + len(out), min(C.PAGE_SIZE - ((va + len(out)) & ~C.PAGE_MASK),
                                             limit - len(out)))
        nul = chunk.find(b"\0")
        if nul >= 0:
            return (out + chunk[:nul]).decode("latin-1")
        out += chunk
    return out.decode("latin-1")


def string_at(ptr):
    """The string a `const char *` gdb.Value points to; None for NULL."""
    addr = int(ptr)
    return None if addr == 0 else read_cstring(addr)


def read_table(pa):
    """
    The 512 entries of the page-table page at pa, or None when the kernel would not read it:
    beyond the memory its pt_table_va() reaches (arch/x86/mm/init_64.c), or no RAM there.
    """
    limit = table_limit()
    if limit is not None and pa >= limit:
        return None
    key = ("table", pa)
    if key not in cache.memo:
        try:
            cache.memo[key] = struct.unpack(f"<{C.PTRS_PER_PTE}Q", read_phys(pa, C.PAGE_SIZE))
        except gdb.MemoryError:
            cache.memo[key] = None
    return cache.memo[key]


def table_limit():
    """
    First physical address the kernel's pt_table_va() does not reach: the end of the direct
    map once it is live, KERNEL_IMAGE_SIZE before (the text mapping); None if unknown.
    """
    def compute():
        file = "arch/x86/mm/init_64.c"
        try:
            if int(read_symbol("direct_map_live", file)):
                return int(read_symbol("direct_map_end", file))
            return C.KERNEL_IMAGE_SIZE
        except (gdb.GdbError, gdb.MemoryError):
            return None  # not carto's, or its image is not in memory yet: no limit
    return memo("table_limit", compute)


# -------------------------------------------------------------------------------------------
# Addresses


def is_canonical(va):
    """Bits 63..47 all equal (4-level paging): the CPU raises #GP for any other address."""
    return normalize(va) == va


def normalize(va):
    """Sign-extend a 48-bit address, as walking by indices produces them."""
    va &= (1 << (VIRTUAL_MASK_SHIFT + 1)) - 1
    if va >> VIRTUAL_MASK_SHIFT:
        va |= MASK64 & ~((1 << (VIRTUAL_MASK_SHIFT + 1)) - 1)
    return va


# -------------------------------------------------------------------------------------------
# Page-table levels and entries: enum pt_level from DWARF, names and shifts from the kernel


class Levels:
    """enum pt_level (PGD..PTE, NR) with the kernel's pt_level_name[] and pt_level_shift[]."""

    def __init__(self):
        e = enum_values("enum pt_level")
        self.PGD, self.P4D, self.PUD = e["PT_PGD"], e["PT_P4D"], e["PT_PUD"]
        self.PMD, self.PTE, self.NR = e["PT_PMD"], e["PT_PTE"], e["PT_NR_LEVELS"]
        names = read_symbol("pt_level_name")
        shifts = read_symbol("pt_level_shift")
        self.name = [string_at(names[i]) for i in range(self.NR)]
        self.shift = [int(shifts[i]) for i in range(self.NR)]

    def size(self, level):
        return 1 << self.shift[level]

    def by_name(self, name):
        return self.name.index(name) if name in self.name else None


def levels():
    return memo("levels", Levels)


def entry_leaf(lv, level, e):
    """A leaf: a present pte, or a present pud/pmd entry with PSE (pt_entry_leaf)."""
    return bool(e & C._PAGE_PRESENT) and (
        level == lv.PTE or (level in (lv.PUD, lv.PMD) and bool(e & C._PAGE_PSE)))


def entry_pa(lv, level, e):
    """The frame an entry points at: a table, or a page of its level's size (pt_entry_pa)."""
    if entry_leaf(lv, level, e) and level != lv.PTE:
        return e & C.PTE_PFN_MASK & ~(lv.size(level) - 1)
    return e & C.PTE_PFN_MASK


class PteBit:
    __slots__ = ("name", "what", "mask_pte", "mask_upper", "set", "clear")


def pte_bits():
    """The kernel's entry-flag table, pte_bits[nr_pte_bits] (arch/x86/mm/pte_bits.c)."""
    def compute():
        addr, _ = lookup_symbol("pte_bits")
        t = get_type("struct pte_bit_desc")
        n = int(read_symbol("nr_pte_bits"))
        rows = []
        for i in range(n):
            v = read_value(addr + i * t.sizeof, t)
            b = PteBit()
            for f in PteBit.__slots__:
                setattr(b, f, string_at(v[f]) if f in ("name", "what", "set", "clear")
                              else int(v[f]))
            rows.append(b)
        return rows
    return memo("pte_bits", compute)


def pte_bit_mask(lv, b, level, e):
    """The bit's mask in entry e at level, 0 where it means nothing (pte_bit_mask())."""
    if level == lv.PTE:
        return b.mask_pte
    if b.mask_upper == C._PAGE_PAT_LARGE and not entry_leaf(lv, level, e):
        return 0
    if b.mask_upper == C._PAGE_PSE and level not in (lv.PUD, lv.PMD):
        return 0
    return b.mask_upper


def pte_flags_string(lv, e, level):
    """"RW NX GLB ...": the names of the bits set in e at level (pte_flags_string())."""
    return " ".join(b.name for b in pte_bits()
                    if (m := pte_bit_mask(lv, b, level, e)) and e & m)


# -------------------------------------------------------------------------------------------
# Arguments


def parse_address(text):
    """
    An address argument: a gdb expression (0x-hex, decimal, symbol, &var, $reg, sums); an
    array or a function stands for its address, as the monitor's symbol arguments do; bare
    hex digits that are no expression are hex, as the monitor reads them.
    """
    try:
        v = gdb.parse_and_eval(text)
    except gdb.error as e:
        if re.fullmatch(r"[0-9a-fA-F]+", text):
            return int(text, 16)
        raise gdb.GdbError(f"cannot read '{text}' as an address: {e}") from None
    return value_to_int(v, text)


def value_to_int(v, text=None):
    """A gdb.Value as an unsigned 64-bit integer; an array or a function: its address."""
    if v.type.strip_typedefs().code in (gdb.TYPE_CODE_ARRAY, gdb.TYPE_CODE_FUNC):
        v = v.address
    try:
        return int(v) & MASK64
    except gdb.error as e:
        raise gdb.GdbError(f"'{text or v}' is not a number or an address: {e}") from None


def parse_number(text):
    """A number argument: a gdb expression (decimal, 0x-hex, ...)."""
    try:
        return int(gdb.parse_and_eval(text)) & MASK64
    except gdb.error as e:
        raise gdb.GdbError(f"'{text}' is not a number: {e}") from None


# -------------------------------------------------------------------------------------------
# Commands and functions


@contextlib.contextmanager
def guard(name):
    """
    Run a command's body: every failure becomes one gdb.GdbError line "name: why" (a bug in
    the helpers too, never a traceback), and the stub is left in virtual-memory mode.
    """
    try:
        yield
    except gdb.GdbError as e:
        msg = str(e)
        if not msg.startswith(("usage: ", name + ":")):
            msg = f"{name}: {msg}"
        raise gdb.GdbError(msg) from None
    except gdb.MemoryError as e:
        raise gdb.GdbError(f"{name}: cannot read target memory: {e}") from None
    except gdb.error as e:
        raise gdb.GdbError(f"{name}: {e}") from None
    except KeyboardInterrupt:
        raise
    except Exception as e:  # noqa: BLE001 - the one place that must catch everything
        raise gdb.GdbError(f"{name}: internal error in scripts/gdb/carto: "
                           f"{type(e).__name__}: {e}") from None
    finally:
        try:
            leave_phys_mode()
        except gdb.error:
            pass


class Command(gdb.Command):
    """Base of the lx- commands: run(argv) returns the text to print (see guard)."""

    def __init__(self, name, command_class=gdb.COMMAND_DATA):
        super().__init__(name, command_class)
        self.name = name

    def usage(self):
        """The usage line: the docstring's second paragraph's first line."""
        return "usage: " + self.__doc__.split("\n\n")[1].strip().splitlines()[0]

    def invoke(self, arg, from_tty):
        self.dont_repeat()
        with guard(self.name):
            text = self.run(gdb.string_to_argv(arg))
        if text:
            gdb.write(text)

    def run(self, argv):
        raise NotImplementedError


class Function(gdb.Function):
    """
    Base of the $ functions: call(*args), args checked against nargs (a count, or (min, max)
    for optional trailing ones), returns a gdb.Value.
    """

    nargs = 1

    def __init__(self, name):
        super().__init__(name)
        self.name = "$" + name

    def usage(self):
        return "usage: " + self.__doc__.split("\n\n")[1].strip().splitlines()[0]

    def invoke(self, *args):
        with guard(self.name):
            lo, hi = self.nargs if isinstance(self.nargs, tuple) else (self.nargs, self.nargs)
            if not lo <= len(args) <= hi:
                raise gdb.GdbError(self.usage())
            return self.call(*args)

    def call(self, *args):
        raise NotImplementedError
