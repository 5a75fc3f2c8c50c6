# SPDX-License-Identifier: GPL-2.0
"""The monitor's basic commands: version, help, errors and usage lines, dmesg, cmdline."""

import re

import pytest

from carto import BANNER_RE, TIMESTAMP_RE, kernel_lines, grub_cmdline

COMMANDS = ["help", "version", "dmesg", "cmdline", "sym", "addr", "x", "cpuid", "oops",
            "selftest", "reboot", "poweroff"]


def banner(boot_log):
    """The banner as printed at boot, without its timestamp."""
    for line in kernel_lines(boot_log):
        if BANNER_RE.match(line):
            return line
    pytest.fail(f"no banner in the boot log:\n{boot_log}")


def test_version_is_the_boot_banner(carto, boot_log):
    assert carto.cmd("version") == banner(boot_log) + "\n"


def test_banner_names_version_and_compiler(boot_log):
    b = banner(boot_log)
    assert re.fullmatch(r"carto version \S+ \(\S+\) \(gcc .*\) #1 SMP", b), b


def test_help_lists_every_command(carto):
    out = carto.cmd("help")
    listed = [line.split()[0] for line in out.splitlines() if line.strip()]
    assert set(COMMANDS) <= set(listed) and len(set(listed)) == len(listed), out
    # each row: the usage, then a description
    for line in out.splitlines():
        assert re.match(r"^\S.*\S\s{2,}\S", line), line


def test_help_x(carto):
    lines = carto.cmd("help x").splitlines()
    assert lines[0] == "usage: x ADDR [COUNT]"
    assert len(lines) == 2 and lines[1].strip(), lines


@pytest.mark.parametrize("name", COMMANDS)
def test_help_each_command_shows_its_usage(carto, name):
    lines = carto.cmd(f"help {name}").splitlines()
    assert re.fullmatch(rf"usage: {name}( .*)?", lines[0]), lines


def test_unknown_command(carto):
    assert carto.cmd("foo") == "carto: unknown command 'foo' (try 'help')\n"


def test_unknown_command_with_arguments(carto):
    assert carto.cmd("foo bar 1 2") == "carto: unknown command 'foo' (try 'help')\n"


def test_empty_line_does_nothing(carto):
    assert carto.cmd("") == ""
    assert carto.cmd("   ") == ""


@pytest.mark.parametrize("line, usage", [
    ("x", "x ADDR [COUNT]"),
    ("x zzz", "x ADDR [COUNT]"),
    ("x start_kernel zz", "x ADDR [COUNT]"),
    ("x start_kernel 1 2", "x ADDR [COUNT]"),
    ("sym", "sym ADDR"),
    ("sym zzz", "sym ADDR"),
    ("addr", "addr SYMBOL"),
    ("addr a b", "addr SYMBOL"),
    ("cpuid zz", "cpuid [LEAF [SUBLEAF]]"),
    ("oops sideways", "oops [read|write|exec] [ADDR]"),
    ("version now", "version"),
    ("reboot now", "reboot"),
    ("poweroff now", "poweroff"),
])
def test_wrong_arguments_give_usage(carto, line, usage):
    assert carto.cmd(line) == f"usage: {usage}\n"


def test_too_many_words(carto):
    out = carto.cmd("x " + " ".join(["1"] * 20))
    assert out == "usage: x ADDR [COUNT]\n"


def test_dmesg_has_the_boot_lines_with_timestamps(carto, boot_log):
    out = carto.cmd("dmesg")
    lines = [l for l in out.splitlines() if l]
    assert lines, "dmesg printed nothing"
    stamps = []
    for line in lines:
        m = TIMESTAMP_RE.match(line)
        assert m, f"not a Linux timestamp: {line!r}"
        stamps.append(int(m.group(1)) * 10**6 + int(m.group(2)))
    assert stamps == sorted(stamps), "timestamps go backwards"
    assert stamps[0] == 0, lines[0]
    # the lines printed at boot are in the log as they were printed (timestamps included),
    # in order; the log may hold more (levels the console did not show)
    boot = [l for l in boot_log.splitlines() if TIMESTAMP_RE.match(l)]
    rest = iter(lines)
    missing = [l for l in boot if not any(l == d for d in rest)]
    assert not missing, f"boot lines not in dmesg (or out of order): {missing}"
    for want in ("carto version", "Command line:"):
        assert any(want in l for l in lines), want


def test_cmdline_is_grubs(carto, build):
    assert carto.cmd("cmdline") == grub_cmdline(build) + "\n"


def test_boot_log_command_line_matches(boot_log, build):
    assert f"Command line: {grub_cmdline(build)}" in kernel_lines(boot_log)


def test_still_answers(carto, boot_log):
    """After everything above, the monitor is still in shape."""
    assert carto.cmd("version") == banner(boot_log) + "\n"
