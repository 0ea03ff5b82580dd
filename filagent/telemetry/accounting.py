"""Every span accounted for: ended, exported, or dropped with a reason.

A span that ends is counted once (:class:`EndedSpanCounter`). Each exporter
pipeline then accounts for it exactly once more: exported, or dropped for one
of :data:`DROP_REASONS`. After the provider's shutdown, for each exporter,
``ended == exported + dropped`` holds exactly.

Importing this module does not import OpenTelemetry.

Example::

    provider.add_span_processor(EndedSpanCounter(metrics))
    exporter = CountingSpanExporter(OTLPSpanExporter(), lambda ok, n: print(ok, n))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Final, Literal, Protocol

if TYPE_CHECKING:  # pragma: no cover - typing only
    from opentelemetry.context import Context
    from opentelemetry.sdk.trace import ReadableSpan, Span
    from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

DropReason = Literal["queue_full", "export_failed", "timeout", "shutdown"]

#: Why a span did not reach its exporter: the queue was full when it ended, the
#: export failed, the export used its whole time budget, or the processor was
#: shut down (or its shutdown deadline passed) before the span was exported.
DROP_REASONS: Final[tuple[DropReason, ...]] = ("queue_full", "export_failed", "timeout", "shutdown")

#: ``on_export(ok, count)``: called after every export with its outcome.
ExportListener = Callable[[bool, int], None]


class SpanAccounting(Protocol):
    """Where span counts go; :class:`filagent.metrics.Metrics` is one."""

    def spans_ended(self, count: int) -> None:
        """``count`` sampled spans ended."""

    def spans_exported(self, count: int) -> None:
        """``count`` spans an exporter accepted."""

    def spans_dropped(self, count: int, reason: DropReason = "export_failed") -> None:
        """``count`` spans that will never reach the exporter, and why."""


def is_sampled(span: ReadableSpan) -> bool:
    """True when a span is meant for the exporters (the processors' one rule)."""
    context = span.context
    return context is not None and bool(context.trace_flags.sampled)


class EndedSpanCounter:
    """A span processor that counts every sampled span as it ends.

    Added once per provider, after redaction and before the exporters'
    processors, so each span is counted once whatever the number of exporters.

    Example::

        provider.add_span_processor(EndedSpanCounter(metrics))
    """

    def __init__(self, accounting: SpanAccounting) -> None:
        self._accounting = accounting

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        """Nothing to count at start."""

    def _on_ending(self, span: Span) -> None:
        """Called by the SDK just before ``on_end``; nothing to do."""

    def on_end(self, span: ReadableSpan) -> None:
        """Count the span if it is sampled."""
        if is_sampled(span):
            self._accounting.spans_ended(1)

    def shutdown(self) -> None:
        """Nothing to release."""

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Nothing is buffered here."""
        del timeout_millis
        return True


class CountingSpanExporter:
    """Wraps a SpanExporter and reports each batch's outcome to ``on_export``.

    A failed export (FAILURE, or an exception, which is re-raised) reports
    its spans as not exported. Used behind the synchronous processors; the
    batch processor accounts for its spans itself.

    Example::

        CountingSpanExporter(OTLPSpanExporter(), lambda ok, n: print(ok, n))
    """

    def __init__(self, exporter: SpanExporter, on_export: ExportListener) -> None:
        self.exporter = exporter
        self._on_export = on_export

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        """Export through the wrapped exporter, then report the outcome."""
        from opentelemetry.sdk.trace.export import SpanExportResult

        try:
            result = self.exporter.export(spans)
        except Exception:
            self._on_export(False, len(spans))
            raise
        self._on_export(result is SpanExportResult.SUCCESS, len(spans))
        return result

    def shutdown(self) -> None:
        """Shut the wrapped exporter down."""
        self.exporter.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Flush the wrapped exporter."""
        return self.exporter.force_flush(timeout_millis)
