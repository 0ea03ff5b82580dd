"""Privacy contract: personal data sent to FilAgent never leaves it, in spans, logs or records.

Each request case (``tests/helpers/privacy_cases.py``) plants canaries (an e-mail, a phone
number, a Luhn-valid card number, a Luhn-valid Canadian SIN, a bearer token and a password)
in one place a client controls: the message, ``user_id``, headers, the query string, tool
arguments, or the input of a failing tool. The tests then scan what FilAgent lets out of
the process with the plugin's independent detectors (``assert_no_pii``):

- spans, as FilAgent's own provider hands them to exporters (``RedactingSpanProcessor``
  first, the capture after it);
- the JSON lines FilAgent writes to its log stream;
- the decision records it appends to its JSON-lines file.

Where a planted value is recorded at all, a test checks that its redacted form is there
(``[REDACTED:...]``, a dropped header), so the suite shows the value went through
redaction, not that it was never recorded. Cases without such a check are private by the
service's design (message content is never put in spans, tool errors never quote their
input, user ids are hashed before any span sees them). That the canaries are personal data
to the detectors is checked in ``test_privacy_canaries.py``; that log lines and records
point at the spans of their request, in ``test_privacy_log_correlation.py``.

The telemetry configuration is the packaged default, or the file ``FILAGENT_TELEMETRY_CONFIG``
names: ``privacy: {enabled: false}`` there turns redaction off, and
``tests/plugin/test_privacy_meta.py`` runs this file that way to prove these checks fail.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import unquote_plus

import pytest
from opentelemetry.sdk.trace import ReadableSpan

from filagent.telemetry import names
from filagent.telemetry.setup import TelemetryManager
from pytest_filagent_trace import PIIFound, SpanNode, assert_no_pii, mask_pii
from tests.helpers.privacy_capture import Send, Sent
from tests.helpers.privacy_cases import (
    CANARY_VALUES,
    CASE_PARAMS,
    HEADERS_CASE,
    REDACTED_CASE_PARAMS,
    USER_ID_CASE,
    Redacted,
    RequestCase,
)

#: The service runs with ``privacy_telemetry``: ``trace_capture`` (see conftest.py) captures
#: from its provider, behind FilAgent's redaction.
CAPTURED_TELEMETRY = "privacy_telemetry"


# --- no canary leaves the process -------------------------------------------------------------


def _trace_states(spans: list[ReadableSpan]) -> list[dict[str, str]]:
    """Each span's ``trace_state`` and its parent's and links', which exporters send too."""
    states = []
    for span in spans:
        contexts = [span.context, span.parent, *(link.context for link in span.links)]
        for context in contexts:
            if context is not None and context.trace_state:
                states.append({"span": span.name, "trace_state": context.trace_state.to_header()})
    return states


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_spans_hold_no_canary(case: RequestCase, send: Send) -> None:
    sent = send(case)

    found = []
    # Spans, then what the scan of spans does not read: their trace_state, one report.
    for source in (sent.spans, _trace_states(sent.spans)):
        try:
            assert_no_pii(source, canaries=CANARY_VALUES)
        except PIIFound as failure:
            found.append(failure)
    if found:
        raise PIIFound("\n".join(map(str, found)), [f for each in found for f in each.findings])


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_logs_hold_no_canary(case: RequestCase, send: Send) -> None:
    # The JSON lines FilAgent wrote, not trace_capture.logs: the capture takes stdlib
    # records before FilAgent's log formatter has redacted them.
    sent = send(case)

    assert sent.log_lines, f"{case.id}: FilAgent wrote no log line"
    assert_no_pii(sent.log_lines, canaries=CANARY_VALUES)


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_decision_records_hold_no_canary(case: RequestCase, send: Send) -> None:
    sent = send(case)

    assert sent.records, f"{case.id}: FilAgent wrote no decision record"
    assert_no_pii(sent.records, canaries=CANARY_VALUES)


# --- what was recorded went through redaction ----------------------------------------------


def _span_values(node: SpanNode, name: str) -> list[object]:
    if name == "status":
        return [node.status_description] if node.status_description else []
    if name.startswith("exception."):
        return [
            e.attributes[name]
            for e in node.events
            if e.name == "exception" and name in e.attributes
        ]
    return [node.attributes[name]] if name in node.attributes else []


def _recorded(sent: Sent, proof: Redacted) -> tuple[int, list[str]]:
    """How many items ``proof`` names, and the values of its field in them."""
    values: list[object] = []
    if proof.sink == "spans" and proof.field == "trace_state":
        # Not an attribute: read from the spans exporters receive.
        items = [span for span in sent.spans if fnmatchcase(span.name, proof.item)]
        values = [state["trace_state"] for state in _trace_states(items)]
    elif proof.sink == "spans":
        items: list[Any] = sent.trace.find(proof.item)
        for node in items:
            values.extend(_span_values(node, proof.field))
    else:
        source = sent.log_records() if proof.sink == "logs" else sent.records
        items = [r for r in source if fnmatchcase(str(r.get("event", "")), proof.item or "*")]
        values = [item[proof.field] for item in items if proof.field in item]
    texts = [" ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v) for v in values]
    return len(items), texts


def _check_redacted(case: RequestCase, sent: Sent, proof: Redacted) -> str | None:
    """Why ``proof`` does not hold, or None; never quotes a planted value unmasked."""
    item = f"{proof.sink} item {proof.item!r}" if proof.item else f"the request's {proof.sink}"
    count, values = _recorded(sent, proof)
    if not count:
        return f"{case.id}: no {item} was found"
    where = f"{item}, field {proof.field}"
    # Decoded first: mask_pii does not see "%40" or "+" separators in URLs.
    found = [mask_pii(unquote_plus(value), canaries=CANARY_VALUES) for value in values]
    if proof.holds is None:
        return None if not values else f"{case.id}: expected {where} dropped, found {found}"
    if any(proof.holds in value for value in values):
        return None
    return f"{case.id}: expected {where} to hold {proof.holds!r}, found {found or 'no value'}"


@pytest.mark.parametrize("case", REDACTED_CASE_PARAMS)
def test_planted_values_are_recorded_redacted(case: RequestCase, send: Send) -> None:
    sent = send(case)

    problems = [p for proof in case.redacted if (p := _check_redacted(case, sent, proof))]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_request_headers_are_captured_so_only_the_allow_list_keeps_them_out(send: Send) -> None:
    sent = send(HEADERS_CASE)

    captured = sent.server_span.attributes.get("http.request.header.content_type")
    assert captured == ("application/json",)


def test_user_id_is_recorded_only_as_its_keyed_hash(
    send: Send, privacy_telemetry: TelemetryManager
) -> None:
    assert USER_ID_CASE.user_id is not None
    expected = privacy_telemetry.hash_user_id(USER_ID_CASE.user_id)

    sent = send(USER_ID_CASE)

    run = sent.trace.find("agent.run_*")
    pseudonyms = [node.attributes.get(names.USER_ID_HASH) for node in run]
    assert pseudonyms == [expected]
    assert expected.startswith("hmac-sha256:")
