"""Trace snapshots on disk: created, compared and updated by pytest runs on a small project.

Each test runs pytest on the traced project of :mod:`tests.helpers.snapshot_project` and
checks what the user sees: the files under ``snapshots/``, syrupy's report and the diff of
a failing comparison.
"""

from __future__ import annotations

import pytest

from tests.helpers.pytester import run_pytest
from tests.helpers.snapshot_project import PROGRAM, TESTS, snapshot_files

HTN_SNAPSHOT = """\
POST /chat [SERVER]
│   server.port="<port>"
│   url.full="http://127.0.0.1:<port>/chat"
│   x_trace_id="<trace#1>"
├── agent.route {route.mode="htn"}
└── agent.run_with_htn {conversation_id="<uuid#1>"}
    ├── tool.execute.calculator
    │       conversation_id="<uuid#1>"
    │       task=0
    │       tool.duration_ms="<duration>"
    │       tool.name="calculator"
    ├── tool.execute.calculator
    │       conversation_id="<uuid#1>"
    │       task=0
    │       tool.duration_ms="<duration>"
    │       tool.name="calculator"
    ├── tool.execute.search
    │       conversation_id="<uuid#1>"
    │       task=1
    │       tool.duration_ms="<duration>"
    │       tool.name="search"
    └── tool.execute.search
            conversation_id="<uuid#1>"
            task=1
            tool.duration_ms="<duration>"
            tool.name="search"
"""


def test_snapshot_update_writes_one_trace_file_per_test_under_snapshots(
    project: pytest.Pytester,
) -> None:
    result = run_pytest(project, "--snapshot-update", "--snapshot-details")

    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "*3 snapshots generated.*",
            "Generated test_htn (snapshots/test_agent/test_htn.trace)",
            "Generated test_simple (snapshots/test_agent/test_simple.trace)",
            "Generated test_health (snapshots/test_agent/test_health.trace)",
        ]
    )
    assert sorted(snapshot_files(project.path / "snapshots")) == [
        "test_agent/test_health.trace",
        "test_agent/test_htn.trace",
        "test_agent/test_simple.trace",
    ]
    assert not (project.path / "__snapshots__").exists()


def test_a_snapshot_file_holds_the_normalized_tree_in_the_text_form(
    project: pytest.Pytester,
) -> None:
    run_pytest(project, "--snapshot-update").assert_outcomes(passed=3)

    snapshots = project.path / "snapshots" / "test_agent"
    assert (snapshots / "test_htn.trace").read_text(encoding="utf-8") == HTN_SNAPSHOT
    assert (snapshots / "test_health.trace").read_text(encoding="utf-8") == "(no spans)\n"


def test_the_next_run_compares_with_the_stored_snapshots(project: pytest.Pytester) -> None:
    run_pytest(project, "--snapshot-update").assert_outcomes(passed=3)

    result = run_pytest(project)

    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*3 snapshots passed.*"])


def test_a_missing_snapshot_fails_and_says_how_to_create_it(project: pytest.Pytester) -> None:
    result = run_pytest(project, "-k", "test_simple")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Snapshot 'test_simple' does not exist!*"])


def test_a_changed_attribute_fails_with_a_diff_of_its_line(project: pytest.Pytester) -> None:
    run_pytest(project, "--snapshot-update").assert_outcomes(passed=3)
    agent = project.path / "agent.py"
    agent.write_text(agent.read_text().replace('ROUTE_MODE = "htn"', 'ROUTE_MODE = "simple"'))

    result = run_pytest(project, "-k", "test_simple")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E       assert [- snapshot] == [+ received]",
            'E         - ├── agent.route {route.mode="htn"}',
            'E         + ├── agent.route {route.mode="simple"}',
            "*1 snapshot failed.*",
        ]
    )
    result.stdout.no_fnmatch_line("*unused*")


def test_snapshot_update_accepts_a_change_on_purpose(project: pytest.Pytester) -> None:
    run_pytest(project, "--snapshot-update").assert_outcomes(passed=3)
    agent = project.path / "agent.py"
    agent.write_text(agent.read_text().replace('ROUTE_MODE = "htn"', 'ROUTE_MODE = "simple"'))

    result = run_pytest(project, "--snapshot-update")

    result.stdout.fnmatch_lines(["*2 snapshots updated.*"])
    updated = project.path / "snapshots" / "test_agent" / "test_htn.trace"
    assert '├── agent.route {route.mode="simple"}' in updated.read_text(encoding="utf-8")
    run_pytest(project).assert_outcomes(passed=3)


def test_snapshots_of_a_nested_test_module_mirror_its_path(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(agent=PROGRAM)
    tests = pytester.mkpydir("tests")
    contract = tests / "contract"
    contract.mkdir()
    (contract / "__init__.py").write_text("")
    (contract / "test_chat.py").write_text(TESTS)

    run_pytest(pytester, "--snapshot-update").assert_outcomes(passed=3)

    assert sorted(snapshot_files(pytester.path / "snapshots")) == [
        "tests/contract/test_chat/test_health.trace",
        "tests/contract/test_chat/test_htn.trace",
        "tests/contract/test_chat/test_simple.trace",
    ]


def test_several_assertions_in_one_test_get_numbered_files(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        agent=PROGRAM,
        test_twice="""
        import agent

        def test_two_requests(trace_capture, trace_snapshot):
            agent.chat(tools=())
            first = agent.chat(tools=("search",))
            assert trace_snapshot == trace_capture.traces()[0]
            assert trace_capture.trace(first) == trace_snapshot
        """,
    )

    run_pytest(pytester, "--snapshot-update").assert_outcomes(passed=1)

    files = snapshot_files(pytester.path / "snapshots" / "test_twice")
    assert sorted(files) == ["test_two_requests.1.trace", "test_two_requests.trace"]
    assert b"tool.execute.search" in files["test_two_requests.1.trace"]


def test_other_data_than_traces_fails_naming_what_was_given(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_text="""
        def test_text(trace_snapshot):
            assert trace_snapshot == "POST /chat"
        """
    )

    result = run_pytest(pytester, "--snapshot-update")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*TypeError: a trace snapshot takes a TraceCapture*found str*"])
