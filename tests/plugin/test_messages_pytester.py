"""The failure messages of assert_span_tree and lookups as a user's terminal shows them.

Each test runs a small program under pytest and pins the lines the user reads: where the
problem is, what was expected and found, and how to relax the check. Spans get explicit
start and end times where a duration is shown, so the text is the same on every machine.
"""

from __future__ import annotations

import pytest

from tests.helpers.pytester import run_pytest

# A small program traced with the plain OpenTelemetry API; it knows nothing of the plugin.
PROGRAM = """
from opentelemetry import trace

tracer = trace.get_tracer("shop", "1.2.3", schema_url="https://opentelemetry.io/schemas/1.26.0")
MS = 1_000_000


def checkout():
    root = tracer.start_span("POST /checkout", start_time=0)
    with trace.use_span(root, end_on_exit=False):
        tracer.start_span("auth.check", start_time=1 * MS).end(end_time=2 * MS)
        pay = tracer.start_span("pay", start_time=2 * MS)
        with trace.use_span(pay, end_on_exit=False):
            query = tracer.start_span(
                "db.query", start_time=3 * MS, attributes={"db.system": "sqlite"}
            )
            query.end(end_time=7 * MS)
        pay.end(end_time=8 * MS)
        for number, table in enumerate(("orders", "items")):
            insert = tracer.start_span(
                "insert", start_time=(9 + number) * MS, attributes={"db.table": table}
            )
            insert.end(end_time=(10 + number) * MS)
    root.end(end_time=12 * MS)
"""


@pytest.fixture
def program(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(shop=PROGRAM)
    return pytester


def shown(*lines: str) -> list[str]:
    """The lines as pytest prints an exception raised in a test body: after "E" and the
    body's indentation."""
    return [f"E       {line}" for line in lines]


def failing(program: pytest.Pytester, body: str) -> pytest.RunResult:
    """Run one test whose body is ``body`` after ``checkout()``; it must fail."""
    result = run_pytest(
        program,
        test_source=f"""
        from pytest_filagent_trace import (
            assert_span_tree, descendant, event, parse_tree, span,
        )
        from shop import checkout, tracer

        def test_checkout(trace_capture):
            checkout()
            {body}
        """,
    )
    result.assert_outcomes(failed=1)
    return result


def test_a_missing_child_that_exists_elsewhere_is_shown_with_its_real_path(
    program: pytest.Pytester,
) -> None:
    result = failing(
        program, 'assert_span_tree(trace_capture, span("POST /checkout", span("db.query")))'
    )

    result.stdout.fnmatch_lines(
        shown(
            "*SpanTreeMismatch: span tree does not match (1 problem; exact=False, ordered=False)",
            "",
            "POST /checkout",
            '    missing child span("db.query")',
            "    amongst: insert, insert, auth.check, pay",
            "    found elsewhere: POST /checkout › pay › db.query",
        )
    )


def test_a_budget_failure_prints_the_actual_duration_and_the_budget(
    program: pytest.Pytester,
) -> None:
    result = failing(
        program,
        'assert_span_tree(trace_capture, span("POST /checkout", '
        'descendant(span("db.query", duration="< 30% parent"))))',
    )

    result.stdout.fnmatch_lines(
        shown(
            "POST /checkout › pay › db.query",
            "    duration: 4.0 ms, budget < 30% parent = < 1.8 ms",
        )
    )


def test_a_plain_duration_in_expected_text_is_refused_with_the_budget_syntax(
    program: pytest.Pytester,
) -> None:
    result = failing(
        program, 'assert_span_tree(trace_capture, parse_tree("POST /checkout (12.0 ms)"))'
    )

    result.stdout.fnmatch_lines(
        shown(
            "*TreeSyntaxError: line 1, column 16: a duration in expected text is not compared, "
            "so it is refused: write a budget such as (< 50 ms), or remove it (a budget is <, "
            '<=, > or >= then a duration in ns, µs, us, ms or s ("< 50ms", ">= 1.5 s") or a '
            'share of the parent or the trace ("< 30% parent", "< 10% trace"))',
            "    POST /checkout (12.0 ms)",
            "                   ^",
        )
    )


def test_absence_below_a_span_names_each_span_that_should_not_be_there(
    program: pytest.Pytester,
) -> None:
    result = failing(
        program,
        'assert_span_tree(trace_capture, span("POST /checkout", '
        'descendant(span("insert", count=0)), ...))',
    )

    result.stdout.fnmatch_lines(
        shown(
            "*SpanTreeMismatch: span tree does not match (2 problems; exact=False, ordered=False)",
            "",
            "POST /checkout › insert",
            '    unexpected span: descendant(span("insert", count=0)) wants no such span'
            " below POST /checkout",
        )
    )


def test_duplicates_in_a_lookup_are_told_apart_by_ordinal_and_differing_attributes(
    program: pytest.Pytester,
) -> None:
    result = failing(program, 'trace_capture.get("insert")')

    result.stdout.fnmatch_lines(
        shown(
            "*TraceLookupError: expected one span 'insert', found 2:",
            '  POST /checkout › insert (#1 of 2; db.table="orders")',
            '  POST /checkout › insert (#2 of 2; db.table="items")',
            "pass attributes=... to pick one, or use find() for all of them",
        )
    )


def test_a_predicate_prints_with_its_source_text(program: pytest.Pytester) -> None:
    result = failing(
        program,
        'assert_span_tree(trace_capture, span("POST /checkout", '
        'span("auth.check", attributes={"retries": lambda v: v > 3}), ...))',
    )

    result.stdout.fnmatch_lines(
        shown(
            "POST /checkout › auth.check",
            "    attribute retries: expected lambda v: v > 3, found no such attribute",
        )
    )
    assert "<lambda>" not in result.stdout.str()


@pytest.mark.parametrize(
    ("call", "option"),
    [
        (
            'span("POST /checkout", ..., attributes={}), exact_attributes=True',
            "exact_attributes",
        ),
        ('span("POST /checkout", ..., attributes={}, exact_attributes=True)', "exact_attributes"),
    ],
    ids=["for the call", "for one pattern"],
)
def test_unlisted_attributes_name_the_switch_that_refused_them(
    program: pytest.Pytester, call: str, option: str
) -> None:
    pytester = program
    pytester.makepyfile(
        shop=PROGRAM.replace(
            'tracer.start_span("POST /checkout", start_time=0)',
            (
                'tracer.start_span("POST /checkout", start_time=0, '
                'attributes={"http.request.method": "POST"})'
            ),
        )
    )
    result = failing(pytester, f"assert_span_tree(trace_capture, {call})")

    result.stdout.fnmatch_lines(
        shown(
            "POST /checkout",
            f'    attributes not expected ({option}=True): http.request.method="POST"',
            "",
            "to relax the check:",
            f"    {option}=False allows attributes the expectation does not name",
        )
    )


def test_scope_version_and_schema_url_are_compared_and_shown(program: pytest.Pytester) -> None:
    result = failing(
        program,
        'assert_span_tree(trace_capture, span("POST /checkout", ..., '
        'scope="shop", scope_version="9.9", schema_url="https://example.test/1"))',
    )

    result.stdout.fnmatch_lines(
        shown(
            "POST /checkout",
            '    scope version: expected "9.9", found "1.2.3"',
            '    schema URL: expected "https://example.test/1", found '
            '"https://opentelemetry.io/schemas/1.26.0"',
        )
    )


def test_unlisted_events_under_exact_events_name_that_switch(program: pytest.Pytester) -> None:
    result = run_pytest(
        program,
        test_source="""
        from pytest_filagent_trace import assert_span_tree, event, span
        from shop import tracer

        def test_events(trace_capture):
            with tracer.start_as_current_span("job") as job:
                job.add_event("queued")
                job.add_event("started")
            expected = span("job", events=[event("started")])
            assert_span_tree(trace_capture, expected, exact_events=True)

        def test_events_with_ellipsis(trace_capture):
            with tracer.start_as_current_span("job") as job:
                job.add_event("queued")
                job.add_event("started")
            assert_span_tree(trace_capture, span("job", events=[..., event("started")]), exact=True)
        """,
    )

    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        shown(
            "job",
            "    events not expected (exact_events=True): queued",
            "",
            "to relax the check:",
            "    exact_events=False allows events the expectation does not name;"
            " or put ... among them",
        )
    )


def test_a_failure_in_a_large_capture_prints_a_bounded_tree(pytester: pytest.Pytester) -> None:
    result = run_pytest(
        pytester,
        test_source="""
        from opentelemetry import trace
        from pytest_filagent_trace import assert_span_tree, span

        tracer = trace.get_tracer("batch")

        def test_batch(trace_capture):
            with tracer.start_as_current_span("batch"):
                for number in range(2000):
                    with tracer.start_as_current_span(f"item {number}"):
                        pass
            assert_span_tree(trace_capture, span("batch", span("item 7", span("missing")), ...))
        """,
    )

    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    failure = output[output.index("SpanTreeMismatch") : output.index("short test summary")]
    assert len(failure.splitlines()) <= 80
    result.stdout.fnmatch_lines(
        shown(
            "batch",
            "*item 7  # ✗ missing missing",
            "*└── ...  # 1,999 more spans",
        )
    )
