"""FilAgent's propagator keeps a client's ``tracestate`` and ``baggage`` to itself.

Both headers are the client's text. Extracted ``tracestate`` is dropped (or reduced to
``privacy.allowed_tracestate_keys``); injected headers carry ``baggage`` only for
``privacy.forwarded_baggage_keys``, and never the client's ``tracestate``.
"""

from __future__ import annotations

from opentelemetry import baggage, propagate, trace
from opentelemetry.trace.span import TraceState

from filagent.telemetry.config import config_from_mapping
from filagent.telemetry.privacy import PrivateContextPropagator, private_trace_state
from filagent.telemetry.setup import TelemetryManager
from tests.helpers.trace_context import TRACE_ID, redactor_with, trace_headers, w3c


def test_extracted_tracestate_is_dropped_by_default() -> None:
    propagator = PrivateContextPropagator(w3c(), redactor_with())

    context = propagator.extract(trace_headers())

    span_context = trace.get_current_span(context).get_span_context()
    assert format(span_context.trace_id, "032x") == TRACE_ID
    assert dict(span_context.trace_state) == {}


def test_allowed_tracestate_members_are_kept_unless_they_hold_personal_data() -> None:
    propagator = PrivateContextPropagator(
        w3c(), redactor_with(allowed_tracestate_keys=["vendor", "crm"])
    )

    context = propagator.extract(trace_headers())

    state = trace.get_current_span(context).get_span_context().trace_state
    assert dict(state) == {"vendor": "abc123"}


def test_injected_headers_carry_no_client_tracestate_nor_baggage() -> None:
    propagator = PrivateContextPropagator(w3c(), redactor_with())
    carrier: dict[str, str] = {}

    propagator.inject(carrier, w3c().extract(trace_headers()))

    assert sorted(carrier) == ["traceparent"]
    assert carrier["traceparent"].startswith(f"00-{TRACE_ID}-")


def test_allowed_baggage_entries_are_forwarded_unless_they_hold_personal_data() -> None:
    propagator = PrivateContextPropagator(
        w3c(), redactor_with(forwarded_baggage_keys=["tenant", "user.email"])
    )
    carrier: dict[str, str] = {}

    propagator.inject(carrier, w3c().extract(trace_headers()))

    assert carrier["baggage"] == "tenant=acme"


def test_baggage_stays_readable_inside_the_request() -> None:
    propagator = PrivateContextPropagator(w3c(), redactor_with())

    context = propagator.extract(trace_headers())

    assert baggage.get_baggage("tenant", context) == "acme"


def test_with_privacy_off_the_propagator_forwards_everything() -> None:
    propagator = PrivateContextPropagator(w3c(), redactor_with(enabled=False))
    carrier: dict[str, str] = {}

    propagator.inject(carrier, propagator.extract(trace_headers()))

    assert sorted(carrier) == ["baggage", "traceparent", "tracestate"]


def test_the_propagator_names_the_inner_fields() -> None:
    assert PrivateContextPropagator(w3c(), redactor_with()).fields == w3c().fields


def test_private_trace_state_returns_an_unchanged_state_itself() -> None:
    state = TraceState([("vendor", "abc")])

    assert private_trace_state(state, redactor_with(allowed_tracestate_keys=["vendor"])) is state


def test_telemetry_installs_the_private_propagator_globally() -> None:
    TelemetryManager(config_from_mapping({"traces": {"exporters": []}, "records": {"path": None}}))

    assert isinstance(propagate.get_global_textmap(), PrivateContextPropagator)
