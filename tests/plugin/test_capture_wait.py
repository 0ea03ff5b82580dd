"""Waiting for spans other threads or tasks end: wait_for() and wait_for_async()."""

from __future__ import annotations

import threading

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import Tracer

from pytest_filagent_trace._capture import SpanWaitTimeoutError, TraceCapture, capture_spans
from tests.helpers.traced import make_request


def test_wait_for_returns_once_a_thread_ended_enough_spans(
    provider: TracerProvider, tracer: Tracer
) -> None:
    with capture_spans(provider) as capture:
        worker = threading.Timer(0.05, make_request, args=(tracer,))
        worker.start()
        arrived = capture.wait_for(3, timeout=5.0)
        worker.join()

    assert len(arrived) == 3


def test_wait_for_a_name_returns_the_matching_spans(
    provider: TracerProvider, tracer: Tracer
) -> None:
    with capture_spans(provider) as capture:
        worker = threading.Thread(target=make_request, args=(tracer,))
        worker.start()
        [root] = capture.wait_for("POST *", timeout=5.0)
        worker.join()

    assert root.name == "POST /chat"


def test_wait_for_a_predicate_returns_the_matching_spans(
    provider: TracerProvider, tracer: Tracer
) -> None:
    def failed_tool(node: object) -> bool:
        return getattr(node, "attributes", {}).get("tool.execution.success") is False

    with capture_spans(provider) as capture:
        worker = threading.Thread(target=make_request, args=(tracer,))
        worker.start()
        found = capture.wait_for(failed_tool, timeout=5.0)
        worker.join()

    assert [node.name for node in found] == ["tool.execute.calculator"]


def test_wait_for_timeout_says_what_was_awaited_and_what_arrived(
    provider: TracerProvider, tracer: Tracer
) -> None:
    with capture_spans(provider) as capture:
        make_request(tracer)

        with pytest.raises(SpanWaitTimeoutError) as raised:
            capture.wait_for("GET /search", timeout=0.05)

    assert str(raised.value) == (
        "waited 0.05 s for a span named 'GET /search'; 3 span(s) arrived:\n"
        "  POST /chat \u203a agent.route\n"
        "  POST /chat \u203a tool.execute.calculator\n"
        "  POST /chat"
    )


def test_wait_for_timeout_with_nothing_arrived_names_the_count(
    provider: TracerProvider,
) -> None:
    timeout = pytest.raises(SpanWaitTimeoutError, match=r"^waited 0.01 s for 2 span\(s\); 0 span")
    with capture_spans(provider) as capture, timeout:
        capture.wait_for(2, timeout=0.01)


def test_wait_for_refuses_a_bool(provider: TracerProvider) -> None:
    with capture_spans(provider) as capture, pytest.raises(TypeError, match="not a bool"):
        capture.wait_for(True)


def test_wait_for_refuses_to_run_on_an_event_loop_thread() -> None:
    import asyncio

    async def main() -> None:
        TraceCapture().wait_for(1, timeout=5.0)

    with pytest.raises(RuntimeError, match=r"use `await trace_capture.wait_for_async\(...\)`"):
        asyncio.run(main())


def test_wait_for_async_lets_the_loop_run_the_task_it_waits_for(
    provider: TracerProvider, tracer: Tracer
) -> None:
    import asyncio

    async def handle() -> None:
        await asyncio.sleep(0.01)
        with tracer.start_as_current_span("handled"):
            pass

    async def main(capture: TraceCapture) -> list[str]:
        task = asyncio.create_task(handle())
        found = await capture.wait_for_async("handled", timeout=5.0)
        await task
        return [node.name for node in found]

    with capture_spans(provider) as capture:
        assert asyncio.run(main(capture)) == ["handled"]


def test_wait_for_async_times_out_with_what_arrived(provider: TracerProvider) -> None:
    import asyncio

    with capture_spans(provider) as capture, pytest.raises(SpanWaitTimeoutError, match="2 span"):
        asyncio.run(capture.wait_for_async(2, timeout=0.01))
