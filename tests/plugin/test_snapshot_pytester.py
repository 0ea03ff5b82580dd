"""Trace snapshots used the way users use them: pytest on a small project, files on disk.

Each scenario runs pytest on a small program that is traced with the plain
OpenTelemetry API, runs its tools in parallel threads and carries the usual volatile values
(uuids, random ports, durations, echoed trace ids), then checks what the user sees: the
files under ``snapshots/``, syrupy's report and the diff of a failing comparison. Runs
under xdist or pytest-randomly start a new pytest process.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers.pytester import run_pytest

PROGRAM = '''
"""A tiny agent traced with the plain OpenTelemetry API; it knows nothing of pytest."""
import random
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from opentelemetry import context, trace

tracer = trace.get_tracer("agent")
ROUTE_MODE = "htn"


def _tool(name, task, conversation):
    with tracer.start_as_current_span(
        f"tool.execute.{name}",
        attributes={
            "tool.name": name,
            "task": task,
            "conversation_id": conversation,
            "tool.duration_ms": random.random(),
        },
    ):
        # Jitter, so the threads start and end in a different order on every run.
        time.sleep(random.random() / 500)


def chat(tools=("calculator", "search", "calculator", "search")):
    conversation = str(uuid.uuid4())
    port = random.randint(20000, 60000)
    with tracer.start_as_current_span(
        "POST /chat",
        kind=trace.SpanKind.SERVER,
        attributes={"server.port": port, "url.full": f"http://127.0.0.1:{port}/chat"},
    ) as request:
        trace_id = format(request.get_span_context().trace_id, "032x")
        request.set_attribute("x_trace_id", trace_id)
        with tracer.start_as_current_span("agent.route", attributes={"route.mode": ROUTE_MODE}):
            pass
        with tracer.start_as_current_span(
            "agent.run_with_htn", attributes={"conversation_id": conversation}
        ):
            parent = context.get_current()

            def run(task_and_name):
                token = context.attach(parent)
                try:
                    _tool(task_and_name[1], task_and_name[0] % 2, conversation)
                finally:
                    context.detach(token)

            with ThreadPoolExecutor(max_workers=4) as pool:
                list(pool.map(run, enumerate(tools)))
    return trace_id
'''

TESTS = """
import agent


def test_htn(trace_capture, trace_snapshot):
    agent.chat()
    assert trace_snapshot == trace_capture


def test_simple(trace_capture, trace_snapshot):
    agent.chat(tools=("calculator",))
    assert trace_snapshot == trace_capture


def test_health(trace_capture, trace_snapshot):
    assert trace_snapshot == trace_capture
"""

WITHOUT_HEALTH = TESTS.split("\n\ndef test_health", maxsplit=1)[0]

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


def snapshot_files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(agent=PROGRAM, test_agent=TESTS)
    return pytester


# ----------------------------------------------------------------- create, compare, update


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


# ----------------------------------------------------------------------------- options


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


# ------------------------------------------------------------------------- determinism


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
