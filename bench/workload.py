"""The shared workload of the benchmarks: FilAgent-shaped requests into a fresh capture.

One request is 101 spans shaped like FilAgent's HTN path: a SERVER root, routing, a model
call, and 24 tasks each calling a tool that searches over HTTP (task, tool, HTTP client,
HTTP server spans). The spans carry the volatile values a real trace holds: uuids, ports,
durations, echoed trace ids. ``fresh_capture`` creates them with a plain SDK provider inside
``capture_spans()`` and returns the time the SDK took, the reference every user-wait
benchmark divides by.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from collections.abc import Callable

from opentelemetry.sdk.trace import Tracer, TracerProvider
from opentelemetry.trace import SpanKind

from pytest_filagent_trace import TraceCapture, capture_spans

REQUESTS = 100
TASKS = 24
# Per request: POST /chat, agent.route, agent.run_with_htn, a model call, execution, and
# four spans per task (task, tool, HTTP client, HTTP server): 101.
SPANS_PER_REQUEST = 5 + 4 * TASKS
TOOLS = ("calculator", "file_read", "web_search")


def request(tracer: Tracer, rng: random.Random, number: int) -> None:
    """One agent request: its spans end inside the caller's capture."""
    conversation = str(uuid.UUID(int=rng.getrandbits(128)))
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
    task_id = str(uuid.UUID(int=rng.getrandbits(128)))
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


def fresh_capture(provider: TracerProvider, seed: int) -> tuple[TraceCapture, float]:
    """A fresh capture of ``REQUESTS`` requests, and the seconds the SDK took creating them."""
    tracer = provider.get_tracer("bench")
    rng = random.Random(seed)
    with capture_spans(provider) as capture:
        start = time.perf_counter()
        for number in range(REQUESTS):
            request(tracer, rng, number)
        created = time.perf_counter() - start
    if len(capture) != REQUESTS * SPANS_PER_REQUEST:
        raise RuntimeError(f"expected {REQUESTS * SPANS_PER_REQUEST} spans, got {len(capture)}")
    return capture, created


def timed(job: Callable[[], object]) -> float:
    """Seconds ``job`` takes once."""
    start = time.perf_counter()
    job()
    return time.perf_counter() - start


def against_creation(
    rounds: int, job: Callable[[TraceCapture], object]
) -> tuple[float, float, float]:
    """Medians over ``rounds`` fresh captures: (creation ms, job ms, job / creation).

    Creation and the job run in the same round, so load on the machine slows both alike;
    one warm-up round first pays for imports, regex compilation and first allocations.
    """
    provider = TracerProvider()
    created: list[float] = []
    took: list[float] = []
    for seed in range(rounds + 1):
        capture, seconds = fresh_capture(provider, seed)
        elapsed = timed(lambda capture=capture: job(capture))
        if seed:
            created.append(seconds)
            took.append(elapsed)
        # As between two tests: the next capture starts without this one in memory.
        del capture
    provider.shutdown()
    create_ms = statistics.median(created) * 1000
    job_ms = statistics.median(took) * 1000
    return create_ms, job_ms, job_ms / create_ms


def compare_with_creation(
    description: str, job: Callable[[TraceCapture], object], label: str, target: float
) -> int:
    """The command line of a user-wait benchmark: time ``job`` on fresh captures against
    their creation, print both medians and the ratio, return 1 when ``target`` is missed."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rounds", type=int, default=7, help="rounds to take medians over")
    rounds = parser.parse_args().rounds
    create_ms, job_ms, ratio = against_creation(rounds, job)
    print(f"fresh capture of {REQUESTS * SPANS_PER_REQUEST:,} spans, medians of {rounds} rounds")
    print(f"  SDK creating the spans  {create_ms:8.1f} ms")
    print(f"  {label:<22}  {job_ms:8.1f} ms")
    verdict = "met" if ratio <= target else "MISSED"
    print(f"{label} / creation: {ratio:.3f}x (target <= {target}x: {verdict})")
    return 0 if ratio <= target else 1
