"""Cost of capturing spans, as a ratio to the bare OpenTelemetry SDK, measured side by side.

What a user waits on, per test: a fresh ``TraceCapture`` is opened, a burst creates 2,000
spans the way a large test does (nested, with attributes), the test is closed (leak check)
and its spans are released, as the plugin does after each test's report. The burst alone
(what the test body waits on) and the whole cycle are both reported. The other variants do
the same work their own way: the bare SDK keeps nothing, the in-memory exporter and the
append-only processor clear their list. Variants run interleaved, in a rotating order, in
every repeat so that machine noise hits them alike; the medians and their ratios to the bare
SDK are printed. The append-only processor is the floor any capturing processor pays:
keeping the finished spans alive costs more than the processor's own code.

    .venv/bin/python bench/capture_overhead.py [--repeats 30] [--spans 2000]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable

from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from pytest_filagent_trace._capture import CaptureProcessor, TraceCapture

SPANS_PER_GROUP = 4


class AppendOnlyProcessor(SpanProcessor):
    """The floor: a processor that does nothing but append finished spans to a list."""

    def __init__(self) -> None:
        self.spans: list[ReadableSpan] = []

    def on_end(self, span: ReadableSpan) -> None:
        self.spans.append(span)


def burst(provider: TracerProvider, spans: int) -> None:
    tracer = provider.get_tracer("bench")
    for index in range(spans // SPANS_PER_GROUP):
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


def variants() -> dict[str, tuple[TracerProvider, Callable[[], None], Callable[[], None]]]:
    """Name -> (provider, before each burst, after each burst)."""

    def nothing() -> None:
        pass

    bare = TracerProvider()

    exporter = InMemorySpanExporter()
    in_memory = TracerProvider()
    in_memory.add_span_processor(SimpleSpanProcessor(exporter))

    appender = AppendOnlyProcessor()
    append_only = TracerProvider()
    append_only.add_span_processor(appender)

    processor = CaptureProcessor()
    captured = TracerProvider()
    captured.add_span_processor(processor)

    current: list[TraceCapture] = []

    def open_test() -> None:
        capture = TraceCapture()
        current.append(capture)
        processor.open_test("bench::burst", capture)

    def close_test() -> None:
        leaks = processor.close_test()
        assert not leaks, leaks
        capture = current.pop()
        assert len(capture), "nothing was captured"
        capture.release()

    return {
        "bare SDK (no processor)": (bare, nothing, nothing),
        "SimpleSpanProcessor(InMemorySpanExporter())": (in_memory, nothing, exporter.clear),
        "append-only processor (floor)": (append_only, nothing, appender.spans.clear),
        "pytest_filagent_trace CaptureProcessor": (captured, open_test, close_test),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--spans", type=int, default=2000)
    args = parser.parse_args()

    runs = variants()
    bursts: dict[str, list[float]] = {name: [] for name in runs}
    cycles: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(3):  # warm-up: imports, caches, first allocations
        for provider, before, after in runs.values():
            before()
            burst(provider, args.spans)
            after()
    names = list(runs)
    for repeat in range(args.repeats):
        # Rotating the order keeps any drift of the machine from favouring one variant.
        shift = repeat % len(names)
        for name in names[shift:] + names[:shift]:
            provider, before, after = runs[name]
            gc.collect()
            start = time.perf_counter()
            before()
            burst(provider, args.spans)
            burst_end = time.perf_counter()
            after()
            end = time.perf_counter()
            bursts[name].append(burst_end - start)
            # Closing and releasing frees the kept spans: part of what a test run waits on.
            cycles[name].append(end - start)

    burst_median = {name: statistics.median(values) for name, values in bursts.items()}
    cycle_median = {name: statistics.median(values) for name, values in cycles.items()}
    bare = "bare SDK (no processor)"
    print(
        f"{args.spans} spans per burst, from a fresh capture to its release; "
        f"medians of {args.repeats} interleaved repeats"
    )
    width = max(len(name) for name in runs)
    print(
        f"{'variant':<{width}}  {'burst ms':>9}  {'us/span':>8}  {'ratio':>6}"
        f"  {'cycle ms':>14}  {'ratio':>6}"
    )
    for name in runs:
        print(
            f"{name:<{width}}  {burst_median[name] * 1e3:>9.2f}"
            f"  {burst_median[name] / args.spans * 1e6:>8.2f}"
            f"  {burst_median[name] / burst_median[bare]:>5.2f}x"
            f"  {cycle_median[name] * 1e3:>14.2f}"
            f"  {cycle_median[name] / cycle_median[bare]:>5.2f}x"
        )
    ours = "pytest_filagent_trace CaptureProcessor"
    in_memory = "SimpleSpanProcessor(InMemorySpanExporter())"
    floor = "append-only processor (floor)"
    print(
        f"append-only floor vs bare SDK: {burst_median[floor] / burst_median[bare]:.2f}x per "
        f"burst, {cycle_median[floor] / cycle_median[bare]:.2f}x for the whole cycle"
    )
    print(
        f"capture vs bare SDK: {burst_median[ours] / burst_median[bare]:.2f}x per burst, "
        f"{cycle_median[ours] / cycle_median[bare]:.2f}x for the whole cycle (target <= 1.15x); "
        f"vs the in-memory exporter: {burst_median[ours] / burst_median[in_memory]:.2f}x"
    )


if __name__ == "__main__":
    main()
