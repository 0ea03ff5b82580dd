"""The capture processor: which test owns a span, spans left open (leaks), pauses and release."""

from __future__ import annotations

import gc
import weakref

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import Tracer

from pytest_filagent_trace._capture import CaptureProcessor, TraceCapture
from tests.helpers.traced import make_request


@pytest.fixture
def processor(provider: TracerProvider) -> CaptureProcessor:
    processor = CaptureProcessor()
    provider.add_span_processor(processor)
    return processor


def test_closing_a_test_reports_the_spans_it_left_open(
    processor: CaptureProcessor, tracer: Tracer
) -> None:
    processor.open_test("test_a.py::test_a", TraceCapture())
    open_span = tracer.start_span("background job")
    with tracer.start_as_current_span("finished"):
        pass

    [leak] = processor.close_test()

    assert leak.name == "background job"
    assert leak.test_id == "test_a.py::test_a"
    assert leak.span_id == format(open_span.get_span_context().span_id, "016x")
    assert leak.describe().startswith("span 'background job' (trace ")
    open_span.end()


def test_leak_bookkeeping_does_not_keep_ended_spans_alive(
    processor: CaptureProcessor, tracer: Tracer
) -> None:
    processor.open_test("test_a", TraceCapture())
    span = tracer.start_span("short")
    alive = weakref.ref(span)
    span.end()
    del span
    gc.collect()

    assert alive() is None
    assert processor.close_test() == []


def test_a_leaked_span_is_not_captured_by_the_test_during_which_it_ends(
    processor: CaptureProcessor, tracer: Tracer
) -> None:
    processor.open_test("test_a", TraceCapture())
    leaked = tracer.start_span("background job")
    processor.close_test()
    second = TraceCapture()
    processor.open_test("test_b", second)

    leaked.end()
    with tracer.start_as_current_span("own span"):
        pass

    assert processor.close_test() == []
    assert [node.name for node in second.spans] == ["own span"]
    assert processor.leaked == []


def test_a_span_started_outside_any_test_is_captured_by_the_test_it_ends_in(
    processor: CaptureProcessor, tracer: Tracer
) -> None:
    session_span = tracer.start_span("session")
    capture = TraceCapture()
    processor.open_test("test_a", capture)

    session_span.end()

    assert processor.close_test() == []
    assert [node.name for node in capture.spans] == ["session"]


def test_paused_capture_neither_records_nor_owns_spans(
    processor: CaptureProcessor, tracer: Tracer
) -> None:
    capture = TraceCapture()
    processor.open_test("test_a", capture)
    with processor.paused():
        session_wide = tracer.start_span("session fixture")
        with tracer.start_as_current_span("fixture warm-up"):
            pass

    assert processor.close_test() == []
    assert len(capture) == 0
    session_wide.end()


def test_children_of_a_leaked_trace_started_later_go_to_the_leak_not_the_next_test(
    processor: CaptureProcessor, tracer: Tracer
) -> None:
    from opentelemetry import trace

    processor.open_test("test_a", TraceCapture())
    job = tracer.start_span("job")
    [leak] = processor.close_test()
    second = TraceCapture()
    processor.open_test("test_b", second)

    with tracer.start_as_current_span("late child", context=trace.set_span_in_context(job)):
        pass
    with tracer.start_as_current_span("own"):
        pass
    job.end()

    assert processor.close_test() == []
    assert [node.name for node in second.spans] == ["own"]
    [leaked] = processor.leaked_traces
    assert leaked.leaks == [leak]
    assert leaked.late_names == ["late child", "job"]
    assert processor.leaked == []
    assert leaked.describe().endswith("2 span(s) ended after the test: 'late child', 'job'")


def test_a_leaked_trace_names_twenty_late_spans_and_counts_the_rest() -> None:
    from pytest_filagent_trace._capture import LeakedTrace

    leaked = LeakedTrace("test_a", "ab" * 16)
    for index in range(25):
        leaked.ended_late(f"step {index}")

    assert leaked.late_count == 25
    assert leaked.describe().endswith("'step 19' and 5 more")


def test_creation_order_breaks_ties_between_siblings_that_started_together(
    processor: CaptureProcessor, tracer: Tracer
) -> None:
    from opentelemetry import trace

    capture = TraceCapture()
    processor.open_test("test_a", capture)
    root = tracer.start_span("root", start_time=10)
    context = trace.set_span_in_context(root)
    for name in ("zeta", "alpha", "mu"):
        tracer.start_span(name, context=context, start_time=10).end(end_time=20)
    root.end(end_time=30)
    processor.close_test()

    assert [child.name for child in capture.trace().root.children] == ["zeta", "alpha", "mu"]


def test_release_drops_the_spans_but_keeps_what_the_test_holds(
    processor: CaptureProcessor, tracer: Tracer
) -> None:
    capture = TraceCapture()
    processor.open_test("test_a", capture)
    make_request(tracer)
    processor.close_test()
    tree = capture.trace()

    capture.release()

    assert len(capture) == 0
    assert capture.spans == []
    assert tree.root.name == "POST /chat"
