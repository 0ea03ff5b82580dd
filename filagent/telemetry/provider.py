"""The OpenTelemetry SDK pipeline built from a :class:`TelemetryConfig`.

Resource, sampler, exporters (wrapped so their outcome is counted), the
privacy processor first, and the W3C propagators. Every function imports the
SDK lazily: importing this module never requires OpenTelemetry.

Example::

    provider = build_tracer_provider(config, redactor=Redactor(config.privacy))
    install_w3c_propagators()
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from importlib import metadata
from typing import TYPE_CHECKING, Any, cast

from filagent.telemetry.config import ConfigError, ConfigProblem, TelemetryConfig
from filagent.telemetry.privacy.propagation import PrivateContextPropagator
from filagent.telemetry.privacy.redactor import Redactor
from filagent.telemetry.privacy.spans import install_redaction

if TYPE_CHECKING:  # pragma: no cover - typing only
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
    from opentelemetry.sdk.trace.sampling import Sampler

#: ``on_export(ok, count)``: called after every export with its outcome.
ExportListener = Callable[[bool, int], None]


def service_version(config: TelemetryConfig) -> str:
    """The configured ``service.version``, else the installed distribution's version."""
    if config.service.version:
        return config.service.version
    try:
        return metadata.version("filagent-tracing")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def build_resource(config: TelemetryConfig) -> Resource:
    """The Resource: SDK identity, ``resource_attributes``, service name and version.

    Built explicitly rather than with ``Resource.create()``: the configuration
    has already merged ``OTEL_RESOURCE_ATTRIBUTES`` and must stay the one source.

    Example::

        build_resource(config).attributes["service.name"]   # 'filagent'
    """
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.version import __version__ as sdk_version

    return Resource(
        {
            "telemetry.sdk.language": "python",
            "telemetry.sdk.name": "opentelemetry",
            "telemetry.sdk.version": sdk_version,
            **config.service.resource_attributes,
            "service.name": config.service.name,
            "service.version": service_version(config),
        }
    )


def build_sampler(config: TelemetryConfig) -> Sampler:
    """The SDK sampler named by ``traces.sampler`` (ratio from ``traces.sampler_arg``).

    Example::

        build_sampler(TelemetryConfig())   # ParentBased(ALWAYS_ON)
    """
    from opentelemetry.sdk.trace import sampling

    ratio = config.traces.ratio
    samplers: dict[str, Callable[[], Sampler]] = {
        "always_on": lambda: sampling.ALWAYS_ON,
        "always_off": lambda: sampling.ALWAYS_OFF,
        "traceidratio": lambda: sampling.TraceIdRatioBased(ratio),
        "parentbased_always_on": lambda: sampling.ParentBased(sampling.ALWAYS_ON),
        "parentbased_always_off": lambda: sampling.ParentBased(sampling.ALWAYS_OFF),
        "parentbased_traceidratio": lambda: sampling.ParentBased(sampling.TraceIdRatioBased(ratio)),
    }
    return samplers[config.traces.sampler]()


def build_span_exporter(name: str, config: TelemetryConfig) -> SpanExporter:
    """One configured exporter: ``"otlp"`` (http/protobuf or grpc) or ``"console"``.

    Example::

        build_span_exporter("otlp", config)   # OTLP/HTTP to config.otlp.traces_url()

    Raises:
        ConfigError: grpc is chosen but the ``grpc`` extra is not installed.
    """
    if name == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        # sys.stdout now, not the SDK's default bound at import: redirections apply.
        return ConsoleSpanExporter(service_name=config.service.name, out=sys.stdout)
    otlp = config.otlp
    headers = dict(otlp.headers) or None
    if otlp.protocol == "grpc":
        try:
            from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
                OTLPSpanExporter as GrpcExporter,
            )
        except ImportError:
            problem = ConfigProblem(
                "telemetry configuration",
                "otlp.protocol",
                "grpc",
                "http/protobuf, or grpc after installing the extra: "
                "pip install 'filagent-tracing[grpc]'",
            )
            raise ConfigError([problem]) from None
        return cast("SpanExporter", GrpcExporter(endpoint=otlp.traces_url(), headers=headers))
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter(endpoint=otlp.traces_url(), headers=headers)


class CountingSpanExporter:
    """Wraps a SpanExporter and reports each batch's outcome to ``on_export``.

    A failed export (FAILURE, or an exception, which is re-raised) reports
    its spans as not exported.

    Example::

        CountingSpanExporter(OTLPSpanExporter(), lambda ok, n: print(ok, n))
    """

    def __init__(self, exporter: SpanExporter, on_export: ExportListener) -> None:
        self.exporter = exporter
        self._on_export = on_export

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        """Export through the wrapped exporter, then report the outcome."""
        from opentelemetry.sdk.trace.export import SpanExportResult

        try:
            result = self.exporter.export(spans)
        except Exception:
            self._on_export(False, len(spans))
            raise
        self._on_export(result is SpanExportResult.SUCCESS, len(spans))
        return result

    def shutdown(self) -> None:
        """Shut the wrapped exporter down."""
        self.exporter.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Flush the wrapped exporter."""
        return self.exporter.force_flush(timeout_millis)


def build_tracer_provider(
    config: TelemetryConfig,
    *,
    redactor: Redactor | None = None,
    span_exporter: SpanExporter | None = None,
    on_export: ExportListener | None = None,
) -> TracerProvider:
    """An SDK TracerProvider with redaction first, then the exporters.

    ``span_exporter`` replaces the configured exporters with one synchronous
    exporter (tests). ``traces.exporters: []`` still gives spans and trace ids,
    only nothing leaves the process.

    Example::

        provider = build_tracer_provider(config, span_exporter=InMemorySpanExporter())
    """
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    provider = TracerProvider(resource=build_resource(config), sampler=build_sampler(config))
    if redactor is not None and config.privacy.enabled:
        install_redaction(provider, redactor)

    def counted(exporter: SpanExporter) -> SpanExporter:
        if on_export is None:
            return exporter
        return cast("SpanExporter", CountingSpanExporter(exporter, on_export))

    if span_exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(counted(span_exporter)))
        return provider
    for name in config.traces.exporters:
        exporter = counted(build_span_exporter(name, config))
        if name == "console":  # a debugging aid: print each span as it ends
            provider.add_span_processor(SimpleSpanProcessor(exporter))
            continue
        batch = config.batch
        processor = BatchSpanProcessor(
            exporter,
            max_queue_size=batch.max_queue_size,
            schedule_delay_millis=batch.schedule_delay_ms,
            max_export_batch_size=batch.max_export_batch_size,
            export_timeout_millis=batch.export_timeout_ms,
        )
        provider.add_span_processor(processor)
    return provider


def install_w3c_propagators(redactor: Redactor | None = None) -> None:
    """Make W3C tracecontext + baggage the global propagator.

    Instrumentations read the global propagator; FilAgent always speaks W3C
    (``traceparent``/``tracestate`` and ``baggage``), whatever ``OTEL_PROPAGATORS`` says.
    With a ``redactor`` whose privacy is on, it is wrapped in a
    :class:`PrivateContextPropagator`: ``tracestate`` and ``baggage`` keep only what the
    privacy section allows, in spans and in what is forwarded.
    """
    from opentelemetry import propagate
    from opentelemetry.baggage.propagation import W3CBaggagePropagator
    from opentelemetry.propagators.composite import CompositePropagator
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    w3c = CompositePropagator([TraceContextTextMapPropagator(), W3CBaggagePropagator()])
    if redactor is not None and redactor.enabled:
        propagate.set_global_textmap(cast("Any", PrivateContextPropagator(w3c, redactor)))
        return
    propagate.set_global_textmap(w3c)
