"""Unused trace snapshots: which runs report them, delete them, or must leave them alone.

Each test runs pytest on the traced project of :mod:`tests.helpers.snapshot_project` and
checks what the user sees once a test was removed, failed or was not selected. The xdist
case starts a new pytest process.
"""

from __future__ import annotations

import pytest

from tests.helpers.pytester import run_pytest
from tests.helpers.snapshot_project import TESTS, WITHOUT_HEALTH, snapshot_files


def test_the_snapshot_of_a_removed_test_is_reported_unused_and_fails_the_run(
    project: pytest.Pytester,
) -> None:
    run_pytest(project, "--snapshot-update").assert_outcomes(passed=3)
    project.makepyfile(test_agent=WITHOUT_HEALTH)

    result = run_pytest(project, "--snapshot-details")

    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "*2 snapshots passed. 1 snapshot unused.*",
            "Unused test_health (snapshots/test_agent/test_health.trace)",
        ]
    )


def test_an_unused_snapshot_is_reported_for_a_test_file_given_as_a_path(
    project: pytest.Pytester,
) -> None:
    run_pytest(project, "--snapshot-update").assert_outcomes(passed=3)
    project.makepyfile(test_agent=WITHOUT_HEALTH)

    result = run_pytest(project, "--snapshot-details", "test_agent.py")

    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "*2 snapshots passed. 1 snapshot unused.*",
            "Unused test_health (snapshots/test_agent/test_health.trace)",
        ]
    )
    updated = run_pytest(project, "--snapshot-update", "test_agent.py")
    updated.stdout.fnmatch_lines(["*1 unused snapshot deleted.*"])
    assert not (project.path / "snapshots" / "test_agent" / "test_health.trace").exists()


def test_the_snapshots_of_a_test_file_not_selected_are_never_reported(
    project: pytest.Pytester,
) -> None:
    project.makepyfile(test_other=TESTS)
    run_pytest(project, "--snapshot-update").assert_outcomes(passed=6)
    project.makepyfile(test_agent=WITHOUT_HEALTH)

    result = run_pytest(project, "--snapshot-update", "test_other.py")

    result.assert_outcomes(passed=3)
    result.stdout.no_fnmatch_line("*unused*")
    result.stdout.no_fnmatch_line("*deleted*")
    assert (project.path / "snapshots" / "test_agent" / "test_health.trace").exists()


def test_snapshot_update_deletes_the_snapshot_of_a_removed_test(
    project: pytest.Pytester,
) -> None:
    run_pytest(project, "--snapshot-update").assert_outcomes(passed=3)
    project.makepyfile(test_agent=WITHOUT_HEALTH)

    result = run_pytest(project, "--snapshot-update")

    result.stdout.fnmatch_lines(["*1 unused snapshot deleted.*"])
    assert not (project.path / "snapshots" / "test_agent" / "test_health.trace").exists()


FAILING_BEFORE_ITS_SNAPSHOT = TESTS.replace(
    "def test_simple(trace_capture, trace_snapshot):\n    agent.chat(",
    "def test_simple(trace_capture, trace_snapshot):\n    assert False, 'broken first'\n"
    "    agent.chat(",
)


@pytest.mark.parametrize(
    "workers",
    [pytest.param([], id="serial"), pytest.param(["-n", "2"], id="xdist", marks=pytest.mark.slow)],
)
def test_a_test_failing_before_its_snapshot_keeps_it(
    project: pytest.Pytester, workers: list[str]
) -> None:
    run_pytest(project, "--snapshot-update").assert_outcomes(passed=3)
    project.makepyfile(test_agent=FAILING_BEFORE_ITS_SNAPSHOT)

    checked = run_pytest(project, *workers, subprocess=bool(workers))
    updated = run_pytest(project, "--snapshot-update", *workers, subprocess=bool(workers))

    # The failure is the test's own; its snapshot is neither unused nor deleted.
    for result in (checked, updated):
        result.assert_outcomes(passed=2, failed=1)
        result.stdout.fnmatch_lines(["*AssertionError: broken first*"])
        result.stdout.no_fnmatch_line("*unused*")
        result.stdout.no_fnmatch_line("*deleted*")
    assert (project.path / "snapshots" / "test_agent" / "test_simple.trace").exists()


def test_a_failing_test_without_trace_snapshot_leaves_syrupy_alone(
    project: pytest.Pytester,
) -> None:
    run_pytest(project, "--snapshot-update").assert_outcomes(passed=3)
    # test_health no longer asks for trace_snapshot and fails: its file is unused.
    project.makepyfile(
        test_agent=WITHOUT_HEALTH + "\n\ndef test_health(trace_capture):\n    assert False\n"
    )

    result = run_pytest(project, "--snapshot-details")

    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["Unused test_health (snapshots/test_agent/test_health.trace)"])


def test_running_one_test_by_node_id_leaves_the_other_snapshots_alone(
    project: pytest.Pytester,
) -> None:
    run_pytest(project, "--snapshot-update").assert_outcomes(passed=3)

    result = run_pytest(project, "--snapshot-update", "test_agent.py::test_simple")

    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*unused*")
    assert len(snapshot_files(project.path / "snapshots")) == 3
