"""What a trace snapshot costs a user: ``serialize_traces`` of a fresh 10,100-span capture.

Each round creates 10,100 spans with an SDK tracer inside ``capture_spans()`` (100 agent
requests shaped like FilAgent's: a SERVER root, routing, a model call, tool calls
over HTTP with their client and server spans, carrying the volatile values
a real trace holds: uuids, ports, durations, echoed trace ids), then takes the snapshot
text of that fresh capture, tree building included. Both are timed in the same round, so
load on the machine slows them alike; the ratio of the medians is the figure:

    snapshot time / span creation time   target: at most 0.5

Run: ``.venv/bin/python bench/snapshot_scale.py [--rounds 7]``; exits 1 when the target is
missed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid

from opentelemetry.sdk.trace import Tracer, TracerProvider
from opentelemetry.trace import SpanKind

import pytest_filagent_trace
from pytest_filagent_trace import TraceCapture, serialize_traces

TARGET_RATIO = 0.5
REQUESTS = 100
TASKS = 24
# Per request: POST /chat, agent.route, agent.run_with_htn, a model call, execution, and
# four spans per task (task, tool, HTTP client, HTTP server): 101.
SPANS_PER_REQUEST = 5 + 4 * TASKS
TOOLS = ("calculator", "file_read", "web_search")


def request(tracer: Tracer, rng: random.Random, number: int) -> None:
    """One agent request: its spans end inside the caller's capture."""
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
            with tracer.start_as_current_span(
                "chat rule",
                kind=SpanKind.CLIENT,
                attributes={"gen_ai.operation.name": "chat", "gen_ai.usage.input_tokens": number},
            ):
                pass
            with tracer.start_as_current_span(
                "agent.htn.execution", attributes={"completed_tasks": TASKS}
            ):
                for index in range(TASKS):
                    task(tracer, rng, index, conversation, port, trace_id)


def task(
    tracer: Tracer, rng: random.Random, index: int, conversation: str, port: int, trace_id: str
) -> None:
    """One task calling a tool, which searches over HTTP: four spans."""
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


def one_round(seed: int) -> tuple[float, float, int]:
    """(seconds creating the spans, seconds taking their snapshot, spans captured)."""
    provider = TracerProvider()
    tracer = provider.get_tracer("bench")
    rng = random.Random(seed)
    capture: TraceCapture
    with pytest_filagent_trace.capture_spans(provider) as capture:
        start = time.perf_counter()
        for number in range(REQUESTS):
            request(tracer, rng, number)
        created = time.perf_counter() - start
    start = time.perf_counter()
    serialize_traces(capture)
    snapshot = time.perf_counter() - start
    provider.shutdown()
    if len(capture) != REQUESTS * SPANS_PER_REQUEST:
        raise RuntimeError(
            f"expected {REQUESTS * SPANS_PER_REQUEST} spans, captured {len(capture)}"
        )
    return created, snapshot, len(capture)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="rounds to take medians over")
    rounds = parser.parse_args().rounds
    one_round(0)  # warm-up: imports, regex compilation, first allocations
    created: list[float] = []
    snapshots: list[float] = []
    spans = 0
    for seed in range(1, rounds + 1):
        create, snapshot, spans = one_round(seed)
        created.append(create)
        snapshots.append(snapshot)
    create_ms = statistics.median(created) * 1000
    snapshot_ms = statistics.median(snapshots) * 1000
    ratio = snapshot_ms / create_ms
    print(f"fresh capture of {spans:,} spans, medians of {rounds} rounds")
    print(f"  SDK creating the spans     {create_ms:8.1f} ms")
    print(f"  serialize_traces(capture)  {snapshot_ms:8.1f} ms")
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    print(f"snapshot / creation: {ratio:.2f}x (target <= {TARGET_RATIO}x: {verdict})")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
