"""assert_span_tree as a user runs it: pytest on a test file, and what the terminal shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers.pytester import run_pytest

# A small program traced with the plain OpenTelemetry API; it knows nothing of the plugin.
PROGRAM = """
from opentelemetry import trace
from opentelemetry.trace import SpanKind

tracer = trace.get_tracer("shop")


def checkout(items):
    with tracer.start_as_current_span(
        "POST /checkout", kind=SpanKind.SERVER, attributes={"http.route": "/checkout"}
    ):
        with tracer.start_as_current_span("price", attributes={"items": len(items)}):
            pass
        with tracer.start_as_current_span("pay", attributes={"payment.method": "card"}):
            with tracer.start_as_current_span("GET /bank", kind=SpanKind.CLIENT):
                pass
"""


@pytest.fixture
def program(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(shop=PROGRAM)
    pytester.makeini("[pytest]\naddopts = -p no:randomly -p no:cacheprovider\n")
    return pytester


def shown(*lines: str) -> list[str]:
    """The lines as pytest prints an exception raised in a test body: after "E" and the
    body's indentation."""
    return [f"E       {line}" for line in lines]


def test_a_matching_tree_passes_with_a_pattern_and_with_the_text_form(
    program: pytest.Pytester,
) -> None:
    result = run_pytest(
        program,
        test_source='''
        from pytest_filagent_trace import assert_span_tree, descendant, span
        from shop import checkout

        def test_pattern(trace_capture):
            checkout(["tea", "milk"])
            assert_span_tree(
                trace_capture,
                span(
                    "POST /checkout",
                    span("price", attributes={"items": 2}),
                    descendant(span("GET /bank", kind="CLIENT")),
                    kind="SERVER",
                ),
            )

        def test_text(trace_capture):
            checkout(["tea"])
            assert_span_tree(trace_capture, """
                POST /checkout [SERVER] {http.route="/checkout"}
                ├── price {items=1}
                └── pay {payment.method="card"}
                    └── GET /bank [CLIENT]
            """, exact=True, ordered=True)
        ''',
    )

    result.assert_outcomes(passed=2)


def test_a_wrong_attribute_names_the_path_both_values_and_marks_the_tree(
    program: pytest.Pytester,
) -> None:
    result = run_pytest(
        program,
        test_source="""
        from pytest_filagent_trace import assert_span_tree, span
        from shop import checkout

        def test_checkout(trace_capture):
            checkout(["tea", "milk"])
            assert_span_tree(
                trace_capture,
                span("POST /checkout", span("price", attributes={"items": 3})),
            )
        """,
    )

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        shown(
            "pytest_filagent_trace.SpanTreeMismatch: span tree does not match"
            " (1 problem; exact=False, ordered=False)",
            "",
            "POST /checkout › price",
            "    attribute items: expected 3, found 2",
            "",
            "actual spans (the text form assert_span_tree accepts; ✗ marks a problem):",
            'POST /checkout [SERVER] {http.route="/checkout"}',
            "├── price {items=2}  # ✗ items expected 3",
            '└── pay {payment.method="card"}',
            "    └── GET /bank [CLIENT]",
        )
    )


def test_the_failure_shows_the_users_line_not_the_plugins_internals(
    program: pytest.Pytester,
) -> None:
    result = run_pytest(
        program,
        test_source="""
        from pytest_filagent_trace import assert_span_tree, span
        from shop import checkout

        def test_checkout(trace_capture):
            checkout([])
            assert_span_tree(trace_capture, span("POST /checkout", span("refund")))
        """,
    )

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            '>       assert_span_tree(trace_capture, span("POST /checkout", span("refund")))',
            *shown(
                "*SpanTreeMismatch: span tree does not match*",
                "",
                "POST /checkout",
                '    missing child span("refund")',
                "    amongst: price, pay",
                "",
                "to relax the check:",
            ),
            "test_shop.py:6: SpanTreeMismatch",
        ]
    )
    result.stdout.no_fnmatch_line("*pytest_filagent_trace/_match/*")
    result.stdout.no_fnmatch_line("*SpanNode(*")


def test_exact_failure_lists_the_unexpected_span_and_how_to_relax(
    program: pytest.Pytester,
) -> None:
    result = run_pytest(
        program,
        test_source='''
        from pytest_filagent_trace import assert_span_tree
        from shop import checkout

        def test_checkout(trace_capture):
            checkout(["tea"])
            assert_span_tree(trace_capture, """
                POST /checkout [SERVER] {http.route="/checkout"}
                └── price {items=1}
            """, exact=True)
        ''',
    )

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        shown(
            "POST /checkout › pay",
            "    unexpected span (exact=True): no expected span is left for it",
            "",
            "to relax the check:",
            "    exact=False allows other spans; or put ... among the expected children",
            "",
            "actual spans (the text form assert_span_tree accepts; ✗ marks a problem):",
            'POST /checkout [SERVER] {http.route="/checkout"}',
            "├── price {items=1}",
            '└── pay {payment.method="card"}  # ✗ unexpected span',
            "    └── GET /bank [CLIENT]",
        )
    )


def test_order_failure_shows_expected_and_found_order(program: pytest.Pytester) -> None:
    result = run_pytest(
        program,
        test_source="""
        from pytest_filagent_trace import assert_span_tree, span
        from shop import checkout

        def test_checkout(trace_capture):
            checkout(["tea"])
            assert_span_tree(
                trace_capture,
                span("POST /checkout", span("pay"), span("price")),
                ordered=True,
            )
        """,
    )

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        shown(
            "POST /checkout",
            "    children out of order (ordered=True)",
            "    expected: pay, price",
            "    found:    price, pay",
            "",
            "to relax the check:",
            "    ordered=False ignores the order of siblings",
        )
    )


def test_a_bad_text_expectation_points_at_line_and_column(program: pytest.Pytester) -> None:
    result = run_pytest(
        program,
        test_source='''
        from pytest_filagent_trace import assert_span_tree
        from shop import checkout

        def test_checkout(trace_capture):
            checkout(["tea"])
            assert_span_tree(trace_capture, """
                POST /checkout [SERVER
            """)
        ''',
    )

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        shown(
            "pytest_filagent_trace.TreeSyntaxError:"
            ' line 2, column 31: expected "]"'
            " to close the marker [SERVER, found the end of the line",
            "            POST /checkout [SERVER",
            "                                  ^",
        )
    )
    result.stdout.no_fnmatch_line("*pytest_filagent_trace/_textform/*")


def test_a_bad_selector_points_at_the_column(program: pytest.Pytester) -> None:
    result = run_pytest(
        program,
        test_source="""
        from shop import checkout

        def test_checkout(trace_capture):
            checkout(["tea"])
            assert [n.name for n in trace_capture.select('"POST /checkout" > p*')] == [
                "price", "pay"
            ]
            trace_capture.select("pay[payment.method=card")
        """,
    )

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        shown(
            "pytest_filagent_trace.SelectorError:"
            ' column 24: expected "]" to close'
            " the attribute filter opened at column 4, found the end of the selector",
            "    pay[payment.method=card",
            "                           ^",
        )
    )
    result.stdout.no_fnmatch_line("*pytest_filagent_trace/_select/*")


def test_the_guides_examples_pass_as_written(pytester: pytest.Pytester) -> None:
    guide = Path(__file__).parents[2] / "docs" / "TESTING_TRACES.md"
    blocks = re.findall(r"```python\n(# (\w+\.py)\n.*?)```", guide.read_text(), re.DOTALL)
    files = {name.removesuffix(".py"): source for source, name in blocks}
    assert "shop" in files
    assert sum(name.startswith("test_") for name in files) >= 2
    pytester.makepyfile(**files)
    pytester.makeini("[pytest]\naddopts = -p no:randomly -p no:cacheprovider\n")

    result = run_pytest(pytester)

    result.assert_outcomes(passed=sum(source.count("\ndef test_") for source in files.values()))


def test_a_tree_printed_by_trace_tree_pasted_back_passes_exactly(
    program: pytest.Pytester,
) -> None:
    first = run_pytest(
        program,
        "--trace-tree",
        test_source="""
        from opentelemetry import trace
        from shop import checkout

        def test_checkout(trace_capture):
            checkout(["tea"])
            tracer = trace.get_tracer("t")
            with tracer.start_as_current_span("note", attributes={"text": "x" * 500}):
                pass
            assert False, "show me the tree"
        """,
    )
    lines = first.stdout.lines
    start = next(i for i, line in enumerate(lines) if "Captured trace trees" in line) + 1
    end = next(i for i in range(start, len(lines)) if lines[i].startswith(("=", "_", "-")))
    printed = "\n".join(lines[start:end]).strip("\n")
    assert printed.startswith("POST /checkout [SERVER]")
    assert "\n\nnote\n" in printed
    assert 'text="' + "x" * 120 + '"...' in printed

    second = run_pytest(
        program,
        test_source=f"""
        from opentelemetry import trace
        from pytest_filagent_trace import assert_span_tree
        from shop import checkout

        def test_checkout(trace_capture):
            checkout(["tea"])
            tracer = trace.get_tracer("t")
            with tracer.start_as_current_span("note", attributes={{"text": "x" * 500}}):
                pass
            assert_span_tree(trace_capture, {printed!r}, exact=True, ordered=True)
        """,
    )

    second.assert_outcomes(passed=1)


def test_a_plain_assert_of_a_pattern_against_a_trace_explains_the_mismatch(
    program: pytest.Pytester,
) -> None:
    result = run_pytest(
        program,
        "-vv",
        test_source="""
        from pytest_filagent_trace import span
        from shop import checkout

        def test_checkout(trace_capture):
            checkout(["tea"])
            assert span("POST /checkout", span("refund")) == trace_capture.trace()
        """,
    )

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(['*missing child span("refund")*', "*amongst: *pay*"])
