"""Fixtures shared by the ports of opentelemetry-python-contrib's instrumentation tests.

Each instrumentor is given the provider that ``trace_capture`` lends the test (or the one
the program set), through ``trace.get_tracer_provider()``, and is uninstrumented after the
test, so nothing leaks between tests in any order or worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from opentelemetry import trace
from opentelemetry.instrumentation._semconv import (
    OTEL_SEMCONV_STABILITY_OPT_IN,
    _OpenTelemetrySemanticConventionStability,
)
from opentelemetry.util.http import get_excluded_urls

from pytest_filagent_trace import TraceCapture


@pytest.fixture
def tracer(trace_capture: TraceCapture) -> trace.Tracer:
    """A tracer of the provider the capture reads from, for the tests' own root spans."""
    return trace.get_tracer_provider().get_tracer("examples")


@pytest.fixture
def semconv(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Choose ``OTEL_SEMCONV_STABILITY_OPT_IN`` for the instrumentors this test sets up.

    The instrumentations read the choice once per process, as upstream's tests know: the
    reading is reset on the way in and on the way out, so the next test reads afresh
    whatever an earlier one (or the service's own set-up) chose.
    """

    def choose(mode: str) -> None:
        monkeypatch.setenv(OTEL_SEMCONV_STABILITY_OPT_IN, mode)
        _OpenTelemetrySemanticConventionStability._initialized = False

    yield choose
    _OpenTelemetrySemanticConventionStability._initialized = False


@pytest.fixture
def excluded_from_env(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], None]:
    """Set ``OTEL_PYTHON_<NAME>_EXCLUDED_URLS`` for the instrumentation of ``name``, as
    upstream's ``setUp`` does: the instrumentation read the variable once, at its import, so
    the value it keeps is replaced with a reading of the new one."""

    def exclude(name: str, urls: str) -> None:
        monkeypatch.setenv(f"OTEL_PYTHON_{name.upper()}_EXCLUDED_URLS", urls)
        monkeypatch.setattr(
            f"opentelemetry.instrumentation.{name}._excluded_urls_from_env",
            get_excluded_urls(name.upper()),
        )

    return exclude
