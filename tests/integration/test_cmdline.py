# SPDX-License-Identifier: GPL-2.0
"""The kernel command line: what GRUB passes is what carto parses, reports and prints."""

import pytest

from carto import Carto, kernel_lines

CMDLINE = "loglevel=7 foo=bar selftest=none_such_suite console=ttyS0,115200 foo=bar"


@pytest.fixture(scope="module")
def booted_with(build, variant_iso):
    """boot(cmdline) -> (Carto at its prompt, boot log); one QEMU per command line."""
    running = {}

    def boot(cmdline):
        if cmdline not in running:
            c = Carto(build, iso=variant_iso(cmdline), name="cmdline").start()
            running[cmdline] = (c, c.wait_prompt())
        return running[cmdline]

    yield boot
    for c, _ in running.values():
        c.close()


def test_cmdline_printed_exactly(booted_with):
    c, _ = booted_with(CMDLINE)
    assert c.cmd("cmdline") == CMDLINE + "\n"


def test_boot_log_shows_command_line(booted_with):
    _, log = booted_with(CMDLINE)
    assert f"Command line: {CMDLINE}" in kernel_lines(log)


def test_unknown_parameter_reported_once(booted_with):
    c, log = booted_with(CMDLINE)
    dmesg = kernel_lines(c.cmd("dmesg"))
    unknown = [l for l in dmesg if "Unknown kernel command line parameters" in l]
    assert unknown == ['Unknown kernel command line parameters "foo=bar", ignored.'], dmesg
    assert sum("foo=bar" in l for l in dmesg if not l.startswith("Command line:")) == 1
    # and the console showed the same line at boot
    assert unknown[0] in kernel_lines(log)


def test_known_parameters_are_not_unknown(booted_with):
    c, _ = booted_with(CMDLINE)
    out = c.cmd("dmesg")
    for param in ("loglevel", "console", "selftest"):
        assert not any(param in l and ("Unknown" in l or "bad value" in l or "not supported" in l)
                       for l in out.splitlines()), out


def test_unknown_selftest_suite_at_boot_is_reported(booted_with):
    """
    `selftest=none_such_suite` asks for a suite that does not exist: like `selftest nosuch`
    in the monitor, the boot must say so on one line, then go on to the prompt.
    """
    c, log = booted_with(CMDLINE)
    lines = [l for l in log.splitlines() if "none_such_suite" in l and "Command line:" not in l]
    assert len(lines) == 1, f"no (single) line about the unknown suite at boot:\n{log}"


def test_bad_loglevel_one_line_then_prompt(booted_with):
    c, log = booted_with("loglevel=abc")
    bad = [l for l in kernel_lines(log) if "abc" in l and not l.startswith("Command line:")]
    assert len(bad) == 1, log
    assert bad[0].startswith("loglevel: ") and "bad value 'abc'" in bad[0], bad[0]
    assert "Unknown kernel command line" not in log  # a known parameter with a bad value
    assert c.cmd("cmdline") == "loglevel=abc\n"  # and the boot went on to a working prompt


def test_bad_console_one_line(booted_with):
    c, log = booted_with("console=tty0")
    bad = [l for l in kernel_lines(log) if "tty0" in l and not l.startswith("Command line:")]
    assert len(bad) == 1 and bad[0].startswith("console: "), log
    assert c.cmd("cmdline") == "console=tty0\n"


def test_quoted_value_with_spaces(booted_with):
    """
    Linux's rule (kernel/params.c next_arg): name="value with spaces" is one parameter, and
    so is "name=value with spaces", the form GRUB re-quotes the first one into; the quotes
    are not part of the value.
    """
    c, log = booted_with('foo="a b c" bar')
    unknown = [l for l in kernel_lines(log) if l.startswith("Unknown kernel command line")]
    assert unknown == ['Unknown kernel command line parameters "foo=a b c bar", ignored.'], \
        "\n".join(kernel_lines(log))


def test_loglevel_hides_lower_priority_lines(booted_with):
    """
    loglevel=1: from the moment the parameter is parsed (after `Command line:`), only
    emergencies reach the console; dmesg still has everything.
    """
    c, log = booted_with("loglevel=1")
    lines = kernel_lines(log)
    assert "Command line: loglevel=1" in lines, log
    assert lines[lines.index("Command line: loglevel=1") + 1:] == [], log
    dmesg = kernel_lines(c.cmd("dmesg"))
    assert any(l.startswith("carto version") for l in dmesg), dmesg
    assert "Command line: loglevel=1" in dmesg
