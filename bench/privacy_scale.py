"""What ``assert_no_pii`` costs a user: a fresh 10,000-span capture, 10 attributes a span.

Each round creates 1,000 agent requests of 10 spans inside ``capture_spans()``, every span
carrying 10 clean attributes of the kinds real traces hold (ids, URLs, short texts,
numbers), then times two things on that same capture:

- ``assert_no_pii(capture)``, from the fresh capture, tree building included;
- a plain loop applying every regular expression of the default detectors to the string
  form of every attribute value (100,000 strings), with no pre-filter and no scanner.

Both run in the same round, so load on the machine slows them alike; the ratio of the
medians is the figure:

    assert_no_pii time / plain regex loop time   target: at most 1.5

Run: ``.venv/bin/python bench/privacy_scale.py [--rounds 5]``; exits 1 when the target is
missed.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time
import uuid

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import SpanKind, Tracer
from opentelemetry.util.types import Attributes

from pytest_filagent_trace import DEFAULT_DETECTORS, TraceCapture, assert_no_pii, capture_spans

TARGET_RATIO = 1.5
REQUESTS = 1_000
TOOLS = ("calculator", "file_read", "web_search")
TEXTS = ("routing request", "multi-step plan", "tool finished", "answer ready", "cache miss")


def attributes(rng: random.Random, number: int, index: int, conversation: str) -> Attributes:
    """Ten clean attributes: ids, a URL, short texts, numbers and a flag."""
    tool = TOOLS[index % len(TOOLS)]
    return {
        "conversation_id": conversation,
        "task_id": str(uuid.UUID(int=rng.getrandbits(128))),
        "request.id": f"req-{number:06d}-{index:02d}",
        "url.full": f"http://127.0.0.1:8080/api/v1/{tool}?page={index}&limit=20",
        "tool.name": tool,
        "message": TEXTS[(number + index) % len(TEXTS)],
        "http.response.status_code": 200,
        "tool.duration_ms": round(rng.random() * 100, 3),
        "gen_ai.usage.input_tokens": rng.randint(10, 4000),
        "tool.execution.success": index % 7 != 0,
    }


def request(tracer: Tracer, rng: random.Random, number: int) -> None:
    """One request: a SERVER root and nine spans below it, ten attributes each."""
    conversation = f"conv-{uuid.UUID(int=rng.getrandbits(128)).hex[:12]}"
    with (
        tracer.start_as_current_span(
            "POST /chat", kind=SpanKind.SERVER, attributes=attributes(rng, number, 0, conversation)
        ),
        tracer.start_as_current_span(
            "agent.run_with_htn", attributes=attributes(rng, number, 1, conversation)
        ),
    ):
        for index in range(2, 10):
            tool = TOOLS[index % len(TOOLS)]
            with tracer.start_as_current_span(
                f"tool.execute.{tool}", attributes=attributes(rng, number, index, conversation)
            ):
                pass


def detector_patterns() -> list[re.Pattern[str]]:
    """Every regular expression the default detectors run over a whole text."""
    patterns: list[re.Pattern[str]] = []
    for detector in DEFAULT_DETECTORS:
        patterns.extend(getattr(detector, "patterns", ()))
    return patterns


def attribute_strings(capture: TraceCapture) -> list[str]:
    return [str(value) for span in capture.raw_spans for value in (span.attributes or {}).values()]


def plain_loop(strings: list[str], patterns: list[re.Pattern[str]]) -> None:
    for text in strings:
        for pattern in patterns:
            for _match in pattern.finditer(text):
                pass


def round_once(provider: TracerProvider, rng: random.Random) -> tuple[float, float, int]:
    """(assert_no_pii seconds, plain loop seconds, strings) on one fresh capture."""
    tracer = provider.get_tracer("bench.privacy")
    with capture_spans(provider) as capture:
        for number in range(REQUESTS):
            request(tracer, rng, number)
    strings = attribute_strings(capture)
    patterns = detector_patterns()

    start = time.perf_counter()
    assert_no_pii(capture)
    scanned = time.perf_counter() - start

    start = time.perf_counter()
    plain_loop(strings, patterns)
    looped = time.perf_counter() - start
    return scanned, looped, len(strings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    provider = TracerProvider()
    rng = random.Random(10)
    scans, loops = [], []
    strings = 0
    for _ in range(options.rounds):
        scanned, looped, strings = round_once(provider, rng)
        scans.append(scanned)
        loops.append(looped)
    provider.shutdown()
    scan, loop = statistics.median(scans), statistics.median(loops)
    ratio = scan / loop
    print(f"{REQUESTS * 10:,} spans, {strings:,} attribute strings, median of {options.rounds}")
    print(f"  assert_no_pii(capture)     {scan * 1000:8.1f} ms")
    print(f"  plain detector regex loop  {loop * 1000:8.1f} ms")
    verdict = "ok" if ratio <= TARGET_RATIO else "OVER TARGET"
    print(f"  ratio                      {ratio:8.2f}x   (target <= {TARGET_RATIO}x: {verdict})")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
