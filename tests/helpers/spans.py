"""Finished SDK spans in memory, and the lookups the tests make over them."""

from __future__ import annotations

import time
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


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


def attributes(span_: ReadableSpan) -> dict[str, Any]:
    """``span_``'s attributes as a plain dict (empty when it has none)."""
    return dict(span_.attributes or {})


def span_id_of(span_: ReadableSpan) -> str:
    """``span_``'s id as 16 hex digits, the way headers, logs and records write it."""
    assert span_.context is not None
    return format(span_.context.span_id, "016x")


def trace_id_of(span_: ReadableSpan) -> str:
    """``span_``'s trace id as 32 hex digits, the way ``X-Trace-ID`` writes it."""
    assert span_.context is not None
    return format(span_.context.trace_id, "032x")


def wait_for_span(spans: Spans, name: str, timeout: float = 5.0) -> ReadableSpan:
    """The first ``name`` span, waiting for it: a server span ends after its response."""
    deadline = time.monotonic() + timeout
    while not spans.named(name):
        found = [s.name for s in spans.all()]
        assert time.monotonic() < deadline, f"no {name!r} span within {timeout}s; found {found}"
        time.sleep(0.01)
    return spans.named(name)[0]
