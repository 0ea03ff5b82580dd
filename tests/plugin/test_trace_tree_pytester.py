"""--trace-tree and its ini value: which tests' span trees a run prints, and how."""

from __future__ import annotations

import pytest

from tests.helpers.pytester import run_pytest

FAILING_TEST = """
from shop import checkout

def test_cart_total(trace_capture):
    checkout(["tea", "milk"])
    assert trace_capture.get("checkout").attributes["cart.size"] == 3

def test_passes():
    checkout(["bread"])
"""


def test_trace_tree_prints_the_trees_of_failed_tests(program: pytest.Pytester) -> None:
    program.makepyfile(test_cart=FAILING_TEST)

    result = run_pytest(program, "--trace-tree")

    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ test_cart_total _*",
            "E       assert 2 == 3",
            "*- Captured trace trees -*",
            "checkout {cart.size=2}",
            '├── price {item="tea"}',
            '└── price {item="milk"}',
        ]
    )
    result.stdout.no_fnmatch_line('*item="bread"*')


def test_trace_tree_flag_may_be_followed_by_a_test_path(program: pytest.Pytester) -> None:
    program.makepyfile(test_cart=FAILING_TEST)

    result = run_pytest(program, "--trace-tree", "test_cart.py")

    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["*- Captured trace trees -*"])


def test_trace_tree_all_prints_passing_tests_in_a_summary_section(
    program: pytest.Pytester,
) -> None:
    program.makepyfile(test_cart=FAILING_TEST)

    result = run_pytest(program, "--trace-tree=all")

    result.stdout.fnmatch_lines(
        [
            "*- Captured trace trees -*",
            "checkout {cart.size=2}",
            "*= trace trees =*",
            "*_ test_cart.py::test_passes _*",
            "checkout {cart.size=1}",
            '└── price {item="bread"}',
        ]
    )


@pytest.mark.parametrize("args", [(), ("--trace-tree=none",)], ids=["no flag", "none"])
def test_no_trees_are_printed_without_the_flag_or_with_none(
    program: pytest.Pytester, args: tuple[str, ...]
) -> None:
    program.makepyfile(test_cart=FAILING_TEST)

    result = run_pytest(program, *args)

    result.assert_outcomes(failed=1, passed=1)
    result.stdout.no_fnmatch_line("*trace trees*")


def test_trace_tree_ini_value_turns_trees_on(program: pytest.Pytester) -> None:
    program.makeini("[pytest]\ntrace_tree = failed\n")
    program.makepyfile(test_cart=FAILING_TEST)

    result = run_pytest(program)

    result.stdout.fnmatch_lines(["*- Captured trace trees -*"])


def test_an_unknown_trace_tree_mode_is_a_usage_error(program: pytest.Pytester) -> None:
    result = run_pytest(program, "--trace-tree=sometimes")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--trace-tree: expected one of failed, all, none; got 'sometimes'"]
    )


def test_long_attribute_values_are_shortened_not_dropped(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_long="""
        from opentelemetry import trace

        def test_prompt():
            with trace.get_tracer("t").start_as_current_span("chat", attributes={"p": "x" * 500}):
                pass
            assert False
        """
    )

    result = run_pytest(pytester, "--trace-tree")

    result.stdout.fnmatch_lines(['*p="xxxxxxxxxx*"...'])
    result.stdout.no_fnmatch_line("*" + "x" * 200 + "*")


@pytest.mark.slow
def test_trace_tree_all_summary_works_under_xdist(program: pytest.Pytester) -> None:
    program.makepyfile(
        test_pair="""
        from shop import checkout

        def test_one():
            checkout(["one"])

        def test_two():
            checkout(["two"])
        """
    )

    result = run_pytest(program, "-n", "2", "--trace-tree=all", subprocess=True)

    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*= trace trees =*"])
    result.stdout.fnmatch_lines(['└── price {item="one"}'])
    result.stdout.fnmatch_lines(['└── price {item="two"}'])


def test_options_are_documented_in_help(pytester: pytest.Pytester) -> None:
    result = run_pytest(pytester, "--help")

    result.stdout.fnmatch_lines(
        [
            "OpenTelemetry trace capture:",
            "  --trace-tree=[failed|all|none]",
            "  --trace-strict*",
        ]
    )
    result.stdout.fnmatch_lines(["  trace_capture_provider (string):*"])
    result.stdout.fnmatch_lines(["  trace_tree (string):*"])
    result.stdout.fnmatch_lines(["  trace_strict (bool):*"])
