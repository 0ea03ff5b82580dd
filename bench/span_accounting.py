"""What the batch processor loses and how long it takes to stop, SDK's against FilAgent's.

Both processors export real OTLP/HTTP to receivers on 127.0.0.1, side by side in one run:

- **slow receiver** (20 ms per export, queue 64, batches of 16): 2,000 spans end in a
  burst; after shutdown, the spans the receiver got, and what each processor says it lost;
- **dead receiver** (accepts connections, never answers; export timeout 1 s): 3,000 spans,
  then the time ``shutdown()`` takes — also for ``before``, FilAgent's former pipeline
  (the SDK processor, its exporter left at its own 10 s default timeout).

The SDK's ``BatchSpanProcessor`` is given the same knobs (its exporter the same timeout);
it has no counter of its own, so its "counted lost" is what its exporter reported failed.

Target: FilAgent's accounting is exact (``ended == exported + dropped``) and its shutdown
takes at most the timeout plus one second.

Run: ``.venv/bin/python bench/span_accounting.py``; exits 1 when a target is missed.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from filagent.metrics import Metrics
from filagent.telemetry.accounting import DROP_REASONS, CountingSpanExporter, EndedSpanCounter
from filagent.telemetry.batching import GRACE_SECONDS, AccountedBatchSpanProcessor


@contextmanager
def slow_receiver(delay: float) -> Iterator[tuple[str, list[int]]]:
    received: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            time.sleep(delay)
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            received.append(
                sum(len(s.spans) for r in request.resource_spans for s in r.scope_spans)
            )
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            del format, args

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1/traces", received
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def dead_receiver() -> Iterator[str]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1/traces"
    finally:
        listener.close()


def run(kind: str, url: str, spans: int, timeout_ms: int, **knobs: int) -> dict[str, float]:
    metrics = Metrics()
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(EndedSpanCounter(metrics))  # type: ignore[arg-type]
    # "before": FilAgent's old pipeline, the SDK processor and the exporter's own 10 s default.
    exporter = OTLPSpanExporter(
        endpoint=url, timeout=None if kind == "before" else timeout_ms / 1000
    )
    if kind in ("sdk", "before"):
        counted = CountingSpanExporter(
            exporter, lambda ok, n: metrics.spans_exported(n) if ok else metrics.spans_dropped(n)
        )
        processor: Any = BatchSpanProcessor(
            counted,  # type: ignore[arg-type]
            export_timeout_millis=timeout_ms,
            max_queue_size=knobs["queue"],
            max_export_batch_size=knobs["batch"],
            schedule_delay_millis=10,
        )
    else:
        processor = AccountedBatchSpanProcessor(
            exporter,
            metrics,
            export_timeout_ms=timeout_ms,
            max_queue_size=knobs["queue"],
            max_export_batch_size=knobs["batch"],
            schedule_delay_ms=10,
        )
    provider.add_span_processor(processor)
    tracer = provider.get_tracer("bench")
    for number in range(spans):
        with tracer.start_as_current_span("burst", attributes={"n": number}):
            pass
    started = time.monotonic()
    provider.shutdown()
    took = time.monotonic() - started

    def value(name: str, **labels: str) -> float:
        return metrics.registry.get_sample_value(name, labels) or 0.0

    dropped = sum(value("filagent_spans_dropped_total", reason=r) for r in DROP_REASONS)
    return {
        "ended": value("filagent_spans_ended_total"),
        "exported": value("filagent_spans_exported_total"),
        "dropped": dropped,
        "shutdown_s": took,
    }


def main() -> int:
    ok = True
    print("slow receiver: 2,000 spans, queue 64, batches of 16, 20 ms per export")
    for kind in ("sdk", "filagent"):
        with slow_receiver(0.02) as (url, received):
            found = run(kind, url, 2000, 10_000, queue=64, batch=16)
            got = sum(received)
        unaccounted = found["ended"] - found["exported"] - found["dropped"]
        print(
            f"  {kind:8}: ended {found['ended']:5.0f}, received {got:5d}, counted lost "
            f"{found['dropped']:5.0f}, lost without a count {unaccounted:5.0f}"
        )
        if kind == "filagent":
            ok &= unaccounted == 0 and found["exported"] == got
    print("dead receiver: 3,000 spans, export timeout 1 s")
    for kind in ("before", "sdk", "filagent"):
        with dead_receiver() as url:
            found = run(kind, url, 3000, 1000, queue=2048, batch=512)
        print(f"  {kind:8}: shutdown took {found['shutdown_s']:5.2f} s")
        if kind == "filagent":
            ok &= found["shutdown_s"] <= 1.0 + GRACE_SECONDS + 0.5
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
