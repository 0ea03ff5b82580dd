"""A small traced project for the trace snapshot tests that run pytest on it.

``PROGRAM`` is a tiny agent traced with the plain OpenTelemetry API: it runs its tools in
parallel threads and carries the usual volatile values (uuids, random ports, durations,
echoed trace ids). ``TESTS`` snapshots three of its traces; the ``project`` fixture of
``tests/plugin/conftest.py`` writes both into a pytester directory.
"""

from __future__ import annotations

from pathlib import Path

PROGRAM = '''
"""A tiny agent traced with the plain OpenTelemetry API; it knows nothing of pytest."""
import random
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from opentelemetry import context, trace

tracer = trace.get_tracer("agent")
ROUTE_MODE = "htn"


def _tool(name, task, conversation):
    with tracer.start_as_current_span(
        f"tool.execute.{name}",
        attributes={
            "tool.name": name,
            "task": task,
            "conversation_id": conversation,
            "tool.duration_ms": random.random(),
        },
    ):
        # Jitter, so the threads start and end in a different order on every run.
        time.sleep(random.random() / 500)


def chat(tools=("calculator", "search", "calculator", "search")):
    conversation = str(uuid.uuid4())
    port = random.randint(20000, 60000)
    with tracer.start_as_current_span(
        "POST /chat",
        kind=trace.SpanKind.SERVER,
        attributes={"server.port": port, "url.full": f"http://127.0.0.1:{port}/chat"},
    ) as request:
        trace_id = format(request.get_span_context().trace_id, "032x")
        request.set_attribute("x_trace_id", trace_id)
        with tracer.start_as_current_span("agent.route", attributes={"route.mode": ROUTE_MODE}):
            pass
        with tracer.start_as_current_span(
            "agent.run_with_htn", attributes={"conversation_id": conversation}
        ):
            parent = context.get_current()

            def run(task_and_name):
                token = context.attach(parent)
                try:
                    _tool(task_and_name[1], task_and_name[0] % 2, conversation)
                finally:
                    context.detach(token)

            with ThreadPoolExecutor(max_workers=4) as pool:
                list(pool.map(run, enumerate(tools)))
    return trace_id
'''

TESTS = """
import agent


def test_htn(trace_capture, trace_snapshot):
    agent.chat()
    assert trace_snapshot == trace_capture


def test_simple(trace_capture, trace_snapshot):
    agent.chat(tools=("calculator",))
    assert trace_snapshot == trace_capture


def test_health(trace_capture, trace_snapshot):
    assert trace_snapshot == trace_capture
"""

WITHOUT_HEALTH = TESTS.split("\n\ndef test_health", maxsplit=1)[0]


def snapshot_files(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` by its relative path, with its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }
