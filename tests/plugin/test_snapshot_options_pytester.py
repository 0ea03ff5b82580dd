"""Trace snapshot options set inline, in the ini file or by a conftest, as a user sets them.

Each test runs pytest on the traced program of :mod:`tests.helpers.snapshot_project` and
reads the snapshot file it wrote, or the error a bad ini value gives.
"""

from __future__ import annotations

import pytest

from tests.helpers.pytester import run_pytest
from tests.helpers.snapshot_project import PROGRAM, TESTS, WITHOUT_HEALTH


def test_masks_and_attribute_filters_can_be_set_inline(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        agent=PROGRAM,
        test_inline="""
        import re
        import agent

        def test_masked(trace_capture, trace_snapshot):
            agent.chat(tools=("search",))
            assert trace_snapshot.with_masks(
                {"conversation_id": "<conversation>", re.compile(r"//[0-9.]+"): "//<address>"}
            ).with_attributes(exclude=["tool.*", "x_*", "server.*"]) == trace_capture
        """,
    )

    run_pytest(pytester, "--snapshot-update").assert_outcomes(passed=1)

    text = (pytester.path / "snapshots" / "test_inline" / "test_masked.trace").read_text("utf-8")
    assert text == (
        'POST /chat [SERVER] {url.full="http://<address>:<port>/chat"}\n'
        '├── agent.route {route.mode="htn"}\n'
        '└── agent.run_with_htn {conversation_id="<conversation>"}\n'
        '    └── tool.execute.search {conversation_id="<conversation>", task=0}\n'
    )


def test_ini_options_set_the_directory_masks_and_filters(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(agent=PROGRAM)
    pytester.makepyfile(test_agent=WITHOUT_HEALTH)
    pytester.makeini(
        """
        [pytest]
        trace_snapshot_dir = pinned/traces
        trace_snapshot_masks =
            conversation_id = <conversation>
            /127\\.0\\.0\\.1/ = <loopback>
        trace_snapshot_include = conversation_id url.full route.*
        trace_snapshot_order = start
        """
    )

    run_pytest(pytester, "--snapshot-update").assert_outcomes(passed=2)

    text = (pytester.path / "pinned" / "traces" / "test_agent" / "test_simple.trace").read_text(
        "utf-8"
    )
    assert text == (
        'POST /chat [SERVER] {url.full="http://<loopback>:<port>/chat"}\n'
        '├── agent.route {route.mode="htn"}\n'
        '└── agent.run_with_htn {conversation_id="<conversation>"}\n'
        '    └── tool.execute.calculator {conversation_id="<conversation>"}\n'
    )


def test_a_conftest_can_override_the_options_for_its_directory(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        agent=PROGRAM,
        test_agent="""
        import agent

        def test_simple(trace_capture, trace_snapshot):
            agent.chat(tools=("calculator",))
            assert trace_snapshot == trace_capture
        """,
    )
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def trace_snapshot_options(trace_snapshot_options):
            return trace_snapshot_options.with_attributes(include=["route.mode"])
        """
    )

    run_pytest(pytester, "--snapshot-update").assert_outcomes(passed=1)

    text = (pytester.path / "snapshots" / "test_agent" / "test_simple.trace").read_text("utf-8")
    assert text == (
        "POST /chat [SERVER]\n"
        '├── agent.route {route.mode="htn"}\n'
        "└── agent.run_with_htn\n"
        "    └── tool.execute.calculator\n"
    )


@pytest.mark.parametrize(
    ("ini", "message"),
    [
        (
            "trace_snapshot_masks = conversation_id",
            "*tox.ini: trace_snapshot_masks: expected 'attribute.glob = replacement'"
            " or '/regex/ = replacement', found 'conversation_id'*",
        ),
        (
            "trace_snapshot_order = newest",
            "*tox.ini: trace_snapshot_order must be 'canonical' or 'start', found 'newest'*",
        ),
    ],
)
def test_a_bad_ini_value_is_reported_with_file_option_and_value(
    pytester: pytest.Pytester, ini: str, message: str
) -> None:
    pytester.makepyfile(agent=PROGRAM, test_agent=TESTS)
    pytester.makefile(".ini", tox=f"[pytest]\n{ini}\n")

    result = run_pytest(pytester, "--snapshot-update", "-k", "test_health")

    assert result.ret != 0
    output = pytest.LineMatcher(result.outlines + result.errlines)
    output.fnmatch_lines([message])
    output.no_fnmatch_line("*Traceback*")
    output.no_fnmatch_line("*snapshot.py:*")
