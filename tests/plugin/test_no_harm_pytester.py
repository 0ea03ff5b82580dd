"""The plugin does no harm: it acts only for tests that ask, and leaves the program's providers be.

Scenarios about OpenTelemetry's process-wide provider run pytest in a subprocess (marked
slow, one process each); those that inject their provider run in-process.
"""

from __future__ import annotations

import pytest

SESSION_PROVIDER_CONFTEST = """
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

@pytest.fixture(scope="session")
def exporter():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    assert trace.get_tracer_provider() is provider, "the program's provider was refused"
    return exporter
"""

SESSION_PROVIDER_TESTS = """
from opentelemetry import trace

tracer = trace.get_tracer("app")  # at import time, before any provider is set

def test_own_provider_gets_its_spans(exporter):
    exporter.clear()
    with tracer.start_as_current_span("mine"):
        pass
    assert [span.name for span in exporter.get_finished_spans()] == ["mine"]

def test_own_provider_again(exporter):
    exporter.clear()
    with trace.get_tracer("other").start_as_current_span("mine too"):
        pass
    assert [span.name for span in exporter.get_finished_spans()] == ["mine too"]

def test_plain_sees_no_plugin_provider():
    provider = trace.get_tracer_provider()
    assert type(provider).__name__ in ("ProxyTracerProvider", "TracerProvider")

def test_capture(trace_capture):
    with tracer.start_as_current_span("captured"):
        pass
    assert [node.name for node in trace_capture.spans] == ["captured"]

def test_capture_with_the_programs_provider(exporter, trace_capture):
    exporter.clear()
    with tracer.start_as_current_span("both"):
        pass
    assert [node.name for node in trace_capture.spans] == ["both"]
    assert [span.name for span in exporter.get_finished_spans()] == ["both"]
"""


@pytest.mark.slow
def test_a_session_provider_fixture_works_in_any_test_order(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(SESSION_PROVIDER_CONFTEST)
    pytester.makepyfile(test_suite=SESSION_PROVIDER_TESTS)

    for seed in range(1, 7):
        result = pytester.runpytest_subprocess(f"--randomly-seed={seed}", "-p", "no:cacheprovider")

        result.assert_outcomes(passed=5)
        assert "Overriding of current TracerProvider" not in result.stdout.str() + (
            result.stderr.str()
        )


@pytest.mark.slow
def test_tests_that_ask_for_nothing_see_opentelemetry_untouched(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_plain="""
        import logging
        from opentelemetry import trace

        ONCE = trace._TRACER_PROVIDER_SET_ONCE

        def test_no_global_provider():
            assert type(trace.get_tracer_provider()) is trace.ProxyTracerProvider
            assert trace._TRACER_PROVIDER_SET_ONCE is ONCE

        def test_spans_are_not_recorded():
            with trace.get_tracer("app").start_as_current_span("work") as span:
                assert not span.is_recording()

        def test_no_log_handler_added():
            handlers = logging.getLogger().handlers
            assert [h for h in handlers if "filagent" in type(h).__module__] == []
        """
    )

    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=3)


@pytest.mark.slow
def test_a_run_in_which_no_test_asks_loads_only_the_plugins_entry_point(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_plain="""
        import sys

        START_UP = {
            "pytest_filagent_trace",
            "pytest_filagent_trace._ini",
            "pytest_filagent_trace.plugin",
            "pytest_filagent_trace._pytest",
            "pytest_filagent_trace._pytest.assertrepr",
            "pytest_filagent_trace._pytest.fixtures",
            "pytest_filagent_trace._pytest.options",
            "pytest_filagent_trace._pytest.reporting",
            "pytest_filagent_trace._pytest.run",
            "pytest_filagent_trace._pytest.snapshot",
        }

        def loaded():
            return {name for name in sys.modules if name.startswith("pytest_filagent_trace")}

        def test_1_plain():
            assert loaded() == START_UP
            assert "opentelemetry.sdk.trace" not in sys.modules

        def test_2_a_failing_comparison_elsewhere_loads_nothing(pytestconfig):
            hook = pytestconfig.pluginmanager.hook
            assert hook.pytest_assertrepr_compare(
                config=pytestconfig, op="==", left=[1], right=[2]
            )
            assert loaded() == START_UP

        def test_3_the_first_capture_loads_what_it_needs(trace_capture):
            assert "pytest_filagent_trace._capture" in sys.modules
            assert "opentelemetry.sdk.trace" in sys.modules
            assert "pytest_filagent_trace._match" not in sys.modules
            assert "pytest_filagent_trace._snapshot" not in sys.modules

        def test_4_a_public_name_loads_its_package():
            from pytest_filagent_trace import SpanTreeMismatch, assert_span_tree

            assert assert_span_tree.__module__.startswith("pytest_filagent_trace._match")
            assert SpanTreeMismatch.__module__ == "pytest_filagent_trace"
            assert "pytest_filagent_trace._snapshot" not in sys.modules
        """
    )

    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=4)


@pytest.mark.slow
def test_a_capture_leaves_the_global_slot_to_the_program(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        app="""
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
            InMemorySpanExporter,
        )

        tracer = trace.get_tracer("app")  # module level, created at import
        EXPORTER = InMemorySpanExporter()

        def create_app():
            provider = TracerProvider()
            provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
            trace.set_tracer_provider(provider)
            return provider

        def handle(name):
            with tracer.start_as_current_span(name):
                pass
        """,
        test_order="""
        import logging
        from opentelemetry import trace
        import app

        def test_1_capture_while_the_program_set_none(trace_capture):
            app.handle("first")
            assert [node.name for node in trace_capture.spans] == ["first"]

        def test_2_plain_test_after_a_capture():
            assert type(trace.get_tracer_provider()) is trace.ProxyTracerProvider
            with app.tracer.start_as_current_span("unrecorded") as span:
                assert not span.is_recording()

        def test_3_create_app_in_a_capturing_test(trace_capture, caplog):
            provider = app.create_app()
            assert trace.get_tracer_provider() is provider
            assert "Overriding" not in caplog.text
            app.handle("second")
            assert [node.name for node in trace_capture.spans] == ["second"]
            assert [span.name for span in app.EXPORTER.get_finished_spans()] == ["second"]

        def test_4_module_level_tracer_reaches_the_programs_provider():
            app.EXPORTER.clear()
            app.handle("third")
            assert [span.name for span in app.EXPORTER.get_finished_spans()] == ["third"]

        def test_5_a_later_capture_still_captures(trace_capture):
            app.handle("fourth")
            assert [node.name for node in trace_capture.spans] == ["fourth"]
        """,
    )

    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=5)


@pytest.mark.slow
def test_a_test_base_test_before_and_after_captures(pytester: pytest.Pytester) -> None:
    pytest.importorskip("opentelemetry.test.test_base")
    pytester.makepyfile(
        test_mixed="""
        from opentelemetry import trace
        from opentelemetry.test.test_base import TestBase

        tracer = trace.get_tracer("app")

        def test_1_capture(trace_capture):
            with tracer.start_as_current_span("before"):
                pass
            assert [node.name for node in trace_capture.spans] == ["before"]

        class TestUnittestStyle(TestBase):
            def test_2_own_provider(self):
                with trace.get_tracer("unit").start_as_current_span("unit"):
                    pass
                assert [s.name for s in self.memory_exporter.get_finished_spans()] == ["unit"]

        def test_3_capture_after_test_base(trace_capture):
            with trace.get_tracer("app").start_as_current_span("after"):
                pass
            assert [node.name for node in trace_capture.spans] == ["after"]
        """
    )

    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=3)


@pytest.mark.slow
def test_logfire_capfire_before_and_after_a_capture(pytester: pytest.Pytester) -> None:
    pytest.importorskip("logfire")
    pytester.makepyfile(
        test_logfire="""
        from opentelemetry import trace

        tracer = trace.get_tracer("third.party")

        def finished(capfire):
            spans = capfire.exporter.exported_spans
            return [s.name for s in spans if s.attributes["logfire.span_type"] == "span"]

        def test_1_capfire(capfire):
            with tracer.start_as_current_span("third party"):
                pass
            assert finished(capfire) == ["third party"]

        def test_2_capture(trace_capture):
            with tracer.start_as_current_span("captured"):
                pass
            assert [node.name for node in trace_capture.spans] == ["captured"]

        def test_3_capfire_again(capfire):
            with tracer.start_as_current_span("third party again"):
                pass
            assert finished(capfire) == ["third party again"]
        """
    )

    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=3)


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


@pytest.mark.slow
def test_with_autoload_off_p_name_alone_brings_the_snapshot_support(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makepyfile(
        test_snap="""
        from opentelemetry import trace

        def test_snapshot(trace_capture, trace_snapshot):
            with trace.get_tracer("app").start_as_current_span("pinned"):
                pass
            assert trace_snapshot == trace_capture
        """
    )

    written = pytester.runpytest_subprocess("-p", "pytest_filagent_trace", "--snapshot-update")
    compared = pytester.runpytest_subprocess("-p", "pytest_filagent_trace")

    written.assert_outcomes(passed=1)
    compared.assert_outcomes(passed=1)
    assert (pytester.path / "snapshots" / "test_snap" / "test_snapshot.trace").read_text() == (
        "pinned\n"
    )
