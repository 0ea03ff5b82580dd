"""The in-memory capture, used directly without pytest's fixture."""

from __future__ import annotations

import gc
import logging
import re
import sys
import threading
import types
import weakref
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.trace import Tracer

from pytest_filagent_trace._capture import (
    CaptureProcessor,
    LogsNotCapturedError,
    ProviderAttachments,
    ProviderConfigError,
    SpanWaitTimeoutError,
    TraceCapture,
    TraceLookupError,
    capture_spans,
    load_provider,
)


@pytest.fixture
def provider() -> TracerProvider:
    return TracerProvider()


@pytest.fixture
def tracer(provider: TracerProvider) -> Tracer:
    return provider.get_tracer("tests.capture")


def make_request(tracer: Tracer, route: str = "/chat") -> str:
    with tracer.start_as_current_span(f"POST {route}") as server:
        with tracer.start_as_current_span("agent.route") as routed:
            routed.set_attribute("route.mode", "simple")
        with tracer.start_as_current_span("tool.execute.calculator") as tool:
            tool.set_attribute("tool.execution.success", False)
        return format(server.get_span_context().trace_id, "032x")


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


def test_clear_forgets_the_spans_captured_so_far(provider: TracerProvider, tracer: Tracer) -> None:
    with capture_spans(provider) as capture:
        make_request(tracer, "/warm-up")
        capture.clear()
        make_request(tracer, "/real")

    assert [tree.root.name for tree in capture.traces()] == ["POST /real"]


def test_select_picks_spans_with_a_selector(provider: TracerProvider, tracer: Tracer) -> None:
    with capture_spans(provider) as capture:
        make_request(tracer)

    picked = capture.select("POST* > tool.execute.*[tool.execution.success=false]")

    assert [node.name for node in picked] == ["tool.execute.calculator"]


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


def test_attach_adds_the_processor_to_a_provider_only_once(provider: TracerProvider) -> None:
    attachments = ProviderAttachments(CaptureProcessor())

    assert attachments.attach(provider, "the app's provider") is True
    assert attachments.attach(provider, "the app's provider") is False
    assert "the app's provider (TracerProvider)" in attachments.describe()


def test_attach_refuses_an_object_that_takes_no_span_processors() -> None:
    attachments = ProviderAttachments(CaptureProcessor())

    with pytest.raises(TypeError, match=r"^the fixture is object, which has no add_span"):
        attachments.attach(object(), "the fixture")  # type: ignore[arg-type]


def test_describe_says_how_to_attach_when_nothing_is_attached() -> None:
    assert "trace_capture_provider" in ProviderAttachments(CaptureProcessor()).describe()


@pytest.fixture
def provider_module(provider: TracerProvider) -> Iterator[str]:
    module = types.ModuleType("capture_test_telemetry")
    module.provider = provider  # type: ignore[attr-defined]
    module.get_provider = lambda: provider  # type: ignore[attr-defined]
    module.broken = lambda: 1 / 0  # type: ignore[attr-defined]
    module.not_a_provider = lambda: "nope"  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    yield module.__name__
    del sys.modules[module.__name__]


def test_load_provider_calls_the_named_callable(
    provider_module: str, provider: TracerProvider
) -> None:
    assert load_provider(f"{provider_module}:get_provider") is provider


def test_load_provider_accepts_the_provider_itself(
    provider_module: str, provider: TracerProvider
) -> None:
    assert load_provider(f"{provider_module}:provider") is provider


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no_colon", r"= 'no_colon': expected 'module:callable'"),
        ("no_such_module_xyz:make", r"module 'no_such_module_xyz' could not be imported"),
        ("{module}:missing", r"'capture_test_telemetry' has no attribute 'missing'"),
        ("{module}:broken", r"calling broken\(\) raised ZeroDivisionError: division by zero"),
        ("{module}:not_a_provider", r"expected an OpenTelemetry SDK TracerProvider .*got str"),
    ],
)
def test_load_provider_says_what_is_wrong_with_the_option(
    provider_module: str, spec: str, message: str
) -> None:
    with pytest.raises(ProviderConfigError, match=message) as raised:
        load_provider(spec.format(module=provider_module), where="trace_capture_provider")

    assert str(raised.value).startswith("trace_capture_provider = ")


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
