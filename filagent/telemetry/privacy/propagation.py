"""Trace context that crosses FilAgent's borders: ``tracestate`` and ``baggage``, kept private.

A client controls both headers, so both can carry personal data. ``tracestate`` would be
exported as the ``trace_state`` of every span of the request and forwarded with every
outgoing call; ``baggage`` would be forwarded too. :class:`PrivateContextPropagator`
wraps the W3C propagators:

- **extract**: an incoming ``tracestate`` keeps only the members named in
  ``privacy.allowed_tracestate_keys`` whose value redaction leaves unchanged (none by
  default), so no span ever carries the rest;
- **inject**: outgoing calls (the model endpoint, the search service) get only those
  ``tracestate`` members, and only the ``baggage`` entries named in
  ``privacy.forwarded_baggage_keys`` whose value redaction leaves unchanged (none by
  default). Baggage stays readable by FilAgent's own code during the request.

Importing this module does not import OpenTelemetry; building the propagator does.

Example:
    >>> from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
    >>> propagator = PrivateContextPropagator(TraceContextTextMapPropagator(), Redactor())
    >>> context = propagator.extract({
    ...     "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    ...     "tracestate": "crm=jane@example.com",
    ... })
    >>> carrier: dict[str, str] = {}
    >>> propagator.inject(carrier, context)
    >>> sorted(carrier)
    ['traceparent']
"""

from __future__ import annotations

from collections.abc import Set
from typing import TYPE_CHECKING, Any

from filagent.telemetry.privacy.redactor import Redactor

if TYPE_CHECKING:
    from opentelemetry.context import Context
    from opentelemetry.propagators.textmap import Getter, Setter, TextMapPropagator
    from opentelemetry.trace import SpanContext
    from opentelemetry.trace.span import TraceState


def private_trace_state(trace_state: TraceState, redactor: Redactor) -> TraceState:
    """``trace_state`` with only the allowed members whose value redaction leaves alone.

    Returns ``trace_state`` itself when nothing is removed (always when it is empty).

    Example:
        >>> from opentelemetry.trace.span import TraceState
        >>> from filagent.telemetry.privacy import PrivacyConfig
        >>> redactor = Redactor(PrivacyConfig(allowed_tracestate_keys=["vendor"]))
        >>> state = TraceState([("vendor", "abc"), ("crm", "jane@example.com")])
        >>> private_trace_state(state, redactor).to_header()
        'vendor=abc'
    """
    if not trace_state or not redactor.enabled:
        return trace_state
    allowed = redactor.config.allowed_tracestate_keys
    kept = [
        (key, value)
        for key, value in trace_state.items()
        if key in allowed and redactor.redact_text(value) == value
    ]
    if len(kept) == len(trace_state):
        return trace_state
    return type(trace_state)(kept)


def private_span_context(context: SpanContext, redactor: Redactor) -> SpanContext:
    """``context`` with its ``trace_state`` made private (itself when nothing changes)."""
    trace_state = private_trace_state(context.trace_state, redactor)
    if trace_state is context.trace_state:
        return context
    from opentelemetry.trace import SpanContext

    return SpanContext(
        context.trace_id,
        context.span_id,
        is_remote=context.is_remote,
        trace_flags=context.trace_flags,
        trace_state=trace_state,
    )


def _forwarded_baggage(context: Context, allowed: Set[str], redactor: Redactor) -> Context:
    from opentelemetry import baggage

    entries = baggage.get_all(context)
    if not entries:
        return context
    kept = {
        key: value
        for key, value in entries.items()
        if key in allowed and redactor.redact_text(str(value)) == str(value)
    }
    if len(kept) == len(entries):
        return context
    outgoing = baggage.clear(context)
    for key, value in kept.items():
        outgoing = baggage.set_baggage(key, value, outgoing)
    return outgoing


class PrivateContextPropagator:
    """Wraps a propagator so ``tracestate`` and ``baggage`` keep only what is allowed.

    It is a ``TextMapPropagator`` (``extract``, ``inject``, ``fields``); see the module
    docstring for what it keeps.
    """

    def __init__(self, inner: TextMapPropagator, redactor: Redactor) -> None:
        self.inner = inner
        self.redactor = redactor
        self._forwarded_baggage = frozenset(redactor.config.forwarded_baggage_keys)

    def extract(
        self, carrier: Any, context: Context | None = None, getter: Getter[Any] | None = None
    ) -> Context:
        """The inner propagator's context, its remote ``tracestate`` made private."""
        from opentelemetry.propagators.textmap import default_getter

        extracted = self.inner.extract(carrier, context, getter or default_getter)
        return self._private_span(extracted)

    def inject(
        self, carrier: Any, context: Context | None = None, setter: Setter[Any] | None = None
    ) -> None:
        """Inject through the inner propagator what may be forwarded to a third party."""
        from opentelemetry import context as context_api
        from opentelemetry.propagators.textmap import default_setter

        outgoing = context if context is not None else context_api.get_current()
        if self.redactor.enabled:
            outgoing = self._private_span(outgoing)
            outgoing = _forwarded_baggage(outgoing, self._forwarded_baggage, self.redactor)
        self.inner.inject(carrier, outgoing, setter or default_setter)

    @property
    def fields(self) -> set[str]:
        """The header names the inner propagator reads and writes."""
        return set(self.inner.fields)

    def _private_span(self, context: Context) -> Context:
        from opentelemetry import trace

        span_context = trace.get_current_span(context).get_span_context()
        private = private_span_context(span_context, self.redactor)
        if private is span_context:
            return context
        return trace.set_span_in_context(trace.NonRecordingSpan(private), context)

    def __repr__(self) -> str:
        return f"PrivateContextPropagator({self.inner!r})"
