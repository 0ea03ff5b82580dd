"""The plugin does no harm between tests sharing an injected provider.

A leaked trace's late spans never reach a later test (nor, under xdist, go unreported), a
wait for spans lets the test's own event loop run, and siblings that started together keep
their creation order. These run in-process, but for the xdist one (marked slow).
"""

from __future__ import annotations

import pytest

INJECTED_CONFTEST = """
import pytest
from opentelemetry.sdk.trace import TracerProvider

PROVIDER = TracerProvider()

@pytest.fixture(scope="session")
def trace_capture_provider():
    return PROVIDER
"""


LEAKED_WORKER_TESTS = """
        import threading
        from conftest import PROVIDER

        tracer = PROVIDER.get_tracer("worker")
        go_on = threading.Event()
        done = threading.Event()

        def work(job):
            with tracer.start_as_current_span("job step", context=job):
                pass
            go_on.wait(5.0)
            with tracer.start_as_current_span("late child", context=job):
                pass
            done.set()

        def test_1_leaves_a_worker_running(trace_capture):
            from opentelemetry import trace
            job = tracer.start_span("job")
            context = trace.set_span_in_context(job)
            worker = threading.Thread(target=work, args=(context,))
            worker.start()
            trace_capture.wait_for("job step")

        def test_2_captures_only_its_own(trace_capture):
            go_on.set()
            assert done.wait(5.0)
            with tracer.start_as_current_span("own"):
                pass
            assert [node.name for node in trace_capture.spans] == ["own"]
"""
LEAKED_WORKER_SUMMARY = [
    "*= spans of leaked traces =*",
    "trace *, left open by test_worker.py::test_1_leaves_a_worker_running: "
    "1 span(s) ended after the test: 'late child'",
]


def test_spans_of_a_leaked_trace_never_reach_a_later_test(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(INJECTED_CONFTEST)
    pytester.makepyfile(test_worker=LEAKED_WORKER_TESTS)

    result = pytester.runpytest("-p", "no:randomly")

    result.assert_outcomes(passed=2, warnings=1)
    result.stdout.fnmatch_lines(
        [
            "*SpanLeakWarning: span 'job' (trace *) started by "
            "test_worker.py::test_1_leaves_a_worker_running was still open*",
            *LEAKED_WORKER_SUMMARY,
        ]
    )


@pytest.mark.slow
def test_under_xdist_the_controller_reports_what_the_workers_leaked_traces_did(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(INJECTED_CONFTEST)
    pytester.makepyfile(test_worker=LEAKED_WORKER_TESTS)

    result = pytester.runpytest_subprocess("-p", "no:randomly", "-n", "2", "--dist", "loadfile")

    result.assert_outcomes(passed=2, warnings=1)
    result.stdout.fnmatch_lines(LEAKED_WORKER_SUMMARY)
    assert result.stdout.str().count("spans of leaked traces") == 1


def test_wait_for_async_waits_for_a_task_of_the_tests_own_loop(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(INJECTED_CONFTEST)
    pytester.makepyfile(
        test_async="""
        import asyncio
        import pytest
        from conftest import PROVIDER

        tracer = PROVIDER.get_tracer("async")

        async def handle():
            await asyncio.sleep(0.05)
            with tracer.start_as_current_span("handled"):
                pass

        def test_wait_for_async(trace_capture):
            async def main():
                task = asyncio.create_task(handle())
                [node] = await trace_capture.wait_for_async("handled", timeout=5.0)
                await task
                return node.name
            assert asyncio.run(main()) == "handled"

        def test_wait_for_refuses_to_block_the_loop(trace_capture):
            async def main():
                with pytest.raises(RuntimeError, match="wait_for_async"):
                    trace_capture.wait_for("handled", timeout=5.0)
            asyncio.run(main())

        def test_wait_for_async_times_out_saying_what_it_waited_for(trace_capture):
            async def main():
                await trace_capture.wait_for_async("never", timeout=0.05)
            asyncio.run(main())
        """
    )

    result = pytester.runpytest("-p", "no:randomly")

    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        ["E   *SpanWaitTimeoutError: waited 0.05 s for a span named 'never'; 0 span(s) arrived*"]
    )


def test_creation_order_breaks_ties_of_equal_start_times(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(INJECTED_CONFTEST)
    pytester.makepyfile(
        test_ties="""
        from opentelemetry import trace
        from pytest_filagent_trace import assert_span_tree, span
        from conftest import PROVIDER

        tracer = PROVIDER.get_tracer("ties")
        T = 1_000_000_000

        def make():
            root = tracer.start_span("root", start_time=T)
            context = trace.set_span_in_context(root)
            for name in ("zeta", "alpha", "mu"):
                tracer.start_span(name, context=context, start_time=T).end(end_time=T + 5)
            root.end(end_time=T + 10)

        def test_ordered_follows_creation(trace_capture):
            make()
            assert [c.name for c in trace_capture.trace().root.children] == ["zeta", "alpha", "mu"]
            assert_span_tree(
                trace_capture,
                span("root", children=[span("zeta"), span("alpha"), span("mu")]),
                ordered=True,
            )

        def test_tree_text_follows_creation(trace_capture):
            make()
            assert False
        """
    )

    result = pytester.runpytest("-p", "no:randomly", "--trace-tree")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["root", "├── zeta", "├── alpha", "└── mu"])
