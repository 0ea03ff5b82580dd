"""A tiny program that knows nothing of pytest_filagent_trace: it only uses the OpenTelemetry API."""

from opentelemetry import trace

tracer = trace.get_tracer("shop")


def checkout(items):
    with tracer.start_as_current_span("checkout", attributes={"cart.size": len(items)}):
        for item in items:
            with tracer.start_as_current_span("price", attributes={"item": item}):
                pass
