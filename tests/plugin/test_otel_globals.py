"""Lending a global provider without taking the program's right to set its own.

These tests use OpenTelemetry's private global names on purpose: they check the one module
that relies on them, against whichever SDK is installed (CI runs them at the declared
minimum versions too). Each test starts from an unset global and puts the process's
globals back afterwards.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.util._once import Once

from pytest_filagent_trace._capture import (
    CaptureProcessor,
    ProviderAttachments,
    TraceCapture,
    capture_spans,
)
from pytest_filagent_trace._capture.otel_globals import (
    fallback_provider,
    install_fallback,
    program_provider,
    release_fallback,
)


@pytest.fixture(autouse=True)
def unset_global() -> Iterator[Once]:
    saved = (trace._TRACER_PROVIDER, trace._TRACER_PROVIDER_SET_ONCE)
    once = Once()
    trace._TRACER_PROVIDER, trace._TRACER_PROVIDER_SET_ONCE = None, once
    yield once
    trace._TRACER_PROVIDER, trace._TRACER_PROVIDER_SET_ONCE = saved


def program() -> tuple[TracerProvider, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


def finished(exporter: InMemorySpanExporter) -> list[str]:
    return [span.name for span in exporter.get_finished_spans()]


def test_the_fallback_is_global_only_until_released(unset_global: Once) -> None:
    install = install_fallback(lambda provider: None)

    assert trace.get_tracer_provider() is fallback_provider()
    assert program_provider() is None
    release_fallback(install)

    assert type(trace.get_tracer_provider()) is trace.ProxyTracerProvider
    assert trace._TRACER_PROVIDER_SET_ONCE is unset_global


def test_the_program_can_set_its_provider_while_the_fallback_is_lent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[object] = []
    install = install_fallback(seen.append)
    provider, _ = program()

    with caplog.at_level(logging.WARNING):
        trace.set_tracer_provider(provider)
    release_fallback(install)

    assert trace.get_tracer_provider() is provider
    assert program_provider() is provider
    assert seen == [provider]
    assert "Overriding" not in caplog.text


def test_a_tracer_got_during_the_loan_follows_the_global_afterwards() -> None:
    install = install_fallback(lambda provider: None)
    tracer = trace.get_tracer("module.level")
    with tracer.start_as_current_span("lent") as span:
        assert span.is_recording()
    release_fallback(install)

    with tracer.start_as_current_span("unset") as span:
        assert not span.is_recording()
    provider, exporter = program()
    trace.set_tracer_provider(provider)
    with tracer.start_as_current_span("program's"):
        pass

    assert finished(exporter) == ["program's"]


def test_a_following_tracer_works_as_a_decorator_and_sets_the_current_span() -> None:
    install = install_fallback(lambda provider: None)
    tracer = trace.get_tracer("module.level")
    seen: list[str] = []

    @tracer.start_as_current_span("decorated")
    def work() -> None:
        seen.append(trace.get_current_span().name)  # type: ignore[attr-defined]

    try:
        with tracer.start_as_current_span("outer", attributes={"k": 1}) as outer:
            assert trace.get_current_span() is outer
            work()
        assert trace.get_current_span() is not outer
    finally:
        release_fallback(install)

    assert seen == ["decorated"]
    assert outer.attributes == {"k": 1}  # type: ignore[attr-defined]


def test_nothing_is_lent_when_the_program_set_a_provider() -> None:
    provider, _ = program()
    trace.set_tracer_provider(provider)

    assert install_fallback(lambda provider: None) is None
    assert trace.get_tracer_provider() is provider


def test_loans_nest_and_the_last_release_unsets_the_global(unset_global: Once) -> None:
    outer = install_fallback(lambda provider: None)
    inner = install_fallback(lambda provider: None)

    release_fallback(outer)
    assert trace.get_tracer_provider() is fallback_provider()
    release_fallback(inner)

    assert type(trace.get_tracer_provider()) is trace.ProxyTracerProvider
    assert trace._TRACER_PROVIDER_SET_ONCE is unset_global


def test_use_global_attaches_to_a_provider_the_program_sets_during_the_capture() -> None:
    processor = CaptureProcessor()
    attachments = ProviderAttachments(processor)
    provider, exporter = program()
    capture = TraceCapture()
    processor.open_test("test_app", capture)

    use = attachments.use_global()
    trace.set_tracer_provider(provider)
    with provider.get_tracer("app").start_as_current_span("after create_app"):
        pass
    use.release()
    processor.close_test()

    assert [node.name for node in capture.spans] == ["after create_app"]
    assert finished(exporter) == ["after create_app"]
    assert "the global TracerProvider (TracerProvider)" in attachments.describe()


def test_capture_spans_lends_a_provider_for_the_block_only() -> None:
    with capture_spans() as capture:
        with trace.get_tracer("demo").start_as_current_span("work"):
            pass
        assert trace.get_tracer_provider() is fallback_provider()

    assert [node.name for node in capture.spans] == ["work"]
    assert type(trace.get_tracer_provider()) is trace.ProxyTracerProvider


def test_sessions_one_after_another_do_not_pile_processors_on_the_fallback() -> None:
    captures, processors = [], []
    for test_id in ("first session", "second session"):
        processor = CaptureProcessor()
        processors.append(processor)
        attachments = ProviderAttachments(processor)
        capture = TraceCapture()
        processor.open_test(test_id, capture)
        use = attachments.use_global()
        with trace.get_tracer("app").start_as_current_span(test_id):
            pass
        use.release()
        processor.close_test()
        attachments.close()
        captures.append([node.name for node in capture.spans])

    assert captures == [["first session"], ["second session"]]
    assert [p for p in fallback_provider()._relay.targets if p in processors] == []
