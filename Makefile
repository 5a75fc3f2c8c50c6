# SPDX-License-Identifier: GPL-2.0
#
# carto: build out of tree in build/, Kbuild-like quiet lines, V=1 for full commands.
#
#   make            build/vmlinux, System.map, vmlinux.bin.lz4, vmlinuz, carto.iso
#   make run        boot the ISO in QEMU, serial on this terminal (M=, SMP=, ACCEL=, CMDLINE=)
#   make gdb        QEMU paused with its gdbstub, and gdb on build/vmlinux
#   make test       host tests, then the integration tests (QEMU, TCG)
#   make bench      boot timeline and decoder figures
#   make deps       install the Debian packages the build and the tests need

O ?= build
M ?= 512M
SMP ?= 1
ACCEL ?= tcg
CMDLINE ?=
PYTHON := /usr/bin/python3

ifeq ($(V),1)
Q :=
quiet = @true
else
Q := @
quiet = @printf '  %-7s %s\n'
endif

CC := gcc
LD := ld
NASM := nasm
OBJCOPY := objcopy
NM := nm
HOSTCC := gcc

# ---------------------------------------------------------------------------------------------
# Flags

WARN := -Wall -Wextra -Werror
NOFPU := -mno-sse -mno-sse2 -mno-mmx -mno-80387 -mno-avx -mno-3dnow -mgeneral-regs-only
BASE_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-fno-builtin-printf -fno-common -mno-red-zone $(NOFPU) $(WARN) \
	-Iinclude -Iarch/x86/include -I$(O)/include -MMD -MP
KERNEL_CFLAGS := $(BASE_CFLAGS) -D__KERNEL__ -mcmodel=kernel -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables -fno-optimize-sibling-calls
STUB_CFLAGS := $(BASE_CFLAGS) -D__BOOT_STUB__ -mcmodel=small -fno-asynchronous-unwind-tables
NASMFLAGS := -f elf64 -g -F dwarf -w+all -Iarch/x86/include/ -I$(O)/include/
HOST_CFLAGS := -std=gnu11 -O2 -g $(WARN) -Iinclude -Iarch/x86/include -I$(O)/include
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
LDFLAGS_KERNEL := -m elf_x86_64 -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments

# ---------------------------------------------------------------------------------------------
# Sources: every .c and .asm below these directories is part of the kernel.

KERNEL_DIRS := init kernel kernel/printk kernel/monitor arch/x86/kernel arch/x86/mm \
	arch/x86/realmode mm lib drivers/tty
KERNEL_SRCS := $(foreach d,$(KERNEL_DIRS),$(wildcard $(d)/*.c $(d)/*.asm))
KERNEL_OBJS := $(patsubst %,$(O)/%.o,$(basename $(KERNEL_SRCS)))

STUB_SRCS := $(wildcard arch/x86/boot/compressed/*.c arch/x86/boot/compressed/*.asm) \
	lib/lz4/decompress.c lib/multiboot2.c lib/string.c lib/vsprintf.c
STUB_OBJS := $(patsubst %,$(O)/boot/%.o,$(basename $(STUB_SRCS)))

GEN := $(O)/include/generated
GEN_HDRS := $(GEN)/layout.h $(GEN)/layout.inc $(GEN)/asm-offsets.inc $(GEN)/compile.h

all: $(O)/vmlinux $(O)/System.map $(O)/vmlinux.bin.lz4 $(O)/vmlinuz $(O)/carto.iso
.PHONY: all run gdb test test-host test-integration bench deps clean FORCE

# ---------------------------------------------------------------------------------------------
# Generated headers

$(O)/scripts/genlayout: scripts/genlayout.c arch/x86/include/asm/layout.def
	$(quiet) HOSTCC $@
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $< -o $@

$(GEN)/layout.h: $(O)/scripts/genlayout
	$(quiet) GEN $@
	@mkdir -p $(dir $@)
	$(Q)$< h > $@.tmp && mv $@.tmp $@

$(GEN)/layout.inc: $(O)/scripts/genlayout
	$(quiet) GEN $@
	@mkdir -p $(dir $@)
	$(Q)$< inc > $@.tmp && mv $@.tmp $@

# asm-offsets: constants from the C headers, for NASM (Linux's asm-offsets idea).
$(O)/arch/x86/kernel/asm-offsets.s: arch/x86/kernel/asm-offsets.c $(GEN)/layout.h
	$(quiet) CC $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KERNEL_CFLAGS) -MF $@.d -S $< -o $@

$(GEN)/asm-offsets.inc: $(O)/arch/x86/kernel/asm-offsets.s
	$(quiet) GEN $@
	$(Q)sed -n 's/.*"->\([A-Za-z0-9_]*\) [$$]\{0,1\}\(-\{0,1\}[0-9]*\).*/%define \1 \2/p' $< > $@.tmp && mv $@.tmp $@

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
$(GEN)/compile.h: FORCE
	@mkdir -p $(dir $@)
	@printf '#define CARTO_VERSION "0.1"\n#define CARTO_GIT "%s"\n#define CARTO_COMPILER "%s"\n' \
		'$(VERSION)' "$$($(CC) --version | head -1)" > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

# ---------------------------------------------------------------------------------------------
# The kernel: compile, link twice to embed the symbol table (kallsyms), then the final link.

$(O)/%.o: %.c | $(GEN_HDRS)
	$(quiet) CC $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(O)/%.o: %.asm | $(GEN_HDRS)
	$(quiet) AS $@
	@mkdir -p $(dir $@)
	$(Q)$(NASM) $(NASMFLAGS) -MD $(O)/$*.d -MP $< -o $@

# The AP trampoline: a flat binary (real mode to long mode), carried by rmpiggy.asm.
$(O)/arch/x86/realmode/rm/trampoline.bin: arch/x86/realmode/rm/trampoline_64.asm
	$(quiet) AS $@
	@mkdir -p $(dir $@)
	$(Q)$(NASM) -f bin -w+all $< -o $@

$(O)/arch/x86/realmode/rmpiggy.o: arch/x86/realmode/rmpiggy.asm \
		$(O)/arch/x86/realmode/rm/trampoline.bin | $(GEN_HDRS)
	$(quiet) AS $@
	@mkdir -p $(dir $@)
	$(Q)$(NASM) $(NASMFLAGS) -I$(O)/ $< -o $@

$(O)/arch/x86/kernel/vmlinux.lds: arch/x86/kernel/vmlinux.lds.S | $(GEN_HDRS)
	$(quiet) LDS $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -x c -D__ASSEMBLY__ -Iinclude -Iarch/x86/include -I$(O)/include \
		-MMD -MP -MT $@ -MF $@.d $< -o $@

$(O)/scripts/kallsyms: scripts/kallsyms.c
	$(quiet) HOSTCC $@
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $< -o $@

LDS := $(O)/arch/x86/kernel/vmlinux.lds
KSYM := $(O)/kallsyms

# link <output> <kallsyms object>
cmd_link_vmlinux = $(LD) $(LDFLAGS_KERNEL) -T $(LDS) -o $(1) $(KERNEL_OBJS) $(2)

$(KSYM)0.c: $(O)/scripts/kallsyms
	@mkdir -p $(dir $@)
	$(Q)$< < /dev/null > $@

$(KSYM)%.o: $(KSYM)%.c
	$(quiet) KSYM $@
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(O)/.tmp_vmlinux1: $(KERNEL_OBJS) $(LDS) $(KSYM)0.o
	$(quiet) LD $@
	$(Q)$(call cmd_link_vmlinux,$@,$(KSYM)0.o)

$(KSYM)1.c: $(O)/.tmp_vmlinux1 $(O)/scripts/kallsyms
	$(Q)$(NM) -n -S $< | $(O)/scripts/kallsyms > $@

$(O)/.tmp_vmlinux2: $(KERNEL_OBJS) $(LDS) $(KSYM)1.o
	$(quiet) LD $@
	$(Q)$(call cmd_link_vmlinux,$@,$(KSYM)1.o)

$(KSYM)2.c: $(O)/.tmp_vmlinux2 $(O)/scripts/kallsyms
	$(Q)$(NM) -n -S $< | $(O)/scripts/kallsyms > $@

# The table linked into vmlinux was made from .tmp_vmlinux2, whose layout is the same
# (same symbols, same table size): check that, as Linux's link-vmlinux.sh does.
$(O)/vmlinux: $(KERNEL_OBJS) $(LDS) $(KSYM)2.o
	$(quiet) LD $@
	$(Q)$(call cmd_link_vmlinux,$@,$(KSYM)2.o)
	$(Q)$(NM) -n $@ > $(O)/.vmlinux.syms
	$(Q)$(NM) -n $(O)/.tmp_vmlinux2 > $(O)/.tmp_vmlinux2.syms
	$(Q)cmp -s $(O)/.vmlinux.syms $(O)/.tmp_vmlinux2.syms || \
		{ echo "kallsyms: symbol addresses moved in the final link" >&2; rm -f $@; exit 1; }

$(O)/System.map: $(O)/vmlinux
	$(quiet) SYSMAP $@
	$(Q)$(NM) -n $< | grep -v -E ' [aNUw] |\$$x|\.L' > $@

# The payload: vmlinux stripped (an ELF whose PT_LOAD segments the stub places), lz4 legacy
# frame, then the uncompressed size as 4 little-endian bytes (Linux's size_append).
$(O)/vmlinux.bin: $(O)/vmlinux
	$(quiet) OBJCOPY $@
	$(Q)$(OBJCOPY) -R .comment -R .note.gnu.build-id -S $< $@

$(O)/vmlinux.bin.lz4: $(O)/vmlinux.bin
	$(quiet) LZ4 $@
	$(Q)lz4 -q -l -9 -f $< $@.tmp && \
		$(PYTHON) -c 'import os,struct,sys; sys.stdout.buffer.write(struct.pack("<I", os.path.getsize(sys.argv[1])))' $< >> $@.tmp && \
		mv $@.tmp $@

# The kernel's memory span (_text .. _end) for the stub: it must not place the payload there.
$(GEN)/piggy.inc: $(O)/vmlinux
	$(quiet) GEN $@
	$(Q)$(NM) $< | awk '$$3=="_text"{t=$$1} $$3=="_end"{e=$$1} END{printf "%%define KERNEL_TEXT_VADDR 0x%s\n%%define KERNEL_END_VADDR 0x%s\n", t, e}' > $@

# ---------------------------------------------------------------------------------------------
# The boot stub (arch/x86/boot/compressed): multiboot2 header, 32-bit entry, lz4, ELF placement

$(O)/boot/%.o: %.c | $(GEN_HDRS)
	$(quiet) CC $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(STUB_CFLAGS) -c $< -o $@

$(O)/boot/%.o: %.asm | $(GEN_HDRS) $(GEN)/piggy.inc
	$(quiet) AS $@
	@mkdir -p $(dir $@)
	$(Q)$(NASM) $(NASMFLAGS) -DPAYLOAD='"$(O)/vmlinux.bin.lz4"' -MD $(O)/boot/$*.d -MP $< -o $@

$(O)/boot/arch/x86/boot/compressed/piggy.o: $(O)/vmlinux.bin.lz4 $(GEN)/piggy.inc

$(O)/boot/vmlinuz.lds: arch/x86/boot/compressed/vmlinuz.lds.S | $(GEN_HDRS)
	$(quiet) LDS $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -x c -D__ASSEMBLY__ -Iinclude -Iarch/x86/include -I$(O)/include \
		-MMD -MP -MT $@ -MF $@.d $< -o $@

$(O)/vmlinuz: $(STUB_OBJS) $(O)/boot/vmlinuz.lds
	$(quiet) LD $@
	$(Q)$(LD) $(LDFLAGS_KERNEL) -T $(O)/boot/vmlinuz.lds -o $@ $(STUB_OBJS)

$(O)/iso/boot/grub/grub.cfg: FORCE
	@mkdir -p $(dir $@)
	@printf 'set timeout=0\nset default=0\nserial --unit=0 --speed=115200\nterminal_output serial\nmenuentry "carto" {\n\tmultiboot2 /boot/vmlinuz %s\n$(GRUB_MODULES)\tboot\n}\n' '$(strip $(CMDLINE))' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(O)/carto.iso: $(O)/vmlinuz $(O)/iso/boot/grub/grub.cfg
	$(quiet) ISO $@
	$(Q)cp $(O)/vmlinuz $(O)/iso/boot/vmlinuz
	$(Q)grub-mkrescue -o $@ $(O)/iso > $(O)/grub-mkrescue.log 2>&1 || \
		{ cat $(O)/grub-mkrescue.log; exit 1; }

# ---------------------------------------------------------------------------------------------
# Loadable modules (modules/*.c): each a relocatable object (ld -r) built like the kernel
# (-mcmodel=kernel, no PIC), $(O)/modules/NAME.ko; on the ISO as /boot/NAME.ko, a GRUB
# module2 file whose command line is NAME (`insmod NAME` finds it).

MODULE_SRCS := $(wildcard modules/*.c)
MODULES := $(patsubst modules/%.c,$(O)/modules/%.ko,$(MODULE_SRCS))
ISO_MODULES := $(patsubst $(O)/modules/%,$(O)/iso/boot/%,$(MODULES))
GRUB_MODULES := $(subst \n \t,\n\t,$(foreach m,$(MODULE_SRCS),\tmodule2 /boot/$(basename $(notdir $(m))).ko $(basename $(notdir $(m)))\n))
all: $(MODULES)
test-host: $(MODULES)
$(O)/carto.iso: $(ISO_MODULES)

$(O)/modules/%.mod.o: modules/%.c | $(GEN_HDRS)
	$(quiet) CC $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KERNEL_CFLAGS) -DMODULE -c $< -o $@

$(O)/modules/%.ko: $(O)/modules/%.mod.o
	$(quiet) LD $@
	$(Q)$(LD) -m elf_x86_64 -r -o $@ $<

$(O)/iso/boot/%.ko: $(O)/modules/%.ko
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

# ---------------------------------------------------------------------------------------------
# GDB helpers (scripts/gdb): $(O)/vmlinux-gdb.py, beside vmlinux, loads them when gdb loads
# vmlinux; their constants come from the C headers through the preprocessor (Linux's
# scripts/gdb/linux/constants.py.in idea), written into $(O)/scripts/gdb/carto/.

GDB_SCRIPTS := $(O)/vmlinux-gdb.py $(O)/scripts/gdb/carto/constants.py
all: $(GDB_SCRIPTS)

$(O)/scripts/gdb/carto/constants.py: scripts/gdb/carto/constants.py.in | $(GEN_HDRS)
	$(quiet) GEN $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -x c -I. -Iinclude -Iarch/x86/include -I$(O)/include \
		-MMD -MP -MT $@ -MF $@.d $< -o $@.i
	$(Q)sed '1,/^CARTO_CONSTANTS_BEGIN$$/d' $@.i > $@.tmp && $(PYTHON) $@.tmp && \
		mv $@.tmp $@ && rm -f $@.i

$(O)/vmlinux-gdb.py: FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' '# Generated by the Makefile: load carto'"'"'s GDB helpers (scripts/gdb).' \
		'import sys' 'for _p in ("$(abspath $(O))/scripts/gdb", "$(CURDIR)/scripts/gdb"):' \
		'    if _p not in sys.path:' '        sys.path.insert(0, _p)' 'import carto' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || { printf '  %-7s %s\n' GEN $@; mv $@.tmp $@; }

# ---------------------------------------------------------------------------------------------
# Running, debugging, testing

QEMU := qemu-system-x86_64
QEMU_ACCEL := $(if $(filter kvm,$(ACCEL)),-accel kvm -cpu host,-accel tcg -cpu max)
QEMU_ARGS := -m $(M) -smp $(SMP) $(QEMU_ACCEL) -cdrom $(O)/carto.iso -boot d -nic none \
	-display none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04

# QEMU's isa-debug-exit ends with status 1 for a plain `poweroff`: that is a clean exit.
run: deps all
	$(Q)$(QEMU) $(QEMU_ARGS) -serial stdio; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 1 ]

# The serial console goes to a TCP port (gdb has the terminal): `nc 127.0.0.1 $(SERIALPORT)`.
GDBPORT ?= 1234
SERIALPORT ?= 4444
gdb: deps all
	$(Q)echo "carto: serial console on tcp 127.0.0.1:$(SERIALPORT) (nc 127.0.0.1 $(SERIALPORT))"
	$(Q)$(QEMU) $(QEMU_ARGS) -S -gdb tcp:127.0.0.1:$(GDBPORT) -daemonize -pidfile $(O)/qemu-gdb.pid \
		-serial tcp:127.0.0.1:$(SERIALPORT),server=on,wait=off
	$(Q)gdb -q -iex 'add-auto-load-safe-path $(abspath $(O))' \
		-ex 'target remote 127.0.0.1:$(GDBPORT)' $(O)/vmlinux; \
		kill $$(cat $(O)/qemu-gdb.pid) 2>/dev/null; rm -f $(O)/qemu-gdb.pid

HOST_TESTS := $(patsubst tests/host/%.c,$(O)/tests/host/%,$(wildcard tests/host/*_test.c))

$(O)/tests/host/%: tests/host/%.c FORCE
	$(quiet) HOSTCC $@
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -O1 $(SAN) -Itests/host -MMD -MP $< -o $@ -llz4

test-host: deps $(HOST_TESTS) $(O)/vmlinux.bin
	$(Q)set -e; for t in $(HOST_TESTS); do echo "  TEST    $$t"; $$t $(O)/vmlinux.bin; done

test-integration: deps all
	$(Q)CARTO_BUILD=$(abspath $(O)) $(PYTHON) -m pytest -q tests/integration $(PYTEST_ARGS)

test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory test-host
	$(Q)$(MAKE) --no-print-directory test-integration

bench: deps all
	$(Q)CARTO_BUILD=$(abspath $(O)) $(PYTHON) tests/bench/bench.py

# The layout table in Documentation/x86/x86_64/mm.rst, generated from layout.def.
.PHONY: docs
docs:
	$(quiet) GEN Documentation/x86/x86_64/mm.rst
	$(Q)$(PYTHON) scripts/gen-mm-rst

deps:
	$(Q)scripts/deps.sh

clean:
	rm -rf $(O)

-include $(shell find $(O) -name '*.d' 2>/dev/null)
