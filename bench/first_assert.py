"""What the first ``assert_span_tree`` on a fresh capture costs a user, tree building included.

Each round creates 10,100 FilAgent-shaped spans (100 HTN requests of 101 spans, see
``workload.py``) with an SDK tracer inside ``capture_spans()``, then runs one
``assert_span_tree`` describing every request on that fresh capture: converting the spans,
linking the trees and matching. Both are timed in the same round; the ratio of the
medians is the figure:

    first assert_span_tree / span creation   target: at most 0.15

Run: ``.venv/bin/python bench/first_assert.py [--rounds 7]``; exits 1 when the target is
missed.
"""

from __future__ import annotations

from workload import REQUESTS, TASKS, compare_with_creation

from pytest_filagent_trace import SpanPattern, TraceCapture, assert_span_tree, span

TARGET_RATIO = 0.15

EXPECTED: SpanPattern = span(
    "POST /chat",
    span("agent.route", attributes={"route.mode": "htn"}),
    span(
        "agent.run_with_htn",
        span("chat rule", kind="CLIENT"),
        span(
            "agent.htn.execution",
            span("agent.htn.task", span("tool.execute.*", ...), count=TASKS),
        ),
    ),
    kind="SERVER",
    count=REQUESTS,
)


def first_assert(capture: TraceCapture) -> None:
    assert_span_tree(capture, EXPECTED)


def main() -> int:
    return compare_with_creation(
        __doc__.splitlines()[0], first_assert, "first assert_span_tree", TARGET_RATIO
    )


if __name__ == "__main__":
    raise SystemExit(main())
