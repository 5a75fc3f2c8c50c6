# SPDX-License-Identifier: GPL-2.0
"""
Garbage on the serial line: thousands of lines of random bytes (every byte value, escape
sequences, control characters, 0x80-0xff) and over-long lines. The monitor must stay sane
and answer `version` exactly afterwards.

The bytes go in chunks well below the UART receive ring (4 KiB); after each chunk a Ctrl-C
and a marker command, whose answer we wait for, make sure the guest has eaten the chunk
before the next one comes, as no typist could outrun it.
"""

import random

import pytest

from carto import kernel_lines

SEED = 0xCA270
LINES = 5000
CHUNK = 2048
TOO_LONG = "carto: line too long (max 255 characters)"

ESCAPES = [b"\x1b[A", b"\x1b[B", b"\x1b[C", b"\x1b[D", b"\x1bOA", b"\x1b[1;5C", b"\x1b[3~",
           b"\x1b[200~", b"\x1b[?25l", b"\x1b", b"\x1b[", b"\x1bO", b"\x1b[9999999999999;",
           b"\x1b]0;title\x07", b"\x9b", b"\x1bc"]


def random_lines(rng):
    """LINES lines of random bytes, each ending in CR; together they hold every byte value."""
    lines = [bytes(rng.sample(range(256), 256))]  # all 256 values, in a random order
    while len(lines) < LINES:
        line = bytearray(rng.getrandbits(8) for _ in range(rng.randrange(0, 120)))
        for _ in range(rng.randrange(0, 3)):
            at = rng.randrange(0, len(line) + 1)
            line[at:at] = rng.choice(ESCAPES)
        lines.append(bytes(line))
    # A Tab completes a command name: one after a random prefix could make `reboot` or
    # `poweroff` out of "r" or "p" and end the test. After "a " the line holds a space (or
    # is overlong), so Tab only rings the bell, whatever state the editor is in.
    return [l.replace(b"\t", b"a \t") + b"\r" for l in lines]


def chunks(lines):
    buf = bytearray()
    for l in lines:
        if buf and len(buf) + len(l) > CHUNK:
            yield bytes(buf)
            buf.clear()
        buf += l
    if buf:
        yield bytes(buf)


def sync(carto, n):
    """Ctrl-C (ends any escape sequence, drops the line), then a marker; wait for it."""
    carto.send(f"\x03sync{n}\r")
    carto.expect_exact(f"carto: unknown command 'sync{n}' (try 'help')\r\n", timeout=300)
    carto.wait_prompt()


@pytest.fixture(scope="module")
def banner(boot_log):
    return next(l for l in kernel_lines(boot_log) if l.startswith("carto version ")) + "\n"


def test_random_lines(carto, banner):
    lines = random_lines(random.Random(SEED))
    assert len(lines) == LINES
    assert set(b"".join(lines)) == set(range(256))
    for n, chunk in enumerate(chunks(lines)):
        carto.send(chunk)
        sync(carto, n)
    assert carto.alive()
    assert "BUG:" not in carto.transcript and "Oops" not in carto.transcript
    assert carto.cmd("version") == banner


@pytest.mark.parametrize("length", [256, 300, 5000])
def test_overlong_line(carto, banner, length):
    sync(carto, f"long{length}")
    line = ("x" * 10 + "0123456789abcdef" * 400)[:length]
    for i in range(0, length, 1024):
        carto.send(line[i:i + 1024])
    carto.send("\r")
    out = carto.wait_prompt()
    # the first 255 characters were echoed, the rest refused with a bell, then the error
    assert out.endswith("\n" + TOO_LONG + "\n"), out[-200:]
    assert out.count(TOO_LONG) == 1
    assert line[:255] in out and line[:256] not in out
    assert carto.cmd("version") == banner


def test_longest_line_is_accepted(carto):
    """255 characters is the limit, not too long: an unknown command of 255 letters."""
    word = "q" * 255
    assert carto.cmd(word) == f"carto: unknown command '{word}' (try 'help')\n"


def test_ctrl_u_rescues_overlong_line(carto, banner):
    carto.send("y" * 400 + "\x15version\r")
    carto.expect_exact("version\r\n")
    assert carto.wait_prompt() == banner


def test_still_sane(carto, banner):
    assert carto.cmd("version") == banner
    assert carto.cmd("help x").splitlines()[0] == "usage: x ADDR [COUNT]"
    assert carto.cmd("foo") == "carto: unknown command 'foo' (try 'help')\n"


def test_flood_loses_nothing(carto):
    """
    2,000 distinct unknown commands in one burst, about 14 KiB: over three times the UART
    receive ring, sent without waiting. Flow control (a full ring pauses reception; the
    bytes wait in QEMU) must deliver every byte: all 2,000 error lines come back, in order.
    A writer thread sends while this one reads, as a terminal would.
    """
    import threading

    names = [f"zz{i:05d}" for i in range(2000)]
    burst = "".join(n + "\r" for n in names).encode()
    writer = threading.Thread(target=carto.send, args=(burst,))
    writer.start()
    for n in names:
        carto.expect_exact(f"carto: unknown command '{n}' (try 'help')\r\n", timeout=120)
    writer.join(timeout=60)
    assert not writer.is_alive()
    carto.wait_prompt()
    assert carto.cmd("version").startswith("carto version ")
