# SPDX-License-Identifier: GPL-2.0
"""`poweroff` and `reboot`: QEMU must see them (each test has its own QEMU)."""

from carto import BOOT_TIMEOUT, kernel_lines

EXIT_TIMEOUT = 60


def test_poweroff_ends_qemu(launch):
    c = launch(name="poweroff")
    c.wait_prompt()
    c.send("poweroff\r")
    c.expect_exact("reboot: Power down")
    status = c.wait_exit(EXIT_TIMEOUT)
    # 0: ACPI S5 (QEMU's PIIX4 PM); 1: isa-debug-exit with value 0
    assert status in (0, 1), f"QEMU still running or died: {status}\n{c.qemu_output()}"


def test_reboot_with_no_reboot_ends_qemu(launch):
    c = launch(name="reboot-exit")
    c.wait_prompt()
    c.send("reboot\r")
    c.expect_exact("reboot: Restarting system")
    status = c.wait_exit(EXIT_TIMEOUT)
    assert status == 0, f"QEMU still running or died: {status}\n{c.qemu_output()}"


def test_reboot_boots_again(launch):
    c = launch(name="reboot", no_reboot=False)
    first = c.wait_prompt()
    banner = next(l for l in kernel_lines(first) if l.startswith("carto version "))
    c.send("reboot\r")
    c.expect_exact("reboot: Restarting system")
    second = c.expect_exact("carto: boot stub at", timeout=BOOT_TIMEOUT)
    assert "Booting `carto'" in second  # through the firmware and GRUB again
    log = c.wait_prompt()
    assert "Decompressing carto... done." in log
    assert c.cmd("version") == banner + "\n"
    assert c.transcript.count("carto: boot stub at") == 2
