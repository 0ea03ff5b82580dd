"""Fixtures for FilAgent's service tests: real spans in memory, servers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from filagent.search.app import create_search_app
from filagent.serving import serve_in_thread
from filagent.settings import Settings
from filagent.telemetry.privacy import Redactor
from filagent.telemetry.setup import TelemetryManager
from filagent.telemetry.tracing import Tracer
from tests.helpers.app import running
from tests.helpers.privacy import make_redactor
from tests.helpers.spans import Spans
from tests.helpers.telemetry import telemetry_config

ServeApp = Callable[[Any], AbstractContextManager[str]]


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    """Where the spans of ``provider`` (once ``spans`` is asked for) and of ``telemetry`` go."""
    return InMemorySpanExporter()


@pytest.fixture
def spans(provider: TracerProvider, exporter: InMemorySpanExporter) -> Spans:
    """The spans finished during the test."""
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return Spans(exporter)


@pytest.fixture
def telemetry(exporter: InMemorySpanExporter) -> Iterator[TelemetryManager]:
    """FilAgent's telemetry as the service builds it, exporting to ``exporter``."""
    manager = TelemetryManager(telemetry_config(), span_exporter=exporter)
    yield manager
    manager.shutdown()


@pytest.fixture
def records_path(tmp_path: Path) -> Path:
    """Where the service writes its decision records."""
    return tmp_path / "records.jsonl"


@pytest.fixture
def tracer(provider: TracerProvider, spans: Spans) -> Tracer:
    """FilAgent's tracing facade over the test's provider."""
    del spans  # requested so the exporter is attached before any span starts
    return Tracer(provider.get_tracer("filagent"))


@pytest.fixture
def http_client() -> Iterator[httpx.Client]:
    """A plain httpx client, closed after the test."""
    with httpx.Client(timeout=5.0) as client:
        yield client


@pytest.fixture
def serve() -> ServeApp:
    """``with serve(app) as base_url:`` runs ``app`` with uvicorn on 127.0.0.1 in a thread."""
    return serve_in_thread


@pytest.fixture
def redactor() -> Redactor:
    """The default redactor of the privacy tests, keyed with ``tests.helpers.privacy.SECRET``."""
    return make_redactor()


@pytest.fixture
def search_url(serve: ServeApp, telemetry: TelemetryManager) -> Iterator[str]:
    """The search service on 127.0.0.1, traced with ``telemetry``."""
    with serve(create_search_app(telemetry)) as url:
        yield url


@pytest.fixture
def client(
    request: pytest.FixtureRequest, telemetry: TelemetryManager, records_path: Path
) -> Iterator[TestClient]:
    """The service with ``telemetry``, writing decision records to ``records_path``.

    Its settings are the defaults, calling the search service of ``search_url``; a module
    that sets ``CLIENT_SETTINGS`` (a function returning ``Settings``, such as
    ``tests.helpers.app.small_limits``) gets those instead, and no search service.
    """
    module_settings: Callable[[], Settings] | None = getattr(
        request.module, "CLIENT_SETTINGS", None
    )
    if module_settings is not None:
        settings = module_settings()
    else:
        settings = Settings(search_url=request.getfixturevalue("search_url"))
    with running(settings, telemetry, records_path) as test_client:
        yield test_client
