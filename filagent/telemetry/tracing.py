"""A small tracing facade used by FilAgent's own code.

The agent, tools and models never import OpenTelemetry directly: they receive a
:class:`Tracer` and open spans with :meth:`Tracer.span`.  When tracing is
disabled, or OpenTelemetry is not importable, the same code runs against a
no-op tracer and the service behaves unchanged.

Example::

    tracer = Tracer(otel_tracer)          # or Tracer(None) for no tracing
    with tracer.span("agent.route", attributes={"route.mode": "simple"}) as span:
        span.set_attribute("route.confidence", 0.9)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Literal, Protocol

from filagent.telemetry.names import ERROR_TYPE

if TYPE_CHECKING:  # pragma: no cover - typing only
    from opentelemetry.trace import Span as OtelSpan
    from opentelemetry.trace import Tracer as OtelTracer

SpanKindName = Literal["internal", "client", "server", "producer", "consumer"]
AttributeValue = str | bool | int | float | list[str] | list[int] | list[float] | list[bool]


class SpanRecorder(Protocol):
    """What FilAgent code may do with an open span."""

    def set_attribute(self, key: str, value: AttributeValue) -> None:
        """Set one attribute."""

    def set_attributes(self, attributes: Mapping[str, AttributeValue]) -> None:
        """Set several attributes."""

    def add_event(self, name: str, attributes: Mapping[str, AttributeValue] | None = None) -> None:
        """Add a named event."""

    def record_error(self, error: BaseException | str, error_type: str | None = None) -> None:
        """Mark the span as failed: status ERROR, ``error.type``, exception event."""

    @property
    def trace_id(self) -> str:
        """The trace id as 32 lowercase hex digits ('' when not recording)."""

    @property
    def span_id(self) -> str:
        """The span id as 16 lowercase hex digits ('' when not recording)."""


class _NoopSpan:
    """Recorder used when tracing is off: every call is accepted and ignored."""

    def set_attribute(self, key: str, value: AttributeValue) -> None:
        del key, value

    def set_attributes(self, attributes: Mapping[str, AttributeValue]) -> None:
        del attributes

    def add_event(self, name: str, attributes: Mapping[str, AttributeValue] | None = None) -> None:
        del name, attributes

    def record_error(self, error: BaseException | str, error_type: str | None = None) -> None:
        del error, error_type

    @property
    def trace_id(self) -> str:
        return ""

    @property
    def span_id(self) -> str:
        return ""


class _OtelSpan:
    """Recorder over a live OpenTelemetry span."""

    def __init__(self, span: OtelSpan) -> None:
        self._span = span

    def set_attribute(self, key: str, value: AttributeValue) -> None:
        self._span.set_attribute(key, value)

    def set_attributes(self, attributes: Mapping[str, AttributeValue]) -> None:
        self._span.set_attributes(dict(attributes))

    def add_event(self, name: str, attributes: Mapping[str, AttributeValue] | None = None) -> None:
        self._span.add_event(name, dict(attributes or {}))

    def record_error(self, error: BaseException | str, error_type: str | None = None) -> None:
        from opentelemetry.trace import Status, StatusCode

        if isinstance(error, BaseException):
            kind = error_type or type(error).__qualname__
            self._span.record_exception(error)
            description = f"{type(error).__name__}: {error}"
        else:
            kind = error_type or "error"
            description = error
        self._span.set_attribute(ERROR_TYPE, kind)
        self._span.set_status(Status(StatusCode.ERROR, description))

    @property
    def trace_id(self) -> str:
        ctx = self._span.get_span_context()
        return format(ctx.trace_id, "032x") if ctx.is_valid else ""

    @property
    def span_id(self) -> str:
        ctx = self._span.get_span_context()
        return format(ctx.span_id, "016x") if ctx.is_valid else ""


class Tracer:
    """Opens spans on an OpenTelemetry tracer, or does nothing when given ``None``."""

    def __init__(self, otel_tracer: OtelTracer | None) -> None:
        self._tracer = otel_tracer

    @property
    def enabled(self) -> bool:
        """True when spans are really created."""
        return self._tracer is not None

    @contextmanager
    def span(
        self,
        name: str,
        *,
        kind: SpanKindName = "internal",
        attributes: Mapping[str, AttributeValue] | None = None,
    ) -> Iterator[SpanRecorder]:
        """Open a span as the current span for the ``with`` block.

        An exception escaping the block marks the span ERROR with ``error.type``
        and an exception event, then propagates.
        """
        if self._tracer is None:
            yield _NoopSpan()
            return
        from opentelemetry.trace import SpanKind

        otel_kind = SpanKind[kind.upper()]
        with self._tracer.start_as_current_span(
            name,
            kind=otel_kind,
            attributes=dict(attributes or {}),
            record_exception=False,
            set_status_on_exception=False,
        ) as otel_span:
            recorder = _OtelSpan(otel_span)
            try:
                yield recorder
            except BaseException as exc:
                recorder.record_error(exc)
                raise


NOOP_TRACER = Tracer(None)
