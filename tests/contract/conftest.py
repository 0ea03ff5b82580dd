"""Wiring of FilAgent's tracing contract suite: FilAgent's own provider, captured by the plugin.

One session-wide ``TelemetryManager`` builds the TracerProvider exactly as the service
does (its ``RedactingSpanProcessor`` first, no exporter), and the ``trace_capture_provider``
fixture hands that provider to ``pytest_filagent_trace``, which appends its capture after
the redaction: the tests see what an exporter would receive. The search service runs with
uvicorn on 127.0.0.1 with the same telemetry, so its SERVER span joins each trace.

The privacy modules (``CAPTURED_TELEMETRY = "privacy_telemetry"``) run FilAgent as it is
configured instead, redaction and decision records included: ``privacy_telemetry``, the
``service`` built with it, and ``send``, which collects what one request let out.
"""

from __future__ import annotations

import io
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from opentelemetry.trace import TracerProvider
from pydantic import SecretStr

from filagent.app import create_app
from filagent.audit import DecisionRecorder
from filagent.metrics import Metrics
from filagent.search.app import create_search_app
from filagent.serving import serve_in_thread
from filagent.settings import Settings
from filagent.telemetry.config import (
    CONFIG_PATH_VARIABLE,
    TelemetryConfig,
    config_from_mapping,
    load_telemetry_config,
)
from filagent.telemetry.names import HEADER_TRACE_ID
from filagent.telemetry.setup import TelemetryManager
from pytest_filagent_trace import SpanTree, TraceCapture
from tests.helpers.privacy_capture import (
    Send,
    Sent,
    filagent_log_stream,
    log_lines_since,
    records_since,
)
from tests.helpers.privacy_cases import CUSTOMER_FILE, RequestCase

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


def privacy_suite_config(records: Path) -> TelemetryConfig:
    """The configuration ``FILAGENT_TELEMETRY_CONFIG`` names (the packaged default if unset),
    kept inside the process: no exporter, decision records written to ``records``.

    ``OTEL_*`` variables are ignored, so a developer's settings cannot change what is tested;
    without a user-id key in the file, the suite's fixed key is used.

    Example:
        >>> privacy_suite_config(Path("records.jsonl")).privacy.enabled
        True
    """
    loaded = load_telemetry_config(
        env={CONFIG_PATH_VARIABLE: os.environ.get(CONFIG_PATH_VARIABLE, "")}
    )
    privacy = loaded.privacy
    if privacy.user_id_hmac_secret is None:
        privacy = privacy.model_copy(update={"user_id_hmac_secret": SecretStr(USER_ID_KEY)})
    return loaded.model_copy(
        update={
            "traces": loaded.traces.model_copy(update={"exporters": []}),
            "records": loaded.records.model_copy(update={"path": records}),
            "privacy": privacy,
        }
    )


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


@pytest.fixture(scope="module")
def trace_capture_provider(request: pytest.FixtureRequest) -> TracerProvider | None:
    """The plugin captures from FilAgent's injected provider (it is never made global).

    That is the provider of the suite's ``telemetry``, or of the fixture a module names in
    ``CAPTURED_TELEMETRY``: the privacy modules name ``privacy_telemetry``, so the capture
    sits behind FilAgent's redaction on the provider their service runs with.
    """
    name = getattr(request.module, "CAPTURED_TELEMETRY", "telemetry")
    manager: TelemetryManager = request.getfixturevalue(name)
    return manager.tracer_provider


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


# --- the privacy suite ----------------------------------------------------------------


@pytest.fixture(scope="module")
def all_request_headers_captured() -> Iterator[None]:
    """The HTTP instrumentation records every request header, as an operator may ask it to.

    Read when each app builds its middleware, at its first request.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST", ".*")
        yield


@pytest.fixture(scope="module")
def privacy_telemetry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TelemetryManager]:
    """FilAgent's telemetry as configured, with the provider FilAgent builds itself."""
    records = tmp_path_factory.mktemp("privacy-records") / "records.jsonl"
    manager = TelemetryManager(privacy_suite_config(records))
    assert manager.enabled, "the privacy contract suite needs the OpenTelemetry SDK"
    yield manager
    manager.shutdown()


@pytest.fixture(scope="module")
def privacy_search_url(
    privacy_telemetry: TelemetryManager, all_request_headers_captured: None
) -> Iterator[str]:
    """The search service with the same telemetry, on 127.0.0.1."""
    with serve_in_thread(create_search_app(privacy_telemetry)) as url:
        yield url


@pytest.fixture(scope="module")
def filagent_log(
    privacy_telemetry: TelemetryManager, privacy_search_url: str
) -> Iterator[io.StringIO]:
    """Everything FilAgent logs, as the JSON lines it writes.

    Set up after the search service: uvicorn configures its own loggers when it starts,
    and FilAgent's logging must take them over (as ``filagent serve`` does).
    """
    with filagent_log_stream(privacy_telemetry) as stream:
        yield stream


@pytest.fixture(scope="module")
def customer_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding a file named after the e-mail canary."""
    data_dir = tmp_path_factory.mktemp("privacy-data")
    (data_dir / CUSTOMER_FILE).parent.mkdir(parents=True)
    (data_dir / CUSTOMER_FILE).write_text("3 orders, last one shipped.\n", encoding="utf-8")
    return data_dir


@pytest.fixture
def service(
    privacy_telemetry: TelemetryManager,
    privacy_search_url: str,
    customer_data_dir: Path,
    all_request_headers_captured: None,
) -> Iterator[TestClient]:
    """The FilAgent service, with the decision recorder it builds from its configuration."""
    settings = Settings(search_url=privacy_search_url, data_dir=customer_data_dir)
    with TestClient(create_app(settings, privacy_telemetry, metrics=Metrics())) as client:
        yield client


@pytest.fixture
def send(
    service: TestClient,
    trace_capture: TraceCapture,
    filagent_log: io.StringIO,
    privacy_telemetry: TelemetryManager,
) -> Send:
    """Send a case's request; collect its trace, the spans, logs and records it produced."""
    records_path = privacy_telemetry.config.records.path
    assert records_path is not None

    def send_case(case: RequestCase) -> Sent:
        log_start = len(filagent_log.getvalue())
        records_start = records_path.stat().st_size if records_path.exists() else 0
        body: dict[str, Any] = {"messages": [{"role": "user", "content": case.content}]}
        if case.user_id is not None:
            body["user_id"] = case.user_id
        url = f"/chat?{case.query}" if case.query else "/chat"
        response = service.post(url, json=body, headers=dict(case.headers))
        assert response.status_code == 200, f"{case.id}: HTTP {response.status_code}"
        trace = request_trace(trace_capture, response, searched=case.searched)
        return Sent(
            trace=trace,
            spans=trace_capture.raw_spans,
            log_lines=log_lines_since(filagent_log.getvalue(), log_start),
            records=records_since(records_path, records_start),
        )

    return send_case
