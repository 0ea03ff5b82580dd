"""How assert_span_tree scales: 1k, 10k and 100k spans, printed side by side.

Forests shaped like FilAgent's HTN traces (a SERVER root, routing, planning, a few tool
spans with HTTP clients below, verification), every trace with its own ids, matched
against expectations written four ways:

- round trip: the tree's own text form, parsed once (exact=True, ordered=True);
- unordered: the same patterns with the traces listed in reverse order, so every top-level
  span must be found among hundreds of same-named roots (exact=False, ordered=False);
- shape: a short hand-written pattern with globs, ``...`` and ``descendant`` applied to
  every trace;
- wide: one trace whose span has thousands of same-named children that differ only by an
  attribute, listed in shuffled order (the case where a greedy matcher fails or goes
  quadratic).

Run: ``python bench/match_scale.py`` (add ``--quick`` to stop at 10k spans).
"""

from __future__ import annotations

import itertools
import random
import sys
import time
from collections.abc import Callable
from typing import Any

from pytest_filagent_trace._match import (
    assert_span_tree,
    descendant,
    parse_tree,
    span,
)
from pytest_filagent_trace._spans import (
    SpanEvent,
    SpanNode,
    SpanTree,
)
from pytest_filagent_trace._textform import render_tree

TARGET_SPANS = 10_000
TARGET_SECONDS = 0.050


class _Ids:
    def __init__(self) -> None:
        self.next = 1

    def __call__(self) -> str:
        self.next += 1
        return format(self.next, "016x")


def _node(
    ids: _Ids,
    trace_id: str,
    parent: SpanNode | None,
    name: str,
    clock: list[int],
    *,
    kind: str = "INTERNAL",
    status: str = "UNSET",
    description: str | None = None,
    attributes: dict[str, Any] | None = None,
    events: list[SpanEvent] | None = None,
) -> SpanNode:
    clock[0] += 1_000
    node = SpanNode(
        name=name,
        kind=kind,
        status=status,
        status_description=description,
        attributes=attributes or {},
        events=events or [],
        trace_id=trace_id,
        span_id=ids(),
        parent_span_id=parent.span_id if parent else None,
        start_time=clock[0],
        end_time=clock[0] + 500,
        parent=parent,
    )
    if parent is not None:
        parent.children.append(node)
    return node


def _htn_trace(number: int, rng: random.Random, ids: _Ids, clock: list[int]) -> SpanTree:
    trace_id = format(number, "032x")
    conversation = f"conv-{number}"
    root = _node(
        ids,
        trace_id,
        None,
        "POST /chat",
        clock,
        kind="SERVER",
        attributes={
            "http.request.method": "POST",
            "http.route": "/chat",
            "http.response.status_code": 200,
            "url.scheme": "http",
            "conversation_id": conversation,
        },
    )
    _node(
        ids,
        trace_id,
        root,
        "agent.route",
        clock,
        attributes={"route.mode": "htn", "route.reason": "multi-step", "route.confidence": 0.9},
    )
    run = _node(
        ids,
        trace_id,
        root,
        "agent.run_with_htn",
        clock,
        attributes={
            "conversation_id": conversation,
            "task_id": f"task-{number}",
            "execution_mode": "htn",
            "gen_ai.operation.name": "invoke_agent",
        },
    )
    _node(
        ids,
        trace_id,
        run,
        "chat rule",
        clock,
        kind="CLIENT",
        attributes={"gen_ai.operation.name": "chat", "gen_ai.usage.input_tokens": 10 + number},
    )
    _node(ids, trace_id, run, "agent.htn.planning", clock, attributes={"strategy": "sequential"})
    execution = _node(
        ids, trace_id, run, "agent.htn.execution", clock, attributes={"completed_tasks": 3}
    )
    for tool in rng.sample(["calculator", "file_read", "web_search"], 3):
        failed = rng.random() < 0.1
        call = _node(
            ids,
            trace_id,
            execution,
            f"tool.execute.{tool}",
            clock,
            status="ERROR" if failed else "UNSET",
            description="ValueError: boom" if failed else None,
            attributes={
                "tool.name": tool,
                "conversation_id": conversation,
                "tool.execution.success": not failed,
                "tool.duration_ms": rng.randint(1, 50),
            },
            events=[SpanEvent("exception", {}, clock[0])] if failed else [],
        )
        if tool == "web_search":
            client = _node(
                ids,
                trace_id,
                call,
                "GET /search",
                clock,
                kind="CLIENT",
                attributes={"http.request.method": "GET", "server.port": 8001},
            )
            _node(
                ids,
                trace_id,
                client,
                "GET /search",
                clock,
                kind="SERVER",
                attributes={"http.route": "/search", "http.response.status_code": 200},
            )
    _node(ids, trace_id, run, "agent.htn.verification", clock, attributes={"level": "basic"})
    return SpanTree(trace_id=trace_id, roots=[root])


def htn_forest(spans: int, seed: int = 7) -> list[SpanTree]:
    """Whole HTN traces until ``spans`` spans (about 13 per trace)."""
    rng = random.Random(seed)
    ids, clock = _Ids(), [0]
    trees: list[SpanTree] = []
    total = 0
    while total < spans:
        tree = _htn_trace(len(trees) + 1, rng, ids, clock)
        trees.append(tree)
        total += len(tree)
    return trees


def wide_trace(spans: int, seed: int = 7) -> list[SpanTree]:
    """One trace: a root and one level of ``spans - 1`` same-named tool spans."""
    ids, clock = _Ids(), [0]
    trace_id = "f" * 32
    root = _node(ids, trace_id, None, "agent.htn.execution", clock)
    for number in range(spans - 1):
        _node(
            ids,
            trace_id,
            root,
            "tool.execute.calculator",
            clock,
            attributes={"tool.name": "calculator", "task_id": f"task-{number}"},
        )
    del seed
    return [SpanTree(trace_id=trace_id, roots=[root])]


def _best_of(repeat: int, run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def _measure(spans: int) -> dict[str, float]:
    repeat = 9 if spans <= TARGET_SPANS else 2
    forest = htn_forest(spans)
    text = render_tree(forest)
    start = time.perf_counter()
    patterns = parse_tree(text)
    parse_seconds = time.perf_counter() - start
    shuffled = list(reversed(patterns))

    shape = span(
        "POST /chat",
        span("agent.route", attributes={"route.mode": "htn"}),
        span(
            "agent.run_with_htn",
            span("agent.htn.execution", span("tool.execute.*", count=3)),
            descendant(span("GET /search", kind="SERVER")),
            ...,
        ),
        kind="SERVER",
        count=len(forest),
    )

    wide = wide_trace(spans)
    wide_patterns = parse_tree(render_tree(wide))
    root = wide_patterns[0]
    assert root is not ...
    rng = random.Random(3)
    wide_children = list(root.children)
    rng.shuffle(wide_children)
    wide_shuffled = span("agent.htn.execution", *wide_children)

    return {
        "parse text": parse_seconds,
        "round trip": _best_of(
            repeat, lambda: assert_span_tree(forest, patterns, exact=True, ordered=True)
        ),
        "unordered": _best_of(repeat, lambda: assert_span_tree(forest, shuffled)),
        "shape": _best_of(repeat, lambda: assert_span_tree(forest, [shape])),
        "wide": _best_of(repeat, lambda: assert_span_tree(wide, wide_shuffled, exact=True)),
    }


def main() -> int:
    sizes = [1_000, 10_000] if "--quick" in sys.argv else [1_000, 10_000, 100_000]
    results = {size: _measure(size) for size in sizes}
    cases = list(results[sizes[0]])
    print("assert_span_tree, best time per call (ms); µs/span in brackets")
    print(f"{'case':<12}" + "".join(f"{size:>22,}" for size in sizes))
    for case in cases:
        cells = ""
        for size in sizes:
            seconds = results[size][case]
            cells += f"{seconds * 1000:>12.1f} ({seconds / size * 1e6:5.2f} µs)"
        print(f"{case:<12}{cells}")
    print()
    steps = [f"{a:,}->{b:,}" for a, b in itertools.pairwise(sizes)]
    print("time ratio per 10x more spans (10.0 is linear; 1k fits in the CPU cache):")
    print(f"{'case':<12}" + "".join(f"{step:>18}" for step in steps))
    for case in cases:
        ratios = [results[b][case] / results[a][case] for a, b in itertools.pairwise(sizes)]
        print(f"{case:<12}" + "".join(f"{r:>17.1f}x" for r in ratios))
    at_target = results[TARGET_SPANS]
    shaped = max(at_target[case] for case in ("round trip", "unordered", "shape"))
    print()
    for label, seconds in (
        ("HTN-shaped cases", shaped),
        ("wide shuffled (adversarial)", at_target["wide"]),
    ):
        verdict = "within" if seconds < TARGET_SECONDS else "OVER"
        print(
            f"{label} at {TARGET_SPANS:,} spans: {seconds * 1000:.1f} ms"
            f" ({verdict} the {TARGET_SECONDS * 1000:.0f} ms target)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
