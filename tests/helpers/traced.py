"""Small traced requests for the plugin's tests, and the ids of a span as logs carry them."""

from __future__ import annotations

from opentelemetry import trace


def make_request(tracer: trace.Tracer, route: str = "/chat") -> str:
    """Trace a request to ``route``: a server span, ``agent.route`` and a failed tool call.

    Returns the trace id as 32 hex digits.

    Example:
        >>> from opentelemetry.sdk.trace import TracerProvider
        >>> len(make_request(TracerProvider().get_tracer("t")))
        32
    """
    with tracer.start_as_current_span(f"POST {route}") as server:
        with tracer.start_as_current_span("agent.route") as routed:
            routed.set_attribute("route.mode", "simple")
        with tracer.start_as_current_span("tool.execute.calculator") as tool:
            tool.set_attribute("tool.execution.success", False)
        return format(server.get_span_context().trace_id, "032x")


def request_with(tracer: trace.Tracer, **attributes: object) -> None:
    """Trace ``POST /chat › agent.run_simple › tool.execute.file_read`` with ``attributes``.

    The attributes go on the tool span; ``__`` in a keyword stands for a dot.

    Example:
        >>> from opentelemetry.sdk.trace import TracerProvider
        >>> request_with(TracerProvider().get_tracer("t"), tool__args__path="notes.txt")
    """
    with (
        tracer.start_as_current_span("POST /chat", kind=trace.SpanKind.SERVER),
        tracer.start_as_current_span("agent.run_simple"),
        tracer.start_as_current_span("tool.execute.file_read") as tool,
    ):
        for key, value in attributes.items():
            tool.set_attribute(key.replace("__", "."), value)  # type: ignore[arg-type]


def ids(span: trace.Span) -> dict[str, str]:
    """``span``'s ``trace_id`` and ``span_id`` in hex, the fields a correlated log carries.

    Example:
        >>> ids(trace.INVALID_SPAN)
        {'trace_id': '00000000000000000000000000000000', 'span_id': '0000000000000000'}
    """
    context = span.get_span_context()
    return {
        "trace_id": format(context.trace_id, "032x"),
        "span_id": format(context.span_id, "016x"),
    }
