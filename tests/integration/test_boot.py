# SPDX-License-Identifier: GPL-2.0
"""The boot path as the serial line shows it: stub, decompressor, kernel, banner, prompt."""

import re

from carto import BANNER_RE, TIMESTAMP_RE


def test_boot_reaches_prompt_in_order(boot_log, build):
    milestones = ["carto: boot stub at", "Decompressing carto... done.", "Booting the kernel.",
                  "carto version", "Command line:"]
    pos = 0
    for m in milestones:
        at = boot_log.find(m, pos)
        assert at >= 0, f"{m!r} missing (or out of order) in the boot log:\n{boot_log}"
        pos = at + len(m)
    # the prompt ended the boot log, and nothing went wrong before it
    assert "boot failed" not in boot_log
    assert "BUG:" not in boot_log and "Oops" not in boot_log and "panic" not in boot_log


def test_stub_reports_sizes(boot_log, build):
    """`done. (X -> Y bytes)`: X is the payload in vmlinuz, Y the vmlinux.bin it holds."""
    m = re.search(r"Decompressing carto\.\.\. done\. \((\d+) -> (\d+) bytes\)", boot_log)
    assert m, boot_log
    assert int(m.group(1)) == build.payload.stat().st_size
    assert int(m.group(2)) == build.vmlinux_bin.stat().st_size


def test_kernel_lines_have_timestamps(boot_log):
    kernel = boot_log[boot_log.index("Booting the kernel."):].splitlines()[1:]
    lines = [l for l in kernel if l.strip()]
    assert lines, boot_log
    for line in lines:
        assert TIMESTAMP_RE.match(line), f"no Linux timestamp: {line!r}"
    assert BANNER_RE.search(re.sub(r"^\[[^\]]*\] ", "", lines[0])), lines[0]


def test_entry_is_vmlinux_entry(boot_log, vmlinux_elf):
    """The stub enters the kernel at the physical address of vmlinux's ELF entry."""
    m = re.search(r"Booting the kernel\. \(entry pa=(0x[0-9a-f]+)", boot_log)
    assert m, boot_log
    entry = vmlinux_elf.e_entry
    assert int(m.group(1), 16) == entry - 0xffffffff80000000
