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

from workload import compare_with_creation

from pytest_filagent_trace import serialize_traces

TARGET_RATIO = 0.5


def main() -> int:
    return compare_with_creation(
        __doc__.splitlines()[0], serialize_traces, "serialize_traces", TARGET_RATIO
    )


if __name__ == "__main__":
    raise SystemExit(main())
