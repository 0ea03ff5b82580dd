"""--trace-run-export as a user runs it: the test run arrives at a real receiver as one trace."""

from __future__ import annotations

import json
import re
import socket
import sys
from pathlib import Path

import pytest

from pytest_filagent_trace import TraceReceiver, assert_span_tree
from pytest_filagent_trace._spans import SpanNode
from tests.helpers.pytester import run_pytest

TESTS = """
    import pytest
    from opentelemetry import trace

    tracer = trace.get_tracer("shop")


    def checkout():
        with tracer.start_as_current_span("POST /checkout", kind=trace.SpanKind.SERVER) as span:
            span.set_attribute("http.route", "/checkout")
            with tracer.start_as_current_span("pay"):
                pass


    @pytest.fixture
    def cart():
        with tracer.start_as_current_span("cart.fill"):
            pass
        yield
        with tracer.start_as_current_span("cart.empty"):
            pass


    @pytest.fixture
    def database():
        raise RuntimeError("no database")


    def test_passes(cart):
        checkout()


    def test_fails():
        checkout()
        assert 1 == 2, "totals differ"


    def test_setup_fails(database):
        pass


    @pytest.mark.skip(reason="later")
    def test_skipped():
        checkout()


    def test_skips_itself():
        checkout()
        pytest.skip("no stock")


    def test_no_spans():
        pass
"""

EXPECTED = """
pytest session [ERROR] {test.suite.run.status="failure"}
├── test_shop.py::test_passes {test.case.name="test_shop.py::test_passes", test.case.result.status="pass", test.suite.name="test_shop.py"}
│   ├── cart.fill
│   ├── POST /checkout [SERVER] {http.route="/checkout"}
│   │   └── pay
│   └── cart.empty
├── test_shop.py::test_fails [ERROR: AssertionError: totals differ] <exception> {test.case.result.status="fail"}
│   └── POST /checkout [SERVER]
│       └── pay
├── test_shop.py::test_setup_fails [ERROR: RuntimeError: no database] <exception> {test.case.result.status="fail"}
├── test_shop.py::test_skipped {test.case.result.status="skipped"}
├── test_shop.py::test_skips_itself {test.case.result.status="skipped"}
│   └── POST /checkout [SERVER]
│       └── pay
└── test_shop.py::test_no_spans {test.case.result.status="pass"}
"""  # noqa: E501 - a trace's lines are as long as its attributes

PASSING = """
    from opentelemetry import trace


    def test_passes():
        with trace.get_tracer("shop").start_as_current_span("POST /checkout"):
            pass
"""


def named(receiver: TraceReceiver, name: str) -> SpanNode:
    [found] = [node for node in receiver.spans if node.name == name]
    return found


def test_the_run_arrives_as_session_test_and_code_spans(
    pytester: pytest.Pytester, trace_receiver: TraceReceiver
) -> None:
    result = run_pytest(
        pytester, f"--trace-run-export={trace_receiver.endpoint}", test_source=TESTS
    )

    result.assert_outcomes(passed=2, failed=1, errors=1, skipped=2)
    [trace] = trace_receiver.traces()
    assert_span_tree(trace, EXPECTED)
    session = trace.roots[0]
    assert len(trace.roots) == 1
    assert session.parent_span_id is None
    assert {child.parent_span_id for child in session.children} == {session.span_id}
    result.stdout.fnmatch_lines(
        [
            f"trace run export: {len(trace_receiver)} span(s) of trace {trace.trace_id} "
            f"sent to {trace_receiver.endpoint}/v1/traces"
        ]
    )


def test_a_failed_test_carries_its_exception_event(
    pytester: pytest.Pytester, trace_receiver: TraceReceiver
) -> None:
    run_pytest(pytester, f"--trace-run-export={trace_receiver.endpoint}", test_source=TESTS)

    failed = named(trace_receiver, "test_shop.py::test_fails")
    assert failed.status == "ERROR"
    [event] = failed.events
    assert event.name == "exception"
    assert event.attributes["exception.type"] == "AssertionError"
    assert str(event.attributes["exception.message"]).startswith("totals differ\nassert 1 == 2")
    stacktrace = str(event.attributes["exception.stacktrace"])
    assert 'assert 1 == 2, "totals differ"' in stacktrace
    first_frame = stacktrace.splitlines()[1]
    assert re.fullmatch(r'  File ".*test_shop\.py", line \d+, in test_fails', first_frame)
    assert "pluggy" not in stacktrace
    assert failed.start_time <= event.timestamp <= failed.end_time
    setup = named(trace_receiver, "test_shop.py::test_setup_fails")
    assert [e.attributes["exception.message"] for e in setup.events] == ["no database"]


def test_the_code_spans_keep_their_times_and_sit_inside_their_test(
    pytester: pytest.Pytester, trace_receiver: TraceReceiver
) -> None:
    run_pytest(pytester, f"--trace-run-export={trace_receiver.endpoint}", test_source=TESTS)

    test = named(trace_receiver, "test_shop.py::test_passes")
    spans = list(test.walk())[1:]
    assert [span.name for span in spans] == ["cart.fill", "POST /checkout", "pay", "cart.empty"]
    assert all(
        test.start_time <= span.start_time <= span.end_time <= test.end_time for span in spans
    )
    assert {span.resource.get("service.name") for span in (test, test.parent)} == {"pytest"}


def test_the_capture_sees_what_the_sdk_exported_with_the_option_on(
    pytester: pytest.Pytester, trace_receiver: TraceReceiver
) -> None:
    source = """
        import json
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        EXPORTER = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
        trace.set_tracer_provider(provider)
        tracer = trace.get_tracer("shop")


        def test_sees_what_the_sdk_exported(trace_capture):
            with tracer.start_as_current_span("POST /checkout") as span:
                span.set_attribute("http.route", "/checkout")
                span.add_event("paid", {"amount": 3})
                with tracer.start_as_current_span("pay"):
                    pass
            sdk = sorted(
                [s.name, f"{s.context.trace_id:032x}", f"{s.context.span_id:016x}",
                 s.parent and f"{s.parent.span_id:016x}", dict(s.attributes)]
                for s in EXPORTER.get_finished_spans()
            )
            captured = sorted(
                [n.name, n.trace_id, n.span_id, n.parent_span_id, n.attributes]
                for n in trace_capture.spans
            )
            assert captured == sdk
            with open("captured.json", "w") as out:
                json.dump(captured, out)
    """
    result = run_pytest(
        pytester, f"--trace-run-export={trace_receiver.endpoint}", test_source=source
    )

    result.assert_outcomes(passed=1)
    captured = json.loads((pytester.path / "captured.json").read_text())
    session = named(trace_receiver, "pytest session")
    for name, trace_id, span_id, _, attributes in captured:
        sent = named(trace_receiver, name)
        assert sent.attributes == attributes
        assert (sent.trace_id, sent.span_id) != (trace_id, span_id)
        assert sent.trace_id == session.trace_id
    assert [e.name for e in named(trace_receiver, "POST /checkout").events] == ["paid"]


def test_env_mode_reads_the_standard_variables(
    pytester: pytest.Pytester, trace_receiver: TraceReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", f"{trace_receiver.endpoint}/v1/traces")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")  # not the one used
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", "x-run=ci")

    result = run_pytest(pytester, "--trace-run-export=env", test_source=PASSING)

    result.assert_outcomes(passed=1)
    assert sorted(node.name for node in trace_receiver.spans) == [
        "POST /checkout",
        "pytest session",
        "test_shop.py::test_passes",
    ]
    url = f"{trace_receiver.endpoint}/v1/traces"
    result.stdout.fnmatch_lines([f"trace run export: 3 span(s) of trace * sent to {url}"])


def test_without_the_option_nothing_is_registered_or_reported(pytester: pytest.Pytester) -> None:
    source = """
        def test_no_run_export(pytestconfig):
            assert pytestconfig.pluginmanager.get_plugin("filagent-trace-run-export") is None
    """

    result = run_pytest(pytester, test_source=source)

    result.assert_outcomes(passed=1)
    assert not [line for line in result.outlines if "trace run export" in line]


def test_an_unreachable_endpoint_is_one_line_and_the_run_still_passes(
    pytester: pytest.Pytester,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    result = run_pytest(
        pytester, f"--trace-run-export=http://127.0.0.1:{port}", test_source=PASSING
    )

    result.assert_outcomes(passed=1)
    assert result.ret == 0
    lines = [line for line in result.outlines if "trace run export" in line]
    assert lines == [
        f"trace run export: could not send to http://127.0.0.1:{port}/v1/traces: "
        "connection refused; 3 span(s) not sent, 0 sent"
    ]


def test_a_refusing_endpoint_names_its_answer(
    pytester: pytest.Pytester, trace_receiver: TraceReceiver
) -> None:
    url = f"{trace_receiver.endpoint}/v2/spans"

    result = run_pytest(pytester, f"--trace-run-export={url}", test_source=PASSING)

    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [f"trace run export: could not send to {url}: HTTP 404 Not Found: *go to /v1/traces*"]
    )
    assert not trace_receiver.spans


def test_spans_go_in_batches_when_a_run_makes_many(
    pytester: pytest.Pytester, trace_receiver: TraceReceiver
) -> None:
    source = """
        from opentelemetry import trace


        def test_many_spans():
            tracer = trace.get_tracer("bulk")
            for _ in range(2100):
                with tracer.start_as_current_span("item"):
                    pass
    """

    run_pytest(pytester, f"--trace-run-export={trace_receiver.endpoint}", test_source=source)

    assert trace_receiver.requests == 2  # the test's 2,101 spans, then the session span
    assert len(named(trace_receiver, "test_shop.py::test_many_spans").children) == 2100


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("localhost:4318", "ERROR: --trace-run-export: expected an OTLP/HTTP endpoint URL such as "
         "http://127.0.0.1:4318 (or its /v1/traces URL); got 'localhost:4318'"),
        ("env", "ERROR: --trace-run-export=env: expected OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or "
         "OTEL_EXPORTER_OTLP_ENDPOINT to be set; neither is"),
    ],
)  # fmt: skip
def test_a_bad_value_is_a_usage_error_naming_the_option(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    for name in ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)

    result = run_pytest(pytester, f"--trace-run-export={value}", test_source=PASSING)

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stderr.lines


@pytest.mark.slow
def test_under_xdist_the_workers_tests_join_the_controllers_one_trace(
    pytester: pytest.Pytester, trace_receiver: TraceReceiver
) -> None:
    result = run_pytest(
        pytester,
        "-n",
        "2",
        f"--trace-run-export={trace_receiver.endpoint}",
        test_source=TESTS,
        subprocess=True,
        timeout=120,
    )

    result.assert_outcomes(passed=2, failed=1, errors=1, skipped=2)
    [trace] = trace_receiver.traces()
    assert_span_tree(trace, EXPECTED)
    assert [node.name for node in trace.roots] == ["pytest session"]
    assert [node.name for node in trace_receiver.spans].count("pytest session") == 1
    workers = {test.resource.get("service.instance.id") for test in trace.roots[0].children}
    assert workers <= {"gw0", "gw1"}
    assert workers
    summary = re.escape(f"span(s) of trace {trace.trace_id} sent to {trace_receiver.endpoint}")
    assert re.search(rf"trace run export: {len(trace_receiver)} {summary}", result.stdout.str())


@pytest.mark.slow
def test_the_reports_page_example_prints_the_tree_it_shows(pytester: pytest.Pytester) -> None:
    page = (Path(__file__).parents[2] / "docs" / "REPORTS.md").read_text(encoding="utf-8")
    section = page.split("## The test run as one trace", 1)[1].split("\n## ", 1)[0]
    script, tests = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    [shown] = re.findall(r"```text\n(.*?)```", section, re.DOTALL)
    pytester.makepyfile(see_the_run=script, test_checkout=tests)

    result = pytester.run(sys.executable, "see_the_run.py", "-p", "no:randomly", "test_checkout.py")

    lines = shown.splitlines()
    assert result.stdout.lines[-len(lines) :] == lines, result.stdout.str()
