"""How selectors scale with wide and deep trees, as ratios measured in one run.

A selector is matched from its last step backwards; one pass over a capture remembers
which span passed which step and whether an ancestor or an earlier sibling did, so the
sibling combinators (``a ~ b``, ``a + b``) and the descendant one stay linear in the number
of spans instead of growing with siblings times siblings (or spans times depth).

Each selector runs over a tree of N siblings under one parent (``~``, ``+``) or a chain N
deep (descendant), made with the SDK inside ``capture_spans()``; the time is divided by
the time of the one-step selector ``task`` (or ``level``) over the same tree, in the same
run, so the ratio is what the combinator adds. Target: that ratio grows with an exponent
(1,000 to 8,000 spans) of at most 0.5; a combinator that compared siblings with siblings
would grow it with an exponent of 1. The ratio, not the time alone, is the target: on a
shared machine the time of both grows alike with the garbage collector and the noise.

``:has(...)`` looks below (or after) every span it is asked about, afresh for each: over
N siblings ``*:has(~ x)`` costs N times N/2. Put a name or a filter before it
(``pay:has(~ retry)``) so it is asked about few spans.

Run: ``python bench/select_scale.py``; exit status 1 when a target is missed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import set_span_in_context

from pytest_filagent_trace import SpanTree, capture_spans, select

SIZES = (1_000, 2_000, 4_000, 8_000)
REPEATS = 3
TARGET_EXPONENT = 0.5


def _wide(size: int) -> SpanTree:
    provider = TracerProvider()
    tracer = provider.get_tracer("bench")
    with capture_spans(provider) as capture, tracer.start_as_current_span("batch"):
        with tracer.start_as_current_span("first"):
            pass
        for index in range(size):
            with tracer.start_as_current_span("task", attributes={"index": index}):
                pass
    return capture.trace()


def _deep(size: int) -> SpanTree:
    provider = TracerProvider()
    tracer = provider.get_tracer("bench")
    with capture_spans(provider) as capture:
        spans = [tracer.start_span("top")]
        for _ in range(size):
            spans.append(tracer.start_span("level", context=set_span_in_context(spans[-1])))
        for opened in reversed(spans):
            opened.end()
    return capture.trace()


def _best(run: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


CASES: tuple[tuple[str, Callable[[int], SpanTree], str, str], ...] = (
    ("later sibling", _wide, "first ~ task[index>=0]", "task"),
    ("next sibling", _wide, "task + task", "task"),
    ("not a next sibling", _wide, "task:not(first + *)", "task"),
    ("descendant", _deep, "top level level", "level"),
    ("has a descendant (root only)", _deep, ":root:has(level:leaf)", "level"),
)


def main() -> int:
    print(f"{'selector':<44} {'spans':>6} {'select':>9} {'one step':>9} {'ratio':>6}")
    missed = False
    for label, build, selector, one_step in CASES:
        ratios = []
        for size in SIZES:
            tree = build(size)
            step = _best(lambda tree=tree, one_step=one_step: select(tree, one_step))
            took = _best(lambda tree=tree, selector=selector: select(tree, selector))
            ratios.append(took / step)
            print(
                f"{label + ': ' + selector:<44.44} {size:>6,} {took * 1e3:>7.1f}ms"
                f" {step * 1e3:>7.1f}ms {took / step:>5.1f}x"
            )
        exponent = math.log(ratios[-1] / ratios[0]) / math.log(SIZES[-1] / SIZES[0])
        ok = exponent <= TARGET_EXPONENT
        missed |= not ok
        verdict = "" if ok else "  MISSED"
        print(f"  ratio growth exponent {exponent:.2f} (target <= {TARGET_EXPONENT}){verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
