"""Spans a test leaves open: reported as a warning, a failure under --trace-strict, or no leak."""

from __future__ import annotations

import pytest

from tests.helpers.pytester import run_pytest

LEAKING_TEST = """
import threading
import time

from opentelemetry import trace

tracer = trace.get_tracer("jobs")
ended = threading.Event()

def end_later(span):
    time.sleep(0.2)
    span.end()
    ended.set()

def test_starts_background_job(trace_capture):
    threading.Thread(target=end_later, args=(tracer.start_span("background job"),)).start()

def test_next_test_does_not_capture_the_leaked_span(trace_capture):
    assert ended.wait(5.0)
    assert trace_capture.spans == []
"""


def test_a_span_left_open_by_a_test_is_reported_as_a_warning(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_leak=LEAKING_TEST)

    result = run_pytest(pytester)

    result.assert_outcomes(passed=2, warnings=1)
    result.stdout.fnmatch_lines(
        [
            "*= warnings summary =*",
            "test_leak.py::test_starts_background_job",
            "*test_leak.py:14: SpanLeakWarning: span 'background job' (trace *) started by "
            "test_leak.py::test_starts_background_job was still open when that test finished",
        ]
    )


def test_trace_strict_turns_a_leaked_span_into_a_failure(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_leak=LEAKING_TEST)

    result = run_pytest(pytester, "--trace-strict")

    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at teardown of test_starts_background_job _*",
            "1 span(s) left open by test_leak.py::test_starts_background_job (--trace-strict):",
            "  span 'background job' (trace *) started by "
            "test_leak.py::test_starts_background_job was still open when that test finished",
        ]
    )


def test_a_span_open_across_a_session_fixture_is_no_leak(program: pytest.Pytester) -> None:
    program.makepyfile(
        test_session="""
        import pytest
        from opentelemetry import trace
        from shop import checkout

        @pytest.fixture(scope="session")
        def session_span():
            span = trace.get_tracer("t").start_span("whole session")
            yield span
            span.end()

        def test_uses_session_span(session_span, trace_capture):
            checkout([])
            assert [n.name for n in trace_capture.spans] == ["checkout"]
        """
    )

    result = run_pytest(program, "--trace-strict")

    result.assert_outcomes(passed=1)
