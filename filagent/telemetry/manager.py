"""One telemetry manager per app: provider, tracers, instrumentation, privacy, counters.

:class:`TelemetryManager` turns a :class:`TelemetryConfig` into a working
OpenTelemetry pipeline (built by :mod:`filagent.telemetry.provider`). It is
no-op when the configuration disables tracing or when the OpenTelemetry SDK is
not importable: ``tracer()`` then hands out
:data:`~filagent.telemetry.tracing.NOOP_TRACER` and the ``instrument_*``
methods leave their targets untouched, so the service runs unchanged.

A manager passes its provider explicitly to every instrumentation, so it works
without being global; only :meth:`TelemetryManager.install_global` makes it
global, and only if no other provider was installed before. An injected
``tracer_provider`` is never made global.

Example::

    manager = TelemetryManager(load_telemetry_config())
    manager.instrument_fastapi(app)
    with manager.tracer().span("agent.route"):
        ...
    manager.shutdown()

    # in tests: spans go to memory, synchronously
    manager = TelemetryManager(config, span_exporter=InMemorySpanExporter())
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any, cast

from filagent.metrics import Metrics
from filagent.telemetry.accounting import DropReason
from filagent.telemetry.config import (
    ConfigError,
    ConfigProblem,
    TelemetryConfig,
    load_telemetry_config,
)
from filagent.telemetry.instrumentation import instrument_fastapi, instrument_httpx_client
from filagent.telemetry.logging import configure_logging
from filagent.telemetry.names import TRACER_NAME
from filagent.telemetry.otel_api import noop_otel_tracer, sdk_available
from filagent.telemetry.privacy.config import MIN_SECRET_LENGTH, USER_ID_SECRET_ENV
from filagent.telemetry.privacy.logs import redact_log_event
from filagent.telemetry.privacy.redactor import Redactor
from filagent.telemetry.provider import (
    build_tracer_provider,
    install_w3c_propagators,
    service_version,
)
from filagent.telemetry.semconv import opt_in_stable_http_semconv
from filagent.telemetry.tracing import NOOP_TRACER, Tracer

if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import TextIO

    import httpx
    from fastapi import FastAPI
    from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter
    from opentelemetry.trace import Tracer as OtelTracer
    from opentelemetry.trace import TracerProvider
    from structlog.typing import Processor

_log = logging.getLogger("filagent.telemetry")


class TelemetryManager:
    """FilAgent's telemetry for one app: provider, tracers, instrumentation, counters.

    Args:
        config: the validated configuration; None loads it (file + environment).
        tracer_provider: use this provider instead of building one (tests, embedding
            programs). Nothing is added to it and it is never made global.
        span_exporter: send spans synchronously to this exporter instead of the
            configured ones (tests pass an ``InMemorySpanExporter``).
        metrics: where span export counts go; a new :class:`Metrics` when None.

    A provider the manager builds gets the privacy ``RedactingSpanProcessor``
    first (when ``privacy.enabled``), so every exporter sees redacted spans; an
    injected provider is the caller's to set up (see ``install_redaction``).

    Example::

        manager = TelemetryManager(config, tracer_provider=provider)
        manager.enabled, manager.tracer().enabled   # (True, True)
    """

    def __init__(
        self,
        config: TelemetryConfig | None = None,
        *,
        tracer_provider: TracerProvider | None = None,
        span_exporter: SpanExporter | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        if tracer_provider is not None and span_exporter is not None:
            msg = "pass tracer_provider or span_exporter, not both: an injected provider is "
            msg += "used as given, add the exporter's processor to it yourself"
            raise ValueError(msg)
        self.config = config if config is not None else load_telemetry_config()
        self.metrics = metrics if metrics is not None else Metrics()
        self.redactor = _build_redactor(self.config)
        self._provider: TracerProvider | None = None
        self._owns_provider = False
        if not self.config.enabled:
            return
        if not sdk_available():
            _log.warning("OpenTelemetry SDK not importable: tracing is off")
            return
        if tracer_provider is not None:
            self._provider = tracer_provider
        else:
            self._provider = build_tracer_provider(
                self.config,
                redactor=self.redactor,
                span_exporter=span_exporter,
                accounting=_MetricsOf(self),
            )
            self._owns_provider = True
        install_w3c_propagators(self.config.propagators, self.redactor)
        opt_in_stable_http_semconv()

    # --- state -----------------------------------------------------------------

    @property
    def enabled(self) -> bool:
        """True when spans are really created."""
        return self._provider is not None

    @property
    def tracer_provider(self) -> TracerProvider | None:
        """The OpenTelemetry provider in use, or None when tracing is off."""
        return self._provider

    def tracer(self, name: str = TRACER_NAME) -> Tracer:
        """FilAgent's span facade over this provider (the no-op tracer when off).

        Example::

            with manager.tracer().span("agent.route") as span:
                span.set_attribute("route.mode", "simple")
        """
        if self._provider is None:
            return NOOP_TRACER
        return Tracer(self.otel_tracer(name))

    def otel_tracer(self, name: str = TRACER_NAME) -> OtelTracer:
        """An OpenTelemetry API tracer (a no-op one when tracing is off)."""
        if self._provider is not None:
            return self._provider.get_tracer(name, service_version(self.config))
        return noop_otel_tracer()

    # --- instrumentation -------------------------------------------------------------

    def instrument_fastapi(self, app: FastAPI) -> bool:
        """Trace every request of ``app`` except ``traces.untraced_paths``.

        Returns False (and leaves ``app`` untouched) when tracing is off.

        Example::

            manager.instrument_fastapi(app)   # GET /health stays untraced
        """
        if self._provider is None:
            return False
        instrument_fastapi(app, self._provider, self.config.traces.untraced_paths)
        return True

    def instrument_httpx_client(self, client: httpx.Client | httpx.AsyncClient) -> bool:
        """Give ``client`` CLIENT spans and W3C ``traceparent`` injection.

        Returns False (and leaves ``client`` untouched) when tracing is off.

        Example::

            client = httpx.Client()
            manager.instrument_httpx_client(client)
        """
        if self._provider is None:
            return False
        instrument_httpx_client(client, self._provider)
        return True

    # --- privacy and logs --------------------------------------------------------------

    def hash_user_id(self, user_id: str) -> str:
        """Keyed pseudonym (HMAC-SHA-256) of a user id; never the id itself.

        Example::

            manager.hash_user_id("alice")   # 'hmac-sha256:…'
        """
        # An id from a request is always hashed, even one shaped like a pseudonym.
        return self.redactor.pseudonym(user_id)

    def redact_record(self, record: dict[str, Any]) -> dict[str, Any]:
        """A decision record as it may be written: ``DecisionRecorder(path, redact=...)``."""
        return self.redactor.redact_record(record)

    def log_processors(self) -> list[Processor]:
        """structlog processors to run before rendering: redaction when privacy is on."""
        return [redact_log_event(self.redactor)] if self.config.privacy.enabled else []

    def configure_logging(self, stream: TextIO | None = None) -> None:
        """JSON-lines logs at ``logging.level``, redacted like spans.

        Example::

            manager.configure_logging()          # stdout
        """
        configure_logging(self.config.logging.level, stream, self.log_processors())

    def install_global(self) -> bool:
        """Make this manager's own provider the process-wide one, if none is set yet.

        Returns True when the global provider is this manager's. An injected
        provider, or a global one installed by someone else, is left alone.
        """
        if self._provider is None or not self._owns_provider:
            return False
        from opentelemetry import trace

        current = trace.get_tracer_provider()
        if current is self._provider:
            return True
        if not isinstance(current, trace.ProxyTracerProvider):
            _log.warning(
                "a global TracerProvider (%s) is already installed; FilAgent keeps its own "
                "provider for its spans and leaves the global one in place",
                type(current).__name__,
            )
            return False
        trace.set_tracer_provider(self._provider)
        return True

    # --- lifecycle -----------------------------------------------------------------------

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Export every finished span now. True when everything was exported in time."""
        flush = getattr(self._provider, "force_flush", None)
        return bool(flush(timeout_millis)) if flush is not None else True

    def shutdown(self) -> None:
        """Flush and stop the exporters of a provider this manager built (idempotent)."""
        if self._provider is not None and self._owns_provider:
            cast("SdkTracerProvider", self._provider).shutdown()


class _MetricsOf:
    """Span accounting into ``manager.metrics``, read at each count.

    So a :class:`Metrics` attached after construction still counts.
    """

    def __init__(self, manager: TelemetryManager) -> None:
        self._manager = manager

    def spans_ended(self, count: int) -> None:
        self._manager.metrics.spans_ended(count)

    def spans_exported(self, count: int) -> None:
        self._manager.metrics.spans_exported(count)

    def spans_dropped(self, count: int, reason: DropReason = "export_failed") -> None:
        self._manager.metrics.spans_dropped(count, reason)


_warned_ephemeral_secret = False


def _build_redactor(config: TelemetryConfig) -> Redactor:
    global _warned_ephemeral_secret  # noqa: PLW0603 - the warning is once per process
    from_env = os.environ.get(USER_ID_SECRET_ENV, "")
    if config.privacy.user_id_hmac_secret is None and 0 < len(from_env) < MIN_SECRET_LENGTH:
        problem = ConfigProblem(
            f"environment variable {USER_ID_SECRET_ENV}",
            "",
            f"<hidden: {len(from_env)} characters>",
            f"at least {MIN_SECRET_LENGTH} characters",
        )
        raise ConfigError([problem])
    redactor = Redactor(config.privacy, capture_message_content=config.capture_message_content)
    if redactor.secret_is_ephemeral and not _warned_ephemeral_secret:
        _warned_ephemeral_secret = True
        _log.warning(
            "no user id key configured (privacy.user_id_hmac_secret or %s): user id hashes "
            "will change at every restart",
            USER_ID_SECRET_ENV,
        )
    return redactor
