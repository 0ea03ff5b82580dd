"""Looking spans and traces up in a capture: trace(), find(), get(), select() and their errors."""

from __future__ import annotations

import re

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import Tracer

from pytest_filagent_trace._capture import TraceLookupError, capture_spans
from tests.helpers.traced import make_request


def test_trace_returns_the_only_trace(provider: TracerProvider, tracer: Tracer) -> None:
    with capture_spans(provider) as capture:
        trace_id = make_request(tracer)

    assert capture.trace().trace_id == trace_id


def test_trace_accepts_the_hex_id_a_service_returns_in_any_case(
    provider: TracerProvider, tracer: Tracer
) -> None:
    with capture_spans(provider) as capture:
        make_request(tracer, "/one")
        trace_id = make_request(tracer, "/two")

    assert capture.trace(trace_id.upper()).root.name == "POST /two"
    assert capture.trace(f"0x{trace_id}").root.name == "POST /two"
    assert capture.trace(int(trace_id, 16)).root.name == "POST /two"


def test_trace_without_id_lists_the_traces_when_there_are_several(
    provider: TracerProvider, tracer: Tracer
) -> None:
    with capture_spans(provider) as capture:
        first = make_request(tracer, "/one")
        second = make_request(tracer, "/two")

    with pytest.raises(TraceLookupError) as raised:
        capture.trace()

    assert str(raised.value) == (
        "expected exactly one trace, found 2:\n"
        f"  {first}: 3 span(s), root 'POST /one'\n"
        f"  {second}: 3 span(s), root 'POST /two'\n"
        "pass trace_id=... (e.g. the X-Trace-ID response header) to pick one"
    )


def test_trace_with_unknown_id_lists_the_captured_traces(
    provider: TracerProvider, tracer: Tracer
) -> None:
    with capture_spans(provider) as capture:
        captured = make_request(tracer)

    with pytest.raises(TraceLookupError) as raised:
        capture.trace("f" * 32)

    assert str(raised.value) == (
        f"no trace with id {'f' * 32}; captured traces (1):\n"
        f"  {captured}: 3 span(s), root 'POST /chat'"
    )


def test_trace_with_nothing_captured_says_where_spans_come_from(
    provider: TracerProvider,
) -> None:
    with capture_spans(provider) as capture:
        pass

    with pytest.raises(TraceLookupError, match="found none") as raised:
        capture.trace()

    assert "the provider given to capture_spans() (TracerProvider)" in str(raised.value)


def test_trace_rejects_an_id_that_is_not_32_hex_digits(provider: TracerProvider) -> None:
    with capture_spans(provider) as capture:
        pass

    with pytest.raises(ValueError, match=r"32 hexadecimal digits, got 'abc'"):
        capture.trace("abc")


def test_find_takes_globs_and_dotted_attribute_names(
    provider: TracerProvider, tracer: Tracer
) -> None:
    with capture_spans(provider) as capture:
        make_request(tracer)

    failed = capture.find("tool.execute.*", attributes={"tool.execution.success": False})
    assert [node.name for node in failed] == ["tool.execute.calculator"]
    assert capture.find("tool.execute.*", attributes={"tool.execution.success": True}) == []
    assert [node.name for node in capture.find(re.compile(r"agent\..*"))] == ["agent.route"]


def test_find_takes_plain_attribute_names_as_keywords(
    provider: TracerProvider, tracer: Tracer
) -> None:
    with capture_spans(provider) as capture, tracer.start_as_current_span("job") as job:
        job.set_attribute("attempt", 2)

    assert [node.name for node in capture.find("*", attempt=2)] == ["job"]


def test_get_lists_the_captured_spans_when_none_matches(
    provider: TracerProvider, tracer: Tracer
) -> None:
    with capture_spans(provider) as capture:
        make_request(tracer)

    with pytest.raises(TraceLookupError) as raised:
        capture.get("tool.execute.*", attributes={"tool.execution.success": True})

    assert str(raised.value) == (
        "expected one span 'tool.execute.*' with {'tool.execution.success': True}, found none. "
        "Captured spans:\n"
        "  POST /chat \u203a agent.route\n"
        "  POST /chat \u203a tool.execute.calculator\n"
        "  POST /chat"
    )


def test_get_lists_the_matches_when_several_match(provider: TracerProvider, tracer: Tracer) -> None:
    with capture_spans(provider) as capture:
        make_request(tracer, "/one")
        make_request(tracer, "/two")

    with pytest.raises(TraceLookupError, match=r"expected one span 'agent.route', found 2"):
        capture.get("agent.route")


def test_select_picks_spans_with_a_selector(provider: TracerProvider, tracer: Tracer) -> None:
    with capture_spans(provider) as capture:
        make_request(tracer)

    picked = capture.select("POST* > tool.execute.*[tool.execution.success=false]")

    assert [node.name for node in picked] == ["tool.execute.calculator"]


def test_get_tells_spans_with_the_same_path_apart_by_ordinal_and_differing_attributes(
    provider: TracerProvider,
) -> None:
    tracer = provider.get_tracer("agent")
    with capture_spans(provider) as capture, tracer.start_as_current_span("run"):
        for tool in ("calculator", "web_search"):
            with tracer.start_as_current_span("tool", attributes={"tool.name": tool, "n": 1}):
                pass

    with pytest.raises(TraceLookupError) as caught:
        capture.get("tool")

    assert str(caught.value) == (
        "expected one span 'tool', found 2:\n"
        '  run › tool (#1 of 2; tool.name="calculator")\n'
        '  run › tool (#2 of 2; tool.name="web_search")\n'
        "pass attributes=... to pick one, or use find() for all of them"
    )
