"""Wiring of FilAgent's tracing contract suite: FilAgent's own provider, captured by the plugin.

One session-wide ``TelemetryManager`` builds the TracerProvider exactly as the service
does (its ``RedactingSpanProcessor`` first, no exporter), and the ``trace_capture_provider``
fixture hands that provider to ``pytest_filagent_trace``, which appends its capture after
the redaction: the tests see what an exporter would receive. The search service runs with
uvicorn on 127.0.0.1 with the same telemetry, so its SERVER span joins each trace.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from opentelemetry.trace import TracerProvider

from filagent.app import create_app
from filagent.audit import DecisionRecorder
from filagent.metrics import Metrics
from filagent.search.app import create_search_app
from filagent.serving import serve_in_thread
from filagent.settings import Settings
from filagent.telemetry.config import TelemetryConfig, config_from_mapping
from filagent.telemetry.names import HEADER_TRACE_ID
from filagent.telemetry.setup import TelemetryManager
from pytest_filagent_trace import SpanTree, TraceCapture

#: A fixed user-id key, so ``enduser.pseudo.id`` hashes are the same on every run.
USER_ID_KEY = "contract-suite-user-id-key-0123456789"

#: Span of the search service's side of a ``web_search`` call.
SEARCH_SERVER_SPAN = "GET /search"


def contract_config(**sections: Any) -> TelemetryConfig:
    """The packaged defaults, minus what would leave the process: no exporter, no records.

    No environment variable is read, so a developer's ``OTEL_*`` settings cannot change
    the traces the suite pins. ``sections`` override top-level fields (dicts are merged).

    Example:
        >>> contract_config(traces={"sampler": "always_off"}).traces.exporters
        []
    """
    data: dict[str, Any] = {
        "traces": {"exporters": []},
        "records": {"path": None},
        "privacy": {"user_id_hmac_secret": USER_ID_KEY},
    }
    for section, value in sections.items():
        base = data.get(section)
        data[section] = {**base, **value} if isinstance(base, dict) else value
    return config_from_mapping(data)


def answer_of(body: dict[str, Any]) -> dict[str, Any]:
    """A ``/chat`` answer without what differs on every request: generated ids, trace id.

    Example:
        >>> answer_of({"mode": "simple", "task_id": "9a3e", "trace_id": ""})
        {'mode': 'simple'}
    """
    return {
        key: value
        for key, value in body.items()
        if key not in ("conversation_id", "task_id", "trace_id")
    }


def request_trace(
    capture: TraceCapture, response: httpx.Response, *, searched: bool = False
) -> SpanTree:
    """The trace a response names in ``X-Trace-ID``, once every span of it has ended.

    The search service ends its SERVER span in its own thread, after its answer may
    already have reached the agent, so ``searched=True`` waits for that span.

    Example:
        >>> tree = request_trace(trace_capture, ask(client, "search for otel"), searched=True)
        ... # doctest: +SKIP
    """
    if searched:
        capture.wait_for(SEARCH_SERVER_SPAN, timeout=10.0)
    return capture.trace(response.headers[HEADER_TRACE_ID])


@contextmanager
def running_app(
    telemetry: TelemetryManager, settings: Settings | None = None
) -> Iterator[TestClient]:
    """The FilAgent app with ``telemetry`` behind a TestClient, with its own metrics.

    Example:
        >>> with running_app(telemetry, Settings(search_url=url)) as client:  # doctest: +SKIP
        ...     ask(client, "What is 2+2?")
    """
    app = create_app(
        settings or Settings(), telemetry, metrics=Metrics(), recorder=DecisionRecorder(None)
    )
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="session")
def telemetry() -> Iterator[TelemetryManager]:
    """FilAgent's telemetry for the whole run, with the provider FilAgent builds itself."""
    manager = TelemetryManager(contract_config())
    assert manager.enabled, "the contract suite needs the OpenTelemetry SDK"
    yield manager
    manager.shutdown()


@pytest.fixture(scope="session")
def trace_capture_provider(telemetry: TelemetryManager) -> TracerProvider | None:
    """The plugin captures from FilAgent's injected provider (it is never made global)."""
    return telemetry.tracer_provider


@pytest.fixture(scope="session")
def search_url(telemetry: TelemetryManager) -> Iterator[str]:
    """The search service, traced with the suite's telemetry, on 127.0.0.1."""
    with serve_in_thread(create_search_app(telemetry)) as url:
        yield url


@pytest.fixture(scope="session")
def untraced_search_url() -> Iterator[str]:
    """A search service without tracing, for the service run with tracing off."""
    with serve_in_thread(create_search_app()) as url:
        yield url


@pytest.fixture(scope="session")
def settings(search_url: str) -> Settings:
    """The service's settings: the defaults, with the suite's search service."""
    return Settings(search_url=search_url)


@pytest.fixture
def client(telemetry: TelemetryManager, settings: Settings) -> Iterator[TestClient]:
    """The traced FilAgent service of this test."""
    with running_app(telemetry, settings) as test_client:
        yield test_client


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port on 127.0.0.1 that refuses connections: bound, never listening.

    Holding the socket keeps another program from taking the port during the test.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as reserved:
        reserved.bind(("127.0.0.1", 0))
        port: int = reserved.getsockname()[1]
        yield port
