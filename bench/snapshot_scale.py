"""How long a trace snapshot takes to build, for a 10,000-span trace.

Measured side by side in one run, on the same finished spans:

- ``build_trees``: turning the finished SDK spans into a span tree;
- ``render_tree``: the plain text form of that tree (what ``--trace-tree`` prints);
- ``normalize_traces``: ids to ordinals, masks, canonical sibling order;
- ``serialize_traces``: one snapshot's text (normalized and rendered in one pass).

The target is a ``serialize_traces`` under 100 ms for 10,000 spans. The trace has the
shape of an agent request with parallel tool calls and HTTP client/server pairs, with
the volatile values a real one carries (uuids, ports, durations, echoed trace ids).

Run: ``.venv/bin/python bench/snapshot_scale.py [spans]``
"""

from __future__ import annotations

import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable

from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from pytest_filagent_trace._snapshot import normalize_traces, serialize_traces
from pytest_filagent_trace._spans import build_trees
from pytest_filagent_trace._textform import render_tree

TARGET_MS = 100.0
TARGET_SPANS = 10_000
REPEATS = 7
TOOLS = ("calculator", "file_read", "web_search")


def agent_trace(spans: int) -> list[ReadableSpan]:
    """Finished spans of one request: planning, then tasks each calling a tool over HTTP."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("bench")
    rng = random.Random(7)
    conversation = str(uuid.uuid4())
    port = rng.randint(20_000, 60_000)
    with tracer.start_as_current_span(
        "POST /chat",
        kind=SpanKind.SERVER,
        attributes={"http.request.method": "POST", "server.port": port, "url.path": "/chat"},
    ) as root:
        trace_id = format(root.get_span_context().trace_id, "032x")
        with tracer.start_as_current_span("agent.route", attributes={"route.mode": "htn"}):
            pass
        with tracer.start_as_current_span(
            "agent.run_with_htn", attributes={"conversation_id": conversation}
        ):
            # Each task makes 4 spans: task, tool, HTTP client, HTTP server.
            for index in range((spans - 3) // 4):
                tool = TOOLS[index % len(TOOLS)]
                task_id = str(uuid.uuid4())
                with (
                    tracer.start_as_current_span(
                        "agent.htn.task", attributes={"task_id": task_id, "index": index}
                    ),
                    tracer.start_as_current_span(
                        f"tool.execute.{tool}",
                        attributes={
                            "tool.name": tool,
                            "conversation_id": conversation,
                            "task_id": task_id,
                            "tool.duration_ms": rng.random() * 10,
                            "tool.execution.success": index % 7 != 0,
                        },
                    ),
                    tracer.start_as_current_span(
                        "GET",
                        kind=SpanKind.CLIENT,
                        attributes={
                            "url.full": f"http://127.0.0.1:{port}/search?q=item{index}",
                            "server.port": port,
                        },
                    ),
                    tracer.start_as_current_span(
                        "GET /search",
                        kind=SpanKind.SERVER,
                        attributes={"x_trace_id": trace_id, "client.port": rng.randint(1, 65535)},
                    ),
                ):
                    pass
    return list(exporter.get_finished_spans())


def measure(actions: dict[str, Callable[[], object]]) -> dict[str, tuple[float, float]]:
    """(best, median) wall time in ms of each action over REPEATS rounds.

    The actions run round-robin, one after the other in each round, so a busy machine
    slows them all alike and their ratios stay meaningful.
    """
    timings: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(REPEATS):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            timings[name].append((time.perf_counter() - start) * 1000)
    return {name: (min(times), statistics.median(times)) for name, times in timings.items()}


def main() -> int:
    argument = sys.argv[1] if len(sys.argv) > 1 else str(TARGET_SPANS)
    count = int(argument) if argument.isdigit() else 0
    if count < 7:
        print(
            f"usage: snapshot_scale.py [spans]: expected a number of spans of at least 7,"
            f" found {argument!r}",
            file=sys.stderr,
        )
        return 2
    finished = agent_trace(count)
    trees = build_trees(finished)
    print(f"trace of {len(finished):,} spans, best and median of {REPEATS} interleaved runs")

    rows = measure(
        {
            "build_trees": lambda: build_trees(finished),
            "render_tree (plain)": lambda: render_tree(trees),
            "normalize_traces": lambda: normalize_traces(trees),
            "serialize_traces": lambda: serialize_traces(trees),
        }
    )
    plain = rows["render_tree (plain)"][0]
    for name, (best, median) in rows.items():
        ratio = best / plain
        print(f"  {name:<22} {best:8.1f} ms  (median {median:6.1f} ms)  {ratio:5.2f}x render")
    serialize = rows["serialize_traces"][0]
    # The target is set for 10,000 spans; other sizes show how the time grows.
    verdict = (
        f" (target < {TARGET_MS:.0f} ms: {'met' if serialize < TARGET_MS else 'MISSED'})"
        if count == TARGET_SPANS
        else f" ({serialize * 1000 / len(finished):.1f} µs per span)"
    )
    print(
        f"snapshot of {len(finished):,} spans: {serialize:.1f} ms{verdict},"
        f" {serialize / rows['build_trees'][0]:.2f}x build_trees, {serialize / plain:.2f}x plain"
        " render"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
