"""The plugin does no harm to OpenTelemetry's globals: it leaves the program's providers be.

Tests that ask for nothing see OpenTelemetry untouched; a provider the program sets, in a
session fixture, in a capturing test, through TestBase or logfire's capfire, keeps its
spans. These scenarios are about the process-wide provider, so each runs pytest in a
subprocess (marked slow, one process each).
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
