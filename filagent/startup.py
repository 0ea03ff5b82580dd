"""What a FilAgent process says when it starts, and the errors that stop it starting.

Each ``filagent serve`` / ``filagent search`` process writes one start-up log
line (JSON, like every other line): where it listens and, for the service, the
exporter and its endpoint, the sampler, the records path and whether the search
service is its own.

Example::

    log_serve_started(listener, config, settings, search_pid=4242)
    # {"event": "serve.started", "url": "http://127.0.0.1:8000", "exporter": "otlp", ...}
"""

from __future__ import annotations

import os
import socket
from typing import Any

from filagent.settings import Settings
from filagent.telemetry.config import TelemetryConfig
from filagent.telemetry.logging import get_logger

_log = get_logger("filagent.serve")


class StartupError(RuntimeError):
    """The process cannot start (a port is taken, the search service is not ours, ...)."""


def listening_url(listener: socket.socket) -> str:
    """``http://host:port`` of a bound socket."""
    host, port = listener.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in str(host) else f"http://{host}:{port}"


def describe_tracing(config: TelemetryConfig) -> dict[str, Any]:
    """The exporter, its endpoint and the sampler, as the start-up line shows them.

    Example:
        >>> describe_tracing(TelemetryConfig())["endpoint"]
        'http://localhost:4318/v1/traces'
    """
    if not config.enabled:
        return {"exporter": "none (tracing disabled)", "endpoint": None, "sampler": None}
    exporters = config.traces.exporters
    otlp = "otlp" in exporters
    return {
        "exporter": ",".join(exporters) or "none",
        "endpoint": config.otlp.traces_url() if otlp else None,
        "protocol": config.otlp.protocol if otlp else None,
        "sampler": config.traces.sampler,
    }


def log_serve_started(
    listener: socket.socket,
    config: TelemetryConfig,
    settings: Settings,
    *,
    search_pid: int | None,
) -> None:
    """The one start-up line of ``filagent serve``."""
    records = config.records.path
    _log.info(
        "serve.started",
        url=listening_url(listener),
        pid=os.getpid(),
        **describe_tracing(config),
        records=str(records) if records is not None else "off",
        search_url=settings.search_url,
        search_service=f"own (pid {search_pid})" if search_pid is not None else "external",
    )


def log_search_started(listener: socket.socket, *, owned: bool) -> None:
    """The one start-up line of ``filagent search``."""
    _log.info(
        "search.started",
        url=listening_url(listener),
        pid=os.getpid(),
        started_by="filagent serve" if owned else "itself",
    )
