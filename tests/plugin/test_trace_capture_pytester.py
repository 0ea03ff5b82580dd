"""The trace_capture fixture in a user's suite: each test's own spans and logs, and lookups.

Each inner run starts from the state of a fresh process (``tests.helpers.pytester``); runs
under xdist or pytest-randomly, or outside pytest, start a new process (marked slow).
"""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers.pytester import run_pytest


def test_a_passing_suite_captures_each_tests_spans_separately(program: pytest.Pytester) -> None:
    program.makepyfile(
        test_shop="""
        from shop import checkout

        def test_two_items(trace_capture):
            assert checkout(["tea", "milk"]) == 7
            tree = trace_capture.trace()
            assert tree.root.name == "checkout"
            assert [c.attributes["item"] for c in tree.root.children] == ["tea", "milk"]

        def test_one_item_sees_only_its_own_spans(trace_capture):
            checkout(["bread"])
            assert [n.name for n in trace_capture.spans] == ["price", "checkout"]
        """
    )

    result = run_pytest(program)

    result.assert_outcomes(passed=2)
    result.stdout.no_fnmatch_line("*warning*")


def test_wait_for_sees_spans_ended_by_another_thread(program: pytest.Pytester) -> None:
    program.makepyfile(
        test_thread="""
        import threading
        from shop import checkout

        def test_waits(trace_capture):
            worker = threading.Timer(0.1, checkout, args=(["tea"],))
            worker.start()
            [done] = trace_capture.wait_for("checkout", timeout=5.0)
            worker.join()
            assert done.attributes["cart.size"] == 1
        """
    )

    run_pytest(program).assert_outcomes(passed=1)


def test_trace_with_several_traces_fails_with_the_list_of_traces(
    program: pytest.Pytester,
) -> None:
    program.makepyfile(
        test_traces="""
        from shop import checkout

        def test_ambiguous(trace_capture):
            checkout(["tea"])
            checkout(["milk", "bread"])
            trace_capture.trace()
        """
    )

    result = run_pytest(program)

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            ">       trace_capture.trace()",
            "E       pytest_filagent_trace.TraceLookupError: expected exactly one trace, found 2:",
            "E         ????????????????????????????????: 2 span(s), root 'checkout'",
            "E         ????????????????????????????????: 3 span(s), root 'checkout'",
            "E       pass trace_id=... (e.g. the X-Trace-ID response header) to pick one",
            "",
            "test_traces.py:6: TraceLookupError",
        ]
    )


def test_trace_with_no_spans_says_where_spans_are_captured_from(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_empty="def test_empty(trace_capture):\n    trace_capture.trace()\n")

    result = run_pytest(pytester)

    result.stdout.fnmatch_lines(
        [
            "E       *TraceLookupError: expected exactly one trace, found none. "
            "No span ended while the capture was open. Spans are captured from: "
            "the global TracerProvider, installed by pytest_filagent_trace because the "
            "program had set none (TracerProvider). *"
        ]
    )


def test_logs_of_the_test_are_captured_with_its_spans(program: pytest.Pytester) -> None:
    program.makepyfile(
        test_logs="""
        import logging
        from shop import checkout

        def test_logs(trace_capture):
            logging.getLogger("shop").warning("checking out")
            checkout(["tea"])
            assert trace_capture.logs.events() == ["checking out"]

        def test_other_test_sees_only_its_own_logs(trace_capture):
            assert trace_capture.logs.events() == []
        """
    )

    run_pytest(program).assert_outcomes(passed=2)


@pytest.mark.slow
def test_captures_stay_per_test_in_random_order(program: pytest.Pytester) -> None:
    program.makepyfile(
        test_random="""
        import pytest
        from shop import checkout

        @pytest.mark.parametrize("size", range(8))
        def test_sizes(trace_capture, size):
            checkout(["x"] * size)
            assert trace_capture.trace().root.attributes["cart.size"] == size
            assert len(trace_capture.spans) == size + 1
        """
    )

    result = run_pytest(program, "--randomly-seed=7", "-v", random_order=True, subprocess=True)

    result.assert_outcomes(passed=8)
    result.stdout.fnmatch_lines(["Using --randomly-seed=7"])


@pytest.mark.slow
def test_captures_stay_per_test_under_xdist(program: pytest.Pytester) -> None:
    program.makepyfile(
        test_many="""
        import pytest
        from shop import checkout

        @pytest.mark.parametrize("size", range(6))
        def test_sizes(trace_capture, size):
            checkout(["x"] * size)
            assert len(trace_capture.spans) == size + 1
            assert size != 4
        """
    )

    result = run_pytest(program, "-n", "2", "--trace-tree", subprocess=True)

    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ test_sizes?4? _*",
            "*- Captured trace trees -*",
            "checkout {cart.size=4}",
            '└── price {item="x"}',
        ]
    )


@pytest.mark.slow
def test_capture_spans_works_without_pytest(pytester: pytest.Pytester) -> None:
    script = pytester.makepyfile(
        script=textwrap.dedent(
            """
            from opentelemetry import trace
            from pytest_filagent_trace import capture_spans

            with capture_spans() as capture:
                with trace.get_tracer("nb").start_as_current_span("cell"):
                    pass
            print("captured:", [node.name for node in capture.spans])
            """
        )
    )

    result = pytester.runpython(script)

    assert result.ret == 0
    result.stdout.fnmatch_lines(["captured: ['cell']"])
