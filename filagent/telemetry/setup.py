"""The seed's one-call set-up: one telemetry manager per process, behind a few functions.

The service itself never needs these: ``create_app`` takes its
:class:`~filagent.telemetry.manager.TelemetryManager` as an argument. They are
for programs that want the seed's helpers (``initialize_telemetry()``,
``get_tracer(__name__)``, ``get_trace_context()``) and for the CLI.

The global TracerProvider is never replaced behind anyone's back:
:func:`initialize_telemetry` makes the process's manager global only if no
other provider was installed before — otherwise it logs a warning and leaves
the global alone.

Example::

    if initialize_telemetry():
        with get_tracer(__name__).start_as_current_span("work"):
            get_trace_context()   # {'trace_id': '4bf9…', 'span_id': '00f0…'}
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from filagent.telemetry.config import TelemetryConfig
from filagent.telemetry.manager import TelemetryManager
from filagent.telemetry.otel_api import current_trace_context

if TYPE_CHECKING:  # pragma: no cover - typing only
    from opentelemetry.trace import Tracer as OtelTracer

__all__ = [
    "TelemetryManager",
    "get_telemetry_manager",
    "get_trace_context",
    "get_tracer",
    "initialize_telemetry",
    "set_telemetry_manager",
]

_default_lock = threading.Lock()
_default_manager: TelemetryManager | None = None


def get_telemetry_manager() -> TelemetryManager:
    """The process's manager, created from the configuration on first use.

    Example::

        app = create_app(telemetry=get_telemetry_manager())
    """
    global _default_manager  # noqa: PLW0603 - one manager per process is the seed's contract
    with _default_lock:
        if _default_manager is None:
            _default_manager = TelemetryManager()
        return _default_manager


def set_telemetry_manager(manager: TelemetryManager | None) -> TelemetryManager | None:
    """Replace the process's manager (None forgets it); returns the previous one.

    Example::

        previous = set_telemetry_manager(TelemetryManager(config, span_exporter=exporter))
    """
    global _default_manager
    with _default_lock:
        previous, _default_manager = _default_manager, manager
        return previous


def initialize_telemetry(config: TelemetryConfig | None = None) -> bool:
    """Set up the process's telemetry once; True when tracing is on.

    Without ``config`` a second call keeps the existing manager. With one, a
    new manager replaces it (the global provider, once set, stays the first).

    Example::

        if initialize_telemetry():
            tracer = get_tracer(__name__)
    """
    global _default_manager  # noqa: PLW0603 - see get_telemetry_manager
    with _default_lock:
        if _default_manager is None or config is not None:
            _default_manager = TelemetryManager(config)
        manager = _default_manager
    manager.install_global()
    return manager.enabled


def get_tracer(name: str) -> OtelTracer:
    """An OpenTelemetry API tracer from the process's manager (no-op when off).

    Example::

        with get_tracer(__name__).start_as_current_span("work"):
            ...
    """
    return get_telemetry_manager().otel_tracer(name)


def get_trace_context() -> dict[str, str]:
    """``{"trace_id", "span_id"}`` of the current span as hex, ``{}`` outside a span.

    Example::

        get_trace_context()   # {'trace_id': '4bf9…', 'span_id': '00f0…'}
    """
    return current_trace_context()
