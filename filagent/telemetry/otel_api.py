"""OpenTelemetry, reached optionally: every "OpenTelemetry is absent" answer lives here.

FilAgent runs unchanged without OpenTelemetry installed (or with only the API,
not the SDK). Everywhere else imports OpenTelemetry only after asking this
module, or inside code that a present SDK made reachable; the neutral answers
for an absent OpenTelemetry are written once, below.

Example::

    sdk_available()            # False when opentelemetry-sdk cannot be imported
    current_trace_context()    # {} outside a span, or without OpenTelemetry
    noop_otel_tracer()         # an API tracer whose spans do nothing
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:  # pragma: no cover - typing only
    from opentelemetry.trace import Tracer as OtelTracer


def sdk_available() -> bool:
    """True when the OpenTelemetry SDK can be imported.

    Example: ``TelemetryManager`` builds no provider (tracing is off) when this is False.
    """
    try:
        import opentelemetry.sdk.trace  # noqa: F401
    except ImportError:
        return False
    return True


def current_trace_context() -> dict[str, str]:
    """``{"trace_id", "span_id"}`` of the current span as hex, or ``{}`` outside a span.

    Example: ``current_trace_context()`` is ``{}`` here, and inside a span
    ``{"trace_id": "4bf9…", "span_id": "00f0…"}``.
    """
    try:
        from opentelemetry import trace
    except ImportError:  # OpenTelemetry not installed: there is never a span.
        return {}
    ctx = trace.get_current_span().get_span_context()
    if not ctx.is_valid:
        return {}
    return {"trace_id": format(ctx.trace_id, "032x"), "span_id": format(ctx.span_id, "016x")}


def current_trace_flags() -> str:
    """The W3C trace-flags of the current span: ``"01"`` when sampled, else ``"00"``.

    Example: ``f"00-{trace_id}-{span_id}-{current_trace_flags()}"`` is a ``traceresponse``.
    """
    try:
        from opentelemetry import trace
    except ImportError:  # no OpenTelemetry: nothing is sampled
        return "00"
    sampled = trace.get_current_span().get_span_context().trace_flags.sampled
    return "01" if sampled else "00"


def fail_current_span(error: BaseException) -> None:
    """Mark the current span failed by ``error``: exception event, ``error.type``, ERROR.

    Example: the ``/chat`` catch-all calls ``fail_current_span(exc)`` in the SERVER span.
    """
    try:
        from opentelemetry import trace
        from opentelemetry.trace import Status, StatusCode
    except ImportError:  # no OpenTelemetry: there is no span to mark
        return
    span = trace.get_current_span()
    if not span.is_recording():
        return
    span.record_exception(error)
    span.set_attribute("error.type", type(error).__qualname__)
    span.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {error}"))


def noop_otel_tracer() -> OtelTracer:
    """An OpenTelemetry API tracer that records nothing, even without the API installed.

    Example: ``with noop_otel_tracer().start_as_current_span("work"): ...`` does nothing.
    """
    try:
        from opentelemetry.trace import NoOpTracer
    except ImportError:
        return cast("OtelTracer", _AbsentTracer())
    return NoOpTracer()


class _AbsentSpan:
    """Stands in for an OpenTelemetry span when the API itself is not importable."""

    def __getattr__(self, name: str) -> Callable[..., Any]:
        return lambda *args, **kwargs: None

    def is_recording(self) -> bool:
        return False


class _AbsentTracer:
    """Stands in for an OpenTelemetry tracer when the API itself is not importable."""

    def start_span(self, name: str, *args: Any, **kwargs: Any) -> _AbsentSpan:
        return _AbsentSpan()

    @contextmanager
    def start_as_current_span(self, name: str, *args: Any, **kwargs: Any) -> Iterator[Any]:
        yield _AbsentSpan()
