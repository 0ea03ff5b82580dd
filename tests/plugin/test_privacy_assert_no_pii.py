"""assert_no_pii: it passes on clean spans, and its failure lists each finding masked."""

from __future__ import annotations

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from pytest_filagent_trace._privacy import PIIFound, assert_no_pii
from tests.helpers.traced import request_with


def test_assert_no_pii_passes_on_clean_spans(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    request_with(tracer, tool__name="file_read", tool__args__path="notes/today.txt")
    assert_no_pii(exporter.get_finished_spans())


def test_assert_no_pii_failure_lists_each_finding_masked(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    request_with(
        tracer,
        tool__args__path="/home/jane.doe@example.com",
        payment__card="4242 4242 4242 4242",
    )
    with pytest.raises(PIIFound) as failure:
        assert_no_pii(exporter.get_finished_spans())
    message = str(failure.value)
    path = "span POST /chat \u203a agent.run_simple \u203a tool.execute.file_read"
    assert message.splitlines()[:3] == [
        "personal data found: 2 findings in 3 spans scanned",
        f"  {path}, attribute tool.args.path: email 'ja***@***.com'",
        f"  {path}, attribute payment.card: credit_card '**** **** **** 4242'",
    ]
    assert "jane.doe" not in message
    assert "4242 4242 4242 4242" not in message
    assert len(failure.value.findings) == 2


def test_assert_no_pii_failure_masks_personal_data_in_locations_too() -> None:
    with pytest.raises(PIIFound) as failure:
        assert_no_pii([{"event": "mail sent to jane.doe@example.com"}])
    assert "jane.doe" not in str(failure.value)


def test_pii_found_is_an_assertion_error() -> None:
    assert issubclass(PIIFound, AssertionError)
