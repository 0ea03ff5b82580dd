"""Run FilAgent in-process and look at each request's trace.

``filagent chat`` and ``filagent demo`` use this: the agent app and its search
service run in this process, their spans go to an in-memory exporter, and each
request's trace is rendered as text (see :mod:`filagent.trace_text`).

Example::

    with InProcessAgent() as agent:
        exchange = agent.ask("compute 17*23 then search for opentelemetry")
        print(exchange.answer)
        print(exchange.trace_text)
"""

from __future__ import annotations

import io
import json
import tempfile
import warnings
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

from filagent.app import create_app
from filagent.audit import DecisionRecorder, read_records
from filagent.search.app import create_search_app
from filagent.serving import serve_in_thread
from filagent.settings import Settings
from filagent.telemetry.config import TelemetryConfig, load_telemetry_config
from filagent.telemetry.logging import configure_logging
from filagent.telemetry.manager import TelemetryManager
from filagent.telemetry.otel_api import sdk_available
from filagent.trace_text import trace_text

#: attributes shown in the CLI's trees; tests and snapshots show them all
SHOWN_ATTRIBUTES: tuple[str, ...] = (
    "route.mode",
    "route.confidence",
    "strategy",
    "completed_tasks",
    "gen_ai.request.model",
    "gen_ai.usage.input_tokens",
    "gen_ai.usage.output_tokens",
    "tool.execution.success",
    "tool.validation.success",
    "error.type",
    "http.response.status_code",
    "service.name",
)


@dataclass
class Exchange:
    """One request, its response and the trace it produced."""

    request: dict[str, Any]
    status_code: int
    body: dict[str, Any]
    trace_id: str
    trace_text: str
    records: list[dict[str, Any]] = field(default_factory=list)
    log_lines: list[dict[str, Any]] = field(default_factory=list)

    @property
    def answer(self) -> str:
        """The assistant's reply, or the error the service returned."""
        message = self.body.get("message")
        if isinstance(message, dict):
            return str(message.get("content", ""))
        return str(self.body.get("detail", self.body))


class InProcessAgent:
    """FilAgent and its search service in this process, traced in memory."""

    def __init__(
        self,
        settings: Settings | None = None,
        config: TelemetryConfig | None = None,
        *,
        shown_attributes: Sequence[str] | None = SHOWN_ATTRIBUTES,
        durations: bool = True,
    ) -> None:
        self._settings = settings or Settings.from_env()
        self._config = config or load_telemetry_config()
        self._shown = shown_attributes
        self._durations = durations
        self._stack = ExitStack()
        self._logs = io.StringIO()
        self._exporter: Any = None
        self._client: TestClient | None = None
        self._records_path = Path()

    def __enter__(self) -> InProcessAgent:
        configure_logging(self._config.logging.level, stream=self._logs)
        telemetry = self._telemetry()
        telemetry.configure_logging(stream=self._logs)
        workdir = Path(self._stack.enter_context(tempfile.TemporaryDirectory()))
        self._records_path = workdir / "records.jsonl"
        search_url = self._stack.enter_context(serve_in_thread(create_search_app(telemetry)))
        settings = self._settings.model_copy(update={"search_url": search_url})
        app = create_app(
            settings,
            telemetry,
            recorder=DecisionRecorder(self._records_path, redact=telemetry.redact_record),
        )
        with warnings.catch_warnings():
            # The test client is only how the agent is called in-process; its
            # transport's deprecation notice is not the user's concern.
            warnings.simplefilter("ignore")
            from fastapi.testclient import TestClient
        self._client = self._stack.enter_context(TestClient(app, raise_server_exceptions=False))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stack.close()

    @property
    def tracing(self) -> bool:
        """False when tracing is disabled: exchanges then carry no trace."""
        return self._exporter is not None

    def ask(self, content: str, *, mode: str = "auto", **extra: Any) -> Exchange:
        """Send one user message to ``POST /chat`` and collect its trace."""
        if self._client is None:
            msg = "InProcessAgent must be used as a context manager"
            raise RuntimeError(msg)
        request = {"messages": [{"role": "user", "content": content}], "mode": mode, **extra}
        log_start = self._logs.tell()
        response = self._client.post("/chat", json=request)
        body = response.json()
        trace_id = response.headers.get("x-trace-id", "")
        logs = self._logs.getvalue()[log_start:]
        return Exchange(
            request=request,
            status_code=response.status_code,
            body=body,
            trace_id=trace_id,
            trace_text=self._trace_text(trace_id),
            records=read_records(self._records_path, trace_id=trace_id)
            if trace_id and self._records_path.exists()
            else [],
            log_lines=[
                record
                for record in (
                    json.loads(line) for line in logs.splitlines() if line.startswith("{")
                )
                if "://testserver/" not in str(record.get("event", ""))  # the caller's own log
            ],
        )

    def _telemetry(self) -> TelemetryManager:
        # Spans go through the same provider set-up as in production (resource,
        # sampler, redaction first); only the exporter is the in-memory one.
        if not self._config.enabled or not sdk_available():
            return TelemetryManager(self._config)
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        self._exporter = InMemorySpanExporter()
        return TelemetryManager(self._config, span_exporter=self._exporter)

    def _trace_text(self, trace_id: str) -> str:
        if self._exporter is None or not trace_id:
            return "(tracing is disabled: no trace)"
        spans = [
            span
            for span in self._exporter.get_finished_spans()
            if span.context is not None and format(span.context.trace_id, "032x") == trace_id
        ]
        attributes = True if self._shown is None else self._shown
        return trace_text(spans, attributes=attributes, durations=self._durations)
