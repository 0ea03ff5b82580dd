"""What reading an expected tree costs against the match it feeds, at growing sizes.

For each size, a fresh capture of FilAgent-shaped requests (101 spans each, see
``workload.py``) is rendered in the text form (``render_tree``, every attribute shown),
the way a user pastes ``--trace-tree`` output into a test. Then, on that capture:

- ``parse_tree(text)``: reading the text back as patterns;
- ``assert_span_tree(capture, patterns)``: matching them, on trees already built, so the
  figure compares the parser with the matcher alone.

Both run in the same round; medians over the rounds. Targets: parsing costs at most the
match (ratio <= 1.0) at every size, and grows linearly: its growth exponent from the
smallest to the largest size stays at most 1.2.

Run: ``.venv/bin/python bench/parse_scale.py [--rounds 5]``; exits 1 when a target is
missed.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics

from opentelemetry.sdk.trace import TracerProvider
from workload import SPANS_PER_REQUEST, request, timed

from pytest_filagent_trace import assert_span_tree, capture_spans, parse_tree, render_tree

REQUESTS = (10, 40, 100)
TARGET_RATIO = 1.0
TARGET_EXPONENT = 1.2


def one_round(provider: TracerProvider, requests: int, seed: int) -> tuple[float, float]:
    """(seconds parsing, seconds matching) for a fresh capture of ``requests`` requests."""
    tracer = provider.get_tracer("bench")
    rng = random.Random(seed)
    with capture_spans(provider) as capture:
        for number in range(requests):
            request(tracer, rng, number)
    text = render_tree(capture)
    capture.traces()  # trees built before the clock starts: the match alone is timed
    patterns: list[object] = []
    parsed = timed(lambda: patterns.extend(parse_tree(text)))
    matched = timed(lambda: assert_span_tree(capture, patterns))  # type: ignore[arg-type]
    return parsed, matched


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds to take medians over")
    rounds = parser.parse_args().rounds
    provider = TracerProvider()
    one_round(provider, REQUESTS[0], 0)  # warm-up: imports, regex compilation
    print(f"{'spans':>7} {'parse_tree':>11} {'match':>9} {'ratio':>7}")
    parse_ms: dict[int, float] = {}
    worst = 0.0
    for requests in REQUESTS:
        results = [one_round(provider, requests, seed) for seed in range(1, rounds + 1)]
        parsed = statistics.median(parse for parse, _ in results) * 1000
        matched = statistics.median(match for _, match in results) * 1000
        parse_ms[requests] = parsed
        worst = max(worst, parsed / matched)
        spans = requests * SPANS_PER_REQUEST
        print(f"{spans:>7,} {parsed:>9.1f}ms {matched:>7.1f}ms {parsed / matched:>6.2f}x")
    provider.shutdown()
    low, high = REQUESTS[0], REQUESTS[-1]
    exponent = math.log(parse_ms[high] / parse_ms[low]) / math.log(high / low)
    ok = worst <= TARGET_RATIO and exponent <= TARGET_EXPONENT
    print(
        f"parse/match at worst {worst:.2f}x (target <= {TARGET_RATIO}x); growth exponent"
        f" {exponent:.2f} (target <= {TARGET_EXPONENT}) -> {'ok' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
