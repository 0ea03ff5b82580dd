"""Fixtures for the plugin's own tests."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
import structlog
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Tracer
from structlog.typing import EventDict

from tests.helpers import snapshot_project

#: A small program traced with the plain OpenTelemetry API, for the pytester runs.
PROGRAM = '''
"""A small program traced with the plain OpenTelemetry API; it knows nothing of pytest."""
from opentelemetry import trace

tracer = trace.get_tracer("shop")


def checkout(items):
    with tracer.start_as_current_span("checkout", attributes={"cart.size": len(items)}):
        total = 0
        for item in items:
            with tracer.start_as_current_span("price", attributes={"item": item}):
                total += len(item)
        return total
'''


@pytest.fixture
def sdk(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> tuple[TracerProvider, InMemorySpanExporter]:
    """The test's SDK provider (from ``tests/conftest.py``) and the in-memory exporter its
    spans end in."""
    return provider, exporter


@pytest.fixture
def tracer(provider: TracerProvider) -> Tracer:
    """A tracer of :func:`provider`."""
    return provider.get_tracer("tests.plugin")


@pytest.fixture
def exporter(provider: TracerProvider) -> InMemorySpanExporter:
    """The in-memory exporter every span of :func:`provider` ends in."""
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


@pytest.fixture
def app_logger(caplog: pytest.LogCaptureFixture) -> logging.Logger:
    """The stdlib logger ``app``, emitting from INFO up."""
    caplog.set_level(logging.INFO, logger="app")
    return logging.getLogger("app")


@pytest.fixture
def structlog_output() -> Iterator[io.StringIO]:
    """structlog configured the way a service does it: ids added, JSON lines out."""
    stream = io.StringIO()
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            _add_trace_ids,
            structlog.processors.JSONRenderer(),
        ],
        logger_factory=structlog.WriteLoggerFactory(stream),
        cache_logger_on_first_use=False,
    )
    yield stream
    structlog.reset_defaults()


def _add_trace_ids(_logger: object, _name: str, event_dict: EventDict) -> EventDict:
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event_dict["trace_id"] = format(context.trace_id, "032x")
        event_dict["span_id"] = format(context.span_id, "016x")
    return event_dict


@pytest.fixture
def program(pytester: pytest.Pytester) -> pytest.Pytester:
    """``pytester`` with :data:`PROGRAM` written as ``shop.py``."""
    pytester.makepyfile(shop=PROGRAM)
    return pytester


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester directory holding the traced agent and its three snapshot tests.

    See :mod:`tests.helpers.snapshot_project`.
    """
    pytester.makepyfile(agent=snapshot_project.PROGRAM, test_agent=snapshot_project.TESTS)
    return pytester
