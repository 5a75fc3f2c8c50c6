# SPDX-License-Identifier: GPL-2.0
"""The monitor's line editor, typed as a person would: erase, kill, cancel, history, Tab."""

import pytest

from carto import PROMPT, kernel_lines


@pytest.fixture(scope="module")
def banner(boot_log):
    return next(l for l in kernel_lines(boot_log) if l.startswith("carto version ")) + "\n"


def keys(carto, data):
    """Type data (ending in Enter); returns (the echo of the line, the command's output)."""
    assert data.endswith("\r")
    carto.send(data)
    echo = carto.expect_exact("\r\n")
    return echo, carto.wait_prompt()


def test_backspace(carto, banner):
    echo, out = keys(carto, "versiox\x7fn\r")
    assert out == banner
    assert echo == "versiox\b \bn"


def test_ctrl_h_is_backspace_too(carto, banner):
    _, out = keys(carto, "versionn\x08\r")
    assert out == banner


def test_backspace_on_empty_line_is_harmless(carto, banner):
    _, out = keys(carto, "\x7f\x7f\x7fversion\r")
    assert out == banner


def test_ctrl_u_kills_the_line(carto, banner):
    echo, out = keys(carto, "poweroff now\x15version\r")
    assert out == banner
    assert echo.endswith(PROMPT.decode() + "version")


def test_ctrl_c_cancels(carto, banner):
    """Ctrl-C drops the line: `poweroff` must not run."""
    carto.send("poweroff\x03")
    carto.expect_exact("poweroff^C\r\n")
    assert carto.wait_prompt() == ""
    assert carto.alive()
    assert carto.cmd("version") == banner


def test_up_arrow_recalls_previous_command(carto, banner):
    assert carto.cmd("cmdline") is not None
    assert carto.cmd("version") == banner
    _, out = keys(carto, "\x1b[A\r")
    assert out == banner


def test_up_up_down(carto, banner):
    carto.cmd("help x")
    help_sym = carto.cmd("help sym")
    assert carto.cmd("version") == banner  # history, newest first: version, help sym, help x
    _, out = keys(carto, "\x1b[A\x1b[A\r")
    assert out == help_sym
    # now: help sym, version, help x; three up is help x, one down is back to version
    _, out = keys(carto, "\x1b[A\x1b[A\x1b[A\x1b[B\r")
    assert out == banner


def test_xterm_application_cursor_keys(carto, banner):
    assert carto.cmd("version") == banner
    _, out = keys(carto, "\x1bOA\r")
    assert out == banner


def test_history_keeps_one_copy(carto, banner):
    help_x = carto.cmd("help x")
    carto.cmd("version")
    carto.cmd("version")
    _, out = keys(carto, "\x1b[A\x1b[A\r")  # version once, then help x
    assert out == help_x


def test_tab_completes_command(carto, banner):
    echo, out = keys(carto, "vers\t\r")
    assert out == banner
    assert echo.startswith("version")


def test_tab_completion_then_argument(carto):
    _, out = keys(carto, "he\tx\r")
    assert out.splitlines()[0] == "usage: x ADDR [COUNT]"


def test_tab_lists_ambiguous_prefix(carto, banner):
    """Tab after "s" lists every command starting with s, in the command table's order."""
    names = [line.split()[0] for line in carto.cmd("help").splitlines() if line.strip()]
    s_names = [n for n in names if n.startswith("s")]
    assert len(s_names) >= 2
    carto.send("s\t")
    listing = carto.expect_exact(PROMPT + b"s")
    want = "s\n" + "  ".join(s_names) + "\n\x1b[K"  # then the line is redrawn
    assert listing == want, repr(listing)
    _, out = keys(carto, "\x15version\r")
    assert out == banner


def test_unknown_escape_sequences_are_ignored(carto, banner):
    """Right arrow, Ctrl-Right, Home, F5, bracketed paste: swallowed whole."""
    _, out = keys(carto, "ver\x1b[C\x1b[1;5C\x1b[H\x1b[15~\x1b[200~sion\r")
    assert out == banner


def test_cr_lf_is_one_enter(carto, banner):
    """CR LF must not run a second (empty) line: the next prompt shows the next command."""
    carto.send("version\r\nfoo\r")
    carto.expect_exact("version\r\n")
    assert carto.wait_prompt() == banner
    assert carto.expect_exact("\r\n") == "foo"  # echoed right after the one prompt
    assert carto.wait_prompt() == "carto: unknown command 'foo' (try 'help')\n"


def test_lf_alone_is_enter(carto, banner):
    carto.send("version\n")
    carto.expect_exact("version\r\n")
    assert carto.wait_prompt() == banner
