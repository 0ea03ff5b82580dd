"""Fixtures for FilAgent's service tests: real spans in memory, servers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from filagent.serving import serve_in_thread
from filagent.telemetry.tracing import Tracer

ServeApp = Callable[[Any], AbstractContextManager[str]]


class Spans:
    """The finished spans of one test, with the lookups the tests need."""

    def __init__(self, exporter: InMemorySpanExporter) -> None:
        self._exporter = exporter

    def all(self) -> list[ReadableSpan]:
        """Every finished span, in start order."""
        return sorted(self._exporter.get_finished_spans(), key=lambda s: s.start_time or 0)

    def named(self, name: str) -> list[ReadableSpan]:
        """Spans called ``name``, in start order."""
        return [span for span in self.all() if span.name == name]

    def one(self, name: str) -> ReadableSpan:
        """The only span called ``name``; fails listing what was there otherwise."""
        found = self.named(name)
        assert len(found) == 1, f"expected one {name!r} span, found {[s.name for s in self.all()]}"
        return found[0]

    def parent_name(self, span: ReadableSpan) -> str | None:
        """Name of ``span``'s parent among the captured spans, or None for a root."""
        if span.parent is None:
            return None
        by_id = {s.context.span_id: s.name for s in self.all() if s.context is not None}
        return by_id.get(span.parent.span_id, "<not captured>")

    def children(self, parent: ReadableSpan) -> list[str]:
        """Names of ``parent``'s direct children, in start order."""
        assert parent.context is not None
        return [
            s.name
            for s in self.all()
            if s.parent is not None and s.parent.span_id == parent.context.span_id
        ]

    def clear(self) -> None:
        """Forget the spans captured so far."""
        self._exporter.clear()


@pytest.fixture
def provider() -> Iterator[TracerProvider]:
    """A TracerProvider of this test only, exporting to memory."""
    tracer_provider = TracerProvider()
    yield tracer_provider
    tracer_provider.shutdown()


@pytest.fixture
def spans(provider: TracerProvider) -> Spans:
    """The spans finished during the test."""
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return Spans(exporter)


@pytest.fixture
def tracer(provider: TracerProvider, spans: Spans) -> Tracer:
    """FilAgent's tracing facade over the test's provider."""
    del spans  # requested so the exporter is attached before any span starts
    return Tracer(provider.get_tracer("filagent"))


@pytest.fixture
def http_client() -> Iterator[httpx.Client]:
    """A plain httpx client, closed after the test."""
    with httpx.Client(timeout=5.0) as client:
        yield client


@pytest.fixture
def serve() -> ServeApp:
    """``with serve(app) as base_url:`` runs ``app`` with uvicorn on 127.0.0.1 in a thread."""
    return serve_in_thread
