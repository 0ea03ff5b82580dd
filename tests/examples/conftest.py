"""Fixtures shared by the ports of opentelemetry-python-contrib's instrumentation tests.

Each instrumentor is given the provider that ``trace_capture`` lends the test (or the one
the program set), through ``trace.get_tracer_provider()``, and is uninstrumented after the
test, so nothing leaks between tests in any order or worker.
"""

from __future__ import annotations

import pytest
from opentelemetry import trace

from pytest_filagent_trace import TraceCapture


@pytest.fixture
def tracer(trace_capture: TraceCapture) -> trace.Tracer:
    """A tracer of the provider the capture reads from, for the tests' own root spans."""
    return trace.get_tracer_provider().get_tracer("examples")
