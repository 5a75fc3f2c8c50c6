# SPDX-License-Identifier: GPL-2.0
"""
Fixtures for the integration tests:

  build        the build products (fails at once, clearly, when build/carto.iso is missing)
  carto        one booted carto at its first prompt, shared by the tests of a module
  boot_log     what that carto printed up to its first prompt
  launch       start more QEMUs in a test (another ISO, CPU, -no-reboot or not); all are
               killed at the test's end
  variant_iso  build (once per session) an ISO with another vmlinuz and/or command line
  system_map, vmlinux_elf   the oracles read from the build
  machine      a carto booted at each of -m 128M, 512M, 4G, 16G (session scope, one at a
               time), for test_layout*, test_memory*, test_pagetables*
"""

import hashlib
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from carto import (MEM_SIZES, Carto, Elf64, Machine, default_build, make_iso,  # noqa: E402
                   read_system_map)


@pytest.fixture(scope="session")
def build():
    b = default_build()
    missing = b.missing()
    if missing:
        pytest.fail("build products missing (run `make` first): "
                    + ", ".join(str(p) for p in missing), pytrace=False)
    return b


@pytest.fixture(scope="session")
def system_map(build):
    return read_system_map(build.system_map)


@pytest.fixture(scope="session")
def vmlinux_elf(build):
    return Elf64(build.vmlinux)


@pytest.fixture(scope="session")
def variant_iso(build):
    """variant_iso(cmdline="", vmlinuz=None) -> path of an ISO, built once per variant."""
    cache = {}
    top = Path(tempfile.mkdtemp(prefix="carto-isos-"))

    def make(cmdline="", vmlinuz=None):
        data = bytes(vmlinuz) if vmlinuz is not None else build.vmlinuz.read_bytes()
        key = hashlib.sha256(data + b"\0" + cmdline.encode()).hexdigest()[:16]
        if key not in cache:
            cache[key] = make_iso(data, cmdline, top / key)
        return cache[key]

    yield make
    shutil.rmtree(top, ignore_errors=True)


@pytest.fixture
def launch(build):
    """launch(**Carto kwargs) -> a started Carto; every one is killed when the test ends."""
    started = []

    def start(**kwargs):
        c = Carto(build, name=kwargs.pop("name", "launch"), **kwargs)
        started.append(c)
        return c.start()

    yield start
    for c in started:
        c.close()


@pytest.fixture(scope="module")
def booted(build, request):
    """(Carto at its first prompt, the boot output before it), one per test module."""
    c = Carto(build, name=Path(request.module.__file__).stem).start()
    try:
        log = c.wait_prompt()
        yield c, log
    finally:
        c.close()


@pytest.fixture(scope="module")
def carto(booted):
    return booted[0]


@pytest.fixture(scope="module")
def boot_log(booted):
    return booted[1]


@pytest.fixture(scope="session", params=MEM_SIZES)
def machine(build, request):
    """
    A carto booted at each of -m 128M, 512M, 4G, 16G (carto.Machine), shared by every test
    of that size in test_layout*, test_memory* and test_pagetables*: pytest runs those tests
    size by size, so one of these QEMUs runs at a time.
    """
    c = Carto(build, mem=request.param, name=f"mem-{request.param}").start()
    try:
        log = c.wait_prompt()
        yield Machine(c, request.param, log)
    finally:
        c.close()
