"""What the plugin costs a whole test suite: peak memory, wall time and CPU, side by side.

Three comparisons, each a pair of pytest runs in fresh processes on a generated project,
interleaved over the repeats so that machine noise hits both sides alike (medians printed):

1. 200 tests x 1,000 spans that never use the plugin, with the program's provider set:
   plugin installed against ``-p no:pytest_filagent_trace`` (target <= 1.15x memory and time);
2. the same tests reading their spans, with ``trace_capture`` against a hand-written
   ``InMemorySpanExporter`` fixture cleared per test (target <= 1.25x memory, <= 1.10x time);
3. 2,000 trivial tests, plugin installed against ``-p no:pytest_filagent_trace``
   (target <= 1.05x CPU).

    .venv/bin/python bench/suite_cost.py [--repeats 5] [--trivial-repeats 9] [--tests 200]
        [--spans 1000]

The trivial pair gets more repeats: each of its runs takes about two seconds, so a 5%
target is within one run's noise on a shared machine, and the median of nine is not.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

MEASURES = {"rss_mb": "memory", "wall": "time", "cpu": "CPU"}
DISABLED = ("-p", "no:pytest_filagent_trace")
BASE_ARGS = ("-q", "-p", "no:randomly", "-p", "no:cacheprovider", "-p", "no:xdist")

# Runs pytest in-process and reports its own peak RSS, wall and CPU time as JSON.
RUNNER = """
import json, resource, sys, time
import pytest
wall, cpu = time.perf_counter(), time.process_time()
code = pytest.main(sys.argv[1:])
print("SUITE_COST " + json.dumps({
    "code": int(code),
    "wall": time.perf_counter() - wall,
    "cpu": time.process_time() - cpu,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""

MAKE_SPANS = """
from opentelemetry import trace

tracer = trace.get_tracer("bench.suite")

def make_spans(count):
    for _ in range(count // 10):
        with tracer.start_as_current_span("request") as root:
            root.set_attribute("http.route", "/chat")
            for step in range(9):
                with tracer.start_as_current_span("step") as span:
                    span.set_attribute("step.index", step)
"""

PROVIDER_CONFTEST = """
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

trace.set_tracer_provider(TracerProvider())
"""

EXPORTER_CONFTEST = """
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

EXPORTER = InMemorySpanExporter()
_provider = TracerProvider()
_provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
trace.set_tracer_provider(_provider)

@pytest.fixture
def spans():
    EXPORTER.clear()
    yield EXPORTER
    EXPORTER.clear()
"""


def write_project(root: Path, conftest: str, test_source: str) -> Path:
    root.mkdir(parents=True)
    (root / "conftest.py").write_text(textwrap.dedent(conftest))
    (root / "spans.py").write_text(textwrap.dedent(MAKE_SPANS))
    (root / "test_suite.py").write_text(textwrap.dedent(test_source))
    (root / "pytest.ini").write_text("[pytest]\n")
    return root


def projects(base: Path, tests: int, spans: int) -> dict[str, Path]:
    unused = f"""
    import pytest
    from spans import make_spans

    @pytest.mark.parametrize("index", range({tests}))
    def test_spans(index):
        make_spans({spans})
    """
    captured = f"""
    import pytest
    from spans import make_spans

    @pytest.mark.parametrize("index", range({tests}))
    def test_spans(index, trace_capture):
        make_spans({spans})
        assert len(trace_capture) == {spans}
    """
    exported = f"""
    import pytest
    from spans import make_spans

    @pytest.mark.parametrize("index", range({tests}))
    def test_spans(index, spans):
        make_spans({spans})
        assert len(spans.get_finished_spans()) == {spans}
    """
    trivial = """
    import pytest

    @pytest.mark.parametrize("index", range(2000))
    def test_trivial(index):
        assert index >= 0
    """
    return {
        "unused": write_project(base / "unused", PROVIDER_CONFTEST, unused),
        "captured": write_project(base / "captured", "", captured),
        "exported": write_project(base / "exported", EXPORTER_CONFTEST, exported),
        "trivial": write_project(base / "trivial", "", trivial),
    }


def run(project: Path, *args: str) -> dict[str, float]:
    completed = subprocess.run(
        [sys.executable, "-c", RUNNER, *BASE_ARGS, *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in completed.stdout.splitlines():
        if line.startswith("SUITE_COST "):
            result: dict[str, float] = json.loads(line.removeprefix("SUITE_COST "))
            if result["code"] != 0:
                break
            return result
    raise SystemExit(f"pytest failed in {project}:\n{completed.stdout}\n{completed.stderr}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--trivial-repeats", type=int, default=9)
    parser.add_argument("--tests", type=int, default=200)
    parser.add_argument("--spans", type=int, default=1000)
    args = parser.parse_args()

    trivial = "2,000 trivial tests vs -p no:"
    repeats_of = {trivial: args.trivial_repeats}
    pairs = {
        "plugin unused vs -p no:": (("unused", ()), ("unused", DISABLED)),
        "trace_capture vs InMemorySpanExporter fixture": (("captured", ()), ("exported", ())),
        trivial: (("trivial", ()), ("trivial", DISABLED)),
    }
    samples: dict[tuple[str, int], list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        made = projects(Path(tmp), args.tests, args.spans)
        for repeat in range(max(args.repeats, args.trivial_repeats)):
            for name, sides in pairs.items():
                if repeat >= repeats_of.get(name, args.repeats):
                    continue
                order = (0, 1) if repeat % 2 == 0 else (1, 0)
                for side in order:
                    project, extra = sides[side]
                    samples.setdefault((name, side), []).append(run(made[project], *extra))

    def median(name: str, side: int, key: str) -> float:
        return statistics.median(sample[key] for sample in samples[(name, side)])

    print(
        f"{args.tests} tests x {args.spans} spans, 2,000 trivial tests; medians of "
        f"{args.repeats} interleaved repeats ({args.trivial_repeats} for the trivial tests), "
        "each run a fresh pytest process"
    )
    # Each pair's limits: measure -> the largest ratio allowed.
    targets = {
        "plugin unused vs -p no:": {"rss_mb": 1.15, "wall": 1.15},
        "trace_capture vs InMemorySpanExporter fixture": {"rss_mb": 1.25, "wall": 1.10},
        trivial: {"cpu": 1.05},
    }
    missed: list[str] = []
    for name in pairs:
        ours = {key: median(name, 0, key) for key in ("rss_mb", "wall", "cpu")}
        base = {key: median(name, 1, key) for key in ("rss_mb", "wall", "cpu")}
        ratios = {key: ours[key] / base[key] for key in ours}
        limits = targets[name]
        verdict = ", ".join(f"{MEASURES[key]} <= {limit}x" for key, limit in limits.items())
        failed = [key for key, limit in limits.items() if ratios[key] > limit]
        missed += [f"{name}: {MEASURES[key]} {ratios[key]:.2f}x" for key in failed]
        print(
            f"{name}: peak RSS {ours['rss_mb']:.0f} MB vs {base['rss_mb']:.0f} MB "
            f"({ratios['rss_mb']:.2f}x), wall {ours['wall']:.2f} s vs "
            f"{base['wall']:.2f} s ({ratios['wall']:.2f}x), CPU {ours['cpu']:.2f} s "
            f"vs {base['cpu']:.2f} s ({ratios['cpu']:.2f}x); target {verdict}: "
            f"{'MISSED' if failed else 'met'}"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
