# SPDX-License-Identifier: GPL-2.0
"""
The boot stub's refusals: a corrupted lz4 payload and CPUs without long mode or NX. Each must
end in one clear line and a halted CPU, not a reset (QEMU runs with -no-reboot, so a reset or
triple fault would end it).
"""

import struct

import pytest

from carto import (BOOT_TIMEOUT, LZ4_LEGACY_MAGIC, assert_halted_for_good, lz4_blocks,
                   lz4_sequences, payload_offset)

LZ4_ERROR_RE = r"carto: lz4: ([^\r\n]*) at input offset (\d+)\r\n"


@pytest.fixture(scope="module")
def image(build):
    """(vmlinuz bytes, offset of the payload in it, the payload)."""
    vmlinuz = build.vmlinuz.read_bytes()
    payload = build.payload.read_bytes()
    return vmlinuz, payload_offset(vmlinuz, payload), payload


def corrupt(vmlinuz, at, new):
    data = bytearray(vmlinuz)
    data[at:at + len(new)] = new
    return bytes(data)


def boot_corrupted(launch, variant_iso, vmlinuz):
    """Boot a corrupted vmlinuz; returns (Carto, reason, input offset) of the lz4 error."""
    c = launch(iso=variant_iso(vmlinuz=vmlinuz), name="lz4")
    c.expect_exact("Decompressing carto... ", timeout=BOOT_TIMEOUT)
    m = c.expect(LZ4_ERROR_RE, timeout=BOOT_TIMEOUT)
    return c, m.group(1).decode(), int(m.group(2))


def test_bad_magic(launch, variant_iso, image):
    vmlinuz, at, _ = image
    c, reason, offset = boot_corrupted(launch, variant_iso,
                                       corrupt(vmlinuz, at, b"\x03\x21\x4c\x18"))
    assert (reason, offset) == ("bad magic", 0)
    assert_halted_for_good(c)


def test_block_size_past_the_end(launch, variant_iso, image):
    """The first block's length field made larger than the rest of the payload."""
    vmlinuz, at, payload = image
    (data_at, size), = lz4_blocks(payload)[:1]
    too_big = len(payload) - data_at + 1
    c, reason, offset = boot_corrupted(launch, variant_iso,
                                       corrupt(vmlinuz, at + 4, struct.pack("<I", too_big)))
    assert (reason, offset) == ("block past the end", 4)
    assert_halted_for_good(c)


def middle_sequence(payload):
    """
    The first block's data offset, the starts of its sequences, and (start, offset field)
    of its middle sequence, all relative to the payload's magic.
    """
    data_at, size = lz4_blocks(payload)[0]
    seqs = [(data_at + s, data_at + f) for s, f in lz4_sequences(payload[data_at:data_at + size])]
    start, field = seqs[len(seqs) // 2]
    assert data_at + size // 4 < field < data_at + 3 * size // 4
    return data_at, [s for s, _ in seqs], start, field


def test_zero_match_offset_mid_block(launch, variant_iso, image):
    """A match offset in the middle of the compressed data set to 0: invalid in lz4."""
    vmlinuz, at, payload = image
    _, _, _, field = middle_sequence(payload)
    c, reason, offset = boot_corrupted(launch, variant_iso,
                                       corrupt(vmlinuz, at + field, b"\0\0"))
    assert (reason, offset) == ("zero match offset", field)
    assert_halted_for_good(c)


def test_truncated_block(launch, variant_iso, image):
    """
    The first block's length cut inside the match offset of its middle sequence (the rest
    is left where the next length field is expected): the decoder must stop on the cut
    sequence, not read past the block's end.
    """
    vmlinuz, at, payload = image
    data_at, starts, start, field = middle_sequence(payload)
    cut = field + 1 - data_at
    c, reason, offset = boot_corrupted(launch, variant_iso,
                                       corrupt(vmlinuz, at + 4, struct.pack("<I", cut)))
    # the cut sequence itself ("truncated block"), or one just before it that leaves too
    # little for the block's last sequence ("fewer than 5 last literals", lz4's end rule)
    assert reason in ("truncated block", "fewer than 5 last literals"), reason
    assert offset in starts and start - 16 <= offset <= start, (offset, start)
    assert_halted_for_good(c)


def test_no_nx(launch):
    c = launch(cpu="qemu64,-nx", name="nonx")
    m = c.expect(r"carto: boot failed: ([^\r\n]*)\r\n", timeout=BOOT_TIMEOUT)
    assert b"NX" in m.group(1), m.group(0)
    assert "Decompressing" not in c.transcript
    assert_halted_for_good(c)


def test_no_long_mode(launch):
    c = launch(cpu="qemu32", name="nolm")
    m = c.expect(r"carto: boot failed: ([^\r\n]*)\r\n", timeout=BOOT_TIMEOUT)
    assert b"long mode" in m.group(1), m.group(0)
    assert "Decompressing" not in c.transcript
    assert_halted_for_good(c)


def test_payload_is_lz4_legacy(image, build):
    """The image carries an lz4 legacy frame, then vmlinux.bin's size (Linux's size_append)."""
    _, _, payload = image
    assert payload[:4] == LZ4_LEGACY_MAGIC
    blocks = lz4_blocks(payload)
    assert blocks and all(0 < size <= 8 << 20 for _, size in blocks)
    assert struct.unpack("<I", payload[-4:])[0] == build.vmlinux_bin.stat().st_size
