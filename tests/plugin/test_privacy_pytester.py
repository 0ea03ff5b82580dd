"""assert_no_pii and assert_logs_correlated run the way users run them, checked on the output.

The OpenTelemetry provider and the logging set-up are process-wide: each scenario's pytest
run starts from the state of a fresh process (``tests.helpers.pytester``).
"""

from __future__ import annotations

import pytest

from tests.helpers.pytester import run_pytest

PROGRAM = '''
"""A small shop traced with the plain OpenTelemetry API; it knows nothing of pytest."""
import json
import logging
import sys

from opentelemetry import trace

tracer = trace.get_tracer("shop")
log = logging.getLogger("shop")


def ids():
    context = trace.get_current_span().get_span_context()
    return {
        "trace_id": format(context.trace_id, "032x"),
        "span_id": format(context.span_id, "016x"),
    }


def checkout(customer, card=None, correlated_logs=True):
    with tracer.start_as_current_span("checkout"):
        with tracer.start_as_current_span("price") as span:
            span.set_attribute("customer.email", customer)
            if card:
                span.set_attribute("payment.card", card)
            log.warning("price computed", extra=ids() if correlated_logs else {})
            print(json.dumps({"event": "price.done", **ids()}), file=sys.stdout)
'''


# fnmatch reads [*] as a literal star.
MASKED_EMAIL = "ja[*][*][*]@[*][*][*].com"
MASKED_CARD = "[*][*][*][*] [*][*][*][*] [*][*][*][*] 4242"


@pytest.fixture
def shop(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(shop=PROGRAM)
    return pytester


def test_assert_no_pii_passes_on_clean_spans(shop: pytest.Pytester) -> None:
    shop.makepyfile(
        test_shop="""
        from pytest_filagent_trace import assert_no_pii
        from shop import checkout

        def test_checkout_keeps_customers_private(trace_capture):
            checkout(customer="c-1042")
            assert_no_pii(trace_capture)
        """
    )
    result = run_pytest(shop)
    result.assert_outcomes(passed=1)


def test_assert_no_pii_names_the_span_and_attribute_and_shows_only_masked_values(
    shop: pytest.Pytester,
) -> None:
    shop.makepyfile(
        test_shop="""
        from pytest_filagent_trace import assert_no_pii
        from shop import checkout

        def test_checkout_keeps_customers_private(trace_capture):
            checkout(customer="jane.doe@example.com", card="4242 4242 4242 4242")
            assert_no_pii(trace_capture)
        """
    )
    result = run_pytest(shop)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E *PIIFound: personal data found: 2 findings in 2 spans and 1 log record scanned",
            f"E * span checkout \u203a price, attribute customer.email: email '{MASKED_EMAIL}'",
            f"E * span checkout \u203a price, attribute payment.card: credit_card '{MASKED_CARD}'",
        ]
    )
    output = result.stdout.str() + result.stderr.str()
    assert "jane.doe@example.com" not in output.replace('customer="jane.doe@example.com"', "")
    assert "4242 4242 4242 4242" not in output.replace('card="4242 4242 4242 4242"', "")


def test_assert_no_pii_finds_canaries_in_exception_events(shop: pytest.Pytester) -> None:
    shop.makepyfile(
        test_shop="""
        import pytest
        from opentelemetry import trace
        from pytest_filagent_trace import assert_no_pii

        CANARY = "canary-7f3a9c"

        def test_errors_do_not_leak_the_query(trace_capture):
            with pytest.raises(LookupError):
                with trace.get_tracer("shop").start_as_current_span("search"):
                    raise LookupError(f"nothing found for {CANARY}")
            assert_no_pii(trace_capture, canaries=[CANARY])
        """
    )
    result = run_pytest(shop)
    result.assert_outcomes(failed=1)
    masked = "ca[*][*][*][*]-[*][*][*][*]9c"
    result.stdout.fnmatch_lines(
        [
            f"E * span search, event 0 'exception', attribute exception.message: canary '{masked}'",
            f"E * span search, status description: canary '{masked}'",
        ]
    )
    assert "canary-7f3a9c" not in result.stdout.str().replace('CANARY = "canary-7f3a9c"', "")


def test_assert_logs_correlated_passes_when_logs_carry_their_spans_ids(
    shop: pytest.Pytester,
) -> None:
    shop.makepyfile(
        test_shop="""
        from pytest_filagent_trace import LogCapture, assert_logs_correlated
        from shop import checkout

        def test_logs_point_at_spans(trace_capture, capfd):
            with LogCapture() as logs:
                checkout(customer="c-1")
            assert_logs_correlated(logs, trace_capture)
            assert_logs_correlated(capfd.readouterr().out, trace_capture)
        """
    )
    result = run_pytest(shop)
    result.assert_outcomes(passed=1)


def test_assert_logs_correlated_names_the_record_the_span_and_the_captured_spans(
    shop: pytest.Pytester,
) -> None:
    shop.makepyfile(
        test_shop="""
        from pytest_filagent_trace import LogCapture, assert_logs_correlated
        from shop import checkout

        def test_logs_point_at_spans(trace_capture):
            with LogCapture() as logs:
                checkout(customer="c-1", correlated_logs=False)
            assert_logs_correlated(logs, trace_capture)
        """
    )
    result = run_pytest(shop)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E *LogsNotCorrelated: 1 of 1 log record is not correlated with the captured spans:",
            "E * log record 0 (event 'price computed', logger 'shop'): emitted inside span "
            "checkout \u203a price (trace *, span *) but carries no trace_id or span_id",
            "E * Captured spans (2 in 1 trace):",
            "E * span *  checkout",
            "E * span *  checkout \u203a price",
            "E * Records that need no ids can be accepted with allow_uncorrelated=*",
        ]
    )


def test_the_trace_capture_fixture_brings_its_logs_to_both_checks(shop: pytest.Pytester) -> None:
    shop.makepyfile(
        test_shop="""
        import logging
        from pytest_filagent_trace import assert_logs_correlated, assert_no_pii
        from shop import checkout

        def test_logs_point_at_spans(trace_capture):
            checkout(customer="c-1")
            assert trace_capture.logs.events() == ["price computed"]
            assert_logs_correlated(trace_capture)

        def test_logs_keep_customers_private(trace_capture):
            checkout(customer="c-1")
            logging.getLogger("shop").warning("receipt sent to jane.doe@example.com")
            assert_no_pii(trace_capture)
        """
    )
    result = run_pytest(shop)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "E *PIIFound: personal data found: 1 finding in 2 spans and 2 log records scanned",
            f"E * log record 1 (event 'receipt sent to {MASKED_EMAIL}'), field event: "
            f"email '{MASKED_EMAIL}'",
        ]
    )
