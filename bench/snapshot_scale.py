"""What a trace snapshot costs a user: ``serialize_traces`` of a fresh 10,100-span capture.

Each round creates 10,100 FilAgent-shaped spans (100 HTN requests of 101 spans, see
``workload.py``) with an SDK tracer inside ``capture_spans()``, then takes the snapshot
text of that fresh capture, tree building included. Both are timed in the same round, so
load on the machine slows them alike; the ratio of the medians is the figure:

    snapshot time / span creation time   target: at most 0.5

Run: ``.venv/bin/python bench/snapshot_scale.py [--rounds 7]``; exits 1 when the target is
missed.
"""

from __future__ import annotations

import argparse

from workload import REQUESTS, SPANS_PER_REQUEST, against_creation

from pytest_filagent_trace import serialize_traces

TARGET_RATIO = 0.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="rounds to take medians over")
    rounds = parser.parse_args().rounds
    create_ms, snapshot_ms, ratio = against_creation(rounds, serialize_traces)
    print(f"fresh capture of {REQUESTS * SPANS_PER_REQUEST:,} spans, medians of {rounds} rounds")
    print(f"  SDK creating the spans     {create_ms:8.1f} ms")
    print(f"  serialize_traces(capture)  {snapshot_ms:8.1f} ms")
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    print(f"snapshot / creation: {ratio:.2f}x (target <= {TARGET_RATIO}x: {verdict})")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
