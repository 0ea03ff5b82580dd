"""capture_spans() used directly: which spans a block records, and what the capture holds."""

from __future__ import annotations

import logging

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.trace import Tracer

from pytest_filagent_trace._capture import LogsNotCapturedError, capture_spans
from tests.helpers.traced import make_request


def test_capture_spans_records_spans_ended_inside_the_block_in_end_order(
    provider: TracerProvider, tracer: Tracer
) -> None:
    with capture_spans(provider) as capture:
        make_request(tracer)

    assert [node.name for node in capture.spans] == [
        "agent.route",
        "tool.execute.calculator",
        "POST /chat",
    ]
    assert all(isinstance(span, ReadableSpan) for span in capture.raw_spans)


def test_capture_spans_ignores_spans_ended_outside_the_block(
    provider: TracerProvider, tracer: Tracer
) -> None:
    make_request(tracer, "/before")
    with capture_spans(provider) as capture:
        pass
    make_request(tracer, "/after")

    assert len(capture) == 0


def test_capturing_twice_from_one_provider_does_not_duplicate_spans(
    provider: TracerProvider, tracer: Tracer
) -> None:
    with capture_spans(provider):
        pass
    with capture_spans(provider) as capture:
        make_request(tracer)

    assert len(capture) == 3


def test_nested_captures_give_the_inner_spans_to_the_outer_capture_too(
    provider: TracerProvider, tracer: Tracer
) -> None:
    with capture_spans(provider) as outer:
        make_request(tracer, "/first")
        with capture_spans(provider) as inner:
            make_request(tracer, "/second")

    assert [tree.root.name for tree in inner.traces()] == ["POST /second"]
    assert [tree.root.name for tree in outer.traces()] == ["POST /first", "POST /second"]


def test_spans_are_linked_nodes_of_their_trace(provider: TracerProvider, tracer: Tracer) -> None:
    with capture_spans(provider) as capture:
        make_request(tracer)

    route = capture.get("agent.route")
    assert route.parent is capture.trace().root
    assert route in capture.trace().root.children


def test_clear_forgets_the_spans_captured_so_far(provider: TracerProvider, tracer: Tracer) -> None:
    with capture_spans(provider) as capture:
        make_request(tracer, "/warm-up")
        capture.clear()
        make_request(tracer, "/real")

    assert [tree.root.name for tree in capture.traces()] == ["POST /real"]


def test_logs_are_captured_alongside_spans_when_asked(
    provider: TracerProvider, tracer: Tracer
) -> None:
    with capture_spans(provider, logs=True) as capture, tracer.start_as_current_span("job"):
        logging.getLogger("tests.capture").warning("job started")

    assert capture.logs.events() == ["job started"]


def test_reading_logs_of_a_capture_without_logs_says_how_to_get_them(
    provider: TracerProvider,
) -> None:
    with capture_spans(provider) as capture:
        pass

    with pytest.raises(LogsNotCapturedError, match=r"capture_spans\(logs=True\)"):
        _ = capture.logs
    assert not hasattr(capture, "logs")


def test_repr_counts_spans_and_traces(provider: TracerProvider, tracer: Tracer) -> None:
    with capture_spans(provider) as capture:
        make_request(tracer)

    assert repr(capture) == "<TraceCapture 3 span(s) in 1 trace(s)>"
