"""assert_spans and the new selectors as a user runs them: what the terminal shows."""

from __future__ import annotations

import pytest

from tests.helpers.pytester import run_pytest

# A small program traced with the plain OpenTelemetry API; it knows nothing of the plugin.
PROGRAM = """
from opentelemetry import trace
from opentelemetry.trace import SpanKind

tracer = trace.get_tracer("shop")


def query(sql):
    with tracer.start_as_current_span("db.query", attributes={"db.statement": sql}):
        pass


def checkout(items, authenticate=True):
    with tracer.start_as_current_span("POST /checkout", kind=SpanKind.SERVER):
        if authenticate:
            with tracer.start_as_current_span("auth.check"):
                query("SELECT user")
        query("SELECT price")
        with tracer.start_as_current_span("pay"):
            with tracer.start_as_current_span(
                "GET /bank", kind=SpanKind.CLIENT, attributes={"http.status_code": 503}
            ):
                pass
"""


@pytest.fixture
def program(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(shop=PROGRAM)
    return pytester


def shown(*lines: str) -> list[str]:
    """The lines as pytest prints an exception raised in a test body: after "E" and the
    body's indentation."""
    return [f"E       {line}" for line in lines]


def test_rules_over_many_spans_pass_when_every_picked_span_keeps_them(
    program: pytest.Pytester,
) -> None:
    result = run_pytest(
        program,
        test_source="""
        from pytest_filagent_trace import assert_spans
        from shop import checkout

        def test_rules(trace_capture):
            checkout(["tea"])
            assert_spans(trace_capture, "auth.check > db.query", count=1)
            assert_spans(trace_capture, "db.query", ancestor=":server", duration="< 5 s")
            assert_spans(trace_capture, "pay + *", count=0)
            assert_spans(trace_capture, "db.query ~ pay:has(> :client[http.status_code>=500])")
            assert_spans(trace_capture, ":server:not(:has(cache.*))", kind="SERVER")
        """,
    )

    result.assert_outcomes(passed=1)


def test_a_span_without_its_required_ancestor_fails_naming_its_path(
    program: pytest.Pytester,
) -> None:
    result = run_pytest(
        program,
        test_source="""
        from pytest_filagent_trace import assert_spans
        from shop import checkout

        def test_every_query_is_authenticated(trace_capture):
            checkout(["tea"])
            assert_spans(trace_capture, "db.query", ancestor="auth.check")
        """,
    )

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*pytest_filagent_trace.SelectedSpansMismatch:"
            ' assert_spans("db.query", ancestor="auth.check"): 1 of 2 picked spans failed:',
            *shown(
                "POST /checkout › db.query",
                '    ancestor: expected one matching "auth.check", found none among POST /checkout',
            ),
        ]
    )


def test_an_empty_selection_fails_and_lists_the_nearest_candidates(
    program: pytest.Pytester,
) -> None:
    result = run_pytest(
        program,
        test_source="""
        from pytest_filagent_trace import assert_spans
        from shop import checkout

        def test_typo(trace_capture):
            checkout(["tea"])
            assert_spans(trace_capture, "db.querry", attributes={"db.statement": "SELECT price"})
        """,
    )

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*pytest_filagent_trace.SelectedSpansMismatch:"
            ' assert_spans("db.querry", attributes={"db.statement": "SELECT price"}):'
            " the selector picked no span (expected at least one span)",
            *shown(
                "nearest candidates:",
                '    POST /checkout › auth.check › db.query: the name is not "db.querry"',
                '    POST /checkout › db.query: the name is not "db.querry"',
                "to assert that there is none, pass count=0; to allow none, count=(0, None)",
            ),
        ]
    )


def test_absence_fails_listing_where_the_unwanted_spans_are(program: pytest.Pytester) -> None:
    result = run_pytest(
        program,
        test_source="""
        from pytest_filagent_trace import assert_spans
        from shop import checkout

        def test_no_unauthenticated_query(trace_capture):
            checkout(["tea"], authenticate=False)
            assert_spans(trace_capture, "auth.check", count=0)
            assert_spans(trace_capture, "db.query:not(auth.check *)", count=0)
        """,
    )

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            '*SelectedSpansMismatch: assert_spans("db.query:not(auth.check *)", count=0):'
            " expected no span, the selector picked 1:",
            *shown("    POST /checkout › db.query"),
        ]
    )


def test_a_slow_span_fails_its_budget_with_the_actual_duration(
    program: pytest.Pytester,
) -> None:
    result = run_pytest(
        program,
        test_source="""
        from pytest_filagent_trace import assert_spans
        from shop import checkout

        def test_budget(trace_capture):
            checkout(["tea"])
            assert_spans(trace_capture, '"GET /bank"', duration="< 1ns")
        """,
    )

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            """*SelectedSpansMismatch: assert_spans('"GET /bank"', duration="< 1ns"):"""
            " 1 of 1 picked span failed:",
            *shown("POST /checkout › pay › GET /bank", "    duration: * budget < 1ns"),
        ]
    )


def test_a_selector_outside_the_grammar_is_refused_with_its_column(
    program: pytest.Pytester,
) -> None:
    result = run_pytest(
        program,
        test_source="""
        from pytest_filagent_trace import select
        from shop import checkout

        def test_bad(trace_capture):
            checkout(["tea"])
            select(trace_capture, "pay:has(> :client[http.status_code>=5xx])")
        """,
    )

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            # fnmatch reads "[" as a set of characters: "[[]" is a literal one.
            "*pytest_filagent_trace.SelectorError: column 37: [[]http.status_code>=...] compares"
            " numbers: expected a number, found '5xx'",
            *shown(
                "    pay:has(> :client[[]http.status_code>=5xx])",
                "                                        ^",
            ),
        ]
    )
    assert "grammar.py" not in result.stdout.str()
