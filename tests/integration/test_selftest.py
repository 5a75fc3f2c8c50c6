# SPDX-License-Identifier: GPL-2.0
"""The in-kernel suites, run by `selftest` and by the boot parameter, reported in KTAP."""

import re

import pytest

from carto import TIMESTAMP_RE, Carto, kernel_lines


def parse_ktap(out):
    """
    KTAP version 1 as KUnit prints it: top level `1..N`, `ok N name` per suite, each suite's
    cases indented four spaces, `# Totals:` at the end. Returns (suites {name: ok}, cases
    {suite: [(ok, name)]}, totals line). Checks the plan and the numbering. Kernel log
    lines (with a timestamp) a test prints on the way are not KTAP and are skipped, as
    KUnit's parser does.
    """
    lines = [l for l in out.splitlines() if l.strip() and not TIMESTAMP_RE.match(l)]
    assert lines[0] == "KTAP version 1", lines[:3]
    m = re.fullmatch(r"1\.\.(\d+)", lines[1])
    assert m, lines[1]
    planned = int(m.group(1))
    suites, cases, current, totals = {}, {}, [], None
    for line in lines[2:]:
        top = re.fullmatch(r"(ok|not ok) (\d+) (\S+)", line)
        sub = re.fullmatch(r"    (ok|not ok) (\d+) (\S+)", line)
        if top:
            assert int(top.group(2)) == len(suites) + 1, line
            suites[top.group(3)] = top.group(1) == "ok"
            cases[top.group(3)] = current
            current = []
        elif sub:
            assert int(sub.group(2)) == len(current) + 1, line
            current.append((sub.group(1) == "ok", sub.group(3)))
        elif line.startswith("# Totals:"):
            totals = line
        else:
            assert line.startswith("    ") or line.startswith("# "), f"not KTAP: {line!r}"
    assert len(suites) == planned, f"planned {planned}, ran {len(suites)}"
    return suites, cases, totals


def failures(out):
    """The failing cases, with their diagnostics, for the assertion message."""
    return "\n".join(l for l in out.splitlines() if "not ok" in l or "EXPECTATION" in l
                     or l.startswith("        "))


@pytest.fixture(scope="module")
def run_all(carto):
    return carto.cmd("selftest", timeout=600)


def test_all_suites_pass(run_all):
    suites, cases, totals = parse_ktap(run_all)
    assert all(suites.values()), failures(run_all)
    for suite, results in cases.items():
        assert results and all(ok for ok, _ in results), (suite, failures(run_all))
    assert totals == f"# Totals: pass:{len(suites)} fail:0 skip:0 total:{len(suites)}", totals


def test_at_least_four_suites(run_all):
    suites, _, _ = parse_ktap(run_all)
    assert len(suites) >= 4, list(suites)


def test_suite_totals_lines(run_all):
    _, cases, _ = parse_ktap(run_all)
    for suite, results in cases.items():
        n = len(results)
        assert f"# {suite}: pass:{n} fail:0 skip:0 total:{n}" in run_all.splitlines(), suite


def test_list_names_the_suites(carto, run_all):
    suites, _, _ = parse_ktap(run_all)
    assert carto.cmd("selftest list").split() == list(suites)


def test_each_suite_alone_and_again(carto, run_all):
    """Each suite by name, after the full run: the same cases, all passing again (a suite
    must not depend on, or leave behind, state that makes a second run fail)."""
    suites, cases, _ = parse_ktap(run_all)
    bad = []
    for name in suites:
        out = carto.cmd(f"selftest {name}", timeout=600)
        one, one_cases, totals = parse_ktap(out)
        if (one != {name: True} or one_cases[name] != [(True, n) for _, n in cases[name]]
                or totals != "# Totals: pass:1 fail:0 skip:0 total:1"):
            bad.append(failures(out) or out)
    assert not bad, "\n".join(bad)


def test_unknown_suite(carto):
    assert carto.cmd("selftest nosuch") == "selftest: no suite 'nosuch'\n"


def test_selftest_at_boot(build, variant_iso):
    """
    `selftest` on the command line: the KTAP report comes at boot, before the prompt. On
    four CPUs, so every suite (x86_smp, x86_tlb's exact counts) also runs with the APs up;
    the monitor's `selftest` above runs them on one.
    """
    with Carto(build, iso=variant_iso("selftest"), name="selftest-boot", smp=4) as c:
        log = c.wait_prompt(timeout=600)
    start = log.find("KTAP version 1")
    assert start > log.find("Command line: selftest") > 0, log
    report = log[start:]
    report = report[:report.index("# Totals:")]
    report += log[start + len(report):].splitlines()[0]
    suites, cases, totals = parse_ktap(report)
    assert len(suites) >= 4 and all(suites.values()), failures(report)
    assert totals == f"# Totals: pass:{len(suites)} fail:0 skip:0 total:{len(suites)}"
    assert "monitor: serial shell" in "\n".join(kernel_lines(log[start:]))
