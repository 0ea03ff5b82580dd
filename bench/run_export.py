"""Cost of ``--trace-run-export``, as ratios to what the spans cost anyway, measured side by side.

1. One test's share, in this process: the run export's work for a test of 2,000 spans
   (reading the capture, copying its spans into the run's trace, encoding them as
   OTLP/JSON and POSTing them to a ``TraceReceiver`` in another process, one request per
   test: the worst case, since the plugin batches up to ``BATCH_SPANS`` spans) against the
   SDK's own ``OTLPSpanExporter.export`` of the same spans to the same receiver.
   Target: <= 1.25x.
2. A whole suite, each run a fresh pytest process: 200 tests x 50 spans using
   ``trace_capture``, with ``--trace-run-export``, with ``--trace-export=FILE``, and with the
   SDK's OTLP exporter behind a ``BatchSpanProcessor`` (which sends from a thread of its
   own, where the run export sends between tests). Target: ``--trace-run-export`` <= 1.5x
   the SDK exporter's run.

Repeats are interleaved in a rotating order so machine noise hits every variant alike;
medians are printed. Exits 1 when a target is missed.

    .venv/bin/python bench/run_export.py [--repeats 15] [--spans 2000] [--suite-repeats 3]

The receiver is this package's own, in Python: most of "send" is its parsing, which a
Collector does faster.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from opentelemetry.sdk.trace import TracerProvider

from pytest_filagent_trace._capture import CaptureProcessor, TraceCapture
from pytest_filagent_trace._otlp.http_target import target_from_url
from pytest_filagent_trace._otlp.run_trace import (
    CaseResult,
    RunIds,
    case_span,
    new_span_id,
    reparented,
)
from pytest_filagent_trace._otlp.write import otlp_json

RECEIVER = """
import sys
from pytest_filagent_trace import TraceReceiver
with TraceReceiver() as receiver:
    print(receiver.endpoint, flush=True)
    sys.stdin.read()
"""

SUITE = """
import pytest
from opentelemetry import trace

tracer = trace.get_tracer("bench.suite")

@pytest.mark.parametrize("index", range({tests}))
def test_spans(index, trace_capture):
    for _ in range({spans} // 10):
        with tracer.start_as_current_span("request") as root:
            root.set_attribute("http.route", "/chat")
            for step in range(9):
                with tracer.start_as_current_span("step") as span:
                    span.set_attribute("step.index", step)
    assert len(trace_capture) == {spans}
"""
# The same spans exported the SDK's way: its OTLP/HTTP exporter behind a BatchSpanProcessor.
SDK_CONFTEST = """
import os
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

provider = TracerProvider()
exporter = OTLPSpanExporter(endpoint=os.environ["BENCH_RECEIVER"] + "/v1/traces")
provider.add_span_processor(BatchSpanProcessor(exporter))
trace.set_tracer_provider(provider)


def pytest_unconfigure(config):
    provider.shutdown()
"""
BASE_ARGS = ("-q", "-p", "no:randomly", "-p", "no:cacheprovider", "-p", "no:xdist")


@contextmanager
def receiver_process() -> Iterator[str]:
    """A TraceReceiver in a process of its own, as a collector would be; yields its URL."""
    process = subprocess.Popen(
        [sys.executable, "-c", RECEIVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=10)


def burst(provider: TracerProvider, spans: int) -> None:
    tracer = provider.get_tracer("bench")
    for index in range(spans // 4):
        with tracer.start_as_current_span("request") as root:
            root.set_attribute("request.index", index)
            root.set_attribute("http.route", "/chat")
            with (
                tracer.start_as_current_span("agent.run"),
                tracer.start_as_current_span("tool.execute.calculator") as tool,
            ):
                tool.set_attribute("tool.name", "calculator")
            with tracer.start_as_current_span("agent.verify"):
                pass


def one_test(endpoint: str, repeats: int, spans: int) -> dict[str, float]:
    processor = CaptureProcessor()
    provider = TracerProvider()
    provider.add_span_processor(processor)
    target = target_from_url(endpoint)
    ids = RunIds.new()
    times: dict[str, list[float]] = {"burst": [], "copy": [], "encode": [], "send": []}
    for repeat in range(repeats + 2):  # two warm-up rounds
        capture = TraceCapture()
        gc.collect()
        start = time.perf_counter()
        processor.open_test("bench::test", capture)
        burst(provider, spans)
        processor.close_test()
        burst_end = time.perf_counter()
        span_id = new_span_id()
        children = reparented(capture.spans, ids.trace_id, span_id)
        result = CaseResult("bench::test", "passed", 0, 1)
        batch = [case_span(ids, result, {"service.name": "pytest"}, children, span_id), *children]
        copied = time.perf_counter()
        body = otlp_json(batch).encode("utf-8")
        encoded = time.perf_counter()
        error = target.send(body)
        sent = time.perf_counter()
        assert error is None, error
        capture.release()
        if repeat >= 2:
            for name, value in (
                ("burst", burst_end - start),
                ("copy", copied - burst_end),
                ("encode", encoded - copied),
                ("send", sent - encoded),
            ):
                times[name].append(value)
    return {name: statistics.median(values) for name, values in times.items()}


def suite_wall(project: Path, *args: str, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", *BASE_ARGS, *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if completed.returncode != 0 or "could not send" in completed.stdout:
        raise SystemExit(f"pytest failed in {project}:\n{completed.stdout}\n{completed.stderr}")
    return wall


def sdk_export(endpoint: str, repeats: int, spans: int) -> float:
    """The SDK's own OTLP/HTTP exporter sending the same burst's spans: the reference."""
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    exporter = OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces")
    times = []
    for repeat in range(repeats + 2):
        memory.clear()
        burst(provider, spans)
        finished = memory.get_finished_spans()
        gc.collect()
        start = time.perf_counter()
        exporter.export(finished)
        if repeat >= 2:
            times.append(time.perf_counter() - start)
    exporter.shutdown()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--spans", type=int, default=2000)
    parser.add_argument("--suite-repeats", type=int, default=3)
    parser.add_argument("--tests", type=int, default=200)
    args = parser.parse_args()
    missed = []

    with receiver_process() as endpoint, tempfile.TemporaryDirectory() as tmp:
        share = one_test(endpoint, args.repeats, args.spans)
        sdk = sdk_export(endpoint, args.repeats, args.spans)
        export = share["copy"] + share["encode"] + share["send"]
        print(
            f"one test of {args.spans} spans, medians of {args.repeats}: burst into a capture "
            f"{share['burst'] * 1e3:.1f} ms; run export {export * 1e3:.1f} ms "
            f"(copy {share['copy'] * 1e3:.1f}, encode {share['encode'] * 1e3:.1f}, "
            f"send {share['send'] * 1e3:.1f}); the SDK's OTLPSpanExporter {sdk * 1e3:.1f} ms; "
            f"run export / SDK exporter {export / sdk:.2f}x (target <= 1.25x)"
        )
        if export / sdk > 1.25:
            missed.append("one test")

        plain, with_sdk = Path(tmp) / "plain", Path(tmp) / "sdk"
        for project in (plain, with_sdk):
            project.mkdir()
            suite = SUITE.format(tests=args.tests, spans=50)
            (project / "test_suite.py").write_text(textwrap.dedent(suite))
            (project / "pytest.ini").write_text("[pytest]\n")
        (with_sdk / "conftest.py").write_text(SDK_CONFTEST)
        variants = {
            "trace_capture only": (plain, ()),
            "--trace-run-export": (plain, (f"--trace-run-export={endpoint}",)),
            "--trace-export=FILE": (plain, (f"--trace-export={plain / 'out.jsonl'}",)),
            "SDK OTLP exporter (batch)": (with_sdk, ()),
        }
        env = {**os.environ, "BENCH_RECEIVER": endpoint}
        walls: dict[str, list[float]] = {name: [] for name in variants}
        names = list(variants)
        for repeat in range(args.suite_repeats):
            shift = repeat % len(names)
            for name in names[shift:] + names[:shift]:
                project, extra = variants[name]
                walls[name].append(suite_wall(project, *extra, env=env))
    median = {name: statistics.median(values) for name, values in walls.items()}
    base = median["trace_capture only"]
    ratio = median["--trace-run-export"] / median["SDK OTLP exporter (batch)"]
    print(
        f"{args.tests} tests x 50 spans, wall medians of {args.suite_repeats} fresh processes: "
        + ", ".join(f"{name} {wall:.2f} s ({wall / base:.2f}x)" for name, wall in median.items())
        + f"; --trace-run-export / SDK exporter {ratio:.2f}x (target <= 1.5x)"
    )
    if ratio > 1.5:
        missed.append("suite")
    if missed:
        raise SystemExit(f"targets missed: {', '.join(missed)}")


if __name__ == "__main__":
    main()
