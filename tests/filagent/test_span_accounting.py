"""Every span accounted for: ended, then exported or dropped with its reason.

Real OTLP/HTTP exports to receivers on 127.0.0.1: a slow one, a dead one that
accepts connections and never answers, and a closed port.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from filagent.metrics import Metrics
from filagent.serving import free_port
from filagent.telemetry.accounting import DROP_REASONS
from filagent.telemetry.batching import GRACE_SECONDS, AccountedBatchSpanProcessor
from filagent.telemetry.config import config_from_mapping
from filagent.telemetry.manager import TelemetryManager
from filagent.telemetry.provider import build_span_exporter
from tests.filagent.metric_samples import sample


def counts(metrics: Metrics) -> dict[str, float]:
    """Ended, exported, and dropped by reason, as ``/metrics`` shows them."""
    found = {
        "ended": sample(metrics, "filagent_spans_ended_total") or 0.0,
        "exported": sample(metrics, "filagent_spans_exported_total") or 0.0,
    }
    for reason in DROP_REASONS:
        found[reason] = sample(metrics, "filagent_spans_dropped_total", reason=reason) or 0.0
    return found


def dropped(found: dict[str, float]) -> float:
    return sum(found[reason] for reason in DROP_REASONS)


@contextmanager
def slow_receiver(delay: float) -> Iterator[tuple[str, list[int]]]:
    """An OTLP/HTTP receiver that takes ``delay`` seconds per export; yields (url, sizes)."""
    sizes: list[int] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            time.sleep(delay)
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            with lock:
                sizes.append(
                    sum(len(s.spans) for r in request.resource_spans for s in r.scope_spans)
                )
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            del format, args

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", sizes
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextmanager
def dead_receiver() -> Iterator[str]:
    """A port that accepts connections and never answers: the worst receiver there is."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


def otlp_manager(url: str, **batch: int) -> TelemetryManager:
    sections = {"otlp": {"endpoint": url}, "batch": batch}
    return TelemetryManager(config_from_mapping(sections))


def make_spans(manager: TelemetryManager, count: int) -> None:
    tracer = manager.tracer()
    for number in range(count):
        with tracer.span("burst", attributes={"n": number}):
            pass


def test_a_slow_receiver_loses_spans_and_every_one_is_counted() -> None:
    created = 600
    with slow_receiver(delay=0.1) as (url, sizes):
        manager = otlp_manager(
            url,
            max_queue_size=32,
            max_export_batch_size=8,
            schedule_delay_ms=10,
            export_timeout_ms=10_000,
        )
        make_spans(manager, created)
        manager.shutdown()
        received = sum(sizes)
    found = counts(manager.metrics)
    assert found["ended"] == created
    assert found["ended"] == found["exported"] + dropped(found), found
    assert found["queue_full"] > 0, found
    assert found["exported"] == received


def test_shutdown_with_a_dead_receiver_ends_within_its_timeout() -> None:
    timeout_ms = 1000
    with dead_receiver() as url:
        manager = otlp_manager(
            url, max_queue_size=2048, max_export_batch_size=512, export_timeout_ms=timeout_ms
        )
        make_spans(manager, 3000)
        started = time.monotonic()
        manager.shutdown()
        took = time.monotonic() - started
        print(f"shutdown with a dead receiver took {took:.2f}s (timeout {timeout_ms} ms)")
    # A correctness bound, not a speed target: shutdown must not hang on a dead exporter.
    assert took < timeout_ms / 1000 + GRACE_SECONDS + 2.0, f"shutdown took {took:.1f}s"
    found = counts(manager.metrics)
    assert found["ended"] == 3000
    assert found["exported"] == 0
    assert found["ended"] == dropped(found), found
    assert found["timeout"] + found["shutdown"] > 0, found  # how the split falls is timing


def test_an_export_that_outlives_its_budget_counts_as_timeout() -> None:
    with dead_receiver() as url:
        manager = otlp_manager(url, schedule_delay_ms=10, export_timeout_ms=300)
        make_spans(manager, 3)
        manager.force_flush(2_000)  # the one export runs out of time before this returns
        manager.shutdown()
    found = counts(manager.metrics)
    assert found["ended"] == 3
    assert found["timeout"] == 3, found


def test_a_closed_port_counts_export_failed() -> None:
    with dead_receiver() as url:
        pass  # closed again: connections are refused
    manager = otlp_manager(url, export_timeout_ms=500)
    make_spans(manager, 5)
    manager.shutdown()
    found = counts(manager.metrics)
    assert found["ended"] == 5
    assert found["export_failed"] + found["timeout"] + found["shutdown"] == 5, found
    assert found["exported"] == 0


def test_spans_ended_after_shutdown_are_counted_as_shutdown() -> None:
    with slow_receiver(delay=0.0) as (url, _):
        manager = otlp_manager(url)
        make_spans(manager, 2)
        manager.shutdown()
        make_spans(manager, 3)
    found = counts(manager.metrics)
    assert (found["ended"], found["exported"], found["shutdown"]) == (5, 2, 3)


def test_exporter_timeout_is_the_configured_export_timeout() -> None:
    config = config_from_mapping({"batch": {"export_timeout_ms": 1500}})
    exporter = build_span_exporter("otlp", config)
    assert exporter._client._timeout == 1.5  # type: ignore[attr-defined]


def test_the_smaller_otlp_timeout_wins() -> None:
    env = {"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "0.5", "OTEL_BSP_EXPORT_TIMEOUT": "4000"}
    config = config_from_mapping({}, env=env)
    assert config.otlp.timeout_ms == 500
    exporter = build_span_exporter("otlp", config)
    assert exporter._client._timeout == 0.5  # type: ignore[attr-defined]


def test_a_timeout_variable_that_is_not_a_number_is_refused() -> None:
    from filagent.telemetry.config import ConfigError

    with pytest.raises(ConfigError, match="OTEL_EXPORTER_OTLP_TIMEOUT: found 'soon', expected a"):
        config_from_mapping({}, env={"OTEL_EXPORTER_OTLP_TIMEOUT": "soon"})


class RaisingExporter(SpanExporter):
    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        raise OSError("broken exporter")


def test_an_exporter_that_raises_counts_export_failed_and_keeps_working() -> None:
    from opentelemetry.sdk.trace import TracerProvider

    metrics = Metrics()
    provider = TracerProvider()
    processor = AccountedBatchSpanProcessor(
        RaisingExporter(), metrics, max_export_batch_size=2, schedule_delay_ms=10
    )
    provider.add_span_processor(processor)  # type: ignore[arg-type]
    tracer = provider.get_tracer("t")
    for _ in range(4):
        with tracer.start_as_current_span("s"):
            pass
    assert processor.force_flush(5_000)
    provider.shutdown()
    assert sample(metrics, "filagent_spans_dropped_total", reason="export_failed") == 4


def test_every_drop_reason_is_exposed_at_zero() -> None:
    body, _ = Metrics().render()
    for reason in DROP_REASONS:
        assert f'filagent_spans_dropped_total{{reason="{reason}"}} 0.0' in body.decode()


def test_an_unknown_drop_reason_is_refused() -> None:
    with pytest.raises(ValueError, match="a drop reason must be one of queue_full"):
        Metrics().spans_dropped(1, reason="lost")  # type: ignore[arg-type]


def test_the_batch_timeout_variable_reaches_the_exporter() -> None:
    config = config_from_mapping({}, env={"OTEL_BSP_EXPORT_TIMEOUT": "1500"})
    exporter = build_span_exporter("otlp", config)
    assert exporter._client._timeout == 1.5  # type: ignore[attr-defined]


@pytest.mark.slow
def test_filagent_serve_stops_within_its_export_timeout_when_the_receiver_is_dead(
    tmp_path: Path,
) -> None:
    port = free_port()
    with dead_receiver() as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FILAGENT_", "OTEL_"))}
        env.update(
            OTEL_EXPORTER_OTLP_ENDPOINT=url,
            OTEL_BSP_EXPORT_TIMEOUT="1000",
            OTEL_BSP_SCHEDULE_DELAY="10",
            FILAGENT_RECORDS_PATH=str(tmp_path / "r.jsonl"),
            FILAGENT_USER_ID_SECRET="accounting-secret-0123",
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "filagent", "serve", "--no-search", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    body = {"messages": [{"role": "user", "content": "What is 2+2?"}]}
                    answer = httpx.post(f"http://127.0.0.1:{port}/chat", json=body, timeout=10)
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline
                    assert process.poll() is None
                    time.sleep(0.1)
            assert answer.status_code == 200
            time.sleep(0.2)  # the batch is in flight to the dead receiver
            started = time.monotonic()
            process.send_signal(signal.SIGTERM)
            code = process.wait(30)
            took = time.monotonic() - started
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(10)
    print(f"filagent serve stopped {took:.2f}s after SIGTERM (export timeout 1 s)")
    assert code == 0
    # A correctness bound, generous: not hanging on the dead receiver (it took 20 s or more).
    assert took < 1.0 + GRACE_SECONDS + 3.0, f"stopping took {took:.1f}s"
