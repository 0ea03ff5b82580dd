"""The redacting span processor: what an exporter receives of a span, and its safeguards.

Names, attributes, events, links, status and resource are redacted before any later
processor sees the span; a failed redaction drops the content; the processor refuses a
provider or an SDK it cannot redact for.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk import trace as sdk_trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import (
    ConcurrentMultiSpanProcessor,
    ReadableSpan,
    SpanLimits,
    SpanProcessor,
    TracerProvider,
)
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, StatusCode
from pydantic import SecretStr

from filagent.telemetry.privacy import (
    PrivacyConfig,
    RedactingSpanProcessor,
    Redactor,
    check_sdk_span_layout,
    install_redaction,
)
from tests.helpers.privacy import SECRET, make_redactor


class Pipeline:
    """A provider with redaction first, then an in-memory exporter."""

    def __init__(self, redactor: Redactor, **provider_args: Any) -> None:
        self.provider = TracerProvider(**provider_args)
        self.processor = install_redaction(self.provider, redactor)
        self.exporter = InMemorySpanExporter()
        self.provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.tracer = self.provider.get_tracer("test")

    def only_span(self) -> ReadableSpan:
        (span,) = self.exporter.get_finished_spans()
        return span


@pytest.fixture
def pipeline(redactor: Redactor) -> Iterator[Pipeline]:
    built = Pipeline(redactor)
    yield built
    built.provider.shutdown()


def test_exported_span_attributes_are_redacted(pipeline: Pipeline, redactor: Redactor) -> None:
    with pipeline.tracer.start_as_current_span("work") as span:
        span.set_attribute("tool.args.path", "/data/jane@example.com/notes.txt")
        span.set_attribute("enduser.id", "alice")
        span.set_attribute("http.request.header.authorization", ("Bearer abc123def456",))
    assert dict(pipeline.only_span().attributes or {}) == {
        "tool.args.path": "/data/[REDACTED:email]/notes.txt",
        "enduser.id": redactor.hash_user_id("alice"),
    }


def test_attributes_given_at_span_start_are_redacted(pipeline: Pipeline) -> None:
    with pipeline.tracer.start_as_current_span("work", attributes={"password": "pw"}):
        pass
    assert dict(pipeline.only_span().attributes or {}) == {"password": "[REDACTED:secret]"}


def test_exception_event_message_and_stacktrace_are_redacted(pipeline: Pipeline) -> None:
    with pipeline.tracer.start_as_current_span("work") as span:
        span.record_exception(ValueError("mail me at a@b.com"))
    (event,) = pipeline.only_span().events
    attributes = dict(event.attributes or {})
    assert event.name == "exception"
    assert attributes["exception.message"] == "mail me at [REDACTED:email]"
    assert "ValueError: mail me at [REDACTED:email]" in str(attributes["exception.stacktrace"])
    assert "a@b.com" not in json.dumps(attributes)


def test_status_description_of_escaped_exception_is_redacted(pipeline: Pipeline) -> None:
    with (
        pytest.raises(ValueError, match=r"a@b\.com"),
        pipeline.tracer.start_as_current_span("work"),
    ):
        raise ValueError("mail me at a@b.com")
    span = pipeline.only_span()
    assert span.status.status_code is StatusCode.ERROR
    assert span.status.description == "ValueError: mail me at [REDACTED:email]"


def test_span_name_with_personal_data_is_redacted(pipeline: Pipeline) -> None:
    with pipeline.tracer.start_as_current_span("GET /users/jane@example.com?token=abc"):
        pass
    assert pipeline.only_span().name == "GET /users/[REDACTED:email]?token=[REDACTED:query]"


def test_link_attributes_are_redacted(pipeline: Pipeline) -> None:
    with pipeline.tracer.start_as_current_span("first") as first:
        context = first.get_span_context()
    with pipeline.tracer.start_as_current_span("second", links=[Link(context, {"by": "a@b.io"})]):
        pass
    second = pipeline.exporter.get_finished_spans()[1]
    assert [dict(link.attributes or {}) for link in second.links] == [{"by": "[REDACTED:email]"}]
    assert second.links[0].context == context


def test_resource_attributes_are_redacted(redactor: Redactor) -> None:
    resource = Resource({"service.name": "filagent", "deploy.owner": "ops@example.com"})
    built = Pipeline(redactor, resource=resource)
    with built.tracer.start_as_current_span("work"):
        pass
    assert dict(built.only_span().resource.attributes) == {
        "service.name": "filagent",
        "deploy.owner": "[REDACTED:email]",
    }


def test_message_content_events_are_dropped_from_spans(pipeline: Pipeline) -> None:
    with pipeline.tracer.start_as_current_span("chat rule") as span:
        span.add_event("gen_ai.user.message", {"content": "hello"})
        span.add_event("retry", {"attempt": 2})
    assert [event.name for event in pipeline.only_span().events] == ["retry"]


def test_trace_and_span_ids_are_unchanged(pipeline: Pipeline) -> None:
    with pipeline.tracer.start_as_current_span("work") as span:
        context = span.get_span_context()
    assert pipeline.only_span().context == context


def test_dropped_attribute_count_survives_redaction(redactor: Redactor) -> None:
    built = Pipeline(redactor, span_limits=SpanLimits(max_span_attributes=2))
    with built.tracer.start_as_current_span("work") as span:
        span.set_attributes({"a": 1, "b": 2, "c": 3})
    assert built.only_span().dropped_attributes == 1


def test_processor_added_later_sees_only_the_redacted_span(
    pipeline: Pipeline,
) -> None:
    seen: list[str] = []

    class Capture(SpanProcessor):
        def on_end(self, span: ReadableSpan) -> None:
            seen.append(json.dumps(dict(span.attributes or {})))

    pipeline.provider.add_span_processor(Capture())
    with pipeline.tracer.start_as_current_span("work", attributes={"m": "a@b.io"}):
        pass
    assert seen == ['{"m": "[REDACTED:email]"}']


def test_disabled_redactor_exports_spans_unchanged() -> None:
    built = Pipeline(make_redactor(enabled=False))
    with built.tracer.start_as_current_span("GET /u/a@b.io", attributes={"m": "a@b.io"}):
        pass
    span = built.only_span()
    assert (span.name, dict(span.attributes or {})) == ("GET /u/a@b.io", {"m": "a@b.io"})


def test_failed_redaction_drops_the_span_content_and_logs_no_data(
    redactor: Redactor, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(Redactor):
        def redact_attributes(self, attributes: Any) -> dict[str, Any]:
            raise RuntimeError("boom a@b.io")

    built = Pipeline(Broken(PrivacyConfig(user_id_hmac_secret=SecretStr(SECRET))))
    with (
        caplog.at_level(logging.ERROR, logger="filagent.telemetry.privacy"),
        built.tracer.start_as_current_span("GET /u/a@b.io", attributes={"m": "a@b.io"}) as span,
    ):
        span.add_event("e", {"m": "a@b.io"})
    exported = built.only_span()
    assert exported.name == "[REDACTED:span]"
    assert dict(exported.attributes or {}) == {"filagent.redaction.failed": True}
    assert exported.events == ()
    assert "redaction of a span failed (RuntimeError)" in caplog.text
    assert "a@b.io" not in caplog.text


def test_install_redaction_refuses_a_provider_with_processors_already() -> None:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(InMemorySpanExporter()))
    with pytest.raises(ValueError, match="no span processor yet, found SimpleSpanProcessor"):
        install_redaction(provider, Redactor(env={}))


def test_install_redaction_refuses_concurrent_processors() -> None:
    provider = TracerProvider(active_span_processor=ConcurrentMultiSpanProcessor(2))
    with pytest.raises(TypeError, match="found ConcurrentMultiSpanProcessor"):
        install_redaction(provider, Redactor(env={}))
    provider.shutdown()


def test_sdk_layout_check_passes_on_the_installed_sdk() -> None:
    check_sdk_span_layout()


def test_processor_refuses_an_sdk_whose_span_fields_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class RenamedFields(ReadableSpan):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._span_events = self._events
            del self._events

    monkeypatch.setattr(sdk_trace, "ReadableSpan", RenamedFields)
    with pytest.raises(RuntimeError, match=r"ReadableSpan has no field\(s\) _events"):
        RedactingSpanProcessor(Redactor(env={}))


def test_processor_refuses_an_sdk_whose_properties_ignore_the_fields(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class CopiedName(ReadableSpan):
        @property
        def name(self) -> str:
            return "probe"

    monkeypatch.setattr(sdk_trace, "ReadableSpan", CopiedName)
    with pytest.raises(RuntimeError, match="reads back"):
        RedactingSpanProcessor(Redactor(env={}))
