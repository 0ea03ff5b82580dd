"""How assert_span_tree scales, measured from a fresh capture, as ratios in one run.

Same-named siblings that only their children tell apart: a ``batch`` span with N
``task`` children, each holding its own ``step.<i>`` span, created with the SDK inside
``capture_spans()``. The expectation lists the tasks in the tree's order, then shuffled;
each is timed as the first ``assert_span_tree`` on a fresh capture (tree building
included). Targets: shuffled within 3x of in order at 4,000 siblings, and a growth
exponent (shuffled, 1,000 to 4,000 siblings) of at most 1.5, not 2 or more (tree building
and the garbage collector keep even the in-order case a little above 1).

The first ``assert_span_tree`` on a large fresh capture is ``first_assert.py``'s figure.

Run: ``python bench/match_scale.py``; exit status 1 when a target is missed.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable

from opentelemetry.sdk.trace import TracerProvider

from pytest_filagent_trace import (
    TraceCapture,
    assert_span_tree,
    capture_spans,
    span,
)

SIZES = (1_000, 2_000, 4_000)
REPEATS = 3
TARGET_RATIO = 3.0
TARGET_EXPONENT = 1.5


def _wide(provider: TracerProvider, siblings: int) -> None:
    tracer = provider.get_tracer("bench")
    with tracer.start_as_current_span("batch"):
        for index in range(siblings):
            with (
                tracer.start_as_current_span("task"),
                tracer.start_as_current_span(f"step.{index}"),
            ):
                pass


def _fresh(provider: TracerProvider, create: Callable[[], object]) -> tuple[TraceCapture, float]:
    """A capture holding what ``create`` made, and how long the SDK took to make it."""
    with capture_spans(provider) as capture:
        start = time.perf_counter()
        create()
        seconds = time.perf_counter() - start
    return capture, seconds


def _first_assert(
    provider: TracerProvider, create: Callable[[], object], expected: object
) -> tuple[float, float]:
    """Best of a few (creation seconds, first assert_span_tree seconds), each fresh."""
    best_create, best_match = math.inf, math.inf
    for _ in range(REPEATS):
        capture, created = _fresh(provider, create)
        start = time.perf_counter()
        assert_span_tree(capture, expected)  # type: ignore[arg-type]
        best_match = min(best_match, time.perf_counter() - start)
        best_create = min(best_create, created)
    return best_create, best_match


def _siblings(provider: TracerProvider) -> bool:
    print("same-named siblings told apart by their children (first assert, fresh capture)")
    print(f"{'siblings':>9} {'in order':>10} {'shuffled':>10} {'ratio':>7}")
    shuffled_times: dict[int, float] = {}
    ratio = math.inf
    for size in SIZES:
        tasks = [span("task", span(f"step.{index}")) for index in range(size)]
        mixed = list(tasks)
        random.Random(size).shuffle(mixed)
        _, ordered = _first_assert(
            provider, lambda size=size: _wide(provider, size), span("batch", *tasks)
        )
        _, shuffled = _first_assert(
            provider, lambda size=size: _wide(provider, size), span("batch", *mixed)
        )
        shuffled_times[size] = shuffled
        ratio = shuffled / ordered
        print(f"{size:>9,} {ordered * 1e3:>8.1f}ms {shuffled * 1e3:>8.1f}ms {ratio:>6.2f}x")
    low, high = SIZES[0], SIZES[-1]
    exponent = math.log(shuffled_times[high] / shuffled_times[low]) / math.log(high / low)
    ok = ratio <= TARGET_RATIO and exponent <= TARGET_EXPONENT
    print(
        f"shuffled/in order at {high:,}: {ratio:.2f}x (target <= {TARGET_RATIO}x);"
        f" growth exponent {exponent:.2f} (target <= {TARGET_EXPONENT})"
        f" -> {'ok' if ok else 'MISSED'}"
    )
    return ok


def main() -> int:
    provider = TracerProvider()
    ok = _siblings(provider)
    provider.shutdown()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
