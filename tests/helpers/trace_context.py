"""A client's trace context carrying personal data, for the ``tracestate``/``baggage`` tests.

Both headers are the client's text: :data:`TRACESTATE` and :data:`BAGGAGE` hold an
e-mail and a card number (:data:`CANARIES`) next to members that are harmless.
"""

from __future__ import annotations

from typing import Any

from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from filagent.telemetry.privacy import PrivacyConfig, Redactor
from tests.helpers.privacy import SPAN_ID, TRACE_ID

EMAIL = "canary.jane@example.com"
CARD = "4111 1111 1111 1111"
CANARIES = (EMAIL, CARD)
PARENT_ID = SPAN_ID
TRACESTATE = f"crm=user:{EMAIL},pay=card {CARD},vendor=abc123"
BAGGAGE = "user.email=canary.jane%40example.com,tenant=acme"
#: The user-id key of the trace-context tests.
KEY = "trace-context-secret-0123456789"

__all__ = [
    "BAGGAGE",
    "CANARIES",
    "CARD",
    "EMAIL",
    "KEY",
    "PARENT_ID",
    "TRACESTATE",
    "TRACE_ID",
    "redactor_with",
    "trace_headers",
    "w3c",
]


def trace_headers(flags: str = "01", trace_id: str = TRACE_ID) -> dict[str, str]:
    """A request's ``traceparent``, ``tracestate`` and ``baggage`` headers.

    Example:
        >>> trace_headers(flags="00")["traceparent"]
        '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00'
    """
    return {
        "traceparent": f"00-{trace_id}-{PARENT_ID}-{flags}",
        "tracestate": TRACESTATE,
        "baggage": BAGGAGE,
    }


def redactor_with(**privacy: Any) -> Redactor:
    """A redactor of the ``privacy`` section ``privacy``, keyed with :data:`KEY`."""
    return Redactor(PrivacyConfig.model_validate({"user_id_hmac_secret": KEY, **privacy}))


def w3c() -> CompositePropagator:
    """The raw W3C propagators (trace context and baggage), without FilAgent's privacy."""
    return CompositePropagator([TraceContextTextMapPropagator(), W3CBaggagePropagator()])
