"""Trace snapshot files are byte-identical across reruns, random test order and xdist.

Each test runs pytest on the traced program of :mod:`tests.helpers.snapshot_project`,
whose tools run in parallel threads with jitter. Runs under xdist or pytest-randomly
start a new pytest process.
"""

from __future__ import annotations

import shutil

import pytest

from tests.helpers.pytester import run_pytest
from tests.helpers.snapshot_project import PROGRAM, snapshot_files


def test_parallel_threads_give_byte_identical_snapshots_over_20_reruns(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        agent=PROGRAM,
        test_reruns="""
        import pytest
        import agent

        @pytest.mark.parametrize("rerun", range(20))
        def test_htn(trace_capture, trace_snapshot, rerun):
            agent.chat(tools=("calculator", "search", "file_read", "search", "calculator"))
            assert trace_snapshot == trace_capture
        """,
    )

    run_pytest(pytester, "--snapshot-update").assert_outcomes(passed=20)

    files = snapshot_files(pytester.path / "snapshots" / "test_reruns")
    assert len(files) == 20
    assert len(set(files.values())) == 1


@pytest.mark.slow
def test_random_order_and_xdist_write_byte_identical_snapshot_files(
    project: pytest.Pytester,
) -> None:
    project.makepyfile(
        test_more="""
        import agent

        def test_many(trace_capture, trace_snapshot):
            for tools in [("search",), ("calculator", "calculator"), ()]:
                agent.chat(tools=tools)
            assert trace_snapshot == trace_capture

        class TestGroup:
            def test_in_class(self, trace_capture, trace_snapshot):
                agent.chat(tools=("file_read", "search"))
                assert trace_snapshot == trace_capture
        """
    )
    snapshots = project.path / "snapshots"
    runs: dict[str, dict[str, bytes]] = {}
    for name, args, random_order in [
        ("seed 1", ("-p", "randomly", "-p", "no:xdist", "--randomly-seed=1"), True),
        ("seed 2", ("-p", "randomly", "-p", "no:xdist", "--randomly-seed=2"), True),
        ("xdist", ("-p", "xdist", "-n", "2"), False),
    ]:
        shutil.rmtree(snapshots, ignore_errors=True)
        run_pytest(
            project, *args, "--snapshot-update", random_order=random_order, subprocess=True
        ).assert_outcomes(passed=5)
        runs[name] = snapshot_files(snapshots)

    assert len(runs["seed 1"]) == 5
    assert runs["seed 1"] == runs["seed 2"] == runs["xdist"]
    compared = run_pytest(
        project,
        *("-p", "randomly", "--randomly-seed=3", "-p", "xdist", "-n", "2"),
        random_order=True,
        subprocess=True,
    )
    compared.assert_outcomes(passed=5)
