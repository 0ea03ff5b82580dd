"""Privacy contract: the log lines and decision records of a request point at its spans.

Each request case of ``tests/helpers/privacy_cases.py`` is sent to FilAgent as it is
configured; ``assert_logs_correlated`` checks that what it wrote names captured spans, and
the ``chat.*`` lines and the decision record carry the request's SERVER span.
"""

from __future__ import annotations

import pytest

from pytest_filagent_trace import TraceCapture, assert_logs_correlated
from tests.helpers.privacy_capture import Send
from tests.helpers.privacy_cases import CASE_PARAMS, RequestCase

#: The service runs with ``privacy_telemetry``: ``trace_capture`` (see conftest.py) captures
#: from its provider, behind FilAgent's redaction.
CAPTURED_TELEMETRY = "privacy_telemetry"


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_logs_point_at_the_spans_of_their_request(
    case: RequestCase, send: Send, trace_capture: TraceCapture
) -> None:
    sent = send(case)

    # Ids in the written lines, foreign ones (httpx, uvicorn) included, name captured spans.
    assert_logs_correlated(sent.log_lines, trace_capture)
    # FilAgent's own events carry the span that was current when they were emitted.
    own = [r for r in trace_capture.logs.records if str(r.get("logger")).startswith("filagent")]
    assert_logs_correlated(own, trace_capture)
    server = sent.server_span
    lines = [(r["event"], r.get("trace_id"), r.get("span_id")) for r in sent.log_records()]
    chat_lines = [line for line in lines if str(line[0]).startswith("chat.")]
    assert chat_lines == [
        ("chat.request", server.trace_id, server.span_id),
        ("chat.response", server.trace_id, server.span_id),
    ]


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_decision_record_points_at_the_server_span_of_its_request(
    case: RequestCase, send: Send, trace_capture: TraceCapture
) -> None:
    sent = send(case)

    assert_logs_correlated(sent.records, trace_capture)
    server = sent.server_span
    assert server.kind == "SERVER"
    assert [(r["trace_id"], r["span_id"]) for r in sent.records] == [
        (server.trace_id, server.span_id)
    ]
